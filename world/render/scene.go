package render

import (
	"math"
)

// Vec2 is a point or direction in world space (metres, y up) or pixel space (x right, y down).
type Vec2 struct{ X, Y float64 }

// Pose places a body in the world: the position of its local origin in metres and its
// counter-clockwise rotation in radians.
type Pose struct {
	X, Y  float64
	Angle float64
}

// ShapeKind names the geometric primitive of a Shape.
type ShapeKind uint8

const (
	// Circle is a disc of Shape.Radius around the local origin.
	Circle ShapeKind = iota + 1
	// Box is a rectangle of half-extents Shape.HalfW x Shape.HalfH centred on the local origin.
	Box
	// Polygon is the convex polygon Shape.Vertices in local coordinates (either winding).
	Polygon
)

func (k ShapeKind) String() string {
	switch k {
	case Circle:
		return "circle"
	case Box:
		return "box"
	case Polygon:
		return "polygon"
	}
	return "unknown shape"
}

// Shape is one primitive in body-local coordinates (metres). Only the fields of its Kind are used.
type Shape struct {
	Kind         ShapeKind
	Radius       float64 // Circle
	HalfW, HalfH float64 // Box
	Vertices     []Vec2  // Polygon: convex, at least 3, no repeated points
}

// RGB is an 8-bit colour.
type RGB struct{ R, G, B uint8 }

// TextureKind selects the procedural pattern painted on a material or background.
type TextureKind uint8

const (
	// Plain paints the base colour only.
	Plain TextureKind = iota
	// Stripes paints bands of Pattern colour across the local x axis, Scale metres per period.
	Stripes
	// Checker paints a checkerboard of squares Scale/2 metres wide.
	Checker
	// Noise blends the base and Pattern colours with seeded value noise of feature size Scale.
	Noise
)

// Material is how a body's surface looks. Textures live in body-local coordinates, so they
// turn with the body and make its rotation visible.
type Material struct {
	Color   RGB
	Texture TextureKind
	Pattern RGB     // second colour of the texture
	Scale   float64 // texture period in metres; must be positive when Texture != Plain
	Seed    uint64  // Noise seed
}

// Body is one rigid object of a frame.
//
// ID is written into the instance mask; 0 means "part of the background" and keeps the body
// out of the mask. Non-zero IDs must be unique within a scene. Static bodies (ground,
// inclines, walls) receive contact shadows from dynamic bodies and never cast them.
type Body struct {
	ID       uint16
	Shape    Shape
	Pose     Pose
	Material Material
	Static   bool
}

// BackgroundKind selects how pixels not covered by any body are painted.
type BackgroundKind uint8

const (
	// Solid paints Background.Top everywhere.
	Solid BackgroundKind = iota
	// VerticalGradient blends from Background.Top at the top image row to Background.Bottom at
	// the bottom row (a sky in screen space; it does not turn with camera roll).
	VerticalGradient
	// Textured paints Background.Texture in world coordinates with Top as the base colour and
	// Bottom as the pattern colour, so camera motion is visible against it.
	Textured
)

// Background describes the backdrop of a scene.
type Background struct {
	Kind        BackgroundKind
	Top, Bottom RGB
	Texture     TextureKind
	Scale       float64
	Seed        uint64
}

// Light is a directional light for simple shading. Dir points from the scene toward the
// light in world coordinates (x right, y up); the light also comes a little from the viewer so
// faces are never black. A zero Light (Diffuse 0) renders flat colours.
type Light struct {
	Dir     Vec2
	Ambient float64 // brightness of unlit surfaces, in [0, 1]
	Diffuse float64 // strength of the directional term, in [0, 1]
	// Shadow is the darkening, in [0, 1], of static surfaces in contact with dynamic bodies;
	// 0 disables contact shadows.
	Shadow float64
}

// DefaultLight is a light from the upper left with soft contact shadows.
var DefaultLight = Light{Dir: Vec2{-0.6, 0.8}, Ambient: 0.55, Diffuse: 0.55, Shadow: 0.45}

// Scene is everything drawn in one frame. Bodies are painted in order, so later bodies are in
// front of earlier ones; put static geometry first.
type Scene struct {
	Bodies     []Body
	Background Background
	Light      Light
}

// Rect is an axis-aligned world rectangle.
type Rect struct{ Min, Max Vec2 }

// Bounds is the world bounding box of the dynamic bodies, or of all bodies when every body is
// static. It is empty (Min > Max) for a scene without bodies.
func (s *Scene) Bounds() Rect {
	r := Rect{Min: Vec2{math.Inf(1), math.Inf(1)}, Max: Vec2{math.Inf(-1), math.Inf(-1)}}
	anyDynamic := false
	for i := range s.Bodies {
		anyDynamic = anyDynamic || !s.Bodies[i].Static
	}
	for i := range s.Bodies {
		b := &s.Bodies[i]
		if anyDynamic && b.Static {
			continue
		}
		lo, hi := b.worldAABB()
		r.Min.X, r.Min.Y = math.Min(r.Min.X, lo.X), math.Min(r.Min.Y, lo.Y)
		r.Max.X, r.Max.Y = math.Max(r.Max.X, hi.X), math.Max(r.Max.Y, hi.Y)
	}
	return r
}

// localRadius is the distance from the local origin to the farthest point of the shape.
func (sh *Shape) localRadius() float64 {
	switch sh.Kind {
	case Circle:
		return sh.Radius
	case Box:
		return math.Hypot(sh.HalfW, sh.HalfH)
	}
	r := 0.0
	for _, v := range sh.Vertices {
		r = math.Max(r, math.Hypot(v.X, v.Y))
	}
	return r
}

// worldAABB is the exact world bounding box of the body.
func (b *Body) worldAABB() (lo, hi Vec2) {
	p := b.Pose
	if b.Shape.Kind == Circle {
		r := b.Shape.Radius
		return Vec2{p.X - r, p.Y - r}, Vec2{p.X + r, p.Y + r}
	}
	sin, cos := math.Sincos(p.Angle)
	lo = Vec2{math.Inf(1), math.Inf(1)}
	hi = Vec2{math.Inf(-1), math.Inf(-1)}
	add := func(v Vec2) {
		x := p.X + cos*v.X - sin*v.Y
		y := p.Y + sin*v.X + cos*v.Y
		lo.X, lo.Y = math.Min(lo.X, x), math.Min(lo.Y, y)
		hi.X, hi.Y = math.Max(hi.X, x), math.Max(hi.Y, y)
	}
	if b.Shape.Kind == Box {
		w, h := b.Shape.HalfW, b.Shape.HalfH
		for _, v := range [4]Vec2{{-w, -h}, {w, -h}, {w, h}, {-w, h}} {
			add(v)
		}
		return lo, hi
	}
	for _, v := range b.Shape.Vertices {
		add(v)
	}
	return lo, hi
}
