package physics

import (
	"math"
	"math/rand/v2"

	"github.com/ByteArena/box2d"
)

// restGap is the distance at which Box2D's position solver holds two resting polygons apart:
// their skins (b2_polygonRadius each) less the allowed overlap b2_linearSlop. Bodies placed
// at this gap start in equilibrium instead of dropping into it.
const restGap = 2*box2d.B2_polygonRadius - box2d.B2_linearSlop

// DominoesParams describes a row of identical upright blocks; the first leans towards the
// others by Tilt and falls into them.
type DominoesParams struct {
	Count     int     `json:"count"`
	Thickness float64 `json:"thickness"` // block width along x, m
	Height    float64 `json:"height"`    // m
	Gap       float64 `json:"gap"`       // distance between facing sides of neighbours, m
	X         float64 `json:"x"`         // left side of the first block, m
	Tilt      float64 `json:"tilt"`      // initial clockwise lean of the first block, radians
	Mass      float64 `json:"mass"`      // kg per block
	Friction  float64 `json:"friction"`
}

// Scenario implements Params.
func (DominoesParams) Scenario() Scenario { return Dominoes }

// Validate implements Params.
func (p DominoesParams) Validate() error {
	c := checker{scenario: Dominoes}
	if p.Count < 2 || p.Count > 50 {
		c.fail("count", float64(p.Count), "must lie in [2, 50]")
	}
	c.positive("thickness", p.Thickness)
	c.between("thickness", p.Thickness, 2*MinSize, p.Height/2)
	c.positive("height", p.Height)
	c.between("height", p.Height, 4*MinSize, MaxExtent)
	c.positive("mass", p.Mass)
	c.between("mass", p.Mass, 0, MaxMass)
	c.finite("friction", p.Friction)
	c.between("friction", p.Friction, 0, 10)
	c.finite("tilt", p.Tilt)
	// Leaning on its corner, the first block falls only if its centre of mass is past the
	// corner: tan(tilt) > thickness/height. A 1 degree margin keeps it from balancing.
	if c.err == nil {
		c.between("tilt", p.Tilt, math.Atan2(p.Thickness, p.Height)+math.Pi/180, math.Pi/4)
	}
	c.finite("x", p.X)
	c.between("x", p.X, -MaxExtent, MaxExtent)
	// The leaning first block must clear its neighbour, and every block must reach the next
	// one when it falls.
	c.finite("gap", p.Gap)
	c.between("gap", p.Gap, p.Height*math.Sin(p.Tilt)+restGap, 0.9*p.Height)
	if c.err == nil && p.X+float64(p.Count)*(p.Thickness+p.Gap) > MaxExtent {
		c.fail("count", float64(p.Count), "the row runs past the end of the ground")
	}
	return c.result()
}

func (p DominoesParams) build(s *scene) {
	s.addGround(p.Friction, 0)
	hw, hh := p.Thickness/2, p.Height/2
	shape := Shape{Kind: Box, HalfExtents: Vec2{hw, hh}}
	for i := range p.Count {
		left := p.X + float64(i)*(p.Thickness+p.Gap)
		b := bodySpec{
			name: "domino", typ: Dynamic, shape: shape, mass: p.Mass, friction: p.Friction,
			position: Vec2{left + hw, restGap + hh},
		}
		if i == 0 {
			// Rotate clockwise about the bottom-right corner, which stays on the ground.
			sin, cos := math.Sincos(p.Tilt)
			b.angle = -p.Tilt
			b.position = Vec2{left + hw - hw*cos + hh*sin, restGap + hw*sin + hh*cos}
		}
		s.add(b)
	}
}

// DominoesRanges is the distribution of domino rows. Thickness and gap are drawn as fractions
// of the height.
type DominoesRanges struct {
	Count                                  IntRange
	Height, ThicknessFraction, GapFraction Range
	X, Tilt, Mass, Friction                Range
}

// DominoesInDistribution is the training distribution. The tilt exceeds the toppling angle
// atan(0.2) = 0.197 rad of the thickest blocks, and the gap the reach sin(0.35)*height of the
// leaning first block plus the contact skin.
func DominoesInDistribution() DominoesRanges {
	return DominoesRanges{
		Count: IntRange{4, 7}, Height: Range{0.3, 0.5}, ThicknessFraction: Range{0.14, 0.2},
		GapFraction: Range{0.45, 0.6}, X: Range{-2, -1.5}, Tilt: Range{0.25, 0.35},
		Mass: Range{0.2, 0.5}, Friction: Range{0.4, 0.7},
	}
}

// DominoesOutOfDistribution holds out longer rows of taller, heavier blocks.
func DominoesOutOfDistribution() DominoesRanges {
	r := DominoesInDistribution()
	r.Count, r.Height, r.Mass = IntRange{8, 10}, Range{0.55, 0.7}, Range{0.6, 1}
	return r
}

// Scenario implements Distribution.
func (DominoesRanges) Scenario() Scenario { return Dominoes }

// Sample implements Distribution.
func (r DominoesRanges) Sample(rng *rand.Rand) Params {
	p := DominoesParams{Count: r.Count.Sample(rng), Height: r.Height.Sample(rng)}
	p.Thickness = p.Height * r.ThicknessFraction.Sample(rng)
	p.Gap = p.Height * r.GapFraction.Sample(rng)
	p.X, p.Tilt = r.X.Sample(rng), r.Tilt.Sample(rng)
	p.Mass, p.Friction = r.Mass.Sample(rng), r.Friction.Sample(rng)
	return p
}

// Ranges implements Distribution.
func (r DominoesRanges) Ranges() []NamedRange {
	return []NamedRange{
		namedInt("count", r.Count), named("height", r.Height), named("thickness_fraction", r.ThicknessFraction),
		named("gap_fraction", r.GapFraction), named("x", r.X), named("tilt", r.Tilt),
		named("mass", r.Mass), named("friction", r.Friction),
	}
}
