package tokenizer

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

func TestSSIMMatchesScikitImage(t *testing.T) {
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
		got, err := SSIM(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.SSIM) > 1e-9 {
			t.Errorf("%dx%dx%d variant %d: SSIM %.12f, scikit-image %.12f", tc.Frames, tc.Height, tc.Width, tc.Variant, got, tc.SSIM)
		}
	}
}

func TestSSIMProperties(t *testing.T) {
	a := goldenClip(t, 2, 16, 16, 0)
	b := goldenClip(t, 2, 16, 16, 3)
	if s, err := SSIM(a, a); err != nil || math.Abs(s-1) > 1e-12 {
		t.Errorf("SSIM(a, a) = %v, %v; want 1", s, err)
	}
	ab, _ := SSIM(a, b)
	ba, _ := SSIM(b, a)
	if math.Abs(ab-ba) > 1e-12 || ab >= 1 || ab <= 0 {
		t.Errorf("SSIM(a, b) = %v, SSIM(b, a) = %v: want equal, in (0, 1)", ab, ba)
	}
	if _, err := SSIM(a, goldenClip(t, 2, 16, 12, 0)); err == nil {
		t.Error("SSIM of different sizes: no error")
	}
	if _, err := SSIM(goldenClip(t, 1, 10, 16, 0), goldenClip(t, 1, 10, 16, 0)); err == nil {
		t.Error("SSIM of 10-row frames (smaller than the window): no error")
	}
}

func TestMeasure(t *testing.T) {
	a := goldenClip(t, 2, 16, 16, 0)
	b := goldenClip(t, 2, 16, 16, 2)
	q, err := Measure([]*video.Clip{a}, []*video.Clip{b})
	if err != nil {
		t.Fatal(err)
	}
	psnr, _ := video.PSNR(a, b)
	ssim, _ := SSIM(a, b)
	if math.Abs(q.PSNR-psnr) > 1e-9 || q.SSIM != ssim {
		t.Errorf("Measure = %+v, want PSNR %v SSIM %v", q, psnr, ssim)
	}
	// Pooled over clips: the same pair twice measures the same.
	q2, err := Measure([]*video.Clip{a, a}, []*video.Clip{b, b})
	if err != nil || math.Abs(q2.PSNR-q.PSNR) > 1e-9 || math.Abs(q2.SSIM-q.SSIM) > 1e-12 {
		t.Errorf("Measure of the pair twice = %+v, %v; want %+v", q2, err, q)
	}
	if q, _ := Measure([]*video.Clip{a}, []*video.Clip{a}); !math.IsInf(q.PSNR, 1) {
		t.Errorf("identical clips: PSNR %v, want +Inf", q.PSNR)
	}
	if _, err := Measure([]*video.Clip{a}, nil); err == nil {
		t.Error("Measure with a missing reconstruction: no error")
	}
}
