package face

import (
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

func loadImage(t testing.TB, path string) *video.Clip {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c, err := video.FromImages([]image.Image{img}, 2)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func detector(t testing.TB, o Options) *Detector {
	t.Helper()
	d, err := NewDetector(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// astronautFace is where the face is in testdata/astronaut.jpg (256x256), read off the image by
// eye: the eyes, nose and mouth lie inside this rectangle.
var astronautFace = image.Rect(95, 40, 132, 82)

func TestDetectAstronaut(t *testing.T) {
	c := loadImage(t, "testdata/astronaut.jpg")
	boxes := detector(t, DefaultOptions()).DetectFrame(c, 0)
	if len(boxes) != 1 {
		t.Fatalf("found %d faces, want 1: %+v", len(boxes), boxes)
	}
	b := boxes[0]
	r := image.Rect(b.X, b.Y, b.X+b.Size, b.Y+b.Size)
	if !astronautFace.In(r.Inset(-b.Size/4)) || !r.Overlaps(astronautFace) || b.Size > 3*astronautFace.Dx() {
		t.Errorf("face box %v does not cover the face %v", r, astronautFace)
	}
}

// TestDetectPigoSample uses the sample photo in pigo's own module, when the module cache has it.
func TestDetectPigoSample(t *testing.T) {
	dir := os.Getenv("GOMODCACHE")
	if dir == "" {
		dir = filepath.Join(os.Getenv("HOME"), "go", "pkg", "mod")
		if gp := os.Getenv("GOPATH"); gp != "" {
			dir = filepath.Join(strings.Split(gp, string(os.PathListSeparator))[0], "pkg", "mod")
		}
	}
	path := filepath.Join(dir, "github.com", "esimov", "pigo@v1.4.6", "testdata", "sample.jpg")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("pigo's sample image is not in the module cache: %v", err)
	}
	c := loadImage(t, path)
	boxes := detector(t, DefaultOptions()).DetectFrame(c, 0)
	// The sample is a 320x400 frontal portrait whose face spans most of the width.
	if len(boxes) != 1 || boxes[0].Size < 150 {
		t.Fatalf("faces %+v, want one large face", boxes)
	}
}

// pan makes a clip by sliding a 192x192 window across the astronaut photo: the face moves
// through the frame.
func pan(t testing.TB, frames int) *video.Clip {
	src := loadImage(t, "testdata/astronaut.jpg")
	c, err := video.NewClip(frames, 192, 192, 8)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		dx := f * 60 / max(frames-1, 1)
		for y := range 192 {
			for x := range 192 {
				r, g, b := src.At(0, y+32, x+dx)
				c.Set(f, y, x, r, g, b)
			}
		}
	}
	return c
}

func TestBlurClip(t *testing.T) {
	c := pan(t, 6)
	orig := c.Clone()
	d := detector(t, DefaultOptions())
	out, res := d.BlurClip(c)
	if !equalPix(c, orig) {
		t.Fatal("BlurClip changed its input")
	}
	if res.FramesWithFaces != c.Frames || res.Blurred != c.Frames {
		t.Fatalf("faces in %d frames (%d boxes), want one in each of %d", res.FramesWithFaces, res.Blurred, c.Frames)
	}
	for f := range c.Frames {
		b := d.grow(res.Faces[f][0])
		// Inside the box: each of the 5x5 cells is one colour, and the face's detail is gone.
		x0, y0 := max(b.X, 0), max(b.Y, 0)
		x1, y1 := min(b.X+b.Size, c.Width), min(b.Y+b.Size, c.Height)
		w, h := x1-x0, y1-y0
		cells := map[[2]int][3]uint8{}
		changed := 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				cell := [2]int{cellOf(x-x0, w, 5), cellOf(y-y0, h, 5)}
				r, g, bb := out.At(f, y, x)
				if prev, ok := cells[cell]; ok && prev != [3]uint8{r, g, bb} {
					t.Fatalf("frame %d: cell %v is not one colour", f, cell)
				}
				cells[cell] = [3]uint8{r, g, bb}
				if r0, g0, b0 := c.At(f, y, x); r0 != r || g0 != g || b0 != bb {
					changed++
				}
			}
		}
		if len(cells) != 25 || changed < w*h/2 {
			t.Errorf("frame %d: %d cells, %d of %d pixels changed", f, len(cells), changed, w*h)
		}
		// Outside the box nothing changes.
		for y := range c.Height {
			for x := range c.Width {
				if x >= x0 && x < x1 && y >= y0 && y < y1 {
					continue
				}
				if r0, g0, b0 := c.At(f, y, x); func() bool { r, g, bb := out.At(f, y, x); return r != r0 || g != g0 || bb != b0 }() {
					t.Fatalf("frame %d: pixel (%d,%d) outside the face changed", f, x, y)
				}
			}
		}
	}
}

