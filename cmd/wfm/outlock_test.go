package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/internal/dirlock"
)

// TestOutputFolderLocked: every command that writes a folder refuses to run (exit 1) while
// another writer holds it, naming the holder, and writes nothing there; once the holder is
// gone, the lock it left is taken over.
func TestOutputFolderLocked(t *testing.T) {
	tmp := t.TempDir()
	videos := filepath.Join(tmp, "videos")
	if err := os.MkdirAll(videos, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(videos, "a.y4m"), []byte("not a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	weights := tinyWeights(t, tmp, "cv8x8x8-tiny")
	data := synthClips(t, tmp, 2)
	for _, tc := range []struct {
		name string
		args func(out string) []string
	}{
		{"synth", func(out string) []string {
			return []string{"synth", "--out", out, "--n", "2", "--frames", "9", "--no-progress"}
		}},
		{"curate", func(out string) []string { return []string{"curate", "--in", videos, "--out", out, "--no-progress"} }},
		{"curate part", func(out string) []string {
			return []string{"curate", "--in", videos, "--out", out, "--part", "0/2", "--no-progress"}
		}},
		{"curate make-corpus", func(out string) []string {
			return []string{"curate", "make-corpus", "--out", out, "--videos", "1", "--shots", "2", "--res", "32"}
		}},
		{"train tokenizer", func(out string) []string {
			return []string{"train", "tokenizer", "--videos", videos, "--out", out, "--steps", "1", "--no-progress"}
		}},
		{"train diffusion", func(out string) []string {
			return []string{"train", "diffusion", "--data", data, "--out", out, "--tokenizer", "preset:cv8x8x8-tiny", "--frames", "9",
				"--res", "16x16", "--preset", "tiny-v2w", "--steps", "1", "--warmup", "0", "--no-progress"}
		}},
		{"train textenc", func(out string) []string {
			return []string{"train", "textenc", "--out", out, "--steps", "1", "--captions", "16", "--batch", "8", "--copies", "1", "--held-out", "8"}
		}},
		{"demo", func(out string) []string { return []string{"demo", "--out", out, "--steps", "1", "--no-progress"} }},
		{"tokenize encode", func(out string) []string {
			return []string{"tokenize", "encode", filepath.Join(videos, "a.y4m"), "--weights", weights, "--out", out, "--backend", "go", "--no-progress"}
		}},
		{"tokenize decode", func(out string) []string {
			return []string{"tokenize", "decode", filepath.Join(videos, "a.tokens.safetensors"), "--weights", weights, "--out", out, "--backend", "go", "--no-progress"}
		}},
		{"tokenize roundtrip", func(out string) []string {
			return []string{"tokenize", "roundtrip", filepath.Join(videos, "a.y4m"), "--weights", weights, "--out", out, "--backend", "go", "--no-progress"}
		}},
		{"eval fidelity", func(out string) []string {
			return []string{"eval", "fidelity", "--pred", videos, "--ref", videos, "--out", out}
		}},
		{"eval consistency", func(out string) []string { return []string{"eval", "consistency", "--videos", videos, "--out", out} }},
		{"eval physics", func(out string) []string {
			return []string{"eval", "physics", "--n", "1", "--scenarios", "free_fall", "--out", out, "--no-progress"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			lock, err := dirlock.Acquire(out, "wfm holder-under-test")
			if err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runCLI(t, tc.args(out)...)
			lock.Release()
			if code != exitFail {
				t.Fatalf("exit %d, want %d: %s", code, exitFail, stderr)
			}
			for _, want := range []string{out, "in use by wfm holder-under-test", fmt.Sprintf("pid %d", os.Getpid()), "since "} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q does not name %q", stderr, want)
				}
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("the refused command wrote %v", entries)
			}
		})
	}
}
