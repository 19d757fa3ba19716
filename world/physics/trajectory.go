package physics

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Vec2 is a point or vector in the vertical world plane: x to the right, y up, metres.
type Vec2 struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// ShapeKind names the geometry of a body.
type ShapeKind string

// The shape kinds.
const (
	Circle  ShapeKind = "circle"
	Box     ShapeKind = "box"
	Polygon ShapeKind = "polygon"
)

// Shape is a body's geometry in its own frame, centred on the body origin.
// Box2D keeps convex polygons (boxes included) apart by a skin of b2_polygonRadius = 1 cm
// minus the 5 mm slop, so resting polygons show gaps of about 5 mm; circles have no skin.
type Shape struct {
	Kind        ShapeKind `json:"kind"`
	Radius      float64   `json:"radius,omitempty"`      // Circle
	HalfExtents Vec2      `json:"half_extents,omitzero"` // Box: half width, half height
	Vertices    []Vec2    `json:"vertices,omitempty"`    // Polygon: counter-clockwise, body frame
}

// Area returns the shape's area in square metres.
func (s Shape) Area() float64 {
	switch s.Kind {
	case Circle:
		return circleArea(s.Radius)
	case Box:
		return 4 * s.HalfExtents.X * s.HalfExtents.Y
	}
	a := 0.0
	for i, p := range s.Vertices {
		q := s.Vertices[(i+1)%len(s.Vertices)]
		a += p.X*q.Y - q.X*p.Y
	}
	return a / 2
}

// BodyType tells whether a body moves.
type BodyType string

// The body types.
const (
	Static  BodyType = "static"
	Dynamic BodyType = "dynamic"
)

// Body is the constant description of one body: what a renderer needs to draw it and a
// benchmark needs to identify it. Static bodies have zero mass.
type Body struct {
	Name        string   `json:"name"`
	Type        BodyType `json:"type"`
	Shape       Shape    `json:"shape"`
	Color       int      `json:"color"` // palette index, distinct per body in a scene
	Mass        float64  `json:"mass"`  // kg
	Friction    float64  `json:"friction"`
	Restitution float64  `json:"restitution"`
}

// JointKind names a constraint between two bodies.
type JointKind string

// The joint kinds.
const (
	// Distance is a rigid massless rod between two anchor points.
	Distance JointKind = "distance"
	// Revolute is a hinge: the two anchors coincide and the bodies rotate freely about it.
	Revolute JointKind = "revolute"
)

// Joint is a constraint a renderer may draw (a pendulum rod, a seesaw hinge).
type Joint struct {
	Kind    JointKind `json:"kind"`
	BodyA   int       `json:"body_a"` // index into Trajectory.Bodies
	BodyB   int       `json:"body_b"`
	AnchorA Vec2      `json:"anchor_a"` // in BodyA's frame
	AnchorB Vec2      `json:"anchor_b"` // in BodyB's frame
}

// BodyState is the kinematic state of one body at one frame.
type BodyState struct {
	Position        Vec2    `json:"position"` // body origin (the centroid for every dynamic body here), m
	Velocity        Vec2    `json:"velocity"` // of the origin, m/s
	Angle           float64 `json:"angle"`    // counter-clockwise, radians, not wrapped
	AngularVelocity float64 `json:"angular_velocity"`
}

// Frame holds every body's state at one sampled instant.
type Frame struct {
	Time   float64     `json:"time"`   // seconds since the start
	States []BodyState `json:"states"` // indexed like Trajectory.Bodies
}

// Trajectory is the ground truth of one simulated scene.
type Trajectory struct {
	Scenario Scenario `json:"scenario"`
	Params   Params   `json:"params"`
	FPS      int      `json:"fps"`
	// StepHz is the physics rate: FPS times the number of substeps per frame.
	StepHz  float64 `json:"step_hz"`
	Gravity Vec2    `json:"gravity"` // m/s^2
	Bodies  []Body  `json:"bodies"`
	Joints  []Joint `json:"joints"`
	Frames  []Frame `json:"frames"`
}

// FormatError reports a trajectory document that cannot be decoded or is inconsistent.
type FormatError struct {
	Reason string
}

func (e *FormatError) Error() string { return "physics: trajectory: " + e.Reason }

// UnmarshalJSON decodes a trajectory written by json.Marshal, picking the parameter type
// from the scenario name, and checks that the document is self-consistent.
func (t *Trajectory) UnmarshalJSON(data []byte) error {
	type plain Trajectory
	var raw struct {
		plain
		Params json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return &FormatError{Reason: err.Error()}
	}
	p, err := decodeParams(raw.Scenario, raw.Params)
	if err != nil {
		return &FormatError{Reason: err.Error()}
	}
	if err := p.Validate(); err != nil {
		return &FormatError{Reason: err.Error()}
	}
	if p.Scenario() != raw.Scenario {
		return &FormatError{Reason: fmt.Sprintf("params describe %q, document says %q", p.Scenario(), raw.Scenario)}
	}
	if raw.FPS <= 0 {
		return &FormatError{Reason: fmt.Sprintf("fps %d is not positive", raw.FPS)}
	}
	for i, f := range raw.Frames {
		if len(f.States) != len(raw.Bodies) {
			return &FormatError{Reason: fmt.Sprintf("frame %d has %d states for %d bodies", i, len(f.States), len(raw.Bodies))}
		}
	}
	for i, j := range raw.Joints {
		if j.BodyA < 0 || j.BodyA >= len(raw.Bodies) || j.BodyB < 0 || j.BodyB >= len(raw.Bodies) {
			return &FormatError{Reason: fmt.Sprintf("joint %d refers to a missing body", i)}
		}
	}
	*t = Trajectory(raw.plain)
	t.Params = p
	return nil
}

// DecodeTrajectory decodes a JSON trajectory document. Every failure, syntax included, is a
// *FormatError.
func DecodeTrajectory(data []byte) (*Trajectory, error) {
	var t Trajectory
	if err := json.Unmarshal(data, &t); err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, &FormatError{Reason: err.Error()}
	}
	return &t, nil
}
