package geometry

import (
	"fmt"
	"testing"
)

// BenchmarkPair measures one consecutive frame pair end to end: keypoints and
// descriptors of both frames, matching, and RANSAC (F alone without
// intrinsics; E, cheirality and refinement with them), on world/scene3d
// orbit renders.
func BenchmarkPair(b *testing.B) {
	for _, sz := range []int{64, 256} {
		seq := renderPath(b, 7, testPaths[0].path, 5, sz, sz)
		k := IntrinsicsFromScene3D(seq.Truth.Intrinsics)
		opt := DefaultOptions(sz, sz)
		g1, g2 := GrayFrame(seq.Clip, 0), GrayFrame(seq.Clip, 1)
		for _, calibrated := range []bool{false, true} {
			name := fmt.Sprintf("%dx%d/F", sz, sz)
			var kp *Intrinsics
			if calibrated {
				name = fmt.Sprintf("%dx%d/E+pose", sz, sz)
				kp = &k
			}
			b.Run(name, func(b *testing.B) {
				var inliers int
				for b.Loop() {
					a, c := Detect(g1, opt.Detector), Detect(g2, opt.Detector)
					p := measurePair(a, c, kp, opt.Match, opt.RANSAC, opt.Success, nil)
					inliers = p.Inliers
				}
				b.ReportMetric(float64(inliers), "inliers")
			})
		}
	}
}

// BenchmarkStages splits the 256x256 pair into its stages.
func BenchmarkStages(b *testing.B) {
	seq := renderPath(b, 7, testPaths[0].path, 5, 256, 256)
	opt := DefaultOptions(256, 256)
	g1, g2 := GrayFrame(seq.Clip, 0), GrayFrame(seq.Clip, 1)
	a, c := Detect(g1, opt.Detector), Detect(g2, opt.Detector)
	x1, x2 := MatchFeatures(a, c, opt.Match)
	b.Run("detect", func(b *testing.B) {
		for b.Loop() {
			Detect(g1, opt.Detector)
		}
	})
	b.Run("match", func(b *testing.B) {
		for b.Loop() {
			MatchDescriptors(a.Descriptors, c.Descriptors, opt.Match)
		}
	})
	b.Run("ransacF", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := FundamentalRANSAC(x1, x2, opt.RANSAC); err != nil {
				b.Fatal(err)
			}
		}
	})
}
