package geometry

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/wfm-platform/wfm/geom3"
)

// Point is an image point in pixels (pixel centres at integers).
type Point struct{ X, Y float64 }

// Mat3 is a 3x3 matrix, row-major: m[row][col] (package geom3's matrix).
type Mat3 = geom3.Mat3

// Vec3 is a 3-vector (package geom3's vector).
type Vec3 = geom3.Vec3

// ErrTooFewPoints is returned when an estimate needs more correspondences.
var ErrTooFewPoints = errors.New("too few correspondences")

// ErrDegenerate is returned when the correspondences do not determine the
// matrix (e.g. all points identical or collinear, or no RANSAC sample works).
var ErrDegenerate = errors.New("degenerate configuration")

func dense(m Mat3) *mat.Dense {
	return mat.NewDense(3, 3, []float64{m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1], m[2][2]})
}

func mat3Of(d mat.Matrix) Mat3 {
	var m Mat3
	for i := range 3 {
		for j := range 3 {
			m[i][j] = d.At(i, j)
		}
	}
	return m
}

// svd3 returns U, the singular values (descending) and V of m.
func svd3(m Mat3) (u Mat3, s [3]float64, v Mat3, ok bool) {
	var d mat.SVD
	if !d.Factorize(dense(m), mat.SVDFull) {
		return u, s, v, false
	}
	var du, dv mat.Dense
	d.UTo(&du)
	d.VTo(&dv)
	copy(s[:], d.Values(nil))
	return mat3Of(&du), s, mat3Of(&dv), true
}

func diag(a, b, c float64) Mat3 { return Mat3{{a, 0, 0}, {0, b, 0}, {0, 0, c}} }

// SampsonError returns the Sampson distance of the correspondence x1 <-> x2
// under F, in pixels: the square root of
//
//	e = (x2' F x1)^2 / ((F x1)_1^2 + (F x1)_2^2 + (F' x2)_1^2 + (F' x2)_2^2)
//
// for homogeneous x = (x, y, 1) (Hartley and Zisserman, 2nd ed., eq. 11.9).
// F follows OpenCV's convention x2' F x1 = 0. This is the formula of the
// Cosmos 3-D consistency benchmark with its x0 = x2 and x1 = x1 (transposing
// F and swapping the points leaves e unchanged). cv2.sampsonDistance(x1, x2,
// F) returns e itself, the square of this value.
func SampsonError(F Mat3, x1, x2 Point) float64 {
	return math.Sqrt(sampsonSq(&F, x1, x2))
}

