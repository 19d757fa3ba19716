package face

import (
	_ "embed"
	"fmt"
	"runtime"
	"sync"

	pigo "github.com/esimov/pigo/core"

	"github.com/wfm-platform/wfm/video"
)

//go:embed cascade/facefinder
var facefinder []byte

// Options are the detector's and the blur's thresholds.
type Options struct {
	// MinSize and MaxSize bound the face size searched, in pixels (the side of a square
	// window); MaxSize 0 means the frame's shorter side. Faces under MinSize are not found,
	// hence not blurred (reference: skip faces under 20x20).
	MinSize int
	MaxSize int
	// ShiftFactor moves the window by this fraction of its size; ScaleFactor grows it by this
	// factor from one scale to the next. Smaller shifts and scales find more, slower.
	ShiftFactor float64
	ScaleFactor float64
	// IoU merges hits that overlap more than this intersection over union.
	IoU float64
	// MinQuality is the least summed cascade score of a merged face; raise it to cut false
	// alarms, lower it to find faint faces.
	MinQuality float64
	// Margin grows each face box by this fraction of its size on every side before blurring,
	// so that the blur covers the whole face and not only the detector's core square.
	Margin float64
	// Cells is the pixelation grid: a face is averaged down to Cells x Cells blocks
	// (reference: 5).
	Cells int
	// Workers is the number of frames processed at once (GOMAXPROCS if 0).
	Workers int
}

// DefaultOptions are the shipped thresholds.
func DefaultOptions() Options {
	return Options{MinSize: 20, ShiftFactor: 0.1, ScaleFactor: 1.1, IoU: 0.2, MinQuality: 5, Margin: 0.1, Cells: 5}
}

// Validate checks the options.
func (o Options) Validate() error {
	switch {
	case o.MinSize < 8:
		return fmt.Errorf("face: min size %d px is under 8", o.MinSize)
	case o.MaxSize != 0 && o.MaxSize < o.MinSize:
		return fmt.Errorf("face: max size %d px is under min size %d", o.MaxSize, o.MinSize)
	case !(o.ShiftFactor > 0 && o.ShiftFactor <= 1):
		return fmt.Errorf("face: shift factor %v outside (0, 1]", o.ShiftFactor)
	case !(o.ScaleFactor > 1 && o.ScaleFactor <= 2):
		return fmt.Errorf("face: scale factor %v outside (1, 2]", o.ScaleFactor)
	case !(o.IoU >= 0 && o.IoU < 1):
		return fmt.Errorf("face: IoU %v outside [0, 1)", o.IoU)
	case !(o.MinQuality >= 0):
		return fmt.Errorf("face: min quality %v is negative", o.MinQuality)
	case !(o.Margin >= 0 && o.Margin <= 1):
		return fmt.Errorf("face: margin %v outside [0, 1]", o.Margin)
	case o.Cells < 1:
		return fmt.Errorf("face: %d pixelation cells", o.Cells)
	case o.Workers < 0:
		return fmt.Errorf("face: %d workers", o.Workers)
	}
	return nil
}

// Box is a detected face: the square [X, X+Size) x [Y, Y+Size) in pixels (it may reach past
// the frame's edges) and the detector's summed score.
type Box struct {
	X, Y, Size int
	Quality    float64
}

// Detector finds faces. It is safe for concurrent use.
type Detector struct {
	opts    Options
	cascade *pigo.Pigo
}

// NewDetector unpacks the embedded cascade.
func NewDetector(opts Options) (*Detector, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := pigo.NewPigo().Unpack(facefinder)
	if err != nil {
		return nil, fmt.Errorf("face: unpack facefinder cascade: %w", err)
	}
	return &Detector{opts: opts, cascade: c}, nil
}

// Options returns the detector's options.
func (d *Detector) Options() Options { return d.opts }

// DetectGray finds faces in a grayscale image of rows x cols pixels, row-major.
func (d *Detector) DetectGray(gray []uint8, rows, cols int) []Box {
	maxSize := d.opts.MaxSize
	if short := min(rows, cols); maxSize == 0 || maxSize > short {
		maxSize = short
	}
	if maxSize < d.opts.MinSize {
		return nil
	}
	p := pigo.CascadeParams{MinSize: d.opts.MinSize, MaxSize: maxSize, ShiftFactor: d.opts.ShiftFactor,
		ScaleFactor: d.opts.ScaleFactor, ImageParams: pigo.ImageParams{Pixels: gray, Rows: rows, Cols: cols, Dim: cols}}
	dets := d.cascade.ClusterDetections(d.cascade.RunCascade(p, 0), d.opts.IoU)
	var out []Box
	for _, det := range dets {
		if float64(det.Q) < d.opts.MinQuality || det.Scale < d.opts.MinSize {
			continue
		}
		out = append(out, Box{X: det.Col - det.Scale/2, Y: det.Row - det.Scale/2, Size: det.Scale, Quality: float64(det.Q)})
	}
	return out
}

