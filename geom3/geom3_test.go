package geom3

import (
	"math"
	"testing"
)

func TestVec3(t *testing.T) {
	a, b := Vec3{1, 2, 3}, Vec3{-2, 0.5, 4}
	if got := a.Add(b).Sub(b); got != a {
		t.Errorf("a+b-b = %v", got)
	}
	if got := a.Dot(b); got != -2+1+12 {
		t.Errorf("a.b = %v", got)
	}
	c := a.Cross(b)
	if c.Dot(a) != 0 || c.Dot(b) != 0 {
		t.Errorf("a x b = %v is not orthogonal to a and b", c)
	}
	if got := Skew(a).MulVec(b); got != c {
		t.Errorf("[a]x b = %v, a x b = %v", got, c)
	}
	if n := (Vec3{3, 4, 12}).Unit().Norm(); math.Abs(n-1) > 1e-15 {
		t.Errorf("|unit| = %v", n)
	}
	if (Vec3{}).Unit() != (Vec3{}) {
		t.Error("unit of zero is not zero")
	}
	if (Vec3{1, math.NaN(), 0}).IsFinite() || !a.IsFinite() {
		t.Error("IsFinite")
	}
}

func TestMat3(t *testing.T) {
	r := RotationY(0.7).Mul(Identity())
	if !r.IsRotation(1e-12) || math.Abs(r.Det()-1) > 1e-12 {
		t.Errorf("RotationY is not a rotation: %v", r)
	}
	v := Vec3{1, -2, 0.5}
	if got := r.TMulVec(r.MulVec(v)); got.Sub(v).Norm() > 1e-12 {
		t.Errorf("R^T R v = %v, want %v", got, v)
	}
	if got := r.T().MulVec(v); got != r.TMulVec(v) {
		t.Errorf("T().MulVec %v != TMulVec %v", got, r.TMulVec(v))
	}
	if (Mat3{{2, 0, 0}, {0, 1, 0}, {0, 0, 1}}).IsRotation(1e-9) {
		t.Error("a scaling passes as a rotation")
	}
	if n := Identity().Scale(2).Norm(); math.Abs(n-2*math.Sqrt(3)) > 1e-15 {
		t.Errorf("|2I| = %v", n)
	}
	var bad Mat3
	bad[1][2] = math.Inf(1)
	if bad.IsFinite() || bad.IsRotation(1) {
		t.Error("IsFinite of an infinite matrix")
	}
}
