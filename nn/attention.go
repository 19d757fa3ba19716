package nn

import (
	"math"
	"os"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Sub-scope names used by [AttentionBuilder].
const (
	QueryName  = "query"  // Linear [dim, dim]
	KeyName    = "key"    // Linear [dim, keyValueDim]
	ValueName  = "value"  // Linear [dim, keyValueDim]
	OutputName = "output" // Linear [dim, dim]
	QNormName  = "q_norm" // RMSNorm [headDim], with QKNorm
	KNormName  = "k_norm" // RMSNorm [headDim], with QKNorm
)

// AttentionBuilder configures a multi-head attention layer; create it with [MultiHeadAttention]
// or [SelfAttention], set options, and call Done.
type AttentionBuilder struct {
	scope           *model.Scope
	query, keyValue *graph.Node
	numHeads        int
	causal          bool
	qkNorm          bool
	qkNormEpsilon   float64
	bias            bool
}

// MultiHeadAttention is multi-head scaled dot-product attention (Vaswani et al. 2017,
// https://arxiv.org/abs/1706.03762): queries come from query [batch, seqQ, queryDim], keys and
// values from keyValue [batch, seqKV, keyValueDim]. The model width dim is queryDim, split into
// numHeads heads of headDim = dim/numHeads; the output has query's shape.
//
// Variables under scope (each projection is a [Linear] sub-scope, weights output-major):
//
//	query/{weights,biases}   [dim, dim], [dim]
//	key/{weights,biases}     [dim, keyValueDim], [dim]
//	value/{weights,biases}   [dim, keyValueDim], [dim]
//	output/{weights,biases}  [dim, dim], [dim]
//	q_norm/scale, k_norm/scale  [headDim]   (only with QKNorm)
func MultiHeadAttention(scope *model.Scope, query, keyValue *graph.Node, numHeads int) *AttentionBuilder {
	if query.Rank() != 3 || keyValue.Rank() != 3 {
		exceptions.Panicf("nn.MultiHeadAttention: query and keyValue must be [batch, seq, dim], got %s and %s",
			query.Shape(), keyValue.Shape())
	}
	if query.Shape().Dim(0) != keyValue.Shape().Dim(0) {
		exceptions.Panicf("nn.MultiHeadAttention: batch sizes differ: query %s, keyValue %s", query.Shape(), keyValue.Shape())
	}
	dim := query.Shape().Dim(-1)
	if numHeads <= 0 || dim%numHeads != 0 {
		exceptions.Panicf("nn.MultiHeadAttention: width %d is not divisible into %d heads", dim, numHeads)
	}
	return &AttentionBuilder{scope: scope, query: query, keyValue: keyValue, numHeads: numHeads, bias: true}
}

// SelfAttention is [MultiHeadAttention] with queries, keys and values all taken from x.
func SelfAttention(scope *model.Scope, x *graph.Node, numHeads int) *AttentionBuilder {
	return MultiHeadAttention(scope, x, x, numHeads)
}

// Causal masks the scores so that query position i attends only to key positions <= i. It requires
// equal query and key lengths. Default off.
func (b *AttentionBuilder) Causal(causal bool) *AttentionBuilder {
	b.causal = causal
	return b
}

// QKNorm applies RMSNorm, with a learned scale shared by all heads, to each head's query and key
// before the dot product (Henry et al. 2020, https://arxiv.org/abs/2010.04245; Dehghani et al. 2023,
// https://arxiv.org/abs/2302.05442). It keeps attention logits bounded in long training runs.
// Default off.
func (b *AttentionBuilder) QKNorm(epsilon float64) *AttentionBuilder {
	b.qkNorm = true
	b.qkNormEpsilon = epsilon
	return b
}

// Bias sets whether the four projections have biases. Default true.
func (b *AttentionBuilder) Bias(useBias bool) *AttentionBuilder {
	b.bias = useBias
	return b
}

// Done builds the layer and returns its output, shaped like the query.
func (b *AttentionBuilder) Done() *graph.Node {
	batch, seqQ, dim := b.query.Shape().Dim(0), b.query.Shape().Dim(1), b.query.Shape().Dim(2)
	seqKV := b.keyValue.Shape().Dim(1)
	headDim := dim / b.numHeads
	q := graph.Reshape(Linear(b.scope.In(QueryName), b.query, dim, b.bias), batch, seqQ, b.numHeads, headDim)
	k := graph.Reshape(Linear(b.scope.In(KeyName), b.keyValue, dim, b.bias), batch, seqKV, b.numHeads, headDim)
	v := graph.Reshape(Linear(b.scope.In(ValueName), b.keyValue, dim, b.bias), batch, seqKV, b.numHeads, headDim)
	if b.qkNorm {
		q = RMSNorm(b.scope.In(QNormName), q, b.qkNormEpsilon)
		k = RMSNorm(b.scope.In(KNormName), k, b.qkNormEpsilon)
	}
	out := ScaledDotProductAttention(b.scope, q, k, v, b.causal)
	return Linear(b.scope.In(OutputName), graph.Reshape(out, batch, seqQ, dim), dim, b.bias)
}

// ScaledDotProductAttention is the attention core, softmax(q·kᵀ/√headDim)·v per head, for
// projected heads q [batch, seqQ, heads, headDim] and k, v [batch, seqKV, heads, headDim] (the
// channels-last layout the projections produce). With causal, query i sees keys 0..i only, which
// needs seqQ == seqKV. It returns [batch, seqQ, heads, headDim].
//
// It works on [batch·heads, seq, headDim] internally, with keys transposed to [batch·heads,
// headDim, seqKV], so that both products are BatchMatMul's row-major layout (see there). scope only
// decides fused (inference) versus decomposed (training) softmax; it creates no variables.
//
// Outside training, on the pure-Go backend, the backend's fused attention kernel runs (one pass
// per query block, the [seqQ, seqKV] scores never materialize). With FusedAttentionEnv set to 1,
// on a backend that offers a fused attention kernel with its own backward pass (XLA's CUDA plugin:
// cuDNN flash attention, bfloat16 and float16 only), the kernel runs in training too; other
// backends, dtypes and shapes the kernel refuses fall back to the product form.
func ScaledDotProductAttention(scope *model.Scope, q, k, v *graph.Node, causal bool) *graph.Node {
	if q.Rank() != 4 || k.Rank() != 4 || !k.Shape().Equal(v.Shape()) {
		exceptions.Panicf("nn.ScaledDotProductAttention: want q [b, seqQ, h, d] and k, v [b, seqKV, h, d], got %s, %s, %s",
			q.Shape(), k.Shape(), v.Shape())
	}
	seqQ, seqKV, headDim := q.Shape().Dim(1), k.Shape().Dim(1), q.Shape().Dim(3)
	if causal && seqQ != seqKV {
		exceptions.Panicf("nn.ScaledDotProductAttention: a causal mask needs equal query and key lengths, got %d and %d", seqQ, seqKV)
	}
	if fusedAttentionWanted(scope, q) {
		out, _ := graph.InternalFusedOpCaller(func() *graph.Node {
			out, _ := graph.BackendFusedScaledDotProductAttention(q, k, v, compute.AttentionAxesLayoutBSHD,
				&compute.ScaledDotProductAttentionConfig{Scale: 1 / math.Sqrt(float64(headDim)), Causal: causal})
			return out
		}, func() *graph.Node { return productAttention(scope, q, k, v, causal) }, false)
		return out
	}
	return productAttention(scope, q, k, v, causal)
}

// FusedAttentionEnv, set to 1, lets ScaledDotProductAttention use the backend's fused attention
// kernel (cuDNN flash attention on XLA's CUDA plugin). It is opt-in until measured on a GPU.
const FusedAttentionEnv = "WFM_FUSED_ATTENTION"

// fusedAttentionWanted reports whether ScaledDotProductAttention should try the backend's fused
// kernel for q: outside training on the Go backend (its kernel is measured and tested against the
// product form), or when asked for, offered with a fused backward pass, and in a half-precision
// dtype (the only ones cuDNN's kernel takes).
func fusedAttentionWanted(scope *model.Scope, q *graph.Node) bool {
	g := q.Graph()
	ops := g.Backend().Capabilities().Operations
	if !ops[compute.OpTypeFusedScaledDotProductAttention] {
		return false
	}
	if useFusedOps(scope, g) && g.Backend().String() == gobackend.BackendName {
		return true
	}
	if os.Getenv(FusedAttentionEnv) != "1" {
		return false
	}
	if dt := q.DType(); dt != dtypes.BFloat16 && dt != dtypes.Float16 {
		return false
	}
	return ops[compute.OpTypeFusedScaledDotProductAttentionVJP]
}

// productAttention is ScaledDotProductAttention as two batched products and a softmax.
func productAttention(scope *model.Scope, q, k, v *graph.Node, causal bool) *graph.Node {
	seqQ, seqKV, headDim := q.Shape().Dim(1), k.Shape().Dim(1), q.Shape().Dim(3)
	g := q.Graph()
	batch, heads := q.Shape().Dim(0), q.Shape().Dim(2)
	bh := batch * heads
	q = graph.Reshape(graph.TransposeAllAxes(graph.MulScalar(q, 1/math.Sqrt(float64(headDim))), 0, 2, 1, 3), bh, seqQ, headDim)
	kT := graph.Reshape(graph.TransposeAllAxes(k, 0, 2, 3, 1), bh, headDim, seqKV)
	v = graph.Reshape(graph.TransposeAllAxes(v, 0, 2, 1, 3), bh, seqKV, headDim)
	scores := BatchMatMul(q, kT) // [b·h, seqQ, seqKV]
	if causal {
		// Additive mask: 0 on and below the diagonal, -∞ above, so masked keys get weight exp(-∞) = 0.
		blocked := graph.Where(graph.LowerTriangular(g, seqQ),
			graph.Zeros(g, shapes.Make(scores.DType(), seqQ, seqKV)), graph.Infinity(g, scores.DType(), -1))
		scores = graph.Add(scores, graph.Reshape(blocked, 1, seqQ, seqKV))
	}
	var weights *graph.Node
	if useFusedOps(scope, g) {
		weights = graph.Softmax(scores, -1)
	} else {
		shifted := graph.Sub(scores, graph.StopGradient(graph.ReduceAndKeep(scores, graph.ReduceMax, -1)))
		e := graph.Exp(shifted)
		weights = graph.Div(e, graph.ReduceAndKeep(e, graph.ReduceSum, -1))
	}
	out := graph.Reshape(BatchMatMul(weights, v), batch, heads, seqQ, headDim)
	return graph.TransposeAllAxes(out, 0, 2, 1, 3)
}
