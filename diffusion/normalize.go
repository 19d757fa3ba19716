package diffusion

// Latent statistics and the normalization between tokenizer latents and the model's space.

import (
	"math"
)

// LatentStats returns the mean and standard deviation of every (latent frame, channel) pair
// over n latents of shape [T', h, w, C] — the layout of Cosmos's mean_std.pt, whose statistics
// are per channel and per latent frame (the causal first frame is distributed differently).
func LatentStats(latents []float32, dims []int) (mean, std []float32) {
	t, hw, c := dims[0], dims[1]*dims[2], dims[3]
	per := t * hw * c
	n := len(latents) / per
	sum := make([]float64, t*c)
	sq := make([]float64, t*c)
	for s := range n {
		for f := range t {
			for p := range hw {
				base := s*per + (f*hw+p)*c
				for ch := range c {
					v := float64(latents[base+ch])
					sum[f*c+ch] += v
					sq[f*c+ch] += v * v
				}
			}
		}
	}
	mean, std = make([]float32, t*c), make([]float32, t*c)
	count := float64(n * hw)
	for i := range sum {
		m := sum[i] / count
		mean[i] = float32(m)
		std[i] = float32(math.Sqrt(max(sq[i]/count-m*m, 1e-8)))
	}
	return mean, std
}

// PoolStd returns std (rows of channels values, one per latent frame, as LatentStats gives) with
// each row replaced by its root mean square: one scale per latent frame, shared by all channels.
// Per-channel statistics whiten the latent, which suits tokenizers whose channels carry similar
// information (Cosmos's); a tokenizer with a principal-component latent (tokenizer.Config
// LinearShortcut) has channels whose variances span three orders of magnitude, and whitening
// would make the denoising loss spend most of its weight on the faintest detail channels. A
// shared scale keeps their relative sizes, so the loss weighs channels by the signal they hold.
func PoolStd(std []float32, channels int) []float32 {
	out := make([]float32, len(std))
	for r := 0; r+channels <= len(std); r += channels {
		var sq float64
		for _, v := range std[r : r+channels] {
			sq += float64(v) * float64(v)
		}
		rms := float32(math.Sqrt(sq / float64(channels)))
		for k := range channels {
			out[r+k] = rms
		}
	}
	return out
}

// Rescale multiplies normalized latents [.., T', h, w, C] in place by from/to per (latent frame,
// channel), rows of C values as LatentStats gives (frames past the table use its last row): the
// normalization with standard deviations from becomes the one with to.
func Rescale(latent []float32, dims []int, from, to []float32) {
	t, hw, ch := dims[0], dims[1]*dims[2], dims[3]
	rows := len(from) / max(1, ch)
	per := t * hw * ch
	for s := 0; s+per <= len(latent); s += per {
		for f := range t {
			row := min(f, rows-1) * ch
			for p := range hw {
				base := s + (f*hw+p)*ch
				for k := range ch {
					latent[base+k] *= from[row+k] / to[row+k]
				}
			}
		}
	}
}

// Normalize maps tokenizer latents [.., T', h, w, C] to the model's space in place:
// z = (latent - mean)/std·σd with the config's per-frame, per-channel statistics (frames past
// the table use its last row). Without statistics it only scales by σd.
func (c Config) Normalize(latent []float32, dims []int) { c.affine(latent, dims, true) }

// Denormalize inverts Normalize in place.
func (c Config) Denormalize(latent []float32, dims []int) { c.affine(latent, dims, false) }

func (c Config) affine(latent []float32, dims []int, forward bool) {
	t, hw, ch := dims[0], dims[1]*dims[2], dims[3]
	rows := len(c.LatentMean) / max(1, ch)
	per := t * hw * ch
	for s := 0; s+per <= len(latent); s += per {
		for f := range t {
			for p := range hw {
				base := s + (f*hw+p)*ch
				for k := range ch {
					mean, std := float32(0), float32(1)
					if rows > 0 {
						r := min(f, rows-1)
						mean, std = c.LatentMean[r*ch+k], c.LatentStd[r*ch+k]
					}
					if forward {
						latent[base+k] = (latent[base+k] - mean) / std * float32(c.SigmaData)
					} else {
						latent[base+k] = latent[base+k]/float32(c.SigmaData)*std + mean
					}
				}
			}
		}
	}
}
