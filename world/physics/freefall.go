package physics

import "math/rand/v2"

// FreeFallParams describes a ball released at rest above the ground.
type FreeFallParams struct {
	Radius      float64 `json:"radius"` // m
	Mass        float64 `json:"mass"`   // kg
	X           float64 `json:"x"`      // horizontal position of the centre, m
	Height      float64 `json:"height"` // initial height of the centre above the ground, m
	Restitution float64 `json:"restitution"`
	Friction    float64 `json:"friction"`
}

// Scenario implements Params.
func (FreeFallParams) Scenario() Scenario { return FreeFall }

// Validate implements Params.
func (p FreeFallParams) Validate() error {
	c := checker{scenario: FreeFall}
	checkBall(&c, p.Radius, p.Mass, p.Friction, p.Restitution)
	c.finite("x", p.X)
	c.between("x", p.X, -MaxExtent, MaxExtent)
	c.finite("height", p.Height)
	c.between("height", p.Height, p.Radius, MaxExtent)
	return c.result()
}

func (p FreeFallParams) build(s *scene) {
	s.addGround(p.Friction, p.Restitution)
	s.add(bodySpec{
		name: "ball", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.Radius},
		mass: p.Mass, friction: p.Friction, restitution: p.Restitution,
		position: Vec2{p.X, p.Height},
	})
}

// checkBall validates the parameters shared by every single-ball scene.
func checkBall(c *checker, radius, mass, friction, restitution float64) {
	c.positive("radius", radius)
	c.between("radius", radius, MinSize, MaxExtent)
	c.positive("mass", mass)
	c.between("mass", mass, 0, MaxMass)
	c.finite("friction", friction)
	c.between("friction", friction, 0, 10)
	c.finite("restitution", restitution)
	c.between("restitution", restitution, 0, 1)
}

// FreeFallRanges is the distribution of free-fall scenes.
type FreeFallRanges struct {
	Radius, Mass, X, Height, Restitution, Friction Range
}

// FreeFallInDistribution is the training distribution.
func FreeFallInDistribution() FreeFallRanges {
	return FreeFallRanges{
		Radius: Range{0.1, 0.3}, Mass: Range{0.5, 2}, X: Range{-1, 1}, Height: Range{1, 3},
		Restitution: Range{0, 0.8}, Friction: Range{0.2, 0.8},
	}
}

// FreeFallOutOfDistribution holds out larger, heavier balls dropped from higher up.
func FreeFallOutOfDistribution() FreeFallRanges {
	r := FreeFallInDistribution()
	r.Radius, r.Mass, r.Height = Range{0.35, 0.5}, Range{3, 5}, Range{3.5, 5}
	return r
}

// Scenario implements Distribution.
func (FreeFallRanges) Scenario() Scenario { return FreeFall }

// Sample implements Distribution.
func (r FreeFallRanges) Sample(rng *rand.Rand) Params {
	return FreeFallParams{
		Radius: r.Radius.Sample(rng), Mass: r.Mass.Sample(rng), X: r.X.Sample(rng),
		Height: r.Height.Sample(rng), Restitution: r.Restitution.Sample(rng), Friction: r.Friction.Sample(rng),
	}
}

// Ranges implements Distribution.
func (r FreeFallRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("radius", r.Radius), named("mass", r.Mass), named("x", r.X), named("height", r.Height),
		named("restitution", r.Restitution), named("friction", r.Friction),
	}
}
