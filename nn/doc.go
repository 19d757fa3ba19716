// Package nn holds the neural-network layers the platform's models share, in GoMLX style: plain
// functions (or builders ending in Done) over a *model.Scope and graph nodes, channels-last
// tensors ([batch, seq, dim]; video models add [batch, T, H, W, C]), float32 throughout.
//
// Layers:
//
//   - [Linear]: y = x·Wᵀ + b over the last axis.
//   - [LayerNorm], [RMSNorm], and [Norm] to pick one by [NormKind].
//   - [MultiHeadAttention] / [SelfAttention]: projections, optional causal mask, optional QK-norm,
//     around [ScaledDotProductAttention], which later layers (RoPE, cross-attention) reuse.
//   - [MLP]: GELU or SwiGLU feed-forward ([MLPKind]).
//   - [Embedding] and [PositionEmbedding]: token lookup and learned absolute positions.
//   - [TransformerBlock] (pre-norm) and [TransformerLM], a decoder-only language model described
//     by [TransformerConfig], with presets by name ([TransformerPreset]).
//   - [CrossEntropy]: mean next-token loss.
//   - [CausalConv3D]: video convolution, causal in time (left padding with copies of the first
//     frame), as im2col-by-slices on the Go backend and native convolution elsewhere.
//   - [GroupNorm1PerFrame]: one-group GroupNorm with statistics per frame, so it stays causal.
//
// # Parameter names
//
// Checkpoints are saved by variable scope path, so every name below is part of the file format
// and must not change. A layer called with scope s creates:
//
//	Linear            s/weights [out, in]   s/biases [out]
//	LayerNorm         s/scale [dim]         s/offset [dim]
//	RMSNorm           s/scale [dim]
//	Embedding         s/embeddings [vocab, dim]
//	PositionEmbedding s/embeddings [maxLen, dim]
//	MultiHeadAttention s/query, s/key, s/value, s/output (Linear); s/q_norm, s/k_norm (RMSNorm, QK-norm only)
//	MLP (GELU)        s/fc1, s/fc2 (Linear)
//	MLP (SwiGLU)      s/gate, s/up, s/down (Linear)
//	TransformerBlock  s/norm1, s/attn, s/norm2, s/mlp
//	TransformerLM     s/token_embed, s/pos_embed, s/block_0 … s/block_{L-1}, s/final_norm, s/lm_head (Linear, no bias)
//	CausalConv3D      s/weights [kt, kh, kw, in, out]   s/biases [out]
//	GroupNorm1PerFrame s/scale [C]          s/offset [C]
//
// so, for example, the first block's query weights of a TransformerLM built at the root scope are
// "/block_0/attn/query/weights". Linear weights are output-major, [out, in], the layout of PyTorch's
// nn.Linear.weight, so PyTorch checkpoints load without transposing; convolution kernels are
// channels-last [kt, kh, kw, in, out], so PyTorch's [out, in, kt, kh, kw] is transposed with axes
// (2, 3, 4, 1, 0) on import. The names are also exported
// as constants (WeightsName, QueryName, BlockName, …).
//
// # Fused kernels and training
//
// Outside training, layers call GoMLX's fused kernels (Dense with activation, LayerNorm, Softmax)
// where the backend has them. In a graph marked as training (model.Store.SetTraining) they build
// the decomposed form instead: GoMLX differentiates a fused op through a decomposed copy whose
// intermediate values the backward pass needs, so a fused kernel in a training graph would run in
// addition to that copy. Both forms compute the same function (the tests check it).
//
// Importing the package changes nothing process-wide (GoMLX's gradient registry included). The
// gradient of a small [BatchMatMul] is two more BatchMatMuls, so that attention's products stay
// in the layout the Go backend's small-matrix kernel is fast in (about 12x on attention-sized
// products): BatchMatMul sets it on the product it builds, and on no other node (see
// gradients.go). GoMLX's own DotGeneral gradient, in wfm's copy (third_party/gomlx, patch 5),
// skips the identity transposes it used to append to nearly every matmul gradient.
//
// # FLOPs
//
// [TransformerConfig.TrainStepFLOPs] is the analytic matmul cost of a training step: 2 FLOPs per
// multiply-accumulate for every matmul (projections, MLP, attention scores and values, LM head),
// times 3 for forward and backward; see [TransformerConfig.ForwardFLOPs] for the formula and its
// sources (Kaplan et al. 2020; Chowdhery et al. 2022, Appendix B). The tests check it against the
// matmuls actually present in the forward and gradient graphs.
package nn
