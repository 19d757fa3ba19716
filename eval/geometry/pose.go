package geometry

import (
	"fmt"
	"math"
)

// Intrinsics is a pinhole calibration K = [[Fx 0 Cx] [0 Fy Cy] [0 0 1]] in
// pixels, with pixel centres at integer coordinates (world/scene3d's and
// OpenCV's convention).
type Intrinsics struct{ Fx, Fy, Cx, Cy float64 }

// Matrix returns K.
func (k Intrinsics) Matrix() Mat3 { return Mat3{{k.Fx, 0, k.Cx}, {0, k.Fy, k.Cy}, {0, 0, 1}} }

// inverse returns K^-1.
func (k Intrinsics) inverse() Mat3 {
	return Mat3{{1 / k.Fx, 0, -k.Cx / k.Fx}, {0, 1 / k.Fy, -k.Cy / k.Fy}, {0, 0, 1}}
}

// Validate checks that the focal lengths are positive and everything finite.
func (k Intrinsics) Validate() error {
	if !(k.Fx > 0) || !(k.Fy > 0) || !finite(k.Fx) || !finite(k.Fy) || !finite(k.Cx) || !finite(k.Cy) {
		return fmt.Errorf("geometry: intrinsics %+v: focal lengths must be positive and all values finite", k)
	}
	return nil
}

// normalize returns K^-1 (x, y, 1) as a point on the z = 1 plane.
func (k Intrinsics) normalize(p Point) Point {
	return Point{(p.X - k.Cx) / k.Fx, (p.Y - k.Cy) / k.Fy}
}

// Pose is a rigid motion x' = R x + T. For a relative pose between two
// cameras it maps coordinates in the first camera's frame to the second's;
// estimated translations have unit length (the scale is not observable).
type Pose struct {
	R Mat3
	T Vec3
}

// RelativePose returns the motion from camera 1 to camera 2 given their
// world-to-camera poses: R = R2 R1', T = T2 - R T1 (H&Z section 9.2.2).
func RelativePose(p1, p2 Pose) Pose {
	r := p2.R.Mul(p1.R.T())
	rt := r.MulVec(p1.T)
	return Pose{R: r, T: p2.T.Sub(rt)}
}

// EssentialFromFundamental returns E = K2' F K1 projected onto the essential
// manifold: singular values replaced by (1, 1, 0) (H&Z section 9.6, result
// 9.17 and the closest-essential-matrix construction of section 11.7.3).
func EssentialFromFundamental(F Mat3, k1, k2 Intrinsics) (Mat3, error) {
	e := k2.Matrix().T().Mul(F).Mul(k1.Matrix())
	u, _, v, ok := svd3(e)
	if !ok {
		return Mat3{}, fmt.Errorf("geometry: essential matrix SVD: %w", ErrDegenerate)
	}
	return u.Mul(diag(1, 1, 0)).Mul(v.T()), nil
}

// FundamentalFromEssential returns K2^-T E K1^-1, scaled to unit norm.
func FundamentalFromEssential(E Mat3, k1, k2 Intrinsics) Mat3 {
	f := k2.inverse().T().Mul(E).Mul(k1.inverse())
	if n := f.Norm(); n > 0 {
		f = f.Scale(1 / n)
	}
	return f
}

// DecomposeEssential returns the four motions (R, t) compatible with E, t of
// unit length: with E = U diag(1,1,0) V', det U = det V = 1 and W the
// rotation by 90 degrees about z, R is U W V' or U W' V' and t is +u3 or -u3
// (H&Z result 9.19). Only one of them puts the scene in front of both
// cameras; RecoverPose picks it.
func DecomposeEssential(E Mat3) ([4]Pose, error) {
	u, _, v, ok := svd3(E)
	if !ok {
		return [4]Pose{}, fmt.Errorf("geometry: essential matrix SVD: %w", ErrDegenerate)
	}
	if u.Det() < 0 {
		u = u.Scale(-1)
	}
	if v.Det() < 0 {
		v = v.Scale(-1)
	}
	w := Mat3{{0, -1, 0}, {1, 0, 0}, {0, 0, 1}}
	ra := u.Mul(w).Mul(v.T())
	rb := u.Mul(w.T()).Mul(v.T())
	t := Vec3{X: u[0][2], Y: u[1][2], Z: u[2][2]}
	nt := Vec3{X: -t.X, Y: -t.Y, Z: -t.Z}
	return [4]Pose{{ra, t}, {ra, nt}, {rb, t}, {rb, nt}}, nil
}

