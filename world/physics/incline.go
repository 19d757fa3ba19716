package physics

import (
	"math"
	"math/rand/v2"

	"github.com/ByteArena/box2d"
)

// InclineParams describes a ball released at rest on a fixed ramp that descends to the
// right, from its top corner at x = 0 to the ground at x = Length*cos(Angle).
type InclineParams struct {
	Angle       float64 `json:"angle"`       // slope angle, radians
	Length      float64 `json:"length"`      // length of the slope surface, m
	Start       float64 `json:"start"`       // distance of the release point down the slope from the top, m
	Radius      float64 `json:"radius"`      // ball radius, m
	Mass        float64 `json:"mass"`        // kg
	Friction    float64 `json:"friction"`    // ball and ramp
	Restitution float64 `json:"restitution"` // ball and ramp
}

// Scenario implements Params.
func (InclineParams) Scenario() Scenario { return Incline }

// Validate implements Params.
func (p InclineParams) Validate() error {
	c := checker{scenario: Incline}
	checkBall(&c, p.Radius, p.Mass, p.Friction, p.Restitution)
	c.finite("angle", p.Angle)
	c.between("angle", p.Angle, math.Pi/36, math.Pi/3)
	c.positive("length", p.Length)
	c.between("length", p.Length, 4*p.Radius, MaxExtent)
	c.finite("start", p.Start)
	c.between("start", p.Start, p.Radius, p.Length-p.Radius)
	return c.result()
}

func (p InclineParams) build(s *scene) {
	s.addGround(p.Friction, p.Restitution)
	s.addRamp(0, p.Angle, p.Length, true, p.Friction, p.Restitution)
	s.add(bodySpec{
		name: "ball", typ: Dynamic, shape: Shape{Kind: Circle, Radius: p.Radius},
		mass: p.Mass, friction: p.Friction, restitution: p.Restitution,
		position: onRamp(0, p.Angle, p.Length, p.Start, p.Radius),
	})
}

// addRamp adds a static right triangle standing on the ground, with its vertical side at
// x = top and a slope of the given angle and length that descends to the right (or, if
// descendsRight is false, to the left).
func (s *scene) addRamp(top, angle, length float64, descendsRight bool, friction, restitution float64) int {
	w, h := length*math.Cos(angle), length*math.Sin(angle)
	// The ramp's body origin is its centroid, so that Position means the same for every body.
	cx, cy := w/3, h/3
	vs := []Vec2{{-cx, -cy}, {w - cx, -cy}, {-cx, h - cy}}
	if !descendsRight {
		cx = -cx
		vs = []Vec2{{-w - cx, -cy}, {-cx, -cy}, {-cx, h - cy}}
	}
	return s.add(bodySpec{
		name: "ramp", typ: Static, friction: friction, restitution: restitution,
		shape: Shape{Kind: Polygon, Vertices: vs}, position: Vec2{top + cx, cy},
	})
}

// onRamp returns the centre of a ball of the given radius touching the collision skin
// (b2_polygonRadius) of a right-descending ramp (see addRamp) at distance d down the slope.
func onRamp(top, angle, length, d, radius float64) Vec2 {
	sin, cos := math.Sincos(angle)
	off := radius + box2d.B2_polygonRadius
	return Vec2{top + d*cos + off*sin, length*sin - d*sin + off*cos}
}

// InclineRanges is the distribution of incline scenes.
type InclineRanges struct {
	Angle, Length, Start, Radius, Mass, Friction, Restitution Range
}

// InclineInDistribution is the training distribution. Friction is at least tan(Angle)/3 for
// every angle of both presets (tan(45 deg)/3 = 0.333), the condition for a solid disc to roll
// without slipping.
func InclineInDistribution() InclineRanges {
	return InclineRanges{
		Angle: Range{math.Pi / 12, math.Pi / 6}, Length: Range{2, 3}, Start: Range{0.3, 0.6},
		Radius: Range{0.1, 0.2}, Mass: Range{0.5, 2}, Friction: Range{0.35, 0.8}, Restitution: Range{0, 0.2},
	}
}

// InclineOutOfDistribution holds out steeper ramps and heavier balls.
func InclineOutOfDistribution() InclineRanges {
	r := InclineInDistribution()
	r.Angle, r.Mass = Range{7 * math.Pi / 36, math.Pi / 4}, Range{3, 5}
	return r
}

// Scenario implements Distribution.
func (InclineRanges) Scenario() Scenario { return Incline }

// Sample implements Distribution.
func (r InclineRanges) Sample(rng *rand.Rand) Params {
	return InclineParams{
		Angle: r.Angle.Sample(rng), Length: r.Length.Sample(rng), Start: r.Start.Sample(rng),
		Radius: r.Radius.Sample(rng), Mass: r.Mass.Sample(rng), Friction: r.Friction.Sample(rng),
		Restitution: r.Restitution.Sample(rng),
	}
}

// Ranges implements Distribution.
func (r InclineRanges) Ranges() []NamedRange {
	return []NamedRange{
		named("angle", r.Angle), named("length", r.Length), named("start", r.Start), named("radius", r.Radius),
		named("mass", r.Mass), named("friction", r.Friction), named("restitution", r.Restitution),
	}
}
