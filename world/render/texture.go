package render

import "math"

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
		return valueNoise(x/scale, y/scale, seed)
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

// valueNoise is lattice value noise (Perlin, "An image synthesizer", SIGGRAPH 1985, with
// random values instead of gradients) with smoothstep interpolation, in [0, 1].
func valueNoise(x, y float64, seed uint64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int64(fx), int64(fy)
	tx, ty := smooth(x-fx), smooth(y-fy)
	v00 := lattice(ix, iy, seed)
	v10 := lattice(ix+1, iy, seed)
	v01 := lattice(ix, iy+1, seed)
	v11 := lattice(ix+1, iy+1, seed)
	top := v00 + (v10-v00)*tx
	bot := v01 + (v11-v01)*tx
	return top + (bot-top)*ty
}

// lattice hashes a lattice point to [0, 1) with the SplitMix64 finaliser (Steele, Lea and
// Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
func lattice(ix, iy int64, seed uint64) float64 {
	z := uint64(ix)*0x9E3779B97F4A7C15 ^ uint64(iy)*0xC2B2AE3D27D4EB4F ^ seed
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

func smooth(t float64) float64 { return t * t * (3 - 2*t) }

func clamp01(v float64) float64 {
	if v > 1 {
		return 1
	}
	if v > 0 {
		return v
	}
	return 0
}
