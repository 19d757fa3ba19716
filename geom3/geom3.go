// Package geom3 is the small 3-D math shared by the scene renderer (world/scene3d) and the
// 3-D consistency benchmark (eval/geometry): a vector type, a 3x3 matrix type and the few
// operations both need — products, transpose, determinant, norms, the cross-product matrix,
// rotation checks. It depends only on the standard library, so both sides of the
// generate-then-measure loop use the same arithmetic without one importing the other's
// machinery.
//
// Matrices are row-major, m[row][col], and act on column vectors: MulVec returns m*v. All
// operations are plain float64 arithmetic in a fixed order, so results are reproducible bit for
// bit.
package geom3

import "math"

// Vec3 is a point or direction in 3-D space.
type Vec3 struct {
	X, Y, Z float64
}

// Add returns a+b.
func (a Vec3) Add(b Vec3) Vec3 { return Vec3{a.X + b.X, a.Y + b.Y, a.Z + b.Z} }

// Sub returns a-b.
func (a Vec3) Sub(b Vec3) Vec3 { return Vec3{a.X - b.X, a.Y - b.Y, a.Z - b.Z} }

// Scale returns s*a.
func (a Vec3) Scale(s float64) Vec3 { return Vec3{s * a.X, s * a.Y, s * a.Z} }

// Dot returns the inner product a.b.
func (a Vec3) Dot(b Vec3) float64 { return a.X*b.X + a.Y*b.Y + a.Z*b.Z }

// Cross returns the cross product a x b.
func (a Vec3) Cross(b Vec3) Vec3 {
	return Vec3{a.Y*b.Z - a.Z*b.Y, a.Z*b.X - a.X*b.Z, a.X*b.Y - a.Y*b.X}
}

// Norm returns the Euclidean length of a.
func (a Vec3) Norm() float64 { return math.Sqrt(a.Dot(a)) }

// Unit returns a scaled to length 1 (a itself when its length is 0).
func (a Vec3) Unit() Vec3 {
	n := a.Norm()
	if n == 0 {
		return a
	}
	return a.Scale(1 / n)
}

// IsFinite reports whether no component is NaN or infinite.
func (a Vec3) IsFinite() bool { return finite(a.X) && finite(a.Y) && finite(a.Z) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Mat3 is a 3x3 matrix, row-major: m[row][col].
type Mat3 [3][3]float64

// Identity returns the 3x3 identity matrix.
func Identity() Mat3 { return Mat3{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} }

// RotationY returns the rotation by angle radians about the +Y axis (right-handed: +Z turns
// towards +X).
func RotationY(angle float64) Mat3 {
	s, c := math.Sincos(angle)
	return Mat3{{c, 0, s}, {0, 1, 0}, {-s, 0, c}}
}

// Skew returns [v]x, the matrix with [v]x w = v x w (Hartley & Zisserman, Multiple View
// Geometry, 2nd ed., appendix A4.5).
func Skew(v Vec3) Mat3 {
	return Mat3{{0, -v.Z, v.Y}, {v.Z, 0, -v.X}, {-v.Y, v.X, 0}}
}

// MulVec returns m*v.
func (m Mat3) MulVec(v Vec3) Vec3 {
	return Vec3{
		m[0][0]*v.X + m[0][1]*v.Y + m[0][2]*v.Z,
		m[1][0]*v.X + m[1][1]*v.Y + m[1][2]*v.Z,
		m[2][0]*v.X + m[2][1]*v.Y + m[2][2]*v.Z,
	}
}

// TMulVec returns m^T*v (the inverse rotation when m is a rotation).
func (m Mat3) TMulVec(v Vec3) Vec3 {
	return Vec3{
		m[0][0]*v.X + m[1][0]*v.Y + m[2][0]*v.Z,
		m[0][1]*v.X + m[1][1]*v.Y + m[2][1]*v.Z,
		m[0][2]*v.X + m[1][2]*v.Y + m[2][2]*v.Z,
	}
}

// Mul returns the matrix product m*n.
func (m Mat3) Mul(n Mat3) Mat3 {
	var p Mat3
	for i := range 3 {
		for j := range 3 {
			p[i][j] = m[i][0]*n[0][j] + m[i][1]*n[1][j] + m[i][2]*n[2][j]
		}
	}
	return p
}

// T returns the transpose of m.
func (m Mat3) T() Mat3 {
	var p Mat3
	for i := range 3 {
		for j := range 3 {
			p[i][j] = m[j][i]
		}
	}
	return p
}

// Det returns the determinant of m.
func (m Mat3) Det() float64 {
	return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
}

// Norm returns the Frobenius norm of m.
func (m Mat3) Norm() float64 {
	var s float64
	for i := range 3 {
		for j := range 3 {
			s += m[i][j] * m[i][j]
		}
	}
	return math.Sqrt(s)
}

// Scale returns a*m.
func (m Mat3) Scale(a float64) Mat3 {
	for i := range 3 {
		for j := range 3 {
			m[i][j] *= a
		}
	}
	return m
}

// IsFinite reports whether no entry is NaN or infinite.
func (m Mat3) IsFinite() bool {
	for i := range 3 {
		for j := range 3 {
			if !finite(m[i][j]) {
				return false
			}
		}
	}
	return true
}

// IsRotation reports whether m is orthonormal with determinant +1 within tol.
func (m Mat3) IsRotation(tol float64) bool {
	if !m.IsFinite() {
		return false
	}
	p := m.T().Mul(m)
	id := Identity()
	for i := range 3 {
		for j := range 3 {
			if math.Abs(p[i][j]-id[i][j]) > tol {
				return false
			}
		}
	}
	return math.Abs(m.Det()-1) <= tol
}