// depths returns the depths d1, d2 along the normalised rays (n1, 1) and
// (n2, 1) that best satisfy d2 (n2, 1) = R d1 (n1, 1) + t in the least-squares
// sense (the two rays' closest approach, as in the midpoint method of H&Z
// section 12.1), and false when the rays are parallel. The point then lies at
// camera-1 depth d1 and camera-2 depth d2.
func depths(p Pose, n1, n2 Point) (float64, float64, bool) {
	a := p.R.MulVec(Vec3{X: n1.X, Y: n1.Y, Z: 1})
	b := Vec3{X: n2.X, Y: n2.Y, Z: 1}
	// Normal equations of [a, -b] [d1 d2]' = -t.
	aa, bb, ab := a.Dot(a), b.Dot(b), a.Dot(b)
	at, bt := a.Dot(p.T), b.Dot(p.T)
	det := aa*bb - ab*ab
	if det <= 1e-12*aa*bb {
		return 0, 0, false
	}
	d1 := (-at*bb + ab*bt) / det
	d2 := (aa*bt - ab*at) / det
	return d1, d2, true
}

// RecoverPose chooses among the four decompositions of E the motion that puts
// the most triangulated inliers in front of both cameras (the cheirality
// test, H&Z section 9.6.3). It returns that motion and the fraction of the
// used correspondences in front of both cameras. Points are pixels; inliers
// selects the correspondences to use (all when nil).
func RecoverPose(E Mat3, k1, k2 Intrinsics, x1, x2 []Point, inliers []bool) (Pose, float64, error) {
	cands, err := DecomposeEssential(E)
	if err != nil {
		return Pose{}, 0, err
	}
	n1, n2 := normalizeSelected(k1, k2, x1, x2, inliers)
	if len(n1) == 0 {
		return Pose{}, 0, fmt.Errorf("geometry: recovering pose: %w", ErrTooFewPoints)
	}
	best, bestFront := 0, -1
	for c, p := range cands {
		if front := countFront(p, n1, n2); front > bestFront {
			best, bestFront = c, front
		}
	}
	return cands[best], float64(bestFront) / float64(len(n1)), nil
}

// normalizeSelected returns the selected correspondences (all when inliers is nil) as
// normalised image coordinates K^-1 x.
func normalizeSelected(k1, k2 Intrinsics, x1, x2 []Point, inliers []bool) (n1, n2 []Point) {
	for i := range x1 {
		if inliers == nil || inliers[i] {
			n1 = append(n1, k1.normalize(x1[i]))
			n2 = append(n2, k2.normalize(x2[i]))
		}
	}
	return n1, n2
}

// countFront counts the normalised correspondences whose triangulation lies
// in front of both cameras of motion p.
func countFront(p Pose, n1, n2 []Point) int {
	front := 0
	for i := range n1 {
		if d1, d2, ok := depths(p, n1[i], n2[i]); ok && d1 > 0 && d2 > 0 {
			front++
		}
	}
	return front
}

// FrontFraction is the fraction of the selected correspondences (all when
// inliers is nil) that motion p triangulates in front of both cameras.
func FrontFraction(p Pose, k1, k2 Intrinsics, x1, x2 []Point, inliers []bool) float64 {
	n1, n2 := normalizeSelected(k1, k2, x1, x2, inliers)
	if len(n1) == 0 {
		return 0
	}
	return float64(countFront(p, n1, n2)) / float64(len(n1))
}

// RotationErrorDeg is the angle of the rotation Ra Rb', in degrees.
func RotationErrorDeg(ra, rb Mat3) float64 {
	m := ra.Mul(rb.T())
	c := (m[0][0] + m[1][1] + m[2][2] - 1) / 2
	return math.Acos(min(max(c, -1), 1)) * 180 / math.Pi
}

// DirectionErrorDeg is the angle between vectors a and b in degrees, NaN when
// either is zero.
func DirectionErrorDeg(a, b Vec3) float64 {
	na, nb := a.Norm(), b.Norm()
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	c := a.Dot(b) / (na * nb)
	return math.Acos(min(max(c, -1), 1)) * 180 / math.Pi
}
