package render

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func render(t testing.TB, s *Scene, cam Camera) ([]uint8, []uint16) {
	t.Helper()
	pix := make([]uint8, cam.Width*cam.Height*3)
	mask := make([]uint16, cam.Width*cam.Height)
	if err := NewRenderer().Render(pix, mask, s, cam); err != nil {
		t.Fatal(err)
	}
	return pix, mask
}

var (
	flatBG  = Background{Kind: Solid, Top: RGB{20, 20, 20}}
	noLight Light
)

// TestCircleCentroid: the coverage-weighted centroid of a flat circle is its centre, so the
// centroid of the colour difference from the background must sit at the projected centre.
func TestCircleCentroid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 12 {
		cam := Camera{Width: 64 + rng.IntN(100), Height: 64 + rng.IntN(100), Center: Vec2{rng.NormFloat64(), rng.NormFloat64()},
			MetresPerPixel: 0.01 + 0.02*rng.Float64(), Roll: float64(i%3) * 0.4}
		radiusPx := 8 + 12*rng.Float64()
		centre := cam.Unproject(Vec2{float64(cam.Width)/2 + 10*rng.NormFloat64(), float64(cam.Height)/2 + 10*rng.NormFloat64()})
		s := Scene{Background: flatBG, Light: noLight, Bodies: []Body{{ID: 1, Shape: Shape{Kind: Circle, Radius: radiusPx * cam.MetresPerPixel},
			Pose: Pose{X: centre.X, Y: centre.Y, Angle: rng.Float64()}, Material: Material{Color: RGB{220, 120, 20}}}}}
		pix, _ := render(t, &s, cam)
		var sw, sx, sy float64
		for y := range cam.Height {
			for x := range cam.Width {
				w := float64(pix[(y*cam.Width+x)*3]) - 20 // red channel: 20 background, 220 circle
				sw += w
				sx += w * (float64(x) + 0.5)
				sy += w * (float64(y) + 0.5)
			}
		}
		want := cam.Project(centre)
		got := Vec2{sx / sw, sy / sw}
		if d := math.Hypot(got.X-want.X, got.Y-want.Y); d > 0.25 {
			t.Errorf("camera %+v radius %.1f px: centroid %v, projected centre %v (%.3f px off)", cam, radiusPx, got, want, d)
		}
		// The summed coverage is the disc area to within the ramp error.
		if area := sw / 200; math.Abs(area-math.Pi*radiusPx*radiusPx) > 0.02*math.Pi*radiusPx*radiusPx {
			t.Errorf("radius %.1f px: covered area %.1f px^2, want %.1f", radiusPx, area, math.Pi*radiusPx*radiusPx)
		}
	}
}

