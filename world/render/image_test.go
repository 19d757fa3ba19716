package render

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

var update = flag.Bool("update", false, "rewrite docs/render-example.png")

// examplePath is the picture of the renderer shown in the docs.
const examplePath = "../../docs/render-example.png"

// contactSheet renders every sample scene in every view, one scene per row, into one image.
func contactSheet(t *testing.T, tileW, tileH int, oneView bool) *image.RGBA {
	t.Helper()
	scenes := sampleScenes()
	cols := 4
	rows := len(scenes)
	if oneView {
		cols, rows = 2, (len(scenes)+1)/2
	}
	sheet := image.NewRGBA(image.Rect(0, 0, cols*tileW, rows*tileH))
	pix := make([]uint8, tileW*tileH*3)
	r := NewRenderer()
	for i := range scenes {
		// The dynamic bodies with 0.75 m of context around them.
		b := scenes[i].Bounds()
		b.Min.X, b.Min.Y, b.Max.X, b.Max.Y = b.Min.X-0.75, b.Min.Y-0.75, b.Max.X+0.75, b.Max.Y+0.75
		views, err := Views(b, tileW, tileH)
		if err != nil {
			t.Fatal(err)
		}
		for v, view := range views {
			col, row := v, i
			if oneView {
				// Each scene in a different view, so the picture shows both.
				if v != i%len(views) {
					continue
				}
				col, row = i%cols, i/cols
			}
			if err := r.Render(pix, nil, &scenes[i], view.Camera); err != nil {
				t.Fatal(err)
			}
			for y := range tileH {
				for x := range tileW {
					o := sheet.PixOffset(col*tileW+x, row*tileH+y)
					copy(sheet.Pix[o:o+3], pix[(y*tileW+x)*3:])
					sheet.Pix[o+3] = 255
				}
			}
		}
	}
	return sheet
}

func TestContactSheet(t *testing.T) {
	sheet := contactSheet(t, 96, 72, false)
	path := filepath.Join(t.TempDir(), "sheet.png")
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return png.Encode(w, sheet) }); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != sheet.Bounds() {
		t.Fatalf("decoded %v, rendered %v", img.Bounds(), sheet.Bounds())
	}
	// Every tile shows something besides its background: at least 5% of its pixels differ
	// from its top-left corner (the sky or backdrop).
	b := sheet.Bounds()
	for ty := 0; ty < b.Dy(); ty += 72 {
		for tx := 0; tx < b.Dx(); tx += 96 {
			corner := sheet.RGBAAt(tx, ty)
			differ := 0
			for y := ty; y < ty+72; y++ {
				for x := tx; x < tx+96; x++ {
					c := sheet.RGBAAt(x, y)
					if absDiff(c.R, corner.R)+absDiff(c.G, corner.G)+absDiff(c.B, corner.B) > 30 {
						differ++
					}
				}
			}
			if differ < 96*72/20 {
				t.Errorf("tile at (%d, %d): only %d pixels differ from the background", tx, ty, differ)
			}
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestExampleImage renders docs/render-example.png (256x192, four scenes in four views) when
// run with -update, and otherwise checks the checked-in file still matches the renderer.
func TestExampleImage(t *testing.T) {
	sheet := contactSheet(t, 128, 96, true)
	var buf bytes.Buffer
	if err := png.Encode(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := atomicfile.WriteFile(examplePath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(examplePath)
	if os.IsNotExist(err) {
		t.Skipf("%s missing; run go test -run TestExampleImage -update", examplePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewRGBA(img.Bounds())
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			want.Set(x, y, img.At(x, y))
		}
	}
	if want.Bounds() != sheet.Bounds() {
		t.Fatalf("%s is %v, the renderer makes %v; run go test -run TestExampleImage -update", examplePath, want.Bounds(), sheet.Bounds())
	}
	// Allow a rounding step: architectures that fuse multiply-adds (arm64) differ in the last bit.
	for i := range want.Pix {
		if absDiff(want.Pix[i], sheet.Pix[i]) > 2 {
			t.Fatalf("%s is out of date at sample %d (%d, now %d); run go test -run TestExampleImage -update", examplePath, i, want.Pix[i], sheet.Pix[i])
		}
	}
}
