package diffusion

import (
	"context"
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// DefaultCondAugmentSigma is the noise added to Video2World condition latents at inference
// (condition_augment_sigma 0.001 in cosmos-predict1 model_v2w.py).
const DefaultCondAugmentSigma = 0.001

// Denoiser runs the trained network: it compiles the denoiser once per latent shape (GoMLX caches
// one executable per input shape) and integrates the sampling ODE in Go.
type Denoiser struct {
	model *DiT
	exec  *model.Exec
}

// NewDenoiser prepares the denoiser of m with the variables of store (which must hold them).
func NewDenoiser(backend compute.Backend, store *model.Store, m *DiT) (*Denoiser, error) {
	v2w, extra := m.cfg.Video2World, m.cfg.ExtraChannels > 0
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		cond := Conditioning{Context: in[2], FPS: in[3], PaddingMask: in[4]}
		if v2w {
			cond.ConditionMask, cond.ConditionLatent, cond.AugmentedLatent, cond.AugmentSigma = in[5], in[6], in[7], in[8]
		}
		if extra {
			cond.Extra = in[len(in)-1]
		}
		return []*graph.Node{m.Denoise(scope, in[0], in[1], cond)}
	})
	if err != nil {
		return nil, fmt.Errorf("diffusion: denoiser: %w", err)
	}
	return &Denoiser{model: m, exec: exec}, nil
}

// Close releases the compiled executables.
func (s *Denoiser) Close() { s.exec.Finalize() }

// Request describes one video to generate, in the model's latent space.
type Request struct {
	// Frames, Height and Width are the latent size.
	Frames, Height, Width int
	// FPS is the frame rate of the video (RoPE time positions).
	FPS float64
	// Context is the prompt's embedding, L·ContextDim values (any L >= 1); Uncond the negative
	// prompt's (same length; nil means zeros, the unconditional model).
	Context, Uncond []float32
	// PaddingMask, if set, holds Height·Width values, 1 on padded positions.
	PaddingMask []float32
	// Condition holds a clean latent (Frames·Height·Width·C values) whose first CondFrames
	// frames are kept (Video2World); CondFrames 0 is Text2World.
	Condition  []float32
	CondFrames int
	// CondAugmentSigma is the noise on the condition latent (0 means DefaultCondAugmentSigma).
	CondAugmentSigma float64
	// Guidance is the classifier-free guidance weight g (0: conditional model only).
	Guidance float64
	// Extra is the per-position conditioning of a model with Config.ExtraChannels,
	// Frames·Height·Width·ExtraChannels values (required for such a model, else nil).
	Extra []float32
	// Seed decides the initial noise and the condition augmentation noise.
	Seed uint64
	// Options of the ODE sampler.
	Options SampleOptions
}

// LatentSize is the number of values of a latent of the request's size.
func (r Request) LatentSize(channels int) int { return r.Frames * r.Height * r.Width * channels }

