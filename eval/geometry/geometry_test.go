package geometry

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/wfm-platform/wfm/world/scene3d"
)

// twoView projects n random points in front of camera 1 into camera 1 and
// camera 2 = (R, t), with Gaussian pixel noise; a fraction of the second
// points is replaced by random outliers (outlier[i] says which).
func twoView(rng *rand.Rand, k Intrinsics, rel Pose, n int, noise, outliers float64) (x1, x2 []Point, outlier []bool) {
	for len(x1) < n {
		X := Vec3{X: rng.Float64()*4 - 2, Y: rng.Float64()*3 - 1.5, Z: 4 + rng.Float64()*5}
		Y := rel.R.MulVec(X)
		Y = Vec3{X: Y.X + rel.T.X, Y: Y.Y + rel.T.Y, Z: Y.Z + rel.T.Z}
		if Y.Z <= 0.1 {
			continue
		}
		p1 := Point{k.Fx*X.X/X.Z + k.Cx + noise*rng.NormFloat64(), k.Fy*X.Y/X.Z + k.Cy + noise*rng.NormFloat64()}
		p2 := Point{k.Fx*Y.X/Y.Z + k.Cx + noise*rng.NormFloat64(), k.Fy*Y.Y/Y.Z + k.Cy + noise*rng.NormFloat64()}
		out := rng.Float64() < outliers
		if out {
			p2 = Point{rng.Float64() * 2 * k.Cx, rng.Float64() * 2 * k.Cy}
		}
		x1, x2, outlier = append(x1, p1), append(x2, p2), append(outlier, out)
	}
	return x1, x2, outlier
}

var testK = Intrinsics{Fx: 300, Fy: 300, Cx: 159.5, Cy: 119.5}

func testMotion() Pose {
	return Pose{R: rodrigues(Vec3{X: 0.02, Y: -0.1, Z: 0.01}), T: Vec3{X: 0.5, Y: 0.05, Z: 0.1}}
}

func trueF(k Intrinsics, p Pose) Mat3 {
	return FundamentalFromEssential(EssentialFromPose(p), k, k)
}

func TestEightPointExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x1, x2, _ := twoView(rng, testK, testMotion(), 20, 0, 0)
	F, err := FundamentalEightPoint(x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(unitSigned(F), unitSigned(trueF(testK, testMotion()))); d > 1e-8 {
		t.Errorf("F differs from the true F by %.3g", d)
	}
	for i := range x1 {
		if e := SampsonError(F, x1[i], x2[i]); e > 1e-8 {
			t.Errorf("point %d: Sampson %.3g on exact data", i, e)
		}
	}
	if _, err := FundamentalEightPoint(x1[:7], x2[:7]); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("7 points: %v", err)
	}
	same := make([]Point, 8)
	if _, err := FundamentalEightPoint(same, same); !errors.Is(err, ErrDegenerate) {
		t.Errorf("identical points: %v", err)
	}
}

// TestSampsonGeometric: for a pure horizontal translation F = [e]x with
// e = (1, 0, 0) the epipolar lines are rows, and the Sampson distance of
// (x, y) <-> (x', y') is |y - y'| / sqrt(2) (the first-order geometric error
// splits the vertical offset between the two points).
func TestSampsonGeometric(t *testing.T) {
	F := Mat3{{0, 0, 0}, {0, 0, -1}, {0, 1, 0}}
	cases := []struct{ x1, x2 Point }{{Point{3, 4}, Point{9, 4}}, {Point{3, 4}, Point{9, 6}}, {Point{-2, 1}, Point{5, -3}}}
	for _, c := range cases {
		want := math.Abs(c.x1.Y-c.x2.Y) / math.Sqrt2
		if got := SampsonError(F, c.x1, c.x2); math.Abs(got-want) > 1e-12 {
			t.Errorf("%v <-> %v: Sampson %v, want %v", c.x1, c.x2, got, want)
		}
	}
}

