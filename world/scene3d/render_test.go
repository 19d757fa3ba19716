package scene3d

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/wfm-platform/wfm/geom3"
)

// markerScene is a black world holding white emissive spheres of the given radius at points.
func markerScene(points []Vec3, radius float64) *Scene {
	s := &Scene{Light: Vec3{X: 0, Y: 1, Z: 0}, Ambient: 0.3}
	for i, p := range points {
		s.Objects = append(s.Objects, Object{
			ID: uint16(i + 1), Shape: Sphere, Center: p, Radius: radius,
			Texture: Texture{Kind: Solid, A: Vec3{X: 1, Y: 1, Z: 1}}, Emissive: true,
		})
	}
	return s
}

// centroid returns the intensity-weighted centroid (image coordinates, pixel centres at
// integers) of the green channel within win pixels of (u, v), and the total intensity there.
func centroid(f []uint8, w, h int, u, v float64, win int) (cu, cv, mass float64) {
	x0, y0 := int(math.Round(u)), int(math.Round(v))
	for y := max(0, y0-win); y <= min(h-1, y0+win); y++ {
		for x := max(0, x0-win); x <= min(w-1, x0+win); x++ {
			m := float64(f[3*(y*w+x)+1])
			cu += m * float64(x)
			cv += m * float64(y)
			mass += m
		}
	}
	return cu / mass, cv / mass, mass
}

func totalGreen(f []uint8) float64 {
	var s float64
	for i := 1; i < len(f); i += 3 {
		s += float64(f[i])
	}
	return s
}

// TestMarkerReprojection renders tiny bright spheres and checks that the sub-pixel centroid of
// each blob is within 0.1 px (the acceptance bound is 0.5 px; a half-pixel convention slip
// gives 0.5) of the projection of its centre with the stored K and pose, in
// every frame of an orbit, and that the Sampson error of the measured centroids under F built
// from the stored poses is also under 0.1 px (the measurement the 3-D consistency benchmark
// makes on generated video).
func TestMarkerReprojection(t *testing.T) {
	points := []Vec3{{X: 0, Y: 0.5, Z: 0}, {X: 1.2, Y: 0.2, Z: 0.8}, {X: -1, Y: 1.1, Z: -0.6}, {X: 0.5, Y: 1.4, Z: -1.2}}
	s := markerScene(points, 0.1)
	cases := []struct {
		name string
		w, h int
		fov  float64
		ss   int
	}{
		{"128 ss3", 128, 128, 60, 3},
		{"160x96 ss2", 160, 96, 75, 2},
	}
	for _, c := range cases {
		k, err := NewIntrinsics(c.w, c.h, c.fov)
		if err != nil {
			t.Fatal(err)
		}
		poses, err := Orbit{Target: Vec3{X: 0, Y: 0.6, Z: 0}, Radius: 4.5, Height: 1, SweepDeg: 30}.Poses(4)
		if err != nil {
			t.Fatal(err)
		}
		q, err := RenderSequence(s, k, poses, 8, RenderOptions{Supersample: c.ss})
		if err != nil {
			t.Fatal(err)
		}
		meas := make([][][2]float64, len(poses))
		var worst, worstS float64
		for fi := range poses {
			frame := q.Clip.Frame(fi)
			total := totalGreen(frame)
			var inWindows float64
			for _, x := range points {
				u, v, z := k.Project(q.Truth.Pose(fi), x)
				if z <= 0 || u < 7 || v < 7 || u > float64(c.w)-8 || v > float64(c.h)-8 {
					t.Fatalf("%s: frame %d: marker %v projects to (%g, %g) z=%g, outside the test area", c.name, fi, x, u, v, z)
				}
				cu, cv, mass := centroid(frame, c.w, c.h, u, v, 6)
				inWindows += mass
				e := math.Hypot(cu-u, cv-v)
				worst = math.Max(worst, e)
				if !(e < 0.1) {
					t.Errorf("%s: frame %d: marker %v: centroid (%.3f, %.3f), projection (%.3f, %.3f), error %.3f px", c.name, fi, x, cu, cv, u, v, e)
				}
				meas[fi] = append(meas[fi], [2]float64{cu, cv})
			}
			// All light must be inside the windows: no blob drawn somewhere else.
			if inWindows != total {
				t.Errorf("%s: frame %d: %g of %g intensity lies outside the marker windows", c.name, fi, total-inWindows, total)
			}
		}
		for fi := 1; fi < len(poses); fi++ {
			f := Fundamental(k, q.Truth.Pose(fi-1), k, q.Truth.Pose(fi))
			for j := range points {
				a, b := meas[fi-1][j], meas[fi][j]
				e := sampson(f, a[0], a[1], b[0], b[1])
				worstS = math.Max(worstS, e)
				if !(e < 0.1) {
					t.Errorf("%s: frames %d-%d marker %d: Sampson error %.3f px", c.name, fi-1, fi, j, e)
				}
			}
		}
		t.Logf("%s: worst reprojection error %.4f px, worst Sampson error %.4f px", c.name, worst, worstS)
	}
}