// Generate samples one latent [Frames, Height, Width, C] (flattened) for r.
func (s *Denoiser) Generate(ctx context.Context, r Request) ([]float32, error) {
	c := s.model.cfg
	n := r.LatentSize(c.LatentChannels)
	switch {
	case r.Frames <= 0 || r.Height <= 0 || r.Width <= 0:
		return nil, fmt.Errorf("diffusion: bad latent size %dx%dx%d", r.Frames, r.Height, r.Width)
	case len(r.Context) == 0 || len(r.Context)%c.ContextDim != 0:
		return nil, fmt.Errorf("diffusion: context has %d values, want a multiple of %d", len(r.Context), c.ContextDim)
	case r.Uncond != nil && len(r.Uncond) != len(r.Context):
		return nil, fmt.Errorf("diffusion: negative context has %d values, want %d", len(r.Uncond), len(r.Context))
	case r.PaddingMask != nil && len(r.PaddingMask) != r.Height*r.Width:
		return nil, fmt.Errorf("diffusion: padding mask has %d values, want %d", len(r.PaddingMask), r.Height*r.Width)
	case r.CondFrames < 0 || r.CondFrames >= r.Frames:
		return nil, fmt.Errorf("diffusion: %d condition frames for %d latent frames", r.CondFrames, r.Frames)
	case r.CondFrames > 0 && !c.Video2World:
		return nil, fmt.Errorf("diffusion: model %q is Text2World: it cannot take condition frames", c.Name)
	case r.CondFrames > 0 && len(r.Condition) != n:
		return nil, fmt.Errorf("diffusion: condition latent has %d values, want %d", len(r.Condition), n)
	case !(r.FPS > 0):
		return nil, fmt.Errorf("diffusion: fps must be > 0, got %g", r.FPS)
	case len(r.Extra) != r.LatentSize(c.ExtraChannels):
		return nil, fmt.Errorf("diffusion: extra conditioning has %d values, want %d (%d channels)", len(r.Extra), r.LatentSize(c.ExtraChannels), c.ExtraChannels)
	}
	batch := 1
	if r.Guidance != 0 {
		batch = 2
	}
	l := len(r.Context) / c.ContextDim
	contexts := make([]float32, 0, batch*len(r.Context))
	contexts = append(contexts, r.Context...)
	if batch == 2 {
		if r.Uncond != nil {
			contexts = append(contexts, r.Uncond...)
		} else {
			contexts = append(contexts, make([]float32, len(r.Context))...)
		}
	}
	repeat := func(v []float32) []float32 {
		out := make([]float32, 0, batch*len(v))
		for range batch {
			out = append(out, v...)
		}
		return out
	}
	hw := r.Height * r.Width
	pad := r.PaddingMask
	if pad == nil {
		pad = make([]float32, hw)
	}
	fps := make([]float32, batch)
	for i := range fps {
		fps[i] = float32(r.FPS)
	}
	args := []any{nil, nil,
		tensors.FromFlatDataAndDimensions(contexts, batch, l, c.ContextDim),
		tensors.FromFlatDataAndDimensions(fps, batch),
		tensors.FromFlatDataAndDimensions(repeat(pad), batch, r.Height, r.Width)}
	dims := []int{batch, r.Frames, r.Height, r.Width, c.LatentChannels}
	if c.Video2World {
		mask := make([]float32, r.Frames)
		for i := range r.CondFrames {
			mask[i] = 1
		}
		clean := make([]float32, n)
		aug := make([]float32, n)
		augSigma := r.CondAugmentSigma
		if augSigma == 0 {
			augSigma = DefaultCondAugmentSigma
		}
		if r.CondFrames > 0 {
			copy(clean, r.Condition)
			augNoise := InitialNoise(r.Seed^0xa5a5a5a5a5a5a5a5, n)
			for i := range aug {
				aug[i] = clean[i] + float32(augSigma)*augNoise[i]
			}
		}
		sig := make([]float32, batch)
		for i := range sig {
			sig[i] = float32(augSigma)
		}
		args = append(args,
			tensors.FromFlatDataAndDimensions(repeat(mask), batch, r.Frames),
			tensors.FromFlatDataAndDimensions(repeat(clean), dims...),
			tensors.FromFlatDataAndDimensions(repeat(aug), dims...),
			tensors.FromFlatDataAndDimensions(sig, batch))
	}
	if c.ExtraChannels > 0 {
		args = append(args, tensors.FromFlatDataAndDimensions(repeat(r.Extra), batch, r.Frames, r.Height, r.Width, c.ExtraChannels))
	}
	defer func() {
		for _, a := range args[2:] {
			_ = a.(*tensors.Tensor).FinalizeAll()
		}
	}()
	denoise := func(ctx context.Context, x []float32, sigma float64) ([]float32, error) {
		sig := make([]float32, batch)
		for i := range sig {
			sig[i] = float32(sigma)
		}
		call := append([]any(nil), args...)
		xt := tensors.FromFlatDataAndDimensions(repeat(x), dims...)
		st := tensors.FromFlatDataAndDimensions(sig, batch)
		call[0], call[1] = xt, st
		outs, err := s.exec.Call(call...)
		_ = xt.FinalizeAll()
		_ = st.FinalizeAll()
		if err != nil {
			return nil, fmt.Errorf("diffusion: denoiser: %w", err)
		}
		all := tensors.MustCopyFlatData[float32](outs[0])
		_ = outs[0].FinalizeAll()
		if batch == 1 {
			return all, nil
		}
		return Guide(all[:n], all[n:], r.Guidance), nil
	}
	return Sample(ctx, denoise, InitialNoise(r.Seed, n), r.Options.ForModel(c))
}
