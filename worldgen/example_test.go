package worldgen_test

import (
	"context"
	"fmt"
	"log"

	"github.com/wfm-platform/wfm/worldgen"
)

// Continue a physics scene from its first frame (Video2World) with the committed model: open
// the model folder once, then one call per video. The same seed gives the same video.
func Example() {
	ctx := context.Background()
	p, err := worldgen.Open("../diffusion/pretrained/phys-v2w", worldgen.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	first, err := worldgen.ReadInput(ctx, "testdata/free_fall_first.png", 0)
	if err != nil {
		log.Fatal(err)
	}
	clip, report, err := p.Generate(ctx, worldgen.Request{Prompt: "A blue ball falls from rest under gravity and hits the ground.",
		Input: first, Frames: 33, Width: 64, Height: 64, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d frames at %dx%d and %g fps, continuing %d; %d denoiser evaluations, guidance %g\n",
		clip.Frames, clip.Width, clip.Height, clip.FPS, report.CondFrames, report.Evaluations, report.Guidance)
	// Output: 33 frames at 64x64 and 16 fps, continuing 1; 35 denoiser evaluations, guidance 0
}
