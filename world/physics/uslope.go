package physics

import (
	"math"
	"math/rand/v2"
)

// USlopeParams describes a valley: two facing ramps of equal angle and length joined by a
// flat floor of width Floor centred on x = 0. A ball released at rest on the left slope rolls
// down, across and up the right slope, and swings back and forth, losing a little energy at
// each kink.
type USlopeParams struct {
	Angle       float64 `json:"angle"`  // slope angle of both ramps, radians
	Length      float64 `json:"length"` // slope length of each ramp, m
	Floor       float64 `json:"floor"`  // width of the flat bottom, m
	Start       float64 `json:"start"`  // release distance down the left slope from its top, m
	Radius      float64 `json:"radius"` // ball radius, m
	Mass        float64 `json:"mass"`   // kg
	Friction    float64 `json:"friction"`
	Restitution float64 `json:"restitution"`
}

// Scenario implements Params.
func (USlopeParams) Scenario() Scenario { return USlope }

// Validate implements Params.
func (p USlopeParams) Validate() error {
	c := checker{scenario: USlope}
	checkBall(&c, p.Radius, p.Mass, p.Friction, p.Restitution)
	c.finite("angle", p.Angle)
	c.between("angle", p.Angle, math.Pi/36, math.Pi/3)
	c.positive("length", p.Length)
	c.between("length", p.Length, 4*p.Radius, MaxExtent/2)
	c.finite("floor", p.Floor)
	c.between("floor", p.Floor, 0, MaxExtent/2)
	c.finite("start", p.Start)
	c.between("start", p.Start, p.Radius, p.Length-p.Radius)
	return c.result()
}

// leftTop is the x of the left ramp's vertical side.
func (p USlopeParams) leftTop() float64 { return -p.Floor/2 - p.Length*math.Cos(p.Angle) }

func (p USlopeParams) build(s *scene) {
	s.addGround(p.Friction, p.Restitution)
	left := p.leftTop()
	s.addRamp(left, p.Angle, p.Length, true, p.Friction, p.Restitution)
	s.addRamp(-left, p.Angle, p.Length, false, p.Friction, p.Restitution)
	s.add(bodySpec{
		name: "ball", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.Radius},
		mass: p.Mass, friction: p.Friction, restitution: p.Restitution,
		position: onRamp(left, p.Angle, p.Length, p.Start, p.Radius),
	})
}

// USlopeRanges is the distribution of U-slope scenes.
type USlopeRanges struct {
	Angle, Length, Floor, Start, Radius, Mass, Friction, Restitution Range
}

// USlopeInDistribution is the training distribution; friction is above tan(angle)/3 so the
// ball rolls without slipping (see InclineInDistribution).
func USlopeInDistribution() USlopeRanges {
	return USlopeRanges{
		Angle: Range{math.Pi / 12, math.Pi / 6}, Length: Range{1.5, 2.5}, Floor: Range{0.5, 1.5},
		Start: Range{0.3, 0.6}, Radius: Range{0.1, 0.2}, Mass: Range{0.5, 2}, Friction: Range{0.35, 0.8},
		Restitution: Range{0, 0.2},
	}
}

// USlopeOutOfDistribution holds out steeper valleys and heavier balls.
func USlopeOutOfDistribution() USlopeRanges {
	r := USlopeInDistribution()
	r.Angle, r.Mass = Range{7 * math.Pi / 36, math.Pi / 4}, Range{3, 5}
	return r
}

// Scenario implements Distribution.
func (USlopeRanges) Scenario() Scenario { return USlope }

// Sample implements Distribution.
func (r USlopeRanges) Sample(rng *rand.Rand) Params {
	return USlopeParams{
		Angle: r.Angle.Sample(rng), Length: r.Length.Sample(rng), Floor: r.Floor.Sample(rng),
		Start: r.Start.Sample(rng), Radius: r.Radius.Sample(rng), Mass: r.Mass.Sample(rng),
		Friction: r.Friction.Sample(rng), Restitution: r.Restitution.Sample(rng),
	}
}

// Ranges implements Distribution.
func (r USlopeRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("angle", r.Angle), named("length", r.Length), named("floor", r.Floor), named("start", r.Start),
		named("radius", r.Radius), named("mass", r.Mass), named("friction", r.Friction),
		named("restitution", r.Restitution),
	}
}
