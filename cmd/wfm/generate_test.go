package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainDiffusionAndGenerate trains a tiny Video2World model for a few steps on synthetic
// shards (untrained tokenizer), fine-tunes it with --init, then generates with and without a
// condition image, checking determinism by seed.
func TestTrainDiffusionAndGenerate(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "synth")
	if code, _, stderr := runCLI(t, "synth", "--out", data, "--n", "3", "--frames", "9", "--res", "32",
		"--no-progress", "--workers", "1"); code != exitOK {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	run := filepath.Join(dir, "run")
	common := []string{"--data", data, "--tokenizer", "preset:cv8x8x8-tiny", "--frames", "9", "--res", "16x16",
		"--preset", "tiny-v2w", "--warmup", "1", "--no-progress", "--json"}
	code, stdout, stderr := runCLI(t, append([]string{"train", "diffusion", "--out", run, "--steps", "2", "--image-batch", "1"}, common...)...)
	if code != exitOK {
		t.Fatalf("train diffusion: exit %d: %s", code, stderr)
	}
	var res trainDiffusionResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("train diffusion --json: %v\n%s", err, stdout)
	}
	if res.Steps != 2 || res.Clips != 3 || len(res.Config.LatentMean) != 2*16 {
		t.Errorf("result %+v", res)
	}
	// Running again with more steps resumes the run and reuses the encoded latents.
	code, stdout, stderr = runCLI(t, append([]string{"train", "diffusion", "--out", run, "--steps", "3", "--image-batch", "1"}, common...)...)
	if code != exitOK || !strings.Contains(stderr, "latents from") {
		t.Fatalf("train diffusion again: exit %d: %s", code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || res.ResumedFrom != 2 || res.Steps != 3 {
		t.Errorf("resumed run: %+v (%v)", res, err)
	}
	fine := filepath.Join(dir, "fine")
	code, _, stderr = runCLI(t, append([]string{"train", "diffusion", "--out", fine, "--steps", "1", "--init", run}, common...)...)
	if code != exitOK {
		t.Fatalf("train diffusion --init: exit %d: %s", code, stderr)
	}
	gen := func(out string, extra ...string) generateResult {
		t.Helper()
		args := append([]string{"generate", "--weights", fine, "--prompt", "a ball falls", "--frames", "9", "--res", "16x16",
			"--steps", "3", "--out", out, "--json", "--no-progress"}, extra...)
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("generate %v: exit %d: %s", extra, code, stderr)
		}
		var r generateResult
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("generate --json: %v\n%s", err, stdout)
		}
		return r
	}
	a := gen(filepath.Join(dir, "a.y4m"))
	b := gen(filepath.Join(dir, "b.y4m"))
	if a.Evaluations != 3 || a.PeakRSSBytes == 0 {
		t.Errorf("result %+v", a)
	}
	da, _ := os.ReadFile(a.Out)
	db, _ := os.ReadFile(b.Out)
	if len(da) == 0 || string(da) != string(db) {
		t.Error("the same seed gave different videos")
	}
	img := filepath.Join(data, "synth-contact.png")
	if r := gen(filepath.Join(dir, "c.gif"), "--input", img, "--cond-frames", "9", "--sampler", "heun"); r.CondFrames != 1 || r.Evaluations != 5 {
		t.Errorf("video2world result %+v", r)
	}
	for _, bad := range [][]string{
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--model", "autoregressive"},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--frames", "8"},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--input", img, "--cond-frames", "3"},
		{"generate", "--out", filepath.Join(dir, "x.gif")},
		{"train", "diffusion", "--data", data, "--out", filepath.Join(dir, "y"), "--tokenizer", "preset:cv8x8x8-tiny", "--res", "20x20"},
	} {
		if code, _, _ := runCLI(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

func FuzzParseDiffusionRes(f *testing.F) {
	for _, s := range []string{"64x64", "64", "1280X704", "x", "0x5", "-3x4", "99999999999999999999x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := parseDiffusionRes(s)
		if err == nil && (w < 1 || h < 1) {
			t.Errorf("%q: accepted %dx%d", s, w, h)
		}
	})
}
