package physics

import (
	"fmt"
	"math"
	"sync"

	"github.com/ByteArena/box2d"
)

// Solver settings.
const (
	// StepHz is the minimum physics rate. Each video frame is split into
	// ceil(StepHz/fps) equal substeps, so the step is h = 1/(fps*substeps) <= 1/StepHz.
	StepHz = 240
	// VelocityIterations and PositionIterations are Box2D's sequential-impulse and
	// position-projection sweeps per step. Box2D's manual recommends 8 and 3; stacks of
	// up to 7 boxes settle without creep at 10 and 8.
	VelocityIterations = 10
	PositionIterations = 8
	// MaxFrames bounds one simulation (100-frame renders are the benchmark length).
	MaxFrames = 10000
	// MaxFPS bounds the sampling rate.
	MaxFPS = 1000
)

// StandardGravity is g in m/s^2: the standard value 9.80665 (CGPM 1901) to three
// significant figures.
const StandardGravity = 9.81

// scene is a Box2D world under construction plus the ground-truth description of its bodies.
type scene struct {
	world   box2d.B2World
	gravity Vec2
	handles []*box2d.B2Body
	bodies  []Body
	joints  []Joint
}

func newScene(gravity Vec2) *scene {
	w := box2d.MakeB2World(box2d.MakeB2Vec2(gravity.X, gravity.Y))
	// Sleeping freezes bodies whose speed stays under a threshold for half a second;
	// ground truth must follow the equations of motion instead.
	w.SetAllowSleeping(false)
	return &scene{world: w, gravity: gravity}
}

// bodySpec is one body to add: shape and material plus initial state.
type bodySpec struct {
	name        string
	typ         BodyType
	shape       Shape
	mass        float64 // ignored for static bodies
	friction    float64
	restitution float64
	position    Vec2
	angle       float64
	velocity    Vec2
	angularVel  float64
}

// add creates the body and returns its index.
func (s *scene) add(b bodySpec) int {
	def := box2d.MakeB2BodyDef()
	def.Position = box2d.MakeB2Vec2(b.position.X, b.position.Y)
	def.Angle = b.angle
	def.AllowSleep = false
	mass := 0.0
	if b.typ == Dynamic {
		def.Type = box2d.B2BodyType.B2_dynamicBody
		def.LinearVelocity = box2d.MakeB2Vec2(b.velocity.X, b.velocity.Y)
		def.AngularVelocity = b.angularVel
		mass = b.mass
	}
	h := s.world.CreateBody(&def)
	fd := box2d.MakeB2FixtureDef()
	fd.Friction = b.friction
	fd.Restitution = b.restitution
	if mass > 0 {
		fd.Density = mass / b.shape.Area()
	}
	switch b.shape.Kind {
	case Circle:
		c := box2d.MakeB2CircleShape()
		c.M_radius = b.shape.Radius
		fd.Shape = &c
	case Box:
		p := box2d.MakeB2PolygonShape()
		p.SetAsBox(b.shape.HalfExtents.X, b.shape.HalfExtents.Y)
		fd.Shape = &p
	case Polygon:
		vs := make([]box2d.B2Vec2, len(b.shape.Vertices))
		for i, v := range b.shape.Vertices {
			vs[i] = box2d.MakeB2Vec2(v.X, v.Y)
		}
		p := box2d.MakeB2PolygonShape()
		p.Set(vs, len(vs))
		fd.Shape = &p
	default:
		panic(fmt.Sprintf("physics: unknown shape kind %q", b.shape.Kind))
	}
	h.CreateFixtureFromDef(&fd)
	s.handles = append(s.handles, h)
	s.bodies = append(s.bodies, Body{
		Name: b.name, Type: b.typ, Shape: b.shape, Color: len(s.bodies),
		Mass: h.GetMass(), Friction: b.friction, Restitution: b.restitution,
	})
	return len(s.bodies) - 1
}

// groundHalfHeight is the half thickness of the ground slab whose top is y = 0.
const groundHalfHeight = 0.5

