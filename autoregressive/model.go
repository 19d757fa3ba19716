package autoregressive

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/wfm-platform/wfm/nn"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/weights"
)

// Scope names of the model's variables, those of the cosmos-predict1 state dict with "/" for
// "." (layers/3/attention/wq/weights is layers.3.attention.wq.weight).
const (
	TokEmbeddingsName = "tok_embeddings"       // embeddings [VocabSize, DModel]
	LayersName        = "layers"               // layers/<i>/...
	AttnNormName      = "attention_norm"       // RMSNorm before self-attention
	AttentionName     = "attention"            // wq, wk, wv, wo (no biases), q_norm, k_norm
	CrossNormName     = "cross_attention_norm" // RMSNorm before cross-attention
	CrossAttnName     = "cross_attention"      // wq, wk, wv (from TextDim), wo, q_norm, k_norm
	FFNNormName       = "ffn_norm"             // RMSNorm before the MLP
	FeedForwardName   = "feed_forward"         // w1 (gate), w3 (up), w2 (down), no biases
	NormName          = "norm"                 // final RMSNorm
	OutputName        = "output"               // lm head weights [VocabSize, DModel]
	MedusaName        = "medusa"               // medusa/<j>/{weights,biases} [DModel, DModel]
)

// InitStdDev is the standard deviation of the normal initializer of every weight matrix and of
// the token embeddings (nn.InitStdDev, as GPT-2 and Llama).
const InitStdDev = nn.InitStdDev

// Grid is the token grid a sequence covers: T latent frames of H×W tokens, flattened with t
// slowest, so token i sits at t = i/(H·W), h = (i/W) mod H, w = i mod W.
type Grid struct{ T, H, W int }

// Tokens is T·H·W.
func (g Grid) Tokens() int { return g.T * g.H * g.W }

// Model is the autoregressive world model: a Llama-style decoder over DV token ids (see the
// package documentation). It holds only the configuration; the variables live in the
// model.Store of the scope its methods are given.
type Model struct {
	cfg Config
}

