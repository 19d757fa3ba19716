package scene3d

import (
	"errors"
	"math"
	"testing"

	"github.com/wfm-platform/wfm/geom3"
)

func TestNewIntrinsics(t *testing.T) {
	// A 90-degree horizontal FOV puts the image edge at x/z = 1, so fx = W/2.
	k, err := NewIntrinsics(64, 48, 90)
	if err != nil {
		t.Fatal(err)
	}
	want := Intrinsics{Width: 64, Height: 48, Fx: 32, Fy: 32, Cx: 31.5, Cy: 23.5}
	const tol = 1e-12
	if k.Width != want.Width || k.Height != want.Height || math.Abs(k.Fx-want.Fx) > tol ||
		math.Abs(k.Fy-want.Fy) > tol || k.Cx != want.Cx || k.Cy != want.Cy {
		t.Fatalf("NewIntrinsics(64, 48, 90) = %+v, want %+v", k, want)
	}
	// The left edge of pixel 0 (image x = -0.5) and the right edge of pixel 63 (x = 63.5)
	// are on the 45-degree rays.
	id := Pose{R: geom3.Identity()}
	if u, _, _ := k.Project(id, Vec3{X: -1, Y: 0, Z: 1}); math.Abs(u+0.5) > 1e-9 {
		t.Errorf("left edge projects to u=%v, want -0.5", u)
	}
	if u, _, _ := k.Project(id, Vec3{X: 1, Y: 0, Z: 1}); math.Abs(u-63.5) > 1e-9 {
		t.Errorf("right edge projects to u=%v, want 63.5", u)
	}
}

func TestNewIntrinsicsRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		fov  float64
	}{
		{"zero width", 0, 64, 60},
		{"zero height", 64, 0, 60},
		{"negative width", -3, 64, 60},
		{"huge", 5000, 64, 60},
		{"fov zero", 64, 64, 0},
		{"fov 180", 64, 64, 180},
		{"fov negative", 64, 64, -30},
		{"fov NaN", 64, 64, math.NaN()},
		{"fov Inf", 64, 64, math.Inf(1)},
	}
	for _, c := range cases {
		_, err := NewIntrinsics(c.w, c.h, c.fov)
		var pe *ParamError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a *ParamError wrapping ErrInvalid", c.name, err)
		}
	}
}

func TestLookAtConventions(t *testing.T) {
	k, _ := NewIntrinsics(100, 80, 60)
	eye, target := Vec3{X: 1, Y: 2, Z: 3}, Vec3{X: -1, Y: 0.5, Z: -2}
	p, err := LookAt(eye, target, Vec3{X: 0, Y: 1, Z: 0})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := p.Center().Sub(eye).Norm(); d > 1e-12 {
		t.Errorf("camera centre off the eye by %g", d)
	}
	u, v, z := k.Project(p, target)
	if math.Abs(u-k.Cx) > 1e-9 || math.Abs(v-k.Cy) > 1e-9 || z <= 0 {
		t.Errorf("target projects to (%g, %g, z=%g), want the principal point (%g, %g) in front", u, v, z, k.Cx, k.Cy)
	}
	// OpenCV axes: a point above the target appears higher (smaller v); a point to the
	// right of the viewing direction (fwd x up) appears at larger u.
	_, vUp, _ := k.Project(p, target.Add(Vec3{X: 0, Y: 0.1, Z: 0}))
	if vUp >= v {
		t.Errorf("point above target has v=%g, want < %g", vUp, v)
	}
	right := target.Sub(eye).Cross(Vec3{X: 0, Y: 1, Z: 0}).Unit()
	uR, _, _ := k.Project(p, target.Add(right.Scale(0.1)))
	if uR <= u {
		t.Errorf("point right of target has u=%g, want > %g", uR, u)
	}
}

