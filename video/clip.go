package video

import (
	"errors"
	"fmt"
	"image"
	"math"
	"time"
)

// Channels is the number of colour channels of a Clip pixel (R, G, B).
const Channels = 3

// Clip is a video held in memory: Frames frames of Height x Width RGB pixels, 8 bits per
// channel, shown at FPS frames per second.
//
// Pix holds all samples in one slice, row-major and channels-last, the layout of a
// [Frames, Height, Width, 3] array: the sample of channel ch at frame t, row y, column x is
// Pix[((t*Height+y)*Width+x)*3+ch]. Views made by Slice and Windows share Pix with their
// parent.
type Clip struct {
	Frames int
	Height int
	Width  int
	FPS    float64
	Pix    []uint8
}

// NewClip allocates a black clip. It returns an error for non-positive sizes, a bad frame
// rate, or a size whose byte count overflows int.
func NewClip(frames, height, width int, fps float64) (*Clip, error) {
	n, err := clipBytes(frames, height, width)
	if err != nil {
		return nil, err
	}
	if err := checkFPS(fps); err != nil {
		return nil, err
	}
	return &Clip{Frames: frames, Height: height, Width: width, FPS: fps, Pix: make([]uint8, n)}, nil
}

// FromPixels wraps pix (not copied) as a clip after checking its length.
func FromPixels(pix []uint8, frames, height, width int, fps float64) (*Clip, error) {
	c := &Clip{Frames: frames, Height: height, Width: width, FPS: fps, Pix: pix}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// FromImages copies images (all of the same size) into a clip. Alpha is composited over
// black, which is what dropping the alpha of premultiplied colour means.
func FromImages(frames []image.Image, fps float64) (*Clip, error) {
	if len(frames) == 0 {
		return nil, errors.New("video: FromImages: no images")
	}
	b := frames[0].Bounds()
	c, err := NewClip(len(frames), b.Dy(), b.Dx(), fps)
	if err != nil {
		return nil, err
	}
	for t, img := range frames {
		if img.Bounds().Size() != b.Size() {
			return nil, fmt.Errorf("video: FromImages: image %d is %v, image 0 is %v", t, img.Bounds().Size(), b.Size())
		}
		imageToRGB(c.Frame(t), img)
	}
	return c, nil
}

// clipBytes is frames*height*width*3, or an error if a factor is not positive or the product
// overflows int.
func clipBytes(frames, height, width int) (int, error) {
	if frames <= 0 || height <= 0 || width <= 0 {
		return 0, fmt.Errorf("video: clip size %dx%dx%d: every dimension must be positive", frames, height, width)
	}
	n := Channels
	for _, d := range [...]int{width, height, frames} {
		if n > math.MaxInt/d {
			return 0, fmt.Errorf("video: clip size %dx%dx%d overflows", frames, height, width)
		}
		n *= d
	}
	return n, nil
}

func checkFPS(fps float64) error {
	if !(fps > 0) || math.IsInf(fps, 0) {
		return fmt.Errorf("video: frame rate %v: must be positive and finite", fps)
	}
	return nil
}

// Validate checks that the sizes are positive, the frame rate is positive and finite, and Pix
// has exactly Frames*Height*Width*3 samples.
func (c *Clip) Validate() error {
	n, err := clipBytes(c.Frames, c.Height, c.Width)
	if err != nil {
		return err
	}
	if err := checkFPS(c.FPS); err != nil {
		return err
	}
	if len(c.Pix) != n {
		return fmt.Errorf("video: clip %dx%dx%d needs %d samples, Pix has %d", c.Frames, c.Height, c.Width, n, len(c.Pix))
	}
	return nil
}

// FrameBytes is the number of samples in one frame, Height*Width*3.
func (c *Clip) FrameBytes() int { return c.Height * c.Width * Channels }

// Frame returns frame t as a view into Pix.
func (c *Clip) Frame(t int) []uint8 {
	n := c.FrameBytes()
	return c.Pix[t*n : (t+1)*n : (t+1)*n]
}

// At returns the colour at frame t, row y, column x.
func (c *Clip) At(t, y, x int) (r, g, b uint8) {
	i := ((t*c.Height+y)*c.Width + x) * Channels
	return c.Pix[i], c.Pix[i+1], c.Pix[i+2]
}

// Set sets the colour at frame t, row y, column x.
func (c *Clip) Set(t, y, x int, r, g, b uint8) {
	i := ((t*c.Height+y)*c.Width + x) * Channels
	c.Pix[i], c.Pix[i+1], c.Pix[i+2] = r, g, b
}

// Duration is Frames/FPS.
func (c *Clip) Duration() time.Duration {
	return time.Duration(float64(c.Frames) / c.FPS * float64(time.Second))
}

// Clone returns a deep copy.
func (c *Clip) Clone() *Clip {
	d := *c
	d.Pix = append([]uint8(nil), c.Pix...)
	return &d
}

// Slice returns frames [start, end) as a view sharing Pix. It panics if the range is out of
// bounds or empty, like slicing does.
func (c *Clip) Slice(start, end int) *Clip {
	if start < 0 || end > c.Frames || start >= end {
		panic(fmt.Sprintf("video: Slice(%d, %d) of a %d-frame clip", start, end, c.Frames))
	}
	n := c.FrameBytes()
	return &Clip{Frames: end - start, Height: c.Height, Width: c.Width, FPS: c.FPS,
		Pix: c.Pix[start*n : end*n : end*n]}
}

// Image returns a copy of frame t as an opaque *image.RGBA.
func (c *Clip) Image(t int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, c.Width, c.Height))
	rgbToRGBA(img.Pix, c.Frame(t))
	return img
}

