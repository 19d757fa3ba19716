package video

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadWriteDispatch round-trips one clip through every pure-Go path and checks what
// each format promises: PNG exact, Y4M 4:4:4 within rounding, GIF at its frame rate.
func TestReadWriteDispatch(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	c := smoothClip(t, 4, 12, 16, 10, 3)
	tests := []struct {
		path    string
		exact   bool
		minPSNR float64
	}{
		{filepath.Join(dir, "c.y4m"), false, 48.1},
		{filepath.Join(dir, "C.Y4M"), false, 48.1},
		{filepath.Join(dir, "frames"), true, 0},
		{filepath.Join(dir, "f_%04d.png"), true, 0},
		{filepath.Join(dir, "c.gif"), false, 25},
	}
	for _, tt := range tests {
		if err := Write(ctx, tt.path, c, Options{}); err != nil {
			t.Fatal(err)
		}
		d, err := Read(ctx, tt.path, Options{FPS: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !d.SameSize(c) || d.FPS != 10 {
			t.Fatalf("%s: read %v, wrote %v", tt.path, d, c)
		}
		p := mustPSNR(t, c, d)
		if tt.exact && !slices.Equal(d.Pix, c.Pix) || p < tt.minPSNR {
			t.Errorf("%s: PSNR %.2f dB", tt.path, p)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	c := markedClip(t, 2, 2, 2, 24)
	err := Write(ctx, filepath.Join(dir, "x.xyz"), c, Options{})
	assertFormatError(t, err, ErrUnsupported, "x.xyz")
	bad := &Clip{Frames: 2, Height: 2, Width: 2, FPS: 24, Pix: make([]uint8, 5)}
	err = Write(ctx, filepath.Join(dir, "x.y4m"), bad, Options{})
	assertFormatError(t, err, nil, "x.y4m")
	err = Write(ctx, filepath.Join(dir, "no-such-dir", "x.y4m"), c, Options{})
	assertFormatError(t, err, os.ErrNotExist, "x.y4m")
	noTempFiles(t, dir)
}

// TestReadAllLimits: the byte and frame limits stop reading as soon as they are exceeded.
func TestReadAllLimits(t *testing.T) {
	c := markedClip(t, 5, 2, 2, 24)
	r := &clipReader{clip: c, path: "mem", format: "test"}
	_, err := ReadAll(r, Limits{MaxBytes: 4 * 12})
	assertFormatError(t, err, ErrLimit, "mem")
	if r.next != 5 {
		t.Errorf("stopped after %d frames, want at the 5th", r.next)
	}
	r = &clipReader{clip: c, path: "mem", format: "test"}
	d, err := ReadAll(r, Limits{MaxBytes: 5 * 12, MaxFrames: 5})
	if err != nil || !slices.Equal(d.Pix, c.Pix) {
		t.Fatalf("ReadAll within limits: %v", err)
	}
}

func TestFormatErrorMessage(t *testing.T) {
	err := &FormatError{Path: "a.mp4", Format: "ffmpeg", Reason: "decoding failed", Err: ErrTruncated, Log: "  | partial file"}
	want := "video: a.mp4: ffmpeg: decoding failed: truncated stream\n  | partial file"
	if err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}

func TestFPSRatio(t *testing.T) {
	tests := []struct {
		fps      float64
		num, den int
	}{
		{24, 24, 1}, {30000.0 / 1001, 30000, 1001}, {24000.0 / 1001, 24000, 1001},
		{60000.0 / 1001, 60000, 1001}, {12.5, 25, 2}, {0.5, 1, 2}, {7.5, 15, 2}, {1.0 / 3, 1, 3},
	}
	for _, tt := range tests {
		if n, d := fpsRatio(tt.fps); n != tt.num || d != tt.den {
			t.Errorf("fpsRatio(%v) = %d/%d, want %d/%d", tt.fps, n, d, tt.num, tt.den)
		}
	}
	for s, want := range map[string]float64{"30000/1001": 30000.0 / 1001, "25/1": 25, "0/0": 0, "24": 24} {
		if got, err := parseRate(s); err != nil || got != want {
			t.Errorf("parseRate(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := parseRate("x/1"); err == nil {
		t.Error("parseRate accepted x/1")
	}
}
