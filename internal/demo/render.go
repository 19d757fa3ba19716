package demo

import (
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// Render geometry: each cell is cellPx wide; the track is trackPx high.
const (
	cellPx  = 6
	trackPx = 24
	fps     = 8
)

// RenderBounce draws a sequence of ball cells as a clip: a dark track between two grey walls,
// the ball as an anti-aliased disc, green while the frames are given and orange once predicted.
func RenderBounce(seq []int32, cells, given int) (*video.Clip, error) {
	w := (cells + 2) * cellPx // one wall cell on each side
	c, err := video.NewClip(len(seq), trackPx, w, fps)
	if err != nil {
		return nil, err
	}
	const radius = 2.6
	for t, p := range seq {
		if p < 0 || int(p) >= cells {
			return nil, fmt.Errorf("demo: cell %d outside 0..%d at frame %d", p, cells-1, t)
		}
		col := [3]float64{90, 220, 110}
		if t >= given {
			col = [3]float64{250, 150, 40}
		}
		cx := (float64(p)+1.5)*cellPx - 0.5
		cy := float64(trackPx)/2 - 0.5
		for y := range trackPx {
			for x := range w {
				bg := [3]float64{28, 30, 38}
				if x < cellPx || x >= w-cellPx {
					bg = [3]float64{120, 120, 130}
				}
				// Coverage of the disc by the pixel, from the signed distance to its edge.
				d := math.Hypot(float64(x)-cx, float64(y)-cy) - radius
				a := math.Min(1, math.Max(0, 0.5-d))
				c.Set(t, y, x, mix(bg[0], col[0], a), mix(bg[1], col[1], a), mix(bg[2], col[2], a))
			}
		}
	}
	return c, nil
}

func mix(a, b, t float64) uint8 { return uint8(math.Round(a*(1-t) + b*t)) }
