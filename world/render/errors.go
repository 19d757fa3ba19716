package render

import (
	"fmt"
	"math"
)

// SceneError reports a scene that cannot be rendered: which body (by index and ID; Body is -1
// for scene-level fields), which field, and what is wrong with it.
type SceneError struct {
	Body    int
	ID      uint16
	Field   string
	Problem string
}

func (e *SceneError) Error() string {
	if e.Body < 0 {
		return fmt.Sprintf("render: scene %s: %s", e.Field, e.Problem)
	}
	return fmt.Sprintf("render: body %d (id %d) %s: %s", e.Body, e.ID, e.Field, e.Problem)
}

// CameraError reports an unusable camera: which field and what is wrong with it.
type CameraError struct {
	Field   string
	Problem string
}

func (e *CameraError) Error() string {
	return fmt.Sprintf("render: camera %s: %s", e.Field, e.Problem)
}

// BufferError reports an output buffer whose length does not match the camera resolution.
type BufferError struct {
	Buffer    string
	Got, Want int
}

func (e *BufferError) Error() string {
	return fmt.Sprintf("render: %s buffer has %d elements, camera needs %d", e.Buffer, e.Got, e.Want)
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

func unit(v float64) bool { return v >= 0 && v <= 1 }

// Validate checks every body and the background and light; Render calls it first.
func (s *Scene) Validate() error {
	seen := make(map[uint16]int, len(s.Bodies))
	for i := range s.Bodies {
		b := &s.Bodies[i]
		bad := func(field, problem string, args ...any) error {
			return &SceneError{Body: i, ID: b.ID, Field: field, Problem: fmt.Sprintf(problem, args...)}
		}
		if b.ID != 0 {
			if j, dup := seen[b.ID]; dup {
				return bad("ID", "duplicates body %d; non-zero IDs must be unique", j)
			}
			seen[b.ID] = i
		}
		if !finite(b.Pose.X, b.Pose.Y, b.Pose.Angle) {
			return bad("Pose", "%+v is not finite", b.Pose)
		}
		if err := b.Shape.validate(); err != "" {
			return bad("Shape", "%s", err)
		}
		if b.Material.Texture > Noise {
			return bad("Material.Texture", "unknown texture %d", b.Material.Texture)
		}
		if b.Material.Texture != Plain && !positive(b.Material.Scale) {
			return bad("Material.Scale", "%v must be positive and finite for a texture", b.Material.Scale)
		}
	}
	bg := s.Background
	if bg.Kind > Textured {
		return &SceneError{Body: -1, Field: "Background.Kind", Problem: fmt.Sprintf("unknown kind %d", bg.Kind)}
	}
	if bg.Kind == Textured && (bg.Texture > Noise || bg.Texture == Plain || !positive(bg.Scale)) {
		return &SceneError{Body: -1, Field: "Background", Problem: fmt.Sprintf("textured background needs a texture and a positive Scale, got texture %d scale %v", bg.Texture, bg.Scale)}
	}
	l := s.Light
	if !finite(l.Dir.X, l.Dir.Y) || !unit(l.Ambient) || !unit(l.Diffuse) || !unit(l.Shadow) {
		return &SceneError{Body: -1, Field: "Light", Problem: fmt.Sprintf("%+v: Dir must be finite, Ambient, Diffuse and Shadow in [0, 1]", l)}
	}
	return nil
}

// validate returns "" for a usable shape, else the problem.
func (sh *Shape) validate() string {
	switch sh.Kind {
	case Circle:
		if !positive(sh.Radius) {
			return fmt.Sprintf("circle radius %v must be positive and finite", sh.Radius)
		}
	case Box:
		if !positive(sh.HalfW) || !positive(sh.HalfH) {
			return fmt.Sprintf("box half-extents %v x %v must be positive and finite", sh.HalfW, sh.HalfH)
		}
	case Polygon:
		return validatePolygon(sh.Vertices)
	default:
		return fmt.Sprintf("unknown shape kind %d", sh.Kind)
	}
	return ""
}

// maxPolygonVertices bounds the per-pixel cost of a polygon.
const maxPolygonVertices = 64

func validatePolygon(vs []Vec2) string {
	n := len(vs)
	if n < 3 || n > maxPolygonVertices {
		return fmt.Sprintf("polygon has %d vertices, need 3 to %d", n, maxPolygonVertices)
	}
	for _, v := range vs {
		if !finite(v.X, v.Y) {
			return fmt.Sprintf("polygon vertex %+v is not finite", v)
		}
	}
	sign := 0.0
	for i := range n {
		a, b, c := vs[i], vs[(i+1)%n], vs[(i+2)%n]
		cross := (b.X-a.X)*(c.Y-b.Y) - (b.Y-a.Y)*(c.X-b.X)
		if cross == 0 || !finite(cross) {
			return fmt.Sprintf("polygon vertices %d..%d are collinear, repeated or too far apart", i, (i+2)%n)
		}
		if sign != 0 && (cross > 0) != (sign > 0) {
			return "polygon is not convex"
		}
		sign = cross
	}
	// A star polygon turns the same way at every vertex but winds more than once.
	turn := 0.0
	for i := range n {
		a, b, c := vs[i], vs[(i+1)%n], vs[(i+2)%n]
		turn += math.Abs(math.Atan2((b.X-a.X)*(c.Y-b.Y)-(b.Y-a.Y)*(c.X-b.X), (b.X-a.X)*(c.X-b.X)+(b.Y-a.Y)*(c.Y-b.Y)))
	}
	if turn > 2*math.Pi+1e-6 {
		return "polygon winds more than once"
	}
	return ""
}
