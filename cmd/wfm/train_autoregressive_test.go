package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/autoregressive"
)

// dvTinyTokenizer is the committed tiny DV tokenizer.
var dvTinyTokenizer = filepath.Join("..", "..", "tokenizer", "pretrained", "dv8x16x16-tiny.safetensors")

// TestTrainAutoregressiveUsage: bad command lines exit 2 naming the flag, quickly (before any
// clip is read or model built), and leave no --out folder.
func TestTrainAutoregressiveUsage(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	base := func(extra ...string) []string {
		return append([]string{"train", "autoregressive", "--data", tmp, "--out", out, "--tokenizer", dvTinyTokenizer,
			"--no-progress", "--backend", "go"}, extra...)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no --data", []string{"train", "autoregressive", "--out", out, "--tokenizer", dvTinyTokenizer}, "--data, --out and --tokenizer"},
		{"unknown preset", base("--preset", "huge"), "unknown preset"},
		{"stage 4", base("--stage", "4"), "--stage"},
		{"--init with --preset", base("--init", tmp, "--preset", "tiny"), "--preset"},
		{"--warmup > --steps", base("--steps", "5", "--warmup", "10"), "--warmup 10"},
		{"--batch 0", base("--batch", "0"), "--batch"},
		{"--text-encoder before stage 3", base("--text-encoder", "hash"), "--stage 3"},
		{"bad --res", base("--res", "axb"), "resolution"},
		{"--frames not 1+k·8", base("--frames", "18"), "--frames 18"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, exitUsage, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v to refuse", d)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("left %s behind", out)
			}
		})
	}
}

// TestTrainAutoregressive trains the tiny preset for two steps on synthetic shards and checks
// what it prints and writes; the same command again resumes (nothing left to train).
func TestTrainAutoregressive(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if code, _, stderr := runCLI(t, "synth", "--out", data, "--n", "2", "--frames", "17", "--res", "32", "--scenario", "physics",
		"--no-progress"); code != exitOK {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	out := filepath.Join(tmp, "run")
	args := []string{"train", "autoregressive", "--json", "--data", data, "--out", out, "--tokenizer", dvTinyTokenizer,
		"--preset", "tiny", "--frames", "17", "--batch", "1", "--val-clips", "1", "--steps", "2", "--no-progress", "--backend", "go"}
	code, stdout, stderr := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r trainARResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if r.Steps != 2 || r.Loss == nil || r.Clips != 1 || r.ValClips != 1 || r.Info.Stage.Number != 1 || r.Config.VocabSize != 64000 ||
		r.Weights != filepath.Join(out, autoregressive.WeightsFile) || !strings.Contains(stderr, "tokenized 2 clips") {
		t.Errorf("result %+v, stderr %q", r, stderr)
	}
	if _, cfg, err := autoregressive.LoadModel(out, false); err != nil || cfg != r.Config {
		t.Errorf("the exported model does not load: %v", err)
	}
	code, stdout, stderr = runCLI(t, args...)
	if err := json.Unmarshal([]byte(stdout), &r); code != exitOK || err != nil || r.ResumedFrom != 2 || r.Loss != nil ||
		!strings.Contains(stderr, "tokens from") {
		t.Errorf("second run: exit %d, %+v, stderr %q", code, r, stderr)
	}
}
