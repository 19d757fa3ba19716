package tokenizer

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/wfm-platform/wfm/nn"
)

// The building blocks of the factorized Cosmos video encoder and decoder
// (Cosmos-Tokenizer modules/layers3d.py). Every function takes channels-last video
// [B, T, H, W, C] and creates its variables under the scope it is given, using the reference's
// module names (see the package doc for the mapping to checkpoint names).

// Kernel and stride shapes, (time, height, width).
var (
	kSpatial  = [3]int{1, 3, 3}
	kTemporal = [3]int{3, 1, 1}
	kPoint    = [3]int{1, 1, 1}
	stride1   = [3]int{1, 1, 1}
)

// swish is x·σ(x), the reference's nonlinearity (nn.SiLU: one fused op where the backend has it).
func swish(x *graph.Node) *graph.Node { return nn.SiLU(x) }

// norm is CausalNormalize with one group: GroupNorm per frame, epsilon 1e-6.
func norm(scope *model.Scope, x *graph.Node) *graph.Node {
	return nn.GroupNorm1PerFrame(scope, x, nn.DefaultGroupNormEpsilon)
}

// factorizedConv is the nn.Sequential of a (1,3,3) and a (3,1,1) CausalConv3d the reference uses
// in place of a 3x3x3 kernel: scopes name_0 (in -> out) and name_1 (out -> out).
func factorizedConv(scope *model.Scope, name string, x *graph.Node, out int) *graph.Node {
	x = nn.CausalConv3D(scope.In("%s_0", name), x, out, kSpatial, stride1)
	return nn.CausalConv3D(scope.In("%s_1", name), x, out, kTemporal, stride1)
}

// pointConv is a 1x1x1 CausalConv3d.
func pointConv(scope *model.Scope, x *graph.Node, out int) *graph.Node {
	return nn.CausalConv3D(scope, x, out, kPoint, stride1)
}

// resBlock is CausalResnetBlockFactorized3d: norm1, swish, conv1 (factorized), norm2, swish,
// conv2 (factorized), plus the input, through a 1x1x1 nin_shortcut when the width changes.
// Dropout is 0 in every shipped config and is left out.
func resBlock(scope *model.Scope, x *graph.Node, out int) *graph.Node {
	h := factorizedConv(scope, "conv1", swish(norm(scope.In("norm1"), x)), out)
	h = factorizedConv(scope, "conv2", swish(norm(scope.In("norm2"), h)), out)
	if x.Shape().Dim(-1) != out {
		x = pointConv(scope.In("nin_shortcut"), x, out)
	}
	return graph.Add(x, h)
}

// attnBlock is CausalAttnBlock (temporal false: single-head attention over the H·W positions of
// each frame) or CausalTemporalAttnBlock (temporal true: single-head causal attention over the
// frames of each pixel). q, k, v and proj_out are 1x1x1 convolutions of the normalized input;
// the scores are scaled by 1/√C; the output is added to the input.
func attnBlock(scope *model.Scope, x *graph.Node, temporal bool) *graph.Node {
	dims := x.Shape().Dimensions
	b, t, hh, w, c := dims[0], dims[1], dims[2], dims[3], dims[4]
	h := norm(scope.In("norm"), x)
	q := pointConv(scope.In("q"), h, c)
	k := pointConv(scope.In("k"), h, c)
	v := pointConv(scope.In("v"), h, c)
	var out *graph.Node
	if temporal {
		// [B, T, H, W, C] -> [B·H·W, T, 1 head, C].
		seq := func(n *graph.Node) *graph.Node {
			return graph.Reshape(graph.TransposeAllAxes(n, 0, 2, 3, 1, 4), b*hh*w, t, 1, c)
		}
		out = nn.ScaledDotProductAttention(scope, seq(q), seq(k), seq(v), true)
		out = graph.TransposeAllAxes(graph.Reshape(out, b, hh, w, t, c), 0, 3, 1, 2, 4)
	} else {
		seq := func(n *graph.Node) *graph.Node { return graph.Reshape(n, b*t, hh*w, 1, c) }
		out = graph.Reshape(nn.ScaledDotProductAttention(scope, seq(q), seq(k), seq(v), false), b, t, hh, w, c)
	}
	return graph.Add(x, pointConv(scope.In("proj_out"), out, c))
}

