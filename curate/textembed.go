package curate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// TextEmbedder turns a caption into a vector stored beside the clip, so training can skip the
// text encoder. Implementations must be deterministic and safe for concurrent use.
type TextEmbedder interface {
	Name() string
	EmbedText(text string) ([]float32, error)
}

// HashTextEmbedder is the feature-hashing text embedding (Weinberger et al., "Feature hashing
// for large scale multitask learning", ICML 2009): the lower-cased word unigrams and bigrams
// of the caption are hashed (FNV-1a) into Dim buckets with a hash-derived sign, and the vector
// is scaled to unit length. It needs no weights and is exact to reproduce; it carries word
// identity, not meaning, and stands in until a T5 encoder's embeddings are precomputed here
// through the same interface.
type HashTextEmbedder struct{ Dim int }

// Name implements TextEmbedder.
func (h HashTextEmbedder) Name() string { return fmt.Sprintf("hash-ngram-%d", h.Dim) }

// EmbedText implements TextEmbedder.
func (h HashTextEmbedder) EmbedText(text string) ([]float32, error) {
	if h.Dim < 1 {
		return nil, fmt.Errorf("curate: text embedding dimension %d", h.Dim)
	}
	v := make([]float32, h.Dim)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	add := func(tok string) {
		f := fnv.New64a()
		f.Write([]byte(tok))
		s := f.Sum64()
		sign := float32(1)
		if s>>63 == 1 {
			sign = -1
		}
		v[int(s%uint64(h.Dim))] += sign
	}
	for i, w := range words {
		add(w)
		if i > 0 {
			add(words[i-1] + " " + w)
		}
	}
	normalize(v, 1)
	return v, nil
}

// npyFloat32 encodes a float32 vector as a NumPy .npy file, format version 1.0 (the header
// layout of numpy.lib.format: magic, version, little-endian header length, a dict literal
// padded with spaces to a multiple of 64 bytes and ended by a newline).
func npyFloat32(v []float32) []byte {
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }", len(v))
	pad := 64 - (10+len(header)+1)%64
	if pad == 64 {
		pad = 0
	}
	header += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	for _, x := range v {
		_ = binary.Write(&b, binary.LittleEndian, math.Float32bits(x))
	}
	return b.Bytes()
}
