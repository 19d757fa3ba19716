package textenc

import (
	"math"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	gomlxnn "github.com/gomlx/gomlx/ml/nn"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Every variable lives at the scope path of its Hugging Face name with "." read as "/": the
// tensor "encoder.block.0.layer.0.SelfAttention.q.weight" is the variable
// "/encoder/block/0/layer/0/SelfAttention/q/weight" (see HFName), so checkpoints load by name
// with no table in between.
const weightName = "weight"

// HFName returns the Hugging Face tensor name of a store variable path.
func HFName(path string) string {
	return strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", ".")
}

// VariablePath returns the store variable path of a Hugging Face tensor name.
func VariablePath(hfName string) string { return "/" + strings.ReplaceAll(hfName, ".", "/") }

// Forward is the T5 encoder stack (Raffel et al. 2020, "Exploring the Limits of Transfer
// Learning with a Unified Text-to-Text Transformer", arXiv:1910.10683; T5 1.1's gated GELU from
// Shazeer 2020, arXiv:2002.05202), as Hugging Face's T5EncoderModel computes it in eval mode:
//
//	h = shared[ids]
//	per block: h += o(attention(q, k, v of LN(h)) with logits q·kᵀ + bias, unscaled)
//	           h += wo(ff(LN(h)))
//	out = LN_final(h)
//
// LN is T5's layer norm, x / sqrt(mean(x²) + eps) · weight (no mean, no bias). The bias is a
// learned scalar per head and relative-position bucket (RelativeBucket), held by block 0 only
// and shared by all blocks, plus (1 - mask)·float32-min on padded keys. ids is [B, L] int32 and
// mask [B, L] float32 (1 for a token, 0 for padding); it returns [B, L, DModel] float32, the
// last_hidden_state, padded rows included (Model.Encode zeroes them).
func (c Config) Forward(scope *model.Scope, ids, mask *graph.Node) *graph.Node {
	out, _ := c.forward(scope, ids, mask)
	return out
}

// forward is Forward that also returns the embedding table "shared" [VocabSize, DModel], for a
// tied output head.
func (c Config) forward(scope *model.Scope, ids, mask *graph.Node) (out, table *graph.Node) {
	if ids.Rank() != 2 || !mask.Shape().Equal(shapes.Make(dtypes.Float32, ids.Shape().Dimensions...)) {
		exceptions.Panicf("textenc: ids must be [B, L] and mask [B, L] float32, got %s and %s", ids.Shape(), mask.Shape())
	}
	g := ids.Graph()
	table = scope.In("shared").VariableWithShape(weightName, shapes.Make(dtypes.Float32, c.VocabSize, c.DModel)).NodeValue(g)
	h := graph.Gather(table, graph.InsertAxes(graph.ConvertDType(ids, dtypes.Int32), -1)) // [B, L, D]

	enc := scope.In("encoder")
	blocks := enc.In("block")
	act, gated, err := c.feedForward()
	if err != nil {
		exceptions.Panicf("textenc: %v", err)
	}
	var bias *graph.Node // [B, H, L, L], made from block 0's table and shared by every block
	for i := range c.NumLayers {
		layers := blocks.In("%d", i).In("layer")
		attnLayer, ffLayer := layers.In("0"), layers.In("1")
		sa := attnLayer.In("SelfAttention")
		if i == 0 {
			bias = c.positionBias(sa.In("relative_attention_bias"), mask)
		}
		h = graph.Add(h, c.selfAttention(sa, layerNorm(attnLayer.In("layer_norm"), h, c.Epsilon), bias))
		x := layerNorm(ffLayer.In("layer_norm"), h, c.Epsilon)
		ff := ffLayer.In("DenseReluDense")
		var f *graph.Node
		if gated {
			f = graph.Mul(activate(act, linear(ff.In("wi_0"), x, c.DFF)), linear(ff.In("wi_1"), x, c.DFF))
		} else {
			f = activate(act, linear(ff.In("wi"), x, c.DFF))
		}
		h = graph.Add(h, linear(ff.In("wo"), f, c.DModel))
	}
	return layerNorm(enc.In("final_layer_norm"), h, c.Epsilon), table
}

// positionBias is the attention-logit bias [B, H, L, L]: the learned scalar of each head and
// relative-position bucket (table [buckets, H] under scope), plus (1 - mask)·float32-min on
// padded keys, as Hugging Face adds its extended attention mask to position_bias.
func (c Config) positionBias(scope *model.Scope, mask *graph.Node) *graph.Node {
	g := mask.Graph()
	batch, seq := mask.Shape().Dim(0), mask.Shape().Dim(1)
	table := scope.VariableWithShape(weightName, shapes.Make(dtypes.Float32, c.NumBuckets, c.NumHeads)).NodeValue(g)
	buckets := make([][]int32, seq)
	for q := range buckets {
		buckets[q] = make([]int32, seq)
		for k := range buckets[q] {
			buckets[q][k] = int32(RelativeBucket(k-q, c.NumBuckets, c.MaxDistance))
		}
	}
	bias := graph.Gather(table, graph.InsertAxes(graph.Const(g, buckets), -1)) // [L, L, H]
	bias = graph.InsertAxes(graph.TransposeAllAxes(bias, 2, 0, 1), 0)
	padding := graph.MulScalar(graph.OneMinus(mask), -math.MaxFloat32)
	return graph.Add(bias, graph.Reshape(padding, batch, 1, 1, seq))
}

// selfAttention is T5Attention without its 1/sqrt(d_kv) scaling (folded into the weights'
// initialization in Mesh TensorFlow), with bias [B|1, H, L, L] added to the logits.
func (c Config) selfAttention(scope *model.Scope, x, bias *graph.Node) *graph.Node {
	batch, seq := x.Shape().Dim(0), x.Shape().Dim(1)
	inner := c.NumHeads * c.DKV
	heads := func(name string) *graph.Node {
		y := graph.Reshape(linear(scope.In("%s", name), x, inner), batch, seq, c.NumHeads, c.DKV)
		return graph.TransposeAllAxes(y, 0, 2, 1, 3) // [B, H, L, dkv]
	}
	q, k, v := heads("q"), heads("k"), heads("v")
	scores := graph.Add(graph.DotGeneral(q, []int{3}, []int{0, 1}, k, []int{3}, []int{0, 1}), bias) // [B, H, L, L]
	var weights *graph.Node
	if scope.IsTraining(x.Graph()) {
		// Decomposed softmax: GoMLX differentiates the fused one through a copy like this anyway.
		e := graph.Exp(graph.Sub(scores, graph.StopGradient(graph.ReduceAndKeep(scores, graph.ReduceMax, -1))))
		weights = graph.Div(e, graph.ReduceAndKeep(e, graph.ReduceSum, -1))
	} else {
		weights = graph.Softmax(scores, -1)
	}
	out := graph.DotGeneral(weights, []int{3}, []int{0, 1}, v, []int{2}, []int{0, 1}) // [B, H, L, dkv]
	out = graph.Reshape(graph.TransposeAllAxes(out, 0, 2, 1, 3), batch, seq, inner)
	return linear(scope.In("o"), out, c.DModel)
}

// linear is a bias-free nn.Linear, weight [out, in] as PyTorch stores it.
func linear(scope *model.Scope, x *graph.Node, out int) *graph.Node {
	w := scope.VariableWithShape(weightName, shapes.Make(dtypes.Float32, out, x.Shape().Dim(-1))).NodeValue(x.Graph())
	return gomlxnn.Dense(x, w, nil, compute.DenseLayoutOutputsInput)
}

// layerNorm is T5LayerNorm: x / sqrt(mean(x²) + eps) · weight, weight starting at 1.
func layerNorm(scope *model.Scope, x *graph.Node, eps float64) *graph.Node {
	w := scope.WithInitializer(initializer.One).VariableWithShape(weightName, shapes.Make(dtypes.Float32, x.Shape().Dim(-1))).NodeValue(x.Graph())
	ms := graph.ReduceAndKeep(graph.Square(x), graph.ReduceMean, -1)
	return graph.Mul(graph.Div(x, graph.Sqrt(graph.AddScalar(ms, eps))), graph.ExpandLeftToRank(w, x.Rank()))
}

// activate applies a feed-forward activation by its Hugging Face name.
func activate(act string, x *graph.Node) *graph.Node {
	switch act {
	case "relu":
		return graph.Max(x, graph.ZerosLike(x))
	case "silu":
		return graph.Mul(x, graph.Logistic(x))
	case "gelu": // exact: x·Φ(x)
		return graph.MulScalar(graph.Mul(x, graph.AddScalar(graph.Erf(graph.MulScalar(x, 1/math.Sqrt2)), 1)), 0.5)
	case "gelu_new": // tanh approximation (Hendrycks and Gimpel 2016, eq. in §2), HF's NewGELUActivation
		inner := graph.MulScalar(graph.Add(x, graph.MulScalar(graph.Mul(x, graph.Square(x)), 0.044715)), math.Sqrt(2/math.Pi))
		return graph.MulScalar(graph.Mul(x, graph.AddScalar(graph.Tanh(inner), 1)), 0.5)
	}
	exceptions.Panicf("textenc: unknown activation %q", act)
	return nil
}

// RelativeBucket maps a relative position (key index minus query index) to one of numBuckets
// bidirectional buckets, as T5 (Raffel et al. 2020, §2.1; Mesh TensorFlow's
// _relative_position_bucket): half the buckets for keys after the query, and in each half
// exact buckets for distances below numBuckets/4 and logarithmic ones up to maxDistance,
// beyond which all distances share the last bucket. The logarithm is taken in float32, as
// PyTorch does in Hugging Face's port, so that every bucket matches it.
func RelativeBucket(rel, numBuckets, maxDistance int) int {
	half := numBuckets / 2
	bucket := 0
	if rel > 0 {
		bucket = half
	}
	n := rel
	if n < 0 {
		n = -n
	}
	maxExact := half / 2
	if n < maxExact {
		return bucket + n
	}
	v := float32(math.Log(float64(float32(n) / float32(maxExact))))
	v /= float32(math.Log(float64(maxDistance) / float64(maxExact)))
	v *= float32(half - maxExact)
	return bucket + min(maxExact+int(v), half-1)
}
