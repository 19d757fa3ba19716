package video

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func encodeY4M(tb testing.TB, c *Clip, opts Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := EncodeY4M(&buf, c, opts); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestY4MPlanesRoundTripExactly: the container itself is lossless, for every layout and for
// odd sizes (where chroma planes round up).
func TestY4MPlanesRoundTripExactly(t *testing.T) {
	for _, chroma := range []Chroma{Chroma444, Chroma422, Chroma420jpeg, ChromaMono} {
		for _, size := range [][2]int{{8, 6}, {7, 5}, {1, 1}} {
			w, h := size[0], size[1]
			hdr := Y4MHeader{Width: w, Height: h, FPSNum: 30000, FPSDen: 1001, Chroma: chroma, Range: RangeLimited}
			luma, ch := hdr.planeSizes()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(len(chroma))))
			var frames [][3][]uint8
			var buf bytes.Buffer
			yw, err := NewY4MWriter(&buf, hdr)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				var p [3][]uint8
				for k, n := range []int{luma, ch, ch} {
					p[k] = make([]uint8, n)
					for i := range p[k] {
						p[k][i] = uint8(rng.UintN(256))
					}
				}
				frames = append(frames, p)
				if err := yw.WriteYUV(p[0], p[1], p[2]); err != nil {
					t.Fatal(err)
				}
			}
			if err := yw.Flush(); err != nil {
				t.Fatal(err)
			}
			yr, err := NewY4MReader(&buf, "mem", Limits{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := yr.Header(); got != hdr {
				t.Fatalf("header %+v, want %+v", got, hdr)
			}
			for i, want := range frames {
				y, cb, cr, err := yr.NextYUV()
				if err != nil {
					t.Fatalf("%s %dx%d frame %d: %v", chroma, w, h, i, err)
				}
				if !bytes.Equal(y, want[0]) || !bytes.Equal(cb, want[1]) || !bytes.Equal(cr, want[2]) {
					t.Fatalf("%s %dx%d frame %d: planes differ", chroma, w, h, i)
				}
			}
			if _, _, _, err := yr.NextYUV(); err != io.EOF {
				t.Fatalf("%s: after the last frame got %v, want io.EOF", chroma, err)
			}
		}
	}
}