// SameSize reports whether two clips have the same frame count, height and width.
func (c *Clip) SameSize(d *Clip) bool {
	return c.Frames == d.Frames && c.Height == d.Height && c.Width == d.Width
}

func (c *Clip) String() string {
	return fmt.Sprintf("%d frames %dx%d at %g fps", c.Frames, c.Width, c.Height, c.FPS)
}

// rgbToRGBA expands packed RGB to RGBA with opaque alpha.
func rgbToRGBA(dst, src []uint8) {
	for i, j := 0, 0; i+2 < len(src); i, j = i+3, j+4 {
		dst[j], dst[j+1], dst[j+2], dst[j+3] = src[i], src[i+1], src[i+2], 0xff
	}
}

// imageToRGB writes img (whose size matches dst) into dst as packed RGB, composited over
// black. The common decoder outputs have fast paths.
func imageToRGB(dst []uint8, img image.Image) {
	b := img.Bounds()
	w := b.Dx()
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			out := dst[y*w*3 : (y+1)*w*3]
			for x := 0; x < w; x++ {
				out[3*x], out[3*x+1], out[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	case *image.Paletted:
		lut := make([][3]uint8, 256)
		for i, col := range m.Palette {
			r, g, bb, _ := col.RGBA()
			lut[i] = [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8)}
		}
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			out := dst[y*w*3 : (y+1)*w*3]
			for x, p := range row {
				v := lut[p]
				out[3*x], out[3*x+1], out[3*x+2] = v[0], v[1], v[2]
			}
		}
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			out := dst[y*w*3 : (y+1)*w*3]
			for x, v := range row {
				out[3*x], out[3*x+1], out[3*x+2] = v, v, v
			}
		}
	default:
		// RGBA() returns premultiplied 16-bit values; v>>8 recovers an 8-bit value exactly
		// (v = 257*b for 8-bit sources).
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bb, _ := img.At(x, y).RGBA()
				dst[i], dst[i+1], dst[i+2] = uint8(r>>8), uint8(g>>8), uint8(bb>>8)
				i += 3
			}
		}
	}
}
