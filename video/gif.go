package video

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"
	"math"
	"os"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// GIF (GIF89a specification, CompuServe 1990) stores paletted frames with a per-frame delay in
// hundredths of a second. Writing uses one global palette of up to 256 colours made by median
// cut over pixels sampled from every frame, and Floyd-Steinberg error diffusion (image/draw).
// With Options.GIFDelta, frames after the first hold only what changed (see deltaFrames).
//
// Delays: frame i gets round((i+1)*100/fps) - round(i*100/fps) hundredths, so the total
// duration is exact even when 100/fps is not a whole number. Browsers show delays under 2
// hundredths as 10 (a 100 ms frame), so delays are at least 2: clips above 50 fps play at
// 50 fps.
//
// Reading composites each frame onto the canvas with its disposal method (none, background,
// previous), treating transparency as black, and reports fps = frames*100 / total delay with
// delays under 2 counted as 10, as browsers do. Frames are not retimed: a GIF with uneven
// delays becomes a clip at its mean frame rate.

const (
	gifMinDelay     = 2  // hundredths; smaller delays are shown as gifDefaultDelay
	gifDefaultDelay = 10 // what browsers use for delays under gifMinDelay
)

// gifDelays returns the per-frame delays in hundredths of a second for frames at fps.
func gifDelays(frames int, fps float64) []int {
	d := make([]int, frames)
	for i := range d {
		d[i] = max(gifMinDelay, int(math.Round(float64(i+1)*100/fps)-math.Round(float64(i)*100/fps)))
	}
	return d
}

// EncodeGIF writes clip to w as a looping animated GIF with opts.GIFColors colours.
func EncodeGIF(w io.Writer, clip *Clip, opts Options) error {
	if err := clip.Validate(); err != nil {
		return err
	}
	if clip.Width > 0xffff || clip.Height > 0xffff {
		return fmt.Errorf("video: gif: %dx%d exceeds the format's 65535x65535", clip.Width, clip.Height)
	}
	colors := opts.GIFColors
	if colors == 0 {
		colors = 256
	}
	if colors < 2 || colors > 256 {
		return fmt.Errorf("video: gif: palette of %d colours, want 2..256", colors)
	}
	if opts.GIFDelta {
		colors-- // the last entry is the transparent one
	}
	palette := medianCut(paletteSamples(clip), colors)
	if len(palette) < 2 && !opts.GIFDelta {
		// One-colour clips still need a valid two-entry table; the second entry is unused.
		palette = append(palette, palette[0])
	}
	g := &gif.GIF{
		Image:  make([]*image.Paletted, clip.Frames),
		Delay:  gifDelays(clip.Frames, clip.FPS),
		Config: image.Config{ColorModel: palette, Width: clip.Width, Height: clip.Height},
	}
	bounds := image.Rect(0, 0, clip.Width, clip.Height)
	drawer := draw.FloydSteinberg
	if opts.GIFNoDither {
		drawer = draw.Src
	}
	// Frames share only the (read-only) palette, so they are quantised in parallel.
	src := make([]*image.RGBA, workerCount(clip.Frames))
	for i := range src {
		src[i] = image.NewRGBA(bounds)
	}
	_ = forFrames(clip.Frames, func(worker, t int) error {
		rgbToRGBA(src[worker].Pix, clip.Frame(t))
		// Sharing the palette slice makes image/gif use the global colour table.
		pm := image.NewPaletted(bounds, palette)
		drawer.Draw(pm, bounds, src[worker], image.Point{})
		g.Image[t] = pm
		return nil
	})
	if opts.GIFDelta && clip.Frames > 0 {
		deltaFrames(g, palette)
	}
	return gif.EncodeAll(w, g)
}

// deltaFrames rewrites the full frames of g, all quantised to palette (which has no transparent
// entry), so that every frame after the first is the bounding rectangle of the pixels whose
// index changed, with the pixels inside it that did not change set to a transparent entry
// appended to the palette (the colour.RGBA zero value, which image/gif writes as the
// transparent index), and disposal none. A frame identical to the one before is dropped and its
// delay added to the frame shown before it.
func deltaFrames(g *gif.GIF, palette color.Palette) {
	pal := append(palette[:len(palette):len(palette)], color.RGBA{})
	transparent := uint8(len(pal) - 1)
	full := g.Image
	images := []*image.Paletted{full[0]}
	delays := []int{g.Delay[0]}
	full[0].Palette = pal
	for t := 1; t < len(full); t++ {
		prev, cur := full[t-1].Pix, full[t].Pix
		rect := changedRect(prev, cur, g.Config.Width, g.Config.Height)
		if rect.Empty() {
			delays[len(delays)-1] += g.Delay[t]
			continue
		}
		img := image.NewPaletted(rect, pal)
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			row := img.Pix[(y-rect.Min.Y)*img.Stride:]
			for x := rect.Min.X; x < rect.Max.X; x++ {
				i := y*g.Config.Width + x
				v := cur[i]
				if v == prev[i] {
					v = transparent
				}
				row[x-rect.Min.X] = v
			}
		}
		images = append(images, img)
		delays = append(delays, g.Delay[t])
	}
	g.Image, g.Delay = images, delays
	g.Disposal = make([]byte, len(images))
	for i := range g.Disposal {
		g.Disposal[i] = gif.DisposalNone
	}
	g.Config.ColorModel = pal
}

// changedRect is the bounding rectangle of the pixels whose index differs between two frames
// of width x height indices; empty when none does.
func changedRect(a, b []uint8, width, height int) image.Rectangle {
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

func writeGIF(path string, clip *Clip, opts Options) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeGIF(w, clip, opts) })
	if err != nil {
		return fileError(path, "gif", "write", err)
	}
	return nil
}

