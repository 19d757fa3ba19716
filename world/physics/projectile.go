package physics

import (
	"math"
	"math/rand/v2"
)

// ProjectileParams describes a ball launched from a point above the ground; it follows a
// parabola until it lands.
type ProjectileParams struct {
	Radius      float64 `json:"radius"`
	Mass        float64 `json:"mass"`
	Position    Vec2    `json:"position"` // launch position of the centre, m
	Velocity    Vec2    `json:"velocity"` // launch velocity, m/s
	Restitution float64 `json:"restitution"`
	Friction    float64 `json:"friction"`
}

// Scenario implements Params.
func (ProjectileParams) Scenario() Scenario { return Projectile }

// Validate implements Params.
func (p ProjectileParams) Validate() error {
	c := checker{scenario: Projectile}
	checkBall(&c, p.Radius, p.Mass, p.Friction, p.Restitution)
	c.finite("position.x", p.Position.X)
	c.between("position.x", p.Position.X, -MaxExtent, MaxExtent)
	c.finite("position.y", p.Position.Y)
	c.between("position.y", p.Position.Y, p.Radius, MaxExtent)
	c.speed("velocity.x", p.Velocity.X)
	c.speed("velocity.y", p.Velocity.Y)
	return c.result()
}

func (p ProjectileParams) build(s *scene) {
	s.addGround(p.Friction, p.Restitution)
	s.add(bodySpec{
		name: "ball", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.Radius},
		mass: p.Mass, friction: p.Friction, restitution: p.Restitution,
		position: p.Position, velocity: p.Velocity,
	})
}

// ProjectileRanges is the distribution of projectile scenes: the launch velocity is drawn
// as a speed and an elevation angle.
type ProjectileRanges struct {
	Radius, Mass, X, Height, Restitution, Friction Range
	Speed                                          Range // m/s
	Elevation                                      Range // radians above the +x axis
}

// ProjectileInDistribution is the training distribution.
func ProjectileInDistribution() ProjectileRanges {
	return ProjectileRanges{
		Radius: Range{0.1, 0.25}, Mass: Range{0.5, 2}, X: Range{-3, -2}, Height: Range{0.5, 1.5},
		Restitution: Range{0, 0.5}, Friction: Range{0.2, 0.8},
		Speed: Range{2, 5}, Elevation: Range{math.Pi / 9, 7 * math.Pi / 18},
	}
}

// ProjectileOutOfDistribution holds out faster launches of heavier balls.
func ProjectileOutOfDistribution() ProjectileRanges {
	r := ProjectileInDistribution()
	r.Mass, r.Speed = Range{3, 5}, Range{6, 9}
	return r
}

// Scenario implements Distribution.
func (ProjectileRanges) Scenario() Scenario { return Projectile }

// Sample implements Distribution.
func (r ProjectileRanges) Sample(rng *rand.Rand) Params {
	p := ProjectileParams{
		Radius: r.Radius.Sample(rng), Mass: r.Mass.Sample(rng),
		Position:    Vec2{r.X.Sample(rng), r.Height.Sample(rng)},
		Restitution: r.Restitution.Sample(rng), Friction: r.Friction.Sample(rng),
	}
	v, a := r.Speed.Sample(rng), r.Elevation.Sample(rng)
	p.Velocity = Vec2{v * math.Cos(a), v * math.Sin(a)}
	return p
}

// Ranges implements Distribution.
func (r ProjectileRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("radius", r.Radius), named("mass", r.Mass), named("x", r.X), named("height", r.Height),
		named("restitution", r.Restitution), named("friction", r.Friction),
		named("speed", r.Speed), named("elevation", r.Elevation),
	}
}