// TestY4MRGBRoundTrip bounds the RGB loss of each layout on a smooth clip. 4:4:4 only loses
// Y'CbCr rounding: at most 1 code per channel in full range and 2 in limited range (see
// TestYUV444RoundTripError), so PSNR >= 10*log10(255^2/1) = 48.1 dB and
// 10*log10(255^2/4) = 42.1 dB. 4:2:2 and 4:2:0 also lose chroma detail, which depends on the
// content; their floors sit a few dB under what this clip measured (34.7 and 31.7 dB) and
// far above what a wrong conversion gives (swapped Cb and Cr: under 20 dB).
func TestY4MRGBRoundTrip(t *testing.T) {
	c := smoothClip(t, 4, 24, 33, 25, 5)
	tests := []struct {
		chroma  Chroma
		rng     ColorRange
		minPSNR float64
	}{
		{Chroma444, RangeFull, 48.1},
		{Chroma444, RangeLimited, 42.1},
		{Chroma422, RangeFull, 31},
		{Chroma420jpeg, RangeFull, 28},
		{Chroma420jpeg, RangeLimited, 28},
	}
	for _, tt := range tests {
		data := encodeY4M(t, c, Options{Y4MChroma: tt.chroma, Y4MRange: tt.rng})
		d, err := DecodeY4M(bytes.NewReader(data), "mem", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.FPS != 25 || !d.SameSize(c) {
			t.Fatalf("%s: read %v, wrote %v", tt.chroma, d, c)
		}
		p := mustPSNR(t, c, d)
		t.Logf("C%s %s range: PSNR %.2f dB", tt.chroma, tt.rng, p)
		if p < tt.minPSNR {
			t.Errorf("C%s %s range: PSNR %.2f dB < %.1f", tt.chroma, tt.rng, p, tt.minPSNR)
		}
	}
}

func TestY4MMonoIsGrey(t *testing.T) {
	c := smoothClip(t, 2, 6, 6, 24, 1)
	d, err := DecodeY4M(bytes.NewReader(encodeY4M(t, c, Options{Y4MChroma: ChromaMono})), "mem", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(d.Pix); i += 3 {
		if d.Pix[i] != d.Pix[i+1] || d.Pix[i] != d.Pix[i+2] {
			t.Fatalf("mono pixel %d is %v", i/3, d.Pix[i:i+3])
		}
	}
}

func TestY4MHeaders(t *testing.T) {
	tests := []struct {
		header string
		want   Y4MHeader // compared when err is nil
		fps    float64
		err    error
	}{
		{"YUV4MPEG2 W4 H2 F30000:1001 Ip A1:1 C420jpeg XYSCSS=420JPEG", Y4MHeader{4, 2, 30000, 1001, Chroma420jpeg, RangeLimited}, 30000.0 / 1001, nil},
		{"YUV4MPEG2 W4 H2 F25:1 C444 XCOLORRANGE=FULL", Y4MHeader{4, 2, 25, 1, Chroma444, RangeFull}, 25, nil},
		{"YUV4MPEG2 W4 H2", Y4MHeader{4, 2, 0, 0, Chroma420jpeg, RangeLimited}, DefaultFPS, nil},
		{"YUV4MPEG2 W4  H2 F0:0 Cmono Zunknown", Y4MHeader{4, 2, 0, 0, ChromaMono, RangeLimited}, DefaultFPS, nil},
		{"YUV4MPEG2 W4 H2 C420mpeg2 XCOLORRANGE=LIMITED", Y4MHeader{4, 2, 0, 0, Chroma420mpeg2, RangeLimited}, DefaultFPS, nil},
		{"YUV4MPEG W4 H2", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 W0 H2", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 W-4 H2", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 Wabc H2", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 W4", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 W4 H2 F30", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 W1234567890 H2", Y4MHeader{}, 0, ErrMalformed},
		{"YUV4MPEG2 W4 H2 C420p10", Y4MHeader{}, 0, ErrUnsupported},
		{"YUV4MPEG2 W9000 H2", Y4MHeader{}, 0, ErrLimit},
		{"YUV4MPEG2 W4 H2 X" + strings.Repeat("a", y4mMaxLine), Y4MHeader{}, 0, ErrMalformed},
		{"YUV4M", Y4MHeader{}, 0, ErrTruncated},
	}
	for _, tt := range tests {
		in := tt.header + "\n"
		if tt.err == ErrTruncated {
			in = tt.header
		}
		r, err := NewY4MReader(strings.NewReader(in), "hdr.y4m", Limits{}, 0)
		if tt.err != nil {
			assertFormatError(t, err, tt.err, "hdr.y4m")
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.header, err)
			continue
		}
		if r.Header() != tt.want || r.Info().FPS != tt.fps {
			t.Errorf("%q: header %+v at %v fps, want %+v at %v", tt.header, r.Header(), r.Info().FPS, tt.want, tt.fps)
		}
	}
}

func TestY4MFrameHeaders(t *testing.T) {
	const hdr = "YUV4MPEG2 W2 H1 C444\n"
	tests := []struct {
		stream string
		frames int
		err    error
	}{
		{hdr + "FRAME\nabcdef", 1, nil},
		{hdr + "FRAME Ip XFOO=1\nabcdefFRAME\nabcdef", 2, nil},
		{hdr, 0, ErrNoFrames},
		{hdr + "FRAMEX\nabcdef", 0, ErrMalformed},
		{hdr + "frame\nabcdef", 0, ErrMalformed},
		{hdr + "FRAME\nabc", 0, ErrTruncated},
		{hdr + "FRAME\nabcdefFRA", 0, ErrTruncated},
	}
	for _, tt := range tests {
		c, err := DecodeY4M(strings.NewReader(tt.stream), "f.y4m", Options{})
		if tt.err != nil {
			assertFormatError(t, err, tt.err, "f.y4m")
			continue
		}
		if err != nil || c.Frames != tt.frames {
			t.Errorf("%q: %v frames, error %v", tt.stream, c, err)
		}
	}
}

// TestY4MHugeHeaderRejectedBeforeAllocating: a 16k x 16k header must fail on the default
// limit without allocating its 768 MiB frame, and even with the limit raised, a stream that
// does not carry the data must not make the reader allocate it.
func TestY4MHugeHeaderRejectedBeforeAllocating(t *testing.T) {
	stream := "YUV4MPEG2 W16384 H16384 F30:1 C444\nFRAME\n" + strings.Repeat("x", 1000)
	allocated := func(f func()) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	var err error
	n := allocated(func() { _, err = DecodeY4M(strings.NewReader(stream), "huge.y4m", Options{}) })
	assertFormatError(t, err, ErrLimit, "huge.y4m")
	if !strings.Contains(err.Error(), "16384x16384") {
		t.Errorf("error %q does not say the size", err)
	}
	if n > 1<<20 {
		t.Errorf("rejecting the header allocated %d bytes", n)
	}
	big := Limits{MaxWidth: 16384, MaxHeight: 16384}
	n = allocated(func() { _, err = DecodeY4M(strings.NewReader(stream), "huge.y4m", Options{Limits: big}) })
	assertFormatError(t, err, ErrTruncated, "huge.y4m")
	if n > 8<<20 {
		t.Errorf("a 1000-byte frame allocated %d bytes", n)
	}
}

func TestY4MFrameLimit(t *testing.T) {
	data := encodeY4M(t, markedClip(t, 10, 4, 4, 24), Options{})
	_, err := DecodeY4M(bytes.NewReader(data), "many.y4m", Options{Limits: Limits{MaxFrames: 9}})
	assertFormatError(t, err, ErrLimit, "many.y4m")
	_, err = DecodeY4M(bytes.NewReader(data), "many.y4m", Options{Limits: Limits{MaxBytes: 9*4*4*3 + 1}})
	assertFormatError(t, err, ErrLimit, "many.y4m")
	if c, err := DecodeY4M(bytes.NewReader(data), "many.y4m", Options{Limits: Limits{MaxFrames: 10}}); err != nil || c.Frames != 10 {
		t.Fatalf("10 frames within a limit of 10: %v, %v", c, err)
	}
}

func TestY4MFileErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	good := filepath.Join(dir, "good.y4m")
	if err := Write(ctx, good, smoothClip(t, 6, 16, 16, 24, 3), Options{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(dir, "half.y4m")
	text := filepath.Join(dir, "text.y4m")
	empty := filepath.Join(dir, "empty.y4m")
	for name, content := range map[string][]byte{half: data[:len(data)/2], text: []byte("hello, world\n"), empty: nil} {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path string
		kind error
	}{
		{filepath.Join(dir, "missing.y4m"), os.ErrNotExist},
		{half, ErrTruncated},
		{text, ErrMalformed},
		{empty, ErrTruncated},
	}
	for _, tt := range tests {
		_, err := Read(ctx, tt.path, Options{})
		assertFormatError(t, err, tt.kind, tt.path)
	}
}

// TestY4MInteropWithFFmpeg checks the colour conversion against ffmpeg's: a Y4M we write
// (4:4:4 full range, tagged XCOLORRANGE=FULL) converted to RGB by ffmpeg, and a 4:2:0 Y4M
// written by ffmpeg and read by us, compared with ffmpeg's own RGB decoding of it. The
// 4:2:0 bound is looser because ffmpeg interpolates chroma where we repeat it.
func TestY4MInteropWithFFmpeg(t *testing.T) {
	requireFFmpeg(t)
	dir := t.TempDir()
	ctx := t.Context()
	c := smoothClip(t, 3, 32, 48, 24, 9)
	ours := filepath.Join(dir, "ours.y4m")
	if err := Write(ctx, ours, c, Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := ffmpegRGB(t, ours, c.Frames, c.Height, c.Width)
	if err != nil {
		t.Fatal(err)
	}
	p := mustPSNR(t, c, d)
	t.Logf("our 4:4:4 Y4M decoded by ffmpeg: PSNR %.2f dB", p)
	if p < 45 {
		t.Errorf("PSNR %.2f dB < 45: colour conversions disagree", p)
	}

	theirs := filepath.Join(dir, "theirs.y4m")
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=48x32:rate=24",
		"-frames:v", "3", "-pix_fmt", "yuv420p", "-y", theirs)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	got, err := Read(ctx, theirs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ffmpegRGB(t, theirs, 3, 32, 48)
	if err != nil {
		t.Fatal(err)
	}
	p = mustPSNR(t, ref, got)
	t.Logf("ffmpeg's 4:2:0 Y4M decoded by us vs by ffmpeg: PSNR %.2f dB", p)
	if p < 25 {
		t.Errorf("PSNR %.2f dB < 25", p)
	}
}

// ffmpegRGB decodes path to rgb24 with the ffmpeg command line, independently of this package.
func ffmpegRGB(tb testing.TB, path string, frames, height, width int) (*Clip, error) {
	tb.Helper()
	out, err := exec.CommandContext(tb.Context(), "ffmpeg", "-nostdin", "-v", "error", "-i", path,
		"-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1").Output()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	return FromPixels(out, frames, height, width, 24)
}

func TestY4MWriterRejectsBadInput(t *testing.T) {
	if _, err := NewY4MWriter(io.Discard, Y4MHeader{Width: 2, Height: 2, FPSNum: 1, FPSDen: 1, Chroma: Chroma420paldv}); err == nil {
		t.Error("wrote C420paldv")
	}
	if _, err := NewY4MWriter(io.Discard, Y4MHeader{Width: 2, Height: 2}); err == nil {
		t.Error("wrote a header without a frame rate")
	}
	yw, err := NewY4MWriter(io.Discard, Y4MHeader{Width: 2, Height: 2, FPSNum: 1, FPSDen: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := yw.WriteRGB(make([]uint8, 11)); err == nil {
		t.Error("WriteRGB accepted a short frame")
	}
	if err := yw.WriteYUV(make([]uint8, 4), make([]uint8, 1), make([]uint8, 1)); err == nil {
		t.Error("WriteYUV accepted 4:2:0 planes for a 4:4:4 stream")
	}
}
