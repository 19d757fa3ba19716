package nn

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	gomlxnn "github.com/gomlx/gomlx/ml/nn"
)

// NormKind names a normalization layer in configs.
type NormKind string

// Normalization layers.
const (
	NormLayer NormKind = "layer" // LayerNorm: centre, scale to unit variance, learned scale and offset.
	NormRMS   NormKind = "rms"   // RMSNorm: scale to unit root-mean-square, learned scale.
)

// Variable names used by the normalization layers.
const (
	ScaleName  = "scale"  // [dim], initialized to 1
	OffsetName = "offset" // [dim], initialized to 0 (LayerNorm only)
)

// DefaultNormEpsilon is PyTorch's nn.LayerNorm default epsilon (1e-5), used for both norms.
const DefaultNormEpsilon = 1e-5

// LayerNorm normalizes x over its last axis to zero mean and unit variance, then applies a learned
// per-channel scale and offset (Ba, Kiros and Hinton 2016, https://arxiv.org/abs/1607.06450):
//
//	y = (x - mean) / sqrt(var + epsilon) * scale + offset
//
// Variables under scope: scale [dim] (ones), offset [dim] (zeros). Outside training it runs
// GoMLX's fused LayerNorm kernel.
func LayerNorm(scope *model.Scope, x *graph.Node, epsilon float64) *graph.Node {
	g := x.Graph()
	dim := x.Shape().Dim(-1)
	scale := scope.WithInitializer(initializer.One).VariableWithShape(ScaleName, shapes.Make(x.DType(), dim)).NodeValue(g)
	offset := scope.WithInitializer(initializer.Zero).VariableWithShape(OffsetName, shapes.Make(x.DType(), dim)).NodeValue(g)
	if useFusedOps(scope, g) {
		return gomlxnn.LayerNorm(x, []int{x.Rank() - 1}, epsilon, scale, offset, nil)
	}
	centred := graph.Sub(x, graph.ReduceAndKeep(x, graph.ReduceMean, -1))
	variance := graph.ReduceAndKeep(graph.Square(centred), graph.ReduceMean, -1)
	y := graph.Mul(centred, invSqrt(variance, epsilon))
	return graph.Add(graph.Mul(y, graph.ExpandLeftToRank(scale, x.Rank())), graph.ExpandLeftToRank(offset, x.Rank()))
}

// RMSNorm scales x over its last axis to unit root-mean-square, then applies a learned
// per-channel scale (Zhang and Sennrich 2019, https://arxiv.org/abs/1910.07467):
//
//	y = x / sqrt(mean(x²) + epsilon) * scale
//
// Variables under scope: scale [dim] (ones). Unlike GoMLX's norm.RMSNorm it adds no sub-scope and
// no scale offset, so the scale maps one to one onto PyTorch's RMSNorm weight.
func RMSNorm(scope *model.Scope, x *graph.Node, epsilon float64) *graph.Node {
	g := x.Graph()
	dim := x.Shape().Dim(-1)
	scale := scope.WithInitializer(initializer.One).VariableWithShape(ScaleName, shapes.Make(x.DType(), dim)).NodeValue(g)
	meanSquare := graph.ReduceAndKeep(graph.Square(x), graph.ReduceMean, -1)
	return graph.Mul(graph.Mul(x, invSqrt(meanSquare, epsilon)), graph.ExpandLeftToRank(scale, x.Rank()))
}

// invSqrt is 1/sqrt(v + epsilon), from ops that all have gradients (GoMLX's Rsqrt has none).
func invSqrt(v *graph.Node, epsilon float64) *graph.Node {
	return graph.Reciprocal(graph.Sqrt(graph.AddScalar(v, epsilon)))
}

// Norm applies the normalization named by kind (see [LayerNorm], [RMSNorm]).
func Norm(scope *model.Scope, kind NormKind, x *graph.Node, epsilon float64) *graph.Node {
	switch kind {
	case NormLayer:
		return LayerNorm(scope, x, epsilon)
	case NormRMS:
		return RMSNorm(scope, x, epsilon)
	default:
		panic(fmt.Sprintf("nn.Norm: unknown normalization %q (want %q or %q)", kind, NormLayer, NormRMS))
	}
}

// normParams is the number of learned values of a normalization of width dim.
func normParams(kind NormKind, dim int) int64 {
	if kind == NormLayer {
		return 2 * int64(dim)
	}
	return int64(dim)
}

// LayerNormNoAffine normalizes x over its last axis to zero mean and unit variance, with no
// learned scale or offset (the DiT's adaLN blocks modulate it instead). Half-precision x is
// normalized in float32 and converted back. Outside training it runs GoMLX's fused LayerNorm
// kernel; in training it is built from primitives (see useFusedOps).
func LayerNormNoAffine(scope *model.Scope, x *graph.Node, epsilon float64) *graph.Node {
	dt := x.DType()
	x = graph.ConvertDType(x, dtypes.Float32)
	if useFusedOps(scope, x.Graph()) {
		return graph.ConvertDType(gomlxnn.LayerNorm(x, []int{x.Rank() - 1}, epsilon, nil, nil, nil), dt)
	}
	centred := graph.Sub(x, graph.ReduceAndKeep(x, graph.ReduceMean, -1))
	variance := graph.ReduceAndKeep(graph.Square(centred), graph.ReduceMean, -1)
	return graph.ConvertDType(graph.Mul(centred, graph.Inverse(graph.Sqrt(graph.AddScalar(variance, epsilon)))), dt)
}
