package geometry

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

var update = flag.Bool("update", false, "rewrite testdata/render_matches.json (then rerun testdata/make_golden.py)")

// TestRenderMatchesFile writes, with -update, the RANSAC inlier
// correspondences of one pair of a 256x256 world/scene3d orbit render with
// the camera and true motion, for make_golden.py to run OpenCV on; without
// -update it checks that the file still describes what this package finds
// (same render, same matches), so the golden values stay tied to real
// detector output.
func TestRenderMatchesFile(t *testing.T) {
	seq := renderPath(t, 7, testPaths[0].path, 4, 256, 256)
	opt := DefaultOptions(256, 256)
	a := Detect(GrayFrame(seq.Clip, 1), opt.Detector)
	b := Detect(GrayFrame(seq.Clip, 2), opt.Detector)
	x1, x2 := MatchFeatures(a, b, opt.Match)
	_, inl, err := FundamentalRANSAC(x1, x2, opt.RANSAC)
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		Note string       `json:"note"`
		K    Mat3         `json:"K"`
		R    Mat3         `json:"R"`
		T    [3]float64   `json:"t"`
		X1   [][2]float64 `json:"x1"`
		X2   [][2]float64 `json:"x2"`
	}
	rel := RelativePose(PoseFromScene3D(seq.Truth.Pose(1)), PoseFromScene3D(seq.Truth.Pose(2)))
	f := file{
		Note: "RANSAC inliers of frames 1-2 of a 256x256 scene3d orbit (seed 7), from TestRenderMatchesFile -update",
		K:    IntrinsicsFromScene3D(seq.Truth.Intrinsics).Matrix(), R: rel.R, T: [3]float64{rel.T.X, rel.T.Y, rel.T.Z},
	}
	for i := range x1 {
		if inl[i] {
			f.X1 = append(f.X1, [2]float64{x1[i].X, x1[i].Y})
			f.X2 = append(f.X2, [2]float64{x2[i].X, x2[i].Y})
		}
	}
	path := filepath.Join("testdata", "render_matches.json")
	if *update {
		data, err := json.MarshalIndent(f, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var old file
	if err := json.Unmarshal(data, &old); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(old.X1) != len(f.X1) {
		t.Fatalf("%s has %d correspondences, this package now finds %d: run go test -run RenderMatchesFile -update and make_golden.py", path, len(old.X1), len(f.X1))
	}
	for i := range f.X1 {
		if math.Abs(old.X1[i][0]-f.X1[i][0]) > 1e-9 || math.Abs(old.X2[i][1]-f.X2[i][1]) > 1e-9 {
			t.Fatalf("%s: correspondence %d changed: run go test -run RenderMatchesFile -update and make_golden.py", path, i)
		}
	}
}

// goldenScene is one entry of testdata/golden.json, written by
// testdata/make_golden.py with OpenCV 4.6.0.
type goldenScene struct {
	Name         string       `json:"name"`
	K            Mat3         `json:"K"`
	R            Mat3         `json:"R"`
	T            [3]float64   `json:"t"`
	X1           [][2]float64 `json:"x1"`
	X2           [][2]float64 `json:"x2"`
	FCV          Mat3         `json:"F_cv"`
	SampsonNumpy []float64    `json:"sampson_numpy"`
	SampsonCV    []float64    `json:"sampson_cv"`
	ETrue        Mat3         `json:"E_true"`
	RCV          Mat3         `json:"R_cv"`
	TCV          [3]float64   `json:"t_cv"`
}

func loadGoldenScenes(t *testing.T) []goldenScene {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Scenes []goldenScene `json:"scenes"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	if len(g.Scenes) == 0 {
		t.Fatal("testdata/golden.json: no scenes")
	}
	return g.Scenes
}

func points(v [][2]float64, round32 bool) []Point {
	p := make([]Point, len(v))
	for i, x := range v {
		p[i] = Point{x[0], x[1]}
		if round32 {
			p[i] = Point{float64(float32(x[0])), float64(float32(x[1]))}
		}
	}
	return p
}

// unitSigned scales F to unit norm with a positive largest-magnitude entry,
// so that two estimates can be compared element by element.
func unitSigned(F Mat3) Mat3 {
	var big float64
	for i := range 3 {
		for j := range 3 {
			if math.Abs(F[i][j]) > math.Abs(big) {
				big = F[i][j]
			}
		}
	}
	s := 1 / F.Norm()
	if big < 0 {
		s = -s
	}
	return F.Scale(s)
}

func maxAbsDiff(a, b Mat3) float64 {
	var d float64
	for i := range 3 {
		for j := range 3 {
			d = max(d, math.Abs(a[i][j]-b[i][j]))
		}
	}
	return d
}

// TestGoldenOpenCV holds the eight-point estimate, the Sampson distance and
// the cheirality choice to OpenCV's on the same correspondences.
func TestGoldenOpenCV(t *testing.T) {
	for _, s := range loadGoldenScenes(t) {
		t.Run(s.Name, func(t *testing.T) {
			// OpenCV converts the points to float32 before estimating F;
			// do the same so that only the algorithms are compared.
			F, err := FundamentalEightPoint(points(s.X1, true), points(s.X2, true))
			if err != nil {
				t.Fatal(err)
			}
			d := maxAbsDiff(unitSigned(F), unitSigned(s.FCV))
			t.Logf("eight-point F vs cv2.findFundamentalMat(FM_8POINT): max |diff| of unit-norm entries %.3g", d)
			if d > 1e-6 {
				t.Errorf("F differs from OpenCV by %.3g:\n got %v\nwant %v", d, unitSigned(F), unitSigned(s.FCV))
			}
			x1, x2 := points(s.X1, false), points(s.X2, false)
			var worst float64
			for i := range x1 {
				e := SampsonError(s.FCV, x1[i], x2[i])
				for _, want := range []float64{s.SampsonNumpy[i], s.SampsonCV[i]} {
					if diff := math.Abs(e - want); diff > 1e-9*max(1, want) {
						t.Errorf("point %d: Sampson %.12g, golden %.12g", i, e, want)
					} else {
						worst = max(worst, diff)
					}
				}
			}
			t.Logf("Sampson vs NumPy formula and cv2.sampsonDistance: max |diff| %.3g px", worst)
			k := Intrinsics{Fx: s.K[0][0], Fy: s.K[1][1], Cx: s.K[0][2], Cy: s.K[1][2]}
			pose, front, err := RecoverPose(s.ETrue, k, k, x1, x2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(pose.R, s.RCV); d > 1e-9 {
				t.Errorf("recovered R differs from cv2.recoverPose by %.3g:\n got %v\nwant %v", d, pose.R, s.RCV)
			}
			if d := math.Max(math.Abs(pose.T.X-s.TCV[0]), math.Max(math.Abs(pose.T.Y-s.TCV[1]), math.Abs(pose.T.Z-s.TCV[2]))); d > 1e-9 {
				t.Errorf("recovered t %v, cv2.recoverPose %v", pose.T, s.TCV)
			}
			if front < 0.95 {
				t.Errorf("only %.2f of the points in front of both cameras", front)
			}
		})
	}
}
