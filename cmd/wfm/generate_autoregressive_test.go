package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
)

// arModelDir writes an untrained tiny autoregressive model folder (2 Medusa heads) over the
// committed DV tokenizer's ids, as trained on 17-frame 32x32 clips.
func arModelDir(t *testing.T) string {
	t.Helper()
	cfg, _ := autoregressive.Preset("tiny")
	cfg = cfg.WithVocab(64000)
	cfg.MedusaHeads = 2
	m, err := autoregressive.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := testutil.NewStore(1)
	exec, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, ids *graph.Node) []*graph.Node {
		logits, medusa := m.Forward(scope, ids, autoregressive.Grid{T: 1, H: 1, W: 1}, nil, nil)
		return append([]*graph.Node{logits}, medusa...)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.Call(tensors.FromValue([][]int32{{0}})); err != nil {
		t.Fatal(err)
	}
	codec, tok, err := autoregressive.OpenDVTokenizer(testutil.Backend(), "../../tokenizer/pretrained/dv8x16x16-tiny.safetensors", 1)
	if err != nil {
		t.Fatal(err)
	}
	codec.Close()
	dir := t.TempDir()
	info := autoregressive.TrainInfo{Tokenizer: tok, Grid: autoregressive.Grid{T: 3, H: 2, W: 2}, FPS: 16,
		Stage: autoregressive.Stage{Number: 1, Frames: 3, CondFrames: 1}}
	if err := autoregressive.SaveModelFolder(dir, cfg, store, false, info); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGenerateAutoregressive runs wfm generate --model autoregressive: a batch of two videos
// written beside each other, the same tokens' video with --medusa, usage errors for the
// diffusion-only flags, and the model through wfm eval physics.
func TestGenerateAutoregressive(t *testing.T) {
	dir := t.TempDir()
	weights := arModelDir(t)
	in, err := video.NewClip(9, 32, 32, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in.Pix {
		in.Pix[i] = uint8(i % 251)
	}
	input := filepath.Join(dir, "in.y4m")
	if err := video.Write(t.Context(), input, in, video.Options{}); err != nil {
		t.Fatal(err)
	}
	gen := func(out string, extra ...string) generateARResult {
		t.Helper()
		args := append([]string{"generate", "--model", "autoregressive", "--weights", weights, "--input", input, "--cond-frames", "9",
			"--out", filepath.Join(dir, out), "--json", "--no-progress"}, extra...)
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		var r generateARResult
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		return r
	}
	r := gen("b.y4m", "--batch", "2", "--temperature", "1", "--seed", "4")
	if !slices.Equal(r.Out, []string{filepath.Join(dir, "b-1.y4m"), filepath.Join(dir, "b-2.y4m")}) || !slices.Equal(r.Seeds, []uint64{4, 5}) ||
		r.Frames != 17 || r.Width != 32 || r.NewTokens != 4 || !(r.TokensPerSecond > 0) || !r.GuardrailsRun {
		t.Errorf("batch: %+v", r)
	}
	plain := gen("plain.y4m")
	medusa := gen("medusa.y4m", "--medusa")
	if !medusa.Medusa || plain.Calls != 4 {
		t.Errorf("plain %+v, medusa %+v", plain, medusa)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "plain.y4m"))
	b, _ := os.ReadFile(filepath.Join(dir, "medusa.y4m"))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("greedy videos with and without Medusa differ (%d and %d bytes)", len(a), len(b))
	}
	for _, args := range [][]string{
		{"--steps", "3"},
		{"--cond-frames", "5"},
		{"--top-p", "2"},
		{"--batch", "0"},
		{"--frames", "33"}, // beyond the tiny model's 4 latent frames
	} {
		all := append([]string{"generate", "--model", "autoregressive", "--weights", weights, "--input", input, "--out", filepath.Join(dir, "x.y4m")}, args...)
		if code, _, stderr := runCLI(t, all...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
	}
	// The autoregressive-only flags are refused with the diffusion model, before any work.
	for _, flag := range []string{"--medusa", "--temperature=0.5", "--diffusion-decoder=x", "--diffusion-steps=2", "--batch=2"} {
		code, _, stderr := runCLI(t, "generate", "--model", "diffusion", "--weights", weights, "--out", filepath.Join(dir, "d.y4m"), flag)
		if code != exitUsage || !strings.Contains(stderr, "is for --model autoregressive") {
			t.Errorf("generate --model diffusion %s: exit %d, want %d: %s", flag, code, exitUsage, stderr)
		}
	}
	// The physics benchmark takes the model beside the baselines.
	code, stdout, stderr := runCLI(t, "eval", "physics", "--scenarios", "free_fall", "--n", "1", "--res", "32", "--frames", "4",
		"--cond-frames", "1,9", "--model", "autoregressive:"+weights, "--out", filepath.Join(dir, "eval"), "--json")
	if code != exitOK || !strings.Contains(stdout, "autoregressive:") {
		t.Errorf("eval physics: exit %d: %s", code, stderr)
	}
}
