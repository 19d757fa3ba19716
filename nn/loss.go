package nn

import (
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// CrossEntropy is the mean negative log-likelihood of integer targets under logits, for logits
// [..., classes] and targets [...] with the same leading shape; it returns a scalar:
//
//	loss = mean over positions of ( logsumexp(logits) - logits[target] )
//
// The target logit is gathered rather than selected with a one-hot product, which saves several
// passes over the [positions, classes] logits. Targets outside [0, classes) are a programmer error.
func CrossEntropy(logits, targets *graph.Node) *graph.Node {
	if !targets.DType().IsInt() {
		exceptions.Panicf("nn.CrossEntropy: targets must be integers, got %s", targets.Shape())
	}
	if logits.Rank() != targets.Rank()+1 ||
		!slices.Equal(logits.Shape().Dimensions[:targets.Rank()], targets.Shape().Dimensions) {
		exceptions.Panicf("nn.CrossEntropy: logits %s must be targets %s plus a classes axis", logits.Shape(), targets.Shape())
	}
	g := logits.Graph()
	classes := logits.Shape().Dim(-1)
	flat := graph.Reshape(logits, -1, classes)
	n := flat.Shape().Dim(0)
	maxLogit := graph.StopGradient(graph.ReduceAndKeep(flat, graph.ReduceMax, -1))
	logSumExp := graph.Add(graph.Log(graph.ReduceSum(graph.Exp(graph.Sub(flat, maxLogit)), -1)), graph.Reshape(maxLogit, n))
	rows := graph.Iota(g, shapes.Make(dtypes.Int32, n, 1), 0)
	cols := graph.Reshape(graph.ConvertDType(targets, dtypes.Int32), n, 1)
	picked := graph.Gather(flat, graph.Concatenate([]*graph.Node{rows, cols}, 1))
	return graph.ReduceAllMean(graph.Sub(logSumExp, picked))
}
