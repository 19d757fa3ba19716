package scene3d

import (
	"math"

	"github.com/wfm-platform/wfm/geom3"
)

// Vec3 is a point or direction in 3-D space, in metres for points (package geom3's vector).
type Vec3 = geom3.Vec3

// Mat3 is a 3x3 matrix, row-major: m[row][col] (package geom3's matrix).
type Mat3 = geom3.Mat3

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
