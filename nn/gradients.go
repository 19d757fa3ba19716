package nn

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// GoMLX v0.28.8 ends the gradient of every DotGeneral with a Transpose back to the operand's axis
// order, even when that order is already right, and the Go backend executes an identity Transpose
// as a full copy. In a transformer training step nearly every matmul gradient is in that case:
// the copies took about a third of the step's transpose time, about 6% of the whole step, on the
// bench-10m preset (Go backend, 2 cores). This file registers, once per process and through
// GoMLX's own extension point (graph.VJPRegistration), a DotGeneral gradient that returns GoMLX's
// result minus those identity transposes. The result is the same tensor; only
// transposes whose permutation is read back as exactly 0, 1, …, n-1 are dropped, and a node whose
// permutation cannot be read is kept as is.
func init() {
	gomlxVJP := graph.VJPRegistration[graph.NodeTypeDotGeneral]
	graph.VJPRegistration[graph.NodeTypeDotGeneral] = func(node *graph.Node, v []*graph.Node, outputShape shapes.Shape) []*graph.Node {
		if grads := smallBatchMatMulVJP(node, v[0]); grads != nil {
			return grads
		}
		grads := gomlxVJP(node, v, outputShape)
		for i, g := range grads {
			if g != nil && isIdentityTranspose(g) {
				grads[i] = g.Inputs()[0]
			}
		}
		return grads
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
// precision: "DotGeneral(lhs=[#1], lhsContractingAxes=[2], lhsBatchAxes=[0], rhs=[#2],
// rhsContractingAxes=[1], rhsBatchAxes=[0], config={AccumulatorDType:InvalidDType
// OutputDType:InvalidDType})".
var rowMajorBatchDotRE = regexp.MustCompile(`\bDotGeneral\(lhs=\[#\d+\], lhsContractingAxes=\[2\], lhsBatchAxes=\[0\], ` +
	`rhs=\[#\d+\], rhsContractingAxes=\[1\], rhsBatchAxes=\[0\], config=\{AccumulatorDType:InvalidDType OutputDType:InvalidDType\}\)`)

// smallMatMulSize is the per-item N·M·K below which the Go backend multiplies with its small-matrix
// kernels (whose speed depends on the layout, see BatchMatMul) rather than its packed one.
const smallMatMulSize = 4 << 20

// smallBatchMatMulVJP returns the gradients of a small BatchMatMul product out = L·R ([B, N, K]·[B,
// K, M], per item N·M·K < smallMatMulSize) as two more row-major products, dL = v·Rᵀ and
// dR = Lᵀ·v, with explicit transposes of L and R. GoMLX's rule contracts v with R and L directly,
// which puts both products in the slow layout (see BatchMatMul). It returns nil for any other
// node, which then gets GoMLX's rule.
func smallBatchMatMulVJP(node, v *graph.Node) []*graph.Node {
	if node.Type() != graph.NodeTypeDotGeneral {
		return nil
	}
	in := node.Inputs()
	if len(in) != 2 || in[0].Rank() != 3 || in[1].Rank() != 3 || v.Rank() != 3 ||
		in[0].DType() != in[1].DType() || v.DType() != in[0].DType() {
		return nil
	}
	lhs, rhs := in[0], in[1]
	n, k, m := lhs.Shape().Dim(1), lhs.Shape().Dim(2), rhs.Shape().Dim(2)
	if n*m*k >= smallMatMulSize || !rowMajorBatchDotRE.MatchString(node.String()) {
		return nil
	}
	dl := BatchMatMul(v, graph.TransposeAllAxes(rhs, 0, 2, 1))
	dr := BatchMatMul(graph.TransposeAllAxes(lhs, 0, 2, 1), v)
	return []*graph.Node{dl, dr}
}
