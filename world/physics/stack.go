package physics

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// StackParams describes a column of identical boxes resting on the ground, each shifted
// sideways relative to the one below. Whether it stands is decided by statics (see
// StackIsStable), and its Scenario is StableStack or UnstableStack accordingly, so the
// label always matches the physics.
type StackParams struct {
	Width    float64   `json:"width"`   // box width, m
	Height   float64   `json:"height"`  // box height, m
	X        float64   `json:"x"`       // centre of the bottom box, m
	Offsets  []float64 `json:"offsets"` // Offsets[i]: x shift of box i+1 relative to box i, m
	Mass     float64   `json:"mass"`    // kg per box
	Friction float64   `json:"friction"`
}

// Count is the number of boxes.
func (p StackParams) Count() int { return len(p.Offsets) + 1 }

// StackIsStable reports whether a stack of equal boxes stands: for every box, the centre of
// mass of all boxes above it must lie strictly over its top face. This is the classical
// block-stacking condition (Johnson 1955; Paterson and Zwick 2006, "Overhang").
func StackIsStable(width float64, offsets []float64) bool {
	for k := range offsets {
		// Boxes k+1..n sit on box k; their centres relative to box k's centre are the
		// cumulative sums of the offsets from k on.
		sum, x := 0.0, 0.0
		for _, o := range offsets[k:] {
			x += o
			sum += x
		}
		if math.Abs(sum/float64(len(offsets)-k)) >= width/2 {
			return false
		}
	}
	return true
}

// Scenario implements Params.
func (p StackParams) Scenario() Scenario {
	if StackIsStable(p.Width, p.Offsets) {
		return StableStack
	}
	return UnstableStack
}

// Validate implements Params.
func (p StackParams) Validate() error {
	c := checker{scenario: p.Scenario()}
	if n := p.Count(); n < 2 || n > 12 {
		c.fail("count", float64(n), "must lie in [2, 12]")
	}
	c.positive("width", p.Width)
	c.between("width", p.Width, 2*MinSize, MaxExtent)
	c.positive("height", p.Height)
	c.between("height", p.Height, 2*MinSize, MaxExtent)
	c.positive("mass", p.Mass)
	c.between("mass", p.Mass, 0, MaxMass)
	c.finite("friction", p.Friction)
	c.between("friction", p.Friction, 0, 10)
	c.finite("x", p.X)
	c.between("x", p.X, -MaxExtent/2, MaxExtent/2)
	for i, o := range p.Offsets {
		f := fmt.Sprintf("offsets[%d]", i)
		c.finite(f, o)
		// A box must overlap the one below, or it starts in free fall beside it.
		c.between(f, o, -0.95*p.Width, 0.95*p.Width)
	}
	return c.result()
}

func (p StackParams) build(s *scene) {
	s.addGround(p.Friction, 0)
	shape := Shape{Kind: Box, HalfExtents: Vec2{p.Width / 2, p.Height / 2}}
	x, y := p.X, restGap+p.Height/2
	for i := range p.Count() {
		if i > 0 {
			x += p.Offsets[i-1]
			y += p.Height + restGap
		}
		s.add(bodySpec{name: "block", typ: Dynamic, shape: shape, mass: p.Mass, friction: p.Friction, position: Vec2{x, y}})
	}
}

// StackRanges is the distribution of stacks. Every box is shifted by a fraction of the width
// drawn from Offset, all towards the same randomly drawn side, so the stack leans.
type StackRanges struct {
	Count            IntRange
	Width, Height, X Range
	Offset           Range // fraction of the width
	Mass, Friction   Range
}

// StableStackInDistribution is the training distribution of standing stacks. With at most 7
// boxes and offsets within 8% of the width, the centre of mass above any box is at most
// 0.08*(1+...+6)/6 = 28% of the width from its centre, inside the 50% that statics allow.
func StableStackInDistribution() StackRanges {
	return StackRanges{
		Count: IntRange{3, 5}, Width: Range{0.3, 0.5}, Height: Range{0.2, 0.3}, X: Range{-0.5, 0.5},
		Offset: Range{0, 0.08}, Mass: Range{0.5, 2}, Friction: Range{0.5, 0.8},
	}
}

// StableStackOutOfDistribution holds out taller stacks of larger, heavier boxes.
func StableStackOutOfDistribution() StackRanges {
	r := StableStackInDistribution()
	r.Count, r.Width, r.Mass = IntRange{6, 7}, Range{0.55, 0.7}, Range{2.5, 4}
	return r
}

// UnstableStackInDistribution is the training distribution of leaning towers that topple:
// every box rests on the one below (offsets under half the width), but with at least 3 boxes
// and offsets of 40% or more, the boxes above the bottom one have their centre of mass at
// least 1.5*0.4 = 60% of the width from its centre, beyond its edge.
func UnstableStackInDistribution() StackRanges {
	r := StableStackInDistribution()
	r.Offset = Range{0.4, 0.45}
	return r
}

// UnstableStackOutOfDistribution holds out taller stacks of larger, heavier boxes.
func UnstableStackOutOfDistribution() StackRanges {
	r := StableStackOutOfDistribution()
	r.Offset = Range{0.4, 0.45}
	return r
}

// Scenario implements Distribution. With all offsets on one side, the centre of mass above
// each box grows with the offsets and the count, so the smallest stack with the smallest
// offsets decides: if it falls, every sample falls.
func (r StackRanges) Scenario() Scenario {
	n := max(r.Count.Min, 2)
	offsets := make([]float64, n-1)
	for i := range offsets {
		offsets[i] = r.Offset.Min
	}
	if StackIsStable(1, offsets) {
		return StableStack
	}
	return UnstableStack
}

// Sample implements Distribution.
func (r StackRanges) Sample(rng *rand.Rand) Params {
	n := r.Count.Sample(rng)
	p := StackParams{Width: r.Width.Sample(rng), Height: r.Height.Sample(rng), X: r.X.Sample(rng), Offsets: make([]float64, n-1)}
	side := 1.0
	if rng.IntN(2) == 0 {
		side = -1
	}
	for i := range p.Offsets {
		p.Offsets[i] = side * p.Width * r.Offset.Sample(rng)
	}
	p.Mass, p.Friction = r.Mass.Sample(rng), r.Friction.Sample(rng)
	return p
}

// Ranges implements Distribution.
func (r StackRanges) Ranges() []NamedRange {
	return []NamedRange{
		namedInt("count", r.Count), named("width", r.Width), named("height", r.Height), named("x", r.X),
		named("offset_fraction", r.Offset), named("mass", r.Mass), named("friction", r.Friction),
	}
}
