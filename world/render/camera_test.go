package render

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestCameraRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		cam := Camera{Width: 1 + rng.IntN(1280), Height: 1 + rng.IntN(720),
			Center:         Vec2{rng.NormFloat64() * 100, rng.NormFloat64() * 100},
			MetresPerPixel: math.Exp(rng.NormFloat64() * 3), Roll: rng.NormFloat64() * 3}
		if err := cam.Validate(); err != nil {
			t.Fatal(err)
		}
		p := Vec2{rng.NormFloat64() * 100, rng.NormFloat64() * 100}
		q := cam.Unproject(cam.Project(p))
		if d := math.Hypot(q.X-p.X, q.Y-p.Y); d > 1e-9*(1+math.Hypot(p.X, p.Y)) {
			t.Fatalf("%+v: world %v -> pixel -> world %v (off by %g)", cam, p, q, d)
		}
		px := Vec2{rng.Float64() * float64(cam.Width), rng.Float64() * float64(cam.Height)}
		back := cam.Project(cam.Unproject(px))
		if d := math.Hypot(back.X-px.X, back.Y-px.Y); d > 1e-6 {
			t.Fatalf("%+v: pixel %v -> world -> pixel %v", cam, px, back)
		}
		inv := cam.WorldToPixel().Invert()
		want := cam.PixelToWorld()
		for _, pair := range [][2]float64{{inv.A, want.A}, {inv.B, want.B}, {inv.C, want.C}, {inv.D, want.D}, {inv.E, want.E}, {inv.F, want.F}} {
			if math.Abs(pair[0]-pair[1]) > 1e-9*(1+math.Abs(pair[1])) {
				t.Fatalf("%+v: inverted WorldToPixel %+v != PixelToWorld %+v", cam, inv, want)
			}
		}
	}
}

// TestCameraAxes checks the conventions stated on Camera by hand-derived points.
func TestCameraAxes(t *testing.T) {
	cam := Camera{Width: 64, Height: 48, Center: Vec2{1, 2}, MetresPerPixel: 0.5}
	tilted := cam
	tilted.Roll = math.Pi / 2
	cases := []struct {
		cam   Camera
		world Vec2
		pixel Vec2
	}{
		{cam, Vec2{1, 2}, Vec2{32, 24}},              // centre -> image centre
		{cam, Vec2{2, 2}, Vec2{34, 24}},              // +1 m in x -> 2 px right
		{cam, Vec2{1, 3}, Vec2{32, 22}},              // +1 m in y (up) -> 2 px up (row decreases)
		{tilted, Vec2{2, 2}, Vec2{32, 26}},           // camera turned 90 deg ccw: world +x points down
		{tilted, Vec2{1, 3}, Vec2{34, 24}},           // and world +y points right
		{cam, Vec2{1 - 16, 2 + 12}, Vec2{0, 0}},      // top-left corner of the image
		{cam, Vec2{1 + 16, 2 - 12}, Vec2{64, 48}},    // bottom-right corner
		{tilted, Vec2{1 + 12, 2 + 16}, Vec2{64, 48}}, // bottom-right: 32 px right (+y), 24 px down (+x)
	}
	for _, c := range cases {
		got := c.cam.Project(c.world)
		if math.Hypot(got.X-c.pixel.X, got.Y-c.pixel.Y) > 1e-9 {
			t.Errorf("roll %v: Project(%v) = %v, want %v", c.cam.Roll, c.world, got, c.pixel)
		}
	}
}

func TestViews(t *testing.T) {
	bounds := Rect{Min: Vec2{-3, 0}, Max: Vec2{5, 2}}
	for _, size := range [][2]int{{64, 64}, {128, 128}, {1280, 720}, {48, 200}} {
		views, err := Views(bounds, size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		names := []string{ViewWide, ViewClose, ViewOffset, ViewTilted}
		if len(views) != len(names) {
			t.Fatalf("%d views", len(views))
		}
		corners := []Vec2{bounds.Min, bounds.Max, {bounds.Min.X, bounds.Max.Y}, {bounds.Max.X, bounds.Min.Y}}
		for i, v := range views {
			if v.Name != names[i] || v.Camera.Width != size[0] || v.Camera.Height != size[1] {
				t.Errorf("view %d = %s %dx%d", i, v.Name, v.Camera.Width, v.Camera.Height)
			}
			if v.Name != ViewWide && v.Name != ViewTilted {
				continue
			}
			// The wide and tilted views keep the whole rectangle at least 10% of the image
			// away from the border (tilted: from the border along the binding axis, so >= 0).
			for _, c := range corners {
				p := v.Camera.Project(c)
				if p.X < -1e-9 || p.Y < -1e-9 || p.X > float64(size[0])+1e-9 || p.Y > float64(size[1])+1e-9 {
					t.Errorf("%s %v: corner %v at pixel %v is outside", v.Name, size, c, p)
				}
			}
		}
		if views[1].Camera.MetresPerPixel >= views[0].Camera.MetresPerPixel || views[3].Camera.Roll == 0 || views[2].Camera.Center == views[0].Camera.Center {
			t.Errorf("views are not distinct: %+v", views)
		}
	}
	var ce *CameraError
	if _, err := Views(Rect{Min: Vec2{1, 1}, Max: Vec2{0, 0}}, 64, 64); !errors.As(err, &ce) {
		t.Errorf("empty bounds: got %v", err)
	}
	if _, err := Views(bounds, 0, 64); !errors.As(err, &ce) {
		t.Errorf("zero width: got %v", err)
	}
}
