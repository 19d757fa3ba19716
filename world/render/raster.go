package render

import (
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// Renderer draws scenes. It keeps scratch buffers between calls, so rendering a clip
// frame after frame allocates nothing after the first frame. A Renderer is not safe for
// concurrent use; use one per goroutine.
type Renderer struct {
	acc     []float32 // composited colour, 3 per pixel, 0..255
	bgW     []float32 // visible weight of the background and ID-0 bodies per pixel
	bestW   []float32 // visible weight of the dominant non-zero-ID body per pixel
	best    []uint16  // that body's ID
	scratch []uint8   // colour buffer for Coverage
	edges   []halfPlane
	casters []caster // every dynamic body
	near    []caster // the casters whose shadows reach the static body being drawn
}

// NewRenderer returns a Renderer with empty scratch buffers.
func NewRenderer() *Renderer { return &Renderer{} }

// halfPlane is the outside of one polygon edge: points with nx*x + ny*y > c, (nx, ny) unit.
type halfPlane struct{ nx, ny, c float64 }

// caster is a dynamic body seen as a disc that darkens nearby static surfaces.
type caster struct{ x, y, r, soft float64 }

// lighting is Light turned into the vectors the shaders use.
type lighting struct {
	flat          bool
	l3x, l3y, l3z float64 // unit vector toward the light, z toward the viewer
	l2x, l2y      float64 // unit in-plane direction toward the light (0 when Dir is 0)
	amb, dif      float64
	shadow        float64
}

func newLighting(l Light) lighting {
	g := lighting{flat: l.Ambient == 0 && l.Diffuse == 0, amb: l.Ambient, dif: l.Diffuse, shadow: l.Shadow}
	// The light sits 45 degrees out of the plane toward the viewer, so faces are lit head-on too.
	n := math.Hypot(l.Dir.X, l.Dir.Y)
	if n > 0 && finite(n) {
		g.l2x, g.l2y = l.Dir.X/n, l.Dir.Y/n
	}
	s := math.Sqrt(0.5)
	if n == 0 {
		g.l3z = 1
	} else {
		g.l3x, g.l3y, g.l3z = g.l2x*s, g.l2y*s, s
	}
	return g
}

// Render draws the scene as seen by cam into dst, Height rows of Width RGB pixels (the
// layout of one video.Clip frame), and, if mask is not nil, the instance mask: for each pixel
// the ID of the body that contributes most to its colour, 0 where the background and ID-0
// bodies together contribute more. Ties go to the background.
//
// Every pixel is written. Errors: *CameraError, *SceneError, *BufferError.
func (r *Renderer) Render(dst []uint8, mask []uint16, s *Scene, cam Camera) error {
	if err := cam.Validate(); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	n := cam.Width * cam.Height
	if len(dst) != n*video.Channels {
		return &BufferError{Buffer: "colour", Got: len(dst), Want: n * video.Channels}
	}
	if mask != nil && len(mask) != n {
		return &BufferError{Buffer: "mask", Got: len(mask), Want: n}
	}
	r.reset(n)
	r.paintBackground(&s.Background, cam)
	light := newLighting(s.Light)
	r.casters = r.casters[:0]
	if light.shadow > 0 {
		for i := range s.Bodies {
			b := &s.Bodies[i]
			if b.Static {
				continue
			}
			rad := b.Shape.localRadius()
			// Shift the shadow away from the light by 30% of the body's size.
			r.casters = append(r.casters, caster{
				x: b.Pose.X - 0.3*rad*light.l2x, y: b.Pose.Y - 0.3*rad*light.l2y, r: rad, soft: 0.5 * rad,
			})
		}
	}
	for i := range s.Bodies {
		r.drawBody(&s.Bodies[i], cam, &light)
	}
	// Colours are never negative: every colour, shade and shadow factor is.
	for i, v := range r.acc {
		if v >= 254.5 {
			dst[i] = 255
		} else {
			dst[i] = uint8(v + 0.5)
		}
	}
	if mask != nil {
		for i := range mask {
			if r.bestW[i] > r.bgW[i] {
				mask[i] = r.best[i]
			} else {
				mask[i] = 0
			}
		}
	}
	return nil
}

// RenderFrame renders into frame t of clip; the camera must have the clip's size.
func (r *Renderer) RenderFrame(clip *video.Clip, t int, mask []uint16, s *Scene, cam Camera) error {
	if t < 0 || t >= clip.Frames {
		return fmt.Errorf("render: frame %d of a %d-frame clip", t, clip.Frames)
	}
	if cam.Width != clip.Width || cam.Height != clip.Height {
		return &CameraError{Field: "size", Problem: fmt.Sprintf("%dx%d does not match the %dx%d clip", cam.Width, cam.Height, clip.Width, clip.Height)}
	}
	return r.Render(clip.Frame(t), mask, s, cam)
}

// Coverage writes into dst (Width*Height values) the amodal coverage of body b alone, ignoring
// every other body: 255 where the shape covers a pixel fully, 0 where it misses it, the
// anti-aliased fraction in between. It is exactly the coverage Render uses for the body, so
// thresholding it at 128 gives the body's whole silhouette, hidden parts included.
func (r *Renderer) Coverage(dst []uint8, b *Body, cam Camera) error {
	if err := cam.Validate(); err != nil {
		return err
	}
	n := cam.Width * cam.Height
	if len(dst) != n {
		return &BufferError{Buffer: "coverage", Got: len(dst), Want: n}
	}
	// A white body over black, unlit: its red channel is 255 times its coverage.
	alone := Scene{Bodies: []Body{{ID: 1, Shape: b.Shape, Pose: b.Pose, Material: Material{Color: RGB{255, 255, 255}}}}}
	if cap(r.scratch) < 3*n {
		r.scratch = make([]uint8, 3*n)
	}
	rgb := r.scratch[:3*n]
	if err := r.Render(rgb, nil, &alone, cam); err != nil {
		return err
	}
	for i := range dst {
		dst[i] = rgb[3*i]
	}
	return nil
}

func (r *Renderer) reset(n int) {
	if cap(r.bgW) < n {
		r.acc = make([]float32, 3*n)
		r.bgW = make([]float32, n)
		r.bestW = make([]float32, n)
		r.best = make([]uint16, n)
	}
	r.acc, r.bgW, r.bestW, r.best = r.acc[:3*n], r.bgW[:n], r.bestW[:n], r.best[:n]
	for i := range r.bgW {
		r.bgW[i] = 1
	}
	clear(r.bestW)
	clear(r.best)
}

func rgbf(c RGB) [3]float64 { return [3]float64{float64(c.R), float64(c.G), float64(c.B)} }

func (r *Renderer) paintBackground(bg *Background, cam Camera) {
	top, bot := rgbf(bg.Top), rgbf(bg.Bottom)
	w, h := cam.Width, cam.Height
	switch bg.Kind {
	case Solid, VerticalGradient:
		for y := range h {
			t := 0.0
			if bg.Kind == VerticalGradient && h > 1 {
				t = float64(y) / float64(h-1)
			}
			c0 := float32(top[0] + (bot[0]-top[0])*t)
			c1 := float32(top[1] + (bot[1]-top[1])*t)
			c2 := float32(top[2] + (bot[2]-top[2])*t)
			row := r.acc[3*y*w : 3*(y+1)*w]
			for x := 0; x < len(row); x += 3 {
				row[x], row[x+1], row[x+2] = c0, c1, c2
			}
		}
	case Textured:
		m := cam.PixelToWorld()
		aa := cam.MetresPerPixel / bg.Scale
		i := 0
		for y := range h {
			wx := m.A*0.5 + m.B*(float64(y)+0.5) + m.C
			wy := m.D*0.5 + m.E*(float64(y)+0.5) + m.F
			for range w {
				t := patternWeight(bg.Texture, wx, wy, bg.Scale, aa, bg.Seed)
				r.acc[i] = float32(top[0] + (bot[0]-top[0])*t)
				r.acc[i+1] = float32(top[1] + (bot[1]-top[1])*t)
				r.acc[i+2] = float32(top[2] + (bot[2]-top[2])*t)
				i += 3
				wx += m.A
				wy += m.D
			}
		}
	}
}

// pixelBox is the range of pixels [x0, x1) x [y0, y1) that can touch the body, with a one
// pixel margin for the anti-aliasing ramp.
func pixelBox(b *Body, cam Camera) (x0, y0, x1, y1 int) {
	lo, hi := b.worldAABB()
	m := cam.WorldToPixel()
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range [4]Vec2{lo, {hi.X, lo.Y}, hi, {lo.X, hi.Y}} {
		q := m.Apply(p)
		minX, minY = math.Min(minX, q.X), math.Min(minY, q.Y)
		maxX, maxY = math.Max(maxX, q.X), math.Max(maxY, q.Y)
	}
	return clampPixel(math.Floor(minX)-1, cam.Width), clampPixel(math.Floor(minY)-1, cam.Height),
		clampPixel(math.Ceil(maxX)+1, cam.Width), clampPixel(math.Ceil(maxY)+1, cam.Height)
}

// clampPixel converts v to an int in [0, n]; NaN gives 0.
func clampPixel(v float64, n int) int {
	if !(v > 0) {
		return 0
	}
	if v >= float64(n) {
		return n
	}
	return int(v)
}

// drawBody composites one body over the pixels it touches.
//
// Coverage is analytic, from the signed distance d (in pixels) between the pixel centre and
// the shape outline: coverage = clamp(0.5 - d, 0, 1), a one-pixel linear ramp. For a straight
// edge parallel to a pixel side this is exactly the fraction of the pixel square inside the
// shape; for a 45-degree edge the exact fraction is 1 - (sqrt(1/2) - s)^2 at s = -d >= 0 (and
// symmetric), so the ramp is off by at most 0.043. Shapes are composited in painter's order
// with the "over" operator (Porter and Duff, "Compositing digital images", SIGGRAPH 1984),
// treating coverage as alpha.
func (r *Renderer) drawBody(b *Body, cam Camera, light *lighting) {
	x0, y0, x1, y1 := pixelBox(b, cam)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	sh := &b.Shape
	if sh.Kind == Polygon {
		r.edges = polygonEdges(r.edges[:0], sh.Vertices)
	}
	p2w := cam.PixelToWorld()
	sin, cos := math.Sincos(b.Pose.Angle)
	inv := 1 / cam.MetresPerPixel
	mat := &b.Material
	base, pat := rgbf(mat.Color), rgbf(mat.Pattern)
	aa := 0.0
	if mat.Texture != Plain {
		aa = cam.MetresPerPixel / mat.Scale
	}
	rad := sh.localRadius()
	shadows := b.Static && len(r.casters) > 0
	if shadows {
		r.castersNear(b)
		shadows = len(r.near) > 0
	}
	id := b.ID
	w := cam.Width
	for y := y0; y < y1; y++ {
		// World offset from the body origin (ox, oy) of the centre of pixel (x0, y).
		ox := p2w.A*(float64(x0)+0.5) + p2w.B*(float64(y)+0.5) + p2w.C - b.Pose.X
		oy := p2w.D*(float64(x0)+0.5) + p2w.E*(float64(y)+0.5) + p2w.F - b.Pose.Y
		for x := x0; x < x1; x, ox, oy = x+1, ox+p2w.A, oy+p2w.D {
			lx := cos*ox + sin*oy
			ly := -sin*ox + cos*oy
			var d float64
			switch sh.Kind {
			case Circle:
				d = math.Sqrt(lx*lx+ly*ly) - sh.Radius
			case Box:
				// Exact box distance (Quilez, "2D distance functions", iquilezles.org).
				qx, qy := math.Abs(lx)-sh.HalfW, math.Abs(ly)-sh.HalfH
				ux, uy := fmax(qx, 0), fmax(qy, 0)
				d = math.Sqrt(ux*ux+uy*uy) + fmin(fmax(qx, qy), 0)
			default:
				d = math.Inf(-1)
				for _, e := range r.edges {
					d = fmax(d, e.nx*lx+e.ny*ly-e.c)
				}
			}
			cov := 0.5 - d*inv
			if !(cov > 0) {
				continue
			}
			cov = min(cov, 1)
			c := base
			if mat.Texture != Plain {
				t := patternWeight(mat.Texture, lx, ly, mat.Scale, aa, mat.Seed)
				c = [3]float64{c[0] + (pat[0]-c[0])*t, c[1] + (pat[1]-c[1])*t, c[2] + (pat[2]-c[2])*t}
			}
			k := light.shade(sh.Kind, ox, oy, rad)
			if shadows {
				k *= r.shadowAt(ox+b.Pose.X, oy+b.Pose.Y, light.shadow)
			}
			r.composite(y*w+x, float32(cov), float32(c[0]*k), float32(c[1]*k), float32(c[2]*k), id)
		}
	}
}

// composite lays colour (c0, c1, c2) with coverage a over pixel i and keeps track of which
// source contributes most to the pixel's final colour.
func (r *Renderer) composite(i int, a, c0, c1, c2 float32, id uint16) {
	k := 1 - a
	p := r.acc[3*i : 3*i+3 : 3*i+3]
	p[0] = p[0]*k + c0*a
	p[1] = p[1]*k + c1*a
	p[2] = p[2]*k + c2*a
	// Everything already drawn is seen through (1-a) of this layer; since all earlier weights
	// scale alike, the dominant earlier body stays dominant among them.
	r.bgW[i] *= k
	r.bestW[i] *= k
	if id == 0 {
		r.bgW[i] += a
	} else if a > r.bestW[i] {
		r.bestW[i], r.best[i] = a, id
	}
}

// shade is the brightness factor of a surface point at world offset (ox, oy) from the body
// origin. Circles are lit as spheres with Lambert's cosine law; boxes and polygons as flat
// faces with a gentle gradient toward the light.
func (g *lighting) shade(kind ShapeKind, ox, oy, rad float64) float64 {
	if g.flat {
		return 1
	}
	var lambert float64
	if kind == Circle {
		nx, ny := ox/rad, oy/rad
		nz := math.Sqrt(fmax(0, 1-nx*nx-ny*ny))
		lambert = nx*g.l3x + ny*g.l3y + nz*g.l3z
	} else {
		lambert = g.l3z + 0.35*(ox*g.l2x+oy*g.l2y)/rad
	}
	return g.amb + g.dif*clamp01(lambert)
}

// shadowAt is the brightness factor of a static surface at world point (x, y) under the soft
// contact shadows of the casters: each darkens by up to strength, fading with a smoothstep over
// soft metres outside its disc.
func (r *Renderer) shadowAt(x, y, strength float64) float64 {
	f := 1.0
	for _, c := range r.near {
		dx, dy := x-c.x, y-c.y
		d2 := dx*dx + dy*dy
		reach := c.r + c.soft
		if d2 >= reach*reach {
			continue
		}
		t := clamp01(1 - (math.Sqrt(d2)-c.r)/c.soft)
		f *= 1 - strength*smooth(t)
	}
	return f
}

// fmax and fmin are max and min for the renderer's inner loops, without math.Max's NaN and
// signed-zero handling (the inputs are never NaN for a validated scene and camera).
func fmax(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func fmin(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// castersNear keeps in r.near the casters whose shadow discs touch the bounding box of b.
func (r *Renderer) castersNear(b *Body) {
	lo, hi := b.worldAABB()
	r.near = r.near[:0]
	for _, c := range r.casters {
		reach := c.r + c.soft
		if c.x+reach > lo.X && c.x-reach < hi.X && c.y+reach > lo.Y && c.y-reach < hi.Y {
			r.near = append(r.near, c)
		}
	}
}

// polygonEdges appends the outward half-planes of a convex polygon of either winding.
func polygonEdges(dst []halfPlane, vs []Vec2) []halfPlane {
	area := 0.0
	for i, a := range vs {
		b := vs[(i+1)%len(vs)]
		area += a.X*b.Y - b.X*a.Y
	}
	sign := 1.0 // counter-clockwise: the outward normal of edge a->b is (dy, -dx)
	if area < 0 {
		sign = -1
	}
	for i, a := range vs {
		b := vs[(i+1)%len(vs)]
		nx, ny := sign*(b.Y-a.Y), sign*(a.X-b.X)
		l := math.Hypot(nx, ny)
		nx, ny = nx/l, ny/l
		dst = append(dst, halfPlane{nx: nx, ny: ny, c: nx*a.X + ny*a.Y})
	}
	return dst
}
