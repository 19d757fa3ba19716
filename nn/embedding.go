package nn

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// EmbeddingsName is the variable name of an embedding table, [vocabSize, dim].
const EmbeddingsName = "embeddings"

// Embedding looks up integer ids (any shape) in a learned table and returns their vectors,
// shaped [<ids shape>..., dim]. Variables under scope: embeddings [vocabSize, dim].
//
// Ids outside [0, vocabSize) are a programmer error: the lookup does not check them.
func Embedding(scope *model.Scope, ids *graph.Node, vocabSize, dim int, dtype dtypes.DType) *graph.Node {
	if !ids.DType().IsInt() {
		exceptions.Panicf("nn.Embedding: ids must be integers, got %s", ids.Shape())
	}
	table := scope.VariableWithShape(EmbeddingsName, shapes.Make(dtype, vocabSize, dim)).NodeValue(ids.Graph())
	return graph.Gather(table, graph.InsertAxes(ids, -1))
}

// PositionEmbedding adds a learned absolute position embedding to x shaped [batch, seq, dim]
// (Vaswani et al. 2017 §3.5 mention learned positions; GPT-2 uses them). Position t gets row t of
// the table. Variables under scope: embeddings [maxLen, dim]. seq must be <= maxLen.
func PositionEmbedding(scope *model.Scope, x *graph.Node, maxLen int) *graph.Node {
	if x.Rank() != 3 {
		exceptions.Panicf("nn.PositionEmbedding: x must be [batch, seq, dim], got %s", x.Shape())
	}
	seqLen, dim := x.Shape().Dim(1), x.Shape().Dim(2)
	if seqLen > maxLen {
		exceptions.Panicf("nn.PositionEmbedding: sequence length %d exceeds the table's %d positions", seqLen, maxLen)
	}
	table := scope.VariableWithShape(EmbeddingsName, shapes.Make(x.DType(), maxLen, dim)).NodeValue(x.Graph())
	positions := graph.Slice(table, graph.AxisRange(0, seqLen))
	return graph.Add(x, graph.InsertAxes(positions, 0))
}