// New returns the model of cfg, or cfg's validation error.
func New(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Model{cfg: cfg}, nil
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// CheckGrid reports whether grid fits the configuration (T ≤ MaxT, H ≤ MaxH, W ≤ MaxW, all
// positive) and holds n tokens.
func (m *Model) CheckGrid(grid Grid, n int) error {
	c := m.cfg
	switch {
	case grid.T <= 0 || grid.H <= 0 || grid.W <= 0:
		return fmt.Errorf("autoregressive: grid %dx%dx%d must be positive", grid.T, grid.H, grid.W)
	case grid.T > c.MaxT || grid.H > c.MaxH || grid.W > c.MaxW:
		return fmt.Errorf("autoregressive: grid %dx%dx%d exceeds the model's %dx%dx%d (max_t, max_h, max_w)",
			grid.T, grid.H, grid.W, c.MaxT, c.MaxH, c.MaxW)
	case n > grid.Tokens():
		return fmt.Errorf("autoregressive: %d tokens exceed the %dx%dx%d grid's %d", n, grid.T, grid.H, grid.W, grid.Tokens())
	}
	return nil
}

// Forward runs the decoder over ids, int32 [B, L], the first L tokens of grid, and returns the
// logits, float32 [B, L, VocabSize], where position i predicts token i+1, and the logits of
// the Medusa heads (MedusaHeads of them, each [B, L, VocabSize], head j predicting token
// i+2+j; nil without heads). text, float32 [B, S, TextDim], is the prompt's embedding, and
// textMask, [B, S], is 1 on its valid tokens (nil: all valid); both are ignored without
// CrossAttn, where text must be given. A grid, id shape or text shape that does not fit is a
// programmer error and panics.
func (m *Model) Forward(scope *model.Scope, ids *graph.Node, grid Grid, text, textMask *graph.Node) (logits *graph.Node, medusa []*graph.Node) {
	h := m.hidden(scope, ids, grid, text, textMask)
	return m.heads(scope, h, true)
}

// Loss is the mean next-token cross-entropy of ids (int32 [B, L], the first L tokens of grid):
// position i's logits scored against token i+1, over the targets from index condTokens on (the
// condition tokens are given, not predicted; condTokens ≤ 1 scores every target). The Medusa
// heads are not built (their loss belongs to their training). Arguments as for Forward.
func (m *Model) Loss(scope *model.Scope, ids *graph.Node, grid Grid, text, textMask *graph.Node, condTokens int) *graph.Node {
	l := ids.Shape().Dim(1)
	first := max(condTokens, 1)
	if first >= l {
		exceptions.Panicf("autoregressive.Loss: %d condition tokens leave no target in %d tokens", condTokens, l)
	}
	// Only the scored positions go through the lm head, the widest matmul of a small model.
	h := graph.SliceAxis(m.hidden(scope, ids, grid, text, textMask), 1, graph.AxisRange(first-1, l-1))
	logits, _ := m.heads(scope, h, false)
	return nn.CrossEntropy(logits, graph.SliceAxis(ids, 1, graph.AxisRange(first, l)))
}

// hidden is the decoder up to the final norm, [B, L, DModel], over a whole sequence.
func (m *Model) hidden(scope *model.Scope, ids *graph.Node, grid Grid, text, textMask *graph.Node) *graph.Node {
	c := m.cfg
	if ids.Rank() != 2 || ids.DType() != dtypes.Int32 {
		exceptions.Panicf("autoregressive.Forward: ids must be int32 [batch, len], got %s", ids.Shape())
	}
	if err := m.CheckGrid(grid, ids.Shape().Dim(1)); err != nil {
		panic(err)
	}
	g := ids.Graph()
	positions := graph.Iota(g, shapes.Make(dtypes.Int32, ids.Shape().Dim(1)), 0)
	var texts []crossKV
	if c.CrossAttn {
		layers := scope.At(LayersName)
		for i := range c.NumLayers {
			texts = append(texts, m.textKV(layers.At("%d", i).At(CrossAttnName), text, textMask))
		}
	}
	return m.decoder(scope, ids, positions, grid, nil, texts)
}

// kvCache is one layer's key/value cache while decoding, kept in the layouts the two attention
// products read so that no step copies it into another: the keys transposed, kt [B, NumKVHeads,
// hd, capacity], the values v [B, NumKVHeads, capacity, hd]. The new tokens are written at pos
// (int32 scalar) and the queries attend to the first window entries only (window ≥ pos + the
// new tokens: a length bucket, see Decoder), with bias [1, new·group, window] (cacheBias)
// hiding the entries each query may not see.
type kvCache struct {
	kt, v, pos *graph.Node
	window     int
	bias       *graph.Node
}

// cacheBias is the additive attention mask of queries at positions (int32 [L]) over the first
// window cache entries, for heads grouped group to a key/value head: 0 where key j ≤ the query's
// position, -∞ elsewhere, [1, L·group, window] with row i·group+g for query i's head g of a
// group (the row order of cachedAttention's scores). Every row allows key 0, so none is all -∞.
func cacheBias(positions *graph.Node, window, group int) *graph.Node {
	g := positions.Graph()
	l := positions.Shape().Dim(0)
	keys := graph.Iota(g, shapes.Make(dtypes.Int32, 1, window), 1)
	allowed := graph.LessOrEqual(keys, graph.InsertAxes(positions, -1)) // [L, window]
	bias := graph.Where(allowed, graph.Zeros(g, shapes.Make(dtypes.Float32, l, window)), graph.Infinity(g, dtypes.Float32, -1))
	return graph.Reshape(graph.BroadcastToDims(graph.InsertAxes(bias, 1), l, group, window), 1, l*group, window)
}

// crossKV are one layer's projected text keys and values, [B, S, NumKVHeads, hd], and which
// text tokens may be attended to, bool [B, 1, S] (nil: all).
type crossKV struct {
	k, v, allowed *graph.Node
}

// decoder runs the blocks over ids at the given grid positions (int32 [L]) and returns the
// final-normed hidden states [B, L, DModel]. With caches (one per layer) the new keys and
// values are written into them at their pos and the queries attend to the cache (updated in
// place of caches' k, v); without, attention is causal over ids alone.
func (m *Model) decoder(scope *model.Scope, ids, positions *graph.Node, grid Grid, caches []*kvCache, texts []crossKV) *graph.Node {
	c := m.cfg
	scope = scope.WithInitializer(nn.RandomNormalInit(scope, InitStdDev))
	x := nn.Embedding(scope.In(TokEmbeddingsName), ids, c.VocabSize, c.DModel, dtypes.Float32)
	if c.AbsPosEmb {
		x = graph.Add(x, graph.InsertAxes(positionEmbedding(positions, grid, c.DModel), 0))
	}
	cos, sin := c.ropeCosSin(positions, grid)
	layers := scope.In(LayersName)
	for i := range c.NumLayers {
		ls := layers.In("%d", i)
		var cache *kvCache
		if caches != nil {
			cache = caches[i]
		}
		h := nn.RMSNorm(ls.In(AttnNormName), x, c.NormEpsilon)
		x = graph.Add(x, m.selfAttention(ls.In(AttentionName), h, cos, sin, cache))
		if c.CrossAttn {
			h = nn.RMSNorm(ls.In(CrossNormName), x, c.NormEpsilon)
			x = graph.Add(x, m.crossAttention(ls.In(CrossAttnName), h, texts[i]))
		}
		h = nn.RMSNorm(ls.In(FFNNormName), x, c.NormEpsilon)
		x = graph.Add(x, m.feedForward(ls.In(FeedForwardName), h))
	}
	return nn.RMSNorm(scope.In(NormName), x, c.NormEpsilon)
}

// heads applies the lm head to h [B, L, DModel], and with medusa the Medusa heads (one logits
// tensor per head, split from medusaLogits).
func (m *Model) heads(scope *model.Scope, h *graph.Node, medusa bool) (*graph.Node, []*graph.Node) {
	c := m.cfg
	scope = scope.WithInitializer(nn.RandomNormalInit(scope, InitStdDev))
	logits := nn.Linear(scope.In(OutputName), h, c.VocabSize, false)
	if !medusa || c.MedusaHeads == 0 {
		return logits, nil
	}
	stacked := m.medusaLogits(scope, h)
	out := make([]*graph.Node, c.MedusaHeads)
	for j := range out {
		out[j] = graph.Squeeze(graph.SliceAxis(stacked, 0, graph.AxisElem(j)), 0)
	}
	return logits, out
}

// medusaLogits are the Medusa heads' logits at h [..., DModel], stacked [MedusaHeads, ...,
// VocabSize]: head j is output(h + SiLU(W_j·h + b_j)), its linear layer initialized to zero so
// that a new head starts as the lm head (Cai et al. 2024). The heads' residual states go through
// the shared lm head together, one product reading its weights once. The lm head must exist
// (heads makes it first).
func (m *Model) medusaLogits(scope *model.Scope, h *graph.Node) *graph.Node {
	c := m.cfg
	ms := scope.In(MedusaName).WithInitializer(initializer.Zero)
	res := make([]*graph.Node, c.MedusaHeads)
	for j := range res {
		res[j] = graph.Add(h, nn.SiLU(nn.Linear(ms.In("%d", j), h, c.DModel, true)))
	}
	return nn.Linear(scope.Shared(OutputName), graph.Stack(res, 0), c.VocabSize, false)
}

// projectQKV returns the rotated, normalized queries [B, L, NumHeads, hd] and keys and values
// [B, L, NumKVHeads, hd] of x.
func (m *Model) projectQKV(scope *model.Scope, x, cos, sin *graph.Node) (q, k, v *graph.Node) {
	c := m.cfg
	b, l, hd := x.Shape().Dim(0), x.Shape().Dim(1), c.HeadWidth()
	q = graph.Reshape(nn.Linear(scope.In("wq"), x, c.NumHeads*hd, false), b, l, c.NumHeads, hd)
	k = graph.Reshape(nn.Linear(scope.In("wk"), x, c.NumKVHeads*hd, false), b, l, c.NumKVHeads, hd)
	v = graph.Reshape(nn.Linear(scope.In("wv"), x, c.NumKVHeads*hd, false), b, l, c.NumKVHeads, hd)
	if c.QKNorm {
		q = nn.RMSNorm(scope.In("q_norm"), q, c.NormEpsilon)
		k = nn.RMSNorm(scope.In("k_norm"), k, c.NormEpsilon)
	}
	return applyRope(q, cos, sin), applyRope(k, cos, sin), v
}

// selfAttention is GQA self-attention of x [B, L, DModel]. Without a cache it is causal over x
// (the key/value heads repeated for nn.ScaledDotProductAttention, which runs fused kernels
// where the backend has them); with one, see cachedAttention.
func (m *Model) selfAttention(scope *model.Scope, x, cos, sin *graph.Node, cache *kvCache) *graph.Node {
	c := m.cfg
	b, l, hd := x.Shape().Dim(0), x.Shape().Dim(1), c.HeadWidth()
	q, k, v := m.projectQKV(scope, x, cos, sin)
	var out *graph.Node
	if cache == nil {
		out = nn.ScaledDotProductAttention(scope, q, repeatKV(k, c.NumHeads), repeatKV(v, c.NumHeads), true)
	} else {
		out = cachedAttention(q, k, v, cache)
	}
	return nn.Linear(scope.In("wo"), graph.Reshape(out, b, l, c.NumHeads*hd), c.DModel, false)
}

// cachedAttention writes the new keys and values k, v [B, L, KV, hd] into cache at its pos and
// returns the attention of the queries q [B, L, H, hd] to the cache's first window entries,
// [B, L, H, hd]. The H/KV query heads of a group share one key/value head: their rows are
// stacked against it, so both products are row-major batched matmuls (nn.BatchMatMul) over
// [B·KV] straight from the cache's layouts (Ainslie et al. 2023 GQA; the keys are read once
// per group and never repeated or transposed).
func cachedAttention(q, k, v *graph.Node, cache *kvCache) *graph.Node {
	b, l, h, hd := q.Shape().Dim(0), q.Shape().Dim(1), q.Shape().Dim(2), q.Shape().Dim(3)
	kv, n := k.Shape().Dim(2), cache.window
	grp := h / kv
	zero := graph.ScalarZero(q.Graph(), dtypes.Int32)
	cache.kt = graph.DynamicUpdateSlice(cache.kt, permute(k, 0, 2, 3, 1), []*graph.Node{zero, zero, zero, cache.pos})
	cache.v = graph.DynamicUpdateSlice(cache.v, permute(v, 0, 2, 1, 3), []*graph.Node{zero, zero, cache.pos, zero})
	kt, vs := cache.kt, cache.v
	if n < kt.Shape().Dim(3) {
		kt = graph.SliceAxis(kt, 3, graph.AxisRange(0, n))
		vs = graph.SliceAxis(vs, 2, graph.AxisRange(0, n))
	}
	q = graph.MulScalar(q, 1/math.Sqrt(float64(hd)))
	q = graph.Reshape(permute(graph.Reshape(q, b, l, kv, grp, hd), 0, 2, 1, 3, 4), b*kv, l*grp, hd)
	scores := nn.BatchMatMul(q, graph.Reshape(kt, b*kv, hd, n)) // [B·KV, L·grp, window]
	weights := graph.Softmax(graph.Add(scores, cache.bias), -1)
	out := graph.Reshape(nn.BatchMatMul(weights, graph.Reshape(vs, b*kv, n, hd)), b, kv, l, grp, hd)
	return graph.Reshape(permute(out, 0, 2, 1, 3, 4), b, l, h, hd)
}

// permute is graph.TransposeAllAxes, or a free Reshape when the permutation moves only axes of
// size 1 (a single decoded token's heads).
func permute(x *graph.Node, perm ...int) *graph.Node {
	dims := x.Shape().Dimensions
	last, moves := -1, false
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = dims[p]
		if dims[p] != 1 {
			moves = moves || p < last
			last = p
		}
	}
	if !moves {
		return graph.Reshape(x, out...)
	}
	return graph.TransposeAllAxes(x, perm...)
}

