package physics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
)

// Scenario names one kind of physical scene. The names are stable: they appear in
// trajectories, captions and shard metadata.
type Scenario string

// The implemented scenarios.
const (
	FreeFall      Scenario = "free_fall"
	Projectile    Scenario = "projectile"
	Collision     Scenario = "elastic_collision"
	Incline       Scenario = "incline"
	USlope        Scenario = "u_slope"
	Pendulum      Scenario = "pendulum"
	Dominoes      Scenario = "dominoes"
	Seesaw        Scenario = "seesaw"
	StableStack   Scenario = "stable_stack"
	UnstableStack Scenario = "unstable_stack"
)

// Scenarios lists every implemented scenario in a fixed order.
func Scenarios() []Scenario {
	return []Scenario{FreeFall, Projectile, Collision, Incline, USlope, Pendulum, Dominoes, Seesaw, StableStack, UnstableStack}
}

// Params is the full description of one scene: one concrete struct per scenario
// (FreeFallParams, ProjectileParams, ...). Simulate turns it into a Trajectory.
type Params interface {
	// Scenario names the scene these parameters describe.
	Scenario() Scenario
	// Validate reports the first parameter that is out of its physical domain as a *ParamError.
	Validate() error
	// build adds the scene's bodies and joints to s. It is only called on validated parameters.
	build(s *scene)
}

// decodeParams decodes the JSON parameters of a scenario into their concrete struct.
func decodeParams(s Scenario, raw []byte) (Params, error) {
	switch s {
	case FreeFall:
		return decodeAs[FreeFallParams](raw)
	case Projectile:
		return decodeAs[ProjectileParams](raw)
	case Collision:
		return decodeAs[CollisionParams](raw)
	case Incline:
		return decodeAs[InclineParams](raw)
	case USlope:
		return decodeAs[USlopeParams](raw)
	case Pendulum:
		return decodeAs[PendulumParams](raw)
	case Dominoes:
		return decodeAs[DominoesParams](raw)
	case Seesaw:
		return decodeAs[SeesawParams](raw)
	case StableStack, UnstableStack:
		return decodeAs[StackParams](raw)
	}
	return nil, fmt.Errorf("unknown scenario %q", s)
}

func decodeAs[T Params](raw []byte) (Params, error) {
	var p T
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	return p, nil
}

// ParamError reports a scene parameter outside its valid domain.
type ParamError struct {
	Scenario Scenario
	Field    string  // the JSON name of the parameter
	Value    float64 // the offending value (NaN stays NaN)
	Reason   string  // what the value must satisfy
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("physics: %s: %s = %v: %s", e.Scenario, e.Field, e.Value, e.Reason)
}

// checker accumulates the first validation failure of a parameter struct.
type checker struct {
	scenario Scenario
	err      *ParamError
}

func (c *checker) fail(field string, v float64, reason string) {
	if c.err == nil {
		c.err = &ParamError{Scenario: c.scenario, Field: field, Value: v, Reason: reason}
	}
}

func (c *checker) finite(field string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		c.fail(field, v, "must be a finite number")
	}
}

// positive requires a finite value > 0.
func (c *checker) positive(field string, v float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		c.fail(field, v, "must be positive and finite")
	}
}

// between requires lo <= v <= hi.
func (c *checker) between(field string, v, lo, hi float64) {
	if !(v >= lo && v <= hi) {
		c.fail(field, v, fmt.Sprintf("must lie in [%g, %g]", lo, hi))
	}
}

// speed requires a finite velocity component whose per-step displacement stays below Box2D's
// b2_maxTranslation (2 m per step), which would otherwise silently clamp the motion.
func (c *checker) speed(field string, v float64) {
	c.finite(field, v)
	c.between(field, v, -MaxSpeed, MaxSpeed)
}

