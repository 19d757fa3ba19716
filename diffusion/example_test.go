package diffusion_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/world/synth"
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

// Training a tiny Video2World model for two steps on synthetic shards, with an untrained
// tokenizer and the hashing text encoder. The run folder then holds the checkpoints, the
// latent cache and the exported model (model.safetensors with model.json) that
// diffusion.LoadWeights and 'wfm generate --weights' read; calling Train again with more
// steps resumes it.
func ExampleTrain() {
	dir, err := os.MkdirTemp("", "wfm-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	shards := synth.DefaultOptions()
	shards.Out, shards.N, shards.Width, shards.Height, shards.Frames = filepath.Join(dir, "synth"), 2, 32, 32, 9
	if _, err := synth.Generate(context.Background(), shards, nil); err != nil {
		log.Fatal(err)
	}
	b, err := backend.NewGo()
	if err != nil {
		log.Fatal(err)
	}
	defer b.Finalize()

	cfg, _ := diffusion.Preset("tiny-v2w")
	loop := train.DefaultConfig()
	loop.Dir, loop.Steps, loop.WarmupSteps, loop.Progress = filepath.Join(dir, "run"), 2, 1, false
	data := diffusion.TrainData{Dir: shards.Out, ShardClipOptions: diffusion.ShardClipOptions{
		Frames: 9, Bucket: diffusion.Bucket{Width: 16, Height: 16}}}
	r, err := diffusion.Train(context.Background(), b, cfg, data, diffusion.TrainRunOptions{
		Loop: loop, Loss: diffusion.DefaultTrainOptions(), Tokenizer: "preset:cv8x8x8-tiny",
		TextEncoder: diffusion.TextEncoderHash, BatchSize: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: step %d on %d clips, latent %v, exported %s\n",
		r.Config.Name, r.Run.Step, r.Clips, r.LatentShape, filepath.Base(r.Weights))
	// Output: tiny-v2w: step 2 on 2 clips, latent [2 2 2 16], exported model.safetensors
}
