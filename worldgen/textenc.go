package worldgen

import (
	"errors"
	"log/slog"

	"github.com/wfm-platform/wfm/diffusion"
)

// openTextEncoder opens the text encoder a pipeline embeds prompts with: opts.TextEncoder, else
// the one the model records (a relative T5 folder found from the model's folder,
// ResolveModelPath). A spec that names no encoder, an encoder of the wrong shape, or an
// explicit encoder other than the model's wraps ErrInvalid.
func (p *Pipeline) openTextEncoder(dir string, opts Options) error {
	spec := opts.TextEncoder
	if spec == "" {
		spec = diffusion.RecordedTextEncoder(p.cfg)
		if spec != diffusion.TextEncoderBuiltin && spec != diffusion.TextEncoderHash {
			spec = ResolveModelPath(dir, spec)
		}
	}
	t, err := diffusion.OpenTextEncoder(p.b, spec, p.cfg, "")
	var optErr *diffusion.OptionError
	if errors.As(err, &optErr) {
		return invalid(err)
	} else if err != nil {
		return err
	}
	p.text = t
	if opts.TextEncoder != "" {
		return checkTextEncoder(p.cfg, t)
	}
	return nil
}

// checkTextEncoder compares an encoder with the one a model was trained with. A different
// encoder wraps ErrInvalid, except between two T5 folders, whose ids come from file paths and
// times (a copied folder gets a new id): that is a warning.
func checkTextEncoder(cfg diffusion.Config, t *diffusion.ModelTextEncoder) error {
	same, folderOnly := diffusion.SameTextEncoder(cfg.TextEncoderID, t.ID)
	switch {
	case same:
		return nil
	case folderOnly:
		slog.Warn("text encoder folder differs from the one the model was trained with",
			"model", cfg.Name, "trained", cfg.TextEncoder, "trained_id", cfg.TextEncoderID, "now", t.Spec, "now_id", t.ID)
		return nil
	}
	return invalidf("model %s was trained with text encoder %s (%s), not %s (%s): leave the text encoder unset to use the model's",
		cfg.Name, diffusion.RecordedTextEncoder(cfg), cfg.TextEncoderID, t.Spec, t.ID)
}