func TestLookAtRejectsDegenerate(t *testing.T) {
	cases := []struct {
		name            string
		eye, target, up Vec3
	}{
		{"same point", Vec3{X: 1, Y: 1, Z: 1}, Vec3{X: 1, Y: 1, Z: 1}, Vec3{X: 0, Y: 1, Z: 0}},
		{"up parallel", Vec3{X: 0, Y: 0, Z: 0}, Vec3{X: 0, Y: 5, Z: 0}, Vec3{X: 0, Y: 1, Z: 0}},
		{"zero up", Vec3{X: 0, Y: 0, Z: 0}, Vec3{X: 0, Y: 0, Z: 1}, Vec3{}},
		{"NaN eye", Vec3{X: math.NaN(), Y: 0, Z: 0}, Vec3{X: 0, Y: 0, Z: 1}, Vec3{X: 0, Y: 1, Z: 0}},
	}
	for _, c := range cases {
		if _, err := LookAt(c.eye, c.target, c.up); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
	}
}

func TestPoseValidateRejectsNonRotation(t *testing.T) {
	cases := []struct {
		name string
		p    Pose
	}{
		{"scaled", Pose{R: Mat3{{2, 0, 0}, {0, 1, 0}, {0, 0, 1}}}},
		{"reflection", Pose{R: Mat3{{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}},
		{"NaN", Pose{R: Mat3{{math.NaN(), 0, 0}, {0, 1, 0}, {0, 0, 1}}}},
		{"Inf t", Pose{R: geom3.Identity(), T: Vec3{X: math.Inf(1), Y: 0, Z: 0}}},
	}
	for _, c := range cases {
		if err := c.p.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
	}
}

// sampson is the first-order geometric error of correspondence (x1, x2) under F, in pixels
// (Hartley & Zisserman, eq. 11.9): sqrt((x2'Fx1)^2 / ((Fx1)_1^2+(Fx1)_2^2+(F'x2)_1^2+(F'x2)_2^2)).
func sampson(f Mat3, u1, v1, u2, v2 float64) float64 {
	x1, x2 := Vec3{X: u1, Y: v1, Z: 1}, Vec3{X: u2, Y: v2, Z: 1}
	fx1, ftx2 := f.MulVec(x1), f.TMulVec(x2)
	r := x2.Dot(fx1)
	return math.Abs(r) / math.Sqrt(fx1.X*fx1.X+fx1.Y*fx1.Y+ftx2.X*ftx2.X+ftx2.Y*ftx2.Y)
}

func TestFundamentalOnProjectedPoints(t *testing.T) {
	k1, _ := NewIntrinsics(128, 96, 70)
	k2, _ := NewIntrinsics(160, 120, 55)
	orbit, _ := Orbit{Target: Vec3{X: 0, Y: 0.5, Z: 0}, Radius: 4, Height: 1.5, SweepDeg: 40}.Poses(5)
	dolly, _ := Dolly{From: Vec3{X: 0, Y: 1, Z: 5}, To: Vec3{X: 0.3, Y: 1.1, Z: 3}, Look: Vec3{X: 0, Y: -0.2, Z: -1}}.Poses(2)
	cases := []struct {
		name   string
		p1, p2 Pose
	}{
		{"orbit consecutive", orbit[0], orbit[1]},
		{"orbit wide", orbit[0], orbit[4]},
		{"dolly", dolly[0], dolly[1]},
	}
	rng := newTestRand(1)
	for _, c := range cases {
		f := Fundamental(k1, c.p1, k2, c.p2)
		var worst, sum float64
		for range 200 {
			x := Vec3{X: 2*rng.Float64() - 1, Y: rng.Float64(), Z: 2*rng.Float64() - 1}
			u1, v1, z1 := k1.Project(c.p1, x)
			u2, v2, z2 := k2.Project(c.p2, x)
			if z1 <= 0 || z2 <= 0 {
				t.Fatalf("%s: test point %v behind a camera", c.name, x)
			}
			worst = math.Max(worst, sampson(f, u1, v1, u2, v2))
			// A point off the epipolar line must give a clearly non-zero error, so that the
			// check can fail: shift x2 across the line by 3 px.
			sum += sampson(f, u1, v1, u2+3, v2+3)
		}
		if worst > 1e-8 {
			t.Errorf("%s: Sampson error of exact projections %g px, want ~0", c.name, worst)
		}
		if sum/200 < 0.1 {
			t.Errorf("%s: shifted points give mean Sampson error %g px, F looks degenerate", c.name, sum/200)
		}
	}
}
