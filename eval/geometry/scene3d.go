package geometry

import "github.com/wfm-platform/wfm/world/scene3d"

// IntrinsicsFromScene3D converts world/scene3d's calibration (same pixel
// convention) to this package's.
func IntrinsicsFromScene3D(k scene3d.Intrinsics) Intrinsics {
	return Intrinsics{Fx: k.Fx, Fy: k.Fy, Cx: k.Cx, Cy: k.Cy}
}

// PoseFromScene3D converts a world-to-camera pose of world/scene3d.
func PoseFromScene3D(p scene3d.Pose) Pose {
	return Pose{R: p.R, T: p.T}
}

// PosesFromTruth returns the world-to-camera pose of every frame of a
// rendered clip's ground truth, for Options.Truth.
func PosesFromTruth(g *scene3d.GroundTruth) []Pose {
	ps := make([]Pose, len(g.Frames))
	for i := range ps {
		ps[i] = PoseFromScene3D(g.Pose(i))
	}
	return ps
}
