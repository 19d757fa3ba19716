package curate

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// movingSquare is a textured 64x64 clip: a checkered square moving by (vx, vy) pixels per
// frame over a smooth gradient.
func movingSquare(t *testing.T, vx, vy int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(12, 64, 64, 16)
	if err != nil {
		t.Fatal(err)
	}
	for f := range c.Frames {
		for y := range 64 {
			for x := range 64 {
				g := uint8(60 + x + y)
				c.Set(f, y, x, g, g, 120)
				sx, sy := x-(16+vx*f), y-(16+vy*f)
				if sx >= 0 && sx < 20 && sy >= 0 && sy < 20 {
					v := uint8(30)
					if (sx/4+sy/4)%2 == 0 {
						v = 230
					}
					c.Set(f, y, x, v, 40, 40)
				}
			}
		}
	}
	return c
}

func TestMotion(t *testing.T) {
	still, _ := Motion(movingSquare(t, 0, 0))
	if still != 0 {
		t.Errorf("still clip motion %v", still)
	}
	m1, s1 := Motion(movingSquare(t, 1, 0))
	m2, _ := Motion(movingSquare(t, 2, 1))
	if !(m1 > 0 && m2 > m1) {
		t.Errorf("motion %v for 1 px/frame, %v for (2,1) px/frame", m1, m2)
	}
	if s1 != 0 {
		t.Errorf("steady object motion gave shakiness %v", s1)
	}
	// Shake the whole frame by up to 6 px every frame.
	c := movingSquare(t, 0, 0)
	shaky := shake(c, 6, rand.New(rand.NewPCG(1, 2)))
	if _, s := Motion(shaky); s < 3 {
		t.Errorf("shaken clip shakiness %v", s)
	}
	// A steady pan: every frame shifted one more pixel.
	pan := c.Clone()
	for f := range pan.Frames {
		for y := range 64 {
			for x := range 64 {
				r, g, b := c.At(f, y, min(63, x+f))
				pan.Set(f, y, x, r, g, b)
			}
		}
	}
	if _, s := Motion(pan); s > 0.5 {
		t.Errorf("steady pan shakiness %v", s)
	}
}

func TestQuality(t *testing.T) {
	sharp := movingSquare(t, 1, 0)
	blurred, _ := video.Resize(sharp, 8, 8, video.ResizeArea)
	blurred, _ = video.Resize(blurred, 64, 64, video.ResizeBilinear)
	s1, e1, _ := Quality(sharp)
	s2, _, _ := Quality(blurred)
	if !(s1 > 2*s2) || e1 < 0.9 {
		t.Errorf("sharpness %v (sharp) vs %v (blurred), exposure %v", s1, s2, e1)
	}
	dark := sharp.Clone()
	for i := range dark.Pix {
		dark.Pix[i] /= 16
	}
	if _, e, b := Quality(dark); e > 0.5 || b > 20 {
		t.Errorf("dark clip exposure %v brightness %v", e, b)
	}
}

func TestFilterStageDrops(t *testing.T) {
	cfg := FilterConfig{MotionMin: 0.01, ShakinessMax: 6, QualityMin: 0.3, MinSide: 32, MinSeconds: 0.5}
	tests := []struct {
		name   string
		clip   *video.Clip
		w      int
		reason string
	}{
		{"moving", movingSquare(t, 1, 0), 64, ""},
		{"static", movingSquare(t, 0, 0), 64, "static"},
		{"small source", movingSquare(t, 1, 0), 16, "too_small"},
		{"short", movingSquare(t, 1, 0).Slice(0, 4), 64, "too_short"},
	}
	for _, tc := range tests {
		it := &Item{Clip: tc.clip, SrcWidth: tc.w, SrcHeight: tc.w}
		if err := (FilterStage{Config: cfg}).Process(context.Background(), it); err != nil {
			t.Fatal(err)
		}
		got := ""
		if it.Drop != nil {
			got = it.Drop.Reason
		}
		if got != tc.reason || math.IsNaN(it.Scores.Quality) {
			t.Errorf("%s: dropped %q, want %q (scores %+v)", tc.name, got, tc.reason, it.Scores)
		}
	}
}
