package geometry

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/wfm-platform/wfm/geom3"
)

// EssentialFromPose returns E = [t]x R.
func EssentialFromPose(p Pose) Mat3 { return geom3.Skew(p.T).Mul(p.R) }

// rodrigues returns the rotation by |w| radians about w (Rodrigues' formula).
func rodrigues(w Vec3) Mat3 {
	th := w.Norm()
	if th < 1e-15 {
		return Mat3{{1, -w.Z, w.Y}, {w.Z, 1, -w.X}, {-w.Y, w.X, 1}}
	}
	k := geom3.Skew(Vec3{X: w.X / th, Y: w.Y / th, Z: w.Z / th})
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
		t := Vec3{X: q.T.X + d[3]*b1.X + d[4]*b2.X, Y: q.T.Y + d[3]*b1.Y + d[4]*b2.Y, Z: q.T.Z + d[3]*b1.Z + d[4]*b2.Z}

		n := t.Norm()
		return Pose{R: rodrigues(Vec3{X: d[0], Y: d[1], Z: d[2]}).Mul(q.R), T: Vec3{X: t.X / n, Y: t.Y / n, Z: t.Z / n}}
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
	ax := Vec3{X: 1}
	if math.Abs(t.Y) < math.Abs(t.X) && math.Abs(t.Y) <= math.Abs(t.Z) {
		ax = Vec3{Y: 1}
	} else if math.Abs(t.Z) < math.Abs(t.X) {
		ax = Vec3{Z: 1}
	}
	b1 := t.Cross(ax)
	n := b1.Norm()
	b1 = Vec3{X: b1.X / n, Y: b1.Y / n, Z: b1.Z / n}
	b2 := t.Cross(b1)
	n = b2.Norm()
	return b1, Vec3{X: b2.X / n, Y: b2.Y / n, Z: b2.Z / n}
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
