package diffusion

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

func TestScalingLimits(t *testing.T) {
	const sd = 0.5
	skip, out, in, noise := Scaling(1e-6, sd)
	if math.Abs(skip-1) > 1e-9 || out > 1e-5 {
		t.Errorf("σ→0: c_skip %g, c_out %g; want 1 and 0", skip, out)
	}
	skip, out, _, _ = Scaling(1e6, sd)
	if skip > 1e-9 || math.Abs(out-sd) > 1e-9 {
		t.Errorf("σ→∞: c_skip %g, c_out %g; want 0 and σd", skip, out)
	}
	skip, out, in, noise = Scaling(sd, sd)
	// At σ = σd: c_skip = 1/2, c_out = σd/√2, c_in = 1/(σd√2), c_noise = ln(σd)/4.
	if math.Abs(skip-0.5) > 1e-12 || math.Abs(out-sd/math.Sqrt2) > 1e-12 || math.Abs(in-1/(sd*math.Sqrt2)) > 1e-12 ||
		math.Abs(noise-math.Log(sd)/4) > 1e-12 {
		t.Errorf("σ=σd: got %g %g %g %g", skip, out, in, noise)
	}
	for _, s := range []float64{0.002, 0.1, 1, 80} {
		skip, out, in, _ := Scaling(s, sd)
		// Unit-variance network input: c_in²·(σ² + σd²) = 1.
		if v := in * in * (s*s + sd*sd); math.Abs(v-1) > 1e-12 {
			t.Errorf("σ=%g: Var[c_in·x] = %g", s, v)
		}
		// Unit-variance training target (x0 - c_skip·x)/c_out for data of variance σd² (Karras et
		// al. 2022, Appendix B.6): (σd² - 2c_skip·σd² + c_skip²(σ²+σd²))/c_out² = 1.
		if v := (sd*sd - 2*skip*sd*sd + skip*skip*(s*s+sd*sd)) / (out * out); math.Abs(v-1) > 1e-9 {
			t.Errorf("σ=%g: target variance %g", s, v)
		}
		// λ(σ)·c_out² = 1: the weighted loss is the plain loss of the network output.
		if v := LossWeight(s, sd) * out * out; math.Abs(v-1) > 1e-9 {
			t.Errorf("σ=%g: λ·c_out² = %g", s, v)
		}
	}
}

// TestPointMassDenoiser: for data that is a point mass at μ the ideal denoiser is D = μ for every
// input, reached by the network output F* = (μ - c_skip·x)/c_out; the preconditioned combination
// returns μ exactly, and sampling with it returns μ from any noise.
func TestPointMassDenoiser(t *testing.T) {
	const sd, mu = 0.5, 0.7
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range []float64{0.002, 0.3, 5, 80} {
		skip, out, _, _ := Scaling(s, sd)
		x := mu + s*rng.NormFloat64()
		f := (mu - skip*x) / out
		if d := skip*x + out*f; math.Abs(d-mu) > 1e-9 {
			t.Errorf("σ=%g: D = %g, want %g", s, d, mu)
		}
	}
	pointMass := func(_ context.Context, x []float32, _ float64) ([]float32, error) {
		d := make([]float32, len(x))
		for i := range d {
			d[i] = mu
		}
		return d, nil
	}
	for _, sampler := range SamplerNames() {
		got, err := Sample(context.Background(), pointMass, InitialNoise(3, 16), SampleOptions{Sampler: sampler})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range got {
			if math.Abs(float64(v)-mu) > 1e-6 {
				t.Fatalf("%s: sample %g, want %g", sampler, v, mu)
			}
		}
	}
}

// TestSamplerGaussian samples data N(μ, s²) with its exact denoiser
// D(x; σ) = μ + s²/(s²+σ²)·(x - μ). The probability-flow ODE is then solved in closed form:
// x(σ) - μ = (x(σmax) - μ)·√((s²+σ²)/(s²+σmax²)), so every sample can be checked against its exact
// endpoint, and the set against N(μ, s²).
func TestSamplerGaussian(t *testing.T) {
	const mu, s, n = 1.5, 0.4, 4000
	exact := func(_ context.Context, x []float32, sigma float64) ([]float32, error) {
		d := make([]float32, len(x))
		k := s * s / (s*s + sigma*sigma)
		for i, v := range x {
			d[i] = float32(mu + k*(float64(v)-mu))
		}
		return d, nil
	}
	noise := InitialNoise(11, n)
	for _, tc := range []struct {
		sampler string
		steps   int
		tol     float64 // max |sample - exact endpoint|, in units of s
	}{
		// Tolerances from a float64 reference run of the same schemes (numpy): at 35 steps Heun
		// ends within 0.03·s of the exact endpoint for |noise| <= 2, and the error shrinks with
		// more steps.
		{SamplerHeun, 35, 0.1}, {SamplerMultistep, 35, 0.1}, {SamplerEuler, 35, 0.5},
		{SamplerHeun, 200, 0.005}, {SamplerMultistep, 200, 0.01},
	} {
		got, err := Sample(context.Background(), exact, noise, SampleOptions{Sampler: tc.sampler, Steps: tc.steps})
		if err != nil {
			t.Fatal(err)
		}
		var worst, mean, m2 float64
		for i, v := range got {
			x0 := float64(noise[i]) * DefaultSigmaMax
			end := mu + (x0-mu)*math.Sqrt((s*s)/(s*s+DefaultSigmaMax*DefaultSigmaMax))
			worst = max(worst, math.Abs(float64(v)-end)/s)
			mean += float64(v)
		}
		mean /= n
		for _, v := range got {
			m2 += (float64(v) - mean) * (float64(v) - mean)
		}
		std := math.Sqrt(m2 / (n - 1))
		if worst > tc.tol {
			t.Errorf("%s %d steps: worst error %.3g·s, want <= %g·s", tc.sampler, tc.steps, worst, tc.tol)
		}
		// Sampling error of the mean and std of 4000 draws is about s/63 and s/89.
		if math.Abs(mean-mu) > 0.05 || math.Abs(std-s) > 0.03 {
			t.Errorf("%s %d steps: mean %.4f std %.4f, want %g and %g", tc.sampler, tc.steps, mean, std, mu, s)
		}
		t.Logf("%s %d steps: worst %.2e·s, mean %.4f, std %.4f", tc.sampler, tc.steps, worst, mean, std)
	}
}

