package scene3d_test

import (
	"fmt"

	"github.com/wfm-platform/wfm/world/scene3d"
)

// A 128x128 orbit of a random scene, and the projection of the orbit target into the first
// frame: it lands on the principal point.
func Example() {
	scene, err := scene3d.RandomScene(42, scene3d.DefaultSceneOptions())
	if err != nil {
		panic(err)
	}
	k, err := scene3d.NewIntrinsics(128, 128, 60)
	if err != nil {
		panic(err)
	}
	target := scene3d.Vec3{X: 0, Y: 0.5, Z: 0}
	poses, err := scene3d.Orbit{Target: target, Radius: 5, Height: 1.5, SweepDeg: 45}.Poses(8)
	if err != nil {
		panic(err)
	}
	seq, err := scene3d.RenderSequence(scene, k, poses, 8, scene3d.RenderOptions{Supersample: 2})
	if err != nil {
		panic(err)
	}
	u, v, z := k.Project(seq.Truth.Pose(0), target)
	fmt.Printf("clip %dx%dx%d, fx %.2f, target at (%.1f, %.1f) depth %.3f m\n",
		seq.Clip.Frames, seq.Clip.Height, seq.Clip.Width, k.Fx, u, v, z)
	// Output: clip 8x128x128, fx 110.85, target at (63.5, 63.5) depth 5.220 m
}
