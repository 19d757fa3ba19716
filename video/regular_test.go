//go:build unix

package video

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// prompt runs f and fails the test if it does not return within a few seconds (a reader that
// opens a pipe blocks forever: the test must fail, not hang).
func prompt(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still blocked after 10 s", what)
		return nil
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

func wantNotRegular(t *testing.T, what, path string, err error) {
	t.Helper()
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("%s: err = %v, want ErrNotRegular", what, err)
		return
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("%s: error %q does not name %s", what, err, path)
	}
}

// TestFIFORefused: a named pipe named like a video is refused promptly by every reader that
// takes a path (before, Open and Probe blocked forever in open(2) or in ffprobe).
func TestFIFORefused(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, name := range []string{"x.mp4", "x.mkv", "x.webm", "x.y4m", "x.png", "x.gif", "noext"} {
		p := filepath.Join(dir, name)
		mkfifo(t, p)
		wantNotRegular(t, "Open "+name, p, prompt(t, "Open "+name, func() error {
			r, err := Open(ctx, p, Options{})
			if err == nil {
				r.Close()
			}
			return err
		}))
		wantNotRegular(t, "Read "+name, p, prompt(t, "Read "+name, func() error {
			_, err := Read(ctx, p, Options{})
			return err
		}))
		wantNotRegular(t, "Probe "+name, p, prompt(t, "Probe "+name, func() error {
			_, err := Probe(ctx, p, Options{})
			return err
		}))
		wantNotRegular(t, "OpenFFmpeg "+name, p, prompt(t, "OpenFFmpeg "+name, func() error {
			r, err := OpenFFmpeg(ctx, p, Options{})
			if err == nil {
				r.Close()
			}
			return err
		}))
	}
	// The readers that open a file themselves refuse a pipe they are handed directly.
	p := filepath.Join(dir, "direct.y4m")
	mkfifo(t, p)
	wantNotRegular(t, "openY4M", p, prompt(t, "openY4M", func() error { _, err := openY4M(p, Options{}); return err }))
	wantNotRegular(t, "pngConfig", p, prompt(t, "pngConfig", func() error { _, err := pngConfig(p); return err }))
}

// TestFIFOInPNGSequence: a pipe among the frames of a PNG sequence is refused, not opened.
func TestFIFOInPNGSequence(t *testing.T) {
	dir := t.TempDir()
	clip := noiseClip(t, 2, 8, 8, 24, 1)
	if err := Write(context.Background(), dir, clip, Options{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "frame_000002.png")
	mkfifo(t, p)
	wantNotRegular(t, "Read sequence", p, prompt(t, "Read sequence", func() error {
		_, err := Read(context.Background(), dir, Options{})
		return err
	}))
}

// TestNonRegularRefused: a device, a socket and a folder named like a video.
func TestNonRegularRefused(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	folder := filepath.Join(dir, "clip.mp4")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.mp4")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer l.Close()
	link := filepath.Join(dir, "null.y4m")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{folder, sock, link, "/dev/zero"} {
		err := prompt(t, p, func() error { _, err := Read(ctx, p, Options{}); return err })
		wantNotRegular(t, "Read "+p, p, err)
		err = prompt(t, p, func() error { _, err := Probe(ctx, p, Options{}); return err })
		wantNotRegular(t, "Probe "+p, p, err)
	}
	if err := prompt(t, "Read folder", func() error { _, err := Read(ctx, folder, Options{}); return err }); !strings.Contains(err.Error(), "a folder") {
		t.Errorf("folder: %v", err)
	}
}

// TestProbeTimeout: an ffprobe that never answers is killed after Options.ProbeTimeout.
func TestProbeTimeout(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "ffprobe-hangs")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.mp4")
	if err := os.WriteFile(in, []byte("not really a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{FFprobe: script, ProbeTimeout: 200 * time.Millisecond}
	start := time.Now()
	err := prompt(t, "Probe", func() error { _, err := Probe(context.Background(), in, opts); return err })
	if el := time.Since(start); el > 8*time.Second {
		t.Errorf("Probe took %v", el)
	}
	if !errors.Is(err, ErrTool) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "ffprobe gave no answer") {
		t.Fatalf("err = %v, want an ffprobe timeout", err)
	}
	// Open goes through the same probe.
	err = prompt(t, "Open", func() error { _, err := Open(context.Background(), in, opts); return err })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open: err = %v, want an ffprobe timeout", err)
	}
	// A cancelled context is still reported as stopped, not as a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err = prompt(t, "Probe cancelled", func() error {
		_, err := Probe(ctx, in, Options{FFprobe: script, ProbeTimeout: time.Minute})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
}
