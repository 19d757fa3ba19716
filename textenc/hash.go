package textenc

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/gomlx/gomlx/core/tensors"
)

// HashEncoder is a deterministic, parameter-free text encoder: each lower-cased word is
// hashed (FNV-1a) to seed a PCG generator that draws its unit-RMS Gaussian vector, and word k
// of the prompt fills row k. Equal words give equal vectors in any prompt, so a diffusion model
// trained on the synthetic captions can learn what the words mean; it knows nothing of
// language beyond that. The empty prompt is all zeros, the "no text" of classifier-free
// guidance. It satisfies diffusion.TextEncoder (the spec "hash" of a diffusion model).
type HashEncoder struct {
	dim, maxLen int
}

// NewHashEncoder returns a HashEncoder of the given width and length.
func NewHashEncoder(dim, maxLen int) (*HashEncoder, error) {
	if dim <= 0 || maxLen <= 0 {
		return nil, fmt.Errorf("textenc: hash text encoder needs dim and maxLen > 0, got %d and %d", dim, maxLen)
	}
	return &HashEncoder{dim: dim, maxLen: maxLen}, nil
}

// Dim is the embedding width.
func (e *HashEncoder) Dim() int { return e.dim }

// MaxLen is the number of token positions (words past it are cut).
func (e *HashEncoder) MaxLen() int { return e.maxLen }

// Words splits a prompt the way HashEncoder does: lower case, runs of letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Encode returns the embeddings [B, MaxLen, Dim] and the mask [B, MaxLen] of texts.
func (e *HashEncoder) Encode(ctx context.Context, texts []string) (*tensors.Tensor, *tensors.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	emb := make([]float32, len(texts)*e.maxLen*e.dim)
	mask := make([]float32, len(texts)*e.maxLen)
	for b, text := range texts {
		for k, word := range Words(text) {
			if k >= e.maxLen {
				break
			}
			h := fnv.New64a()
			_, _ = h.Write([]byte(word))
			rng := rand.New(rand.NewPCG(h.Sum64(), 0x7e47))
			row := emb[(b*e.maxLen+k)*e.dim:][:e.dim]
			for i := range row {
				row[i] = float32(rng.NormFloat64())
			}
			mask[b*e.maxLen+k] = 1
		}
	}
	return tensors.FromFlatDataAndDimensions(emb, len(texts), e.maxLen, e.dim),
		tensors.FromFlatDataAndDimensions(mask, len(texts), e.maxLen), nil
}