func TestMinSizeSkipsSmallFaces(t *testing.T) {
	c := loadImage(t, "testdata/astronaut.jpg")
	o := DefaultOptions()
	o.MinSize = 80 // the face is about 55 px
	if boxes := detector(t, o).DetectFrame(c, 0); len(boxes) != 0 {
		t.Errorf("faces under min size found: %+v", boxes)
	}
	o = DefaultOptions()
	o.MinQuality = 1e6
	if boxes := detector(t, o).DetectFrame(c, 0); len(boxes) != 0 {
		t.Errorf("faces under min quality found: %+v", boxes)
	}
}

func TestPixelateEdges(t *testing.T) {
	c, _ := video.NewClip(1, 10, 12, 1)
	for i := range c.Pix {
		c.Pix[i] = uint8(i * 7)
	}
	orig := c.Clone()
	Pixelate(c, 0, Box{X: 20, Y: 20, Size: 5}, 5) // wholly outside: nothing
	if !equalPix(c, orig) {
		t.Fatal("a box outside the frame changed it")
	}
	// Clipped to x 0..4, y 6..9 (5 x 4 px): with 5 cells, columns are 1 px wide and rows
	// 0 or 1 px high, so each pixel is its own cell and keeps its value.
	Pixelate(c, 0, Box{X: -5, Y: 6, Size: 10}, 5)
	if !equalPix(c, orig) {
		t.Fatal("one-pixel cells changed")
	}
	// One cell over a 2x2 block: every pixel becomes the rounded mean.
	Pixelate(c, 0, Box{X: 2, Y: 2, Size: 2}, 1)
	for ch := range 3 {
		sum := 0
		for _, p := range [][2]int{{2, 2}, {2, 3}, {3, 2}, {3, 3}} {
			sum += int(orig.Pix[(p[1]*12+p[0])*3+ch])
		}
		for _, p := range [][2]int{{2, 2}, {2, 3}, {3, 2}, {3, 3}} {
			if got := c.Pix[(p[1]*12+p[0])*3+ch]; int(got) != (sum+2)/4 {
				t.Errorf("pixel %v channel %d = %d, want mean %d", p, ch, got, (sum+2)/4)
			}
		}
	}
}

// cellOf is the cell of offset d in a span of n pixels cut into k cells the way Pixelate cuts.
func cellOf(d, n, k int) int {
	for c := range k {
		if d >= c*n/k && d < (c+1)*n/k {
			return c
		}
	}
	return -1
}

func TestOptionsValidate(t *testing.T) {
	for _, mod := range []func(*Options){
		func(o *Options) { o.MinSize = 2 },
		func(o *Options) { o.MaxSize = 10 },
		func(o *Options) { o.ShiftFactor = 0 },
		func(o *Options) { o.ScaleFactor = 1 },
		func(o *Options) { o.IoU = 1 },
		func(o *Options) { o.MinQuality = -1 },
		func(o *Options) { o.Cells = 0 },
		func(o *Options) { o.Margin = 2 },
	} {
		o := DefaultOptions()
		mod(&o)
		if _, err := NewDetector(o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}

// TestSynthVideosHaveNoFaces runs the blur over the platform's synthetic-world clips (physics
// scenes and ray-cast rooms: no faces in them), where nothing may be blurred. The count of
// clips is small by default; WFM_FACE_FP_CLIPS=N measures the false-positive rate on more (and
// WFM_FACE_FP_MINQ and WFM_FACE_FP_RES set the quality threshold and frame side). With a lower
// quality threshold false faces are allowed, and only counted.
func TestSynthVideosHaveNoFaces(t *testing.T) {
	n := len(synth.AllScenarios())
	if s := os.Getenv("WFM_FACE_FP_CLIPS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	o := synth.DefaultOptions()
	o.Scenarios = synth.AllScenarios()
	o.Width, o.Height, o.Frames = 128, 128, 8
	fo := DefaultOptions()
	if s := os.Getenv("WFM_FACE_FP_MINQ"); s != "" {
		var err error
		if fo.MinQuality, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatal(err)
		}
	}
	if s := os.Getenv("WFM_FACE_FP_RES"); s != "" {
		var err error
		if o.Width, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
		o.Height = o.Width
	}
	d := detector(t, fo)
	r := render.NewRenderer()
	frames, hits, boxes := 0, 0, 0
	for k := range n {
		clip, err := synth.Make(o, k, r)
		if err != nil {
			t.Fatal(err)
		}
		_, res := d.BlurClip(clip.Video)
		frames += clip.Video.Frames
		hits += res.FramesWithFaces
		boxes += res.Blurred
		if res.Blurred > 0 && fo.MinQuality >= DefaultOptions().MinQuality {
			t.Errorf("clip %d (%s): %d face boxes blurred in a world without faces", k, clip.Record.Scenario, res.Blurred)
		}
	}
	t.Logf("synthetic clips: %d, frames: %d, frames with a false face: %d (%.4f), boxes: %d", n, frames, hits,
		float64(hits)/float64(frames), boxes)
}

func equalPix(a, b *video.Clip) bool {
	if len(a.Pix) != len(b.Pix) {
		return false
	}
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			return false
		}
	}
	return true
}