// midBlock is the encoder's and decoder's middle: block_1, attn_1 (attn_1_0 spatial then
// attn_1_1 temporal attention, the reference's nn.Sequential), block_2.
func midBlock(scope *model.Scope, x *graph.Node) *graph.Node {
	c := x.Shape().Dim(-1)
	x = resBlock(scope.In("block_1"), x, c)
	x = attnBlock(scope.In("attn_1_0"), x, false)
	x = attnBlock(scope.In("attn_1_1"), x, true)
	return resBlock(scope.In("block_2"), x, c)
}

// firstFrameOnce prepends one copy of frame 0 (the reference's replication_pad).
func firstFrameOnce(x *graph.Node) *graph.Node {
	return graph.Concatenate([]*graph.Node{graph.SliceAxis(x, 1, graph.AxisRange(0, 1)), x}, 1)
}

// avgPool averages non-overlapping windows of size f along axis of x (stride f, trailing
// remainder dropped, as PyTorch's avg_pool3d without padding).
func avgPool(x *graph.Node, axis, f int) *graph.Node {
	n := x.Shape().Dim(axis) / f
	x = graph.SliceAxis(x, axis, graph.AxisRange(0, n*f))
	dims := x.Shape().Dimensions
	split := append(append(append([]int{}, dims[:axis]...), n, f), dims[axis+1:]...)
	return graph.ReduceMean(graph.Reshape(x, split...), axis+1)
}

// hybridDownsample is CausalHybridDownsample3d. Spatially: a (1,3,3) stride-2 convolution of the
// input padded with one zero row below and one zero column right, plus 2x2 average pooling.
// Temporally, after prepending one copy of frame 0: a (3,1,1) convolution with time stride 2
// (which replicates frame 0 once more itself), plus average pooling of frame pairs; 1+2k frames
// become 1+k. Then a 1x1x1 convolution. With neither, the reference returns x unchanged.
func hybridDownsample(scope *model.Scope, x *graph.Node, spatial, temporal bool) *graph.Node {
	if !spatial && !temporal {
		return x
	}
	c := x.Shape().Dim(-1)
	if spatial {
		conv := nn.CausalConv3D(scope.In("conv1"), x, c, kSpatial, [3]int{1, 2, 2}, nn.WithSpatialPadding(0, 1, 0, 1))
		// For even H and W the pad row and column fall outside every pooling window.
		x = graph.Add(conv, avgPool(avgPool(x, 2, 2), 3, 2))
	}
	if temporal {
		x = firstFrameOnce(x)
		conv := nn.CausalConv3D(scope.In("conv2"), x, c, kTemporal, [3]int{2, 1, 1})
		x = graph.Add(conv, avgPool(x, 1, 2))
	}
	return pointConv(scope.In("conv3"), x, c)
}

// repeatInterleave repeats every element of x twice along axis (torch.repeat_interleave(2)).
func repeatInterleave(x *graph.Node, axis int) *graph.Node {
	dims := x.Shape().Dimensions
	expanded := graph.ExpandAxes(x, axis+1)
	bdims := append(append(append([]int{}, dims[:axis+1]...), 2), dims[axis+1:]...)
	out := append(append(append([]int{}, dims[:axis]...), 2*dims[axis]), dims[axis+1:]...)
	return graph.Reshape(graph.BroadcastToDims(expanded, bdims...), out...)
}

// hybridUpsample is CausalHybridUpsample3d. Temporally: every frame twice, minus the first copy
// (T -> 2T-1; a single frame stays single), then x + (3,1,1) conv(x). Spatially: nearest 2x, then
// x + (1,3,3) conv(x). Then a 1x1x1 convolution. With neither, x is returned unchanged.
func hybridUpsample(scope *model.Scope, x *graph.Node, spatial, temporal bool) *graph.Node {
	if !spatial && !temporal {
		return x
	}
	c := x.Shape().Dim(-1)
	if temporal {
		if x.Shape().Dim(1) > 1 {
			x = graph.SliceAxis(repeatInterleave(x, 1), 1, graph.AxisRangeToEnd(1))
		}
		x = graph.Add(nn.CausalConv3D(scope.In("conv1"), x, c, kTemporal, stride1), x)
	}
	if spatial {
		x = repeatInterleave(repeatInterleave(x, 2), 3)
		x = graph.Add(nn.CausalConv3D(scope.In("conv2"), x, c, kSpatial, stride1), x)
	}
	return pointConv(scope.In("conv3"), x, c)
}