func TestRANSACOutliers(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	x1, x2, outlier := twoView(rng, testK, testMotion(), 200, 0.3, 0.3)
	F, inl, err := FundamentalRANSAC(x1, x2, DefaultRANSACOptions())
	if err != nil {
		t.Fatal(err)
	}
	var tp, fp, fn int
	for i := range inl {
		switch {
		case inl[i] && !outlier[i]:
			tp++
		case inl[i] && outlier[i]:
			fp++
		case !inl[i] && !outlier[i]:
			fn++
		}
	}
	t.Logf("inliers found %d, outliers accepted %d, inliers missed %d", tp, fp, fn)
	if fp > 3 || float64(fn) > 0.1*float64(tp+fn) {
		t.Errorf("RANSAC accepted %d outliers and missed %d of %d inliers", fp, fn, tp+fn)
	}
	// The estimate explains the clean points about as well as the truth.
	tf := trueF(testK, testMotion())
	var eEst, eTrue []float64
	for i := range x1 {
		if !outlier[i] {
			eEst = append(eEst, SampsonError(F, x1[i], x2[i]))
			eTrue = append(eTrue, SampsonError(tf, x1[i], x2[i]))
		}
	}
	if Median(eEst) > 1.5*Median(eTrue) {
		t.Errorf("median Sampson %.3f px under the estimate, %.3f under the truth", Median(eEst), Median(eTrue))
	}
	// Same seed, same answer.
	F2, _, _ := FundamentalRANSAC(x1, x2, DefaultRANSACOptions())
	if F2 != F {
		t.Error("RANSAC is not deterministic for a fixed seed")
	}
}

func TestEssentialPose(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	motion := testMotion()
	x1, x2, _ := twoView(rng, testK, motion, 150, 0.3, 0.2)
	E, inl, err := EssentialRANSAC(x1, x2, testK, testK, DefaultRANSACOptions())
	if err != nil {
		t.Fatal(err)
	}
	pose, front, err := RecoverPose(E, testK, testK, x1, x2, inl)
	if err != nil {
		t.Fatal(err)
	}
	pose = RefinePose(pose, testK, testK, x1, x2, inl)
	re, te := RotationErrorDeg(pose.R, motion.R), DirectionErrorDeg(pose.T, motion.T)
	t.Logf("rotation error %.4f deg, translation direction %.3f deg, front %.2f", re, te, front)
	if re > 1 || te > 5 || front < 0.95 {
		t.Errorf("pose error %.3f deg / %.3f deg, front %.2f", re, te, front)
	}
	// The four decompositions contain the truth exactly on exact E.
	cands, err := DecomposeEssential(EssentialFromPose(motion))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cands {
		if RotationErrorDeg(c.R, motion.R) < 1e-6 && DirectionErrorDeg(c.T, motion.T) < 1e-6 {
			found = true
		}
		if math.Abs(c.R.Det()-1) > 1e-9 {
			t.Errorf("candidate rotation has det %v", c.R.Det())
		}
	}
	if !found {
		t.Error("true motion is not among the four decompositions")
	}
}

func TestRelativePoseMatchesScene3D(t *testing.T) {
	poses, err := testPaths[0].path.Poses(3)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := scene3d.NewIntrinsics(64, 48, 60)
	rel := RelativePose(PoseFromScene3D(poses[0]), PoseFromScene3D(poses[1]))
	got := unitSigned(trueF(IntrinsicsFromScene3D(k), rel))
	want := unitSigned(Mat3(scene3d.Fundamental(k, poses[0], k, poses[1])))
	if d := maxAbsDiff(got, want); d > 1e-9 {
		t.Errorf("F from RelativePose differs from scene3d.Fundamental by %.3g", d)
	}
}

// TestDetectShift: a translated image gives the same keypoints, moved.
func TestDetectShift(t *testing.T) {
	seq := renderPath(t, 5, testPaths[0].path, 1, 96, 96)
	g := GrayFrame(seq.Clip, 0)
	const dx, dy = 3, 2
	s := &Gray{Width: g.Width, Height: g.Height, Pix: make([]float32, len(g.Pix))}
	for y := range g.Height {
		for x := range g.Width {
			s.Pix[y*g.Width+x] = g.at(min(max(x-dx, 0), g.Width-1), min(max(y-dy, 0), g.Height-1))
		}
	}
	opt := DefaultDetectorOptions(96, 96)
	opt.Levels = 1
	a, b := Detect(g, opt), Detect(s, opt)
	x1, x2 := MatchFeatures(a, b, DefaultMatchOptions())
	if len(x1) < 20 {
		t.Fatalf("%d matches between an image and its translate (%d, %d keypoints)", len(x1), len(a.Keypoints), len(b.Keypoints))
	}
	good := 0
	for i := range x1 {
		if math.Abs(x2[i].X-x1[i].X-dx) < 1e-6 && math.Abs(x2[i].Y-x1[i].Y-dy) < 1e-6 {
			good++
		}
	}
	if good < len(x1)*9/10 {
		t.Errorf("only %d of %d matches moved by exactly (%d, %d)", good, len(x1), dx, dy)
	}
}

