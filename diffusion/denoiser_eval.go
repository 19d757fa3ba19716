package diffusion

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/tensors"
)

// NoiseLevelError is a Video2World denoiser's mean squared error at one noise level, over the
// generated latent frames of a set of clips (normalized latent units), beside two references
// that need no network:
//   - Trivial is the error of D with the network's output F set to zero (c_skip·x, plus the
//     last condition frame with Config.ResidualCondition): what the network has to improve on;
//   - CopyLast is the error of repeating the last condition frame, the naive continuation.
//
// A trained model is below Trivial at every level; where it is above CopyLast its estimate of
// the future is worse than standing still, and samples drawn from it show that as noise.
type NoiseLevelError struct {
	Sigma    float64 `json:"sigma"`
	Model    float64 `json:"model"`
	Trivial  float64 `json:"trivial"`
	CopyLast float64 `json:"copy_last"`
}

// evalBatch is the number of clips per denoiser call in EvaluateDenoiser.
const evalBatch = 8

// EvaluateDenoiser measures the denoiser on the clips of set (a TrainingSet's video
// tensors: normalized latents [N, T, h, w, C], contexts, fps, padding masks), conditioned on
// their first condFrames latent frames, at each noise level of sigmas: x0 + σ·n goes in (one
// seed for the noise), D(x; σ) comes out, and the error is averaged over the other frames.
func (s *Denoiser) EvaluateDenoiser(ctx context.Context, set *TrainingSet, condFrames int, sigmas []float64, seed uint64) ([]NoiseLevelError, error) {
	c := s.model.cfg
	if !c.Video2World {
		return nil, fmt.Errorf("diffusion: model %q is Text2World; the denoiser evaluation conditions on frames", c.Name)
	}
	if set == nil || len(set.Video) < 4 {
		return nil, fmt.Errorf("diffusion: evaluation set has no video tensors")
	}
	dims := set.Video[0].Shape().Dimensions
	if len(dims) != 5 || dims[4] != c.LatentChannels {
		return nil, fmt.Errorf("diffusion: evaluation latents %v, want [N, T, h, w, %d]", dims, c.LatentChannels)
	}
	n, t, h, w := dims[0], dims[1], dims[2], dims[3]
	if condFrames < 1 || condFrames >= t {
		return nil, fmt.Errorf("diffusion: %d condition frames for %d latent frames (want 1 to %d)", condFrames, t, t-1)
	}
	for _, sg := range sigmas {
		if !(sg > 0) || math.IsInf(sg, 0) {
			return nil, fmt.Errorf("diffusion: noise level %g must be > 0 and finite", sg)
		}
	}
	lat := tensors.MustCopyFlatData[float32](set.Video[0])
	cdims := set.Video[1].Shape().Dimensions
	ctxs := tensors.MustCopyFlatData[float32](set.Video[1])
	fps := tensors.MustCopyFlatData[float32](set.Video[2])
	pad := tensors.MustCopyFlatData[float32](set.Video[3])
	frame := h * w * c.LatentChannels
	per := t * frame
	ctxPer := cdims[1] * cdims[2]
	sds := c.ChannelSigma()
	cSkips := make([]float64, len(sds))
	out := make([]NoiseLevelError, len(sigmas))
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	for li, sg := range sigmas {
		for k, sd := range sds {
			cSkips[k] = sd * sd / (sg*sg + sd*sd)
		}
		var model, trivial, copyLast float64
		for start := 0; start < n; start += evalBatch {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			b := min(evalBatch, n-start)
			x0 := lat[start*per : (start+b)*per]
			x := make([]float32, len(x0))
			for i := range x {
				x[i] = x0[i] + float32(sg*rng.NormFloat64())
			}
			mask := make([]float32, b*t)
			sig, aug := make([]float32, b), make([]float32, b)
			for i := range b {
				sig[i], aug[i] = float32(sg), DefaultCondAugmentSigma
				for k := range condFrames {
					mask[i*t+k] = 1
				}
			}
			ld := []int{b, t, h, w, c.LatentChannels}
			args := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, ld...), tensors.FromFlatDataAndDimensions(sig, b),
				tensors.FromFlatDataAndDimensions(ctxs[start*ctxPer:(start+b)*ctxPer], b, cdims[1], cdims[2]),
				tensors.FromFlatDataAndDimensions(fps[start:start+b], b),
				tensors.FromFlatDataAndDimensions(pad[start*h*w:(start+b)*h*w], b, h, w),
				tensors.FromFlatDataAndDimensions(mask, b, t),
				tensors.FromFlatDataAndDimensions(x0, ld...), tensors.FromFlatDataAndDimensions(x0, ld...),
				tensors.FromFlatDataAndDimensions(aug, b)}
			call := make([]any, len(args))
			for i, a := range args {
				call[i] = a
			}
			outs, err := s.exec.Call(call...)
			for _, a := range args {
				_ = a.FinalizeAll()
			}
			if err != nil {
				return nil, fmt.Errorf("diffusion: denoiser: %w", err)
			}
			d := tensors.MustCopyFlatData[float32](outs[0])
			_ = outs[0].FinalizeAll()
			for i := range b {
				last := x0[i*per+(condFrames-1)*frame : i*per+condFrames*frame]
				for k := condFrames; k < t; k++ {
					off := i*per + k*frame
					for j := range frame {
						truth := float64(x0[off+j])
						var base float64
						if c.ResidualCondition {
							base = float64(last[j])
						}
						model += sq(float64(d[off+j]) - truth)
						trivial += sq(base + cSkips[j%len(cSkips)]*(float64(x[off+j])-base) - truth)
						copyLast += sq(float64(last[j]) - truth)
					}
				}
			}
		}
		count := float64(n * (t - condFrames) * frame)
		out[li] = NoiseLevelError{Sigma: sg, Model: model / count, Trivial: trivial / count, CopyLast: copyLast / count}
	}
	return out, nil
}

func sq(v float64) float64 { return v * v }
