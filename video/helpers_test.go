package video

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smoothClip is a seeded synthetic scene: a diagonal colour gradient drifting over time and a
// soft-edged disc moving across it. It is smooth enough that lossy codecs do well on it.
func smoothClip(tb testing.TB, frames, height, width int, fps float64, seed uint64) *Clip {
	tb.Helper()
	c, err := NewClip(frames, height, width, fps)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	phase := rng.Float64() * 2 * math.Pi
	cx, cy := rng.Float64()*float64(width), rng.Float64()*float64(height)
	vx, vy := rng.Float64()*2-1, rng.Float64()*2-1
	radius := float64(min(width, height)) / 4
	for t := range frames {
		dx, dy := cx+vx*float64(t), cy+vy*float64(t)
		for y := range height {
			for x := range width {
				u, v := float64(x)/float64(width), float64(y)/float64(height)
				r := 128 + 100*math.Sin(2*math.Pi*u+phase+0.1*float64(t))
				g := 40 + 170*v
				b := 128 + 90*math.Cos(2*math.Pi*(u+v)/2-0.05*float64(t))
				// Disc with a soft linear edge, half a radius wide.
				d := math.Hypot(float64(x)-dx, float64(y)-dy)
				a := math.Min(1, math.Max(0, (radius-d)/(radius/2)))
				r, g, b = r*(1-a)+250*a, g*(1-a)+230*a, b*(1-a)+40*a
				c.Set(t, y, x, uint8(math.Round(r)), uint8(math.Round(g)), uint8(math.Round(b)))
			}
		}
	}
	return c
}

// noiseClip is seeded uniform noise: the worst case for lossy codecs and a good check that
// lossless ones keep every sample.
func noiseClip(tb testing.TB, frames, height, width int, fps float64, seed uint64) *Clip {
	tb.Helper()
	c, err := NewClip(frames, height, width, fps)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := range c.Pix {
		c.Pix[i] = uint8(rng.UintN(256))
	}
	return c
}

// markedClip has frame t filled with the value t, so tests can see which frame ended where.
func markedClip(tb testing.TB, frames, height, width int, fps float64) *Clip {
	tb.Helper()
	c, err := NewClip(frames, height, width, fps)
	if err != nil {
		tb.Fatal(err)
	}
	for t := range frames {
		f := c.Frame(t)
		for i := range f {
			f[i] = uint8(t)
		}
	}
	return c
}

// frameMarks returns the value of the first sample of each frame.
func frameMarks(c *Clip) []int {
	m := make([]int, c.Frames)
	for t := range m {
		m[t] = int(c.Frame(t)[0])
	}
	return m
}

// mustPSNR is PSNR that fails the test on error.
func mustPSNR(tb testing.TB, a, b *Clip) float64 {
	tb.Helper()
	p, err := psnr(a, b)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// assertFormatError checks that err is a *FormatError of the given kind naming path.
func assertFormatError(tb testing.TB, err error, kind error, path string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %v", kind)
	}
	var fe *FormatError
	if !errors.As(err, &fe) {
		tb.Fatalf("error %q (%T) is not a *FormatError", err, err)
	}
	if kind != nil && !errors.Is(err, kind) {
		tb.Fatalf("error %q is not %v", err, kind)
	}
	if !strings.Contains(err.Error(), path) {
		tb.Fatalf("error %q does not name %s", err, path)
	}
}

// requireFFmpeg skips the test when ffmpeg or ffprobe is missing.
func requireFFmpeg(tb testing.TB) {
	tb.Helper()
	if !FFmpegAvailable(Options{}) {
		tb.Skip("ffmpeg and ffprobe are not on PATH; install ffmpeg to run this test")
	}
}

// noTempFiles fails if dir holds files other than the named ones (atomic writes must clean up).
func noTempFiles(tb testing.TB, dir string, want ...string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		tb.Fatalf("%s holds %v, want %v", filepath.Base(dir), got, want)
	}
}
