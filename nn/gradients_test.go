package nn

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func TestIsIdentityTranspose(t *testing.T) {
	g := graph.NewGraph(testBackend(), "transposes")
	defer g.Finalize()
	rect := graph.Parameter(g, "rect", shapes.Make(dtypes.Float32, 2, 3, 4))
	square := graph.Parameter(g, "square", shapes.Make(dtypes.Float32, 3, 3))
	for _, tc := range []struct {
		name string
		node *graph.Node
		want bool
	}{
		{"identity rank 3", graph.TransposeAllAxes(rect, 0, 1, 2), true},
		{"identity rank 2", graph.TransposeAllAxes(square, 0, 1), true},
		{"permuted", graph.TransposeAllAxes(rect, 0, 2, 1), false},
		{"permuted, same shape", graph.TransposeAllAxes(square, 1, 0), false},
		{"not a transpose", graph.Neg(square), false},
	} {
		if got := isIdentityTranspose(tc.node); got != tc.want {
			t.Errorf("%s: isIdentityTranspose(%s) = %v, want %v", tc.name, tc.node, got, tc.want)
		}
	}
}

// attentionLoss is a scalar function of x [b, s, d] and w [d, d] that exercises matmul gradients
// in every layout the layers use: a Linear-style product, the attention scores and values, and
// the head transposes: Σ c ⊙ attention(q=k=v=heads(x·wᵀ)).
func attentionLoss(scope *model.Scope, x, w, c *graph.Node) *graph.Node {
	b, s, d := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	y := graph.DotGeneral(x, []int{2}, nil, w, []int{1}, nil)
	heads := graph.Reshape(y, b, s, 2, d/2)
	out := ScaledDotProductAttention(scope, heads, heads, heads, true)
	return graph.ReduceAllSum(graph.Mul(graph.Reshape(out, b, s, d), c))
}

// TestGradientsMatchFiniteDifferences checks the gradients of attentionLoss (through GoMLX's DotGeneral
// gradient and BatchMatMul's own, gradients.go) against central differences, in float64.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	const b, s, d = 2, 3, 4
	rng := rand.New(rand.NewPCG(12, 13))
	random := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = rng.NormFloat64()
		}
		return out
	}
	x, w, c := random(b*s*d), random(d*d), random(b*s*d)
	store := newStore(1)
	build := func(withGrads bool) *model.Exec {
		exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			scope.Store().SetTraining(in[0].Graph(), true)
			loss := attentionLoss(scope, in[0], in[1], in[2])
			if !withGrads {
				return []*graph.Node{loss}
			}
			grads := graph.Gradient(loss, in[0], in[1])
			for _, g := range grads {
				if countIdentityTransposes(g) > 0 {
					t.Errorf("gradient graph still copies through an identity transpose")
				}
			}
			return append([]*graph.Node{loss}, grads...)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(exec.Finalize)
		return exec
	}
	lossOnly, withGrads := build(false), build(true)
	call := func(exec *model.Exec, x, w []float64) []*tensors.Tensor {
		out, err := exec.Call(tensors.FromFlatDataAndDimensions(x, b, s, d), tensors.FromFlatDataAndDimensions(w, d, d),
			tensors.FromFlatDataAndDimensions(c, b, s, d))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	outs := call(withGrads, x, w)
	analytic := [][]float64{tensors.MustCopyFlatData[float64](outs[1]), tensors.MustCopyFlatData[float64](outs[2])}
	const eps = 1e-5
	for which, values := range [][]float64{x, w} {
		for i := range values {
			orig := values[i]
			values[i] = orig + eps
			plus := tensors.ToScalar[float64](call(lossOnly, x, w)[0])
			values[i] = orig - eps
			minus := tensors.ToScalar[float64](call(lossOnly, x, w)[0])
			values[i] = orig
			numeric := (plus - minus) / (2 * eps)
			if got := analytic[which][i]; math.Abs(got-numeric) > 1e-6*(1+math.Abs(numeric)) {
				t.Errorf("d loss / d %s[%d]: analytic %.9f, finite differences %.9f", []string{"x", "w"}[which], i, got, numeric)
			}
		}
	}
}

// countIdentityTransposes counts identity Transpose nodes among n and everything it depends on.
func countIdentityTransposes(n *graph.Node) int {
	seen := map[*graph.Node]bool{}
	var walk func(*graph.Node) int
	walk = func(n *graph.Node) int {
		if seen[n] {
			return 0
		}
		seen[n] = true
		count := 0
		if isIdentityTranspose(n) {
			count++
		}
		for _, in := range n.Inputs() {
			count += walk(in)
		}
		return count
	}
	return walk(n)
}

