package nn

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// DefaultGroupNormEpsilon is the epsilon of the Cosmos tokenizer's normalization (1e-6, its
// CausalNormalize; PyTorch's GroupNorm default is 1e-5).
const DefaultGroupNormEpsilon = 1e-6

// GroupNorm1PerFrame is GroupNorm with one group (Wu and He 2018, https://arxiv.org/abs/1803.08494)
// applied to each frame of channels-last video x [B, T, H, W, C] separately, as the Cosmos
// tokenizer's CausalNormalize does with num_groups=1 (time folded into the batch): for each
// (b, t) the mean and the biased variance are taken over H, W and C together, so no frame's
// output depends on another frame and the layer stays causal. Then
//
//	y = (x - mean) / sqrt(var + epsilon) * scale + offset
//
// with a learned per-channel scale and offset. Variables under scope: scale [C] (ones), offset
// [C] (zeros), the layout of PyTorch's GroupNorm weight and bias. Use [DefaultGroupNormEpsilon]
// for Cosmos checkpoints. The activation that follows it in Cosmos, swish x·σ(x), is GoMLX's
// activation.Swish.
func GroupNorm1PerFrame(scope *model.Scope, x *graph.Node, epsilon float64) *graph.Node {
	if x.Rank() != 5 {
		exceptions.Panicf("nn.GroupNorm1PerFrame: input must be [B, T, H, W, C], got %s", x.Shape())
	}
	g := x.Graph()
	dim := x.Shape().Dim(-1)
	scale := scope.WithInitializer(initializer.One).VariableWithShape(ScaleName, shapes.Make(x.DType(), dim)).NodeValue(g)
	offset := scope.WithInitializer(initializer.Zero).VariableWithShape(OffsetName, shapes.Make(x.DType(), dim)).NodeValue(g)
	centred := graph.Sub(x, graph.ReduceAndKeep(x, graph.ReduceMean, 2, 3, 4))
	variance := graph.ReduceAndKeep(graph.Square(centred), graph.ReduceMean, 2, 3, 4)
	y := graph.Mul(centred, invSqrt(variance, epsilon))
	return graph.Add(graph.Mul(y, graph.ExpandLeftToRank(scale, 5)), graph.ExpandLeftToRank(offset, 5))
}
