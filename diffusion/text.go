package diffusion

import (
	"context"

	"github.com/gomlx/gomlx/core/tensors"
)

// TextEncoder turns prompts into the embeddings cross-attention reads. The platform's T5
// encoder (package textenc) satisfies it; textenc.HashEncoder is a small parameter-free one.
type TextEncoder interface {
	// Encode returns emb [B, MaxLen, Dim] float32, zero past each prompt's tokens, and mask
	// [B, MaxLen] float32 (1 on tokens).
	Encode(ctx context.Context, texts []string) (emb, mask *tensors.Tensor, err error)
	// Dim is the embedding width.
	Dim() int
	// MaxLen is the number of token positions (longer prompts are cut).
	MaxLen() int
}
