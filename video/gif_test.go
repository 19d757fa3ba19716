package video

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestGIFDelays(t *testing.T) {
	tests := []struct {
		fps  float64
		want []int
	}{
		{10, []int{10, 10, 10}},
		// 100/30 = 3.33: cumulative rounding gives 3, 4, 3 (sum 10 = 3 frames at 30 fps).
		{30, []int{3, 4, 3, 3, 4, 3}},
		// 100/24 = 4.17: cumulative times 4, 8, 13, 17, 21, 25 -> 4, 4, 5, 4, 4, 4.
		{24, []int{4, 4, 5, 4, 4, 4}},
		// Above 50 fps the 2-hundredths floor applies.
		{100, []int{2, 2}},
	}
	for _, tt := range tests {
		if got := gifDelays(len(tt.want), tt.fps); !slices.Equal(got, tt.want) {
			t.Errorf("gifDelays(%d, %v) = %v, want %v", len(tt.want), tt.fps, got, tt.want)
		}
	}
}

func TestMedianCut(t *testing.T) {
	// At most n distinct colours come out exactly.
	distinct := [][3]uint8{{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 10, 10}, {11, 10, 10}}
	var samples [][3]uint8
	for i := range 100 {
		samples = append(samples, distinct[i%len(distinct)])
	}
	p := medianCut(samples, 16)
	if len(p) != len(distinct) {
		t.Fatalf("%d distinct colours gave a %d-colour palette", len(distinct), len(p))
	}
	for _, c := range distinct {
		if !slices.Contains(p, color.Color(color.RGBA{c[0], c[1], c[2], 255})) {
			t.Errorf("palette %v lacks %v", p, c)
		}
	}
	// Many colours: the palette has exactly n entries, and the mean error shrinks as n grows.
	c := smoothClip(t, 2, 32, 32, 24, 3)
	prev := math.Inf(1)
	for _, n := range []int{4, 16, 64, 256} {
		p := medianCut(paletteSamples(c), n)
		if len(p) != n {
			t.Fatalf("n=%d gave %d colours", n, len(p))
		}
		var sum float64
		for i := 0; i < len(c.Pix); i += 3 {
			q := p[p.Index(color.RGBA{c.Pix[i], c.Pix[i+1], c.Pix[i+2], 255})].(color.RGBA)
			for k, v := range []uint8{q.R, q.G, q.B} {
				d := float64(v) - float64(c.Pix[i+k])
				sum += d * d
			}
		}
		mse := sum / float64(len(c.Pix))
		if mse >= prev {
			t.Errorf("n=%d: MSE %.2f did not improve on %.2f", n, mse, prev)
		}
		prev = mse
	}
}

