package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
)

// The diffusion predictor is tested on the model TestTrainDiffusionAndGenerate trains
// (generate_test.go), which calls testDiffusionPredictor and runs `wfm eval physics` on it.

// testDiffusionPredictor checks the physics predictor of a Video2World model: the frames asked
// for, at the condition's size, the same for the same seed, and different for another.
func testDiffusionPredictor(t *testing.T, path string) {
	t.Helper()
	diffusionEvalFlags.steps, diffusionEvalFlags.sampler, diffusionEvalFlags.guidance = 2, diffusion.SamplerEuler, 0
	p, err := physics.OpenModel("diffusion:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.(io.Closer).Close()
	cond, err := video.NewClip(9, 16, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cond.Pix {
		cond.Pix[i] = uint8(i * 7)
	}
	predict := func(frames int, seed uint64, c *video.Clip) *video.Clip {
		t.Helper()
		out, err := p.Predict(context.Background(), physics.Request{Cond: c, Caption: "a ball falls", Frames: frames, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if out.Frames != frames || out.Width != 16 || out.Height != 16 || out.FPS != 16 {
			t.Fatalf("predicted %d frames %dx%d at %g fps, want %d 16x16 at 16", out.Frames, out.Width, out.Height, out.FPS, frames)
		}
		return out
	}
	a, b, c := predict(5, 1, cond), predict(5, 1, cond), predict(5, 2, cond)
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("same seed, different predictions")
	}
	if bytes.Equal(a.Pix, c.Pix) {
		t.Error("another seed gave the same prediction")
	}
	predict(2, 1, cond.Slice(0, 1))
	predict(3, 1, cond.Slice(0, 4)) // conditions on the last frame only

	// A Text2World model cannot be conditioned on frames: the loader says so.
	t2w := filepath.Join(t.TempDir(), "t2w")
	if err := os.MkdirAll(t2w, 0o755); err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(path, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.ReadFile(filepath.Join(path, diffusion.WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	js = bytes.Replace(js, []byte(`"video2world": true`), []byte(`"video2world": false`), 1)
	if err := os.WriteFile(filepath.Join(t2w, "model.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t2w, diffusion.WeightsFile), st, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := physics.OpenModel(t2w); err == nil || !strings.Contains(err.Error(), "Video2World") {
		t.Errorf("Text2World model in the physics benchmark: %v", err)
	}
}
