package scene3d

import (
	"math"

	"github.com/wfm-platform/wfm/geom3"
)

// Limits on camera arguments. MaxSide bounds each image side so that buffers stay
// reasonable (720p is 1280x720; 4096 leaves room for 4K).
const (
	MaxSide    = 4096
	MinFOVDeg  = 1.0
	MaxFOVDeg  = 170.0
	rotTol     = 1e-6
	minLookLen = 1e-9
)

// Intrinsics is a pinhole camera calibration K = [[Fx 0 Cx] [0 Fy Cy] [0 0 1]] for an image of
// Width x Height pixels (Hartley & Zisserman, eq. 6.4, with zero skew). Image coordinates put
// the centre of pixel (column u, row v) at (u, v): integer centres, the OpenCV convention, so
// the image spans [-0.5, W-0.5] x [-0.5, H-0.5] and the principal point of a centred camera is
// ((W-1)/2, (H-1)/2).
type Intrinsics struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Fx     float64 `json:"fx"`
	Fy     float64 `json:"fy"`
	Cx     float64 `json:"cx"`
	Cy     float64 `json:"cy"`
}

// NewIntrinsics returns the centred pinhole camera with square pixels whose horizontal field
// of view, edge to edge of the image, is hfovDeg degrees: Fx = Fy = (W/2)/tan(hfov/2).
func NewIntrinsics(width, height int, hfovDeg float64) (Intrinsics, error) {
	if err := checkSize("NewIntrinsics", width, height); err != nil {
		return Intrinsics{}, err
	}
	if !finite(hfovDeg) || hfovDeg < MinFOVDeg || hfovDeg > MaxFOVDeg {
		return Intrinsics{}, paramErr("NewIntrinsics", "hfovDeg", hfovDeg, "must be a number in [1, 170] degrees")
	}
	f := float64(width) / 2 / math.Tan(hfovDeg*math.Pi/360)
	return Intrinsics{
		Width: width, Height: height,
		Fx: f, Fy: f,
		Cx: float64(width-1) / 2, Cy: float64(height-1) / 2,
	}, nil
}

func checkSize(op string, width, height int) error {
	if width <= 0 || width > MaxSide {
		return paramErr(op, "width", width, "must be in [1, 4096]")
	}
	if height <= 0 || height > MaxSide {
		return paramErr(op, "height", height, "must be in [1, 4096]")
	}
	return nil
}

// Validate checks the size and that the focal lengths are positive and finite and the
// principal point is finite.
func (k Intrinsics) Validate() error {
	if err := checkSize("Intrinsics", k.Width, k.Height); err != nil {
		return err
	}
	if !finite(k.Fx) || k.Fx <= 0 {
		return paramErr("Intrinsics", "fx", k.Fx, "must be positive and finite")
	}
	if !finite(k.Fy) || k.Fy <= 0 {
		return paramErr("Intrinsics", "fy", k.Fy, "must be positive and finite")
	}
	if !finite(k.Cx) || !finite(k.Cy) {
		return paramErr("Intrinsics", "principal point", [2]float64{k.Cx, k.Cy}, "must be finite")
	}
	return nil
}

// Matrix returns K.
func (k Intrinsics) Matrix() Mat3 {
	return Mat3{{k.Fx, 0, k.Cx}, {0, k.Fy, k.Cy}, {0, 0, 1}}
}

// inverse returns K^-1.
func (k Intrinsics) inverse() Mat3 {
	return Mat3{{1 / k.Fx, 0, -k.Cx / k.Fx}, {0, 1 / k.Fy, -k.Cy / k.Fy}, {0, 0, 1}}
}

// Project maps the world point x seen from pose p to image coordinates (u, v) (pixel centres
// at integers) and returns its depth z in the camera frame. Points behind the camera (z <= 0)
// give meaningless (u, v); callers check z.
func (k Intrinsics) Project(p Pose, x Vec3) (u, v, z float64) {
	c := p.Apply(x)
	return k.Fx*c.X/c.Z + k.Cx, k.Fy*c.Y/c.Z + k.Cy, c.Z
}

// Pose is a world-to-camera transform: a world point X has camera coordinates R*X + T. The
// camera frame is OpenCV's: +X right, +Y down, +Z forward along the optical axis. The camera
// centre in the world is C = -R^T T (Hartley & Zisserman, section 6.1, P = K[R | t]).
type Pose struct {
	R Mat3 `json:"R"`
	T Vec3 `json:"t"`
}

// Apply returns the camera coordinates of world point x.
func (p Pose) Apply(x Vec3) Vec3 { return p.R.MulVec(x).Add(p.T) }

// Center returns the camera centre in world coordinates.
func (p Pose) Center() Vec3 { return p.R.TMulVec(p.T).Scale(-1) }

// Validate checks that R is a rotation (R^T R = I and det R = 1 within 1e-6) and T is finite.
func (p Pose) Validate() error {
	if !p.R.IsRotation(rotTol) {
		return paramErr("Pose", "R", p.R, "must be a rotation matrix (R^T R = I, det R = 1)")
	}
	if !p.T.IsFinite() {
		return paramErr("Pose", "t", p.T, "must be finite")
	}
	return nil
}

// LookAt returns the pose of a camera at eye looking at target, rolled so that the world
// direction up appears upwards in the image (camera -Y). The world's usual up is +Y.
func LookAt(eye, target, up Vec3) (Pose, error) {
	if !eye.IsFinite() || !target.IsFinite() || !up.IsFinite() {
		return Pose{}, paramErr("LookAt", "eye/target/up", [3]Vec3{eye, target, up}, "must be finite")
	}
	fwd := target.Sub(eye)
	if fwd.Norm() < minLookLen {
		return Pose{}, paramErr("LookAt", "target", target, "coincides with eye")
	}
	fwd = fwd.Unit()
	right := fwd.Cross(up)
	if right.Norm() < minLookLen*up.Norm() || up.Norm() == 0 {
		return Pose{}, paramErr("LookAt", "up", up, "is zero or parallel to the viewing direction")
	}
	right = right.Unit()
	down := fwd.Cross(right)
	// Rows of R are the camera axes expressed in world coordinates.
	r := Mat3{
		{right.X, right.Y, right.Z},
		{down.X, down.Y, down.Z},
		{fwd.X, fwd.Y, fwd.Z},
	}
	return Pose{R: r, T: r.MulVec(eye).Scale(-1)}, nil
}

// Fundamental returns the fundamental matrix F with x2^T F x1 = 0 for every world point seen
// at homogeneous image point x1 by camera (k1, p1) and x2 by camera (k2, p2). With the
// relative motion R = R2 R1^T, t = t2 - R t1, F = K2^-T [t]x R K1^-1 (Hartley & Zisserman,
// 2nd ed., section 9.2.2). F is zero when the two centres coincide (pure rotation), where
// the epipolar geometry is undefined.
func Fundamental(k1 Intrinsics, p1 Pose, k2 Intrinsics, p2 Pose) Mat3 {
	r := p2.R.Mul(p1.R.T())
	t := p2.T.Sub(r.MulVec(p1.T))
	e := geom3.Skew(t).Mul(r)
	return k2.inverse().T().Mul(e).Mul(k1.inverse())
}