// textKV projects the text embedding (float32 [B, S, TextDim]) to one layer's cross-attention
// keys and values; textMask [B, S] (nil: all valid) marks the tokens that may be attended to.
func (m *Model) textKV(scope *model.Scope, text, textMask *graph.Node) crossKV {
	c := m.cfg
	if text == nil || text.Rank() != 3 || text.Shape().Dim(2) != c.TextDim {
		exceptions.Panicf("autoregressive: cross-attention needs text [batch, len, %d], got %v", c.TextDim, text)
	}
	b, s, hd := text.Shape().Dim(0), text.Shape().Dim(1), c.HeadWidth()
	scope = scope.WithInitializer(nn.RandomNormalInit(scope, InitStdDev))
	k := graph.Reshape(nn.Linear(scope.In("wk"), text, c.NumKVHeads*hd, false), b, s, c.NumKVHeads, hd)
	v := graph.Reshape(nn.Linear(scope.In("wv"), text, c.NumKVHeads*hd, false), b, s, c.NumKVHeads, hd)
	if c.QKNorm {
		k = nn.RMSNorm(scope.In("k_norm"), k, c.NormEpsilon)
	}
	kv := crossKV{k: k, v: v}
	if textMask != nil {
		kv.allowed = graph.InsertAxes(graph.GreaterThan(textMask, graph.ScalarZero(text.Graph(), textMask.DType())), 1)
	}
	return kv
}

