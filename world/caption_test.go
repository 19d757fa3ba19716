package world

import (
	"slices"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/world/physics"
)

func simulate(t *testing.T, p physics.Params) *physics.Trajectory {
	t.Helper()
	tr, err := physics.Simulate(p, 16, 33)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestCaptionsForEveryScenario(t *testing.T) {
	for _, s := range physics.Scenarios() {
		dist, err := physics.Preset(s, physics.InDistribution)
		if err != nil {
			t.Fatal(err)
		}
		tr := simulate(t, dist.Sample(physics.NewRand(11)))
		caps := Captions(tr, 3, physics.NewRand(5))
		if len(caps) != 3 {
			t.Fatalf("%s: %d captions, want 3", s, len(caps))
		}
		if distinct := slices.Compact(slices.Sorted(slices.Values(caps))); len(distinct) != 3 {
			t.Errorf("%s: captions repeat: %q", s, caps)
		}
		// Somewhere in the captions, a colour of a body in the scene is named (dominoes and
		// plain stacks are described by count, and may leave colours out).
		joined := strings.Join(caps, " ")
		named := false
		for _, b := range tr.Bodies[1:] {
			named = named || strings.Contains(joined, ColourOf(b.Color).Name)
		}
		if !named && s != physics.Dominoes && s != physics.StableStack && s != physics.UnstableStack {
			t.Errorf("%s: no body colour in %q", s, caps)
		}
		again := Captions(tr, 3, physics.NewRand(5))
		if !slices.Equal(caps, again) {
			t.Errorf("%s: same rng, different captions", s)
		}
	}
}

func TestFreeFallCaptionCountsBounces(t *testing.T) {
	base := physics.FreeFallParams{Radius: 0.1, Mass: 1, X: 0, Height: 1.5, Friction: 0.3}
	dead := simulate(t, base)
	if got := bounces(dead, 1); got != 0 {
		t.Fatalf("restitution 0: %d bounces", got)
	}
	for _, c := range describe(dead) {
		if strings.Contains(c, "bouncing") {
			t.Errorf("a dead drop is captioned %q", c)
		}
	}
	lively := base
	lively.Restitution = 0.8
	tr := simulate(t, lively)
	if n := bounces(tr, 1); n < 1 {
		t.Fatalf("restitution 0.8: %d bounces in 2 s", n)
	}
	if !strings.Contains(describe(tr)[0], "bouncing") {
		t.Errorf("bouncing ball captioned %q", describe(tr)[0])
	}
}

func TestSeesawCaptionNamesTheHeavierMoment(t *testing.T) {
	dist, err := physics.Preset(physics.Seesaw, physics.InDistribution)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(6) {
		p := dist.Sample(physics.NewRand(seed)).(physics.SeesawParams)
		tr := simulate(t, p)
		want := "left"
		if p.RightMass*p.RightDistance > p.LeftMass*p.LeftDistance {
			want = "right"
		}
		// The plank (body named "plank") must actually tip that way: its angle is positive
		// (counter-clockwise) when the left end goes down.
		var plank int
		for i, b := range tr.Bodies {
			if b.Name == "plank" {
				plank = i
			}
		}
		angle := tr.Frames[len(tr.Frames)-1].States[plank].Angle
		if (angle > 0) != (want == "left") {
			t.Errorf("seed %d: caption says %s, plank angle %.3f", seed, want, angle)
		}
		if !strings.Contains(describe(tr)[0], "on the "+want) {
			t.Errorf("seed %d: %q", seed, describe(tr)[0])
		}
	}
}
