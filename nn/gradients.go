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
