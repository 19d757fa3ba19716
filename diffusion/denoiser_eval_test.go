package diffusion

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// TestEvaluateDenoiser checks the reference errors of EvaluateDenoiser on latents whose
// generated frames are the last condition frame plus a constant δ: copy-last's error is δ², the
// network-free residual denoiser's is (1-c_skip)²δ² + c_skip²σ², and at a tiny noise level the
// model's own error vanishes with c_out.
func TestEvaluateDenoiser(t *testing.T) {
	const n, tt, h, w, ch, delta = 10, 3, 2, 2, 16, 0.3
	c := mustPreset(t, "tiny-v2w")
	c.ResidualCondition = true
	m := mustNew(t, c)
	s, err := NewDenoiser(testBackend(), newStore(3), m)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	frame := h * w * ch
	lat := flat(randn(7, n, tt, h, w, ch))
	for i := range n {
		for k := 2; k < tt; k++ {
			for j := range frame {
				lat[(i*tt+k)*frame+j] = lat[(i*tt+1)*frame+j] + delta
			}
		}
	}
	set := &TrainingSet{Video: []*tensors.Tensor{tensorOf(lat, n, tt, h, w, ch), randn(8, n, 2, c.ContextDim), full(24, n), full(0, n, h, w)}}
	sigmas := []float64{1e-4, 0.5, 3}
	res, err := s.EvaluateDenoiser(context.Background(), set, 2, sigmas, 1)
	if err != nil {
		t.Fatal(err)
	}
	sd := c.SigmaData
	for i, r := range res {
		if r.Sigma != sigmas[i] {
			t.Errorf("level %d: sigma %g", i, r.Sigma)
		}
		if math.Abs(r.CopyLast-delta*delta) > 1e-6 {
			t.Errorf("σ=%g: copy-last error %g, want %g", r.Sigma, r.CopyLast, delta*delta)
		}
		cs := sd * sd / (r.Sigma*r.Sigma + sd*sd)
		want := (1-cs)*(1-cs)*delta*delta + cs*cs*r.Sigma*r.Sigma
		if math.Abs(r.Trivial-want) > 0.1*want+1e-9 {
			t.Errorf("σ=%g: trivial error %g, want about %g", r.Sigma, r.Trivial, want)
		}
		if !(r.Model >= 0) || math.IsInf(r.Model, 0) {
			t.Errorf("σ=%g: model error %g", r.Sigma, r.Model)
		}
	}
	if res[0].Model > 1e-6 {
		t.Errorf("σ=1e-4: model error %g, want about 0 (c_out → 0)", res[0].Model)
	}
	for _, tc := range []struct {
		cond   int
		sigmas []float64
		want   string
	}{{0, sigmas, "condition frames"}, {3, sigmas, "condition frames"}, {2, []float64{0}, "noise level"}} {
		if _, err := s.EvaluateDenoiser(context.Background(), set, tc.cond, tc.sigmas, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("cond %d sigmas %v: error %v, want %q", tc.cond, tc.sigmas, err, tc.want)
		}
	}
}
