package nn

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// RandomNormalInit returns an initializer of normal values with the given standard deviation
// for variables of any float dtype. GoMLX's initializer.RandomNormalFn (v0.28.8) silently
// returns zeros for dtypes other than float32 and float64: a bfloat16 network initialized with
// it starts with zero embeddings, whose unit-RMS normalization then has NaN gradients. This
// one draws float32 values and converts them; for float32 and float64 it is RandomNormalFn.
func RandomNormalInit(scope *model.Scope, stddev float64) initializer.VariableInitializer {
	normal := initializer.RandomNormalFn(scope, stddev)
	return func(g *graph.Graph, shape shapes.Shape) *graph.Node {
		if shape.DType == dtypes.Float32 || shape.DType == dtypes.Float64 || !shape.DType.IsFloat() {
			return normal(g, shape)
		}
		return graph.ConvertDType(normal(g, shapes.Make(dtypes.Float32, shape.Dimensions...)), shape.DType)
	}
}
