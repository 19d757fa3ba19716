package scene3d

import (
	"math"

	"github.com/wfm-platform/wfm/internal/noise"
)

// TextureKind names a procedural texture.
type TextureKind string

// Procedural textures. Each maps surface coordinates (u, v) in metres to a blend of the two
// colours A and B; all are chosen to give keypoint detectors many corners and blobs.
const (
	// Solid: colour A everywhere (used for markers).
	Solid TextureKind = "solid"
	// Checker: squares of side Scale alternating A and B.
	Checker TextureKind = "checker"
	// Noise: two-octave value noise (a lattice of hashed values with smoothstep
	// interpolation; Perlin, "An image synthesizer", SIGGRAPH 1985) of period Scale, contrast
	// stretched, blending A and B.
	Noise TextureKind = "noise"
	// Rects: one random axis-aligned rectangle per Scale-sized cell, B on A, with a
	// per-cell brightness jitter.
	Rects TextureKind = "rects"
	// Dots: one random disc per Scale-sized cell, B on A.
	Dots TextureKind = "dots"
)

// Texture is a procedural surface pattern. Colours are linear RGB in [0, 1]. Seed varies the
// random layout of Noise, Rects and Dots.
type Texture struct {
	Kind  TextureKind `json:"kind"`
	Scale float64     `json:"scale"`
	A     Vec3        `json:"a"`
	B     Vec3        `json:"b"`
	Seed  uint64      `json:"seed"`
}

func (t Texture) validate() error {
	switch t.Kind {
	case Solid, Checker, Noise, Rects, Dots:
	default:
		return paramErr("Texture", "kind", t.Kind, "unknown texture kind")
	}
	if t.Kind != Solid && (!finite(t.Scale) || t.Scale <= 0) {
		return paramErr("Texture", "scale", t.Scale, "must be positive and finite")
	}
	if !t.A.IsFinite() || !t.B.IsFinite() {
		return paramErr("Texture", "colour", [2]Vec3{t.A, t.B}, "must be finite")
	}
	return nil
}

// unit01 maps the 20 bits of h starting at bit shift to [0, 1).
func unit01(h uint64, shift uint) float64 {
	return float64((h>>shift)&(1<<20-1)) / (1 << 20)
}

func lerp(a, b Vec3, s float64) Vec3 { return a.Add(b.Sub(a).Scale(s)) }

// At returns the texture colour at surface coordinates (u, v).
func (t Texture) At(u, v float64) Vec3 {
	switch t.Kind {
	case Checker:
		iu, iv := int64(math.Floor(u/t.Scale)), int64(math.Floor(v/t.Scale))
		if (iu+iv)&1 == 0 {
			return t.A
		}
		return t.B
	case Noise:
		n := 0.65*noise.Value2(u/t.Scale, v/t.Scale, t.Seed) + 0.35*noise.Value2(2*u/t.Scale, 2*v/t.Scale, t.Seed+1)
		return lerp(t.A, t.B, math.Min(1, math.Max(0, (n-0.5)*3+0.5)))
	case Rects:
		fu, fv := math.Floor(u/t.Scale), math.Floor(v/t.Scale)
		h := noise.Hash2(int64(fu), int64(fv), t.Seed)
		lu, lv := u/t.Scale-fu, v/t.Scale-fv
		u0, u1 := 0.1+0.4*unit01(h, 0), 0.55+0.4*unit01(h, 20)
		h2 := noise.Hash2(int64(fu), int64(fv), t.Seed+13)
		v0, v1 := 0.1+0.4*unit01(h, 40), 0.55+0.4*unit01(h2, 0)
		jitter := 0.6 + 0.4*unit01(h2, 20)
		if lu >= u0 && lu <= u1 && lv >= v0 && lv <= v1 {
			return t.B.Scale(jitter)
		}
		return t.A.Scale(jitter)
	case Dots:
		fu, fv := math.Floor(u/t.Scale), math.Floor(v/t.Scale)
		h := noise.Hash2(int64(fu), int64(fv), t.Seed)
		cu, cv := 0.3+0.4*unit01(h, 0), 0.3+0.4*unit01(h, 20)
		r := 0.12 + 0.16*unit01(h, 40)
		du, dv := u/t.Scale-fu-cu, v/t.Scale-fv-cv
		if du*du+dv*dv <= r*r {
			return t.B
		}
		return t.A
	default:
		return t.A
	}
}