func TestConsistencyErrors(t *testing.T) {
	seq := renderPath(t, 1, testPaths[0].path, 2, 32, 32)
	one := seq.Clip.Slice(0, 1)
	if _, err := ConsistencyOfClip(*one, nil); !errors.Is(err, ErrShortClip) {
		t.Errorf("one frame: %v", err)
	}
	if _, err := ConsistencyOfClip(*seq.Clip, &Intrinsics{Fx: -1, Fy: 1}); err == nil {
		t.Error("negative focal length accepted")
	}
	opt := DefaultOptions(32, 32)
	opt.Truth = make([]Pose, 5)
	if _, err := ConsistencyOfClipWith(*seq.Clip, nil, opt); err == nil {
		t.Error("5 true poses for 2 frames accepted")
	}
	// A tiny or flat clip yields no estimate but no error either.
	flat := seq.Clip.Clone()
	clear(flat.Pix)
	cc, err := ConsistencyOfClip(*flat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cc.EstimatedPairs != 0 || !math.IsNaN(cc.MeanSampson) || cc.PoseSuccessRate != 0 {
		t.Errorf("black clip: %+v", cc)
	}
}

// FuzzFundamentalRANSAC decodes bytes into correspondences: estimation must
// not panic, and any F it returns is finite with unit norm.
func FuzzFundamentalRANSAC(f *testing.F) {
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), uint64(1))
	f.Add(make([]byte, 64), uint64(2))
	f.Add([]byte{255, 0, 255, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, uint64(3))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		var x1, x2 []Point
		for i := 0; i+4 <= len(data) && len(x1) < 64; i += 4 {
			x1 = append(x1, Point{float64(data[i]), float64(data[i+1])})
			x2 = append(x2, Point{float64(data[i+2]), float64(data[i+3])})
		}
		opt := DefaultRANSACOptions()
		opt.Seed, opt.MaxIterations = seed, 100
		F, inl, err := FundamentalRANSAC(x1, x2, opt)
		if err != nil {
			return
		}
		if n := F.Norm(); math.Abs(n-1) > 1e-9 || len(inl) != len(x1) {
			t.Fatalf("F %v (norm %v), %d inlier flags for %d points", F, n, len(inl), len(x1))
		}
		if _, _, err := EssentialRANSAC(x1, x2, testK, testK, opt); err != nil && !errors.Is(err, ErrDegenerate) {
			t.Fatalf("essential RANSAC: %v", err)
		}
	})
}

// FuzzDetect runs detection and matching on arbitrary small images.
func FuzzDetect(f *testing.F) {
	f.Add(uint8(40), uint8(40), []byte("checkerboard-ish bytes 0000ffff0000ffff"))
	f.Add(uint8(5), uint8(200), []byte{0})
	f.Fuzz(func(t *testing.T, w, h uint8, data []byte) {
		g := &Gray{Width: int(w), Height: int(h), Pix: make([]float32, int(w)*int(h))}
		for i := range g.Pix {
			if len(data) > 0 {
				g.Pix[i] = float32(data[(i*31)%len(data)])
			}
		}
		fe := Detect(g, DefaultDetectorOptions(int(w), int(h)))
		if len(fe.Keypoints) != len(fe.Descriptors) {
			t.Fatalf("%d keypoints, %d descriptors", len(fe.Keypoints), len(fe.Descriptors))
		}
		for _, k := range fe.Keypoints {
			if k.X < 0 || k.Y < 0 || k.X > float64(w)-1 || k.Y > float64(h)-1 {
				t.Fatalf("keypoint %+v outside a %dx%d image", k, w, h)
			}
		}
		MatchDescriptors(fe.Descriptors, fe.Descriptors, DefaultMatchOptions())
	})
}

// A pose keeps its JSON form: R rows and T as an array.
func TestPoseJSON(t *testing.T) {
	p := Pose{R: Mat3{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, T: Vec3{X: 0.5, Y: -1, Z: 2}}
	b, err := json.Marshal(p)
	if err != nil || string(b) != `{"R":[[1,0,0],[0,1,0],[0,0,1]],"T":[0.5,-1,2]}` {
		t.Fatalf("JSON %s, %v", b, err)
	}
	var back Pose
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Errorf("round trip %+v, %v", back, err)
	}
}
