package curate

import (
	"math"

	"github.com/wfm-platform/wfm/video"
)

// analysisSide is the short side, in pixels, at which frames are analysed (shot scores, motion,
// quality, embeddings). Working at a fixed small scale makes the scores comparable across
// resolutions and keeps the analysis cheap next to decoding; 64 px still resolves the block
// motion of objects a few percent of the frame wide.
const analysisSide = 64

// plane is one channel of a frame at analysis scale.
type plane struct {
	w, h int
	v    []float32
}

func (p plane) at(x, y int) float32 { return p.v[y*p.w+x] }

// analysisSize is the frame size a w x h frame is reduced to: short side analysisSide (or the
// frame itself when smaller), aspect ratio kept.
func analysisSize(w, h int) (int, int) {
	short := min(w, h)
	if short <= analysisSide {
		return w, h
	}
	return max(1, w*analysisSide/short), max(1, h*analysisSide/short)
}

// lumaOf reduces frame t of c to BT.601 luma (Y' = 0.299 R + 0.587 G + 0.114 B, ITU-R BT.601-7
// section 2.5.1) at analysis scale by box averaging.
func lumaOf(c *video.Clip, t int) plane {
	rgb := rgbOf(c, t)
	p := plane{w: rgb[0].w, h: rgb[0].h, v: make([]float32, len(rgb[0].v))}
	for i := range p.v {
		p.v[i] = 0.299*rgb[0].v[i] + 0.587*rgb[1].v[i] + 0.114*rgb[2].v[i]
	}
	return p
}

// rgbOf box-averages frame t of c into three planes at analysis scale.
func rgbOf(c *video.Clip, t int) [3]plane {
	w, h := analysisSize(c.Width, c.Height)
	var out [3]plane
	for ch := range out {
		out[ch] = plane{w: w, h: h, v: make([]float32, w*h)}
	}
	cnt := make([]float32, w*h)
	f := c.Frame(t)
	for y := range c.Height {
		oy := y * h / c.Height
		for x := range c.Width {
			ox := x * w / c.Width
			o := oy*w + ox
			i := (y*c.Width + x) * 3
			out[0].v[o] += float32(f[i])
			out[1].v[o] += float32(f[i+1])
			out[2].v[o] += float32(f[i+2])
			cnt[o]++
		}
	}
	for i, n := range cnt {
		if n > 0 {
			for ch := range out {
				out[ch].v[i] /= n
			}
		}
	}
	return out
}

// meanStd returns the mean and standard deviation of v.
func meanStd(v []float32) (mean, std float64) {
	if len(v) == 0 {
		return 0, 0
	}
	var s, ss float64
	for _, x := range v {
		s += float64(x)
		ss += float64(x) * float64(x)
	}
	mean = s / float64(len(v))
	variance := ss/float64(len(v)) - mean*mean
	if variance < 0 {
		variance = 0
	}
	return mean, math.Sqrt(variance)
}