func sampsonSq(F *Mat3, x1, x2 Point) float64 {
	// F x1
	a0 := F[0][0]*x1.X + F[0][1]*x1.Y + F[0][2]
	a1 := F[1][0]*x1.X + F[1][1]*x1.Y + F[1][2]
	a2 := F[2][0]*x1.X + F[2][1]*x1.Y + F[2][2]
	// F' x2
	b0 := F[0][0]*x2.X + F[1][0]*x2.Y + F[2][0]
	b1 := F[0][1]*x2.X + F[1][1]*x2.Y + F[2][1]
	v := x2.X*a0 + x2.Y*a1 + a2
	den := a0*a0 + a1*a1 + b0*b0 + b1*b1
	if den == 0 {
		if v == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return v * v / den
}

// normalizer returns Hartley's similarity T that moves the centroid of pts to
// the origin and scales their mean distance from it to sqrt(2).
func normalizer(pts []Point) (Mat3, bool) {
	var cx, cy float64
	for _, p := range pts {
		cx += p.X
		cy += p.Y
	}
	n := float64(len(pts))
	cx, cy = cx/n, cy/n
	var d float64
	for _, p := range pts {
		d += math.Hypot(p.X-cx, p.Y-cy)
	}
	d /= n
	if !(d > 1e-12) || math.IsInf(d, 0) {
		return Mat3{}, false
	}
	s := math.Sqrt2 / d
	return Mat3{{s, 0, -s * cx}, {0, s, -s * cy}, {0, 0, 1}}, true
}

// FundamentalEightPoint estimates F with x2' F x1 = 0 from at least 8
// correspondences by Hartley's normalised eight-point algorithm ("In defense
// of the eight-point algorithm", IEEE PAMI 19(6), 1997; H&Z algorithm 11.1):
// normalise both point sets, take the right singular vector of the smallest
// singular value of the n x 9 design matrix, force rank 2 by zeroing the
// smallest singular value of F, and undo the normalisation. The result has
// unit Frobenius norm and F[2][2] >= 0.
func FundamentalEightPoint(x1, x2 []Point) (Mat3, error) {
	if len(x1) != len(x2) {
		return Mat3{}, fmt.Errorf("geometry: eight-point with %d and %d points", len(x1), len(x2))
	}
	if len(x1) < 8 {
		return Mat3{}, fmt.Errorf("geometry: eight-point with %d correspondences: %w", len(x1), ErrTooFewPoints)
	}
	F, ok := eightPoint(x1, x2, nil)
	if !ok {
		return Mat3{}, fmt.Errorf("geometry: eight-point: %w", ErrDegenerate)
	}
	return F, nil
}

// eightPoint runs the normalised eight-point algorithm on the correspondences
// listed in idx (all when idx is nil).
func eightPoint(x1, x2 []Point, idx []int) (Mat3, bool) {
	n := len(idx)
	get := func(k int) int { return idx[k] }
	if idx == nil {
		n = len(x1)
		get = func(k int) int { return k }
	}
	p1 := make([]Point, n)
	p2 := make([]Point, n)
	for k := range n {
		p1[k], p2[k] = x1[get(k)], x2[get(k)]
	}
	for _, p := range p1 {
		if !finite(p.X) || !finite(p.Y) {
			return Mat3{}, false
		}
	}
	for _, p := range p2 {
		if !finite(p.X) || !finite(p.Y) {
			return Mat3{}, false
		}
	}
	t1, ok1 := normalizer(p1)
	t2, ok2 := normalizer(p2)
	if !ok1 || !ok2 {
		return Mat3{}, false
	}
	a := mat.NewDense(max(n, 9), 9, nil)
	for k := range n {
		u1, v1 := t1[0][0]*p1[k].X+t1[0][2], t1[1][1]*p1[k].Y+t1[1][2]
		u2, v2 := t2[0][0]*p2[k].X+t2[0][2], t2[1][1]*p2[k].Y+t2[1][2]
		a.SetRow(k, []float64{u2 * u1, u2 * v1, u2, v2 * u1, v2 * v1, v2, u1, v1, 1})
	}
	var d mat.SVD
	if !d.Factorize(a, mat.SVDFullV) {
		return Mat3{}, false
	}
	var v mat.Dense
	d.VTo(&v)
	sv := d.Values(nil)
	// With 8 points the null space is spanned by the 9th column; with a
	// rank below 8 the solution is not unique.
	if sv[0] == 0 || sv[7] < 1e-10*sv[0] {
		return Mat3{}, false
	}
	var f Mat3
	for i := range 3 {
		for j := range 3 {
			f[i][j] = v.At(3*i+j, 8)
		}
	}
	u, s, vv, ok := svd3(f)
	if !ok {
		return Mat3{}, false
	}
	f = u.Mul(diag(s[0], s[1], 0)).Mul(vv.T())
	f = t2.T().Mul(f).Mul(t1)
	nrm := f.Norm()
	if !(nrm > 0) || !finite(nrm) {
		return Mat3{}, false
	}
	if f[2][2] < 0 {
		nrm = -nrm
	}
	return f.Scale(1 / nrm), true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// RANSACOptions configures robust estimation of F.
type RANSACOptions struct {
	// Threshold is the largest Sampson distance of an inlier, in pixels.
	Threshold float64
	// Confidence sets the adaptive number of samples: stop once an all-inlier
	// sample has been drawn with this probability at the best inlier ratio.
	Confidence float64
	// MinIterations and MaxIterations bound the number of samples.
	MinIterations, MaxIterations int
	// Seed makes the sampling reproducible.
	Seed uint64
}

// DefaultRANSACOptions returns a 1-pixel threshold, confidence 0.999, 200 to
// 2000 samples and seed 1.
func DefaultRANSACOptions() RANSACOptions {
	return RANSACOptions{Threshold: 1, Confidence: 0.999, MinIterations: 200, MaxIterations: 2000, Seed: 1}
}

// FundamentalRANSAC estimates F (x2' F x1 = 0) robustly: normalised
// eight-point fits to random minimal samples (Fischler and Bolles, CACM 1981)
// scored by the truncated quadratic cost sum(min(e^2, T^2)) of Sampson
// distances e (MSAC: Torr and Zisserman, CVIU 2000), an adaptive sample count,
// then eight-point refits on all inliers while the cost decreases. The sample
// stream is a PCG seeded with opt.Seed, so equal inputs give equal outputs.
// It returns F and which correspondences are inliers (Sampson distance below
// opt.Threshold under the returned F).
func FundamentalRANSAC(x1, x2 []Point, opt RANSACOptions) (Mat3, []bool, error) {
	return ransac(x1, x2, opt, func(idx []int) (Mat3, bool) { return eightPoint(x1, x2, idx) })
}

// EssentialRANSAC is FundamentalRANSAC for calibrated cameras: each sample is
// fitted by the eight-point algorithm on normalised coordinates K^-1 x, the
// result projected onto the essential manifold (singular values 1, 1, 0), and
// scored by the Sampson distance in pixels under F = K2^-T E K1^-1. Fitting
// the 5-parameter model directly keeps the estimate consistent with a rigid
// motion, which a fundamental matrix fitted first and projected afterwards is
// not. It returns E and the inliers.
func EssentialRANSAC(x1, x2 []Point, k1, k2 Intrinsics, opt RANSACOptions) (Mat3, []bool, error) {
	n1 := make([]Point, len(x1))
	for i, p := range x1 {
		n1[i] = k1.normalize(p)
	}
	n2 := make([]Point, len(x2))
	for i, p := range x2 {
		n2[i] = k2.normalize(p)
	}
	F, inl, err := ransac(x1, x2, opt, func(idx []int) (Mat3, bool) {
		e, ok := eightPoint(n1, n2, idx)
		if !ok {
			return Mat3{}, false
		}
		u, _, v, ok := svd3(e)
		if !ok {
			return Mat3{}, false
		}
		E := u.Mul(diag(1, 1, 0)).Mul(v.T())
		if len(idx) > 8 {
			// Non-minimal fits (local optimisation) minimise the Sampson
			// error itself: an algebraic refit can stay in the wrong basin
			// when many points lie near one plane.
			sel := make([]bool, len(x1))
			for _, i := range idx {
				sel[i] = true
			}
			pose, _, err := RecoverPose(E, k1, k2, x1, x2, sel)
			if err != nil {
				return Mat3{}, false
			}
			E = EssentialFromPose(RefinePose(pose, k1, k2, x1, x2, sel))
		}
		return FundamentalFromEssential(E, k1, k2), true
	})
	if err != nil {
		return Mat3{}, nil, err
	}
	E, err := EssentialFromFundamental(F, k1, k2)
	return E, inl, err
}

// ransac runs MSAC with fit as the minimal and non-minimal solver; fit
// returns a fundamental matrix in pixels.
func ransac(x1, x2 []Point, opt RANSACOptions, fit func(idx []int) (Mat3, bool)) (Mat3, []bool, error) {
	n := len(x1)
	if len(x2) != n {
		return Mat3{}, nil, fmt.Errorf("geometry: RANSAC with %d and %d points", len(x1), len(x2))
	}
	if n < 8 {
		return Mat3{}, nil, fmt.Errorf("geometry: RANSAC with %d correspondences: %w", n, ErrTooFewPoints)
	}
	if !(opt.Threshold > 0) || !finite(opt.Threshold) {
		return Mat3{}, nil, fmt.Errorf("geometry: RANSAC threshold %v: must be positive", opt.Threshold)
	}
	thr2 := opt.Threshold * opt.Threshold
	cost := func(F *Mat3) float64 {
		var c float64
		for i := range n {
			c += min(sampsonSq(F, x1[i], x2[i]), thr2)
		}
		return c
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	inlierIndices := func(F *Mat3) []int {
		var idx []int
		for i := range n {
			if sampsonSq(F, x1[i], x2[i]) < thr2 {
				idx = append(idx, i)
			}
		}
		return idx
	}
	sample := make([]int, 8)
	best, bestCost := Mat3{}, math.Inf(1)
	found := false
	maxIter := max(opt.MaxIterations, 1)
	needed := maxIter
	for it := 0; it < min(needed, maxIter); it++ {
		for k := range 8 {
			j := k + rng.IntN(n-k)
			perm[k], perm[j] = perm[j], perm[k]
			sample[k] = perm[k]
		}
		F, ok := fit(sample)
		if !ok {
			continue
		}
		c := cost(&F)
		if !(c < bestCost) {
			continue
		}
		best, bestCost, found = F, c, true
		// Local optimisation (LO-RANSAC, Chum, Matas and Kittler, DAGM 2003):
		// refit on the inliers of each new best model while the cost falls,
		// so that the stopping rule sees the improved inlier count.
		best, bestCost = localOptimize(best, bestCost, fit, cost, inlierIndices)
		needed = max(opt.MinIterations, adaptiveIterations(float64(len(inlierIndices(&best)))/float64(n), opt.Confidence))
	}
	if !found {
		return Mat3{}, nil, fmt.Errorf("geometry: RANSAC on %d correspondences: %w", n, ErrDegenerate)
	}
	inliers := make([]bool, n)
	for i := range n {
		inliers[i] = sampsonSq(&best, x1[i], x2[i]) < thr2
	}
	return best, inliers, nil
}

// localOptimize refits F on its inliers, up to 10 times, while that lowers
// the cost.
func localOptimize(best Mat3, bestCost float64, fit func([]int) (Mat3, bool), cost func(*Mat3) float64, inliers func(*Mat3) []int) (Mat3, float64) {
	for range 10 {
		idx := inliers(&best)
		if len(idx) < 8 {
			break
		}
		F, ok := fit(idx)
		if !ok {
			break
		}
		c := cost(&F)
		if !(c < bestCost) {
			break
		}
		best, bestCost = F, c
	}
	return best, bestCost
}

// adaptiveIterations is the number of 8-point samples that contain no outlier
// with probability conf when a fraction w of the data are inliers:
// log(1-conf) / log(1-w^8).
func adaptiveIterations(w, conf float64) int {
	p := math.Pow(w, 8)
	if p >= 1 {
		return 1
	}
	if p <= 0 {
		return math.MaxInt32
	}
	n := math.Log(1-conf) / math.Log(1-p)
	if n > math.MaxInt32 || math.IsNaN(n) {
		return math.MaxInt32
	}
	return int(math.Ceil(n))
}
