package quality

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// goldenClip is the deterministic clip of testdata/ssim_golden.py: variant 0 is a pattern,
// variant v > 0 the pattern plus v times a bounded ramp noise, clipped to [0, 255].
func goldenClip(t *testing.T, frames, h, w, variant int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, h, w, 16)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		for y := range h {
			for x := range w {
				var px [3]uint8
				for ch := range 3 {
					a := (x*7 + y*13 + f*29 + ch*31 + ((x*y)%17)*5) % 256
					if variant > 0 {
						a += variant * (((x*3 + y*5 + f*7 + ch*11) % 23) - 11)
					}
					px[ch] = uint8(min(255, max(0, a)))
				}
				c.Set(f, y, x, px[0], px[1], px[2])
			}
		}
	}
	return c
}

// clipSSIM is the mean over frames of the RGB SSIM of two clips.
func clipSSIM(a, b *video.Clip) (float64, error) {
	_, mean, err := SSIM(*a, *b, Options{})
	return mean, err
}

// TestClipSSIMMatchesScikitImage holds the clip mean of SSIM to testdata/ssim_golden.json.
func TestClipSSIMMatchesScikitImage(t *testing.T) {
	data, err := os.ReadFile("testdata/ssim_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Frames, Height, Width, Variant int
		SSIM                           float64
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		a := goldenClip(t, tc.Frames, tc.Height, tc.Width, 0)
		b := goldenClip(t, tc.Frames, tc.Height, tc.Width, tc.Variant)
		got, err := clipSSIM(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.SSIM) > 1e-9 {
			t.Errorf("%dx%dx%d variant %d: SSIM %.12f, scikit-image %.12f", tc.Frames, tc.Height, tc.Width, tc.Variant, got, tc.SSIM)
		}
	}
}

func TestClipSSIMProperties(t *testing.T) {
	a := goldenClip(t, 2, 16, 16, 0)
	b := goldenClip(t, 2, 16, 16, 3)
	if s, err := clipSSIM(a, a); err != nil || math.Abs(s-1) > 1e-12 {
		t.Errorf("SSIM(a, a) = %v, %v; want 1", s, err)
	}
	ab, _ := clipSSIM(a, b)
	ba, _ := clipSSIM(b, a)
	if math.Abs(ab-ba) > 1e-12 || ab >= 1 || ab <= 0 {
		t.Errorf("SSIM(a, b) = %v, SSIM(b, a) = %v: want equal, in (0, 1)", ab, ba)
	}
	if _, err := clipSSIM(a, goldenClip(t, 2, 16, 12, 0)); err == nil {
		t.Error("SSIM of different sizes: no error")
	}
	if _, err := clipSSIM(goldenClip(t, 1, 10, 16, 0), goldenClip(t, 1, 10, 16, 0)); err == nil {
		t.Error("SSIM of 10-row frames (smaller than the window): no error")
	}
}

func TestPooledPSNR(t *testing.T) {
	a, _ := video.NewClip(2, 3, 4, 24)
	b, _ := video.NewClip(2, 3, 4, 24)
	mustPooled := func() float64 {
		t.Helper()
		p, err := PooledPSNR(a, b)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := mustPooled(); !math.IsInf(p, 1) {
		t.Fatalf("PSNR of identical clips = %v, want +Inf", p)
	}
	// Every sample off by 10: MSE = 100, PSNR = 10*log10(255^2/100).
	for i := range b.Pix {
		b.Pix[i] = 10
	}
	want := 10 * math.Log10(255*255/100.0)
	if p := mustPooled(); math.Abs(p-want) > 1e-9 {
		t.Fatalf("PSNR = %v, want %v", p, want)
	}
	// Pooled over pairs: the same pair twice measures the same.
	var e SquaredError
	for range 2 {
		if err := e.Add(a, b); err != nil {
			t.Fatal(err)
		}
	}
	if p := e.PSNR(); math.Abs(p-want) > 1e-9 || e.Samples != 2*len(a.Pix) {
		t.Fatalf("pooled twice: PSNR %v over %d samples, want %v over %d", p, e.Samples, want, 2*len(a.Pix))
	}
	// Half the samples off by 255: MSE = 255^2/2, PSNR = 10*log10(2).
	for i := range b.Pix {
		b.Pix[i] = uint8(255 * (i % 2))
	}
	if p := mustPooled(); math.Abs(p-10*math.Log10(2)) > 1e-9 {
		t.Fatalf("PSNR = %v, want %v", p, 10*math.Log10(2))
	}
	c, _ := video.NewClip(2, 3, 5, 24)
	if _, err := PooledPSNR(a, c); err == nil {
		t.Fatal("PSNR of different sizes gave no error")
	}
	if _, err := PooledPSNR(a, nil); err == nil {
		t.Fatal("PSNR of a nil clip gave no error")
	}
}
