package diffusion

import (
	"fmt"
	"math"
	"slices"
)

// sigmaDataFloor bounds Config.SigmaDataChannels from below, relative to the largest channel:
// a channel that never changes would otherwise get c_in = 1/σ at the lowest noise levels.
const sigmaDataFloor = 0.01

// ChannelSigmaData measures Config.SigmaDataChannels on normalized training latents
// (flattened [N, T, H, W, C], dims [T, H, W, C]): per channel, the root mean square of what the
// denoiser has to produce. With c.ResidualCondition that is the generated frames' offset from the
// last condition frame, pooled over the condition counts in condFrames (each capped at T-1;
// counts of 0, Text2World samples, predict the latent itself); otherwise the latent. Values are
// floored at 1% of the largest.
func ChannelSigmaData(latents []float32, dims []int, c Config, condFrames []int) ([]float32, error) {
	if len(dims) != 4 || dims[3] != c.LatentChannels {
		return nil, fmt.Errorf("diffusion: sigma data: latent dims %v, want [T, H, W, %d]", dims, c.LatentChannels)
	}
	t, ch := dims[0], dims[3]
	frame := dims[1] * dims[2] * ch
	per := t * frame
	if per == 0 || len(latents) == 0 || len(latents)%per != 0 {
		return nil, fmt.Errorf("diffusion: sigma data: %d latent values are not a whole number of %v latents", len(latents), dims)
	}
	counts := []int{0}
	if c.ResidualCondition && len(condFrames) > 0 {
		counts = nil
		for _, k := range condFrames {
			counts = append(counts, min(k, t-1))
		}
	}
	sum := make([]float64, ch)
	var n float64
	for start := 0; start < len(latents); start += per {
		clip := latents[start : start+per]
		for _, k := range counts {
			var last []float32
			if k > 0 {
				last = clip[(k-1)*frame : k*frame]
			}
			for f := k; f < t; f++ {
				cur := clip[f*frame : (f+1)*frame]
				for j, v := range cur {
					d := float64(v)
					if last != nil {
						d -= float64(last[j])
					}
					sum[j%ch] += d * d
				}
			}
			n += float64((t - k) * frame / ch)
		}
	}
	out := make([]float32, ch)
	for i := range out {
		out[i] = float32(math.Sqrt(sum[i] / n))
	}
	floor := slices.Max(out) * sigmaDataFloor
	if !(floor > 0) {
		return nil, fmt.Errorf("diffusion: sigma data: the latents do not vary")
	}
	for i, v := range out {
		out[i] = max(v, floor)
	}
	return out, nil
}
