package worldgen

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/prompt"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/weights"
)

// Options configure a Pipeline. The zero value loads the model's raw weights with the tokenizer
// and text encoder it records, on the default backend, with both guardrails and no prompt
// upsampling.
type Options struct {
	// Backend runs the model, the tokenizer and a T5 text encoder. Nil opens backend.Open("")
	// ($WFM_BACKEND, else auto: CUDA when present, else the Go backend), which Close releases;
	// a backend given here is the caller's to finalize, after Close.
	Backend compute.Backend
	// EMA takes the moving averages of a training checkpoint instead of its raw weights.
	EMA bool
	// Tokenizer overrides the tokenizer the model records (model.json "tokenizer"): a weights
	// file, or "preset:NAME" for untrained weights.
	Tokenizer string
	// TextEncoder overrides the text encoder the model records ("text_encoder"): builtin, hash
	// or a Hugging Face T5 folder. It must be the encoder the model was trained with (else an
	// error wrapping ErrInvalid; two T5 folders only warn, their ids come from paths and times).
	TextEncoder string
	// NoGuardrails skips the prompt pre-guard and the face-blurring post-guard.
	NoGuardrails bool
	// Guard is the guardrail pair to run; nil means guardrail.Default().
	Guard *guardrail.Guard
	// Upsampler, when set, rewrites every prompt before it is embedded (prompt.Builtin, or a
	// served model through prompt.FromFlag); the guard checks the prompt before and after.
	Upsampler prompt.Upsampler
}

// Pipeline is a diffusion world model loaded for generation: the compiled denoiser, its
// tokenizer and text encoder, and the guardrails, on one backend.
//
// A Pipeline is safe for concurrent use: the tokenizer codecs are not (tokenizer.Codec), so
// Generate holds a mutex for the whole request and concurrent calls run one after another on
// the one compiled model.
type Pipeline struct {
	mu          sync.Mutex
	path        string
	cfg         diffusion.Config
	b           compute.Backend
	ownsBackend bool
	text        *diffusion.ModelTextEncoder
	den         *diffusion.Denoiser // the compiled network (Request.Sampler is the ODE solver)
	tok         string
	codecs      map[int]windowCodec // by window length in frames, opened on first use
	guard       *guardrail.Guard    // nil without guardrails
	ups         prompt.Upsampler
}

// windowCodec is the tokenizer opened for clips of one length.
type windowCodec struct {
	codec *tokenizer.Codec
	cfg   tokenizer.Config
}

// Open loads the diffusion model at dir: a run folder of `wfm train diffusion` (its exported
// model.safetensors, else its newest checkpoint), a checkpoint folder or a weights file, as
// diffusion.LoadWeights reads them, with the tokenizer and text encoder its config records
// (relative paths found from the model's folder, ResolveModelPath) unless opts overrides
// them. Errors caused by opts, a missing tokenizer or a mismatched text encoder wrap ErrInvalid.
func Open(dir string, opts Options) (*Pipeline, error) {
	store, cfg, err := diffusion.LoadWeights(dir, opts.EMA)
	if err != nil {
		return nil, err
	}
	// A weights file holding none (or not all) of the DiT's variables fails the first graph build
	// naming what is missing, instead of sampling from initial values.
	weights.Require(store, dir)
	tok := opts.Tokenizer
	if tok == "" {
		tok = ResolveModelPath(dir, cfg.Tokenizer)
	}
	if tok == "" {
		return nil, invalidf("model %s names no tokenizer; give Options.Tokenizer", dir)
	}
	p := &Pipeline{path: dir, cfg: cfg, b: opts.Backend, tok: tok, codecs: map[int]windowCodec{}, ups: opts.Upsampler}
	if p.b == nil {
		if p.b, _, err = backend.Open(""); err != nil {
			return nil, err
		}
		p.ownsBackend = true
	}
	if err := p.load(dir, store, opts); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// load opens the guardrails and the text encoder and compiles the denoiser.
func (p *Pipeline) load(dir string, store *model.Store, opts Options) error {
	var err error
	if !opts.NoGuardrails {
		if p.guard = opts.Guard; p.guard == nil {
			if p.guard, err = guardrail.Default(); err != nil {
				return err
			}
		}
	}
	if err := p.openTextEncoder(dir, opts); err != nil {
		return err
	}
	m, err := diffusion.New(p.cfg)
	if err != nil {
		return err
	}
	p.den, err = diffusion.NewDenoiser(p.b, store, m)
	return err
}

// Close releases the compiled model, the tokenizer codecs and the backend Open opened.
func (p *Pipeline) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.den != nil {
		p.den.Close()
		p.den = nil
	}
	for w, c := range p.codecs {
		c.codec.Close()
		delete(p.codecs, w)
	}
	if p.ownsBackend && p.b != nil {
		p.b.Finalize()
		p.b = nil
	}
	return nil
}

// Config is the model's configuration (model.json).
func (p *Pipeline) Config() diffusion.Config { return p.cfg }

// TextEncoder is the spec of the text encoder in use: builtin, hash or a T5 folder.
func (p *Pipeline) TextEncoder() string { return p.text.Spec }

// Tokenizer is the tokenizer in use: a weights file or "preset:NAME".
func (p *Pipeline) Tokenizer() string { return p.tok }

// codec returns the tokenizer codec for clips of window frames. p.mu must be held.
func (p *Pipeline) codec(window int) (windowCodec, error) {
	if c, ok := p.codecs[window]; ok {
		return c, nil
	}
	if p.den == nil {
		return windowCodec{}, fmt.Errorf("worldgen: pipeline %s is closed", p.path)
	}
	codec, tcfg, err := diffusion.OpenTokenizer(p.b, p.tok, window)
	if err != nil {
		var optErr *tokenizer.OptionsError
		if strings.HasPrefix(p.tok, diffusion.TokenizerPresetPrefix) || errors.As(err, &optErr) {
			return windowCodec{}, invalid(err) // an unknown preset or a window that does not fit: the caller's mistake
		}
		return windowCodec{}, err // a weights file that does not load is bad input, as anywhere else
	}
	c := windowCodec{codec, tcfg}
	p.codecs[window] = c
	return c, nil
}

// TemporalCompression is the tokenizer's number of frames per latent frame (past the first):
// a clip's length must be 1+k·t frames, and so must the condition frames.
func (p *Pipeline) TemporalCompression() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.codecs {
		return c.cfg.TemporalCompression, nil
	}
	var tcfg tokenizer.Config
	if name, ok := strings.CutPrefix(p.tok, diffusion.TokenizerPresetPrefix); ok {
		if c, err := tokenizer.Preset(name); err == nil {
			return c.TemporalCompression, nil
		}
	} else if err := weights.ReadConfig(p.tok, &tcfg); err == nil && tcfg.TemporalCompression > 0 {
		return tcfg.TemporalCompression, nil
	}
	c, err := p.codec(1)
	return c.cfg.TemporalCompression, err
}
