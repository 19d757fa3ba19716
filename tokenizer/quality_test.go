package tokenizer

import (
	"math"
	"testing"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// rampClip is a deterministic patterned clip; variant v > 0 adds v times a bounded ramp noise.
func rampClip(t *testing.T, frames, h, w, variant int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, h, w, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Pix {
		a := (i*7 + (i/3)%17*5) % 256
		if variant > 0 {
			a += variant * ((i % 23) - 11)
		}
		c.Pix[i] = uint8(min(255, max(0, a)))
	}
	return c
}

func TestMeasure(t *testing.T) {
	a := rampClip(t, 2, 16, 16, 0)
	b := rampClip(t, 2, 16, 16, 2)
	q, err := Measure([]*video.Clip{a}, []*video.Clip{b})
	if err != nil {
		t.Fatal(err)
	}
	psnr, _ := quality.PooledPSNR(a, b)
	_, ssim, _ := quality.SSIM(*a, *b, quality.Options{})
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
	if _, err := Measure([]*video.Clip{a}, []*video.Clip{rampClip(t, 2, 16, 12, 0)}); err == nil {
		t.Error("Measure of different sizes: no error")
	}
}