// DetectFrame finds faces in frame t of a clip.
func (d *Detector) DetectFrame(c *video.Clip, t int) []Box {
	return d.DetectGray(Gray(c, t, nil), c.Height, c.Width)
}

// Gray converts frame t to 8-bit luma (BT.601 weights, as pigo's own conversion), reusing dst
// when it is large enough.
func Gray(c *video.Clip, t int, dst []uint8) []uint8 {
	n := c.Height * c.Width
	if cap(dst) < n {
		dst = make([]uint8, n)
	}
	dst = dst[:n]
	f := c.Frame(t)
	for i := range n {
		r, g, b := uint32(f[3*i]), uint32(f[3*i+1]), uint32(f[3*i+2])
		dst[i] = uint8((299*r + 587*g + 114*b + 500) / 1000)
	}
	return dst
}

// Result is what BlurClip found.
type Result struct {
	// Faces[t] are the faces found in frame t (blurred, unless under MinSize).
	Faces [][]Box
	// Blurred counts the face boxes pixelated, FramesWithFaces the frames holding any.
	Blurred         int
	FramesWithFaces int
}

// BlurClip finds faces in every frame of c and returns a copy with each face pixelated; c is
// not changed. Frames are processed in parallel.
func (d *Detector) BlurClip(c *video.Clip) (*video.Clip, Result) {
	out := c.Clone()
	res := Result{Faces: make([][]Box, c.Frames)}
	workers := d.opts.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(c.Frames, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var gray []uint8
			for t := range next {
				gray = Gray(c, t, gray)
				boxes := d.DetectGray(gray, c.Height, c.Width)
				for _, b := range boxes {
					Pixelate(out, t, d.grow(b), d.opts.Cells)
				}
				res.Faces[t] = boxes
			}
		}()
	}
	for t := range c.Frames {
		next <- t
	}
	close(next)
	wg.Wait()
	for _, fs := range res.Faces {
		res.Blurred += len(fs)
		if len(fs) > 0 {
			res.FramesWithFaces++
		}
	}
	return out, res
}

func (d *Detector) grow(b Box) Box {
	m := int(d.opts.Margin*float64(b.Size) + 0.5)
	return Box{X: b.X - m, Y: b.Y - m, Size: b.Size + 2*m, Quality: b.Quality}
}

// Pixelate replaces the square b (clipped to the frame) of frame t with a cells x cells grid of
// blocks, each filled with the mean colour of the pixels it covers: area averaging down, then
// nearest-neighbour back up.
func Pixelate(c *video.Clip, t int, b Box, cells int) {
	x0, y0 := max(b.X, 0), max(b.Y, 0)
	x1, y1 := min(b.X+b.Size, c.Width), min(b.Y+b.Size, c.Height)
	w, h := x1-x0, y1-y0
	if w <= 0 || h <= 0 {
		return
	}
	f := c.Frame(t)
	for cy := range cells {
		ya, yb := y0+cy*h/cells, y0+(cy+1)*h/cells
		for cx := range cells {
			xa, xb := x0+cx*w/cells, x0+(cx+1)*w/cells
			if ya >= yb || xa >= xb {
				continue
			}
			var sum [3]int
			for y := ya; y < yb; y++ {
				row := f[(y*c.Width+xa)*3 : (y*c.Width+xb)*3]
				for i := 0; i < len(row); i += 3 {
					sum[0] += int(row[i])
					sum[1] += int(row[i+1])
					sum[2] += int(row[i+2])
				}
			}
			n := (yb - ya) * (xb - xa)
			mean := [3]uint8{uint8((sum[0] + n/2) / n), uint8((sum[1] + n/2) / n), uint8((sum[2] + n/2) / n)}
			for y := ya; y < yb; y++ {
				row := f[(y*c.Width+xa)*3 : (y*c.Width+xb)*3]
				for i := 0; i < len(row); i += 3 {
					row[i], row[i+1], row[i+2] = mean[0], mean[1], mean[2]
				}
			}
		}
	}
}