// TestMaskMatchesColour segments each render by nearest colour (background or one of the
// bodies' flat colours) and compares every object's segment with the mask. The bodies do not
// overlap: where three colours mix, the nearest palette colour can be a fourth one.
func TestMaskMatchesColour(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	// Each colour is the grey background plus or minus 100 along one channel: the offsets are
	// orthogonal or opposite, so a body mixed with the background is nearest its own colour or
	// the background's, never another body's.
	grey := Background{Kind: Solid, Top: RGB{128, 128, 128}}
	palette := []RGB{{228, 128, 128}, {128, 28, 128}, {128, 128, 228}, {28, 128, 128}, {128, 228, 128}, {128, 128, 28}}
	worst := 1.0
	defer func() { t.Logf("lowest IoU %.3f", worst) }()
	for trial := range 9 {
		size := []int{64, 128, 96}[trial%3]
		cam := Camera{Width: size, Height: size, MetresPerPixel: 3.0 / float64(size), Roll: rng.Float64()}
		s := Scene{Background: grey}
		colours := []RGB{grey.Top}
		for i := range 6 {
			// One body per cell of a 3x2 grid of 1 m cells, inside a 0.45 m circle of the cell centre.
			b := randomScene(rng, 3, Body{Shape: Shape{Kind: Circle, Radius: 1}}).Bodies[1+i%3]
			for b.Shape.localRadius() > 0.45 {
				b.Shape.Radius, b.Shape.HalfW, b.Shape.HalfH = 0.45, b.Shape.HalfW*0.9, b.Shape.HalfH*0.9
			}
			b.ID = uint16(i + 1)
			b.Pose.X, b.Pose.Y = -1+float64(i%3)+0.05*rng.NormFloat64(), -0.5+float64(i/3)+0.05*rng.NormFloat64()
			b.Material = Material{Color: palette[i]}
			s.Bodies = append(s.Bodies, b)
			colours = append(colours, palette[i])
		}
		pix, mask := render(t, &s, cam)
		seg := make([]uint16, len(mask))
		for p := range seg {
			best, bestD := 0, math.Inf(1)
			for k, c := range colours {
				d := sq(float64(pix[3*p])-float64(c.R)) + sq(float64(pix[3*p+1])-float64(c.G)) + sq(float64(pix[3*p+2])-float64(c.B))
				if d < bestD {
					best, bestD = k, d
				}
			}
			seg[p] = uint16(best) // colour index k is body ID k
		}
		for id := uint16(1); id <= 6; id++ {
			inter, union := 0, 0
			for p := range mask {
				a, b := mask[p] == id, seg[p] == id
				if a && b {
					inter++
				}
				if a || b {
					union++
				}
			}
			iou := float64(inter) / float64(union)
			worst = min(worst, iou)
			if !(iou > 0.95) {
				t.Errorf("trial %d %dpx body %d: mask/colour IoU %.3f (%d/%d)", trial, size, id, iou, inter, union)
			}
		}
	}
}

func sq(v float64) float64 { return v * v }

// TestMaskForegroundShaded checks the union of the instance masks against a threshold on the
// distance from the background colour, with shading and textures on.
func TestMaskForegroundShaded(t *testing.T) {
	cam := sceneCamera(128, 128)
	s := randomScene(rand.New(rand.NewPCG(9, 10)), 8, Body{Shape: Shape{Kind: Circle, Radius: 0.01}, Pose: Pose{X: 100}, Static: true})
	s.Background = Background{Kind: Solid, Top: RGB{0, 0, 0}}
	s.Light = Light{Dir: Vec2{-0.6, 0.8}, Ambient: 0.8, Diffuse: 0.2}
	for i := range s.Bodies[1:] {
		m := &s.Bodies[i+1].Material
		m.Color, m.Pattern = RGB{200, 180, 160}, RGB{160, 200, 180}
	}
	pix, mask := render(t, &s, cam)
	inter, union := 0, 0
	for p := range mask {
		// Surface colours sum to 540 at full light and are shaded by 0.8..1.0, so half of
		// 0.9*540 splits half-covered pixels from the black background.
		a := mask[p] != 0
		b := int(pix[3*p])+int(pix[3*p+1])+int(pix[3*p+2]) > 243
		if a && b {
			inter++
		}
		if a || b {
			union++
		}
	}
	iou := float64(inter) / float64(union)
	if iou <= 0.95 {
		t.Errorf("foreground IoU %.3f", iou)
	}
	t.Logf("foreground IoU %.3f", iou)
}

func TestOcclusionFrontWins(t *testing.T) {
	cam := Camera{Width: 64, Height: 64, MetresPerPixel: 0.05}
	s := Scene{Background: flatBG, Bodies: []Body{
		{ID: 7, Shape: Shape{Kind: Box, HalfW: 1, HalfH: 1}, Material: Material{Color: RGB{255, 0, 0}}},
		{ID: 9, Shape: Shape{Kind: Circle, Radius: 0.5}, Material: Material{Color: RGB{0, 0, 255}}},
	}}
	pix, mask := render(t, &s, cam)
	centre := 32*64 + 32
	if mask[centre] != 9 || pix[3*centre+2] != 255 || pix[3*centre] != 0 {
		t.Errorf("centre: mask %d colour %v, want front circle", mask[centre], pix[3*centre:3*centre+3])
	}
	corner := 32*64 + 32 - 15 // 0.75 m left of centre: box only
	if mask[corner] != 7 {
		t.Errorf("box pixel: mask %d", mask[corner])
	}
	if mask[0] != 0 {
		t.Errorf("background pixel: mask %d", mask[0])
	}
}