// TestBatchMatMulGradientLayout checks that the gradients of a small BatchMatMul are BatchMatMuls
// again (the layout the Go backend multiplies fast), and that they equal the textbook
// dL = v·Rᵀ, dR = Lᵀ·v computed here in plain Go.
func TestBatchMatMulGradientLayout(t *testing.T) {
	const b, n, k, m = 2, 3, 4, 5
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(size int) []float32 {
		out := make([]float32, size)
		for i := range out {
			out[i] = float32(rng.NormFloat64())
		}
		return out
	}
	l, r, c := random(b*n*k), random(b*k*m), random(b*n*m)
	exec := graph.MustNewExec(testBackend(), func(l, r, c *graph.Node) []*graph.Node {
		loss := graph.ReduceAllSum(graph.Mul(BatchMatMul(l, r), c))
		grads := graph.Gradient(loss, l, r)
		for _, g := range grads {
			for _, dot := range dotGenerals(g) {
				if !rowMajorBatchDotRE.MatchString(dot.String()) {
					t.Errorf("gradient product not in the row-major layout: %s", dot)
				}
			}
		}
		return grads
	})
	defer exec.Finalize()
	outs := exec.MustExec(tensors.FromFlatDataAndDimensions(l, b, n, k), tensors.FromFlatDataAndDimensions(r, b, k, m),
		tensors.FromFlatDataAndDimensions(c, b, n, m))
	dl, dr := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
	for bi := range b {
		for i := range n {
			for j := range k {
				var want float64
				for q := range m {
					want += float64(c[(bi*n+i)*m+q]) * float64(r[(bi*k+j)*m+q])
				}
				if got := dl[(bi*n+i)*k+j]; math.Abs(float64(got)-want) > 1e-5 {
					t.Errorf("dL[%d,%d,%d] = %g, want %g", bi, i, j, got, want)
				}
			}
		}
		for j := range k {
			for q := range m {
				var want float64
				for i := range n {
					want += float64(l[(bi*n+i)*k+j]) * float64(c[(bi*n+i)*m+q])
				}
				if got := dr[(bi*k+j)*m+q]; math.Abs(float64(got)-want) > 1e-5 {
					t.Errorf("dR[%d,%d,%d] = %g, want %g", bi, j, q, got, want)
				}
			}
		}
	}
}

// dotGenerals lists the DotGeneral nodes among n and everything it depends on.
func dotGenerals(n *graph.Node) []*graph.Node {
	seen := map[*graph.Node]bool{}
	var out []*graph.Node
	var walk func(*graph.Node)
	walk = func(n *graph.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.Type() == graph.NodeTypeDotGeneral {
			out = append(out, n)
		}
		for _, in := range n.Inputs() {
			walk(in)
		}
	}
	walk(n)
	return out
}

// TestBatchMatMulGradientIsLocal checks that only BatchMatMul's own small products carry the
// row-major gradient: a DotGeneral built directly, even in the same form, keeps GoMLX's rule.
func TestBatchMatMulGradientIsLocal(t *testing.T) {
	g := graph.NewGraph(testBackend(), "local")
	defer g.Finalize()
	l := graph.Parameter(g, "l", shapes.Make(dtypes.Float32, 2, 3, 4))
	r := graph.Parameter(g, "r", shapes.Make(dtypes.Float32, 2, 4, 5))
	if BatchMatMul(l, r).CustomGradient() == nil {
		t.Error("BatchMatMul's product has no gradient of its own")
	}
	if graph.DotGeneral(l, []int{2}, []int{0}, r, []int{1}, []int{0}).CustomGradient() != nil {
		t.Error("a plain DotGeneral got a custom gradient")
	}
}

// transposePermutationRE reads the permutation from a Transpose node's description, e.g.
// "Node #12 Transpose(x=[#11], permutation=[0 1]) -> ...".
var transposePermutationRE = regexp.MustCompile(`\bTranspose\(x=\[#\d+\], permutation=\[([0-9 ]*)\]\)`)

// isIdentityTranspose reports whether n is a Transpose whose permutation keeps every axis in place.
func isIdentityTranspose(n *graph.Node) bool {
	if n.Type() != graph.NodeTypeTranspose {
		return false
	}
	m := transposePermutationRE.FindStringSubmatch(n.String())
	if m == nil {
		return false
	}
	axes := strings.Fields(m[1])
	if len(axes) != n.Rank() {
		return false
	}
	for i, field := range axes {
		if axis, err := strconv.Atoi(field); err != nil || axis != i {
			return false
		}
	}
	return true
}

// rowMajorBatchDotRE matches a DotGeneral in BatchMatMul's form, [B, N, K]·[B, K, M] with default
// precision.
var rowMajorBatchDotRE = regexp.MustCompile(`\bDotGeneral\(lhs=\[#\d+\], lhsContractingAxes=\[2\], lhsBatchAxes=\[0\], ` +
	`rhs=\[#\d+\], rhsContractingAxes=\[1\], rhsBatchAxes=\[0\], config=\{AccumulatorDType:InvalidDType OutputDType:InvalidDType\}\)`)
