package autoregressive

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
)

// ModelKind is the physics benchmark's name of the autoregressive model: `wfm eval physics
// --model autoregressive:DIR`.
const ModelKind = "autoregressive"

func init() { physics.RegisterModel(ModelKind, OpenPredictor) }

// Predictor is an autoregressive model as the physics benchmark sees it (physics.Predictor),
// what physics.OpenModel("autoregressive:DIR") returns. It decodes greedily, with the Medusa
// heads when the model has them (the same tokens, fewer decoder calls).
type Predictor struct {
	name string
	g    *Generator
}

// OpenPredictor is the physics loader of kind "autoregressive": path is a model folder (or
// weights file, or run folder) of Train or TrainMedusa, opened with the tokenizer it records on
// the backend opts names (opts.EMA: the moving averages of a checkpoint; the diffusion sampling
// settings do not apply). The guardrails are off: the benchmark's clips are the simulator's
// own. Close releases the model and its backend.
func OpenPredictor(path string, opts physics.ModelOptions) (physics.Predictor, error) {
	b, _, err := backend.Open(opts.Backend)
	if err != nil {
		return nil, err
	}
	g, err := Open(b, path, Options{EMA: opts.EMA, NoGuardrails: true})
	if err != nil {
		b.Finalize()
		return nil, err
	}
	g.ownsBackend = true // Close releases it
	return &Predictor{name: ModelKind + ":" + filepath.Clean(path), g: g}, nil
}

// Name implements physics.Predictor.
func (p *Predictor) Name() string { return p.name }

// Close releases the model and its backend.
func (p *Predictor) Close() error { return p.g.Close() }

// Predict implements physics.Predictor: it continues the last 1+k·t frames of the condition
// (as many as fit the model's grid with one latent frame to predict) at the condition's size,
// and, when req.Frames goes beyond what the grid holds, rolls out: the last frames of the video
// so far condition the next window, until req.Frames new frames exist. Greedy decoding: the
// same request gives the same frames.
func (p *Predictor) Predict(ctx context.Context, req physics.Request) (*video.Clip, error) {
	cond := req.Cond
	if cond == nil || cond.Frames < 1 || req.Frames < 1 {
		return nil, fmt.Errorf("autoregressive: predict needs condition frames and frames > 0")
	}
	t, window := p.g.TemporalCompression(), p.g.MaxFrames()
	if window <= t {
		return nil, fmt.Errorf("autoregressive: model %s holds %d frames: nothing to predict after one", p.name, window)
	}
	given := 1 + (min(cond.Frames, window-t)-1)/t*t
	out, err := video.NewClip(req.Frames, cond.Height, cond.Width, cond.FPS)
	if err != nil {
		return nil, err
	}
	sofar := cond // the frames so far, whose last given ones condition the next window
	medusa := p.g.Config().MedusaHeads > 0
	for done := 0; done < req.Frames; {
		total := given + req.Frames - done
		if (total-1)%t != 0 {
			total = 1 + ((total-1)/t+1)*t
		}
		total = min(total, window)
		r, err := p.g.Generate(ctx, GenerateRequest{Videos: []Video{{Input: sofar.Slice(sofar.Frames-given, sofar.Frames), Prompt: req.Caption, Seed: req.Seed}},
			CondFrames: given, Frames: total, Width: cond.Width, Height: cond.Height, FPS: cond.FPS, Medusa: medusa})
		if err != nil {
			return nil, fmt.Errorf("autoregressive: predict %d frames after %d at %dx%d: %w", total-given, given, cond.Width, cond.Height, err)
		}
		clip := r.Clips[0]
		n := min(total-given, req.Frames-done)
		copy(out.Pix[done*out.FrameBytes():], clip.Slice(given, given+n).Pix)
		done += n
		sofar = clip
	}
	return out, nil
}