// TestTextureShowsRotation: a square box is symmetric under a quarter turn, so only its
// texture can show the rotation.
func TestTextureShowsRotation(t *testing.T) {
	cam := Camera{Width: 64, Height: 64, MetresPerPixel: 0.05}
	for _, tex := range []TextureKind{Plain, Stripes, Checker, Noise} {
		imgs := make([][]uint8, 3)
		for i, angle := range []float64{0, 0.3, math.Pi / 2} {
			s := Scene{Background: flatBG, Bodies: []Body{{ID: 1, Shape: Shape{Kind: Box, HalfW: 1, HalfH: 1}, Pose: Pose{Angle: angle},
				Material: Material{Color: RGB{200, 50, 50}, Texture: tex, Pattern: RGB{50, 50, 200}, Scale: 0.4, Seed: 3}}}}
			imgs[i], _ = render(t, &s, cam)
		}
		diff := func(a, b []uint8) float64 {
			s := 0
			for i := range a {
				s += int(math.Abs(float64(a[i]) - float64(b[i])))
			}
			return float64(s) / float64(len(a))
		}
		if d := diff(imgs[0], imgs[1]); d < 2 {
			t.Errorf("%d: turning by 0.3 rad changed the image by only %.2f per sample", tex, d)
		}
		d := diff(imgs[0], imgs[2])
		if tex == Plain && d > 0.01 {
			t.Errorf("plain square turned a quarter changed by %.3f per sample", d)
		}
		if tex != Plain && d < 2 {
			t.Errorf("%d: quarter turn changed the image by only %.2f per sample", tex, d)
		}
	}
}

func TestAntiAliasedEdges(t *testing.T) {
	cam := Camera{Width: 64, Height: 64, MetresPerPixel: 0.05}
	s := Scene{Background: Background{Top: RGB{0, 0, 0}}, Bodies: []Body{{ID: 1, Shape: Shape{Kind: Circle, Radius: 1.01},
		Material: Material{Color: RGB{255, 255, 255}}}}}
	pix, _ := render(t, &s, cam)
	partial := 0
	for y := range 64 {
		for x := range 64 {
			v := pix[(y*64+x)*3]
			r := math.Hypot(float64(x)+0.5-32, float64(y)+0.5-32) // pixels from the centre
			switch {
			case v > 0 && v < 255:
				partial++
				if math.Abs(r-20.2) > 0.5 { // radius 1.01 m = 20.2 px; the ramp is +-0.5 px
					t.Errorf("pixel (%d, %d) at radius %.2f has partial value %d", x, y, r, v)
				}
			case r < 19.7 && v != 255, r > 20.7 && v != 0:
				t.Errorf("pixel (%d, %d) at radius %.2f has value %d", x, y, r, v)
			}
		}
	}
	// The ring of edge pixels is about the circumference long.
	if circ := 2 * math.Pi * 20.2; float64(partial) < 0.7*circ {
		t.Errorf("%d partially covered pixels, circumference %.0f", partial, circ)
	}
}

func TestPolygonMatchesBox(t *testing.T) {
	cam := Camera{Width: 96, Height: 64, MetresPerPixel: 0.04, Roll: 0.2}
	box := Body{ID: 1, Shape: Shape{Kind: Box, HalfW: 0.8, HalfH: 0.5}, Pose: Pose{X: 0.1, Y: -0.2, Angle: 0.6}, Material: Material{Color: RGB{200, 100, 50}}}
	poly := box
	poly.Shape = Shape{Kind: Polygon, Vertices: []Vec2{{0.8, 0.5}, {-0.8, 0.5}, {-0.8, -0.5}, {0.8, -0.5}}} // clockwise
	a, ma := render(t, &Scene{Background: flatBG, Light: DefaultLight, Bodies: []Body{box}}, cam)
	b, mb := render(t, &Scene{Background: flatBG, Light: DefaultLight, Bodies: []Body{poly}}, cam)
	for i := range a {
		// The two distances differ only outside corners, by under half a pixel there.
		if d := math.Abs(float64(a[i]) - float64(b[i])); d > 40 {
			t.Fatalf("sample %d: box %d polygon %d", i, a[i], b[i])
		}
	}
	same := 0
	for i := range ma {
		if ma[i] == mb[i] {
			same++
		}
	}
	if same < len(ma)-4 {
		t.Errorf("masks differ in %d pixels", len(ma)-same)
	}
}

