package diffusion

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/textenc"
)

// Text encoder specs of TrainRunOptions.TextEncoder and Config.TextEncoder; anything else is
// the folder of a Hugging Face T5 encoder.
const (
	// TextEncoderBuiltin is the small T5 encoder built into wfm (textenc.Default).
	TextEncoderBuiltin = "builtin"
	// TextEncoderHash is the parameter-free hashing encoder ([textenc.HashEncoder]).
	TextEncoderHash = "hash"
)

// TextCacheDir is the folder of a run that caches caption embeddings (textenc.Cache).
const TextCacheDir = "text-cache"

// ModelTextEncoder is the text encoder a diffusion model conditions on, with what identifies
// it in model.json (Config.TextEncoder and Config.TextEncoderID).
type ModelTextEncoder struct {
	TextEncoder
	// Spec is "builtin", "hash", or the absolute path of a T5 folder.
	Spec string
	// ID is textenc.Model.ID, or "hash:DIMxLEN".
	ID string
}

// OpenTextEncoder opens the text encoder spec names for a model of configuration cfg: the
// built-in T5 (textenc.Default), the hashing encoder, or a Hugging Face T5 folder (run on b, at
// cfg.ContextLen tokens). T5 encoders are wrapped in a textenc.Cache, on disk under cacheDir
// when it is not empty. The encoder's width and length must be the model's ContextDim and
// ContextLen. A spec that names no encoder, or an encoder of the wrong shape, is an
// [*OptionError] for the option "TextEncoder".
func OpenTextEncoder(b compute.Backend, spec string, cfg Config, cacheDir string) (*ModelTextEncoder, error) {
	var t ModelTextEncoder
	switch spec {
	case "":
		return nil, optionErrorf("TextEncoder", "TextEncoder is empty: want builtin, hash or a T5 folder")
	case TextEncoderHash:
		enc, err := textenc.NewHashEncoder(cfg.ContextDim, cfg.ContextLen)
		if err != nil {
			return nil, err
		}
		t = ModelTextEncoder{TextEncoder: enc, Spec: spec, ID: fmt.Sprintf("hash:%dx%d", cfg.ContextDim, cfg.ContextLen)}
	case TextEncoderBuiltin:
		m, err := textenc.Default()
		if err != nil {
			return nil, err
		}
		t = ModelTextEncoder{TextEncoder: textenc.NewCache(m, m.ID(), cacheDir), Spec: spec, ID: m.ID()}
	default:
		dir, err := filepath.Abs(spec)
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, optionErrorf("TextEncoder", "TextEncoder %q: want builtin, hash or a Hugging Face T5 folder (config.json, spiece.model, model.safetensors)", spec)
		}
		m, err := textenc.Load(dir, textenc.WithMaxLen(cfg.ContextLen), textenc.WithBackend(b))
		if err != nil {
			return nil, err
		}
		t = ModelTextEncoder{TextEncoder: textenc.NewCache(m, m.ID(), cacheDir), Spec: dir, ID: m.ID()}
	}
	if t.Dim() != cfg.ContextDim || t.MaxLen() != cfg.ContextLen {
		return nil, optionErrorf("TextEncoder", "text encoder %s gives %d tokens of width %d, but model %s reads %d tokens of width %d (context_len, context_dim): pick a matching TextEncoder or preset",
			t.Spec, t.MaxLen(), t.Dim(), cfg.Name, cfg.ContextLen, cfg.ContextDim)
	}
	return &t, nil
}

// RecordedTextEncoder is the text encoder spec a model was trained with: the one its config
// records, else the hashing encoder that models made before the record used.
func RecordedTextEncoder(cfg Config) string {
	if cfg.TextEncoder == "" {
		return TextEncoderHash
	}
	return cfg.TextEncoder
}

// SameTextEncoder compares the id of an encoder with the id a model was trained with (empty:
// not recorded, which matches anything). same is false for different encoders; folderOnly is
// true when both are T5 folders, whose ids come from file paths and times (a copied folder
// gets a new id), so that a difference may be only the folder's.
func SameTextEncoder(trainedID, id string) (same, folderOnly bool) {
	if trainedID == "" || trainedID == id {
		return true, false
	}
	return false, strings.HasPrefix(trainedID, "t5:") && strings.HasPrefix(id, "t5:")
}
