package physics

import (
	"math"
	"math/rand/v2"
)

// PendulumParams describes a simple pendulum: a ball hanging from a fixed pivot on a rigid
// massless rod (a Box2D distance joint anchored at the ball's centre, so the ball's own
// spin does not couple to the swing), released at rest at angle Amplitude from the vertical.
type PendulumParams struct {
	Pivot     Vec2    `json:"pivot"`     // m
	Length    float64 `json:"length"`    // pivot to ball centre, m
	Amplitude float64 `json:"amplitude"` // initial angle from the downward vertical, radians, counter-clockwise
	Radius    float64 `json:"radius"`    // ball radius, m
	Mass      float64 `json:"mass"`      // kg
}

// pivotRadius is the drawn size of the static pivot pin (m); it takes part in no contact
// because the rod's bodies do not collide with each other.
const pivotRadius = 0.03

// Scenario implements Params.
func (PendulumParams) Scenario() Scenario { return Pendulum }

// Validate implements Params.
func (p PendulumParams) Validate() error {
	c := checker{scenario: Pendulum}
	checkBall(&c, p.Radius, p.Mass, 0, 0)
	c.positive("length", p.Length)
	c.between("length", p.Length, 2*p.Radius, MaxExtent)
	c.finite("amplitude", p.Amplitude)
	c.between("amplitude", p.Amplitude, -math.Pi/2, math.Pi/2)
	c.finite("pivot.x", p.Pivot.X)
	c.between("pivot.x", p.Pivot.X, -MaxExtent, MaxExtent)
	c.finite("pivot.y", p.Pivot.Y)
	c.between("pivot.y", p.Pivot.Y, p.Length+p.Radius, MaxExtent)
	return c.result()
}

func (p PendulumParams) build(s *scene) {
	s.addGround(0.5, 0)
	pin := s.add(bodySpec{name: "pivot", typ: Static, shape: Shape{Kind: Circle, Radius: pivotRadius}, position: p.Pivot})
	at := Vec2{p.Pivot.X + p.Length*math.Sin(p.Amplitude), p.Pivot.Y - p.Length*math.Cos(p.Amplitude)}
	bob := s.add(bodySpec{
		name: "bob", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.Radius},
		mass: p.Mass, friction: 0.5, position: at,
	})
	s.addDistanceJoint(pin, bob, p.Pivot, at)
}

// PendulumRanges is the distribution of pendulum scenes. The pivot height is drawn above the
// ground clearance the rod needs.
type PendulumRanges struct {
	X, Clearance, Length, Amplitude, Radius, Mass Range
}

// PendulumInDistribution is the training distribution.
func PendulumInDistribution() PendulumRanges {
	return PendulumRanges{
		X: Range{-0.5, 0.5}, Clearance: Range{0.2, 0.5}, Length: Range{0.5, 1.5},
		Amplitude: Range{-math.Pi / 4, math.Pi / 4}, Radius: Range{0.05, 0.15}, Mass: Range{0.5, 2},
	}
}

// PendulumOutOfDistribution holds out longer rods and heavier bobs.
func PendulumOutOfDistribution() PendulumRanges {
	r := PendulumInDistribution()
	r.Length, r.Mass = Range{1.75, 2.5}, Range{3, 5}
	return r
}

// Scenario implements Distribution.
func (PendulumRanges) Scenario() Scenario { return Pendulum }

// Sample implements Distribution.
func (r PendulumRanges) Sample(rng *rand.Rand) Params {
	p := PendulumParams{
		Length: r.Length.Sample(rng), Amplitude: r.Amplitude.Sample(rng),
		Radius: r.Radius.Sample(rng), Mass: r.Mass.Sample(rng),
	}
	p.Pivot = Vec2{r.X.Sample(rng), p.Length + p.Radius + r.Clearance.Sample(rng)}
	return p
}

// Ranges implements Distribution.
func (r PendulumRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("x", r.X), named("clearance", r.Clearance), named("length", r.Length),
		named("amplitude", r.Amplitude), named("radius", r.Radius), named("mass", r.Mass),
	}
}
