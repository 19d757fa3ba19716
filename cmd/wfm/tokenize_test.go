package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// testClip is frames frames of h x w with a moving square over a gradient.
func testClip(t *testing.T, frames, h, w int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, h, w, 10)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		for y := range h {
			for x := range w {
				r, g, b := uint8(x*255/w), uint8(y*255/h), uint8(100)
				if x >= f && x < f+5 && y >= 3 && y < 8 {
					r, g, b = 250, 240, 20
				}
				c.Set(f, y, x, r, g, b)
			}
		}
	}
	return c
}

// tinyWeights saves randomly initialised weights of preset and returns their path.
func tinyWeights(t *testing.T, dir, preset string) string {
	t.Helper()
	cfg, err := tokenizer.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tokenizer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	store, err := tokenizer.InitStore(b, m, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, preset+".safetensors")
	if err := tokenizer.SaveWeights(path, store, cfg); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTokenizeEncodeDecodeRoundtrip(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "clip.y4m")
	if err := video.Write(context.Background(), in, testClip(t, 11, 20, 28), video.Options{}); err != nil {
		t.Fatal(err)
	}
	weights := tinyWeights(t, dir, "cv8x8x8-tiny")
	out := filepath.Join(dir, "tokens")
	code, stdout, stderr := runCLI(t, "tokenize", "encode", in, "--weights", weights, "--out", out, "--window", "9",
		"--backend", "go", "--json")
	if code != exitOK {
		t.Fatalf("encode: exit %d: %s", code, stderr)
	}
	var res tokenizeResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("encode output %q: %v", stdout, err)
	}
	tokPath := filepath.Join(out, "clip"+tokensSuffix)
	if len(res.Files) != 1 || res.Files[0].Output != tokPath || len(res.Files[0].Dims) != 5 || res.Files[0].Dims[0] != 2 {
		t.Fatalf("encode result %+v", res)
	}
	tok, err := tokenizer.LoadTokens(tokPath)
	if err != nil || tok.Frames != 11 || tok.Height != 20 || tok.Width != 28 || tok.FPS != 10 {
		t.Fatalf("tokens %+v, %v", tok, err)
	}

	code, _, stderr = runCLI(t, "tokenize", "decode", tokPath, "--weights", weights, "--out", out, "--backend", "go", "--no-progress")
	if code != exitOK {
		t.Fatalf("decode: exit %d: %s", code, stderr)
	}
	back, err := video.Read(context.Background(), filepath.Join(out, "clip.y4m"), video.Options{})
	if err != nil || back.Frames != 11 || back.Height != 20 || back.Width != 28 {
		t.Fatalf("decoded %v, %v", back, err)
	}

	code, stdout, stderr = runCLI(t, "tokenize", "roundtrip", in, "--weights", weights, "--out", out, "--window", "9",
		"--backend", "go", "--json")
	if code != exitOK {
		t.Fatalf("roundtrip: exit %d: %s", code, stderr)
	}
	res = tokenizeResult{}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	f := res.Files[0]
	if f.PSNR == nil || f.SSIM == nil || f.EncMS <= 0 || f.DecMS <= 0 {
		t.Fatalf("roundtrip result %+v", f)
	}
	grid, err := video.Read(context.Background(), f.Compare, video.Options{})
	if err != nil || grid.Frames != 11 || grid.Width < 2*28 {
		t.Errorf("comparison video %v, %v", grid, err)
	}

	// Usage errors and mismatched weights.
	if code, _, _ := runCLI(t, "tokenize", "encode", in); code != exitUsage {
		t.Errorf("encode without --weights: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "tokenize", "encode", in, "--weights", weights, "--window", "10", "--backend", "go"); code != exitUsage {
		t.Errorf("encode with a 10-frame window: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "tokenize"); code != exitUsage {
		t.Errorf("tokenize without a subcommand: exit %d, want %d", code, exitUsage)
	}
	dv := tinyWeights(t, dir, "dv8x16x16-tiny")
	code, _, stderr = runCLI(t, "tokenize", "decode", tokPath, "--weights", dv, "--out", out, "--backend", "go")
	if code != exitFail || !bytes.Contains([]byte(stderr), []byte("cv8x8x8-tiny")) {
		t.Errorf("decoding CV tokens with DV weights: exit %d, %q", code, stderr)
	}
}

func TestTrainTokenizerCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := t.TempDir()
	w, err := dataset.NewShardWriter(dir, "synth", dataset.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a", "b"} {
		var buf bytes.Buffer
		if err := video.EncodeY4M(&buf, testClip(t, 9, 16, 16), video.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(key, map[string][]byte{"y4m": buf.Bytes()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	code, stdout, stderr := runCLI(t, "train", "tokenizer", "--preset", "cv8x8x8-tiny", "--data", dir, "--prefix", "synth",
		"--val-prefix", "synth", "--val-clips", "1", "--frames", "9", "--val-frames", "9", "--res", "16", "--batch", "2",
		"--steps", "2", "--warmup", "0", "--out", run, "--backend", "go", "--json")
	if code != exitOK {
		t.Fatalf("train tokenizer: exit %d: %s", code, stderr)
	}
	var res trainTokenizerResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Steps != 2 || res.TrainClips != 2 || res.ValClips != 1 || res.PSNR == nil {
		t.Errorf("result %+v", res)
	}
	if _, err := os.Stat(res.Weights); err != nil {
		t.Error(err)
	}
	if _, cfg, err := tokenizer.LoadWeights(res.Weights, nil); err != nil || cfg.Name != "cv8x8x8-tiny" {
		t.Errorf("exported weights: %v, %v", cfg.Name, err)
	}
	for _, args := range [][]string{
		{"train", "tokenizer", "--data", dir, "--frames", "8"},
		{"train", "tokenizer", "--data", dir, "--res", "20"},
		{"train", "tokenizer", "--data", dir, "--dtype", "f16"},
		{"train", "tokenizer", "--data", dir, "--structural", "lpips"},
		{"train", "tokenizer"},
		{"train", "tokenizer", "--preset", "cv9x9x9"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
