package scene3d

import (
	"math"
	"testing"
)

func TestTextures(t *testing.T) {
	a, b := Vec3{X: 0.9, Y: 0.8, Z: 0.7}, Vec3{X: 0.1, Y: 0.2, Z: 0.05}
	// Checker of side 0.5: cell (0,0) is A, its neighbours in u and in v are B, the
	// diagonal is A again; negative coordinates continue the pattern through the floor().
	ch := Texture{Kind: Checker, Scale: 0.5, A: a, B: b}
	for _, c := range []struct {
		u, v float64
		want Vec3
	}{
		{0.25, 0.25, a}, {0.75, 0.25, b}, {0.25, 0.75, b}, {0.75, 0.75, a}, {-0.25, 0.25, b}, {-0.25, -0.25, a},
	} {
		if got := ch.At(c.u, c.v); got != c.want {
			t.Errorf("checker at (%g, %g) = %v, want %v", c.u, c.v, got, c.want)
		}
	}
	if got := (Texture{Kind: Solid, A: a}).At(3, -7); got != a {
		t.Errorf("solid = %v, want %v", got, a)
	}
	// Noise blends between A and B; dots pick exactly one of them; rects give A or B
	// dimmed by a factor in [0.6, 1]; and each texture uses both colours somewhere.
	rng := newTestRand(3)
	for _, kind := range []TextureKind{Noise, Dots, Rects} {
		tex := Texture{Kind: kind, Scale: 0.3, A: a, B: b, Seed: 99}
		var nearA, nearB int
		for range 4000 {
			u, v := 20*rng.Float64()-10, 20*rng.Float64()-10
			c := tex.At(u, v)
			if c != tex.At(u, v) {
				t.Fatalf("%s: not deterministic at (%g, %g)", kind, u, v)
			}
			switch kind {
			case Noise:
				for i, x := range [3]float64{c.X, c.Y, c.Z} {
					lo, hi := math.Min(comp(a, i), comp(b, i)), math.Max(comp(a, i), comp(b, i))
					if x < lo-1e-12 || x > hi+1e-12 {
						t.Fatalf("noise at (%g, %g) = %v, outside [B, A]", u, v, c)
					}
				}
			case Dots:
				if c != a && c != b {
					t.Fatalf("dots at (%g, %g) = %v, want A or B", u, v, c)
				}
			case Rects:
				if !dimmedOf(c, a) && !dimmedOf(c, b) {
					t.Fatalf("rects at (%g, %g) = %v, want A or B times [0.6, 1]", u, v, c)
				}
			}
			if c.Sub(a).Norm() < c.Sub(b).Norm() {
				nearA++
			} else {
				nearB++
			}
		}
		if nearA < 200 || nearB < 200 {
			t.Errorf("%s: %d samples near A, %d near B: one colour barely used", kind, nearA, nearB)
		}
	}
}

func comp(v Vec3, i int) float64 { return [3]float64{v.X, v.Y, v.Z}[i] }

// dimmedOf reports whether c = s*base for some s in [0.6, 1].
func dimmedOf(c, base Vec3) bool {
	s := c.X / base.X
	return s >= 0.6-1e-12 && s <= 1+1e-12 && c.Sub(base.Scale(s)).Norm() < 1e-12
}
