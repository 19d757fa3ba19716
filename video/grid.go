package video

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// GridOptions lay out a comparison grid. The zero value gives a near-square grid with no
// gaps, black background and white labels.
type GridOptions struct {
	// Columns is the number of cells per row; 0 means ceil(sqrt(len(clips))).
	Columns int
	// Gap is the number of background pixels around and between cells.
	Gap int
	// Background fills gaps, label bands and the margins of cells holding smaller clips.
	Background color.RGBA
	// LabelColor draws the labels; the zero value means white.
	LabelColor color.RGBA
}

// labelFace is the 7x13 bitmap font of the X11 "fixed" family (golang.org/x/image/font/basicfont).
var labelFace = basicfont.Face7x13

// labelBand is the height of the strip above each cell that holds its label: the font's
// line height plus a 2-pixel margin above and below.
const labelBand = 13 + 4

// Grid lays clips side by side, row by row, each in a cell as large as the largest clip
// (smaller clips are centred), with labels[i] written above clip i. All clips must have the
// same number of frames and frame rate. labels may be nil for no label bands; otherwise it
// needs one entry per clip. Labels wider than a cell are cut at its edge.
func Grid(clips []*Clip, labels []string, opts GridOptions) (*Clip, error) {
	if len(clips) == 0 {
		return nil, fmt.Errorf("video: Grid: no clips")
	}
	if labels != nil && len(labels) != len(clips) {
		return nil, fmt.Errorf("video: Grid: %d labels for %d clips", len(labels), len(clips))
	}
	cellW, cellH := 0, 0
	for i, c := range clips {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("video: Grid: clip %d: %w", i, err)
		}
		if c.Frames != clips[0].Frames || c.FPS != clips[0].FPS {
			return nil, fmt.Errorf("video: Grid: clip %d has %d frames at %g fps, clip 0 %d at %g",
				i, c.Frames, c.FPS, clips[0].Frames, clips[0].FPS)
		}
		cellW, cellH = max(cellW, c.Width), max(cellH, c.Height)
	}
	if opts.Gap < 0 {
		return nil, fmt.Errorf("video: Grid: negative gap %d", opts.Gap)
	}
	cols := opts.Columns
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(len(clips)))))
	}
	cols = min(cols, len(clips))
	rows := (len(clips) + cols - 1) / cols
	band := 0
	if labels != nil {
		band = labelBand
	}
	gap := opts.Gap
	width := cols*cellW + (cols+1)*gap
	height := rows*(band+cellH) + (rows+1)*gap
	out, err := NewClip(clips[0].Frames, height, width, clips[0].FPS)
	if err != nil {
		return nil, err
	}
	// The background and the labels are the same in every frame: draw them once.
	template := image.NewRGBA(image.Rect(0, 0, width, height))
	bg := opts.Background
	bg.A = 0xff
	for i := 0; i < len(template.Pix); i += 4 {
		template.Pix[i], template.Pix[i+1], template.Pix[i+2], template.Pix[i+3] = bg.R, bg.G, bg.B, 0xff
	}
	ink := opts.LabelColor
	if ink == (color.RGBA{}) {
		ink = color.RGBA{0xff, 0xff, 0xff, 0xff}
	}
	ink.A = 0xff
	origin := func(i int) (x, y int) {
		return gap + (i%cols)*(cellW+gap), gap + (i/cols)*(band+cellH+gap)
	}
	for i := range clips {
		if labels == nil {
			break
		}
		x, y := origin(i)
		drawLabel(template, image.Rect(x, y, x+cellW, y+band), labels[i], ink)
	}
	first := make([]uint8, width*height*Channels)
	for p, q := 0, 0; p < len(first); p, q = p+3, q+4 {
		first[p], first[p+1], first[p+2] = template.Pix[q], template.Pix[q+1], template.Pix[q+2]
	}
	for t := range out.Frames {
		dst := out.Frame(t)
		copy(dst, first)
		for i, c := range clips {
			x, y := origin(i)
			x += (cellW - c.Width) / 2
			y += band + (cellH-c.Height)/2
			src := c.Frame(t)
			for r := range c.Height {
				o := ((y+r)*width + x) * Channels
				copy(dst[o:o+c.Width*Channels], src[r*c.Width*Channels:(r+1)*c.Width*Channels])
			}
		}
	}
	return out, nil
}

// drawLabel writes text centred in box (left-aligned and clipped when it does not fit).
func drawLabel(dst *image.RGBA, box image.Rectangle, text string, ink color.RGBA) {
	sub := dst.SubImage(box).(*image.RGBA)
	d := font.Drawer{Dst: sub, Src: image.NewUniform(ink), Face: labelFace}
	adv := d.MeasureString(text).Ceil()
	x := box.Min.X + max(0, (box.Dx()-adv)/2)
	// Baseline: 2-pixel top margin plus the font's ascent.
	d.Dot = fixed.P(x, box.Min.Y+2+labelFace.Ascent)
	d.DrawString(text)
}