// addGround adds the static floor: a slab 2*MaxExtent wide whose top surface is y = 0.
func (s *scene) addGround(friction, restitution float64) int {
	return s.add(bodySpec{
		name: "ground", typ: Static,
		shape:    Shape{Kind: Box, HalfExtents: Vec2{MaxExtent, groundHalfHeight}},
		position: Vec2{0, -groundHalfHeight}, friction: friction, restitution: restitution,
	})
}

// addDistanceJoint joins two bodies at world points pa and pb with a rigid rod.
func (s *scene) addDistanceJoint(a, b int, pa, pb Vec2) {
	def := box2d.MakeB2DistanceJointDef()
	def.Initialize(s.handles[a], s.handles[b], box2d.MakeB2Vec2(pa.X, pa.Y), box2d.MakeB2Vec2(pb.X, pb.Y))
	s.world.CreateJoint(&def)
	s.joints = append(s.joints, Joint{
		Kind: Distance, BodyA: a, BodyB: b,
		AnchorA: vec(def.LocalAnchorA), AnchorB: vec(def.LocalAnchorB),
	})
}

func vec(v box2d.B2Vec2) Vec2 { return Vec2{v.X, v.Y} }

func (s *scene) frame(t float64) Frame {
	f := Frame{Time: t, States: make([]BodyState, len(s.handles))}
	for i, h := range s.handles {
		f.States[i] = BodyState{
			Position: vec(h.GetPosition()), Velocity: vec(h.GetLinearVelocity()),
			Angle: h.GetAngle(), AngularVelocity: h.GetAngularVelocity(),
		}
	}
	return f
}

// Substeps returns how many physics steps Simulate takes per video frame at fps.
func Substeps(fps int) int {
	return (StepHz + fps - 1) / fps
}

// box2dMu serializes simulations: the Box2D port keeps package-level profiling counters (such as
// B2_toiIters) that every world step updates, so two concurrent simulations would race on them.
// They do not affect results, but a data race is undefined behaviour in Go; rendering, the
// expensive part of making a clip, stays parallel.
var box2dMu sync.Mutex

// Simulate validates p, builds its scene and records frames states sampled at fps: frame 0
// is the initial state and frame k is the state at time k/fps. The result is a pure function
// of (p, fps, frames): the same inputs give bitwise-identical trajectories.
func Simulate(p Params, fps, frames int) (*Trajectory, error) {
	if p == nil {
		return nil, fmt.Errorf("physics: simulate: nil params")
	}
	if fps <= 0 || fps > MaxFPS {
		return nil, fmt.Errorf("physics: simulate %s: fps %d outside [1, %d]", p.Scenario(), fps, MaxFPS)
	}
	if frames <= 0 || frames > MaxFrames {
		return nil, fmt.Errorf("physics: simulate %s: frames %d outside [1, %d]", p.Scenario(), frames, MaxFrames)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	box2dMu.Lock()
	defer box2dMu.Unlock()
	s := newScene(Vec2{0, -StandardGravity})
	p.build(s)
	sub := Substeps(fps)
	h := 1 / float64(fps*sub)
	t := &Trajectory{
		Scenario: p.Scenario(), Params: p, FPS: fps, StepHz: float64(fps * sub),
		Gravity: s.gravity, Bodies: s.bodies, Joints: s.joints,
		Frames: make([]Frame, 0, frames),
	}
	t.Frames = append(t.Frames, s.frame(0))
	for k := 1; k < frames; k++ {
		for range sub {
			s.world.Step(h, VelocityIterations, PositionIterations)
		}
		f := s.frame(float64(k) / float64(fps))
		for i, st := range f.States {
			if !finiteState(st) {
				return nil, fmt.Errorf("physics: simulate %s: body %q diverged at frame %d", p.Scenario(), s.bodies[i].Name, k)
			}
		}
		t.Frames = append(t.Frames, f)
	}
	return t, nil
}

func finiteState(s BodyState) bool {
	for _, v := range [...]float64{s.Position.X, s.Position.Y, s.Velocity.X, s.Velocity.Y, s.Angle, s.AngularVelocity} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func circleArea(r float64) float64 { return math.Pi * r * r }

// setGravity overrides the default downward gravity for scenes without it.
func (s *scene) setGravity(g Vec2) {
	s.gravity = g
	s.world.SetGravity(box2d.MakeB2Vec2(g.X, g.Y))
}
