package tokenizer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestFitFSQChannel checks the per-channel scaling on Gaussian coefficients far smaller than
// FSQ's range: unscaled (quant_conv the identity) they would all round to one or two levels and
// lose nearly all their variance; the fitted scale spreads them over the levels, and 8 levels
// keep the error under 7% of the variance, 5 levels under 12% (a uniform quantizer of a Gaussian
// reaches 3.7% and 8%; the tanh and the linear map back cost a little).
func TestFitFSQChannel(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	const sd = 0.02
	coef := make([]float64, 20000)
	for i := range coef {
		coef[i] = 0.3 + sd*rng.NormFloat64() // an offset the post_quant map must restore
	}
	q, err := NewFSQ([]int{8, 5})
	if err != nil {
		t.Fatal(err)
	}
	for ch, bound := range []float64{0.07, 0.12} {
		s := fitFSQChannel(q, ch, coef)
		if s.mse > bound*sd*sd {
			t.Errorf("channel %d (%d levels): mse %.3g = %.3f of the variance, want under %.2f (scale %.3g)",
				ch, q.levels[ch], s.mse, s.mse/(sd*sd), bound, s.scale)
		}
		if spread := s.scale * stddev(coef); spread < 0.1 || spread > 3 {
			t.Errorf("channel %d: spread %.3g at the tanh's input, want within [0.1, 3]", ch, spread)
		}
	}
	flat := fitFSQChannel(q, 0, []float64{2, 2, 2})
	if flat.mse != 0 || flat.offset != 2 {
		t.Errorf("constant coefficients: %+v, want mse 0 and offset 2", flat)
	}
}

// TestFitLinearShortcutDiscrete fits a discrete shortcut tokenizer on videos of random
// constant 4x4x4 blocks (3 components of variance per patch, one per colour) and checks that
// the fitted quant_conv and post_quant_conv reconstruct an unseen such video far better than
// the identities an unscaled fit would use, that they permute the largest component into the
// channel with the most levels, and that the reported variance after quantization is below
// the linear fit's and close to it.
func TestFitLinearShortcutDiscrete(t *testing.T) {
	cfg := shortcutConfig(true)
	cfg.Name, cfg.Discrete, cfg.ZChannels, cfg.LatentChannels, cfg.Levels = "dv4x4x4-test", true, 3, 3, []int{5, 8, 5}
	m := mustNew(t, cfg)
	b := testBackend()
	blocky := func(seed uint64, n int) *tensors.Tensor {
		rng := rand.New(rand.NewPCG(seed, 8))
		const frames, side = 9, 16
		data := make([]uint8, n*frames*side*side*3)
		for c := range n {
			// One grey level per block, shared by the colours with different gains, so the
			// colour channels' variances differ.
			levels := make([]float64, 3*4*4)
			for i := range levels {
				levels[i] = rng.Float64()
			}
			for f := range frames {
				g := 0
				if f > 0 {
					g = (f-1)/4 + 1
				}
				for y := range side {
					for x := range side {
						for ch, gain := range []float64{200, 60, 20} {
							data[(((c*frames+f)*side+y)*side+x)*3+ch] = uint8(gain * levels[(g*4+y/4)*4+x/4] * (1 + 0.3*float64(ch)*rng.Float64()))
						}
					}
				}
			}
		}
		return tensors.FromFlatDataAndDimensions(data, n, frames, side, side, 3)
	}
	store, err := InitStore(b, m, 3)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := FitLinearShortcut(b, m, store, blocky(1, 16), 0)
	if err != nil {
		t.Fatal(err)
	}
	if fit.QuantizedExplained <= 0.5*fit.Explained || fit.QuantizedExplained >= fit.Explained || len(fit.FSQScales) != 3 {
		t.Errorf("fit %+v: want 0.5·explained < quantized_explained < explained and 3 scales", fit)
	}
	// Component 0 goes to channel 1 (8 levels).
	qw, err := store.GetVariable("/" + QuantConvScope + "/weights").Value()
	if err != nil {
		t.Fatal(err)
	}
	w := tensors.MustCopyFlatData[float32](qw)
	if w[0*3+1] == 0 || w[0*3+0] != 0 || w[0*3+2] != 0 {
		t.Errorf("quant_conv row of component 0: %v, want only channel 1 set", w[0:3])
	}
	mse := func() float64 {
		exec, err := model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
			return m.Reconstruct(scope, PixelsToModel(x, dtypes.Float32))
		})
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		x := blocky(99, 2)
		out, err := exec.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		got, want := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[uint8](x)
		var s float64
		for i := range got {
			d := float64(got[i]) - (float64(want[i])/127.5 - 1)
			s += d * d
		}
		return s / float64(len(got))
	}
	scaled := mse()
	eye := []float32{1, 0, 0, 0, 1, 0, 0, 0, 1}
	for _, p := range []string{QuantConvScope, PostQuantConvScope} {
		if err := store.GetVariable("/" + p + "/weights").SetValue(tensors.FromFlatDataAndDimensions(eye, 1, 1, 1, 3, 3)); err != nil {
			t.Fatal(err)
		}
		if err := store.GetVariable("/" + p + "/biases").SetValue(tensors.FromFlatDataAndDimensions(make([]float32, 3), 3)); err != nil {
			t.Fatal(err)
		}
	}
	unscaled := mse()
	if !(scaled < unscaled/2) || math.IsNaN(scaled) {
		t.Errorf("reconstruction MSE %.4g with the fitted FSQ scaling, %.4g with identities: want under half", scaled, unscaled)
	}
}