// crossAttention is GQA attention of x [B, L, DModel] to a layer's text keys and values (no
// RoPE: the text has no place on the video grid).
func (m *Model) crossAttention(scope *model.Scope, x *graph.Node, kv crossKV) *graph.Node {
	c := m.cfg
	b, l, hd := x.Shape().Dim(0), x.Shape().Dim(1), c.HeadWidth()
	q := graph.Reshape(nn.Linear(scope.In("wq"), x, c.NumHeads*hd, false), b, l, c.NumHeads, hd)
	if c.QKNorm {
		q = nn.RMSNorm(scope.In("q_norm"), q, c.NormEpsilon)
	}
	out := groupedAttention(q, kv.k, kv.v, kv.allowed)
	return nn.Linear(scope.In("wo"), graph.Reshape(out, b, l, c.NumHeads*hd), c.DModel, false)
}

// feedForward is the SwiGLU MLP w2(SiLU(w1·x) ⊙ w3·x) (Shazeer 2020,
// https://arxiv.org/abs/2002.05202; Llama's w1, w2, w3).
func (m *Model) feedForward(scope *model.Scope, x *graph.Node) *graph.Node {
	c := m.cfg
	gate := nn.SiLU(nn.Linear(scope.In("w1"), x, c.FFNDim, false))
	up := nn.Linear(scope.In("w3"), x, c.FFNDim, false)
	return nn.Linear(scope.In("w2"), graph.Mul(gate, up), c.DModel, false)
}

