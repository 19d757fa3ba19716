package physics

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/fnv"
	"math"
	"reflect"
	"strings"
	"testing"
)

// hashTrajectory hashes the bits of every float64 of every state.
func hashTrajectory(tr *Trajectory) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	}
	for _, f := range tr.Frames {
		put(f.Time)
		for _, s := range f.States {
			put(s.Position.X)
			put(s.Position.Y)
			put(s.Velocity.X)
			put(s.Velocity.Y)
			put(s.Angle)
			put(s.AngularVelocity)
		}
	}
	return h.Sum64()
}

func TestDeterminism(t *testing.T) {
	for _, s := range Scenarios() {
		for _, split := range []Split{InDistribution, OutOfDistribution} {
			d, err := Preset(s, split)
			if err != nil {
				t.Fatal(err)
			}
			run := func(seed uint64) (Params, uint64) {
				p := d.Sample(NewRand(seed))
				return p, hashTrajectory(mustSimulate(t, p, 24, 48))
			}
			pa, ha := run(7)
			pb, hb := run(7)
			if !reflect.DeepEqual(pa, pb) || ha != hb {
				t.Errorf("%s %s: seed 7 gave different parameters or trajectories (%x vs %x)", s, split, ha, hb)
			}
			if pc, hc := run(8); reflect.DeepEqual(pa, pc) || hc == ha {
				t.Errorf("%s %s: seeds 7 and 8 gave the same scene", s, split)
			}
		}
	}
}

// TestPresets checks the PhyWorld protocol on every scenario: the ID and OOD presets randomize
// the same quantities, differ in at least one, and every quantity that differs has disjoint
// ranges; and every sample is valid and belongs to its scenario.
func TestPresets(t *testing.T) {
	for _, s := range Scenarios() {
		id, err := Preset(s, InDistribution)
		if err != nil {
			t.Fatal(err)
		}
		ood, err := Preset(s, OutOfDistribution)
		if err != nil {
			t.Fatal(err)
		}
		if id.Scenario() != s || ood.Scenario() != s {
			t.Errorf("%s: presets describe %s and %s", s, id.Scenario(), ood.Scenario())
		}
		ri, ro := id.Ranges(), ood.Ranges()
		if len(ri) != len(ro) {
			t.Fatalf("%s: %d ID ranges vs %d OOD ranges", s, len(ri), len(ro))
		}
		differ := 0
		for i := range ri {
			a, b := ri[i], ro[i]
			if a.Name != b.Name {
				t.Fatalf("%s: range %d is %q in ID and %q in OOD", s, i, a.Name, b.Name)
			}
			if a.Min > a.Max || b.Min > b.Max {
				t.Errorf("%s: %s: empty range", s, a.Name)
			}
			if a == b {
				continue
			}
			differ++
			if a.Max >= b.Min && b.Max >= a.Min {
				t.Errorf("%s: %s: ID [%g, %g] overlaps OOD [%g, %g]", s, a.Name, a.Min, a.Max, b.Min, b.Max)
			}
		}
		if differ == 0 {
			t.Errorf("%s: ID and OOD presets are identical", s)
		}
		for _, d := range []Distribution{id, ood} {
			rng := NewRand(1)
			for i := range 200 {
				p := d.Sample(rng)
				if err := p.Validate(); err != nil {
					t.Fatalf("%s sample %d: %v", s, i, err)
				}
				if p.Scenario() != s {
					t.Fatalf("%s sample %d is a %s scene: %+v", s, i, p.Scenario(), p)
				}
			}
		}
	}
	if _, err := Preset(FreeFall, "test"); err == nil {
		t.Error("unknown split accepted")
	}
	if _, err := Preset("gyroscope", InDistribution); err == nil {
		t.Error("unknown scenario accepted")
	}
}

