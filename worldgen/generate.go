package worldgen

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// DefaultNegativePrompt describes what guidance steers away from (Cosmos ships a default
// negative prompt of the same kind; this wording is ours).
const DefaultNegativePrompt = "blurry, distorted, low quality, flickering, jittery motion, static frozen frames, artifacts, noise"

// DefaultFPS is the frame rate of a request that gives none, for a model that records no
// training frame rate.
const DefaultFPS = 24

// Request is one video to generate.
type Request struct {
	// Prompt describes the video; NegativePrompt is what classifier-free guidance steers away
	// from, used as given (DefaultNegativePrompt is a good one; empty is the empty prompt).
	Prompt, NegativePrompt string
	// Input, when set, holds the frames to continue (Video2World, which needs a -v2w model): its
	// first CondFrames frames (0: all of them), rounded down to a length the tokenizer takes
	// (1+k·t), fitted into the Width×Height bucket. Nil is Text2World.
	Input      *video.Clip
	CondFrames int
	// Frames, Width and Height are the size of the video, condition frames included: Frames
	// must be 1+k·t for the tokenizer's temporal compression t, the sides multiples of the
	// tokenizer's spatial compression times the model's patch size.
	Frames, Width, Height int
	// FPS is the frame rate, which conditions the temporal positions (0: the training videos'
	// rate recorded in the model, else DefaultFPS).
	FPS float64
	// Seed decides the noise: the same request and seed give the same video.
	Seed uint64
	// Steps is the number of noise levels on the Karras schedule (0: diffusion.DefaultSteps).
	Steps int
	// Sampler is the ODE solver: diffusion.SamplerMultistep (default), SamplerHeun or
	// SamplerEuler.
	Sampler string
	// Guidance is the classifier-free guidance weight (0: conditional model only); nil means
	// the model's own (model.json "sample_guidance"), else diffusion.DefaultGuidance.
	Guidance *float64
	// SigmaMin is the lowest noise level of the schedule, where the output is the denoiser's
	// estimate (0: the model's "sample_sigma_min", else diffusion.DefaultSigmaMin).
	SigmaMin float64
	// Progress, when set, is called after each network evaluation with the number done and the
	// total.
	Progress func(done, total int)
	// Started, when set, is called once just before sampling begins, with the report so far:
	// the settings as resolved, the latent shape, the guard verdicts on the prompt.
	Started func(Report)
}

// Report says how a video was made: the settings as resolved against the model, the guard
// verdicts and the timings.
type Report struct {
	Model  string `json:"model"`
	Prompt string `json:"prompt"`
	// UpsampledPrompt is the prompt the model was given, when an Upsampler rewrote it.
	UpsampledPrompt string  `json:"upsampled_prompt,omitempty"`
	Upsampler       string  `json:"upsampler,omitempty"`
	Frames          int     `json:"frames"`
	Width           int     `json:"width"`
	Height          int     `json:"height"`
	FPS             float64 `json:"fps"`
	// CondFrames is the number of Input frames kept (0: Text2World).
	CondFrames  int     `json:"cond_frames"`
	LatentShape []int   `json:"latent_shape"` // frames, height, width, channels
	Steps       int     `json:"steps"`
	Sampler     string  `json:"sampler"`
	SigmaMin    float64 `json:"sigma_min"` // where the schedule ended
	Evaluations int     `json:"evaluations"`
	Guidance    float64 `json:"guidance"`
	Seed        uint64  `json:"seed"`
	// TextEncoder is the text encoder used: builtin, hash, or a T5 folder.
	TextEncoder string `json:"text_encoder"`
	// GuardrailsRun says whether the guards ran; Guardrails holds their verdicts in order: the
	// prompt as written, the upsampled prompt (when it differs), the video.
	GuardrailsRun bool                `json:"guardrails_run"`
	Guardrails    []guardrail.Verdict `json:"guardrails,omitempty"`
	// CondPSNR is the PSNR in dB of the output's first CondFrames frames against the condition
	// frames as the model saw them, before the post-guard (nil when they are equal: +Inf).
	CondPSNR *float64 `json:"cond_psnr,omitempty"`
	// Seconds is the time Generate took; SamplingSeconds the denoising alone.
	Seconds              float64 `json:"seconds"`
	SamplingSeconds      float64 `json:"sampling_seconds"`
	EvaluationsPerSecond float64 `json:"evaluations_per_second"`
}