// repeatKV repeats each of the key/value heads of x [B, L, kvHeads, hd] to heads heads: query
// head h uses key/value head h/(heads/kvHeads) (GQA, Ainslie et al. 2023,
// https://arxiv.org/abs/2305.13245).
func repeatKV(x *graph.Node, heads int) *graph.Node {
	b, l, kv, hd := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	if kv == heads {
		return x
	}
	x = graph.BroadcastToDims(graph.InsertAxes(x, 3), b, l, kv, heads/kv, hd)
	return graph.Reshape(x, b, l, heads, hd)
}

// groupedAttention is softmax(q·kᵀ/√hd)·v with grouped key/value heads, for q [B, Lq, H, hd]
// and k, v [B, Lk, KV, hd]: the H/KV query heads of a group share one key/value head, so the
// keys are read once per group and never repeated (what keeps a long KV cache cheap to
// attend to). allowed, bool [B or 1, Lq or 1, Lk] (nil: all), masks the keys; a query with no key
// allowed gets zeros. It returns [B, Lq, H, hd].
func groupedAttention(q, k, v, allowed *graph.Node) *graph.Node {
	b, lq, h, hd := q.Shape().Dim(0), q.Shape().Dim(1), q.Shape().Dim(2), q.Shape().Dim(3)
	lk, kv := k.Shape().Dim(1), k.Shape().Dim(2)
	grp := h / kv
	q = graph.MulScalar(q, 1/math.Sqrt(float64(hd)))
	q = graph.Reshape(graph.TransposeAllAxes(graph.Reshape(q, b, lq, kv, grp, hd), 0, 2, 1, 3, 4), b*kv, lq*grp, hd)
	kT := graph.Reshape(graph.TransposeAllAxes(k, 0, 2, 3, 1), b*kv, hd, lk)
	vt := graph.Reshape(graph.TransposeAllAxes(v, 0, 2, 1, 3), b*kv, lk, hd)
	scores := nn.BatchMatMul(q, kT) // [B·KV, Lq·grp, Lk], row r is query r/grp
	g := q.Graph()
	var weights *graph.Node
	if allowed == nil {
		shifted := graph.Sub(scores, graph.StopGradient(graph.ReduceAndKeep(scores, graph.ReduceMax, -1)))
		e := graph.Exp(shifted)
		weights = graph.Div(e, graph.ReduceAndKeep(e, graph.ReduceSum, -1))
	} else {
		mb := allowed.Shape().Dim(0)
		mask := graph.Reshape(graph.BroadcastToDims(allowed, mb, lq, lk), mb, 1, lq, 1, lk)
		mask = graph.Reshape(graph.BroadcastToDims(mask, b, kv, lq, grp, lk), b*kv, lq*grp, lk)
		// Masked scores are replaced (not offset) so that a row with no allowed key has a finite
		// maximum; its weights are then all zero rather than NaN.
		lowest := graph.BroadcastToShape(graph.Scalar(g, scores.DType(), -1e30), scores.Shape())
		masked := graph.Where(mask, scores, lowest)
		shifted := graph.Sub(masked, graph.StopGradient(graph.ReduceAndKeep(masked, graph.ReduceMax, -1)))
		e := graph.Where(mask, graph.Exp(shifted), graph.ZerosLike(scores))
		sum := graph.ReduceAndKeep(e, graph.ReduceSum, -1)
		weights = graph.Div(e, graph.Max(sum, graph.Scalar(g, sum.DType(), 1e-30)))
	}
	out := graph.Reshape(nn.BatchMatMul(weights, vt), b, kv, lq, grp, hd)
	return graph.Reshape(graph.TransposeAllAxes(out, 0, 2, 1, 3, 4), b, lq, h, hd)
}