func TestValidateRejects(t *testing.T) {
	okBall := FreeFallParams{Radius: 0.2, Mass: 1, Height: 2, Friction: 0.5}
	with := func(f func(*FreeFallParams)) FreeFallParams { p := okBall; f(&p); return p }
	okCollision := CollisionParams{RadiusA: 0.2, RadiusB: 0.2, MassA: 1, MassB: 1, VelocityA: 2, VelocityB: -1, Gap: 1, Restitution: 1}
	okStack := StackParams{Width: 0.4, Height: 0.2, Offsets: []float64{0, 0}, Mass: 1, Friction: 0.5}
	for _, tc := range []struct {
		name  string
		p     Params
		field string
	}{
		{"negative_mass", with(func(p *FreeFallParams) { p.Mass = -1 }), "mass"},
		{"zero_radius", with(func(p *FreeFallParams) { p.Radius = 0 }), "radius"},
		{"nan_height", with(func(p *FreeFallParams) { p.Height = math.NaN() }), "height"},
		{"inf_mass", with(func(p *FreeFallParams) { p.Mass = math.Inf(1) }), "mass"},
		{"below_ground", with(func(p *FreeFallParams) { p.Height = 0.1 }), "height"},
		{"restitution_above_1", with(func(p *FreeFallParams) { p.Restitution = 1.5 }), "restitution"},
		{"projectile_too_fast", ProjectileParams{Radius: 0.2, Mass: 1, Position: Vec2{0, 1}, Velocity: Vec2{500, 0}}, "velocity.x"},
		{"collision_too_slow", func() Params { p := okCollision; p.VelocityA, p.VelocityB = 0.5, 0; return p }(), "velocity_a - velocity_b"},
		{"collision_nan_velocity", func() Params { p := okCollision; p.VelocityB = math.NaN(); return p }(), "velocity_b"},
		{"collision_zero_gap", func() Params { p := okCollision; p.Gap = 0; return p }(), "gap"},
		{"incline_flat", InclineParams{Angle: 0, Length: 2, Start: 0.5, Radius: 0.1, Mass: 1, Friction: 0.5}, "angle"},
		{"incline_start_off_ramp", InclineParams{Angle: 0.3, Length: 2, Start: 3, Radius: 0.1, Mass: 1, Friction: 0.5}, "start"},
		{"pendulum_pivot_too_low", PendulumParams{Pivot: Vec2{0, 1}, Length: 1, Radius: 0.1, Mass: 1}, "pivot.y"},
		{"pendulum_zero_length", PendulumParams{Pivot: Vec2{0, 2}, Length: 0, Radius: 0.1, Mass: 1}, "length"},
		{"dominoes_one", DominoesParams{Count: 1, Thickness: 0.05, Height: 0.4, Gap: 0.2, Tilt: 0.3, Mass: 0.2, Friction: 0.5}, "count"},
		{"dominoes_too_upright", DominoesParams{Count: 3, Thickness: 0.1, Height: 0.4, Gap: 0.2, Tilt: 0.1, Mass: 0.2, Friction: 0.5}, "tilt"},
		{"dominoes_too_far", DominoesParams{Count: 3, Thickness: 0.05, Height: 0.4, Gap: 0.39, Tilt: 0.3, Mass: 0.2, Friction: 0.5}, "gap"},
		{"stack_single", func() Params { p := okStack; p.Offsets = nil; return p }(), "count"},
		{"stack_zero_width", func() Params { p := okStack; p.Width = 0; return p }(), "width"},
		{"stack_detached", func() Params { p := okStack; p.Offsets = []float64{0, 0.5}; return p }(), "offsets[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("Validate() = %v, want a *ParamError", err)
			}
			if pe.Field != tc.field || pe.Scenario != tc.p.Scenario() {
				t.Errorf("error names %s/%s, want %s/%s", pe.Scenario, pe.Field, tc.p.Scenario(), tc.field)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q does not name the field", err)
			}
			if _, serr := Simulate(tc.p, 24, 10); !errors.As(serr, &pe) {
				t.Errorf("Simulate accepted invalid parameters: %v", serr)
			}
		})
	}
	for _, tc := range []struct {
		name        string
		p           Params
		fps, frames int
	}{
		{"nil_params", nil, 24, 10},
		{"zero_fps", okBall, 0, 10},
		{"zero_frames", okBall, 24, 0},
		{"too_many_frames", okBall, 24, MaxFrames + 1},
	} {
		if _, err := Simulate(tc.p, tc.fps, tc.frames); err == nil {
			t.Errorf("%s: Simulate accepted it", tc.name)
		}
	}
}

func TestTrajectoryJSONRoundTrip(t *testing.T) {
	for _, s := range Scenarios() {
		d, err := Preset(s, InDistribution)
		if err != nil {
			t.Fatal(err)
		}
		tr := mustSimulate(t, d.Sample(NewRand(3)), 12, 6)
		data, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeTrajectory(data)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !reflect.DeepEqual(tr, back) {
			t.Errorf("%s: round trip changed the trajectory", s)
		}
	}
	for _, bad := range []string{
		`{"scenario":"gyroscope","params":{},"fps":24}`,
		`{"scenario":"free_fall","params":{"radius":-1,"mass":1,"height":2},"fps":24}`,
		`{"scenario":"free_fall","params":{"radius":0.2,"mass":1,"height":2},"fps":0}`,
		`{"scenario":"stable_stack","params":{"width":1,"height":1,"offsets":[0.9],"mass":1},"fps":24}`,
		`{"scenario":"free_fall","params":{"radius":0.2,"mass":1,"height":2},"fps":24,"bodies":[],"frames":[{"states":[{}]}]}`,
		`{"scenario":"free_fall","params":[1,2]}`,
		`not json`,
	} {
		_, err := DecodeTrajectory([]byte(bad))
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want a *FormatError", bad, err)
		}
	}
}
