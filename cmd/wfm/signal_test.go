package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/video"
)

// signalHelperEnv, when set in the environment of this test binary, makes
// TestSignalHelperProcess run the wfm command line (its arguments JSON in the variable) as
// main does, with SIGINT and SIGTERM cancelling its context, and exit with its code.
const signalHelperEnv = "WFM_SIGNAL_HELPER_ARGS"

// TestSignalHelperProcess is not a test: it is the wfm process TestInterruptStopsLongCommands
// starts (a re-execution of this binary) and interrupts.
func TestSignalHelperProcess(t *testing.T) {
	spec := os.Getenv(signalHelperEnv)
	if spec == "" {
		t.Skip("helper process of TestInterruptStopsLongCommands")
	}
	var args []string
	if err := json.Unmarshal([]byte(spec), &args); err != nil {
		os.Exit(99)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInterruptStopsLongCommands (issue 17 item 5): a long command sent SIGINT (or SIGTERM) once
// it is at work exits within 5 s with code 130 and leaves no output that looks complete. Each
// input is sized so that the command would run far longer than that without the signal.
func TestInterruptStopsLongCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	tmp := t.TempDir()
	// A 400-frame 256x256 video: 24 tokenizer windows each way, and many curate shots.
	long := filepath.Join(tmp, "long.y4m")
	if err := video.Write(context.Background(), long, testClip(t, 400, 256, 256), video.Options{}); err != nil {
		t.Fatal(err)
	}
	videos := filepath.Join(tmp, "videos")
	if err := os.MkdirAll(videos, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if err := os.Link(long, filepath.Join(videos, "v"+strings.Repeat("x", i)+".y4m")); err != nil {
			t.Fatal(err)
		}
	}
	tokWeights := filepath.Join("..", "..", "tokenizer", "pretrained", "cv8x8x8-tiny.safetensors")
	model := filepath.Join("..", "..", "diffusion", "pretrained", "tiny-v2w")

	for _, tc := range []struct {
		name string
		// args are the command line for output folder out; marker is text on stderr that says
		// the command reached its loop ("" : wait a fixed time).
		args   func(out string) []string
		marker string
		// complete lists the files under out that would say the command finished.
		complete []string
		// sig is the signal sent (SIGINT when nil).
		sig os.Signal
	}{
		{"tokenize roundtrip", func(out string) []string {
			return []string{"tokenize", "roundtrip", long, "--weights", tokWeights, "--out", out, "--backend", "go"}
		}, "roundtrip", []string{"long_compare.y4m"}, nil},
		{"tokenize roundtrip SIGTERM", func(out string) []string {
			return []string{"tokenize", "roundtrip", long, "--weights", tokWeights, "--out", out, "--backend", "go"}
		}, "roundtrip", []string{"long_compare.y4m"}, syscall.SIGTERM},
		{"generate", func(out string) []string {
			return []string{"generate", "--weights", model, "--prompt", "a ball falls", "--frames", "9", "--res", "64x64",
				"--steps", "100000", "--out", filepath.Join(out, "video.y4m"), "--no-progress", "--backend", "go"}
		}, "backend go", []string{"video.y4m"}, nil},
		{"train tokenizer", func(out string) []string {
			return []string{"train", "tokenizer", "--videos", videos, "--max-clips", "8", "--out", out, "--steps", "100000",
				"--no-progress", "--backend", "go"}
		}, "train: starting", []string{"tokenizer.safetensors"}, nil},
		{"curate", func(out string) []string {
			return []string{"curate", "--in", videos, "--out", out, "--no-progress"}
		}, "", []string{"curated-index.json", "curated-manifest.json", "curated-report.json"}, nil},
		{"synth", func(out string) []string {
			return []string{"synth", "--out", out, "--n", "100000", "--frames", "33", "--res", "64", "--no-progress"}
		}, "", []string{"synth-index.json"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := os.MkdirAll(out, 0o755); err != nil { // generate's --out folder must exist
				t.Fatal(err)
			}
			args, err := json.Marshal(tc.args(out))
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalHelperProcess$")
			cmd.Env = append(os.Environ(), signalHelperEnv+"="+string(args))
			var stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stderr, &stderr
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// At work: the marker is on stderr (then a little more), or a fixed time has passed.
			wait := time.After(20 * time.Second)
			if tc.marker == "" {
				wait = time.After(2 * time.Second)
			}
		ready:
			for {
				select {
				case err := <-done:
					t.Fatalf("wfm %s ended before the signal (%v) after %v: %s", tc.name, err, time.Since(start), stderr.String())
				case <-wait:
					if tc.marker != "" {
						_ = cmd.Process.Kill()
						t.Fatalf("wfm %s: no %q on stderr after 20 s: %s", tc.name, tc.marker, stderr.String())
					}
					break ready
				case <-time.After(50 * time.Millisecond):
					if tc.marker != "" && strings.Contains(stderr.String(), tc.marker) {
						time.Sleep(700 * time.Millisecond)
						break ready
					}
				}
			}
			sig := tc.sig
			if sig == nil {
				sig = os.Interrupt
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			var werr error
			select {
			case werr = <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("wfm %s still running 5 s after %v: %s", tc.name, sig, stderr.String())
			}
			took := time.Since(sent)
			t.Logf("wfm %s: exited %v after %v (started %v before)", tc.name, took.Round(time.Millisecond), sig, sent.Sub(start).Round(time.Millisecond))
			if werr == nil || cmd.ProcessState.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "wfm: interrupted") {
				t.Errorf("wfm %s: exit %v after %v, want %d and 'wfm: interrupted': %s", tc.name, werr, sig, exitInterrupted, stderr.String())
			}
			for _, name := range tc.complete {
				if _, err := os.Stat(filepath.Join(out, name)); err == nil {
					t.Errorf("wfm %s left %s, which says it finished", tc.name, name)
				}
			}
			if strings.Contains(stderr.String(), "goroutine ") {
				t.Errorf("wfm %s: a stack trace on stderr: %s", tc.name, stderr.String())
			}
		})
	}
}
