package geometry

import (
	"math"

	"github.com/wfm-platform/wfm/video"
)

// Gray is a single-channel image, row-major, samples on the 0..255 scale. The
// centre of pixel (column u, row v) is the image point (u, v), OpenCV's and
// world/scene3d's convention, so keypoints can be compared with projections
// of the true cameras directly.
type Gray struct {
	Width, Height int
	Pix           []float32
}

// GrayFrame returns the BT.601 luma (0.299 R + 0.587 G + 0.114 B) of frame t.
func GrayFrame(c *video.Clip, t int) *Gray {
	f := c.Frame(t)
	g := &Gray{Width: c.Width, Height: c.Height, Pix: make([]float32, c.Width*c.Height)}
	for i := range g.Pix {
		g.Pix[i] = 0.299*float32(f[3*i]) + 0.587*float32(f[3*i+1]) + 0.114*float32(f[3*i+2])
	}
	return g
}

func (g *Gray) at(x, y int) float32 { return g.Pix[y*g.Width+x] }

// bilinear samples g at (x, y), which the caller keeps at least one pixel
// inside the image.
func (g *Gray) bilinear(x, y float64) float32 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-x0), float32(y-y0)
	i := int(y0)*g.Width + int(x0)
	a, b := g.Pix[i], g.Pix[i+1]
	c, d := g.Pix[i+g.Width], g.Pix[i+g.Width+1]
	return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
}

// blur returns g convolved with a Gaussian of standard deviation sigma
// (radius ceil(3 sigma)), borders replicated.
func blur(g *Gray, sigma float64) *Gray {
	if sigma <= 0 {
		return g
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float64
	for i := range k {
		x := float64(i - r)
		v := math.Exp(-x * x / (2 * sigma * sigma))
		k[i] = float32(v)
		sum += v
	}
	for i := range k {
		k[i] /= float32(sum)
	}
	w, h := g.Width, g.Height
	tmp := make([]float32, w*h)
	for y := range h {
		convolveRow(tmp[y*w:(y+1)*w], g.Pix[y*w:(y+1)*w], k)
	}
	out := &Gray{Width: w, Height: h, Pix: make([]float32, w*h)}
	for y := range h {
		dst := out.Pix[y*w : (y+1)*w]
		for i, kv := range k {
			yy := min(max(y+i-r, 0), h-1)
			src := tmp[yy*w : (yy+1)*w]
			for x := range dst {
				dst[x] += kv * src[x]
			}
		}
	}
	return out
}

// convolveRow writes src convolved with the odd kernel k into dst, edges
// replicated.
func convolveRow(dst, src, k []float32) {
	r := len(k) / 2
	w := len(src)
	for x := range w {
		var s float32
		if x >= r && x+r < w {
			win := src[x-r : x+r+1]
			for i, kv := range k {
				s += kv * win[i]
			}
		} else {
			for i, kv := range k {
				s += kv * src[min(max(x+i-r, 0), w-1)]
			}
		}
		dst[x] = s
	}
}

// downscale returns g shrunk by factor s (> 1): anti-alias blur, then bilinear
// sampling at the level-0 position of each new pixel centre, (u + 0.5) s - 0.5.
func downscale(g *Gray, s float64) *Gray {
	w := int(math.Round(float64(g.Width) / s))
	h := int(math.Round(float64(g.Height) / s))
	src := blur(g, 0.5*math.Sqrt(s*s-1))
	out := &Gray{Width: w, Height: h, Pix: make([]float32, w*h)}
	for v := range h {
		y := min(max((float64(v)+0.5)*s-0.5, 0), float64(g.Height)-1.001)
		for u := range w {
			x := min(max((float64(u)+0.5)*s-0.5, 0), float64(g.Width)-1.001)
			out.Pix[v*w+u] = src.bilinear(x, y)
		}
	}
	return out
}
