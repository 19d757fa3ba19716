package physics_test

import (
	"context"
	"fmt"

	"github.com/wfm-platform/wfm/eval/physics"
	sim "github.com/wfm-platform/wfm/world/physics"
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