func TestKarrasSigmas(t *testing.T) {
	s := KarrasSigmas(35, 0.002, 80, 7)
	if len(s) != 36 || math.Abs(s[0]-80) > 1e-9 || math.Abs(s[34]-0.002) > 1e-12 || s[35] != 0 {
		t.Fatalf("schedule ends %g, %g, %g (len %d)", s[0], s[34], s[35], len(s))
	}
	for i := 1; i < 35; i++ {
		if !(s[i] < s[i-1]) {
			t.Fatalf("not decreasing at %d", i)
		}
	}
}

func TestGuideZeroIsConditional(t *testing.T) {
	cond, uncond := []float32{1, 2, 3}, []float32{7, -1, 0}
	if got := Guide(append([]float32(nil), cond...), uncond, 0); maxAbsDiff(got, cond) != 0 {
		t.Errorf("g=0 gives %v", got)
	}
	// g = 7: cond + 7(cond - uncond).
	if got := Guide(append([]float32(nil), cond...), uncond, 7); maxAbsDiff(got, []float32{-41, 23, 24}) > 1e-6 {
		t.Errorf("g=7 gives %v", got)
	}
}

// TestDenoiseKeepsConditionFrames builds the Video2World denoiser and checks the condition frames
// of its output are the clean condition latent, whatever the noise level.
func TestDenoiseKeepsConditionFrames(t *testing.T) {
	c := mustPreset(t, "tiny-v2w")
	m := mustNew(t, c)
	const b, tt, h, w = 1, 3, 2, 2
	clean := randn(5, b, tt, h, w, 16)
	outs := runOn(t, newStore(3), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		cond := Conditioning{Context: in[2], FPS: in[3], ConditionMask: in[4], ConditionLatent: in[5],
			AugmentedLatent: in[5], AugmentSigma: in[6]}
		return []*graph.Node{m.Denoise(scope, in[0], in[1], cond)}
	}, randn(4, b, tt, h, w, 16), full(10, b), randn(6, b, 2, c.ContextDim), full(24, b),
		tensorOf([]float32{1, 0, 0}, b, tt), clean, full(0.001, b))
	frame := h * w * 16
	if d := maxAbsDiff(outs[0][:frame], flat(clean)[:frame]); d != 0 {
		t.Errorf("condition frame changed by %g", d)
	}
	if d := maxAbsDiff(outs[0][frame:], flat(clean)[frame:]); d < 1e-3 {
		t.Errorf("generated frames equal the clean latent (%g): the mask covers too much", d)
	}
}

// TestResidualCondition checks Config.ResidualCondition: at a huge noise level the plain
// denoiser's output on generated frames is about the data mean (the network's own output), and the
// residual one's is that plus the last condition frame; a sample without condition is unchanged.
func TestResidualCondition(t *testing.T) {
	const b, tt, h, w, ch = 2, 3, 2, 2, 16
	x, clean, ctx := randn(4, b, tt, h, w, ch), randn(5, b, tt, h, w, ch), randn(6, b, 2, 64)
	mask := tensorOf([]float32{1, 1, 0, 0, 0, 0}, b, tt)
	run := func(residual bool) []float32 {
		c := mustPreset(t, "tiny-v2w")
		c.ResidualCondition = residual
		m := mustNew(t, c)
		return runOn(t, newStore(3), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			cond := Conditioning{Context: in[2], FPS: in[3], ConditionMask: in[4], ConditionLatent: in[5],
				AugmentedLatent: in[5], AugmentSigma: in[6]}
			return []*graph.Node{m.Denoise(scope, in[0], in[1], cond)}
		}, x, full(1e4, b), ctx, full(24, b), mask, clean, full(0.001, b))[0]
	}
	plain, res := run(false), run(true)
	frame := h * w * ch
	c := flat(clean)
	// Sample 0: frames 0 and 1 are given; frame 2 is offset by clean frame 1.
	if d := maxAbsDiff(res[:2*frame], c[:2*frame]); d != 0 {
		t.Errorf("condition frames changed by %g", d)
	}
	diff := make([]float32, frame)
	for i := range diff {
		diff[i] = res[2*frame+i] - plain[2*frame+i]
	}
	if d := maxAbsDiff(diff, c[frame:2*frame]); d > 1e-3 {
		t.Errorf("generated frame minus plain output differs from the last condition frame by %g", d)
	}
	// Sample 1 has no condition: both variants agree.
	if d := maxAbsDiff(res[tt*frame:], plain[tt*frame:]); d > 1e-6 {
		t.Errorf("unconditioned sample changed by %g", d)
	}
	bad := mustPreset(t, "tiny")
	bad.ResidualCondition = true
	if err := bad.Validate(); err == nil {
		t.Error("residual_condition without video2world validated")
	}
}
