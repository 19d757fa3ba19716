package report

import (
	"cmp"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"io"
	"math"
	"slices"

	"github.com/wfm-platform/wfm/video"
)

// encodeDeltaGIF writes a clip as a looping GIF in which every frame after the first only holds
// the rectangle of pixels that changed (GIF89a's positioned frames with disposal "none"). The
// synthetic scenes have static cameras and backgrounds, so this is several times smaller than
// full frames; inside a rectangle, pixels that did not change are transparent, which LZW packs
// into short codes. One palette serves the whole clip (the 255 most frequent 15-bit colours,
// means of their bins, plus the transparent entry; other colours map to the nearest entry),
// without dithering, so that an unchanged pixel keeps its index.
func encodeDeltaGIF(w io.Writer, c *video.Clip) error {
	if c.Frames < 1 {
		return errors.New("report: GIF of an empty clip")
	}
	pal := clipPalette(c)
	lookup := map[uint32]uint8{}
	index := func(r, g, b uint8) uint8 {
		key := uint32(r)<<16 | uint32(g)<<8 | uint32(b)
		if i, ok := lookup[key]; ok {
			return i
		}
		best, bi := math.MaxInt, 0
		for i, p := range pal[:transparent] {
			q := p.(color.RGBA)
			dr, dg, db := int(r)-int(q.R), int(g)-int(q.G), int(b)-int(q.B)
			if d := dr*dr + dg*dg + db*db; d < best {
				best, bi = d, i
			}
		}
		lookup[key] = uint8(bi)
		return uint8(bi)
	}
	delay := max(1, int(math.Round(100/c.FPS))) // GIF delays are in hundredths of a second
	out := &gif.GIF{LoopCount: 0}
	prev := make([]uint8, c.Width*c.Height)
	cur := make([]uint8, c.Width*c.Height)
	for t := range c.Frames {
		px := c.Frame(t)
		for i := range cur {
			cur[i] = index(px[3*i], px[3*i+1], px[3*i+2])
		}
		rect := image.Rect(0, 0, c.Width, c.Height)
		if t > 0 {
			rect = changed(prev, cur, c.Width, c.Height)
			if rect.Empty() {
				out.Delay[len(out.Delay)-1] += delay
				continue
			}
		}
		img := image.NewPaletted(rect, pal)
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			row := img.Pix[(y-rect.Min.Y)*img.Stride:]
			for x := rect.Min.X; x < rect.Max.X; x++ {
				v := cur[y*c.Width+x]
				if t > 0 && v == prev[y*c.Width+x] {
					v = transparent
				}
				row[x-rect.Min.X] = v
			}
		}
		out.Image = append(out.Image, img)
		out.Delay = append(out.Delay, delay)
		out.Disposal = append(out.Disposal, gif.DisposalNone)
		prev, cur = cur, prev
	}
	out.Config = image.Config{ColorModel: pal, Width: c.Width, Height: c.Height}
	return gif.EncodeAll(w, out)
}

// changed is the bounding rectangle of the pixels whose index differs.
func changed(a, b []uint8, width, height int) image.Rectangle {
	r := image.Rectangle{Min: image.Pt(width, height)}
	for y := range height {
		row := y * width
		for x := range width {
			if a[row+x] != b[row+x] {
				r.Min.X, r.Max.X = min(r.Min.X, x), max(r.Max.X, x+1)
				r.Min.Y, r.Max.Y = min(r.Min.Y, y), max(r.Max.Y, y+1)
			}
		}
	}
	if r.Max.X == 0 {
		return image.Rectangle{}
	}
	return r
}

// clipPalette picks the 255 most frequent 15-bit colour bins of a clip, as their mean colours.
func clipPalette(c *video.Clip) color.Palette {
	type bin struct {
		r, g, b, n int
		key        uint16
	}
	bins := map[uint16]*bin{}
	for i := 0; i < len(c.Pix); i += 3 {
		r, g, b := c.Pix[i], c.Pix[i+1], c.Pix[i+2]
		key := uint16(r>>3)<<10 | uint16(g>>3)<<5 | uint16(b>>3)
		x := bins[key]
		if x == nil {
			x = &bin{key: key}
			bins[key] = x
		}
		x.r, x.g, x.b, x.n = x.r+int(r), x.g+int(g), x.b+int(b), x.n+1
	}
	all := make([]*bin, 0, len(bins))
	for _, b := range bins {
		all = append(all, b)
	}
	slices.SortFunc(all, func(a, b *bin) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key) // deterministic order
	})
	pal := make(color.Palette, 0, 256)
	for _, b := range all[:min(transparent, len(all))] {
		pal = append(pal, color.RGBA{R: uint8(b.r / b.n), G: uint8(b.g / b.n), B: uint8(b.b / b.n), A: 255})
	}
	for len(pal) < transparent {
		pal = append(pal, color.RGBA{A: 255})
	}
	return append(pal, color.RGBA{})
}

// transparent is the palette index of unchanged pixels; the palette's last entry, whose
// colour.RGBA zero value makes image/gif write it as the transparent index.
const transparent = 255