// scanGIF walks the block structure of a GIF without decoding pixels and returns the
// logical screen size and the number of frames, so limits can be checked before image/gif
// allocates anything.
func scanGIF(data []byte) (width, height, frames int, err error) {
	truncated := fmt.Errorf("%w: block structure ends early", ErrTruncated)
	if len(data) < 13 {
		if bytes.HasPrefix([]byte("GIF8"), data[:min(len(data), 4)]) && len(data) > 0 {
			return 0, 0, 0, truncated
		}
		return 0, 0, 0, fmt.Errorf("%w: not a GIF", ErrMalformed)
	}
	if sig := string(data[:6]); sig != "GIF87a" && sig != "GIF89a" {
		return 0, 0, 0, fmt.Errorf("%w: not a GIF", ErrMalformed)
	}
	width = int(binary.LittleEndian.Uint16(data[6:]))
	height = int(binary.LittleEndian.Uint16(data[8:]))
	pos := 13
	if flags := data[10]; flags&0x80 != 0 {
		pos += 3 << (flags&7 + 1)
	}
	skipSubBlocks := func() bool {
		for pos < len(data) {
			n := int(data[pos])
			pos += 1 + n
			if n == 0 {
				return true
			}
		}
		return false
	}
	for pos < len(data) {
		switch data[pos] {
		case 0x21: // extension: introducer, label, sub-blocks
			pos += 2
			if !skipSubBlocks() {
				return 0, 0, 0, truncated
			}
		case 0x2c: // image: descriptor (10 bytes), local colour table, LZW code size, sub-blocks
			if pos+10 > len(data) {
				return 0, 0, 0, truncated
			}
			flags := data[pos+9]
			pos += 10
			if flags&0x80 != 0 {
				pos += 3 << (flags&7 + 1)
			}
			pos++
			if !skipSubBlocks() {
				return 0, 0, 0, truncated
			}
			frames++
		case 0x3b: // trailer
			return width, height, frames, nil
		default:
			return 0, 0, 0, fmt.Errorf("%w: unknown block 0x%02x at offset %d", ErrMalformed, data[pos], pos)
		}
	}
	return 0, 0, 0, truncated
}

// DecodeGIF decodes a whole GIF held in data into a clip; name identifies it in errors.
func DecodeGIF(data []byte, name string, opts Options) (*Clip, error) {
	fail := func(kind error, reason string) error {
		return &FormatError{Path: name, Format: "gif", Reason: reason, Err: kind}
	}
	w, h, frames, err := scanGIF(data)
	if err != nil {
		return nil, &FormatError{Path: name, Format: "gif", Reason: "scan", Err: err}
	}
	if err := opts.Limits.checkSize(name, "gif", w, h); err != nil {
		return nil, err
	}
	if frames == 0 {
		return nil, fail(ErrNoFrames, "no frames")
	}
	if err := opts.Limits.checkCount(name, "gif", frames, w*h*Channels); err != nil {
		return nil, err
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fail(ErrTruncated, err.Error())
		}
		return nil, fail(ErrMalformed, err.Error())
	}
	if len(g.Image) != frames {
		return nil, fail(ErrMalformed, fmt.Sprintf("decoded %d frames, the block structure has %d", len(g.Image), frames))
	}
	totalDelay := 0
	for i := range g.Image {
		d := gifDefaultDelay
		if i < len(g.Delay) && g.Delay[i] >= gifMinDelay {
			d = g.Delay[i]
		}
		totalDelay += d
	}
	clip, err := NewClip(frames, h, w, float64(frames)*100/float64(totalDelay))
	if err != nil {
		return nil, fail(ErrMalformed, err.Error())
	}
	canvas := image.NewRGBA(image.Rect(0, 0, w, h))
	var saved *image.RGBA
	for i, pm := range g.Image {
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		r := pm.Bounds()
		if disposal == gif.DisposalPrevious {
			saved = image.NewRGBA(r)
			draw.Draw(saved, r, canvas, r.Min, draw.Src)
		}
		draw.Draw(canvas, r, pm, r.Min, draw.Over)
		imageToRGB(clip.Frame(i), canvas)
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, r, image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			draw.Draw(canvas, r, saved, r.Min, draw.Src)
		}
	}
	return clip, nil
}

func openGIF(path string, opts Options) (FrameReader, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, "gif", "open", err)
	}
	// The whole file is held in memory while image/gif decodes it; bound it first.
	lim := opts.Limits.withDefaults()
	if st.Size() > lim.MaxBytes {
		return nil, &FormatError{Path: path, Format: "gif", Err: ErrLimit,
			Reason: fmt.Sprintf("file of %d bytes exceeds the limit of %d bytes", st.Size(), lim.MaxBytes)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, "gif", "read", err)
	}
	clip, err := DecodeGIF(data, path, opts)
	if err != nil {
		return nil, err
	}
	return &clipReader{clip: clip, path: path, format: "gif"}, nil
}

// clipReader serves the frames of a clip already in memory.
type clipReader struct {
	clip   *Clip
	path   string
	format string
	next   int
}

func (r *clipReader) Info() Info {
	c := r.clip
	return Info{Path: r.path, Format: r.format, Width: c.Width, Height: c.Height, FPS: c.FPS, Frames: c.Frames}
}

func (r *clipReader) Next() ([]uint8, error) {
	if r.next >= r.clip.Frames {
		return nil, io.EOF
	}
	r.next++
	return r.clip.Frame(r.next - 1), nil
}

func (r *clipReader) Close() error { return nil }
