package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffusionDecoderUsage: bad command lines of wfm train/eval diffusion-decoder and of
// generate's --diffusion-steps exit 2 naming the problem, before any data is read, and leave no
// --out folder.
func TestDiffusionDecoderUsage(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	trainArgs := func(extra ...string) []string {
		return append([]string{"train", "diffusion-decoder", "--data", tmp, "--out", out, "--no-progress", "--backend", "go"}, extra...)
	}
	evalArgs := func(extra ...string) []string {
		return append([]string{"eval", "diffusion-decoder", "--data", tmp, "--decoder", tmp, "--backend", "go"}, extra...)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"train without --data", []string{"train", "diffusion-decoder", "--out", out}, "--data is required"},
		{"train without --out", []string{"train", "diffusion-decoder", "--data", tmp}, "--out is required"},
		{"train --batch 0", trainArgs("--batch", "0"), "--batch"},
		{"train --heads 5", trainArgs("--width", "64", "--heads", "5"), "num_heads"},
		{"train --warmup > --steps", trainArgs("--steps", "5", "--warmup", "10"), "--warmup 10"},
		{"train bad --res", trainArgs("--res", "axb"), "resolution"},
		{"train --hold-out -1", trainArgs("--hold-out", "-1"), "--hold-out"},
		{"eval without --decoder", []string{"eval", "diffusion-decoder", "--data", tmp}, "--decoder is required"},
		{"eval --clips > --hold-out", evalArgs("--clips", "50"), "--clips"},
		{"eval --steps 0", evalArgs("--steps", "0"), "--steps"},
		{"generate --diffusion-steps 0", []string{"generate", "--model", "autoregressive", "--weights", tmp, "--input", tmp,
			"--out", filepath.Join(tmp, "x.y4m"), "--diffusion-steps", "0"}, "--diffusion-steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, exitUsage, tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("left %s behind", out)
			}
		})
	}
}
