package nn

import (
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// useFusedOps reports whether a layer should call GoMLX's fused kernels (Dense+activation,
// LayerNorm, Softmax, GELU) in graph g: only outside training. GoMLX differentiates a fused op
// through a decomposed copy of it, whose intermediate values the backward pass needs; in a
// training graph the fused kernel would therefore run in addition to the decomposed forward
// pass, not instead of it. Layers build the decomposed form directly when training.
func useFusedOps(scope *model.Scope, g *graph.Graph) bool {
	return !scope.IsTraining(g)
}

// fusedActivationTrains reports whether g's backend has fused activation kernels with their own
// backward pass (compute's Go backend since v0.1.2x): then an activation is one fused op in
// training graphs too, forward and backward, instead of several primitives.
func fusedActivationTrains(g *graph.Graph) bool {
	return g.Backend().Capabilities().Operations[compute.OpTypeFusedActivationVJP]
}

// GELU is the exact GELU, x·Φ(x) = x · (1 + erf(x/√2)) / 2 (Hendrycks and Gimpel 2016): the
// backend's fused kernel when it has one with a fused backward pass (outside training, any
// fused kernel), primitive ops otherwise.
func GELU(x *graph.Node) *graph.Node {
	if fusedActivationTrains(x.Graph()) {
		return activation.Gelu(x)
	}
	return gelu(x)
}

// SiLU is x·σ(x) (Elfwing et al. 2018, https://arxiv.org/abs/1702.03118), also called swish:
// the backend's fused kernel when it has one with a fused backward pass, primitive ops otherwise.
func SiLU(x *graph.Node) *graph.Node {
	if fusedActivationTrains(x.Graph()) {
		return activation.Swish(x)
	}
	return silu(x)
}

// gelu is the exact GELU built from primitive ops.
func gelu(x *graph.Node) *graph.Node {
	cdf := graph.AddScalar(graph.Erf(graph.MulScalar(x, 1/math.Sqrt2)), 1)
	return graph.MulScalar(graph.Mul(x, cdf), 0.5)
}

// silu is x·σ(x) built from primitive ops.
func silu(x *graph.Node) *graph.Node {
	return graph.Mul(x, graph.Logistic(x))
}
