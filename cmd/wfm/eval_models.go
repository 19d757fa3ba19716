package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	"github.com/spf13/pflag"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
)

// diffusionEvalFlags are the sampling settings of a diffusion model under `wfm eval physics`
// (flags --diffusion-steps, --diffusion-sampler, --diffusion-guidance).
var diffusionEvalFlags struct {
	steps    int
	sampler  string
	guidance float64
	sigmaMin float64
	ema      bool
}

func init() {
	physics.RegisterModel(diffusion.ModelKind, openDiffusionPredictor)
	// The flags go on `wfm eval physics` (made by eval.go's init, which runs first: files
	// initialize in name order), else on `wfm eval` for all its subcommands.
	var fs *pflag.FlagSet
	for _, c := range evalCmd.Commands() {
		if c.Name() == "physics" {
			fs = c.Flags()
		}
	}
	if fs == nil {
		fs = evalCmd.PersistentFlags()
	}
	fs.IntVar(&diffusionEvalFlags.steps, "diffusion-steps", diffusion.DefaultSteps, "diffusion models: sampling steps")
	fs.StringVar(&diffusionEvalFlags.sampler, "diffusion-sampler", diffusion.SamplerMultistep, "diffusion models: sampler ("+strings.Join(diffusion.SamplerNames(), ", ")+")")
	fs.Float64Var(&diffusionEvalFlags.sigmaMin, "diffusion-sigma-min", 0, "diffusion models: lowest noise level of the sampling schedule (0: the model's sample_sigma_min, else 0.002)")
	fs.BoolVar(&diffusionEvalFlags.ema, "diffusion-ema", false, "diffusion models: use the EMA weights of a training checkpoint")
	fs.Float64Var(&diffusionEvalFlags.guidance, "diffusion-guidance", 0, "diffusion models: classifier-free guidance weight (0: conditional only)")
}

// diffusionPredictor is a Video2World diffusion model as the physics benchmark sees it.
type diffusionPredictor struct {
	name     string
	b        compute.Backend
	gen      *diffusionGen
	opts     diffusion.SampleOptions
	guidance float64
}

// openDiffusionPredictor is the physics loader of kind "diffusion": path is a run folder,
// checkpoint or weights file of 'wfm train diffusion' (a checkpoint's raw weights unless
// --diffusion-ema), opened with the tokenizer and text encoder recorded with it, on the --backend of the command.
func openDiffusionPredictor(path string) (physics.Predictor, error) {
	opts := diffusion.SampleOptions{Steps: diffusionEvalFlags.steps, Sampler: diffusionEvalFlags.sampler, SigmaMin: diffusionEvalFlags.sigmaMin}
	if err := opts.Validate(); err != nil {
		return nil, usageError{err}
	}
	b, _, err := backend.Open(global.backend)
	if err != nil {
		return nil, err
	}
	gen, err := openDiffusionGen(b, path, diffusionEvalFlags.ema, "", "")
	if err != nil {
		b.Finalize()
		return nil, err
	}
	if !gen.cfg.Video2World {
		gen.Close()
		b.Finalize()
		return nil, fmt.Errorf("diffusion model %s is Text2World: the physics benchmark conditions on frames and needs a Video2World (-v2w) model", gen.cfg.Name)
	}
	opts = opts.ForModel(gen.cfg) // the model's own end of the schedule, unless given
	if err := opts.Validate(); err != nil {
		gen.Close()
		b.Finalize()
		return nil, err
	}
	// The name is the path, so that two checkpoints of one preset stay apart in a report.
	return &diffusionPredictor{name: diffusion.ModelKind + ":" + filepath.Clean(path), b: b, gen: gen, opts: opts, guidance: diffusionEvalFlags.guidance}, nil
}

// Name implements physics.Predictor.
func (p *diffusionPredictor) Name() string { return p.name }

// Close releases the model and its backend.
func (p *diffusionPredictor) Close() error {
	p.gen.Close()
	p.b.Finalize()
	return nil
}

// Predict implements physics.Predictor: it generates the condition frames and the req.Frames
// after them as one clip (rounded up to a length the tokenizer takes), keeping the condition
// frames (Video2World), and returns the new ones. A condition of a length the tokenizer cannot
// take alone (not 1+k·t) keeps its last 1+k·t frames. The seed is req.Seed, so a run repeats.
func (p *diffusionPredictor) Predict(ctx context.Context, req physics.Request) (*video.Clip, error) {
	if req.Cond == nil || req.Cond.Frames < 1 || req.Frames < 1 {
		return nil, fmt.Errorf("diffusion: predict needs condition frames and frames > 0")
	}
	t, err := p.gen.temporalCompression()
	if err != nil {
		return nil, err
	}
	given := 1 + (req.Cond.Frames-1)/t*t
	cond := req.Cond.Slice(req.Cond.Frames-given, req.Cond.Frames)
	total := given + req.Frames
	if (total-1)%t != 0 {
		total = 1 + ((total-1)/t+1)*t
	}
	fps := req.Cond.FPS
	if fps <= 0 {
		fps = p.gen.cfg.DataFPS
	}
	clip, err := p.gen.generate(ctx, genRequest{Prompt: req.Caption, Negative: defaultNegativePrompt, Cond: cond,
		Frames: total, Width: req.Cond.Width, Height: req.Cond.Height, FPS: fps, Guidance: p.guidance,
		Seed: req.Seed, Options: p.opts})
	if err != nil {
		return nil, fmt.Errorf("diffusion: predict %d frames after %d at %dx%d: %w", req.Frames, given, req.Cond.Width, req.Cond.Height, err)
	}
	out := clip.Slice(given, given+req.Frames)
	out.FPS = req.Cond.FPS
	return out, nil
}
