package nn

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// smallMatMulSize is the per-item N·M·K below which the Go backend multiplies with its small-matrix
// kernels (whose speed depends on the layout, see BatchMatMul) rather than its packed one.
const smallMatMulSize = 4 << 20

// rowMajorBatchMatMulVJP is the gradient BatchMatMul gives its small products out = L·R ([B, N,
// K]·[B, K, M], per item N·M·K < smallMatMulSize), and only them (Node.SetCustomGradient: no
// other DotGeneral of the process is affected): two more row-major products, dL = v·Rᵀ and dR =
// Lᵀ·v, with explicit transposes of L and R. GoMLX's own rule contracts v with R and L directly,
// which puts both products in the slow layout (see BatchMatMul).
func rowMajorBatchMatMulVJP(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
	in := node.Inputs()
	lhs, rhs := in[0], in[1]
	return []*graph.Node{
		BatchMatMul(v[0], graph.TransposeAllAxes(rhs, 0, 2, 1)),
		BatchMatMul(graph.TransposeAllAxes(lhs, 0, 2, 1), v[0]),
	}
}
