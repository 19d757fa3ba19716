package scene3d

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// DefaultSupersample is the anti-aliasing grid used when RenderOptions.Supersample is 0:
// 3x3 rays per pixel, the odd size putting one ray exactly on the pixel centre.
const DefaultSupersample = 3

// maxSupersample bounds the per-side supersampling factor.
const maxSupersample = 8

// nearT is the smallest hit distance (camera z, metres) accepted: a near clipping plane.
const nearT = 1e-6

// RenderOptions controls Render. Supersample n (1..8; 0 means DefaultSupersample) casts n x n
// rays per pixel at the centres of an n x n grid of sub-pixel cells and averages their colour.
type RenderOptions struct {
	Supersample int `json:"supersample"`
}

func (o RenderOptions) grid() (int, error) {
	n := o.Supersample
	if n == 0 {
		n = DefaultSupersample
	}
	if n < 1 || n > maxSupersample {
		return 0, paramErr("Render", "supersample", o.Supersample, "must be in [0, 8]")
	}
	return n, nil
}

// Frame is one rendered view. RGB is Height x Width x 3, row-major (the layout of a video.Clip
// frame). Depth is the camera-frame z of the surface seen through each pixel centre, in metres,
// +Inf where the ray hits nothing. Mask is the ID of the object seen through each pixel centre,
// 0 for background.
type Frame struct {
	Width  int
	Height int
	RGB    []uint8
	Depth  []float32
	Mask   []uint16
}

// Render draws scene s from camera (k, p).
func Render(s *Scene, k Intrinsics, p Pose, opt RenderOptions) (*Frame, error) {
	if err := checkRender(s, k, p); err != nil {
		return nil, err
	}
	n, err := opt.grid()
	if err != nil {
		return nil, err
	}
	px := k.Width * k.Height
	f := &Frame{Width: k.Width, Height: k.Height, RGB: make([]uint8, 3*px), Depth: make([]float32, px), Mask: make([]uint16, px)}
	renderInto(s, k, p, n, f.RGB, f.Depth, f.Mask)
	return f, nil
}

func checkRender(s *Scene, k Intrinsics, p Pose) error {
	if s == nil {
		return paramErr("Render", "scene", "nil", "no scene")
	}
	if err := s.Validate(); err != nil {
		return err
	}
	if err := k.Validate(); err != nil {
		return err
	}
	return p.Validate()
}

// hit is a ray-surface intersection.
type hit struct {
	t      float64 // ray parameter; equals camera z because rays have camera-frame z = 1
	normal Vec3    // unit, world frame, facing the ray origin
	u, v   float64 // texture coordinates, metres
	obj    int     // index into Scene.Objects, -1 for none
}

// prim is an object with the per-frame constants its intersection test needs.
type prim struct {
	o      *Object
	bound2 float64 // squared radius of a sphere around a box, for a cheap rejection
	t1, t2 Vec3    // plane tangents, for texture coordinates
}

func prepare(s *Scene) []prim {
	ps := make([]prim, len(s.Objects))
	for i := range s.Objects {
		o := &s.Objects[i]
		ps[i].o = o
		switch o.Shape {
		case Box:
			ps[i].bound2 = o.Size.Dot(o.Size)
		case Plane:
			ps[i].t1, ps[i].t2 = tangents(o.Normal)
		}
	}
	return ps
}

// renderInto fills rgb, depth and mask. Rows are shared among GOMAXPROCS workers through an
// atomic counter; each pixel depends only on its own rays, so the result does not depend on
// the number of workers.
func renderInto(s *Scene, k Intrinsics, p Pose, n int, rgb []uint8, depth []float32, mask []uint16) {
	origin := p.Center()
	light := s.Light.Unit()
	ps := prepare(s)
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), k.Height)
	for range workers {
		wg.Go(func() {
			for {
				y := int(next.Add(1) - 1)
				if y >= k.Height {
					return
				}
				renderRow(s, ps, k, p, origin, light, n, y, rgb, depth, mask)
			}
		})
	}
	wg.Wait()
}

