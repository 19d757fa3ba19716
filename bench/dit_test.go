package bench

import (
	"context"
	"errors"
	"math"
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
