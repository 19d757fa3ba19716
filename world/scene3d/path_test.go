package scene3d

import (
	"errors"
	"math"
	"testing"
)

// rotationAngle is the angle of the relative rotation a b^T, from trace = 1 + 2 cos(angle).
func rotationAngle(a, b Mat3) float64 {
	r := a.Mul(b.T())
	c := (r[0][0] + r[1][1] + r[2][2] - 1) / 2
	return math.Acos(math.Max(-1, math.Min(1, c)))
}

func TestPathsAreSmoothRotations(t *testing.T) {
	const n = 31
	cases := []struct {
		name string
		path Path
		// Bounds on one step, derived from the path: orbit chord 2R sin(step/2) with
		// R = hypot(radius, height) bounding the 3-D radius; dolly length/(n-1); pan none.
		maxMove, maxTurn float64
		first, last      Vec3
	}{
		{
			name:    "orbit",
			path:    Orbit{Target: Vec3{X: 0, Y: 0.5, Z: 0}, Radius: 4, Height: 1, StartDeg: 10, SweepDeg: 120},
			maxMove: 2 * 4 * math.Sin(deg(120.0/(n-1))/2) * 1.0001, maxTurn: deg(120.0/(n-1)) * 1.0001,
			first: Vec3{X: 4 * math.Sin(deg(10)), Y: 1.5, Z: 4 * math.Cos(deg(10))},
			last:  Vec3{X: 4 * math.Sin(deg(130)), Y: 1.5, Z: 4 * math.Cos(deg(130))},
		},
		{
			name:    "dolly",
			path:    Dolly{From: Vec3{X: 0, Y: 1, Z: 6}, To: Vec3{X: 0, Y: 1, Z: 3}},
			maxMove: 3.0 / (n - 1) * 1.0001, maxTurn: 1e-9,
			first: Vec3{X: 0, Y: 1, Z: 6}, last: Vec3{X: 0, Y: 1, Z: 3},
		},
		{
			name:    "pan",
			path:    Pan{Eye: Vec3{X: 1, Y: 1.6, Z: 2}, StartDeg: -30, SweepDeg: 60, PitchDeg: -10},
			maxMove: 1e-9, maxTurn: deg(60.0/(n-1)) * 1.0001,
			first: Vec3{X: 1, Y: 1.6, Z: 2}, last: Vec3{X: 1, Y: 1.6, Z: 2},
		},
	}
	for _, c := range cases {
		poses, err := c.path.Poses(n)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(poses) != n {
			t.Fatalf("%s: %d poses, want %d", c.name, len(poses), n)
		}
		for i, p := range poses {
			if !p.R.IsRotation(1e-12) {
				t.Fatalf("%s: frame %d: R is not a rotation: %v", c.name, i, p.R)
			}
			if i == 0 {
				continue
			}
			move := p.Center().Sub(poses[i-1].Center()).Norm()
			turn := rotationAngle(p.R, poses[i-1].R)
			if move > c.maxMove+1e-12 || turn > c.maxTurn+1e-9 {
				t.Errorf("%s: step %d moves %g m (max %g) and turns %g rad (max %g)", c.name, i, move, c.maxMove, turn, c.maxTurn)
			}
		}
		if d := poses[0].Center().Sub(c.first).Norm(); d > 1e-12 {
			t.Errorf("%s: first centre %v, want %v", c.name, poses[0].Center(), c.first)
		}
		if d := poses[n-1].Center().Sub(c.last).Norm(); d > 1e-12 {
			t.Errorf("%s: last centre %v, want %v", c.name, poses[n-1].Center(), c.last)
		}
	}
}

func TestPanPitchAndYaw(t *testing.T) {
	// Yaw 90 turns the -Z view towards -X (right-handed about +Y); pitch +20 looks up.
	poses, err := Pan{Eye: Vec3{}, StartDeg: 90, PitchDeg: 20}.Poses(1)
	if err != nil {
		t.Fatal(err)
	}
	fwd := Vec3{X: poses[0].R[2][0], Y: poses[0].R[2][1], Z: poses[0].R[2][2]}
	want := Vec3{X: -math.Cos(deg(20)), Y: math.Sin(deg(20)), Z: 0}
	if fwd.Sub(want).Norm() > 1e-12 {
		t.Errorf("forward axis %v, want %v", fwd, want)
	}
}

func TestPathsRejectBadInput(t *testing.T) {
	cases := []struct {
		name   string
		path   Path
		frames int
	}{
		{"zero frames", Orbit{Radius: 1}, 0},
		{"too many frames", Orbit{Radius: 1}, MaxFrames + 1},
		{"zero radius", Orbit{Radius: 0}, 4},
		{"NaN sweep", Orbit{Radius: 1, SweepDeg: math.NaN()}, 4},
		{"dolly nowhere", Dolly{From: Vec3{X: 1, Y: 1, Z: 1}, To: Vec3{X: 1, Y: 1, Z: 1}}, 4},
		{"dolly straight down", Dolly{From: Vec3{X: 0, Y: 3, Z: 0}, To: Vec3{X: 0, Y: 1, Z: 0}}, 4},
		{"dolly Inf", Dolly{From: Vec3{X: math.Inf(1), Y: 0, Z: 0}, To: Vec3{}}, 4},
		{"pan vertical", Pan{PitchDeg: 90}, 4},
		{"pan NaN", Pan{Eye: Vec3{X: 0, Y: math.NaN(), Z: 0}}, 4},
	}
	for _, c := range cases {
		if _, err := c.path.Poses(c.frames); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
	}
}