func renderRow(s *Scene, ps []prim, k Intrinsics, p Pose, origin, light Vec3, n, y int, rgb []uint8, depth []float32, mask []uint16) {
	inv := 1 / float64(n)
	for x := range k.Width {
		i := y*k.Width + x
		centre := trace(ps, origin, rayDir(k, p, float64(x), float64(y)))
		if centre.obj < 0 {
			depth[i] = float32(math.Inf(1))
		} else {
			depth[i] = float32(centre.t)
			mask[i] = s.Objects[centre.obj].ID
		}
		var sum Vec3
		for sy := range n {
			for sx := range n {
				// Sub-cell centres at offsets ((j+0.5)/n - 0.5) around the pixel centre.
				ox, oy := (float64(sx)+0.5)*inv-0.5, (float64(sy)+0.5)*inv-0.5
				h := centre
				if ox != 0 || oy != 0 {
					h = trace(ps, origin, rayDir(k, p, float64(x)+ox, float64(y)+oy))
				}
				sum = sum.Add(shade(s, light, h))
			}
		}
		sum = sum.Scale(inv * inv)
		rgb[3*i] = quantize(sum.X)
		rgb[3*i+1] = quantize(sum.Y)
		rgb[3*i+2] = quantize(sum.Z)
	}
}

// rayDir is the world direction through image point (u, v), scaled so its camera-frame z is 1:
// R^T K^-1 (u, v, 1).
func rayDir(k Intrinsics, p Pose, u, v float64) Vec3 {
	return p.R.TMulVec(Vec3{X: (u - k.Cx) / k.Fx, Y: (v - k.Cy) / k.Fy, Z: 1})
}

func quantize(c float64) uint8 {
	return uint8(math.Round(math.Min(1, math.Max(0, c)) * 255))
}

// shade returns the linear colour of a hit: Lambert diffuse from the directional light plus
// ambient, times the texture; emissive objects keep their texture colour; misses get the sky.
func shade(s *Scene, light Vec3, h hit) Vec3 {
	if h.obj < 0 {
		return s.Sky
	}
	o := &s.Objects[h.obj]
	albedo := o.Texture.At(h.u, h.v)
	if o.Emissive {
		return albedo
	}
	return albedo.Scale(s.Ambient + (1-s.Ambient)*math.Max(0, h.normal.Dot(light)))
}

// trace returns the nearest hit along origin + t*dir with t > nearT. Only distances are
// computed per object; normal and texture coordinates only for the nearest.
func trace(ps []prim, origin, dir Vec3) hit {
	best, bestT, axis := -1, math.Inf(1), 0
	for i := range ps {
		pr := &ps[i]
		var t float64
		a := 0
		switch pr.o.Shape {
		case Sphere:
			t = sphereT(pr.o.Center, pr.o.Radius*pr.o.Radius, origin, dir)
		case Box:
			if math.IsInf(sphereT(pr.o.Center, pr.bound2, origin, dir), 1) && !insideSphere(pr.o.Center, pr.bound2, origin) {
				continue
			}
			t, a = boxT(pr.o, origin, dir)
		case Plane:
			t = planeT(pr.o, origin, dir)
		}
		if t < bestT {
			best, bestT, axis = i, t, a
		}
	}
	if best < 0 {
		return hit{t: math.Inf(1), obj: -1}
	}
	h := surface(&ps[best], origin, dir, bestT, axis)
	h.obj = best
	return h
}

func insideSphere(c Vec3, r2 float64, origin Vec3) bool {
	d := origin.Sub(c)
	return d.Dot(d) <= r2
}

// sphereT is the nearest t > nearT where origin + t*dir meets the sphere (c, sqrt(r2)), or +Inf.
func sphereT(c Vec3, r2 float64, origin, dir Vec3) float64 {
	oc := origin.Sub(c)
	a := dir.Dot(dir)
	b := oc.Dot(dir)
	disc := b*b - a*(oc.Dot(oc)-r2)
	if disc < 0 {
		return math.Inf(1)
	}
	sq := math.Sqrt(disc)
	if t := (-b - sq) / a; t > nearT {
		return t
	}
	if t := (-b + sq) / a; t > nearT {
		return t
	}
	return math.Inf(1)
}

