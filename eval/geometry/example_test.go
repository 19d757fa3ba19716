package geometry_test

import (
	"fmt"

	"github.com/wfm-platform/wfm/eval/geometry"
	"github.com/wfm-platform/wfm/world/scene3d"
)

// Measure the 3-D consistency of a rendered orbit with its true intrinsics
// and poses: every frame pair gives a pose within a degree of the truth and a
// sub-pixel Sampson error.
func Example() {
	scene, _ := scene3d.RandomScene(7, scene3d.DefaultSceneOptions())
	k, _ := scene3d.NewIntrinsics(256, 256, 60)
	poses, _ := scene3d.Orbit{Target: scene3d.Vec3{Y: 0.5}, Radius: 5, Height: 1.5, SweepDeg: 20}.Poses(3)
	seq, _ := scene3d.RenderSequence(scene, k, poses, 8, scene3d.RenderOptions{Supersample: 2})

	K := geometry.IntrinsicsFromScene3D(k)
	opt := geometry.DefaultOptions(256, 256)
	opt.Truth = geometry.PosesFromTruth(&seq.Truth)
	cc, err := geometry.ConsistencyOfClipWith(*seq.Clip, &K, opt)
	if err != nil {
		panic(err)
	}
	for _, p := range cc.Pairs {
		fmt.Printf("frames %d-%d: rotation error < 1 deg: %v, mean Sampson < 0.5 px: %v\n",
			p.From, p.To, p.RotationErrorDeg < 1, p.MeanSampson < 0.5)
	}
	fmt.Printf("pose success rate %.2f\n", cc.PoseSuccessRate)
	// Output:
	// frames 0-1: rotation error < 1 deg: true, mean Sampson < 0.5 px: true
	// frames 1-2: rotation error < 1 deg: true, mean Sampson < 0.5 px: true
	// pose success rate 1.00
}
