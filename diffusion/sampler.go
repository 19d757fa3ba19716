package diffusion

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Sampler names accepted by SampleOptions.Sampler.
const (
	// SamplerMultistep is the second-order multistep solver in data-prediction form, one network
	// evaluation per step (DPM-Solver++(2M), Lu et al. 2022, arXiv:2211.01095, Algorithm 2; the
	// same family as the "RES 2ab" multistep sampler Cosmos-1.0 uses). The default.
	SamplerMultistep = "multistep2"
	// SamplerHeun is EDM's deterministic second-order sampler (Karras et al. 2022, Algorithm 1):
	// an Euler step corrected by the trapezoidal rule, two evaluations per step but the last.
	SamplerHeun = "heun"
	// SamplerEuler is the first-order Euler step of the probability-flow ODE.
	SamplerEuler = "euler"
)

// SamplerNames lists the samplers.
func SamplerNames() []string { return []string{SamplerMultistep, SamplerHeun, SamplerEuler} }

// Default sampling settings (Cosmos-1.0: 35 steps, Karras schedule with ρ = 7 over
// σ ∈ [0.002, 80], guidance 7).
const (
	DefaultSteps    = 35
	DefaultRho      = 7
	DefaultSigmaMin = 0.002
	DefaultSigmaMax = 80
	DefaultGuidance = 7
)

// KarrasSigmas returns the n noise levels of the Karras et al. 2022 schedule (eq. 5),
// σ_i = (σmax^(1/ρ) + i/(n-1)·(σmin^(1/ρ) - σmax^(1/ρ)))^ρ for i = 0..n-1, followed by σ_n = 0.
func KarrasSigmas(n int, sigmaMin, sigmaMax, rho float64) []float64 {
	out := make([]float64, n+1)
	a, b := math.Pow(sigmaMax, 1/rho), math.Pow(sigmaMin, 1/rho)
	for i := range n {
		frac := 0.0
		if n > 1 {
			frac = float64(i) / float64(n-1)
		}
		out[i] = math.Pow(a+frac*(b-a), rho)
	}
	return out
}

// DenoiseFunc returns the denoised estimate D(x; σ) of x (same length).
type DenoiseFunc func(ctx context.Context, x []float32, sigma float64) ([]float32, error)

// SampleOptions configure Sample.
type SampleOptions struct {
	Steps    int     // number of noise levels (default DefaultSteps)
	Sampler  string  // SamplerMultistep (default), SamplerHeun or SamplerEuler
	SigmaMin float64 // default DefaultSigmaMin (Denoiser.Generate: the model's SampleSigmaMin first)
	SigmaMax float64 // default DefaultSigmaMax
	Rho      float64 // default DefaultRho
	// Progress, when set, is called after each network evaluation with the number done and
	// the total the sampler will make.
	Progress func(done, total int)
}

// ForModel fills an unset SigmaMin with the model's own end of the schedule
// (Config.SampleSigmaMin, when it has one); Denoiser.Generate applies it.
func (o SampleOptions) ForModel(c Config) SampleOptions {
	if o.SigmaMin == 0 {
		o.SigmaMin = c.SampleSigmaMin
	}
	return o
}

func (o SampleOptions) withDefaults() SampleOptions {
	if o.Steps == 0 {
		o.Steps = DefaultSteps
	}
	if o.Sampler == "" {
		o.Sampler = SamplerMultistep
	}
	if o.SigmaMin == 0 {
		o.SigmaMin = DefaultSigmaMin
	}
	if o.SigmaMax == 0 {
		o.SigmaMax = DefaultSigmaMax
	}
	if o.Rho == 0 {
		o.Rho = DefaultRho
	}
	return o
}

// Evaluations is the number of network evaluations Sample makes with these options.
func (o SampleOptions) Evaluations() int {
	o = o.withDefaults()
	if o.Sampler == SamplerHeun {
		return 2*o.Steps - 1
	}
	return o.Steps
}