// Generate makes one video: the pre-guard checks the prompt, the upsampler rewrites it and the
// pre-guard checks the result, the model samples the latent (continuing r.Input's frames when
// set), the tokenizer decodes it and the post-guard checks the video and pixelates faces.
//
// A guard that blocks gives a *BlockedError; a request the model cannot take an error wrapping
// ErrInvalid. The Report is filled as far as generation went, on error too.
func (p *Pipeline) Generate(ctx context.Context, r Request) (*video.Clip, Report, error) {
	start := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	cfg := p.cfg
	rep := Report{Model: cfg.Name, Prompt: r.Prompt, Frames: r.Frames, Width: r.Width, Height: r.Height, Seed: r.Seed,
		TextEncoder: p.text.Spec, GuardrailsRun: p.guard != nil}
	if p.den == nil {
		return nil, rep, fmt.Errorf("worldgen: pipeline %s is closed", p.path)
	}
	sopts := diffusion.SampleOptions{Steps: r.Steps, Sampler: r.Sampler, SigmaMin: r.SigmaMin}
	if err := sopts.Validate(); err != nil {
		return nil, rep, invalid(err)
	}
	switch {
	case r.Frames < 1 || r.Width < 1 || r.Height < 1 || r.FPS < 0:
		return nil, rep, invalidf("need frames, width and height >= 1 and fps >= 0, got %d frames at %dx%d, %g fps", r.Frames, r.Width, r.Height, r.FPS)
	case r.Input != nil && (r.Input.Frames < 1 || r.CondFrames < 0):
		return nil, rep, invalidf("%d condition frames of an input of %d", r.CondFrames, r.Input.Frames)
	case p.ups != nil && strings.TrimSpace(r.Prompt) == "":
		return nil, rep, invalidf("prompt upsampling needs a prompt")
	}
	checkPrompt := func(text string) error {
		if p.guard == nil {
			return nil
		}
		v, err := p.guard.CheckPrompt(ctx, text)
		rep.Guardrails = append(rep.Guardrails, v)
		if err != nil || !v.Allowed {
			return &BlockedError{Verdict: v, Err: err}
		}
		return nil
	}
	if err := checkPrompt(r.Prompt); err != nil {
		return nil, rep, err
	}
	used := r.Prompt
	if p.ups != nil {
		var err error
		if used, err = p.ups.Upsample(ctx, r.Prompt); err != nil {
			return nil, rep, fmt.Errorf("generate: upsample the prompt with %s: %w", p.ups.Name(), err)
		}
		rep.Upsampler, rep.UpsampledPrompt = p.ups.Name(), used
		if used != r.Prompt {
			if err := checkPrompt(used); err != nil {
				return nil, rep, err
			}
		}
	}

	rep.Guidance = diffusion.DefaultGuidance
	if r.Guidance != nil {
		rep.Guidance = *r.Guidance
	} else if cfg.SampleGuidance != nil {
		rep.Guidance = *cfg.SampleGuidance
	}
	sopts = sopts.ForModel(cfg) // the model's own end of the schedule, unless given
	if err := sopts.Validate(); err != nil {
		return nil, rep, err
	}
	rep.Steps, rep.Sampler, rep.Evaluations = sopts.Steps, sopts.Sampler, sopts.Evaluations()
	if rep.Steps == 0 {
		rep.Steps = diffusion.DefaultSteps
	}
	if rep.Sampler == "" {
		rep.Sampler = diffusion.SamplerMultistep
	}
	if rep.SigmaMin = sopts.SigmaMin; rep.SigmaMin == 0 {
		rep.SigmaMin = diffusion.DefaultSigmaMin
	}
	if rep.FPS = r.FPS; rep.FPS == 0 {
		rep.FPS = cfg.DataFPS
	}
	if rep.FPS == 0 {
		rep.FPS = DefaultFPS
	}
	if r.Input != nil && !cfg.Video2World {
		return nil, rep, invalidf("model %s is Text2World; condition frames need a Video2World (-v2w) model", cfg.Name)
	}
	wc, err := p.codec(r.Frames)
	if err != nil {
		return nil, rep, err
	}
	s, t := wc.cfg.SpatialCompression, wc.cfg.TemporalCompression
	if r.Width%(s*cfg.PatchSpatial) != 0 || r.Height%(s*cfg.PatchSpatial) != 0 || (r.Frames-1)%t != 0 {
		return nil, rep, invalidf("width and height must be multiples of %d and frames 1+k·%d, got %d frames at %dx%d",
			s*cfg.PatchSpatial, t, r.Frames, r.Width, r.Height)
	}
	dims := []int{1 + (r.Frames-1)/t, r.Height / s, r.Width / s, cfg.LatentChannels}
	rep.LatentShape = dims
	// Before any allocation of the latent's size (noise, text, graph): the model's range.
	if err := cfg.CheckLatentSize(dims[0], dims[1], dims[2]); err != nil {
		return nil, rep, invalidf("%d frames at %dx%d (latent %dx%dx%d) exceed what model %s takes: --res at most %dx%d, --frames at most %d",
			r.Frames, r.Width, r.Height, dims[0], dims[1], dims[2], cfg.Name,
			cfg.MaxLatentWidth*s, cfg.MaxLatentHeight*s, 1+(cfg.MaxLatentFrames-1)*t)
	}

	embs, _, err := p.text.Encode(ctx, []string{used, r.NegativePrompt})
	if err != nil {
		return nil, rep, err
	}
	all := tensors.MustCopyFlatData[float32](embs)
	req := diffusion.Request{Frames: dims[0], Height: dims[1], Width: dims[2], FPS: rep.FPS,
		Context: all[:len(all)/2], Uncond: all[len(all)/2:], Guidance: rep.Guidance, Seed: r.Seed, Options: sopts}
	var fitted *video.Clip // the condition frames as the model sees them
	if r.Input != nil {
		given := r.Input.Frames
		if r.CondFrames > 0 {
			given = min(r.CondFrames, given)
		}
		given = 1 + (given-1)/t*t
		if given >= r.Frames {
			return nil, rep, invalidf("%d condition frames: want fewer than the %d frames generated", given, r.Frames)
		}
		rep.CondFrames = given
		var mask []float32
		if fitted, mask, err = diffusion.FitBucket(r.Input.Slice(0, given), diffusion.Bucket{Width: r.Width, Height: r.Height}); err != nil {
			return nil, rep, err
		}
		full, err := video.NewClip(r.Frames, r.Height, r.Width, rep.FPS)
		if err != nil {
			return nil, rep, err
		}
		for f := range r.Frames {
			copy(full.Frame(f), fitted.Frame(min(f, given-1)))
		}
		lat, _, err := diffusion.EncodeClipsContext(ctx, wc.codec, []*video.Clip{full}, nil)
		if err != nil {
			return nil, rep, err
		}
		cfg.Normalize(lat, dims)
		req.Condition, req.CondFrames = lat, 1+(given-1)/t
		req.PaddingMask = diffusion.LatentMask(mask, r.Height, r.Width, s)
	}

	if r.Started != nil {
		r.Started(rep)
	}
	t0 := time.Now()
	req.Options.Progress = func(done, total int) {
		if r.Progress != nil {
			r.Progress(done, total)
		}
		if done == total {
			rep.SamplingSeconds = time.Since(t0).Seconds()
		}
	}
	latent, err := p.den.Generate(ctx, req)
	if err != nil {
		return nil, rep, err
	}
	if rep.SamplingSeconds == 0 {
		rep.SamplingSeconds = time.Since(t0).Seconds()
	}
	rep.EvaluationsPerSecond = float64(rep.Evaluations) / rep.SamplingSeconds
	cfg.Denormalize(latent, dims)
	clip, err := diffusion.DecodeLatent(wc.codec, wc.cfg, latent, dims, r.Frames, r.Height, r.Width, rep.FPS)
	if err != nil {
		return nil, rep, err
	}
	if fitted != nil {
		psnr, err := quality.PooledPSNR(clip.Slice(0, rep.CondFrames), fitted)
		if err != nil {
			return nil, rep, fmt.Errorf("generate: compare the output with the condition frames: %w", err)
		}
		if !math.IsInf(psnr, 0) {
			rep.CondPSNR = &psnr
		}
	}
	if p.guard != nil {
		v, blurred, err := p.guard.CheckVideo(ctx, clip)
		rep.Guardrails = append(rep.Guardrails, v)
		if err != nil || !v.Allowed {
			return nil, rep, &BlockedError{Verdict: v, Err: err}
		}
		clip = blurred
	}
	rep.Seconds = time.Since(start).Seconds()
	return clip, rep, nil
}
