package physics

import (
	"math"
	"testing"
)

// Box2D integrates with semi-implicit (symplectic) Euler at step h: v[n+1] = v[n] + h*a,
// then x[n+1] = x[n] + h*v[n+1]. Under constant gravity this gives exactly
//
//	v[n] = v0 - g*n*h,   y[n] = y0 + v0*n*h - g*h^2*n*(n+1)/2,
//
// while the exact motion is y(t) = y0 + v0*t - g*t^2/2 at t = n*h. The difference is
// y[n] - y(t) = -g*h*t/2: the integrator drifts down by at most g*h*t/2 (2.0 cm after 1 s at
// h = 1/240 s) and velocities carry no error at all. So the tests check two things:
// the discrete formula to rounding (1e-9 m: a few hundred additions of O(1) numbers), and the
// continuous parabola to the derived bound g*h*t/2 plus the same rounding allowance.
const roundingTol = 1e-9

// beforeImpact reports whether, on the exact parabola, the ball (radius r, centre y) is still
// clear of the ground's collision skin with a 2 cm margin for the integrator drift.
func beforeImpact(y, r float64) bool { return y-r > 0.03 }

func checkBallFlight(t *testing.T, tr *Trajectory, ball int, p0, v0 Vec2, r float64) int {
	t.Helper()
	g := -tr.Gravity.Y
	h := 1 / tr.StepHz
	sub := Substeps(tr.FPS)
	checked := 0
	for k, f := range tr.Frames {
		n := float64(k * sub)
		tm := n * h
		exactY := p0.Y + v0.Y*tm - g*tm*tm/2
		if !beforeImpact(exactY, r) {
			break
		}
		s := f.States[ball]
		discreteY := p0.Y + v0.Y*n*h - g*h*h*n*(n+1)/2
		if d := math.Abs(s.Position.Y - discreteY); d > roundingTol {
			t.Fatalf("frame %d: y = %.12f, semi-implicit Euler predicts %.12f (diff %g)", k, s.Position.Y, discreteY, d)
		}
		if d, bound := math.Abs(s.Position.Y-exactY), g*h*tm/2+roundingTol; d > bound {
			t.Fatalf("frame %d: |y - y(t)| = %g exceeds the Euler drift bound g*h*t/2 = %g", k, d, bound)
		}
		if d := math.Abs(s.Position.X - (p0.X + v0.X*tm)); d > roundingTol {
			t.Fatalf("frame %d: x = %.12f, want %.12f", k, s.Position.X, p0.X+v0.X*tm)
		}
		if d := math.Abs(s.Velocity.Y - (v0.Y - g*tm)); d > roundingTol {
			t.Fatalf("frame %d: vy = %.12f, want %.12f", k, s.Velocity.Y, v0.Y-g*tm)
		}
		if d := math.Abs(s.Velocity.X - v0.X); d > roundingTol {
			t.Fatalf("frame %d: vx = %.12f, want %.12f", k, s.Velocity.X, v0.X)
		}
		checked++
	}
	return checked
}

func TestFreeFallMatchesKinematics(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    FreeFallParams
		fps  int
	}{
		{"24fps_2m", FreeFallParams{Radius: 0.2, Mass: 1, Height: 2, Restitution: 0.5, Friction: 0.3}, 24},
		{"25fps_uneven_substeps", FreeFallParams{Radius: 0.1, Mass: 3, X: 1.5, Height: 4, Friction: 0.3}, 25},
		{"60fps_light", FreeFallParams{Radius: 0.3, Mass: 0.1, X: -2, Height: 1, Restitution: 0.3}, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := Simulate(tc.p, tc.fps, 3*tc.fps)
			if err != nil {
				t.Fatal(err)
			}
			n := checkBallFlight(t, tr, 1, Vec2{tc.p.X, tc.p.Height}, Vec2{}, tc.p.Radius)
			if n < 5 {
				t.Fatalf("only %d frames before impact were checked", n)
			}
			// After the flight the ball must come to rest on the ground, not pass through it.
			last := tr.Frames[len(tr.Frames)-1].States[1]
			if last.Position.Y < tc.p.Radius-0.01 || last.Position.Y > tc.p.Radius+0.05 {
				t.Errorf("final height %g, want resting at about the radius %g", last.Position.Y, tc.p.Radius)
			}
		})
	}
}

func TestProjectileMatchesParabola(t *testing.T) {
	for seed := range uint64(6) {
		split := InDistribution
		if seed%2 == 1 {
			split = OutOfDistribution
		}
		d, err := Preset(Projectile, split)
		if err != nil {
			t.Fatal(err)
		}
		p := d.Sample(NewRand(seed)).(ProjectileParams)
		tr, err := Simulate(p, 30, 90)
		if err != nil {
			t.Fatal(err)
		}
		if n := checkBallFlight(t, tr, 1, p.Position, p.Velocity, p.Radius); n < 5 {
			t.Fatalf("seed %d: only %d frames before impact were checked", seed, n)
		}
	}
}