// Validate reports a bad option.
func (o SampleOptions) Validate() error {
	o = o.withDefaults()
	switch {
	case o.Steps < 1:
		return fmt.Errorf("diffusion: steps must be >= 1, got %d", o.Steps)
	case o.Sampler != SamplerMultistep && o.Sampler != SamplerHeun && o.Sampler != SamplerEuler:
		return fmt.Errorf("diffusion: unknown sampler %q (known: %v)", o.Sampler, SamplerNames())
	case !(o.SigmaMin > 0) || !(o.SigmaMax > o.SigmaMin):
		return fmt.Errorf("diffusion: need 0 < sigma_min < sigma_max, got %g and %g", o.SigmaMin, o.SigmaMax)
	case !(o.Rho > 0):
		return fmt.Errorf("diffusion: rho must be > 0, got %g", o.Rho)
	}
	return nil
}

// InitialNoise returns n standard normal values from a PCG generator seeded with seed: the
// starting point of sampling is σmax times it, so the same seed gives the same video.
func InitialNoise(seed uint64, n int) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}

// Sample integrates the probability-flow ODE dx/dσ = (x - D(x; σ))/σ from σmax down to 0 over
// the Karras schedule, starting at x = σmax·noise, and returns the final x (the sample).
// The last step, to σ = 0, always returns D(x; σ_{n-1}) itself.
func Sample(ctx context.Context, denoise DenoiseFunc, noise []float32, opts SampleOptions) ([]float32, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	sigmas := KarrasSigmas(o.Steps, o.SigmaMin, o.SigmaMax, o.Rho)
	x := make([]float32, len(noise))
	for i, v := range noise {
		x[i] = float32(float64(v) * sigmas[0])
	}
	total, done := o.Evaluations(), 0
	eval := func(x []float32, s float64) ([]float32, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := denoise(ctx, x, s)
		if err != nil {
			return nil, err
		}
		if len(d) != len(x) {
			return nil, fmt.Errorf("diffusion: denoiser returned %d values for %d", len(d), len(x))
		}
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
		return d, nil
	}
	var prevD []float32
	var prevH float64
	for i := 0; i < o.Steps; i++ {
		s, next := sigmas[i], sigmas[i+1]
		d, err := eval(x, s)
		if err != nil {
			return nil, err
		}
		if next == 0 {
			return d, nil
		}
		switch o.Sampler {
		case SamplerEuler:
			eulerStep(x, d, s, next)
		case SamplerHeun:
			xe := append([]float32(nil), x...)
			eulerStep(xe, d, s, next)
			d2, err := eval(xe, next)
			if err != nil {
				return nil, err
			}
			// x' = x + (σ'-σ)·(d1 + d2)/2 with d_k the slopes (x-D)/σ at both ends.
			for j := range x {
				slope1 := (float64(x[j]) - float64(d[j])) / s
				slope2 := (float64(xe[j]) - float64(d2[j])) / next
				x[j] = float32(float64(x[j]) + (next-s)*(slope1+slope2)/2)
			}
		case SamplerMultistep:
			// With λ = -ln σ and h = λ' - λ, the exact solution with D held constant is
			// x' = (σ'/σ)·x + (1 - σ'/σ)·D; the second-order step replaces D by the
			// extrapolation (1 + 1/(2r))·D_i - 1/(2r)·D_{i-1}, r = h_{i-1}/h_i.
			h := math.Log(s) - math.Log(next)
			ratio := next / s
			eff := d
			if prevD != nil {
				r := prevH / h
				eff = make([]float32, len(d))
				a, b := 1+1/(2*r), 1/(2*r)
				for j := range d {
					eff[j] = float32(a*float64(d[j]) - b*float64(prevD[j]))
				}
			}
			for j := range x {
				x[j] = float32(ratio*float64(x[j]) + (1-ratio)*float64(eff[j]))
			}
			prevD, prevH = d, h
		}
	}
	return x, nil
}

// eulerStep moves x from σ to σ' along the slope (x - D)/σ, in place.
func eulerStep(x, d []float32, s, next float64) {
	for j := range x {
		slope := (float64(x[j]) - float64(d[j])) / s
		x[j] = float32(float64(x[j]) + (next-s)*slope)
	}
}

// Guide combines conditional and unconditional denoiser outputs by classifier-free guidance
// (Ho and Salimans 2022, arXiv:2207.12598) in Cosmos's parametrisation: cond + g·(cond - uncond),
// so g = 0 is the conditional model alone. It writes into cond and returns it.
func Guide(cond, uncond []float32, g float64) []float32 {
	if g == 0 {
		return cond
	}
	for i := range cond {
		cond[i] = float32(float64(cond[i]) + g*(float64(cond[i])-float64(uncond[i])))
	}
	return cond
}
