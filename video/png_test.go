package video

import (
	"bufio"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestPNGSequenceRoundTripIsExact(t *testing.T) {
	ctx := t.Context()
	c := noiseClip(t, 5, 7, 9, 30, 4)
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "folder"), filepath.Join(dir, "img_%03d.png")} {
		if err := Write(ctx, path, c, Options{}); err != nil {
			t.Fatal(err)
		}
		d, err := Read(ctx, path, Options{FPS: 30})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Pix, c.Pix) || !d.SameSize(c) || d.FPS != 30 {
			t.Fatalf("%s: PNG round trip is not exact", path)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "folder", "frame_000004.png")); err != nil {
		t.Fatalf("default frame naming: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "img_004.png")); err != nil {
		t.Fatalf("pattern naming: %v", err)
	}
}

func TestPNGSequenceRewriteDropsStaleFrames(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	if err := Write(ctx, dir, markedClip(t, 6, 2, 2, 24), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(ctx, dir, markedClip(t, 3, 2, 2, 24), Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := Read(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := frameMarks(d); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("after rewriting 6 frames with 3, read marks %v", got)
	}
	noTempFiles(t, dir, "frame_000000.png", "frame_000001.png", "frame_000002.png")
}

func writeTestPNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := png.Encode(w, img); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPNGSequenceOtherPixelFormats: sequences from other tools start at 1 and may be grey or
// 16-bit; 16-bit samples keep their high byte.
func TestPNGSequenceOtherPixelFormats(t *testing.T) {
	dir := t.TempDir()
	gray := image.NewGray(image.Rect(0, 0, 2, 1))
	gray.Pix[0], gray.Pix[1] = 10, 20
	deep := image.NewRGBA64(image.Rect(0, 0, 2, 1))
	deep.SetRGBA64(0, 0, color.RGBA64{0x1234, 0xabcd, 0xff00, 0xffff})
	deep.SetRGBA64(1, 0, color.RGBA64{0, 0x00ff, 0x0100, 0xffff})
	writeTestPNG(t, filepath.Join(dir, "f1.png"), gray)
	writeTestPNG(t, filepath.Join(dir, "f2.png"), deep)
	c, err := Read(t.Context(), filepath.Join(dir, "f%d.png"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []uint8{10, 10, 10, 20, 20, 20, 0x12, 0xab, 0xff, 0, 0, 1}
	if !slices.Equal(c.Pix, want) || c.FPS != DefaultFPS {
		t.Fatalf("got %v at %v fps, want %v at %v", c.Pix, c.FPS, want, DefaultFPS)
	}
}

func TestPNGErrors(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	mixed := filepath.Join(dir, "mixed")
	corrupt := filepath.Join(dir, "corrupt")
	empty := filepath.Join(dir, "empty")
	for _, d := range []string{mixed, corrupt, empty} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeTestPNG(t, filepath.Join(mixed, "frame_000000.png"), image.NewGray(image.Rect(0, 0, 4, 4)))
	writeTestPNG(t, filepath.Join(mixed, "frame_000001.png"), image.NewGray(image.Rect(0, 0, 4, 5)))
	writeTestPNG(t, filepath.Join(corrupt, "frame_000000.png"), image.NewGray(image.Rect(0, 0, 4, 4)))
	if err := os.WriteFile(filepath.Join(corrupt, "frame_000001.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.png")
	writeTestPNG(t, big, image.NewGray(image.Rect(0, 0, 40, 4)))
	tests := []struct {
		path  string
		opts  Options
		kind  error
		names string
	}{
		{mixed, Options{}, ErrMalformed, "frame_000001.png"},
		{corrupt, Options{}, ErrMalformed, "frame_000001.png"},
		{empty, Options{}, ErrNoFrames, "empty"},
		{filepath.Join(dir, "nothing_%04d.png"), Options{}, ErrNoFrames, "nothing_%04d.png"},
		{filepath.Join(dir, "bad_%s.png"), Options{}, ErrUnsupported, "bad_%s.png"},
		{filepath.Join(dir, "missing.png"), Options{}, os.ErrNotExist, "missing.png"},
		{big, Options{Limits: Limits{MaxWidth: 32}}, ErrLimit, "big.png"},
		{mixed, Options{Limits: Limits{MaxFrames: 1}}, ErrLimit, "mixed"},
	}
	for _, tt := range tests {
		_, err := Read(ctx, tt.path, tt.opts)
		assertFormatError(t, err, tt.kind, tt.names)
	}
	err := Write(ctx, filepath.Join(dir, "single.png"), markedClip(t, 2, 2, 2, 24), Options{})
	assertFormatError(t, err, ErrUnsupported, "single.png")
}

func TestSinglePNG(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "still.png")
	c := noiseClip(t, 1, 3, 4, 24, 8)
	if err := Write(ctx, path, c, Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := Read(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Pix, c.Pix) {
		t.Fatal("single PNG round trip is not exact")
	}
}

func TestCheckPattern(t *testing.T) {
	for pattern, ok := range map[string]bool{
		"frame_%06d.png": true, "%d.png": true, "a%03d_b.png": true,
		"frame.png": false, "frame_%s.png": false, "%%d.png": false, "%d_%d.png": false,
	} {
		if err := checkPattern(pattern); (err == nil) != ok {
			t.Errorf("checkPattern(%q) = %v, want ok=%v", pattern, err, ok)
		}
	}
}