// TestDepthOfPlane checks the depth map against the analytic depth of a plane: with camera
// coordinates X_c = z m, m = K^-1 (u, v, 1), the plane n.X = d becomes (R n).X_c = d + (R n).t,
// so z = (d + (R n).t) / ((R n).m) where (R n).m > 0, and no hit otherwise.
func TestDepthOfPlane(t *testing.T) {
	k, _ := NewIntrinsics(96, 64, 80)
	tilted, _ := LookAt(Vec3{X: 0.3, Y: 1.7, Z: 2}, Vec3{X: 0, Y: 0.6, Z: -1}, Vec3{X: 0, Y: 1, Z: 0})
	frontal, _ := LookAt(Vec3{X: 0.4, Y: 1, Z: 1}, Vec3{X: 0.4, Y: 1, Z: -10}, Vec3{X: 0, Y: 1, Z: 0})
	cases := []struct {
		name      string
		plane     Object
		pose      Pose
		wantInf   bool // some pixels (sky) see no plane
		wantConst float64
	}{
		{"floor from above", Object{ID: 3, Shape: Plane, Normal: Vec3{X: 0, Y: 1, Z: 0}, Offset: 0}, tilted, true, 0},
		{"wall facing camera", Object{ID: 9, Shape: Plane, Normal: Vec3{X: 0, Y: 0, Z: 1}, Offset: -3}, frontal, false, 4},
	}
	for _, c := range cases {
		c.plane.Texture = Texture{Kind: Checker, Scale: 0.25, A: Vec3{X: 1, Y: 1, Z: 1}, B: Vec3{X: 0, Y: 0, Z: 0}}
		s := &Scene{Objects: []Object{c.plane}, Light: Vec3{X: 0, Y: 1, Z: 0}, Ambient: 0.5}
		f, err := Render(s, k, c.pose, RenderOptions{Supersample: 1})
		if err != nil {
			t.Fatal(err)
		}
		nc := c.pose.R.MulVec(c.plane.Normal)
		num := c.plane.Offset + nc.Dot(c.pose.T)
		var sky int
		for v := range k.Height {
			for u := range k.Width {
				i := v*k.Width + u
				m := Vec3{X: (float64(u) - k.Cx) / k.Fx, Y: (float64(v) - k.Cy) / k.Fy, Z: 1}
				den := nc.Dot(m)
				want := math.Inf(1)
				if z := num / den; den != 0 && z > 0 {
					want = z
				}
				got := float64(f.Depth[i])
				if math.IsInf(want, 1) {
					sky++
					if !math.IsInf(got, 1) || f.Mask[i] != 0 {
						t.Fatalf("%s: pixel (%d,%d): depth %g mask %d, want +Inf and 0", c.name, u, v, got, f.Mask[i])
					}
					continue
				}
				if math.Abs(got-want) > 1e-6*want || f.Mask[i] != c.plane.ID {
					t.Fatalf("%s: pixel (%d,%d): depth %g mask %d, want %g and %d", c.name, u, v, got, f.Mask[i], want, c.plane.ID)
				}
				if c.wantConst != 0 && math.Abs(got-c.wantConst) > 1e-6 {
					t.Fatalf("%s: pixel (%d,%d): depth %g, want %g", c.name, u, v, got, c.wantConst)
				}
			}
		}
		if (sky > 0) != c.wantInf {
			t.Errorf("%s: %d sky pixels, want some: %v", c.name, sky, c.wantInf)
		}
	}
}

