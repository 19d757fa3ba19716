package physics

import (
	"math"
	"testing"
)

// TestStackIsStable checks the statics criterion on stacks whose answer follows by hand.
// The harmonic stack (Johnson 1955) with offsets w/2, w/4, w/6 from the top down has every
// partial centre of mass exactly on an edge; 1% less is stable, 1% more is not.
func TestStackIsStable(t *testing.T) {
	harmonic := []float64{1.0 / 6, 1.0 / 4, 1.0 / 2} // bottom to top, width 1
	scaled := func(f float64) []float64 {
		out := make([]float64, len(harmonic))
		for i, o := range harmonic {
			out[i] = f * o
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		width   float64
		offsets []float64
		want    bool
	}{
		{"aligned", 1, []float64{0, 0, 0}, true},
		{"two_just_inside", 1, []float64{0.49}, true},
		{"two_just_outside", 1, []float64{0.51}, false},
		{"two_left_outside", 2, []float64{-1.02}, false},
		// Three boxes shifted 0.3 and 0.3: over the bottom box the two above average 0.45.
		{"three_lean_inside", 1, []float64{0.3, 0.3}, true},
		// Shifted 0.4 and 0.4: each pair stands, but the top two average 0.6 over the bottom.
		{"three_lean_outside", 1, []float64{0.4, 0.4}, false},
		{"harmonic_minus_1pct", 1, scaled(0.99), true},
		{"harmonic_plus_1pct", 1, scaled(1.01), false},
		{"zigzag", 1, []float64{0.45, -0.45, 0.45}, true},
	} {
		if got := StackIsStable(tc.width, tc.offsets); got != tc.want {
			t.Errorf("%s: StackIsStable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestStacks simulates sampled stacks for 3 s: stable ones must not move (1 cm, 0.01 rad:
// the skin and slop of Box2D's contacts are 5 mm), unstable ones must fall: the top box ends
// more than one box height lower than it started.
func TestStacks(t *testing.T) {
	n := 8
	if testing.Short() {
		n = 3
	}
	for _, split := range []Split{InDistribution, OutOfDistribution} {
		for i, pp := range sampleN(t, StableStack, split, n) {
			tr := mustSimulate(t, pp, 30, 90)
			first, last := tr.Frames[0].States, tr.Frames[len(tr.Frames)-1].States
			for b := 1; b < len(tr.Bodies); b++ {
				dx := last[b].Position.X - first[b].Position.X
				dy := last[b].Position.Y - first[b].Position.Y
				if math.Hypot(dx, dy) > 0.01 || math.Abs(last[b].Angle) > 0.01 {
					t.Errorf("stable %s %d: box %d moved by (%g, %g), angle %g", split, i, b, dx, dy, last[b].Angle)
				}
			}
		}
		for i, pp := range sampleN(t, UnstableStack, split, n) {
			p := pp.(StackParams)
			tr := mustSimulate(t, p, 30, 90)
			top := len(tr.Bodies) - 1
			y0, y1 := tr.Frames[0].States[top].Position.Y, tr.Frames[len(tr.Frames)-1].States[top].Position.Y
			if y1 > y0-p.Height {
				t.Errorf("unstable %s %d: top box went from y=%g to %g, want a fall of more than %g", split, i, y0, y1, p.Height)
			}
		}
	}
}

// TestDominoesAllFall checks that the chain reaction reaches the end of the row: after 5 s
// every block leans by more than 45 degrees.
func TestDominoesAllFall(t *testing.T) {
	n := 4
	if testing.Short() {
		n = 2
	}
	for _, split := range []Split{InDistribution, OutOfDistribution} {
		for i, pp := range sampleN(t, Dominoes, split, n) {
			tr := mustSimulate(t, pp, 30, 150)
			last := tr.Frames[len(tr.Frames)-1].States
			for b := 1; b < len(tr.Bodies); b++ {
				if math.Abs(last[b].Angle) < math.Pi/4 {
					t.Errorf("%s %d: domino %d still stands at angle %g", split, i, b, last[b].Angle)
				}
			}
			// Before the first block reaches the second, the others stand still.
			if s := tr.Frames[1].States[2]; s.Angle != 0 || s.AngularVelocity != 0 {
				t.Errorf("%s %d: second domino moves before being hit: %+v", split, i, s)
			}
		}
	}
}

// TestUSlopeSwings checks that the ball crosses the valley, climbs the far slope and turns
// back, and never rises above its release height: rolling without slipping does no work, and
// the kinks and restitution only remove energy, so mechanical energy cannot grow. The
// allowance of 1 cm is twice the contact skin's slop.
func TestUSlopeSwings(t *testing.T) {
	for _, split := range []Split{InDistribution, OutOfDistribution} {
		for i, pp := range sampleN(t, USlope, split, 4) {
			p := pp.(USlopeParams)
			tr := mustSimulate(t, p, 30, 150)
			ball := len(tr.Bodies) - 1
			y0 := tr.Frames[0].States[ball].Position.Y
			climbed, turned := false, false
			for k, f := range tr.Frames {
				s := f.States[ball]
				if s.Position.Y > y0+0.01 {
					t.Fatalf("%s %d frame %d: ball at y=%g rose above its release height %g", split, i, k, s.Position.Y, y0)
				}
				if s.Position.X > p.Floor/2 && s.Position.Y > p.Radius+0.05 {
					climbed = true
				}
				if climbed && s.Velocity.X < 0 {
					turned = true
				}
			}
			if !climbed || !turned {
				t.Errorf("%s %d: climbed the far slope %v, turned back %v", split, i, climbed, turned)
			}
		}
	}
}

// TestSeesawTips checks the lever rule: the side with the larger moment goes down (the plank
// turns counter-clockwise when the left moment wins) until the plank's end meets the ground,
// where the plank's angle is asin(fulcrum height / half length), less the small lift of the
// end's collision skin and thickness. The 0.8 factor allows for that.
func TestSeesawTips(t *testing.T) {
	for _, split := range []Split{InDistribution, OutOfDistribution} {
		for i, pp := range sampleN(t, Seesaw, split, 4) {
			p := pp.(SeesawParams)
			tr := mustSimulate(t, p, 30, 60)
			last := tr.Frames[len(tr.Frames)-1].States
			const plank, left, right = 2, 3, 4
			angle := last[plank].Angle
			want := 1.0
			if p.LeftMass*p.LeftDistance < p.RightMass*p.RightDistance {
				want = -1
			}
			rest := math.Asin(p.FulcrumHeight / (p.PlankLength / 2))
			if angle*want < 0.8*rest || math.Abs(angle) > rest+0.05 {
				t.Errorf("%s %d: plank angle %g, want %g times about %g", split, i, angle, want, rest)
			}
			if (last[left].Position.Y-last[right].Position.Y)*want > 0 {
				t.Errorf("%s %d: the heavier side did not go down: left y %g, right y %g", split, i, last[left].Position.Y, last[right].Position.Y)
			}
			if h := tr.Frames[0].States[plank].Position; h.X != 0 || h.Y != p.FulcrumHeight+p.PlankThickness/2 {
				t.Errorf("%s %d: plank starts at %+v", split, i, h)
			}
		}
	}
}
