package diffusion

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// TestChannelScalings: with Config.SigmaDataChannels each channel's c_skip, c_out, c_in and loss
// weight are the published formulas (Scaling, LossWeight) at that channel's σd, and without it
// every channel gets the model's single σd.
func TestChannelScalings(t *testing.T) {
	c := mustPreset(t, "tiny-v2w")
	sigmas := []float32{0.002, 0.3, 1, 80}
	for _, sdc := range [][]float32{nil, {0.05, 0.5, 2, 0.2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.01}} {
		c.SigmaDataChannels = sdc
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		m := mustNew(t, c)
		b, ch := len(sigmas), c.LatentChannels
		out := runOn(t, newStore(1), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			e := m.scalings(in[0].Graph(), b)
			full := func(v *graph.Node) *graph.Node { return graph.BroadcastToDims(v, b, 1, 1, 1, ch) }
			return []*graph.Node{full(e.skip(in[0])), full(e.out(in[0])), full(e.in(in[0])), full(e.weight(in[0]))}
		}, sigmas)
		sds := c.ChannelSigma()
		for i, s := range sigmas {
			for k := range ch {
				skip, cOut, cIn, _ := Scaling(float64(s), sds[k])
				want := []float64{skip, cOut, cIn, LossWeight(float64(s), sds[k])}
				for j, name := range []string{"c_skip", "c_out", "c_in", "weight"} {
					got := float64(out[j][i*ch+k])
					if math.Abs(got-want[j]) > 1e-5*math.Max(1, math.Abs(want[j])) {
						t.Errorf("σd %v, σ=%g channel %d: %s %g, want %g", sdc != nil, s, k, name, got, want[j])
					}
				}
			}
		}
	}
}

// TestChannelSigmaDataEqualToGlobal: SigmaDataChannels all equal to SigmaData is the model
// without them (same weights, same denoiser output).
func TestChannelSigmaDataEqualToGlobal(t *testing.T) {
	c := mustPreset(t, "tiny-v2w")
	c.ResidualCondition = true
	run := func(c Config) []float32 {
		m := mustNew(t, c)
		return runOn(t, newStore(3), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			cond := Conditioning{Context: in[2], FPS: in[3], ConditionMask: in[4], ConditionLatent: in[0], AugmentedLatent: in[0], AugmentSigma: in[5]}
			return []*graph.Node{m.Denoise(scope, in[0], in[1], cond)}
		}, randn(1, 2, 3, 4, 4, 16), []float32{0.5, 3}, randn(2, 2, 4, c.ContextDim), full(24, 2), tensorOf([]float32{1, 0, 0, 1, 1, 0}, 2, 3), []float32{0.01, 0.01})[0]
	}
	global := run(c)
	c.SigmaDataChannels = make([]float32, c.LatentChannels)
	for i := range c.SigmaDataChannels {
		c.SigmaDataChannels[i] = float32(c.SigmaData)
	}
	if d := maxAbsDiff(global, run(c)); d > 1e-5 {
		t.Errorf("per-channel σd equal to the global one changes the denoiser by %g", d)
	}
}

func TestChannelSigmaData(t *testing.T) {
	c := mustPreset(t, "tiny-v2w")
	c.LatentChannels = 2
	// Two clips of 3 frames, 1x1 pixels, 2 channels: channel 0 steps by 1 per frame, channel 1 is
	// constant (offset 0, floored at 1% of channel 0).
	lat := []float32{0, 5, 1, 5, 2, 5, 10, -1, 11, -1, 12, -1}
	dims := []int{3, 1, 1, 2}
	c.ResidualCondition = true
	got, err := ChannelSigmaData(lat, dims, c, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	// Offsets from frame 0 of frames 1 and 2: 1 and 2: RMS √(5/2).
	if want := math.Sqrt(2.5); math.Abs(float64(got[0])-want) > 1e-6 || math.Abs(float64(got[1])-want/100) > 1e-6 {
		t.Errorf("residual, 1 condition frame: %v, want [%g %g]", got, want, want/100)
	}
	// Condition counts 1 and 2 pooled: offsets 1, 2 (from frame 0) and 1 (from frame 1).
	if got, _ = ChannelSigmaData(lat, dims, c, []int{1, 2}); math.Abs(float64(got[0])-math.Sqrt(2)) > 1e-6 {
		t.Errorf("residual, 1 and 2 condition frames: %v, want √2 first", got)
	}
	// Without the residual condition the target is the latent itself.
	c.ResidualCondition = false
	got, _ = ChannelSigmaData(lat, dims, c, []int{1})
	if want := math.Sqrt((0 + 1 + 4 + 100 + 121 + 144) / 6.0); math.Abs(float64(got[0])-want) > 1e-5 || math.Abs(float64(got[1])-math.Sqrt(13)) > 1e-5 {
		t.Errorf("plain: %v, want [%g %g]", got, want, math.Sqrt(13))
	}
	for name, tc := range map[string]struct {
		lat  []float32
		dims []int
		want string
	}{
		"channels": {lat, []int{3, 1, 2, 1}, "latent dims"},
		"partial":  {lat[:7], dims, "whole number"},
		"constant": {make([]float32, 12), dims, "do not vary"},
	} {
		if _, err := ChannelSigmaData(tc.lat, tc.dims, c, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
	c.LatentChannels = 16
	for _, bad := range [][]float32{{1, 2}, append(make([]float32, 15), 1)} {
		c.SigmaDataChannels = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "sigma_data_channels") {
			t.Errorf("SigmaDataChannels %v: error %v", bad, err)
		}
	}
}
