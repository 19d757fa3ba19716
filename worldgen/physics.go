package worldgen

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
)

func init() { physics.RegisterModel(diffusion.ModelKind, OpenPredictor) }

// Predictor is a Video2World diffusion model as the physics benchmark sees it
// (physics.Predictor). It is what physics.OpenModel("diffusion:DIR") returns.
type Predictor struct {
	name     string
	p        *Pipeline
	guidance float64
	req      Request // the sampling settings of every prediction
}

// OpenPredictor is the physics loader of kind "diffusion": path is a run folder, checkpoint or
// weights file of 'wfm train diffusion', opened with the tokenizer and text encoder recorded
// with it, on the backend opts names, sampled with opts' settings (guidance opts.Guidance, 0 by
// default: the conditional model only). The guardrails are off: the benchmark's captions and
// clips are the simulator's own. Close releases the model and its backend.
func OpenPredictor(path string, opts physics.ModelOptions) (physics.Predictor, error) {
	sopts := diffusion.SampleOptions{Steps: opts.Steps, Sampler: opts.Sampler, SigmaMin: opts.SigmaMin}
	if err := sopts.Validate(); err != nil {
		return nil, invalid(err)
	}
	b, _, err := backend.Open(opts.Backend)
	if err != nil {
		return nil, err
	}
	p, err := Open(path, Options{Backend: b, EMA: opts.EMA, NoGuardrails: true})
	if err != nil {
		b.Finalize()
		return nil, err
	}
	p.ownsBackend = true // Close releases it
	cfg := p.Config()
	if !cfg.Video2World {
		p.Close()
		return nil, invalidf("diffusion model %s is Text2World: the physics benchmark conditions on frames and needs a Video2World (-v2w) model", cfg.Name)
	}
	if err := sopts.ForModel(cfg).Validate(); err != nil { // the model's own end of the schedule, unless given
		p.Close()
		return nil, err
	}
	// The name is the path, so that two checkpoints of one preset stay apart in a report.
	return &Predictor{name: diffusion.ModelKind + ":" + filepath.Clean(path), p: p, guidance: opts.Guidance,
		req: Request{Steps: opts.Steps, Sampler: opts.Sampler, SigmaMin: opts.SigmaMin}}, nil
}

// Name implements physics.Predictor.
func (pr *Predictor) Name() string { return pr.name }

// Close releases the model and its backend.
func (pr *Predictor) Close() error { return pr.p.Close() }

// Predict implements physics.Predictor: it generates the condition frames and the req.Frames
// after them as one clip (rounded up to a length the tokenizer takes), keeping the condition
// frames (Video2World), and returns the new ones. A condition of a length the tokenizer cannot
// take alone (not 1+k·t) keeps its last 1+k·t frames. The seed is req.Seed, so a run repeats.
func (pr *Predictor) Predict(ctx context.Context, req physics.Request) (*video.Clip, error) {
	if req.Cond == nil || req.Cond.Frames < 1 || req.Frames < 1 {
		return nil, fmt.Errorf("diffusion: predict needs condition frames and frames > 0")
	}
	t, err := pr.p.TemporalCompression()
	if err != nil {
		return nil, err
	}
	given := 1 + (req.Cond.Frames-1)/t*t
	total := given + req.Frames
	if (total-1)%t != 0 {
		total = 1 + ((total-1)/t+1)*t
	}
	r := pr.req
	r.Prompt, r.NegativePrompt, r.Input = req.Caption, DefaultNegativePrompt, req.Cond.Slice(req.Cond.Frames-given, req.Cond.Frames)
	r.Frames, r.Width, r.Height, r.FPS, r.Seed, r.Guidance = total, req.Cond.Width, req.Cond.Height, req.Cond.FPS, req.Seed, &pr.guidance
	clip, _, err := pr.p.Generate(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("diffusion: predict %d frames after %d at %dx%d: %w", req.Frames, given, req.Cond.Width, req.Cond.Height, err)
	}
	out := clip.Slice(given, given+req.Frames)
	out.FPS = req.Cond.FPS
	return out, nil
}
