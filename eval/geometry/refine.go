package geometry

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// skew returns [t]x, the matrix of the cross product with t.
func skew(t Vec3) Mat3 {
	return Mat3{{0, -t[2], t[1]}, {t[2], 0, -t[0]}, {-t[1], t[0], 0}}
}

// EssentialFromPose returns E = [t]x R.
func EssentialFromPose(p Pose) Mat3 { return skew(p.T).Mul(p.R) }

// rodrigues returns the rotation by |w| radians about w (Rodrigues' formula).
func rodrigues(w Vec3) Mat3 {
	th := math.Sqrt(w[0]*w[0] + w[1]*w[1] + w[2]*w[2])
	if th < 1e-15 {
		return Mat3{{1, -w[2], w[1]}, {w[2], 1, -w[0]}, {-w[1], w[0], 1}}
	}
	k := skew(Vec3{w[0] / th, w[1] / th, w[2] / th})
	k2 := k.Mul(k)
	var r Mat3
	s, c := math.Sin(th), 1-math.Cos(th)
	for i := range 3 {
		for j := range 3 {
			r[i][j] = s*k[i][j] + c*k2[i][j]
		}
		r[i][i]++
	}
	return r
}

// RefinePose minimises the sum of squared Sampson distances, in pixels, of
// the selected correspondences (all when inliers is nil) over the five
// degrees of freedom of a calibrated relative pose, by Levenberg-Marquardt
// (Hartley and Zisserman, appendix 6) from p: a rotation increment about
// each axis and a move of the unit translation within its tangent plane.
// Linear estimates minimise an algebraic error; this minimises the geometric
// one the benchmark reports. It returns the refined pose, unit translation.
func RefinePose(p Pose, k1, k2 Intrinsics, x1, x2 []Point, inliers []bool) Pose {
	var a, b []Point
	for i := range x1 {
		if inliers == nil || inliers[i] {
			a = append(a, x1[i])
			b = append(b, x2[i])
		}
	}
	if len(a) < 6 {
		return p
	}
	k1i, k2it := k1.inverse(), k2.inverse().T()
	res := make([]float64, len(a))
	residuals := func(q Pose, out []float64) float64 {
		F := k2it.Mul(EssentialFromPose(q)).Mul(k1i)
		var c float64
		for i := range a {
			out[i] = sampsonSigned(&F, a[i], b[i])
			c += out[i] * out[i]
		}
		return c
	}
	// apply moves pose q by the parameter vector d.
	apply := func(q Pose, d [5]float64) Pose {
		b1, b2 := tangentBasis(q.T)
		t := Vec3{}
		for j := range 3 {
			t[j] = q.T[j] + d[3]*b1[j] + d[4]*b2[j]
		}
		n := math.Sqrt(t[0]*t[0] + t[1]*t[1] + t[2]*t[2])
		return Pose{R: rodrigues(Vec3{d[0], d[1], d[2]}).Mul(q.R), T: Vec3{t[0] / n, t[1] / n, t[2] / n}}
	}
	cost := residuals(p, res)
	lambda := 1e-3
	jac := mat.NewDense(len(a), 5, nil)
	rp, rm := make([]float64, len(a)), make([]float64, len(a))
	for range 30 {
		const h = 1e-6
		for j := range 5 {
			var d [5]float64
			d[j] = h
			residuals(apply(p, d), rp)
			d[j] = -h
			residuals(apply(p, d), rm)
			for i := range a {
				jac.Set(i, j, (rp[i]-rm[i])/(2*h))
			}
		}
		var jtj mat.Dense
		jtj.Mul(jac.T(), jac)
		jtr := mat.NewVecDense(5, nil)
		jtr.MulVec(jac.T(), mat.NewVecDense(len(res), res))
		improved := false
		for range 10 {
			aug := mat.DenseCopyOf(&jtj)
			for j := range 5 {
				aug.Set(j, j, jtj.At(j, j)*(1+lambda)+1e-12)
			}
			var step mat.VecDense
			if err := step.SolveVec(aug, jtr); err != nil {
				lambda *= 10
				continue
			}
			var d [5]float64
			for j := range 5 {
				d[j] = -step.AtVec(j)
			}
			q := apply(p, d)
			if c := residuals(q, rp); c < cost {
				rel := (cost - c) / cost
				p, cost = q, c
				copy(res, rp)
				lambda = max(lambda/10, 1e-9)
				improved = true
				if rel < 1e-10 {
					return p
				}
				break
			}
			lambda *= 10
		}
		if !improved {
			break
		}
	}
	return p
}

// tangentBasis returns two unit vectors orthogonal to t and to each other.
func tangentBasis(t Vec3) (Vec3, Vec3) {
	// Cross t with the axis it is least aligned with.
	ax := Vec3{1, 0, 0}
	if math.Abs(t[1]) < math.Abs(t[0]) && math.Abs(t[1]) <= math.Abs(t[2]) {
		ax = Vec3{0, 1, 0}
	} else if math.Abs(t[2]) < math.Abs(t[0]) {
		ax = Vec3{0, 0, 1}
	}
	b1 := cross(t, ax)
	n := math.Sqrt(b1[0]*b1[0] + b1[1]*b1[1] + b1[2]*b1[2])
	b1 = Vec3{b1[0] / n, b1[1] / n, b1[2] / n}
	b2 := cross(t, b1)
	n = math.Sqrt(b2[0]*b2[0] + b2[1]*b2[1] + b2[2]*b2[2])
	return b1, Vec3{b2[0] / n, b2[1] / n, b2[2] / n}
}

func cross(a, b Vec3) Vec3 {
	return Vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// sampsonSigned is the Sampson distance with the sign of x2' F x1, so that
// its square is the Sampson error and it is smooth in F.
func sampsonSigned(F *Mat3, x1, x2 Point) float64 {
	a0 := F[0][0]*x1.X + F[0][1]*x1.Y + F[0][2]
	a1 := F[1][0]*x1.X + F[1][1]*x1.Y + F[1][2]
	a2 := F[2][0]*x1.X + F[2][1]*x1.Y + F[2][2]
	b0 := F[0][0]*x2.X + F[1][0]*x2.Y + F[2][0]
	b1 := F[0][1]*x2.X + F[1][1]*x2.Y + F[2][1]
	den := a0*a0 + a1*a1 + b0*b0 + b1*b1
	if den == 0 {
		return 0
	}
	return (x2.X*a0 + x2.Y*a1 + a2) / math.Sqrt(den)
}
