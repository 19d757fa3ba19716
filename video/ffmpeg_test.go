package video

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMP4RoundTrip encodes a smooth synthetic clip at crf 18 and decodes it again. H.264 at
// crf 18 is meant to be visually lossless (x264's guidance), which on smooth content means
// well above 30 dB; the measured figure is logged.
func TestMP4RoundTrip(t *testing.T) {
	requireFFmpeg(t)
	ctx := t.Context()
	dir := t.TempDir()
	c := smoothClip(t, 33, 64, 96, 24, 42)
	path := filepath.Join(dir, "clip.mp4")
	if err := Write(ctx, path, c, Options{CRF: 18}); err != nil {
		t.Fatal(err)
	}
	noTempFiles(t, dir, "clip.mp4")
	info, err := Probe(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 96 || info.Height != 64 || info.FPS != 24 || info.Frames != 33 {
		t.Fatalf("probe: %+v", info)
	}
	d, err := Read(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.SameSize(c) || d.FPS != 24 {
		t.Fatalf("read %v, wrote %v", d, c)
	}
	p := mustPSNR(t, c, d)
	st, _ := os.Stat(path)
	t.Logf("H.264 crf 18, %dx%dx%d: %d bytes, PSNR %.2f dB", c.Width, c.Height, c.Frames, st.Size(), p)
	if p < 30 {
		t.Errorf("PSNR %.2f dB < 30", p)
	}
}

func TestFFmpegOtherContainersAndRates(t *testing.T) {
	requireFFmpeg(t)
	ctx := t.Context()
	dir := t.TempDir()
	c := smoothClip(t, 5, 16, 16, 30000.0/1001, 1)
	for _, name := range []string{"a.mkv", "b.mov"} {
		path := filepath.Join(dir, name)
		if err := Write(ctx, path, c, Options{Preset: "ultrafast"}); err != nil {
			t.Fatal(err)
		}
		d, err := Read(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Frames != 5 || d.FPS != 30000.0/1001 {
			t.Errorf("%s: %v, want 5 frames at 29.97 fps", name, d)
		}
	}
}

func TestMP4OddSize(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	c := smoothClip(t, 3, 47, 63, 24, 4)
	path := filepath.Join(dir, "odd.mp4")
	// The size check comes before ffmpeg is needed, so this part runs everywhere.
	err := Write(ctx, path, c, Options{})
	assertFormatError(t, err, ErrOddSize, path)
	if !strings.Contains(err.Error(), "63x47") || !strings.Contains(err.Error(), "PadOdd") {
		t.Errorf("error %q should give the size and the way out", err)
	}
	requireFFmpeg(t)
	if err := Write(ctx, path, c, Options{PadOdd: true}); err != nil {
		t.Fatal(err)
	}
	d, err := Read(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Width != 64 || d.Height != 48 {
		t.Fatalf("padded to %dx%d, want 64x48", d.Width, d.Height)
	}
	back, err := Crop(d, 0, 0, 47, 63)
	if err != nil {
		t.Fatal(err)
	}
	p := mustPSNR(t, c, back)
	t.Logf("63x47 padded to 64x48, crf 18: PSNR %.2f dB on the original area", p)
	if p < 30 {
		t.Errorf("padded round trip PSNR %.2f dB < 30", p)
	}
}

// TestFFmpegBadInput: each broken input gives a *FormatError of the right kind that names
// the file; ffmpeg's own words are attached where ffmpeg ran.
func TestFFmpegBadInput(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.mp4")
	_, err := Read(ctx, missing, Options{})
	assertFormatError(t, err, os.ErrNotExist, missing)

	requireFFmpeg(t)
	text := filepath.Join(dir, "text.mp4")
	if err := os.WriteFile(text, []byte("this is a text file, not a video\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Read(ctx, text, Options{})
	assertFormatError(t, err, ErrMalformed, text)
	var fe *FormatError
	if errors.As(err, &fe); fe.Log == "" || !strings.Contains(err.Error(), "Invalid data") {
		t.Errorf("error %q lacks ffprobe's log", err)
	}

	// Our MP4s put the index first (+faststart), so a file cut in half still probes and
	// fails while decoding, short of the declared frame count.
	full := filepath.Join(dir, "full.mp4")
	if err := Write(ctx, full, noiseClip(t, 20, 64, 64, 24, 5), Options{Preset: "ultrafast"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(dir, "half.mp4")
	if err := os.WriteFile(half, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Read(ctx, half, Options{})
	assertFormatError(t, err, ErrTruncated, half)
	t.Logf("truncated: %v", err)

	empty := filepath.Join(dir, "empty.mp4")
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=32x32:rate=24",
		"-frames:v", "0", "-c:v", "libx264", "-y", empty)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making a zero-frame file: %v\n%s", err, out)
	}
	_, err = Read(ctx, empty, Options{})
	assertFormatError(t, err, ErrNoFrames, empty)

	_, err = Read(ctx, full, Options{Limits: Limits{MaxWidth: 32}})
	assertFormatError(t, err, ErrLimit, full)
	_, err = Read(ctx, full, Options{Limits: Limits{MaxFrames: 10}})
	assertFormatError(t, err, ErrLimit, full)
}

func TestFFmpegMissingTool(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.mp4")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{FFmpeg: filepath.Join(dir, "no-ffmpeg"), FFprobe: filepath.Join(dir, "no-ffprobe")}
	_, err := Read(ctx, path, opts)
	assertFormatError(t, err, ErrTool, path)
	err = Write(ctx, filepath.Join(dir, "y.mp4"), markedClip(t, 2, 2, 2, 24), opts)
	assertFormatError(t, err, ErrTool, "y.mp4")
	if FFmpegAvailable(opts) {
		t.Error("FFmpegAvailable with missing binaries")
	}
}

// TestFFmpegWriteFailureKeepsOldFile: when the encoder fails, the existing file is left as it
// was, no temporary file remains, and the error carries ffmpeg's complaint.
func TestFFmpegWriteFailureKeepsOldFile(t *testing.T) {
	requireFFmpeg(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.mp4")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(t.Context(), path, markedClip(t, 2, 4, 4, 24), Options{Preset: "no-such-preset"})
	assertFormatError(t, err, ErrTool, path)
	if !strings.Contains(err.Error(), "no-such-preset") {
		t.Errorf("error %q lacks ffmpeg's log", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "previous" {
		t.Errorf("old file now holds %q", got)
	}
	noTempFiles(t, dir, "keep.mp4")
}

func TestFFmpegCancel(t *testing.T) {
	requireFFmpeg(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "long.mp4")
	if err := Write(t.Context(), path, smoothClip(t, 120, 32, 32, 24, 6), Options{Preset: "ultrafast"}); err != nil {
		t.Fatal(err)
	}

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	_, err := Read(cancelled, path, Options{})
	assertFormatError(t, err, context.Canceled, path)
	err = Write(cancelled, filepath.Join(dir, "out.mp4"), markedClip(t, 4, 4, 4, 24), Options{})
	assertFormatError(t, err, context.Canceled, "out.mp4")
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancelled calls took %v", time.Since(start))
	}

	// Cancel in the middle of a stream: the next read fails and the process is gone.
	ctx, cancel := context.WithCancel(t.Context())
	r, err := OpenFFmpeg(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = r.Next()
	assertFormatError(t, err, context.Canceled, path)
	if r.cmd.ProcessState == nil {
		t.Error("ffmpeg was not reaped after cancellation")
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}

	// Closing early stops the decoder too.
	r, err = OpenFFmpeg(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if r.cmd.ProcessState == nil {
		t.Error("Close did not stop ffmpeg")
	}
	if _, err := r.Next(); err == nil || err == io.EOF {
		t.Errorf("Next after Close: %v", err)
	}
	noTempFiles(t, dir, "long.mp4")
}

func TestFFmpegStreamingReader(t *testing.T) {
	requireFFmpeg(t)
	path := filepath.Join(t.TempDir(), "marks.mp4")
	// Frames of distinct flat grey levels survive H.264 to within a few codes.
	c := markedClip(t, 6, 16, 16, 24)
	for i := range c.Pix {
		c.Pix[i] *= 40
	}
	if err := Write(t.Context(), path, c, Options{}); err != nil {
		t.Fatal(err)
	}
	r, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if info := r.Info(); info.Frames != 6 || info.Format != "ffmpeg" {
		t.Fatalf("info %+v", info)
	}
	for i := 0; ; i++ {
		f, err := r.Next()
		if err == io.EOF {
			if i != 6 {
				t.Fatalf("EOF after %d frames", i)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := int(f[len(f)/2]) - 40*i; d < -3 || d > 3 {
			t.Fatalf("frame %d has level %d, want %d", i, f[len(f)/2], 40*i)
		}
	}
}

// TestFFmpegVariableRateBecomesConstant: a source whose frames 0-4 are 1/24 s apart and
// frames 5-9 are 2/24 s apart (at 10/24, 12/24, ... 18/24) is read as a 24 fps clip of 19
// frames. Every source picture appears, in order, first at an index within one frame of
// its timestamp (ffmpeg's constant-rate rule rounds with a tolerance), and the gaps are
// filled by repeats.
func TestFFmpegVariableRateBecomesConstant(t *testing.T) {
	requireFFmpeg(t)
	path := filepath.Join(t.TempDir(), "vfr.mkv")
	cmd := exec.CommandContext(t.Context(), "ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=32x32:rate=24",
		"-frames:v", "10", "-vf", `setpts=N*(1+gte(N\,5))/24/TB`, "-y", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making a variable-rate file: %v\n%s", err, out)
	}
	c, err := Read(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Frames != 19 || c.FPS != 24 {
		t.Fatalf("read %v, want 19 frames at 24 fps", c)
	}
	var firsts []int // index where each distinct picture first appears
	for i := range c.Frames {
		if i == 0 || string(c.Frame(i)) != string(c.Frame(i-1)) {
			firsts = append(firsts, i)
		}
	}
	due := []int{0, 1, 2, 3, 4, 10, 12, 14, 16, 18} // source timestamps in 1/24 s
	if len(firsts) != len(due) {
		t.Fatalf("%d distinct pictures at %v, want %d", len(firsts), firsts, len(due))
	}
	for k, i := range firsts {
		if abs(i-due[k]) > 1 {
			t.Errorf("picture %d first shown at frame %d, due at %d", k, i, due[k])
		}
	}
}
