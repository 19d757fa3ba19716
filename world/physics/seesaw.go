package physics

import (
	"math"
	"math/rand/v2"

	"github.com/ByteArena/box2d"
)

// SeesawParams describes a lever: a plank hinged at its middle on top of a triangular
// fulcrum, released level with a box resting on each end. The side with the larger moment
// (mass times distance from the hinge) goes down until the plank's end meets the ground.
type SeesawParams struct {
	PlankLength    float64 `json:"plank_length"`    // m
	PlankThickness float64 `json:"plank_thickness"` // m
	PlankMass      float64 `json:"plank_mass"`      // kg
	FulcrumHeight  float64 `json:"fulcrum_height"`  // height of the hinge above the ground, m
	BoxSize        float64 `json:"box_size"`        // side of both loads, m
	LeftMass       float64 `json:"left_mass"`       // kg
	RightMass      float64 `json:"right_mass"`      // kg
	LeftDistance   float64 `json:"left_distance"`   // from the hinge to the left box centre, m
	RightDistance  float64 `json:"right_distance"`  // from the hinge to the right box centre, m
	Friction       float64 `json:"friction"`
}

// MinMomentImbalance is the smallest relative difference between the two loads' moments:
// nearly balanced levers would tip whichever way rounding decides.
const MinMomentImbalance = 0.1

// Scenario implements Params.
func (SeesawParams) Scenario() Scenario { return Seesaw }

// Validate implements Params.
func (p SeesawParams) Validate() error {
	c := checker{scenario: Seesaw}
	c.positive("plank_length", p.PlankLength)
	c.between("plank_length", p.PlankLength, 8*MinSize, MaxExtent)
	c.positive("plank_thickness", p.PlankThickness)
	c.between("plank_thickness", p.PlankThickness, 2*MinSize, p.PlankLength/8)
	c.positive("plank_mass", p.PlankMass)
	c.between("plank_mass", p.PlankMass, 0, MaxMass)
	// The fulcrum must be lower than half the plank, or the plank never reaches the ground.
	c.positive("fulcrum_height", p.FulcrumHeight)
	c.between("fulcrum_height", p.FulcrumHeight, 2*MinSize, p.PlankLength/4)
	c.positive("box_size", p.BoxSize)
	c.between("box_size", p.BoxSize, 2*MinSize, p.PlankLength/4)
	for _, m := range []struct {
		name string
		v    float64
	}{{"left_mass", p.LeftMass}, {"right_mass", p.RightMass}} {
		c.positive(m.name, m.v)
		c.between(m.name, m.v, 0, MaxMass)
	}
	reach := p.PlankLength/2 - p.BoxSize/2
	c.finite("left_distance", p.LeftDistance)
	c.between("left_distance", p.LeftDistance, p.BoxSize, reach)
	c.finite("right_distance", p.RightDistance)
	c.between("right_distance", p.RightDistance, p.BoxSize, reach)
	c.finite("friction", p.Friction)
	c.between("friction", p.Friction, 0, 10)
	if c.err == nil {
		l, r := p.LeftMass*p.LeftDistance, p.RightMass*p.RightDistance
		if math.Abs(l-r) < MinMomentImbalance*math.Max(l, r) {
			c.fail("left_mass*left_distance - right_mass*right_distance", l-r,
				"the moments must differ by at least 10% so that the lever tips one way")
		}
	}
	return c.result()
}

