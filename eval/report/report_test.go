package report

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"math"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
	sim "github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

// movingSquare: a 3x3 square of colour (200, 40, 40) moving one pixel right per frame over a
// two-colour background (fewer than 255 colours, so the GIF palette is exact).
func movingSquare(t *testing.T, frames, size int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, size, size, 10)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		for y := range size {
			for x := range size {
				r, g, b := uint8(30), uint8(60), uint8(90)
				if y >= size/2 {
					r, g, b = 90, 90, 90
				}
				if x >= f && x < f+3 && y >= 2 && y < 5 {
					r, g, b = 200, 40, 40
				}
				c.Set(f, y, x, r, g, b)
			}
		}
	}
	return c
}

func TestDeltaGIFExact(t *testing.T) {
	c := movingSquare(t, 6, 12)
	// Two identical frames at the end: their delays merge.
	c2, _ := video.NewClip(7, 12, 12, 10)
	copy(c2.Pix, c.Pix)
	copy(c2.Frame(6), c.Frame(5))
	fig, err := GIF("square", c2, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(fig.Data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 6 || g.Delay[5] != 20 {
		t.Fatalf("%d GIF frames, last delay %d; want 6 and 20", len(g.Image), g.Delay[5])
	}
	if g.Image[1].Bounds().Dx() >= 12 {
		t.Errorf("frame 1 covers %v, want only the changed columns", g.Image[1].Bounds())
	}
	// Composite the frames (disposal none, transparent unchanged pixels) and compare.
	canvas := make([]uint8, 12*12*3)
	for f, img := range g.Image {
		r := img.Bounds()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				cr, cg, cb, ca := img.At(x, y).RGBA()
				if ca == 0 {
					continue
				}
				i := (y*12 + x) * 3
				canvas[i], canvas[i+1], canvas[i+2] = uint8(cr>>8), uint8(cg>>8), uint8(cb>>8)
			}
		}
		if !bytes.Equal(canvas, c2.Frame(f)) {
			t.Fatalf("decoded frame %d differs from the clip", f)
		}
	}
}

func TestMetricJSONAndNum(t *testing.T) {
	b, err := json.Marshal([]Metric{1.5, Metric(math.NaN()), Metric(math.Inf(1))})
	if err != nil || string(b) != "[1.5,null,null]" {
		t.Errorf("JSON %s, %v", b, err)
	}
	var back []Metric
	if err := json.Unmarshal(b, &back); err != nil || back[0] != 1.5 || !math.IsNaN(float64(back[1])) {
		t.Errorf("round trip %v, %v", back, err)
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{{math.NaN(), "-"}, {math.Inf(1), "inf"}, {3.14159, "3.14"}} {
		if got := Num(tc.v, 2); got != tc.want {
			t.Errorf("Num(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestDocumentEscapes(t *testing.T) {
	doc := &Document{Title: "<script>x</script>"}
	doc.NewSection("s").Add(Text("a < b"), &Table{Head: []string{"h"}, Rows: [][]string{{"<b>"}}})
	var b bytes.Buffer
	if err := doc.Render(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>x") || strings.Contains(b.String(), "<b>") {
		t.Error("text not escaped")
	}
	if _, err := LinePlot("bad", "x", "y", []Series{{Name: "a", X: []float64{1}, Y: nil}}, 100, 100); err == nil {
		t.Error("series of mismatched lengths: no error")
	}
}

func TestFidelityReport(t *testing.T) {
	a := movingSquare(t, 4, 16)
	b := a.Clone()
	b.Set(2, 0, 0, 0, 0, 0)
	res, err := MeasureFidelity([]VideoPair{{Name: "same", Pred: a, Ref: a}, {Name: "one_pixel", Pred: b, Ref: a}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Videos[0].PSNR != physics.MaxPSNR || res.Videos[0].SSIM != 1 {
		t.Errorf("identical videos: %+v", res.Videos[0])
	}
	v := res.Videos[1]
	if v.PSNRs[0] != physics.MaxPSNR || v.PSNRs[2] >= physics.MaxPSNR || v.SSIMs[2] >= 1 {
		t.Errorf("one changed pixel in frame 2: %+v", v)
	}
	if want := (float64(v.PSNRs[2]) + 3*physics.MaxPSNR) / 4; math.Abs(float64(v.PSNR)-want) > 1e-9 {
		t.Errorf("video PSNR %v, want %v", v.PSNR, want)
	}
	if want := (physics.MaxPSNR + v.PSNR) / 2; math.Abs(float64(res.PSNR-want)) > 1e-9 {
		t.Errorf("mean PSNR %v, want %v", res.PSNR, want)
	}
	doc, err := Fidelity(res)
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := doc.Render(&html); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(html.String(), "data:image/gif;base64,"); n != 2 {
		t.Errorf("%d animations, want 2", n)
	}
	if _, err := MeasureFidelity([]VideoPair{{Name: "short", Pred: a.Slice(0, 2), Ref: a}}, true); err == nil {
		t.Error("frame counts differ: no error")
	}
}

func TestConsistencyReport(t *testing.T) {
	o := synth.DefaultOptions()
	o.Scenarios, o.Width, o.Height, o.Frames, o.N, o.Split = synth.CameraScenarios()[:1], 64, 64, 3, 1, sim.InDistribution
	c, err := synth.Make(o, 0, render.NewRenderer())
	if err != nil {
		t.Fatal(err)
	}
	res, err := MeasureConsistency([]NamedClip{{Name: "orbit", Path: "orbit.y4m", Clip: c.Video}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Videos) != 1 || res.Videos[0].Pairs != 2 || len(res.Videos[0].PairSampson) != 2 {
		t.Fatalf("result %+v", res.Videos)
	}
	doc, err := Consistency(res)
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := doc.Render(&html); err != nil {
		t.Fatal(err)
	}
	// The Sampson plot and one keypoint-match image.
	if n := strings.Count(html.String(), "data:image/png;base64,"); n != 2 {
		t.Errorf("%d images, want 2", n)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("JSON: %v", err)
	}
}

func TestThumbnail(t *testing.T) {
	big, err := video.NewClip(MaxAnimationFrames+5, 2*MaxAnimationSide, MaxAnimationSide, 24)
	if err != nil {
		t.Fatal(err)
	}
	small, err := thumbnail(big)
	if err != nil {
		t.Fatal(err)
	}
	if small.Frames != MaxAnimationFrames || small.Height != MaxAnimationSide || small.Width != MaxAnimationSide/2 {
		t.Errorf("thumbnail %v", small)
	}
	tiny := movingSquare(t, 3, 12)
	if same, _ := thumbnail(tiny); !bytes.Equal(same.Pix, tiny.Pix) || &same.Pix[0] == &tiny.Pix[0] {
		t.Error("a small clip should come back as an equal copy")
	}
}
