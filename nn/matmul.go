package nn

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// BatchMatMul multiplies lhs [B, N, K] by rhs [B, K, M] per batch item: [B, N, M].
//
// It is a DotGeneral in the row-major ("non-transposed") layout, with one batch axis first, the
// form for which the Go backend's small-matrix kernel broadcasts rows and accumulates whole
// vectors. GoMLX's own choices for attention-sized products (per item N·M·K below 4M) land in the
// "transposed" layout, whose kernel computes every output element as a separate dot product and a
// horizontal sum: on this project's 2-core machine, [40, 144, 32]·[40, 32, 144] ran about 10x
// faster in this layout than the same product with a [40, 144, 32] right operand. The
// gradients of a small BatchMatMul stay in this layout too: the product carries its own
// gradient (rowMajorBatchMatMulVJP in gradients.go, set on this node only; importing nn
// changes no other DotGeneral's gradient). On XLA the layout choice is the compiler's and costs
// nothing.
func BatchMatMul(lhs, rhs *graph.Node) *graph.Node {
	if lhs.Rank() != 3 || rhs.Rank() != 3 || lhs.Shape().Dim(0) != rhs.Shape().Dim(0) || lhs.Shape().Dim(2) != rhs.Shape().Dim(1) {
		exceptions.Panicf("nn.BatchMatMul: want lhs [B, N, K] and rhs [B, K, M], got %s and %s", lhs.Shape(), rhs.Shape())
	}
	out := graph.DotGeneral(lhs, []int{2}, []int{0}, rhs, []int{1}, []int{0})
	n, k, m := lhs.Shape().Dim(1), lhs.Shape().Dim(2), rhs.Shape().Dim(2)
	if n*m*k < smallMatMulSize && lhs.DType() == rhs.DType() {
		out.SetCustomGradient(rowMajorBatchMatMulVJP)
	}
	return out
}
