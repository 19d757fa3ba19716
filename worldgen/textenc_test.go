package worldgen

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/textenc"
)

// TestOpenTextEncoder opens each kind of text encoder for the tiny preset — the built-in T5,
// the same weights as a Hugging Face folder (same embeddings, another id), the hashing encoder —
// and checks the errors for a mismatched width or length, a folder that is no T5, and a model
// trained with another encoder.
func TestOpenTextEncoder(t *testing.T) {
	b := goBackend(t)
	cfg, err := diffusion.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	m, err := textenc.Default()
	if err != nil {
		t.Fatal(err)
	}
	tokBytes, err := textenc.BuiltinTokenizer()
	if err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(t.TempDir(), "t5")
	if err := textenc.Export(folder, m, tokBytes); err != nil {
		t.Fatal(err)
	}
	narrow := cfg
	narrow.ContextDim, narrow.ContextLen = 32, 16
	encoders := map[string]*TextEncoder{}
	for _, tc := range []struct {
		spec     string
		cfg      diffusion.Config
		wantID   string // prefix
		wantSpec string
		wantErr  string
	}{
		{TextEncoderBuiltin, cfg, "builtin:", TextEncoderBuiltin, ""},
		{folder, cfg, "t5:", folder, ""},
		{TextEncoderHash, cfg, "hash:64x64", TextEncoderHash, ""},
		{TextEncoderBuiltin, narrow, "", "", "width 32"},
		{t.TempDir(), cfg, "", "", "config.json"},
		{filepath.Join(folder, "nope"), cfg, "", "", "Hugging Face T5 folder"},
		{"", cfg, "", "", "empty text encoder"},
	} {
		enc, err := OpenTextEncoder(tc.spec, tc.cfg, b, "")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("OpenTextEncoder(%q): %v, want an error with %q", tc.spec, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("OpenTextEncoder(%q): %v", tc.spec, err)
		}
		if !strings.HasPrefix(enc.ID, tc.wantID) || enc.Spec != tc.wantSpec {
			t.Errorf("OpenTextEncoder(%q): id %q, spec %q", tc.spec, enc.ID, enc.Spec)
		}
		encoders[tc.spec] = enc
	}
	caption := []string{"a red ball falls and bounces twice"}
	embed := func(e *TextEncoder) []float32 {
		emb, _, err := e.Encode(context.Background(), caption)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](emb)
	}
	v1, v2 := embed(encoders[TextEncoderBuiltin]), embed(encoders[folder])
	if len(v1) != cfg.ContextDim*cfg.ContextLen || len(v1) != len(v2) {
		t.Fatalf("embedding sizes %d and %d, want %d", len(v1), len(v2), cfg.ContextDim*cfg.ContextLen)
	}
	for i := range v1 {
		if d := v1[i] - v2[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("value %d: builtin %g, exported folder %g", i, v1[i], v2[i])
		}
	}

	// The recorded encoder is the default; another one is an error, two T5 folders a warning.
	for _, tc := range []struct {
		recorded, id string
		enc          *TextEncoder
		ok           bool
	}{
		{"builtin", encoders[TextEncoderBuiltin].ID, encoders[TextEncoderBuiltin], true},
		{"builtin", encoders[TextEncoderBuiltin].ID, encoders[TextEncoderHash], false},
		{"/elsewhere/t5", "t5:0123", encoders[folder], true},
		{"", "", encoders[TextEncoderHash], true},
	} {
		c := cfg
		c.TextEncoder, c.TextEncoderID = tc.recorded, tc.id
		if err := CheckTextEncoder(c, tc.enc); (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("model trained with %s, encoder %s: %v", tc.recorded, tc.enc.Spec, err)
		}
	}
	if got := RecordedTextEncoder(diffusion.Config{}); got != TextEncoderHash {
		t.Errorf("a model without a recorded encoder defaults to %q", got)
	}
}