func TestContactShadow(t *testing.T) {
	cam := Camera{Width: 64, Height: 64, Center: Vec2{0, 0.5}, MetresPerPixel: 0.05}
	ground := Body{Shape: Shape{Kind: Box, HalfW: 5, HalfH: 0.5}, Pose: Pose{Y: -0.5}, Material: Material{Color: RGB{200, 200, 200}}, Static: true}
	ball := Body{ID: 1, Shape: Shape{Kind: Circle, Radius: 0.4}, Pose: Pose{X: 0, Y: 0.4}, Material: Material{Color: RGB{200, 0, 0}}}
	light := Light{Dir: Vec2{0, 1}, Ambient: 0.5, Diffuse: 0.5, Shadow: 0.5}
	under := cam.Project(Vec2{0, -0.05})
	far := cam.Project(Vec2{1.4, -0.05})
	at := func(pix []uint8, p Vec2) uint8 { return pix[(int(p.Y)*64+int(p.X))*3+1] }
	with, _ := render(t, &Scene{Background: flatBG, Light: light, Bodies: []Body{ground, ball}}, cam)
	light.Shadow = 0
	without, _ := render(t, &Scene{Background: flatBG, Light: light, Bodies: []Body{ground, ball}}, cam)
	if at(with, under) >= at(with, far) || at(with, far) != at(without, far) || at(without, under) != at(without, far) {
		t.Errorf("shadow: under %d far %d; without shadow under %d far %d", at(with, under), at(with, far), at(without, under), at(without, far))
	}
}

func TestDeterministic(t *testing.T) {
	scenes := sampleScenes()
	r := NewRenderer()
	for _, size := range [][2]int{{128, 96}, {64, 64}, {128, 96}} {
		cam := sceneCamera(size[0], size[1])
		for i := range scenes {
			want, wantMask := render(t, &scenes[i], cam)
			pix := make([]uint8, len(want))
			mask := make([]uint16, len(wantMask))
			for i := range pix {
				pix[i] = 0xAB // stale contents must be overwritten
			}
			if err := r.Render(pix, mask, &scenes[i], cam); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pix, want) {
				t.Fatalf("scene %d %v: reused renderer gave different bytes", i, size)
			}
			for p := range mask {
				if mask[p] != wantMask[p] {
					t.Fatalf("scene %d %v: reused renderer gave a different mask", i, size)
				}
			}
		}
	}
}