// WeightsFile is the name of the weights in a model folder; its Config is model.json beside it.
const WeightsFile = "model.safetensors"

// SaveModel writes the model variables of store to dir/model.safetensors and cfg to
// dir/model.json, atomically (dir must exist). A training store is reduced to its model
// variables first (train.ExportStore: no optimizer state; the moving averages instead of the
// raw weights when useEMA and the store has them).
func SaveModel(dir string, cfg Config, store *model.Store, useEMA bool) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("autoregressive: save %s: %w", dir, err)
	}
	export, err := train.ExportStore(store, useEMA && hasEMA(store))
	if err != nil {
		return fmt.Errorf("autoregressive: save %s: %w", dir, err)
	}
	path := filepath.Join(dir, WeightsFile)
	if err := weights.SaveStore(path, export, cfg); err != nil {
		return fmt.Errorf("autoregressive: save %s: %w", path, err)
	}
	return nil
}

// LoadModel reads a model saved by SaveModel: path is its folder or weights file, or a
// training run folder without model.safetensors (its newest checkpoint, model variables only:
// the moving averages instead of the raw weights when useEMA and the checkpoint has them).
// For inference, guard the store with weights.Require(store, path) so that a variable the file
// lacks is an error rather than a fresh random one; training (Medusa heads on a loaded base)
// adds variables and must not.
func LoadModel(path string, useEMA bool) (*model.Store, Config, error) {
	file := path
	if st, err := os.Stat(path); err != nil {
		return nil, Config{}, fmt.Errorf("autoregressive: load %s: %w", path, err)
	} else if st.IsDir() {
		file = filepath.Join(path, WeightsFile)
		if _, err := os.Stat(file); err != nil {
			ck, err := train.LatestCheckpoint(path)
			if err != nil {
				return nil, Config{}, fmt.Errorf("autoregressive: load %s: %w", path, err)
			}
			if ck == nil {
				return nil, Config{}, fmt.Errorf("autoregressive: load %s: no %s and no checkpoint", path, WeightsFile)
			}
			file = ck.ModelPath()
		}
	}
	var cfg Config
	if err := weights.ReadConfig(file, &cfg); err != nil {
		return nil, Config{}, fmt.Errorf("autoregressive: load %s: %w", file, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, Config{}, fmt.Errorf("autoregressive: load %s: %w", weights.ConfigPath(file), err)
	}
	raw := model.NewStore()
	if err := weights.LoadStore(file, raw); err != nil {
		return nil, Config{}, fmt.Errorf("autoregressive: load %s: %w", file, err)
	}
	store, err := train.ExportStore(raw, useEMA && hasEMA(raw))
	if err != nil {
		return nil, Config{}, fmt.Errorf("autoregressive: load %s: %w", file, err)
	}
	if store.NumParameters() == 0 {
		return nil, Config{}, fmt.Errorf("autoregressive: load %s: no model variables", file)
	}
	return store, cfg, nil
}

// hasEMA reports whether store holds moving averages (train.EMAScope).
func hasEMA(store *model.Store) bool {
	for v := range store.IterVariables() {
		if strings.HasPrefix(v.Path(), train.EMAScope+"/") {
			return true
		}
	}
	return false
}
