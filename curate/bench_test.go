package curate

import (
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// benchClip is 48 frames of 64x64: three seconds at 16 fps.
func benchClip(b *testing.B) *video.Clip {
	c, err := video.NewClip(48, 64, 64, 16)
	if err != nil {
		b.Fatal(err)
	}
	for t := range c.Frames {
		for y := range 64 {
			for x := range 64 {
				v := uint8(40 + x + y)
				if (x-t)/6%2 == 0 && y > 20 && y < 40 {
					v = 230
				}
				c.Set(t, y, x, v, v/2, 255-v)
			}
		}
	}
	return c
}

// reportVideoSeconds reports the clip seconds analysed per second of one core.
func reportVideoSeconds(b *testing.B, c *video.Clip) {
	b.ReportMetric(float64(b.N)*float64(c.Frames)/c.FPS/b.Elapsed().Seconds(), "video-s/s")
}

func BenchmarkShotDetect(b *testing.B) {
	c, d := benchClip(b), DefaultShotDetector()
	for b.Loop() {
		d.Detect(c)
	}
	reportVideoSeconds(b, c)
}

func BenchmarkMotion(b *testing.B) {
	c := benchClip(b)
	for b.Loop() {
		Motion(c)
	}
	reportVideoSeconds(b, c)
}

func BenchmarkQuality(b *testing.B) {
	c := benchClip(b)
	for b.Loop() {
		Quality(c)
	}
	reportVideoSeconds(b, c)
}

func BenchmarkEmbed(b *testing.B) {
	c := benchClip(b)
	for b.Loop() {
		Embed(c)
	}
	reportVideoSeconds(b, c)
}
