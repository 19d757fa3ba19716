package physics

import "math/rand/v2"

// CollisionParams describes two balls moving towards each other along a horizontal line
// without gravity or friction (the PhyWorld collision scene): ball A starts on the left, B
// on the right, and both centres lie at the same height, so the impact is head-on.
type CollisionParams struct {
	RadiusA     float64 `json:"radius_a"`
	RadiusB     float64 `json:"radius_b"`
	MassA       float64 `json:"mass_a"`
	MassB       float64 `json:"mass_b"`
	VelocityA   float64 `json:"velocity_a"` // m/s along +x
	VelocityB   float64 `json:"velocity_b"`
	Gap         float64 `json:"gap"`    // initial distance between the surfaces, m
	Height      float64 `json:"height"` // common height of the centres, m
	Restitution float64 `json:"restitution"`
}

// RestitutionThreshold is Box2D's b2_velocityThreshold (m/s): contacts closing slower than
// this are made inelastic whatever the restitution.
const RestitutionThreshold = 1.0

// Scenario implements Params.
func (CollisionParams) Scenario() Scenario { return Collision }

// Validate implements Params.
func (p CollisionParams) Validate() error {
	c := checker{scenario: Collision}
	checkBall(&c, p.RadiusA, p.MassA, 0, p.Restitution)
	checkBall(&c, p.RadiusB, p.MassB, 0, p.Restitution)
	c.speed("velocity_a", p.VelocityA)
	c.speed("velocity_b", p.VelocityB)
	c.positive("gap", p.Gap)
	c.between("gap", p.Gap, 0, MaxExtent)
	c.finite("height", p.Height)
	c.between("height", p.Height, -MaxExtent, MaxExtent)
	if c.err == nil && p.Restitution > 0 && p.VelocityA-p.VelocityB <= RestitutionThreshold {
		c.fail("velocity_a - velocity_b", p.VelocityA-p.VelocityB,
			"the closing speed must exceed Box2D's restitution threshold of 1 m/s")
	}
	return c.result()
}

func (p CollisionParams) build(s *scene) {
	s.setGravity(Vec2{})
	xa := -(p.Gap/2 + p.RadiusA)
	xb := p.Gap/2 + p.RadiusB
	s.add(bodySpec{
		name: "ball_a", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.RadiusA},
		mass: p.MassA, restitution: p.Restitution, position: Vec2{xa, p.Height}, velocity: Vec2{p.VelocityA, 0},
	})
	s.add(bodySpec{
		name: "ball_b", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.RadiusB},
		mass: p.MassB, restitution: p.Restitution, position: Vec2{xb, p.Height}, velocity: Vec2{p.VelocityB, 0},
	})
}

// CollisionRanges is the distribution of two-ball collisions.
type CollisionRanges struct {
	RadiusA, RadiusB, MassA, MassB, VelocityA, VelocityB, Gap, Height, Restitution Range
}

// CollisionInDistribution is the training distribution: perfectly elastic, closing speeds of
// at least 1.5 m/s (above RestitutionThreshold).
func CollisionInDistribution() CollisionRanges {
	return CollisionRanges{
		RadiusA: Range{0.15, 0.35}, RadiusB: Range{0.15, 0.35}, MassA: Range{0.5, 2}, MassB: Range{0.5, 2},
		VelocityA: Range{2, 4}, VelocityB: Range{-2, 0.5}, Gap: Range{0.5, 1.5}, Height: Range{1, 2},
		Restitution: Range{1, 1},
	}
}

// CollisionOutOfDistribution holds out faster, larger and heavier balls.
func CollisionOutOfDistribution() CollisionRanges {
	r := CollisionInDistribution()
	r.RadiusA, r.RadiusB = Range{0.4, 0.5}, Range{0.4, 0.5}
	r.MassA, r.MassB = Range{2.5, 4}, Range{2.5, 4}
	r.VelocityA, r.VelocityB = Range{5, 8}, Range{-5, -2.5}
	return r
}

// Scenario implements Distribution.
func (CollisionRanges) Scenario() Scenario { return Collision }

// Sample implements Distribution.
func (r CollisionRanges) Sample(rng *rand.Rand) Params {
	return CollisionParams{
		RadiusA: r.RadiusA.Sample(rng), RadiusB: r.RadiusB.Sample(rng),
		MassA: r.MassA.Sample(rng), MassB: r.MassB.Sample(rng),
		VelocityA: r.VelocityA.Sample(rng), VelocityB: r.VelocityB.Sample(rng),
		Gap: r.Gap.Sample(rng), Height: r.Height.Sample(rng), Restitution: r.Restitution.Sample(rng),
	}
}

// Ranges implements Distribution.
func (r CollisionRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("radius_a", r.RadiusA), named("radius_b", r.RadiusB), named("mass_a", r.MassA), named("mass_b", r.MassB),
		named("velocity_a", r.VelocityA), named("velocity_b", r.VelocityB), named("gap", r.Gap),
		named("height", r.Height), named("restitution", r.Restitution),
	}
}
