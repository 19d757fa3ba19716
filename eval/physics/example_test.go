package physics_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
	sim "github.com/wfm-platform/wfm/world/physics"
	_ "github.com/wfm-platform/wfm/worldgen" // registers the model kind "diffusion"
)

// Score the baselines on one small free-fall clip per split. A world model would be added to
// the list of predictors, or found by physics.OpenModel from a checkpoint.
func ExampleRun() {
	cfg := physics.DefaultConfig()
	cfg.Scenarios = []sim.Scenario{sim.FreeFall}
	cfg.CondFrames, cfg.Frames, cfg.N, cfg.Width, cfg.Height = []int{1}, 4, 1, 32, 32
	res, err := physics.Run(context.Background(), cfg, physics.Baselines(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, split := range cfg.Splits {
		gt := res.Group(physics.ModelGroundTruth, split, 1, physics.ScenarioAll)
		cl := res.Group(physics.ModelCopyLast, split, 1, physics.ScenarioAll)
		fmt.Printf("%s: truth PSNR %.0f SSIM %.0f; copy-last further from the truth: %v\n",
			split, gt.PSNR, gt.SSIM, cl.PositionError > gt.PositionError && cl.IoU < gt.IoU)
	}
	// Output:
	// id: truth PSNR 100 SSIM 1; copy-last further from the truth: true
	// ood: truth PSNR 100 SSIM 1; copy-last further from the truth: true
}

// Score the committed diffusion world model beside the copy-last baseline. Importing worldgen
// registers the kind "diffusion"; the options here (two Euler steps, a few small clips) keep the
// example fast, the benchmark's defaults are DefaultConfig and the model's own sampling settings.
func ExampleOpenModel() {
	m, err := physics.OpenModel("diffusion:../../diffusion/pretrained/phys-v2w",
		physics.ModelOptions{Backend: "go", Steps: 2, Sampler: diffusion.SamplerEuler})
	if err != nil {
		log.Fatal(err)
	}
	defer m.(io.Closer).Close()
	cfg := physics.DefaultConfig()
	cfg.Scenarios, cfg.Splits = []sim.Scenario{sim.FreeFall}, []sim.Split{sim.InDistribution}
	cfg.CondFrames, cfg.Frames, cfg.N, cfg.Width, cfg.Height = []int{1}, 4, 2, 32, 32
	res, err := physics.Run(context.Background(), cfg, []physics.Predictor{m, physics.CopyLast{}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{m.Name(), physics.ModelCopyLast} {
		g := res.Group(name, sim.InDistribution, 1, physics.ScenarioAll)
		fmt.Printf("%s: %d clips scored, IoU in [0, 1]: %v\n", name, g.Clips, g.IoU >= 0 && g.IoU <= 1)
	}
	// Output:
	// diffusion:../../diffusion/pretrained/phys-v2w: 2 clips scored, IoU in [0, 1]: true
	// copy-last: 2 clips scored, IoU in [0, 1]: true
}
