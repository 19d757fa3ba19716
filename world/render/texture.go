package render

import (
	"math"

	"github.com/wfm-platform/wfm/internal/noise"
)

// patternWeight is how much of the pattern colour a texture shows at (x, y) (metres in the
// texture's frame), in [0, 1]. aa is the pixel size in texture periods; hard pattern edges are
// blurred over one pixel so stripes and checkers do not alias.
func patternWeight(kind TextureKind, x, y, scale, aa float64, seed uint64) float64 {
	switch kind {
	case Stripes:
		return stripe(x/scale, aa)
	case Checker:
		// XOR of two stripe patterns, extended to fractional coverage.
		a, b := stripe(x/scale, aa), stripe(y/scale, aa)
		return a + b - 2*a*b
	case Noise:
		return noise.Value2(x/scale, y/scale, seed)
	}
	return 0
}

// stripe is 1 on the first half of each unit period of u and 0 on the second, with a linear
// ramp one pixel (aa periods) wide across each boundary.
func stripe(u, aa float64) float64 {
	f := u - math.Floor(u)
	var g float64 // signed distance to the nearest boundary, positive inside the band
	if f < 0.5 {
		g = fmin(f, 0.5-f)
	} else {
		g = -fmin(f-0.5, 1-f)
	}
	return clamp01(0.5 + g/aa)
}

func clamp01(v float64) float64 {
	if v > 1 {
		return 1
	}
	if v > 0 {
		return v
	}
	return 0
}

// smooth is the smoothstep ease 3t² - 2t³ on [0, 1].
func smooth(t float64) float64 { return t * t * (3 - 2*t) }