func TestBadInputs(t *testing.T) {
	good := Camera{Width: 32, Height: 32, MetresPerPixel: 0.1}
	circle := func(r float64) Body { return Body{ID: 1, Shape: Shape{Kind: Circle, Radius: r}} }
	nan := math.NaN()
	cases := []struct {
		name  string
		scene Scene
		cam   Camera
		pix   int
		mask  int
		want  any
	}{
		{"zero width", Scene{}, Camera{Width: 0, Height: 32, MetresPerPixel: 0.1}, 0, 0, &CameraError{}},
		{"negative height", Scene{}, Camera{Width: 32, Height: -1, MetresPerPixel: 0.1}, 0, 0, &CameraError{}},
		{"huge", Scene{}, Camera{Width: MaxSide + 1, Height: 32, MetresPerPixel: 0.1}, 0, 0, &CameraError{}},
		{"zero scale", Scene{}, Camera{Width: 32, Height: 32}, -1, -1, &CameraError{}},
		{"NaN centre", Scene{}, Camera{Width: 32, Height: 32, MetresPerPixel: 0.1, Center: Vec2{nan, 0}}, -1, -1, &CameraError{}},
		{"zero radius", Scene{Bodies: []Body{circle(0)}}, good, -1, -1, &SceneError{}},
		{"negative radius", Scene{Bodies: []Body{circle(-1)}}, good, -1, -1, &SceneError{}},
		{"NaN pose", Scene{Bodies: []Body{{ID: 1, Shape: Shape{Kind: Circle, Radius: 1}, Pose: Pose{Angle: nan}}}}, good, -1, -1, &SceneError{}},
		{"inf pose", Scene{Bodies: []Body{{ID: 1, Shape: Shape{Kind: Circle, Radius: 1}, Pose: Pose{X: math.Inf(1)}}}}, good, -1, -1, &SceneError{}},
		{"box", Scene{Bodies: []Body{{Shape: Shape{Kind: Box, HalfW: 1, HalfH: 0}}}}, good, -1, -1, &SceneError{}},
		{"no kind", Scene{Bodies: []Body{{Shape: Shape{Radius: 1}}}}, good, -1, -1, &SceneError{}},
		{"duplicate id", Scene{Bodies: []Body{circle(1), circle(2)}}, good, -1, -1, &SceneError{}},
		{"concave", Scene{Bodies: []Body{{Shape: Shape{Kind: Polygon, Vertices: []Vec2{{0, 0}, {2, 0}, {1, 0.3}, {2, 2}, {0, 2}}}}}}, good, -1, -1, &SceneError{}},
		{"collinear", Scene{Bodies: []Body{{Shape: Shape{Kind: Polygon, Vertices: []Vec2{{0, 0}, {1, 0}, {2, 0}}}}}}, good, -1, -1, &SceneError{}},
		{"star", Scene{Bodies: []Body{{Shape: Shape{Kind: Polygon, Vertices: []Vec2{{0, 1}, {0.59, -0.81}, {-0.95, 0.31}, {0.95, 0.31}, {-0.59, -0.81}}}}}}, good, -1, -1, &SceneError{}},
		{"two vertices", Scene{Bodies: []Body{{Shape: Shape{Kind: Polygon, Vertices: []Vec2{{0, 0}, {1, 0}}}}}}, good, -1, -1, &SceneError{}},
		{"texture scale", Scene{Bodies: []Body{{Shape: Shape{Kind: Circle, Radius: 1}, Material: Material{Texture: Stripes}}}}, good, -1, -1, &SceneError{}},
		{"light", Scene{Light: Light{Ambient: 2}}, good, -1, -1, &SceneError{}},
		{"background", Scene{Background: Background{Kind: Textured}}, good, -1, -1, &SceneError{}},
		{"short colour", Scene{}, good, 32*32*3 - 1, -1, &BufferError{}},
		{"short mask", Scene{}, good, -1, 32 * 32 / 2, &BufferError{}},
	}
	r := NewRenderer()
	for _, c := range cases {
		n := max(c.cam.Width*c.cam.Height, 0)
		pix, mask := make([]uint8, 3*n), make([]uint16, n)
		if c.pix >= 0 {
			pix = make([]uint8, c.pix)
		}
		if c.mask >= 0 {
			mask = make([]uint16, c.mask)
		}
		err := r.Render(pix, mask, &c.scene, c.cam)
		var ok bool
		switch c.want.(type) {
		case *CameraError:
			var e *CameraError
			ok = errors.As(err, &e)
		case *SceneError:
			var e *SceneError
			ok = errors.As(err, &e)
		case *BufferError:
			var e *BufferError
			ok = errors.As(err, &e)
		}
		if !ok {
			t.Errorf("%s: got %v, want %T", c.name, err, c.want)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
	// A nil mask is allowed.
	if err := r.Render(make([]uint8, 32*32*3), nil, &Scene{Bodies: []Body{circle(1)}}, good); err != nil {
		t.Errorf("nil mask: %v", err)
	}
}

func TestRenderFrame(t *testing.T) {
	clip, err := video.NewClip(3, 48, 64, 30)
	if err != nil {
		t.Fatal(err)
	}
	s := sampleScenes()[0]
	cam := sceneCamera(64, 48)
	r := NewRenderer()
	if err := r.RenderFrame(clip, 1, nil, &s, cam); err != nil {
		t.Fatal(err)
	}
	want, _ := render(t, &s, cam)
	if !bytes.Equal(clip.Frame(1), want) || bytes.Equal(clip.Frame(0), want) {
		t.Error("RenderFrame did not fill exactly frame 1")
	}
	var ce *CameraError
	if err := r.RenderFrame(clip, 0, nil, &s, sceneCamera(64, 64)); !errors.As(err, &ce) {
		t.Errorf("size mismatch: got %v", err)
	}
	if err := r.RenderFrame(clip, 3, nil, &s, cam); err == nil {
		t.Error("frame 3 of 3: no error")
	}
}

func TestBounds(t *testing.T) {
	s := Scene{Bodies: []Body{
		{Shape: Shape{Kind: Box, HalfW: 10, HalfH: 1}, Static: true},
		{ID: 1, Shape: Shape{Kind: Circle, Radius: 0.5}, Pose: Pose{X: 1, Y: 2}},
		// A unit square turned 45 degrees reaches sqrt(2) from its centre along the axes.
		{ID: 2, Shape: Shape{Kind: Box, HalfW: 1, HalfH: 1}, Pose: Pose{X: -3, Angle: math.Pi / 4}},
	}}
	got := s.Bounds()
	want := Rect{Min: Vec2{-3 - math.Sqrt2, -math.Sqrt2}, Max: Vec2{1.5, 2.5}}
	if math.Abs(got.Min.X-want.Min.X)+math.Abs(got.Min.Y-want.Min.Y)+math.Abs(got.Max.X-want.Max.X)+math.Abs(got.Max.Y-want.Max.Y) > 1e-12 {
		t.Errorf("Bounds = %+v, want %+v", got, want)
	}
	static := Scene{Bodies: s.Bodies[:1]}
	if b := static.Bounds(); b.Min.X != -10 || b.Max.Y != 1 {
		t.Errorf("all-static Bounds = %+v", b)
	}
	if b := (&Scene{}).Bounds(); !(b.Min.X > b.Max.X) {
		t.Errorf("empty Bounds = %+v", b)
	}
}

// TestCoverage: the amodal coverage of each body contains its visible mask, and equals it
// (thresholded at half) where nothing is in front. Where three sources share a pixel the mask
// takes the plurality, so a front body under half coverage can still win.
func TestCoverage(t *testing.T) {
	cam := Camera{Width: 64, Height: 64, MetresPerPixel: 0.05}
	s := Scene{Background: flatBG, Bodies: []Body{
		{ID: 3, Shape: Shape{Kind: Box, HalfW: 1, HalfH: 0.6}, Pose: Pose{Angle: 0.3}, Material: Material{Color: RGB{255, 0, 0}}},
		{ID: 4, Shape: Shape{Kind: Circle, Radius: 0.5}, Pose: Pose{X: 0.6, Y: 0.3}, Material: Material{Color: RGB{0, 0, 255}}},
	}}
	_, mask := render(t, &s, cam)
	r := NewRenderer()
	covs := make([][]uint8, 2)
	for i := range s.Bodies {
		covs[i] = make([]uint8, 64*64)
		if err := r.Coverage(covs[i], &s.Bodies[i], cam); err != nil {
			t.Fatal(err)
		}
	}
	hidden := 0
	for p := range mask {
		if (covs[1][p] >= 128 && mask[p] != 4) || (mask[p] == 4 && covs[1][p] == 0) {
			t.Fatalf("pixel %d: front body coverage %d, mask %d", p, covs[1][p], mask[p])
		}
		if covs[1][p] == 0 && (covs[0][p] >= 128) != (mask[p] == 3) {
			t.Fatalf("pixel %d: back body alone with coverage %d, mask %d", p, covs[0][p], mask[p])
		}
		if mask[p] == 3 && covs[0][p] == 0 {
			t.Fatalf("pixel %d: in the back body's mask without coverage", p)
		}
		if covs[0][p] >= 128 && mask[p] == 4 {
			hidden++
		}
	}
	if hidden < 50 {
		t.Errorf("only %d pixels of the back body are hidden behind the front one", hidden)
	}
	var be *BufferError
	if err := r.Coverage(make([]uint8, 10), &s.Bodies[0], cam); !errors.As(err, &be) {
		t.Errorf("short buffer: got %v", err)
	}
}
