package video

import (
	"fmt"
	"math"
)

// ResizeMethod selects the resampling filter of Resize.
type ResizeMethod int

const (
	// ResizeArea averages the source pixels each output pixel covers, weighted by the
	// overlap (OpenCV's INTER_AREA; a box filter integrated over the pixel footprint). It
	// is the right choice for downscaling: no aliasing, and an integer factor k gives the
	// plain mean of each k x k block.
	ResizeArea ResizeMethod = iota
	// ResizeBilinear interpolates the four nearest source pixels with pixel centres at
	// half-integer coordinates (OpenCV INTER_LINEAR, PyTorch align_corners=False, no
	// antialiasing). Use it for upscaling.
	ResizeBilinear
)

// axisWeights is, for each output index, the source indices and weights that produce it.
type axisWeights struct {
	index  [][]int
	weight [][]float32
}

func areaWeights(in, out int) axisWeights {
	s := float64(in) / float64(out)
	w := axisWeights{index: make([][]int, out), weight: make([][]float32, out)}
	for o := range out {
		lo, hi := float64(o)*s, float64(o+1)*s
		for i := int(math.Floor(lo)); i < min(in, int(math.Ceil(hi))); i++ {
			if overlap := math.Min(float64(i+1), hi) - math.Max(float64(i), lo); overlap > 1e-9 {
				w.index[o] = append(w.index[o], i)
				w.weight[o] = append(w.weight[o], float32(overlap/s))
			}
		}
	}
	return w
}

func bilinearWeights(in, out int) axisWeights {
	s := float64(in) / float64(out)
	w := axisWeights{index: make([][]int, out), weight: make([][]float32, out)}
	for o := range out {
		src := math.Min(math.Max((float64(o)+0.5)*s-0.5, 0), float64(in-1))
		i0 := int(src)
		f := src - float64(i0)
		i1 := min(i0+1, in-1)
		w.index[o] = []int{i0, i1}
		w.weight[o] = []float32{float32(1 - f), float32(f)}
	}
	return w
}

// Resize scales every frame to height x width with method.
func Resize(c *Clip, height, width int, method ResizeMethod) (*Clip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	out, err := NewClip(c.Frames, height, width, c.FPS)
	if err != nil {
		return nil, err
	}
	var wx, wy axisWeights
	switch method {
	case ResizeArea:
		wx, wy = areaWeights(c.Width, width), areaWeights(c.Height, height)
	case ResizeBilinear:
		wx, wy = bilinearWeights(c.Width, width), bilinearWeights(c.Height, height)
	default:
		return nil, fmt.Errorf("video: Resize: unknown method %d", method)
	}
	// Horizontal pass into tmp (source rows x output columns), then the vertical pass.
	tmp := make([]float32, c.Height*width*Channels)
	for t := range c.Frames {
		src, dst := c.Frame(t), out.Frame(t)
		for y := range c.Height {
			row := src[y*c.Width*Channels : (y+1)*c.Width*Channels]
			trow := tmp[y*width*Channels : (y+1)*width*Channels]
			for x := range width {
				var r, g, b float32
				for k, i := range wx.index[x] {
					f := wx.weight[x][k]
					r += f * float32(row[3*i])
					g += f * float32(row[3*i+1])
					b += f * float32(row[3*i+2])
				}
				trow[3*x], trow[3*x+1], trow[3*x+2] = r, g, b
			}
		}
		for y := range height {
			drow := dst[y*width*Channels : (y+1)*width*Channels]
			for j := range drow {
				var v float32
				for k, i := range wy.index[y] {
					v += wy.weight[y][k] * tmp[i*width*Channels+j]
				}
				drow[j] = clamp8(int(v + 0.5))
			}
		}
	}
	return out, nil
}

// Crop returns a copy of the height x width window whose top-left pixel is (y, x).
func Crop(c *Clip, y, x, height, width int) (*Clip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if y < 0 || x < 0 || height <= 0 || width <= 0 || y+height > c.Height || x+width > c.Width {
		return nil, fmt.Errorf("video: Crop %dx%d at (%d, %d) outside a %dx%d frame", width, height, x, y, c.Width, c.Height)
	}
	out, err := NewClip(c.Frames, height, width, c.FPS)
	if err != nil {
		return nil, err
	}
	rowBytes := width * Channels
	for t := range c.Frames {
		src, dst := c.Frame(t), out.Frame(t)
		for r := range height {
			o := ((y+r)*c.Width + x) * Channels
			copy(dst[r*rowBytes:(r+1)*rowBytes], src[o:o+rowBytes])
		}
	}
	return out, nil
}

// CenterCrop returns a copy of the central height x width window (rounding the offsets
// down when the margins are odd).
func CenterCrop(c *Clip, height, width int) (*Clip, error) {
	return Crop(c, (c.Height-height)/2, (c.Width-width)/2, height, width)
}

// PadReflect pads every frame at the bottom and right, by reflection about the last row and
// column (without repeating them: ... c b | a b c | b a ..., numpy's "reflect" mode), up to
// the next multiples of multH and multW. Pads longer than the frame keep reflecting back
// and forth. The original frame is the top-left Crop(c, 0, 0, Height, Width) of the result.
func PadReflect(c *Clip, multH, multW int) (*Clip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if multH <= 0 || multW <= 0 {
		return nil, fmt.Errorf("video: PadReflect to multiples %d, %d: must be positive", multH, multW)
	}
	h := (c.Height + multH - 1) / multH * multH
	w := (c.Width + multW - 1) / multW * multW
	return padTo(c, h, w, reflectIndex), nil
}

// reflectIndex maps i >= 0 into [0, n) by mirror reflection with period 2(n-1).
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	m := i % (2 * (n - 1))
	if m >= n {
		m = 2*(n-1) - m
	}
	return m
}

// edgeIndex maps i >= 0 into [0, n) by repeating the last index.
func edgeIndex(i, n int) int { return min(i, n-1) }

// padEdge pads at the bottom and right by repeating the last row and column.
func padEdge(c *Clip, height, width int) *Clip {
	return padTo(c, height, width, edgeIndex)
}

// padTo enlarges c to height x width (both at least the current size), filling new rows and
// columns from the source positions index(i, n) gives.
func padTo(c *Clip, height, width int, index func(i, n int) int) *Clip {
	out := &Clip{Frames: c.Frames, Height: height, Width: width, FPS: c.FPS,
		Pix: make([]uint8, c.Frames*height*width*Channels)}
	cols := make([]int, width)
	for x := range cols {
		cols[x] = index(x, c.Width)
	}
	rowBytes := width * Channels
	for t := range c.Frames {
		src, dst := c.Frame(t), out.Frame(t)
		for y := range height {
			srow := src[index(y, c.Height)*c.Width*Channels:]
			drow := dst[y*rowBytes : (y+1)*rowBytes]
			copy(drow, srow[:c.Width*Channels])
			for x := c.Width; x < width; x++ {
				copy(drow[3*x:3*x+3], srow[3*cols[x]:3*cols[x]+3])
			}
		}
	}
	return out
}
