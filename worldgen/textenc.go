package worldgen

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/textenc"
)

// Text encoder specs (anything else is a Hugging Face T5 folder), as model.json's
// "text_encoder" records them.
const (
	TextEncoderBuiltin = "builtin" // textenc.Default, the small T5 trained on the synthetic captions
	TextEncoderHash    = "hash"    // diffusion.HashEncoder, what models made before the record used
)

// TextEncoder is the text encoder a diffusion model conditions on, with what identifies it.
type TextEncoder struct {
	diffusion.TextEncoder
	// Spec is "builtin", "hash", or the absolute path of a T5 folder.
	Spec string
	// ID is textenc.Model.ID, or "hash:DIMxLEN": what model.json's "text_encoder_id" records.
	ID string
}

// OpenTextEncoder opens the text encoder spec names for a model of configuration cfg: the
// built-in T5 (textenc.Default), the hashing encoder, or a Hugging Face T5 folder (run on b, at
// cfg.ContextLen tokens). T5 encoders are wrapped in a textenc.Cache, on disk under cacheDir
// when it is not empty. The encoder's width and length must be the model's ContextDim and
// ContextLen. A bad spec or a mismatch wraps ErrInvalid.
func OpenTextEncoder(spec string, cfg diffusion.Config, b compute.Backend, cacheDir string) (*TextEncoder, error) {
	var t TextEncoder
	switch spec {
	case "":
		return nil, invalidf("empty text encoder: want builtin, hash or a T5 folder")
	case TextEncoderHash:
		enc, err := diffusion.NewHashEncoder(cfg.ContextDim, cfg.ContextLen)
		if err != nil {
			return nil, err
		}
		t = TextEncoder{TextEncoder: enc, Spec: spec, ID: fmt.Sprintf("hash:%dx%d", cfg.ContextDim, cfg.ContextLen)}
	case TextEncoderBuiltin:
		m, err := textenc.Default()
		if err != nil {
			return nil, err
		}
		t = TextEncoder{TextEncoder: textenc.NewCache(m, m.ID(), cacheDir), Spec: spec, ID: m.ID()}
	default:
		dir, err := filepath.Abs(spec)
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, invalidf("text encoder %q: want builtin, hash or a Hugging Face T5 folder (config.json, spiece.model, model.safetensors)", spec)
		}
		m, err := textenc.Load(dir, textenc.WithMaxLen(cfg.ContextLen), textenc.WithBackend(b))
		if err != nil {
			return nil, err
		}
		t = TextEncoder{TextEncoder: textenc.NewCache(m, m.ID(), cacheDir), Spec: dir, ID: m.ID()}
	}
	if t.Dim() != cfg.ContextDim || t.MaxLen() != cfg.ContextLen {
		return nil, invalidf("text encoder %s gives %d tokens of width %d, but model %s reads %d tokens of width %d (context_len, context_dim): pick a matching text encoder or preset",
			t.Spec, t.MaxLen(), t.Dim(), cfg.Name, cfg.ContextLen, cfg.ContextDim)
	}
	return &t, nil
}

// RecordedTextEncoder is the text encoder spec a model was trained with: the one its config
// records, else the hashing encoder that models made before the record used. A T5 folder is
// returned as recorded; ResolveModelPath finds a relative one.
func RecordedTextEncoder(cfg diffusion.Config) string {
	if cfg.TextEncoder == "" {
		return TextEncoderHash
	}
	return cfg.TextEncoder
}

// CheckTextEncoder compares an encoder with the one a model was trained with. A different
// encoder is an error wrapping ErrInvalid, except between two T5 folders, whose ids come from
// file paths and times (a copied folder gets a new id): that is a warning.
func CheckTextEncoder(cfg diffusion.Config, t *TextEncoder) error {
	if cfg.TextEncoderID == "" || cfg.TextEncoderID == t.ID {
		return nil
	}
	if strings.HasPrefix(cfg.TextEncoderID, "t5:") && strings.HasPrefix(t.ID, "t5:") {
		slog.Warn("text encoder folder differs from the one the model was trained with",
			"model", cfg.Name, "trained", cfg.TextEncoder, "trained_id", cfg.TextEncoderID, "now", t.Spec, "now_id", t.ID)
		return nil
	}
	return invalidf("model %s was trained with text encoder %s (%s), not %s (%s): leave the text encoder unset to use the model's",
		cfg.Name, RecordedTextEncoder(cfg), cfg.TextEncoderID, t.Spec, t.ID)
}
