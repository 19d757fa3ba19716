package render

import (
	"fmt"
	"math"
)

// MaxSide is the largest image width or height the renderer accepts.
const MaxSide = 8192

// Camera is a 2-D orthographic view of the world.
//
// The world has y up, the image y down. Pixel (col, row) is the unit square
// [col, col+1) x [row, row+1) of pixel space, its centre at (col+0.5, row+0.5); the world
// point Center lands on the image centre (Width/2, Height/2). MetresPerPixel is the world size
// of one pixel (smaller is more zoomed in). Roll turns the camera counter-clockwise by that many
// radians, so the world appears turned clockwise in the image.
type Camera struct {
	Width, Height  int
	Center         Vec2
	MetresPerPixel float64
	Roll           float64
}

// Validate checks the resolution (1..MaxSide per side), scale and pose.
func (c Camera) Validate() error {
	if c.Width <= 0 || c.Height <= 0 || c.Width > MaxSide || c.Height > MaxSide {
		return &CameraError{Field: "size", Problem: fmt.Sprintf("%dx%d: each side must be in 1..%d", c.Width, c.Height, MaxSide)}
	}
	if !positive(c.MetresPerPixel) || c.MetresPerPixel < 1e-9 || c.MetresPerPixel > 1e9 {
		return &CameraError{Field: "MetresPerPixel", Problem: fmt.Sprintf("%v must be in [1e-9, 1e9]", c.MetresPerPixel)}
	}
	if !finite(c.Center.X, c.Center.Y, c.Roll) {
		return &CameraError{Field: "pose", Problem: fmt.Sprintf("centre %+v roll %v is not finite", c.Center, c.Roll)}
	}
	return nil
}

// Affine is the map p -> (A*p.X + B*p.Y + C, D*p.X + E*p.Y + F).
type Affine struct{ A, B, C, D, E, F float64 }

// Apply maps p.
func (m Affine) Apply(p Vec2) Vec2 {
	return Vec2{m.A*p.X + m.B*p.Y + m.C, m.D*p.X + m.E*p.Y + m.F}
}

// Invert returns the inverse map; it panics if m is singular (a programmer error: camera
// transforms never are).
func (m Affine) Invert() Affine {
	det := m.A*m.E - m.B*m.D
	if det == 0 || !finite(det) {
		panic("render: Affine.Invert of a singular map")
	}
	a, b, d, e := m.E/det, -m.B/det, -m.D/det, m.A/det
	return Affine{A: a, B: b, C: -(a*m.C + b*m.F), D: d, E: e, F: -(d*m.C + e*m.F)}
}

// WorldToPixel is the world -> pixel-space transform of the camera (see Camera for the
// pixel convention).
func (c Camera) WorldToPixel() Affine {
	sin, cos := math.Sincos(c.Roll)
	s := 1 / c.MetresPerPixel
	// Rotate the offset from Center by -Roll, scale to pixels, flip y, move to the image centre.
	a, b := cos*s, sin*s
	d, e := sin*s, -cos*s
	return Affine{
		A: a, B: b, C: float64(c.Width)/2 - (a*c.Center.X + b*c.Center.Y),
		D: d, E: e, F: float64(c.Height)/2 - (d*c.Center.X + e*c.Center.Y),
	}
}

// PixelToWorld is the inverse of WorldToPixel.
func (c Camera) PixelToWorld() Affine {
	sin, cos := math.Sincos(c.Roll)
	m := c.MetresPerPixel
	a, b := cos*m, sin*m
	d, e := sin*m, -cos*m
	px, py := float64(c.Width)/2, float64(c.Height)/2
	return Affine{A: a, B: b, C: c.Center.X - (a*px + b*py), D: d, E: e, F: c.Center.Y - (d*px + e*py)}
}

// Project maps a world point to pixel space.
func (c Camera) Project(p Vec2) Vec2 { return c.WorldToPixel().Apply(p) }

// Unproject maps a pixel-space point to the world.
func (c Camera) Unproject(q Vec2) Vec2 { return c.PixelToWorld().Apply(q) }

// View is a named camera of a scene.
type View struct {
	Name   string
	Camera Camera
}

// Names of the views returned by Views, in order.
const (
	ViewWide   = "wide"
	ViewClose  = "close"
	ViewOffset = "offset"
	ViewTilted = "tilted"
)

// Views derives four cameras of the given resolution from the world rectangle of interest
// (usually Scene.Bounds over a whole trajectory): "wide" shows all of it with a 10% margin on
// each side, "close" zooms 2.5x on its centre, "offset" looks 1.25x closer at a point a quarter
// of the view right of and a tenth above the centre, and "tilted" is the wide view rolled by 12
// degrees and widened so the rectangle stays in frame.
func Views(bounds Rect, width, height int) ([]View, error) {
	if !finite(bounds.Min.X, bounds.Min.Y, bounds.Max.X, bounds.Max.Y) || bounds.Min.X > bounds.Max.X || bounds.Min.Y > bounds.Max.Y {
		return nil, &CameraError{Field: "bounds", Problem: fmt.Sprintf("%+v is empty or not finite", bounds)}
	}
	w := math.Max(bounds.Max.X-bounds.Min.X, 1e-3)
	h := math.Max(bounds.Max.Y-bounds.Min.Y, 1e-3)
	centre := Vec2{(bounds.Min.X + bounds.Max.X) / 2, (bounds.Min.Y + bounds.Max.Y) / 2}
	const margin = 1.25 // 10% of the view on each side: 1 / 0.8
	mpp := margin * math.Max(w/float64(width), h/float64(height))
	const roll = 12 * math.Pi / 180
	// A w x h rectangle rolled by roll spans w*cos+h*sin by w*sin+h*cos.
	sin, cos := math.Sincos(roll)
	tiltMpp := margin * math.Max((w*cos+h*sin)/float64(width), (w*sin+h*cos)/float64(height))
	base := Camera{Width: width, Height: height, Center: centre, MetresPerPixel: mpp}
	views := []View{{ViewWide, base}, {ViewClose, base}, {ViewOffset, base}, {ViewTilted, base}}
	views[1].Camera.MetresPerPixel = mpp / 2.5
	views[2].Camera.MetresPerPixel = mpp / 1.25
	views[2].Camera.Center = Vec2{centre.X + 0.25*float64(width)*mpp, centre.Y + 0.1*float64(height)*mpp}
	views[3].Camera.MetresPerPixel = tiltMpp
	views[3].Camera.Roll = roll
	for _, v := range views {
		if err := v.Camera.Validate(); err != nil {
			return nil, fmt.Errorf("render: view %s: %w", v.Name, err)
		}
	}
	return views, nil
}
