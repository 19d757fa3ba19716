package diffusion_test

import (
	"context"
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/diffusion"
)

// The EDM preconditioning at a few noise levels (σd = 0.5).
func ExampleScaling() {
	for _, sigma := range []float64{0.002, 0.5, 80} {
		skip, out, in, noise := diffusion.Scaling(sigma, 0.5)
		fmt.Printf("σ=%-5g c_skip=%.4f c_out=%.4f c_in=%.4f c_noise=%.4f\n", sigma, skip, out, in, noise)
	}
	// Output:
	// σ=0.002 c_skip=1.0000 c_out=0.0020 c_in=2.0000 c_noise=-1.5537
	// σ=0.5   c_skip=0.5000 c_out=0.3536 c_in=1.4142 c_noise=-0.1733
	// σ=80    c_skip=0.0000 c_out=0.5000 c_in=0.0125 c_noise=1.0955
}

// Sampling a one-dimensional Gaussian N(1, 0.5²) with its exact denoiser: the second-order
// multistep sampler maps the seeded noise onto the data distribution in 35 evaluations.
func ExampleSample() {
	exact := func(_ context.Context, x []float32, sigma float64) ([]float32, error) {
		d := make([]float32, len(x))
		for i, v := range x {
			d[i] = float32(1 + 0.25/(0.25+sigma*sigma)*(float64(v)-1))
		}
		return d, nil
	}
	noise := diffusion.InitialNoise(1, 10000)
	x, _ := diffusion.Sample(context.Background(), exact, noise, diffusion.SampleOptions{})
	var mean, sq float64
	for _, v := range x {
		mean += float64(v) / float64(len(x))
	}
	for _, v := range x {
		sq += (float64(v) - mean) * (float64(v) - mean) / float64(len(x))
	}
	fmt.Printf("mean %.1f, standard deviation %.1f\n", mean, math.Sqrt(sq))
	// Output: mean 1.0, standard deviation 0.5
}