// boxT intersects in the box frame with the slab method (Kay and Kajiya, "Ray tracing complex
// scenes", SIGGRAPH 1986). It returns the hit distance (+Inf for none) and the axis of the
// face hit.
func boxT(o *Object, origin, dir Vec3) (float64, int) {
	ol := o.Rotation.TMulVec(origin.Sub(o.Center))
	dl := o.Rotation.TMulVec(dir)
	op := [3]float64{ol.X, ol.Y, ol.Z}
	dp := [3]float64{dl.X, dl.Y, dl.Z}
	hp := [3]float64{o.Size.X, o.Size.Y, o.Size.Z}
	tmin, tmax := math.Inf(-1), math.Inf(1)
	inAxis, outAxis := -1, -1
	for a := range 3 {
		if dp[a] == 0 {
			if math.Abs(op[a]) > hp[a] {
				return math.Inf(1), 0
			}
			continue
		}
		t1 := (-hp[a] - op[a]) / dp[a]
		t2 := (hp[a] - op[a]) / dp[a]
		if t1 > t2 {
			t1, t2 = t2, t1
		}
		if t1 > tmin {
			tmin, inAxis = t1, a
		}
		if t2 < tmax {
			tmax, outAxis = t2, a
		}
	}
	if tmin > tmax || tmax <= nearT {
		return math.Inf(1), 0
	}
	if tmin > nearT && inAxis >= 0 {
		return tmin, inAxis
	}
	if outAxis < 0 {
		return math.Inf(1), 0
	}
	return tmax, outAxis
}

func planeT(o *Object, origin, dir Vec3) float64 {
	den := o.Normal.Dot(dir)
	if den == 0 {
		return math.Inf(1)
	}
	t := (o.Offset - o.Normal.Dot(origin)) / den
	if t <= nearT || math.IsNaN(t) {
		return math.Inf(1)
	}
	return t
}

// surface returns the normal (facing the ray) and texture coordinates of the hit at t.
func surface(pr *prim, origin, dir Vec3, t float64, axis int) hit {
	o := pr.o
	x := origin.Add(dir.Scale(t))
	var nrm Vec3
	var u, v float64
	switch o.Shape {
	case Sphere:
		nrm = x.Sub(o.Center).Scale(1 / o.Radius)
		// Longitude and colatitude, scaled by the radius to approximate arc length in metres.
		u = math.Atan2(nrm.X, nrm.Z) * o.Radius
		v = math.Acos(math.Max(-1, math.Min(1, nrm.Y))) * o.Radius
	case Box:
		l := o.Rotation.TMulVec(x.Sub(o.Center))
		pl := [3]float64{l.X, l.Y, l.Z}
		var nl [3]float64
		nl[axis] = math.Copysign(1, pl[axis])
		nrm = o.Rotation.MulVec(Vec3{X: nl[0], Y: nl[1], Z: nl[2]})
		// The two in-face coordinates; each face gets its own offset so that faces differ.
		u = pl[(axis+1)%3] + 17*float64(axis) + 5*nl[axis]
		v = pl[(axis+2)%3]
	case Plane:
		nrm = o.Normal
		u, v = x.Dot(pr.t1), x.Dot(pr.t2)
	}
	if nrm.Dot(dir) > 0 {
		nrm = nrm.Scale(-1)
	}
	return hit{t: t, normal: nrm, u: u, v: v}
}

// tangents returns two unit vectors orthogonal to the unit vector n and to each other.
func tangents(n Vec3) (Vec3, Vec3) {
	helper := Vec3{X: 1, Y: 0, Z: 0}
	if math.Abs(n.X) > 0.9 {
		helper = Vec3{X: 0, Y: 1, Z: 0}
	}
	t1 := n.Cross(helper).Unit()
	return t1, n.Cross(t1)
}