// TestGIFRoundTripFewColoursIsExact: a clip with at most 256 colours gets them all in the
// palette, and dithering with exact matches diffuses no error.
func TestGIFRoundTripFewColoursIsExact(t *testing.T) {
	c, _ := NewClip(6, 12, 10, 10)
	colours := [][3]uint8{{0, 0, 0}, {255, 255, 255}, {200, 30, 30}, {30, 200, 30}, {30, 30, 200}, {128, 128, 0}, {7, 8, 9}}
	for tt := range c.Frames {
		for y := range c.Height {
			for x := range c.Width {
				k := colours[(x/3+y/4+tt)%len(colours)]
				c.Set(tt, y, x, k[0], k[1], k[2])
			}
		}
	}
	path := filepath.Join(t.TempDir(), "few.gif")
	if err := Write(t.Context(), path, c, Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := Read(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Pix, c.Pix) {
		t.Fatalf("PSNR %.1f dB, want an exact round trip", mustPSNR(t, c, d))
	}
	if d.FPS != 10 {
		t.Fatalf("fps %v, want 10", d.FPS)
	}
}

// TestGIFSmoothClipQuality checks properties rather than magic numbers: the median-cut
// palette beats the fixed 216-colour web-safe palette, and dithering preserves local mean
// colour (compared after 4x4 area averaging) better than nearest-colour mapping.
func TestGIFSmoothClipQuality(t *testing.T) {
	c := smoothClip(t, 8, 48, 64, 30, 2)
	roundTrip := func(opts Options) *Clip {
		var buf bytes.Buffer
		if err := EncodeGIF(&buf, c, opts); err != nil {
			t.Fatal(err)
		}
		d, err := DecodeGIF(buf.Bytes(), "mem.gif", Options{})
		if err != nil {
			t.Fatal(err)
		}
		// 8 frames at 30 fps: delays 3, 4, 3, 3, 4, 3, 3, 4 sum to 27 hundredths.
		if want := 8 * 100.0 / 27; math.Abs(d.FPS-want) > 1e-9 {
			t.Errorf("fps %v, want %v", d.FPS, want)
		}
		t.Logf("GIFColors %d (0: 256), dither %v: %d bytes, PSNR %.2f dB", opts.GIFColors, !opts.GIFNoDither, buf.Len(), mustPSNR(t, c, d))
		return d
	}
	webSafe := c.Clone()
	for i := 0; i < len(c.Pix); i += 3 {
		q := color.Palette(palette.WebSafe).Convert(color.RGBA{c.Pix[i], c.Pix[i+1], c.Pix[i+2], 255}).(color.RGBA)
		webSafe.Pix[i], webSafe.Pix[i+1], webSafe.Pix[i+2] = q.R, q.G, q.B
	}
	nearest := roundTrip(Options{GIFNoDither: true})
	if p, pw := mustPSNR(t, c, nearest), mustPSNR(t, c, webSafe); p <= pw {
		t.Errorf("median cut %.2f dB does not beat the web-safe palette %.2f dB", p, pw)
	}
	roundTrip(Options{})
	blur := func(x *Clip) *Clip {
		b, err := Resize(x, x.Height/4, x.Width/4, ResizeArea)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dithered16 := roundTrip(Options{GIFColors: 16})
	nearest16 := roundTrip(Options{GIFColors: 16, GIFNoDither: true})
	pd, pn := mustPSNR(t, blur(c), blur(dithered16)), mustPSNR(t, blur(c), blur(nearest16))
	t.Logf("16 colours after 4x4 averaging: dithered %.2f dB, nearest %.2f dB", pd, pn)
	if pd <= pn {
		t.Errorf("dithering does not preserve local means: %.2f <= %.2f dB", pd, pn)
	}
	if err := EncodeGIF(&bytes.Buffer{}, c, Options{GIFColors: 300}); err == nil {
		t.Error("300 colours accepted")
	}
}

// TestGIFDisposal builds a GIF with partial frames and each disposal method, and checks the
// composited frames worked out by hand from the GIF89a rules.
func TestGIFDisposal(t *testing.T) {
	red, green, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}, color.RGBA{0, 0, 255, 255}
	pal := color.Palette{color.RGBA{}, red, green, blue}
	full := image.NewPaletted(image.Rect(0, 0, 4, 1), pal)
	for i := range full.Pix {
		full.Pix[i] = 1 // red everywhere
	}
	patch := func(x int, idx uint8) *image.Paletted {
		m := image.NewPaletted(image.Rect(x, 0, x+1, 1), pal)
		m.Pix[0] = idx
		return m
	}
	g := &gif.GIF{
		Image:    []*image.Paletted{full, patch(1, 2), patch(2, 3), patch(3, 2), patch(0, 3)},
		Delay:    []int{10, 10, 10, 10, 0},
		Disposal: []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalPrevious, gif.DisposalNone, gif.DisposalNone},
		Config:   image.Config{ColorModel: pal, Width: 4, Height: 1},
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeGIF(buf.Bytes(), "disposal.gif", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// R, G, B, K for red, green, blue, black (cleared to transparent).
	want := []string{
		"RRRR", // full red frame
		"RGRR", // green patch at 1, then cleared to background
		"RKBR", // blue patch at 2 over the cleared pixel 1, then restored
		"RKRG", // green patch at 3 (pixel 2 back to red)
		"BKRG", // blue patch at 0
	}
	names := map[[3]uint8]byte{{255, 0, 0}: 'R', {0, 255, 0}: 'G', {0, 0, 255}: 'B', {0, 0, 0}: 'K'}
	for f, w := range want {
		got := make([]byte, 4)
		for x := range 4 {
			r, gg, b := c.At(f, 0, x)
			got[x] = names[[3]uint8{r, gg, b}]
		}
		if string(got) != w {
			t.Errorf("frame %d: %q, want %q", f, got, w)
		}
	}
	// Delays 10, 10, 10, 10 and 0 (shown as 10): 5 frames in 0.5 s.
	if c.FPS != 10 {
		t.Errorf("fps %v, want 10", c.FPS)
	}
}

func TestGIFErrors(t *testing.T) {
	var good bytes.Buffer
	if err := EncodeGIF(&good, smoothClip(t, 4, 16, 16, 10, 1), Options{}); err != nil {
		t.Fatal(err)
	}
	data := good.Bytes()
	// Header, logical screen descriptor without a colour table, trailer: valid, no frames.
	noFrames := []byte("GIF89a\x04\x00\x04\x00\x00\x00\x00\x3b")
	tests := []struct {
		name string
		data []byte
		opts Options
		kind error
	}{
		{"text", []byte("hello, this is not a GIF at all"), Options{}, ErrMalformed},
		{"half", data[:len(data)/2], Options{}, ErrTruncated},
		{"signature only", data[:5], Options{}, ErrTruncated},
		{"no frames", noFrames, Options{}, ErrNoFrames},
		{"too wide", data, Options{Limits: Limits{MaxWidth: 8}}, ErrLimit},
		{"too many frames", data, Options{Limits: Limits{MaxFrames: 3}}, ErrLimit},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name+".gif")
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(t.Context(), path, tt.opts)
		assertFormatError(t, err, tt.kind, path)
	}
	_, err := Read(t.Context(), filepath.Join(dir, "missing.gif"), Options{})
	assertFormatError(t, err, os.ErrNotExist, "missing.gif")
}

// TestGIFDeltaExact: with GIFDelta, frames after the first hold only the changed rectangle,
// repeated frames merge their delays, and the file still decodes to the clip exactly.
func TestGIFDeltaExact(t *testing.T) {
	c, err := NewClip(7, 12, 12, 10)
	if err != nil {
		t.Fatal(err)
	}
	for f := range 6 { // a 3x3 square moving one pixel right per frame over two colours
		for y := range 12 {
			for x := range 12 {
				r, g, b := uint8(30), uint8(60), uint8(90)
				if y >= 6 {
					r, g, b = 90, 90, 90
				}
				if x >= f && x < f+3 && y >= 2 && y < 5 {
					r, g, b = 200, 40, 40
				}
				c.Set(f, y, x, r, g, b)
			}
		}
	}
	copy(c.Frame(6), c.Frame(5)) // two identical frames at the end
	for _, opts := range []Options{{GIFDelta: true, GIFNoDither: true}, {GIFDelta: true}, {GIFDelta: true, GIFColors: 4}} {
		var buf bytes.Buffer
		if err := EncodeGIF(&buf, c, opts); err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Image) != 6 || g.Delay[5] != 20 {
			t.Fatalf("%+v: %d GIF frames, last delay %d; want 6 and 20", opts, len(g.Image), g.Delay[5])
		}
		if r := g.Image[1].Bounds(); r != image.Rect(0, 2, 4, 5) {
			t.Errorf("%+v: frame 1 covers %v, want only the changed pixels (0,2)-(4,5)", opts, r)
		}
		d, err := DecodeGIF(buf.Bytes(), "delta.gif", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Frames != 6 || !bytes.Equal(d.Frame(5), c.Frame(5)) || !bytes.Equal(d.Frame(0), c.Frame(0)) {
			t.Fatalf("%+v: decoded %v differs from the clip", opts, d)
		}
		for f := range 6 {
			if !bytes.Equal(d.Frame(f), c.Frame(f)) {
				t.Errorf("%+v: decoded frame %d differs", opts, f)
			}
		}
	}
}
