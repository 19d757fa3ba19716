package synth

import (
	"math"
	"math/rand/v2"

	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
)

// Look is the randomized appearance of a clip: background, light, textures. Drawn from
// LookRanges so that a benchmark can also vary appearance in and out of distribution.
type Look struct {
	Background render.Background `json:"background"`
	Light      render.Light      `json:"light"`
	Textured   bool              `json:"textured"` // bodies carry stripes/checkers that show rotation
	StaticGrey uint8             `json:"static_grey"`
}

// LookRanges are the named ranges appearance is drawn from.
type LookRanges struct {
	LightAngle    [2]float64 // direction the light comes from, radians from +x (counter-clockwise)
	Ambient       [2]float64
	Diffuse       [2]float64
	SkyBrightness [2]float64 // of the background's top colour, 0..255
	StaticGrey    [2]float64
	TexturedProb  float64
}

// LookRangesFor returns the appearance ranges of a split. In distribution, light comes from
// the upper left to the upper right and the backdrop is mid to bright; out of distribution,
// light comes low from the right, scenes are dimmer and harsher and the backdrop darker, outside
// every training range.
func LookRangesFor(split physics.Split) LookRanges {
	if split == physics.OutOfDistribution {
		return LookRanges{
			LightAngle: [2]float64{-math.Pi / 8, math.Pi / 8}, Ambient: [2]float64{0.25, 0.4},
			Diffuse: [2]float64{0.65, 0.85}, SkyBrightness: [2]float64{60, 140}, StaticGrey: [2]float64{40, 90},
			TexturedProb: 0.7,
		}
	}
	return LookRanges{
		LightAngle: [2]float64{math.Pi / 4, 3 * math.Pi / 4}, Ambient: [2]float64{0.45, 0.65},
		Diffuse: [2]float64{0.35, 0.6}, SkyBrightness: [2]float64{150, 235}, StaticGrey: [2]float64{95, 150},
		TexturedProb: 0.7,
	}
}

func uniform(rng *rand.Rand, r [2]float64) float64 { return r[0] + rng.Float64()*(r[1]-r[0]) }

// SampleLook draws an appearance.
func (r LookRanges) SampleLook(rng *rand.Rand) Look {
	a := uniform(rng, r.LightAngle)
	sky := uint8(uniform(rng, r.SkyBrightness))
	tint := func(v uint8, d float64) uint8 { return uint8(math.Max(0, math.Min(255, float64(v)+d))) }
	bg := render.Background{Top: render.RGB{R: tint(sky, -25), G: tint(sky, -10), B: sky}}
	switch rng.IntN(3) {
	case 0:
		bg.Kind = render.Solid
	case 1:
		bg.Kind = render.VerticalGradient
		bg.Bottom = render.RGB{R: tint(sky, -70), G: tint(sky, -60), B: tint(sky, -50)}
	default:
		bg.Kind, bg.Texture, bg.Scale, bg.Seed = render.Textured, render.Noise, 0.3+0.5*rng.Float64(), rng.Uint64()
		bg.Bottom = render.RGB{R: tint(sky, -40), G: tint(sky, -35), B: tint(sky, -30)}
	}
	return Look{
		Background: bg,
		Light: render.Light{Dir: render.Vec2{X: math.Cos(a), Y: math.Sin(a)}, Ambient: uniform(rng, r.Ambient),
			Diffuse: uniform(rng, r.Diffuse), Shadow: 0.4},
		Textured:   rng.Float64() < r.TexturedProb,
		StaticGrey: uint8(uniform(rng, r.StaticGrey)),
	}
}

// sceneBuilder turns physics bodies into render bodies. Shapes and materials are fixed for a
// clip; frame sets the poses of one frame.
type sceneBuilder struct {
	traj  *physics.Trajectory
	scene render.Scene
	rods  []physics.Joint // distance joints, drawn as thin rods at scene.Bodies[0:len(rods)]
	index []int           // physics body index of scene.Bodies[len(rods)+k]
}

// rodHalfThickness of the drawn rod of a distance joint (metres).
const rodHalfThickness = 0.01

func newSceneBuilder(t *physics.Trajectory, look Look) *sceneBuilder {
	b := &sceneBuilder{traj: t}
	b.scene.Background, b.scene.Light = look.Background, look.Light
	for _, j := range t.Joints {
		if j.Kind == physics.Distance {
			b.rods = append(b.rods, j)
			b.scene.Bodies = append(b.scene.Bodies, render.Body{Static: true,
				Shape:    render.Shape{Kind: render.Box, HalfW: 0.5, HalfH: rodHalfThickness},
				Material: render.Material{Color: render.RGB{R: 60, G: 60, B: 64}}})
		}
	}
	// Static geometry before dynamic bodies, so that bodies are drawn in front of it.
	for pass := range 2 {
		for i, body := range t.Bodies {
			if (body.Type == physics.Static) == (pass == 0) {
				b.index = append(b.index, i)
				b.scene.Bodies = append(b.scene.Bodies, renderBody(i, body, look))
			}
		}
	}
	return b
}