// TestBoxFaceDepthAndMask checks the depth and mask of a rotated box seen face-on against
// the analytic depth of its front face, and the background around it.
func TestBoxFaceDepthAndMask(t *testing.T) {
	k, _ := NewIntrinsics(64, 64, 60)
	box := Object{ID: 7, Shape: Box, Center: Vec3{X: 0, Y: 0.5, Z: 0}, Size: Vec3{X: 0.5, Y: 0.5, Z: 0.5}, Rotation: geom3.RotationY(0.3),
		Texture: Texture{Kind: Dots, Scale: 0.2, A: Vec3{X: 1, Y: 1, Z: 1}, B: Vec3{X: 0, Y: 0, Z: 0}, Seed: 3}}
	s := &Scene{Objects: []Object{box}, Light: Vec3{X: 0, Y: 1, Z: 0}, Ambient: 0.5}
	// Looking along the box's local -Z face normal, the face is a plane n.X = n.c + 0.5.
	n := box.Rotation.MulVec(Vec3{X: 0, Y: 0, Z: 1})
	eye := box.Center.Add(n.Scale(3))
	p, _ := LookAt(eye, box.Center, Vec3{X: 0, Y: 1, Z: 0})
	f, err := Render(s, k, p, RenderOptions{Supersample: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The centre pixel ray is (nearly) the optical axis through the box centre: the face is
	// at distance 3 - 0.5 along it. The principal point (31.5, 31.5) falls between pixels,
	// so check the four pixels around it with the plane formula.
	nc := p.R.MulVec(n)
	num := n.Dot(box.Center) + 0.5 + nc.Dot(p.T)
	for _, uv := range [][2]int{{31, 31}, {32, 31}, {31, 32}, {32, 32}} {
		m := Vec3{X: (float64(uv[0]) - k.Cx) / k.Fx, Y: (float64(uv[1]) - k.Cy) / k.Fy, Z: 1}
		want := num / nc.Dot(m)
		i := uv[1]*k.Width + uv[0]
		if got := float64(f.Depth[i]); math.Abs(got-want) > 1e-6 || f.Mask[i] != 7 {
			t.Errorf("pixel %v: depth %g mask %d, want %g and 7", uv, got, f.Mask[i], want)
		}
		if math.Abs(want-2.5) > 0.01 {
			t.Errorf("pixel %v: analytic depth %g, want about 2.5", uv, want)
		}
	}
	if f.Mask[0] != 0 || !math.IsInf(float64(f.Depth[0]), 1) {
		t.Errorf("corner pixel sees mask %d depth %g, want background", f.Mask[0], f.Depth[0])
	}
}

func TestRenderDeterministic(t *testing.T) {
	k, _ := NewIntrinsics(64, 48, 70)
	poses, _ := Orbit{Target: Vec3{X: 0, Y: 0.5, Z: 0}, Radius: 5, Height: 1.5, SweepDeg: 20}.Poses(3)
	render := func(seed uint64, procs int) *Sequence {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		s, err := RandomScene(seed, DefaultSceneOptions())
		if err != nil {
			t.Fatal(err)
		}
		q, err := RenderSequence(s, k, poses, 10, RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	ref := render(11, 1)
	for _, procs := range []int{1, 2, 5} {
		q := render(11, procs)
		if !bytes.Equal(q.Clip.Pix, ref.Clip.Pix) || !slices.Equal(q.Mask, ref.Mask) ||
			!slices.EqualFunc(q.Depth, ref.Depth, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
			t.Errorf("GOMAXPROCS=%d: output differs from GOMAXPROCS=1", procs)
		}
	}
	if other := render(12, 2); bytes.Equal(other.Clip.Pix, ref.Clip.Pix) {
		t.Error("seeds 11 and 12 render identical clips")
	}
}

func TestRandomScene(t *testing.T) {
	opt := DefaultSceneOptions()
	for seed := range uint64(20) {
		s, err := RandomScene(seed, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		n := len(s.Objects) - 1 - opt.Walls
		if n < opt.MinObjects || n > opt.MaxObjects {
			t.Errorf("seed %d: %d objects, want %d..%d", seed, n, opt.MinObjects, opt.MaxObjects)
		}
		again, _ := RandomScene(seed, opt)
		a, _ := json.Marshal(s)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: two calls give different scenes", seed)
		}
	}
}

// TestRandomSceneIsTextured checks that a default scene gives a detector something to find:
// several objects in view and many pixels with a strong local gradient.
func TestRandomSceneIsTextured(t *testing.T) {
	k, _ := NewIntrinsics(128, 128, 70)
	p, _ := LookAt(Vec3{X: 0, Y: 2, Z: 5}, Vec3{X: 0, Y: 0.3, Z: 0}, Vec3{X: 0, Y: 1, Z: 0})
	for seed := range uint64(4) {
		s, _ := RandomScene(seed, DefaultSceneOptions())
		f, err := Render(s, k, p, RenderOptions{Supersample: 2})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[uint16]bool{}
		for _, id := range f.Mask {
			ids[id] = true
		}
		var strong int
		for y := 1; y < k.Height; y++ {
			for x := 1; x < k.Width; x++ {
				i := 3*(y*k.Width+x) + 1
				gx := int(f.RGB[i]) - int(f.RGB[i-3])
				gy := int(f.RGB[i]) - int(f.RGB[i-3*k.Width])
				if gx*gx+gy*gy > 40*40 {
					strong++
				}
			}
		}
		if len(ids) < 4 || strong < k.Width*k.Height/20 {
			t.Errorf("seed %d: %d object IDs in view, %d strong-gradient pixels: scene too plain", seed, len(ids), strong)
		}
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	k, _ := NewIntrinsics(16, 16, 60)
	p, _ := LookAt(Vec3{X: 0, Y: 1, Z: 3}, Vec3{}, Vec3{X: 0, Y: 1, Z: 0})
	good := markerScene([]Vec3{{X: 0, Y: 0, Z: 0}}, 0.2)
	withObj := func(o Object) *Scene {
		s := *good
		s.Objects = []Object{o}
		return &s
	}
	tex := Texture{Kind: Solid, A: Vec3{X: 1, Y: 1, Z: 1}}
	cases := []struct {
		name string
		s    *Scene
		k    Intrinsics
		p    Pose
		opt  RenderOptions
	}{
		{"nil scene", nil, k, p, RenderOptions{}},
		{"zero width", good, Intrinsics{Width: 0, Height: 16, Fx: 10, Fy: 10}, p, RenderOptions{}},
		{"NaN focal", good, Intrinsics{Width: 16, Height: 16, Fx: math.NaN(), Fy: 10}, p, RenderOptions{}},
		{"bad pose", good, k, Pose{R: Mat3{{1, 1, 0}, {0, 1, 0}, {0, 0, 1}}}, RenderOptions{}},
		{"supersample 9", good, k, p, RenderOptions{Supersample: 9}},
		{"negative supersample", good, k, p, RenderOptions{Supersample: -1}},
		{"NaN sphere", withObj(Object{ID: 1, Shape: Sphere, Center: Vec3{X: math.NaN(), Y: 0, Z: 0}, Radius: 1, Texture: tex}), k, p, RenderOptions{}},
		{"zero radius", withObj(Object{ID: 1, Shape: Sphere, Radius: 0, Texture: tex}), k, p, RenderOptions{}},
		{"flat box", withObj(Object{ID: 1, Shape: Box, Size: Vec3{X: 1, Y: 0, Z: 1}, Rotation: geom3.Identity(), Texture: tex}), k, p, RenderOptions{}},
		{"box without rotation", withObj(Object{ID: 1, Shape: Box, Size: Vec3{X: 1, Y: 1, Z: 1}, Texture: tex}), k, p, RenderOptions{}},
		{"plane normal not unit", withObj(Object{ID: 1, Shape: Plane, Normal: Vec3{X: 0, Y: 2, Z: 0}, Texture: tex}), k, p, RenderOptions{}},
		{"zero ID", withObj(Object{ID: 0, Shape: Sphere, Radius: 1, Texture: tex}), k, p, RenderOptions{}},
		{"unknown shape", withObj(Object{ID: 1, Shape: "torus", Texture: tex}), k, p, RenderOptions{}},
		{"unknown texture", withObj(Object{ID: 1, Shape: Sphere, Radius: 1, Texture: Texture{Kind: "plaid", Scale: 1}}), k, p, RenderOptions{}},
		{"checker scale 0", withObj(Object{ID: 1, Shape: Sphere, Radius: 1, Texture: Texture{Kind: Checker}}), k, p, RenderOptions{}},
		{"NaN ambient", &Scene{Ambient: math.NaN()}, k, p, RenderOptions{}},
	}
	for _, c := range cases {
		if _, err := Render(c.s, c.k, c.p, c.opt); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
	}
	dup := markerScene([]Vec3{{X: 0, Y: 0, Z: 0}, {X: 1, Y: 0, Z: 0}}, 0.2)
	dup.Objects[1].ID = 1
	if _, err := Render(dup, k, p, RenderOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("duplicate IDs: err = %v, want ErrInvalid", err)
	}
	if _, err := RenderSequence(good, k, nil, 10, RenderOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no poses: err = %v, want ErrInvalid", err)
	}
	if _, err := RenderSequence(good, k, []Pose{p}, 0, RenderOptions{}); err == nil {
		t.Error("fps 0: no error")
	}
	for _, opt := range []SceneOptions{
		{MinObjects: 5, MaxObjects: 2, Extent: 1},
		{MaxObjects: 2, Extent: 0},
		{MaxObjects: 2, Extent: 1, Walls: 5, Room: 4},
		{MaxObjects: 2, Extent: 3, Walls: 2, Room: 2},
	} {
		if _, err := RandomScene(1, opt); !errors.Is(err, ErrInvalid) {
			t.Errorf("RandomScene(%+v): err = %v, want ErrInvalid", opt, err)
		}
	}
}

func TestGroundTruthJSON(t *testing.T) {
	s, _ := RandomScene(5, DefaultSceneOptions())
	k, _ := NewIntrinsics(32, 24, 60)
	poses, _ := Dolly{From: Vec3{X: 0, Y: 1.2, Z: 6}, To: Vec3{X: 0, Y: 1.2, Z: 4}}.Poses(3)
	q, err := RenderSequence(s, k, poses, 12, RenderOptions{Supersample: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := q.Truth.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back GroundTruth
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.K != k.Matrix() || back.Intrinsics != k || back.Seed != 5 || len(back.Frames) != 3 {
		t.Fatalf("round trip lost data: %+v", back)
	}
	for i, p := range poses {
		fr := back.Frames[i]
		if fr.R != p.R || fr.T != p.T || fr.Center.Sub(p.Center()).Norm() > 1e-12 {
			t.Errorf("frame %d pose changed in JSON", i)
		}
	}
	if err := back.Scene.Validate(); err != nil || len(back.Scene.Objects) != len(s.Objects) {
		t.Errorf("scene after round trip: %v, %d objects", err, len(back.Scene.Objects))
	}
	path := t.TempDir() + "/truth.json"
	if err := q.Truth.WriteFile(path); err != nil {
		t.Fatal(err)
	}
}
