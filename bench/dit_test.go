package bench

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/diffusion"
)

func TestRunDiTStep(t *testing.T) {
	c, err := diffusion.Preset("tiny-v2w")
	if err != nil {
		t.Fatal(err)
	}
	shape := DiTShape{Batch: 2, Frames: 3, Height: 4, Width: 6, ContextLen: 5}
	const steps, warmup, evals = 3, 1, 2
	res, err := RunDiTStep(context.Background(), newGoBackend(t), c, shape, steps, warmup, evals)
	if err != nil {
		t.Fatal(err)
	}
	if res.Backend != "go" || res.Shape != shape || res.Steps != steps || res.Warmup != warmup || res.Params != c.ParamCount() {
		t.Errorf("result fields %+v", res)
	}
	if res.Tokens != 3*2*3 { // patch 1x2x2
		t.Errorf("tokens %d, want 18", res.Tokens)
	}
	if want := 3 * float64(c.ForwardFLOPs(2, 3, 4, 6, 5)); res.StepFLOPs != want {
		t.Errorf("step FLOPs %g, want 3x forward = %g", res.StepFLOPs, want)
	}
	if !(res.MinStepSeconds > 0 && res.MinStepSeconds <= res.MedianStepSeconds && res.MedianStepSeconds <= res.MaxStepSeconds) {
		t.Errorf("inconsistent step times %+v", res)
	}
	if want := res.StepFLOPs / res.MedianStepSeconds / 1e9; math.Abs(res.GFLOPS-want) > 1e-9*want {
		t.Errorf("GFLOPS %g, want %g", res.GFLOPS, want)
	}
	if math.IsNaN(res.FirstLoss) || math.IsNaN(res.LastLoss) || res.FirstLoss <= 0 {
		t.Errorf("losses %g -> %g", res.FirstLoss, res.LastLoss)
	}
	if res.SampleEvaluations != evals || !(res.SampleEvalsPerSecond > 0) || res.SampleGuidance != 7 ||
		math.Abs(res.SampleEvalsPerSecond*res.SampleSeconds-evals) > 1e-9 {
		t.Errorf("sampling fields: %d evaluations in %g s, %g/s", res.SampleEvaluations, res.SampleSeconds, res.SampleEvalsPerSecond)
	}
}

func TestRunDiTStepRejectsBadArguments(t *testing.T) {
	c, err := diffusion.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	ok := DiTShape{Batch: 1, Frames: 2, Height: 2, Width: 2, ContextLen: 1}
	for name, tc := range map[string]struct {
		shape         DiTShape
		steps, warmup int
	}{
		"batch":     {DiTShape{Batch: 0, Frames: 2, Height: 2, Width: 2, ContextLen: 1}, 1, 0},
		"latent":    {DiTShape{Batch: 1, Frames: 0, Height: 2, Width: 2, ContextLen: 1}, 1, 0},
		"too large": {DiTShape{Batch: 1, Frames: 2, Height: c.MaxLatentHeight + 2, Width: 2, ContextLen: 1}, 1, 0},
		"patch":     {DiTShape{Batch: 1, Frames: 2, Height: 3, Width: 2, ContextLen: 1}, 1, 0},
		"context":   {DiTShape{Batch: 1, Frames: 2, Height: 2, Width: 2}, 1, 0},
		"steps":     {ok, 0, 0},
		"warmup":    {ok, 1, -1},
	} {
		_, err := RunDiTStep(context.Background(), newGoBackend(t), c, tc.shape, tc.steps, tc.warmup, 0)
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v, want an *ArgumentError", name, err)
		}
	}
}

// torchPython returns a python3 that can import torch, or "" (the replica's test is then
// skipped: CI has no PyTorch).
func torchPython() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		// From the temporary folder: here, bench/torch would pass for the package.
		cmd := exec.Command(py, "-c", "import torch; torch.zeros(1)")
		cmd.Dir = os.TempDir()
		if cmd.Run() == nil {
			return py
		}
	}
	return ""
}

// TestTorchReplicaMatchesConfig keeps bench/torch/dit_bench.py, the PyTorch replica the GPU
// comparison times, in step with the Go network: for several configurations it must build the
// same parameter count and count the same step FLOPs.
func TestTorchReplicaMatchesConfig(t *testing.T) {
	py := torchPython()
	if py == "" {
		t.Skip("no python3 with torch")
	}
	small, _ := diffusion.Preset("small-v2w")
	tiny, _ := diffusion.Preset("tiny")
	custom, _ := diffusion.Preset("tiny-v2w")
	custom.ModelChannels, custom.NumBlocks, custom.PatchSpatial, custom.AdaLNLoRADim, custom.ResidualCondition = 48, 1, 4, 0, true
	custom.NumHeads = 2
	for _, c := range []diffusion.Config{small, tiny, custom} {
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		script, err := filepath.Abs(filepath.Join("torch", "dit_bench.py"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, script, "--config", path, "--batch", "1", "--latent", "2,4,4",
			"--context-len", "3", "--steps", "1", "--warmup", "0", "--device", "cpu", "--dtype", "float32", "--json").Output()
		if err != nil {
			t.Fatalf("%s: dit_bench.py: %v", c.Name, err)
		}
		var got struct {
			Params    int64   `json:"params"`
			StepFLOPs float64 `json:"step_flops"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v\n%s", c.Name, err, out)
		}
		if want := 3 * float64(c.ForwardFLOPs(1, 2, 4, 4, 3)); got.Params != c.ParamCount() || got.StepFLOPs != want {
			t.Errorf("%s (width %d, patch %d, LoRA %d): torch replica %d params, %g step FLOPs; ours %d and %g",
				c.Name, c.ModelChannels, c.PatchSpatial, c.AdaLNLoRADim, got.Params, got.StepFLOPs, c.ParamCount(), want)
		}
	}
}