func (p SeesawParams) build(s *scene) {
	s.addGround(p.Friction, 0)
	// An isosceles fulcrum whose apex is the hinge; its origin is its centroid.
	hw, h := p.FulcrumHeight/2, p.FulcrumHeight
	s.add(bodySpec{
		name: "fulcrum", typ: Static, friction: p.Friction,
		shape:    Shape{Kind: Polygon, Vertices: []Vec2{{-hw, -h / 3}, {hw, -h / 3}, {0, 2 * h / 3}}},
		position: Vec2{0, h / 3},
	})
	plankY := h + p.PlankThickness/2
	plank := s.add(bodySpec{
		name: "plank", typ: Dynamic, friction: p.Friction, mass: p.PlankMass,
		shape:    Shape{Kind: Box, HalfExtents: Vec2{p.PlankLength / 2, p.PlankThickness / 2}},
		position: Vec2{0, plankY},
	})
	s.addRevoluteJoint(1, plank, Vec2{0, h})
	boxY := plankY + p.PlankThickness/2 + restGap + p.BoxSize/2
	shape := Shape{Kind: Box, HalfExtents: Vec2{p.BoxSize / 2, p.BoxSize / 2}}
	s.add(bodySpec{name: "load_left", typ: Dynamic, shape: shape, mass: p.LeftMass, friction: p.Friction, position: Vec2{-p.LeftDistance, boxY}})
	s.add(bodySpec{name: "load_right", typ: Dynamic, shape: shape, mass: p.RightMass, friction: p.Friction, position: Vec2{p.RightDistance, boxY}})
}

// addRevoluteJoint pins two bodies together at a world point, leaving them free to rotate.
func (s *scene) addRevoluteJoint(a, b int, at Vec2) {
	def := box2d.MakeB2RevoluteJointDef()
	def.Initialize(s.handles[a], s.handles[b], box2d.MakeB2Vec2(at.X, at.Y))
	s.world.CreateJoint(&def)
	s.joints = append(s.joints, Joint{
		Kind: Revolute, BodyA: a, BodyB: b,
		AnchorA: vec(def.LocalAnchorA), AnchorB: vec(def.LocalAnchorB),
	})
}

// SeesawRanges is the distribution of seesaw scenes. Both loads sit at the same fraction of
// the half plank; one is heavier by the factor MassRatio, on a randomly drawn side.
type SeesawRanges struct {
	PlankLength, PlankMass, FulcrumFraction, BoxSize Range
	Mass                                             Range // the lighter load, kg
	MassRatio                                        Range // heavier over lighter, > 1.1
	DistanceFraction                                 Range // load distance over half the plank length
	Friction                                         Range
}

// SeesawInDistribution is the training distribution.
func SeesawInDistribution() SeesawRanges {
	return SeesawRanges{
		PlankLength: Range{1.5, 2.5}, PlankMass: Range{0.5, 1}, FulcrumFraction: Range{0.1, 0.2},
		BoxSize: Range{0.15, 0.25}, Mass: Range{0.5, 1.5}, MassRatio: Range{1.3, 2.5},
		DistanceFraction: Range{0.5, 0.8}, Friction: Range{0.6, 0.9},
	}
}

// SeesawOutOfDistribution holds out heavier loads and more lopsided mass ratios.
func SeesawOutOfDistribution() SeesawRanges {
	r := SeesawInDistribution()
	r.Mass, r.MassRatio = Range{2, 3}, Range{3, 4}
	return r
}

// Scenario implements Distribution.
func (SeesawRanges) Scenario() Scenario { return Seesaw }

// Sample implements Distribution.
func (r SeesawRanges) Sample(rng *rand.Rand) Params {
	l := r.PlankLength.Sample(rng)
	p := SeesawParams{
		PlankLength: l, PlankThickness: l / 25, PlankMass: r.PlankMass.Sample(rng),
		FulcrumHeight: l * r.FulcrumFraction.Sample(rng), BoxSize: r.BoxSize.Sample(rng),
	}
	light := r.Mass.Sample(rng)
	heavy := light * r.MassRatio.Sample(rng)
	p.LeftMass, p.RightMass = light, heavy
	if rng.IntN(2) == 0 {
		p.LeftMass, p.RightMass = heavy, light
	}
	d := r.DistanceFraction.Sample(rng) * l / 2
	p.LeftDistance, p.RightDistance = d, d
	p.Friction = r.Friction.Sample(rng)
	return p
}

// Ranges implements Distribution.
func (r SeesawRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("plank_length", r.PlankLength), named("plank_mass", r.PlankMass),
		named("fulcrum_fraction", r.FulcrumFraction), named("box_size", r.BoxSize), named("mass", r.Mass),
		named("mass_ratio", r.MassRatio), named("distance_fraction", r.DistanceFraction), named("friction", r.Friction),
	}
}
