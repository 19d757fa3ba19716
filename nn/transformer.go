package nn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Sub-scope names used by [TransformerBlock] and [TransformerLM].
const (
	Norm1Name      = "norm1"       // block: norm before attention
	AttentionName  = "attn"        // block: self-attention
	Norm2Name      = "norm2"       // block: norm before the MLP
	MLPName        = "mlp"         // block: feed-forward
	TokenEmbedName = "token_embed" // LM: token embedding table
	PosEmbedName   = "pos_embed"   // LM: learned position table
	BlockName      = "block_%d"    // LM: block i (fmt pattern)
	FinalNormName  = "final_norm"  // LM: norm after the last block
	LMHeadName     = "lm_head"     // LM: output projection to the vocabulary, no bias
)

// InitStdDev is the standard deviation of the normal initializer TransformerLM gives every weight
// matrix and embedding table, as in GPT-2 (Radford et al. 2019) and nanoGPT.
const InitStdDev = 0.02

// TransformerConfig describes a decoder-only transformer language model: token and learned position
// embeddings, NumLayers pre-norm blocks, a final norm and a linear head over the vocabulary.
type TransformerConfig struct {
	VocabSize   int      `json:"vocab_size"`
	MaxSeqLen   int      `json:"max_seq_len"` // rows of the position table
	DModel      int      `json:"d_model"`     // residual width
	NumLayers   int      `json:"num_layers"`
	NumHeads    int      `json:"num_heads"` // head width is DModel/NumHeads
	FFNDim      int      `json:"ffn_dim"`   // MLP hidden width
	MLP         MLPKind  `json:"mlp"`
	Norm        NormKind `json:"norm"`
	NormEpsilon float64  `json:"norm_epsilon"`
	QKNorm      bool     `json:"qk_norm"`
	Bias        bool     `json:"bias"` // biases in attention and MLP projections
}

// transformerPresets are the named configurations. "tiny" is for tests. The bench presets are
// LLaMA-style decoders (Touvron et al. 2023, https://arxiv.org/abs/2302.13971: RMSNorm, SwiGLU with
// hidden width ≈ 8/3·d, no biases), the family of the Cosmos autoregressive world models (NVIDIA
// 2025, https://arxiv.org/abs/2501.03575), with learned absolute positions; their head width is 64.
var transformerPresets = map[string]TransformerConfig{
	"tiny": {VocabSize: 32, MaxSeqLen: 16, DModel: 32, NumLayers: 2, NumHeads: 4, FFNDim: 64,
		MLP: MLPGELU, Norm: NormLayer, NormEpsilon: DefaultNormEpsilon, Bias: true},
	// 10.3M parameters.
	"bench-10m": {VocabSize: 4096, MaxSeqLen: 256, DModel: 384, NumLayers: 4, NumHeads: 6, FFNDim: 1024,
		MLP: MLPSwiGLU, Norm: NormRMS, NormEpsilon: DefaultNormEpsilon},
	// 98.3M parameters.
	"bench-100m": {VocabSize: 8192, MaxSeqLen: 1024, DModel: 768, NumLayers: 12, NumHeads: 12, FFNDim: 2048,
		MLP: MLPSwiGLU, Norm: NormRMS, NormEpsilon: DefaultNormEpsilon},
}

