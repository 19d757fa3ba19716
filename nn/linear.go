package nn

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	gomlxnn "github.com/gomlx/gomlx/ml/nn"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Variable names used by [Linear].
const (
	WeightsName = "weights" // [outDim, inDim]
	BiasesName  = "biases"  // [outDim]
)

// Linear is a fully connected layer over the last axis of x: y = x·Wᵀ + b.
//
// For x shaped [..., inDim] it returns [..., outDim]. It creates, under scope:
//
//	weights  [outDim, inDim]  (output-major, the layout of PyTorch's nn.Linear)
//	biases   [outDim]         (only when useBias)
//
// The output-major layout lets checkpoints from PyTorch load without a transpose, and on the
// Go backend the forward product x·Wᵀ runs in the matmul kernel's preferred layout and the weight
// gradient needs no transpose. Weights take the scope's initializer, biases start at zero.
func Linear(scope *model.Scope, x *graph.Node, outDim int, useBias bool) *graph.Node {
	return linear(scope, x, outDim, useBias, activation.TypeNone)
}

// LinearGELU is Linear followed by the exact GELU, one fused backend op outside training.
func LinearGELU(scope *model.Scope, x *graph.Node, outDim int, useBias bool) *graph.Node {
	return linear(scope, x, outDim, useBias, activation.TypeGelu)
}

// linear is Linear followed by act (TypeNone, TypeGelu or TypeSilu), fused into one backend op
// outside training.
func linear(scope *model.Scope, x *graph.Node, outDim int, useBias bool, act activation.Type) *graph.Node {
	if x.Rank() < 1 {
		exceptions.Panicf("nn.Linear: input must have rank >= 1, got %s", x.Shape())
	}
	if outDim <= 0 {
		exceptions.Panicf("nn.Linear: outDim must be > 0, got %d", outDim)
	}
	g := x.Graph()
	inDim := x.Shape().Dim(-1)
	w := scope.VariableWithShape(WeightsName, shapes.Make(x.DType(), outDim, inDim)).NodeValue(g)
	var b *graph.Node
	if useBias {
		b = scope.WithInitializer(initializer.Zero).VariableWithShape(BiasesName, shapes.Make(x.DType(), outDim)).NodeValue(g)
	}
	if useFusedOps(scope, g) || fusedActivationTrains(g) {
		return gomlxnn.Dense(x, w, b, compute.DenseLayoutOutputsInput, act)
	}
	// Training on a backend without fused activation gradients: the fused Dense without
	// activation costs nothing extra (its decomposed copy is dead code), but the activation is
	// built from primitives (see useFusedOps).
	y := gomlxnn.Dense(x, w, b, compute.DenseLayoutOutputsInput)
	switch act {
	case activation.TypeNone:
		return y
	case activation.TypeGelu:
		return gelu(y)
	case activation.TypeSilu:
		return silu(y)
	default:
		exceptions.Panicf("nn.linear: unsupported activation %s", act)
		return nil
	}
}