func (c *checker) result() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// Limits shared by all scenarios.
const (
	// MaxSpeed bounds initial speeds (m/s). Box2D clamps a body's displacement to
	// b2_maxTranslation = 2 m per step; at StepHz = 240 that is 480 m/s, so 100 m/s leaves
	// a wide margin for speeds gained while falling.
	MaxSpeed = 100
	// MaxExtent bounds sizes and distances (m); the ground is 2*MaxExtent wide.
	MaxExtent = 50
	// MaxMass bounds masses (kg). Box2D's iterative solver loses accuracy as the mass ratio of
	// touching bodies grows; the presets stay within 25:1 (seesaw loads on the plank), a case
	// the tests cover.
	MaxMass = 1000
	// MinSize is the smallest radius or half-extent (m); Box2D's collision tolerance
	// b2_linearSlop is 5 mm, so smaller bodies tunnel and jitter.
	MinSize = 0.02
)

// Split selects the training (in-distribution) or held-out (out-of-distribution) presets,
// following the PhyWorld protocol: OOD values lie outside the ID training ranges.
type Split string

// The two splits.
const (
	InDistribution    Split = "id"
	OutOfDistribution Split = "ood"
)

// Range is a closed interval [Min, Max] sampled uniformly.
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Sample draws a value uniformly from the interval.
func (r Range) Sample(rng *rand.Rand) float64 {
	return r.Min + (r.Max-r.Min)*rng.Float64()
}

// IntRange is a closed integer interval [Min, Max] sampled uniformly.
type IntRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Sample draws an integer uniformly from the interval.
func (r IntRange) Sample(rng *rand.Rand) int {
	return r.Min + rng.IntN(r.Max-r.Min+1)
}

// NamedRange is one randomized quantity of a distribution, for reports and tests.
type NamedRange struct {
	Name string  `json:"name"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

func named(name string, r Range) NamedRange { return NamedRange{name, r.Min, r.Max} }

func namedInt(name string, r IntRange) NamedRange {
	return NamedRange{name, float64(r.Min), float64(r.Max)}
}

// Distribution is a randomized family of scenes of one scenario: the per-scenario
// Ranges types (FreeFallRanges, ...) implement it.
type Distribution interface {
	Scenario() Scenario
	// Sample draws one scene. The same generator state gives the same scene.
	Sample(rng *rand.Rand) Params
	// Ranges lists every randomized quantity with its interval.
	Ranges() []NamedRange
}

// Preset returns the named distribution of a scenario for a split.
func Preset(s Scenario, split Split) (Distribution, error) {
	ood := false
	switch split {
	case InDistribution:
	case OutOfDistribution:
		ood = true
	default:
		return nil, fmt.Errorf("physics: unknown split %q (want %q or %q)", split, InDistribution, OutOfDistribution)
	}
	pick := func(id, o Distribution) Distribution {
		if ood {
			return o
		}
		return id
	}
	switch s {
	case FreeFall:
		return pick(FreeFallInDistribution(), FreeFallOutOfDistribution()), nil
	case Projectile:
		return pick(ProjectileInDistribution(), ProjectileOutOfDistribution()), nil
	case Collision:
		return pick(CollisionInDistribution(), CollisionOutOfDistribution()), nil
	case Incline:
		return pick(InclineInDistribution(), InclineOutOfDistribution()), nil
	case USlope:
		return pick(USlopeInDistribution(), USlopeOutOfDistribution()), nil
	case Pendulum:
		return pick(PendulumInDistribution(), PendulumOutOfDistribution()), nil
	case Dominoes:
		return pick(DominoesInDistribution(), DominoesOutOfDistribution()), nil
	case Seesaw:
		return pick(SeesawInDistribution(), SeesawOutOfDistribution()), nil
	case StableStack:
		return pick(StableStackInDistribution(), StableStackOutOfDistribution()), nil
	case UnstableStack:
		return pick(UnstableStackInDistribution(), UnstableStackOutOfDistribution()), nil
	}
	return nil, fmt.Errorf("physics: unknown scenario %q", s)
}

// NewRand returns the package's seeded generator: PCG from math/rand/v2, so a seed fixes
// every sampled parameter on every platform.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}