// renderBody gives a physics body its look. Dynamic bodies take their palette colour and, when
// the look is textured, stripes (balls) or checkers (boxes) in a darker shade so that rotation
// shows; their mask ID is their physics body index plus one (0 is the background, and body 0 is
// dynamic in scenes without ground, such as the collision scene). Static
// geometry is a noisy grey and stays out of the mask.
func renderBody(i int, body physics.Body, look Look) render.Body {
	rb := render.Body{Shape: renderShape(body.Shape), Static: body.Type == physics.Static}
	if rb.Static {
		g := look.StaticGrey
		rb.Material = render.Material{Color: render.RGB{R: g, G: g, B: g}, Texture: render.Noise,
			Pattern: render.RGB{R: g - 25, G: g - 25, B: g - 22}, Scale: 0.15, Seed: uint64(i)}
		return rb
	}
	c := world.ColourOf(body.Color).RGB
	rb.ID = uint16(i + 1)
	rb.Material = render.Material{Color: render.RGB{R: c[0], G: c[1], B: c[2]}}
	if look.Textured {
		rb.Material.Pattern = render.RGB{R: c[0] / 2, G: c[1] / 2, B: c[2] / 2}
		rb.Material.Texture, rb.Material.Scale = render.Stripes, extent(body.Shape)
		if body.Shape.Kind == physics.Box {
			rb.Material.Texture = render.Checker
		}
	}
	return rb
}

func renderShape(s physics.Shape) render.Shape {
	switch s.Kind {
	case physics.Circle:
		return render.Shape{Kind: render.Circle, Radius: s.Radius}
	case physics.Box:
		return render.Shape{Kind: render.Box, HalfW: s.HalfExtents.X, HalfH: s.HalfExtents.Y}
	}
	vs := make([]render.Vec2, len(s.Vertices))
	for i, v := range s.Vertices {
		vs[i] = render.Vec2{X: v.X, Y: v.Y}
	}
	return render.Shape{Kind: render.Polygon, Vertices: vs}
}

// extent is a texture period that puts about two stripes across a body.
func extent(s physics.Shape) float64 {
	switch s.Kind {
	case physics.Circle:
		return s.Radius
	case physics.Box:
		return math.Max(s.HalfExtents.X, s.HalfExtents.Y)
	}
	r := 0.0
	for _, v := range s.Vertices {
		r = math.Max(r, math.Hypot(v.X, v.Y))
	}
	return r
}

// frame sets the scene's poses to frame f and returns it.
func (b *sceneBuilder) frame(f int) *render.Scene {
	states := b.traj.Frames[f].States
	for k, j := range b.rods {
		pa, pb := worldPoint(states[j.BodyA], j.AnchorA), worldPoint(states[j.BodyB], j.AnchorB)
		rod := &b.scene.Bodies[k]
		rod.Pose = render.Pose{X: (pa.X + pb.X) / 2, Y: (pa.Y + pb.Y) / 2, Angle: math.Atan2(pb.Y-pa.Y, pb.X-pa.X)}
		rod.Shape.HalfW = math.Max(math.Hypot(pb.X-pa.X, pb.Y-pa.Y)/2, rodHalfThickness)
	}
	for k, i := range b.index {
		st := states[i]
		b.scene.Bodies[len(b.rods)+k].Pose = render.Pose{X: st.Position.X, Y: st.Position.Y, Angle: st.Angle}
	}
	return &b.scene
}

// bounds is the world rectangle the dynamic bodies sweep over the whole clip.
func (b *sceneBuilder) bounds() render.Rect {
	r := render.Rect{Min: render.Vec2{X: math.Inf(1), Y: math.Inf(1)}, Max: render.Vec2{X: math.Inf(-1), Y: math.Inf(-1)}}
	grow := func(p render.Vec2) {
		r.Min.X, r.Min.Y = math.Min(r.Min.X, p.X), math.Min(r.Min.Y, p.Y)
		r.Max.X, r.Max.Y = math.Max(r.Max.X, p.X), math.Max(r.Max.Y, p.Y)
	}
	for f := range b.traj.Frames {
		fb := b.frame(f).Bounds()
		grow(fb.Min)
		grow(fb.Max)
		// Rods and what they hang from (a pendulum's pivot) stay in view too.
		states := b.traj.Frames[f].States
		for _, j := range b.rods {
			pa, pb := worldPoint(states[j.BodyA], j.AnchorA), worldPoint(states[j.BodyB], j.AnchorB)
			grow(render.Vec2{X: pa.X, Y: pa.Y})
			grow(render.Vec2{X: pb.X, Y: pb.Y})
		}
	}
	// Keep the ground line in view: extend down to y = 0 when the motion stays above it.
	r.Min.Y = math.Min(r.Min.Y, -0.05*(r.Max.Y-r.Min.Y+0.1))
	return r
}

// worldPoint maps a body-frame point to the world at state st.
func worldPoint(st physics.BodyState, p physics.Vec2) physics.Vec2 {
	sin, cos := math.Sincos(st.Angle)
	return physics.Vec2{X: st.Position.X + cos*p.X - sin*p.Y, Y: st.Position.Y + sin*p.X + cos*p.Y}
}
