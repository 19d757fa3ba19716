// Package noise is the seeded lattice hash and 2-D value noise that the procedural textures of
// the synthetic worlds (world/render, world/scene3d) share.
package noise

import "math"

// Hash2 mixes a lattice cell and a seed into 64 random bits with the SplitMix64 finaliser
// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
func Hash2(ix, iy int64, seed uint64) uint64 {
	z := seed ^ uint64(ix)*0x9E3779B97F4A7C15 ^ uint64(iy)*0xC2B2AE3D27D4EB4F
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Unit maps the top 53 bits of h to [0, 1).
func Unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// Value2 is lattice value noise (Perlin, "An image synthesizer", SIGGRAPH 1985, with random
// values instead of gradients) with smoothstep interpolation, in [0, 1).
func Value2(x, y float64, seed uint64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int64(fx), int64(fy)
	tx, ty := smooth(x-fx), smooth(y-fy)
	v00 := Unit(Hash2(ix, iy, seed))
	v10 := Unit(Hash2(ix+1, iy, seed))
	v01 := Unit(Hash2(ix, iy+1, seed))
	v11 := Unit(Hash2(ix+1, iy+1, seed))
	top := v00 + (v10-v00)*tx
	bot := v01 + (v11-v01)*tx
	return top + (bot-top)*ty
}

func smooth(t float64) float64 { return t * t * (3 - 2*t) }
