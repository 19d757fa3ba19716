package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
)

// The diffusion model's physics predictor is tested in package worldgen; TestTrainDiffusionAndGenerate
// (generate_test.go) runs `wfm eval physics` on a trained model with --diffusion-* flags.

// TestDiffusionModelOptions checks that the --diffusion-* flags and --backend become the options
// of the diffusion loader, and that bad sampling settings are refused as a usage error before
// anything runs.
func TestDiffusionModelOptions(t *testing.T) {
	saved, savedBackend := diffusionEvalFlags, global.backend
	defer func() { diffusionEvalFlags, global.backend = saved, savedBackend }()
	diffusionEvalFlags.steps, diffusionEvalFlags.sampler, diffusionEvalFlags.guidance = 4, diffusion.SamplerHeun, 1.5
	diffusionEvalFlags.sigmaMin, diffusionEvalFlags.ema, global.backend = 0.5, true, "go"
	want := physics.ModelOptions{Backend: "go", EMA: true, Steps: 4, Sampler: diffusion.SamplerHeun, Guidance: 1.5, SigmaMin: 0.5}
	if got := diffusionModelOptions(); got != want {
		t.Errorf("options %+v, want %+v", got, want)
	}
	for _, bad := range [][]string{{"--diffusion-sampler", "nope"}, {"--diffusion-steps", "-1"}} {
		args := append([]string{"eval", "physics", "--out", filepath.Join(t.TempDir(), "e"), "--n", "1", "--no-progress"}, bad...)
		if code, _, stderr := runCLI(t, args...); code != exitUsage || !strings.Contains(stderr, "diffusion:") {
			t.Errorf("%v: exit %d, want %d: %s", bad, code, exitUsage, stderr)
		}
	}
}
