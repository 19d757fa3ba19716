package worldgen

import (
	"context"

	"github.com/wfm-platform/wfm/diffusion"
)

// DenoiseRequest asks EvaluateDenoiser for a Video2World model's denoising error on clips of
// a folder of shards (wfm eval denoise).
type DenoiseRequest struct {
	// Data is the folder of shards (wfm synth or wfm curate output), Prefix their name prefix.
	Data, Prefix string
	// Frames is the length of each clip, Width and Height the bucket it is fitted into;
	// MaxClips the number of clips read.
	Frames, Width, Height, MaxClips int
	// CondFrames is the number of condition frames, 1+k·t for the tokenizer's temporal
	// compression t, fewer than Frames.
	CondFrames int
	// Sigmas are the noise levels; Seed decides the noise.
	Sigmas []float64
	Seed   uint64
	// Progress, when not nil, is called after each clip is encoded, with the clips done and
	// the total.
	Progress func(done, total int)
}

// DenoiseReport is EvaluateDenoiser's result.
type DenoiseReport struct {
	// Clips is the number of clips evaluated, Latent the shape [T, h, w, C] of one latent.
	Clips  int
	Latent []int
	// LatentCondFrames is the number of latent frames the condition frames make.
	LatentCondFrames int
	// Levels holds the model's error and the two references at each noise level.
	Levels []diffusion.NoiseLevelError
}

// EvaluateDenoiser encodes r.MaxClips clips of the shards with the pipeline's tokenizer and
// text encoder, noises their latents at each level of r.Sigmas, and measures the model's
// denoiser against the references that need no network (diffusion.Denoiser.EvaluateDenoiser).
// A request the model or tokenizer cannot take wraps ErrInvalid.
func (p *Pipeline) EvaluateDenoiser(ctx context.Context, r DenoiseRequest) (*DenoiseReport, error) {
	if r.MaxClips < 1 || r.Frames < 1 || r.Width < 1 || r.Height < 1 || len(r.Sigmas) == 0 {
		return nil, invalidf("denoise: need clips, frames, a size and noise levels, got %d clips of %d frames %dx%d, %d levels",
			r.MaxClips, r.Frames, r.Width, r.Height, len(r.Sigmas))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.codec(r.Frames)
	if err != nil {
		return nil, err
	}
	tc := c.cfg.TemporalCompression
	if r.CondFrames < 1 || r.CondFrames >= r.Frames || (r.CondFrames-1)%tc != 0 {
		return nil, invalidf("denoise: %d condition frames: want 1+k·%d, fewer than the %d frames", r.CondFrames, tc, r.Frames)
	}
	s, cfg := c.cfg.SpatialCompression, p.cfg
	if r.Width%(s*max(cfg.PatchSpatial, 1)) != 0 || r.Height%(s*max(cfg.PatchSpatial, 1)) != 0 || (r.Frames-1)%tc != 0 {
		return nil, invalidf("denoise: width and height must be multiples of %d and frames 1+k·%d, got %d frames at %dx%d",
			s*max(cfg.PatchSpatial, 1), tc, r.Frames, r.Width, r.Height)
	}
	// Before the clips are read and encoded: the latent must fit the model.
	if err := cfg.CheckLatentSize(1+(r.Frames-1)/tc, r.Height/s, r.Width/s); err != nil {
		return nil, invalidf("denoise: %d frames at %dx%d exceed what model %s takes: --res at most %dx%d, --frames at most %d",
			r.Frames, r.Width, r.Height, cfg.Name, cfg.MaxLatentWidth*s, cfg.MaxLatentHeight*s, 1+(cfg.MaxLatentFrames-1)*tc)
	}
	set, stats, err := diffusion.EncodeTrainingSet(ctx, c.codec, p.text,
		diffusion.TrainData{Dir: r.Data, Prefix: r.Prefix, ShardClipOptions: diffusion.ShardClipOptions{
			Frames: r.Frames, Bucket: diffusion.Bucket{Width: r.Width, Height: r.Height}, MaxClips: r.MaxClips}},
		p.cfg, c.cfg.SpatialCompression, r.Progress)
	if err != nil {
		return nil, err
	}
	rep := &DenoiseReport{Clips: stats.Clips, Latent: stats.Dims, LatentCondFrames: 1 + (r.CondFrames-1)/tc}
	rep.Levels, err = p.den.EvaluateDenoiser(ctx, set, rep.LatentCondFrames, r.Sigmas, r.Seed)
	return rep, err
}
