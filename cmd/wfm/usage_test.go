package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/video"
)

// TestUsageFoundBeforeWork (issue 17 items 4 and 9): requests that cannot be served are refused
// with exit 2 and an error naming the flag, quickly (before sampling, data loading or any
// allocation of the requested size), and leave nothing behind.
func TestUsageFoundBeforeWork(t *testing.T) {
	tmp := t.TempDir()
	model := filepath.Join("..", "..", "diffusion", "pretrained", "tiny-v2w")
	tokWeights := filepath.Join("..", "..", "tokenizer", "pretrained", "cv8x8x8-tiny.safetensors")
	videos := filepath.Join(tmp, "videos")
	if err := os.MkdirAll(videos, 0o755); err != nil {
		t.Fatal(err)
	}
	a9, a17 := filepath.Join(videos, "a.y4m"), filepath.Join(tmp, "a.y4m")
	for path, frames := range map[string]int{a9: 9, a17: 17} {
		if err := video.Write(context.Background(), path, testClip(t, frames, 32, 32), video.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(tmp, "out")
	gen := func(extra ...string) []string {
		return append([]string{"generate", "--weights", model, "--prompt", "a ball falls", "--frames", "9", "--steps", "2",
			"--no-progress", "--backend", "go"}, extra...)
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string // in stderr
	}{
		{"generate --res over the model's maximum", gen("--res", "1024x1024", "--out", filepath.Join(tmp, "g.y4m")),
			[]string{"--res at most 512x512", "tiny-v2w"}},
		{"generate --res 100000x100000", gen("--res", "100000x100000", "--out", filepath.Join(tmp, "g.y4m")),
			[]string{"--res at most"}},
		{"generate --out in a missing folder", gen("--res", "64x64", "--out", filepath.Join(tmp, "missing", "g.y4m")),
			[]string{"--out", "does not exist"}},
		{"generate --out of an unknown format", gen("--res", "64x64", "--out", filepath.Join(tmp, "g.xyz")),
			[]string{"--out", "unknown video format"}},
		{"train tokenizer --warmup > --steps", []string{"train", "tokenizer", "--videos", videos, "--out", out,
			"--steps", "5", "--warmup", "10", "--no-progress"}, []string{"--warmup 10", "--steps"}},
		{"train diffusion --warmup > --steps", []string{"train", "diffusion", "--data", tmp, "--out", out,
			"--tokenizer", "preset:cv8x8x8-tiny", "--frames", "9", "--res", "16x16", "--preset", "tiny-v2w", "--steps", "5",
			"--warmup", "10", "--no-progress"}, []string{"--warmup 10", "--steps"}},
		{"train diffusion --res over the model's maximum", []string{"train", "diffusion", "--data", tmp, "--out", out,
			"--tokenizer", "preset:cv8x8x8-tiny", "--frames", "9", "--res", "1024x1024", "--preset", "tiny-v2w", "--steps", "5",
			"--no-progress"}, []string{"--res 1024x1024", "at most 512x512"}},
		{"eval denoise --res over the model's maximum", []string{"eval", "denoise", "--weights", model, "--data", tmp,
			"--frames", "17", "--res", "1024x1024", "--backend", "go"}, []string{"--res at most 512x512"}},
		{"eval fidelity frame counts differ", []string{"eval", "fidelity", "--pred", a9, "--ref", a17, "--out", out},
			[]string{"9 frames", "17", a17}},
		{"tokenize roundtrip over --max-memory", []string{"tokenize", "roundtrip", a17, "--weights", tokWeights,
			"--out", out, "--max-memory", "0.001", "--backend", "go", "--no-progress"}, []string{"--tile 16", "MiB"}},
		{"tokenize encode --max-memory negative", []string{"tokenize", "encode", a17, "--weights", tokWeights,
			"--out", out, "--max-memory", "-1"}, []string{"--max-memory"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d: %s", code, exitUsage, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not name %q", stderr, w)
				}
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("refused after %v: found late", took)
			}
			for _, name := range []string{"fidelity.json", "a_compare.y4m", "tokenizer.safetensors", "model.safetensors", "a.tokens.safetensors"} {
				if _, err := os.Stat(filepath.Join(out, name)); err == nil {
					t.Errorf("left %s", name)
				}
			}
			for _, name := range []string{"g.y4m", "g.xyz"} {
				if _, err := os.Stat(filepath.Join(tmp, name)); err == nil {
					t.Errorf("left %s", name)
				}
			}
		})
	}
}