// TransformerPresetNames lists the preset names, sorted.
func TransformerPresetNames() []string {
	names := make([]string, 0, len(transformerPresets))
	for name := range transformerPresets {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// TransformerPreset returns the named configuration (see [TransformerPresetNames]).
func TransformerPreset(name string) (TransformerConfig, error) {
	cfg, ok := transformerPresets[name]
	if !ok {
		return TransformerConfig{}, &UnknownPresetError{Name: name, Known: TransformerPresetNames()}
	}
	return cfg, nil
}

// UnknownPresetError reports a preset name that does not exist.
type UnknownPresetError struct {
	Name  string
	Known []string
}

func (e *UnknownPresetError) Error() string {
	return fmt.Sprintf("nn: unknown transformer preset %q (known: %s)", e.Name, strings.Join(e.Known, ", "))
}

// ConfigError reports an invalid configuration field.
type ConfigError struct {
	Field   string // JSON name of the field
	Problem string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("nn: transformer config: %s: %s", e.Field, e.Problem)
}

// Validate checks that the configuration describes a model that can be built.
func (c TransformerConfig) Validate() error {
	positive := []struct {
		name  string
		value int
	}{
		{"vocab_size", c.VocabSize}, {"max_seq_len", c.MaxSeqLen}, {"d_model", c.DModel},
		{"num_layers", c.NumLayers}, {"num_heads", c.NumHeads}, {"ffn_dim", c.FFNDim},
	}
	for _, p := range positive {
		if p.value <= 0 {
			return &ConfigError{Field: p.name, Problem: fmt.Sprintf("must be > 0, got %d", p.value)}
		}
	}
	if c.DModel%c.NumHeads != 0 {
		return &ConfigError{Field: "num_heads", Problem: fmt.Sprintf("d_model %d is not divisible by %d heads", c.DModel, c.NumHeads)}
	}
	if c.MLP != MLPGELU && c.MLP != MLPSwiGLU {
		return &ConfigError{Field: "mlp", Problem: fmt.Sprintf("unknown kind %q (want %q or %q)", c.MLP, MLPGELU, MLPSwiGLU)}
	}
	if c.Norm != NormLayer && c.Norm != NormRMS {
		return &ConfigError{Field: "norm", Problem: fmt.Sprintf("unknown kind %q (want %q or %q)", c.Norm, NormLayer, NormRMS)}
	}
	if !(c.NormEpsilon > 0) {
		return &ConfigError{Field: "norm_epsilon", Problem: fmt.Sprintf("must be > 0, got %g", c.NormEpsilon)}
	}
	return nil
}

// HeadDim is the width of one attention head.
func (c TransformerConfig) HeadDim() int { return c.DModel / c.NumHeads }

// Params is the number of learned values [TransformerLM] creates for this configuration:
// embeddings, blocks (norms, attention, optional QK-norm scales, MLP), final norm and head.
func (c TransformerConfig) Params() int64 {
	d := int64(c.DModel)
	attn := 4 * d * d
	if c.Bias {
		attn += 4 * d
	}
	if c.QKNorm {
		attn += 2 * int64(c.HeadDim())
	}
	block := 2*normParams(c.Norm, c.DModel) + attn + mlpParams(c.MLP, c.DModel, c.FFNDim, c.Bias)
	embed := int64(c.VocabSize)*d + int64(c.MaxSeqLen)*d
	head := d * int64(c.VocabSize)
	return embed + int64(c.NumLayers)*block + normParams(c.Norm, c.DModel) + head
}

// ForwardFLOPs is the analytic matmul cost of one forward pass over batch sequences of seqLen
// tokens, at 2 FLOPs per multiply-accumulate. Per token it counts, for each of the L layers,
// the Q, K, V and output projections (4·d²), the MLP (2·d·f, or 3·d·f for SwiGLU), the attention
// scores Q·Kᵀ (T·d) and the weighted sum of values (T·d); then the LM head (d·V):
//
//	FLOPs = 2 · B · T · [ L · (4d² + m·d·f + 2·T·d) + d·V ],   m = 2 (GELU) or 3 (SwiGLU)
//
// The full T×T score matrix is counted, as it is computed (causal masking does not skip work).
// Embedding lookups, norms, softmax and other elementwise work are not counted. This is the
// accounting of Kaplan et al. 2020 (https://arxiv.org/abs/2001.08361, Table 1: 2N + 2·L·T·d per
// token) and of the PaLM paper's Appendix B (Chowdhery et al. 2022, https://arxiv.org/abs/2204.02311),
// with N the matmul parameters including the head.
func (c TransformerConfig) ForwardFLOPs(batch, seqLen int) float64 {
	b, t := float64(batch), float64(seqLen)
	d, f, v, l := float64(c.DModel), float64(c.FFNDim), float64(c.VocabSize), float64(c.NumLayers)
	m := 2.0
	if c.MLP == MLPSwiGLU {
		m = 3
	}
	return 2 * b * t * (l*(4*d*d+m*d*f+2*t*d) + d*v)
}

// TrainStepFLOPs is the analytic cost of one training step (forward and backward) over batch
// sequences of seqLen tokens: 3 × [TransformerConfig.ForwardFLOPs], since the backward pass computes two
// matmuls (gradients of the input and of the weight) for each forward one. Per token this is
// PaLM's 6N + 12·L·T·d (Chowdhery et al. 2022, Appendix B). Optimizer work is not counted.
func (c TransformerConfig) TrainStepFLOPs(batch, seqLen int) float64 {
	return 3 * c.ForwardFLOPs(batch, seqLen)
}

// TransformerBlock is a pre-norm transformer block (Xiong et al. 2020,
// https://arxiv.org/abs/2002.04745), with x [batch, seq, DModel]:
//
//	x = x + attn(norm1(x))
//	x = x + mlp(norm2(x))
//
// Variables under scope: norm1, attn ([SelfAttention]), norm2, mlp ([MLP]).
func TransformerBlock(scope *model.Scope, x *graph.Node, cfg TransformerConfig, causal bool) *graph.Node {
	h := Norm(scope.In(Norm1Name), cfg.Norm, x, cfg.NormEpsilon)
	attn := SelfAttention(scope.In(AttentionName), h, cfg.NumHeads).Causal(causal).Bias(cfg.Bias)
	if cfg.QKNorm {
		attn = attn.QKNorm(cfg.NormEpsilon)
	}
	x = graph.Add(x, attn.Done())
	h = Norm(scope.In(Norm2Name), cfg.Norm, x, cfg.NormEpsilon)
	return graph.Add(x, MLP(scope.In(MLPName), h, cfg.FFNDim).Kind(cfg.MLP).Bias(cfg.Bias).Done())
}

// TransformerLM is a decoder-only (causal) transformer language model. tokens is an integer
// [batch, seq] tensor with seq <= MaxSeqLen and values in [0, VocabSize); it returns float32
// logits [batch, seq, VocabSize], where position t predicts token t+1.
//
// Variables under scope (see the package documentation for the full list):
//
//	token_embed/embeddings  [VocabSize, DModel]
//	pos_embed/embeddings    [MaxSeqLen, DModel]
//	block_<i>/...           i = 0 .. NumLayers-1, see [TransformerBlock]
//	final_norm/...
//	lm_head/weights         [VocabSize, DModel]
//
// Weights and embeddings are initialized N(0, InitStdDev²), biases 0, norm scales 1. An invalid
// configuration or token shape is a programmer error and panics.
func TransformerLM(scope *model.Scope, cfg TransformerConfig, tokens *graph.Node) *graph.Node {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if tokens.Rank() != 2 || !tokens.DType().IsInt() {
		exceptions.Panicf("nn.TransformerLM: tokens must be integer [batch, seq], got %s", tokens.Shape())
	}
	if seq := tokens.Shape().Dim(1); seq > cfg.MaxSeqLen {
		exceptions.Panicf("nn.TransformerLM: sequence length %d exceeds max_seq_len %d", seq, cfg.MaxSeqLen)
	}
	scope = scope.WithInitializer(RandomNormalInit(scope, InitStdDev))
	x := Embedding(scope.In(TokenEmbedName), tokens, cfg.VocabSize, cfg.DModel, dtypes.Float32)
	x = PositionEmbedding(scope.In(PosEmbedName), x, cfg.MaxSeqLen)
	for i := range cfg.NumLayers {
		x = TransformerBlock(scope.In(BlockName, i), x, cfg, true)
	}
	x = Norm(scope.In(FinalNormName), cfg.Norm, x, cfg.NormEpsilon)
	return Linear(scope.In(LMHeadName), x, cfg.VocabSize, false)
}
