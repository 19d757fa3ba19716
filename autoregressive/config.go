package autoregressive

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Config describes the decoder: its widths, the token grid its 3-D RoPE covers, and its
// optional parts (absolute position embedding, cross-attention to text, Medusa heads).
type Config struct {
	Name        string  `json:"name,omitempty"`
	VocabSize   int     `json:"vocab_size"` // token ids are in [0, VocabSize): the DV tokenizer's codebook
	DModel      int     `json:"d_model"`    // residual width
	NumLayers   int     `json:"num_layers"`
	NumHeads    int     `json:"num_heads"`          // query heads
	NumKVHeads  int     `json:"num_kv_heads"`       // key/value heads (GQA); divides NumHeads
	HeadDim     int     `json:"head_dim,omitempty"` // width of one head; 0 means DModel/NumHeads
	FFNDim      int     `json:"ffn_dim"`            // SwiGLU hidden width
	NormEpsilon float64 `json:"norm_epsilon"`       // RMSNorm epsilon
	QKNorm      bool    `json:"qk_norm"`            // RMSNorm of each head's query and key
	RopeTheta   float64 `json:"rope_theta"`         // RoPE base of all three axes

	// MaxT, MaxH and MaxW bound the token grid t×h×w (flattened with t slowest) a sequence
	// covers: latent frames, and latent rows and columns of a frame.
	MaxT int `json:"max_t"`
	MaxH int `json:"max_h"`
	MaxW int `json:"max_w"`

	// YaRN (Peng et al. 2023, https://arxiv.org/abs/2309.00071) stretches the temporal RoPE
	// frequencies so that a model trained on YaRNOriginalT latent frames runs on more: the low
	// frequencies are divided by YaRNScale, the high ones kept, with a linear ramp between the
	// cutoffs set by YaRNBetaSlow and YaRNBetaFast (see rope.go). YaRNScale 0 or 1 is plain RoPE.
	YaRNScale     float64 `json:"yarn_scale,omitempty"`
	YaRNOriginalT int     `json:"yarn_original_t,omitempty"`
	YaRNBetaFast  float64 `json:"yarn_beta_fast,omitempty"`
	YaRNBetaSlow  float64 `json:"yarn_beta_slow,omitempty"`

	// AbsPosEmb adds the parameter-free sine-cosine embedding of each token's (t, h, w) to the
	// token embeddings (the Video2World models' apply_abs_pos_emb).
	AbsPosEmb bool `json:"abs_pos_emb,omitempty"`
	// CrossAttn puts a cross-attention to text embeddings of width TextDim in every block.
	CrossAttn bool `json:"cross_attn,omitempty"`
	TextDim   int  `json:"text_dim,omitempty"`
	// MedusaHeads is the number of extra heads predicting the tokens 2, 3, ... positions ahead
	// (Cai et al. 2024, https://arxiv.org/abs/2401.10774). Each is one residual block
	// h + SiLU(W·h + b) followed by the shared lm head (cosmos-predict1 trains its 7 heads with
	// the output layer shared, medusa_num_layers 1).
	MedusaHeads int `json:"medusa_heads,omitempty"`
}

// HeadWidth is the width of one attention head: HeadDim, or DModel/NumHeads when HeadDim is 0.
func (c Config) HeadWidth() int {
	if c.HeadDim > 0 {
		return c.HeadDim
	}
	if c.NumHeads <= 0 {
		return 0
	}
	return c.DModel / c.NumHeads
}

// MaxTokens is the longest sequence the grid holds, MaxT·MaxH·MaxW.
func (c Config) MaxTokens() int { return c.MaxT * c.MaxH * c.MaxW }

// ConfigError reports an invalid configuration field by its JSON name.
type ConfigError struct {
	Field   string
	Problem string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("autoregressive: config: %s: %s", e.Field, e.Problem)
}

// Validate checks that the configuration describes a model that can be built.
func (c Config) Validate() error {
	positive := []struct {
		name  string
		value int
	}{
		{"vocab_size", c.VocabSize}, {"d_model", c.DModel}, {"num_layers", c.NumLayers},
		{"num_heads", c.NumHeads}, {"num_kv_heads", c.NumKVHeads}, {"ffn_dim", c.FFNDim},
		{"max_t", c.MaxT}, {"max_h", c.MaxH}, {"max_w", c.MaxW},
	}
	for _, p := range positive {
		if p.value <= 0 {
			return &ConfigError{Field: p.name, Problem: fmt.Sprintf("must be > 0, got %d", p.value)}
		}
	}
	if c.NumHeads%c.NumKVHeads != 0 {
		return &ConfigError{Field: "num_kv_heads", Problem: fmt.Sprintf("%d query heads are not a multiple of %d key/value heads", c.NumHeads, c.NumKVHeads)}
	}
	if c.HeadDim < 0 {
		return &ConfigError{Field: "head_dim", Problem: fmt.Sprintf("must be >= 0 (0: d_model/num_heads), got %d", c.HeadDim)}
	}
	if c.HeadDim == 0 && c.DModel%c.NumHeads != 0 {
		return &ConfigError{Field: "num_heads", Problem: fmt.Sprintf("d_model %d is not divisible by %d heads (or set head_dim)", c.DModel, c.NumHeads)}
	}
	// The 3-D RoPE splits a head into three axes of an even number of channels each, at least 2.
	if hd := c.HeadWidth(); hd%2 != 0 || hd < 12 {
		return &ConfigError{Field: "head_dim", Problem: fmt.Sprintf("the 3-D RoPE needs an even head width >= 12, got %d", hd)}
	}
	if c.AbsPosEmb && (c.DModel < 12 || c.DModel%2 != 0) {
		return &ConfigError{Field: "d_model", Problem: fmt.Sprintf("the 3-D position embedding needs an even d_model >= 12, got %d", c.DModel)}
	}
	if !(c.NormEpsilon > 0) {
		return &ConfigError{Field: "norm_epsilon", Problem: fmt.Sprintf("must be > 0, got %g", c.NormEpsilon)}
	}
	if !(c.RopeTheta > 1) || math.IsInf(c.RopeTheta, 0) {
		return &ConfigError{Field: "rope_theta", Problem: fmt.Sprintf("must be a finite number > 1, got %g", c.RopeTheta)}
	}
	if c.YaRNScale != 0 {
		switch {
		case !(c.YaRNScale >= 1) || math.IsInf(c.YaRNScale, 0):
			return &ConfigError{Field: "yarn_scale", Problem: fmt.Sprintf("must be 0 (off) or a finite number >= 1, got %g", c.YaRNScale)}
		case c.YaRNOriginalT <= 0:
			return &ConfigError{Field: "yarn_original_t", Problem: fmt.Sprintf("must be > 0 with yarn_scale set, got %d", c.YaRNOriginalT)}
		case !(c.YaRNBetaSlow > 0):
			return &ConfigError{Field: "yarn_beta_slow", Problem: fmt.Sprintf("must be > 0 with yarn_scale set, got %g", c.YaRNBetaSlow)}
		case !(c.YaRNBetaFast > c.YaRNBetaSlow) || math.IsInf(c.YaRNBetaFast, 0):
			return &ConfigError{Field: "yarn_beta_fast", Problem: fmt.Sprintf("must be finite and > yarn_beta_slow %g, got %g", c.YaRNBetaSlow, c.YaRNBetaFast)}
		}
	}
	if c.CrossAttn && c.TextDim <= 0 {
		return &ConfigError{Field: "text_dim", Problem: fmt.Sprintf("must be > 0 with cross_attn, got %d", c.TextDim)}
	}
	if c.MedusaHeads < 0 {
		return &ConfigError{Field: "medusa_heads", Problem: fmt.Sprintf("must be >= 0, got %d", c.MedusaHeads)}
	}
	return nil
}

// NumParams is the number of learned values the model has, counted from the layer shapes:
// token embeddings, per layer two RMSNorm scales, the self-attention projections (queries
// NumHeads·HeadWidth wide, keys and values NumKVHeads·HeadWidth), the QK-norm scales, the
// cross-attention (its norm and projections, keys and values from TextDim), the SwiGLU
// MLP, then the final norm, the lm head and the Medusa blocks (DModel² + DModel each).
func (c Config) NumParams() int64 {
	d, hd, v := int64(c.DModel), int64(c.HeadWidth()), int64(c.VocabSize)
	q, kv := int64(c.NumHeads)*hd, int64(c.NumKVHeads)*hd
	attn := func(kvIn int64) int64 {
		n := d*q + 2*kvIn*kv + q*d
		if c.QKNorm {
			n += 2 * hd
		}
		return n
	}
	layer := 2*d + attn(d) + 3*d*int64(c.FFNDim)
	if c.CrossAttn {
		layer += d + attn(int64(c.TextDim))
	}
	return v*d + int64(c.NumLayers)*layer + d + d*v + int64(c.MedusaHeads)*(d*d+d)
}

// presets are the named configurations. The published shapes are Cosmos-1.0-Autoregressive's
// (cosmos-predict1 autoregressive/configs/base/model_config.py, COSMOS_ARCHITECTURES and
// create_video2world_model_config): 8 key/value heads, SwiGLU width 14336, RMSNorm eps 1e-5,
// RoPE θ 500000, QK norm, 64,000 DV8x16x16 codes; 5B and 13B are the 4B and 12B bases with a
// cross-attention to the 1024-wide T5-11B embeddings in every block and the absolute 3-D
// position embedding; the 12B base is extended with YaRN from 3 to more latent frames (scale
// 2, beta_fast 4, beta_slow 1). The grid is 5 latent frames (33 video frames) of 40×64 tokens,
// a 640×1024 video at DV8x16x16.
var presets = map[string]Config{
	// For tests: 100,736 parameters.
	"tiny": {VocabSize: 64, DModel: 64, NumLayers: 2, NumHeads: 4, NumKVHeads: 2, FFNDim: 176,
		NormEpsilon: 1e-5, QKNorm: true, RopeTheta: 10000, MaxT: 4, MaxH: 4, MaxW: 4},
	// A CPU-trainable model for 64×64 physics clips: up to 8 latent frames of up to 8×8 tokens
	// (DV8x8x8; DV8x16x16 gives 4×4). Its blocks hold 1.6M parameters; the embedding and lm head
	// add 2·192·VocabSize (24.6M for the 64,000 DV codes): set VocabSize to the tokenizer's
	// codebook with WithVocab.
	"small": {VocabSize: 64000, DModel: 192, NumLayers: 4, NumHeads: 6, NumKVHeads: 2, FFNDim: 512,
		NormEpsilon: 1e-5, QKNorm: true, RopeTheta: 10000, MaxT: 8, MaxH: 8, MaxW: 8},
	"4b":      cosmos(16, 4096, 0, false, false),
	"5b-v2w":  cosmos(16, 4096, 0, true, false),
	"12b":     cosmos(40, 5120, 128, false, true),
	"13b-v2w": cosmos(40, 5120, 128, true, true),
}

// cosmos is a Cosmos-1.0-Autoregressive shape (see presets).
func cosmos(layers, dim, headDim int, v2w, yarn bool) Config {
	c := Config{VocabSize: 64000, DModel: dim, NumLayers: layers, NumHeads: 32, NumKVHeads: 8, HeadDim: headDim,
		FFNDim: 14336, NormEpsilon: 1e-5, QKNorm: true, RopeTheta: 500000, MaxT: 5, MaxH: 40, MaxW: 64}
	if v2w {
		c.CrossAttn, c.TextDim, c.AbsPosEmb = true, 1024, true
	}
	if yarn {
		c.YaRNScale, c.YaRNOriginalT, c.YaRNBetaFast, c.YaRNBetaSlow = 2, 3, 4, 1
	}
	return c
}

// PublishedParams are the sizes in the names of the Cosmos-1.0-Autoregressive models, by preset.
var PublishedParams = map[string]float64{"4b": 4e9, "5b-v2w": 5e9, "12b": 12e9, "13b-v2w": 13e9}

// PresetNames lists the preset names, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for name := range presets {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// UnknownPresetError reports a preset name that does not exist.
type UnknownPresetError struct {
	Name  string
	Known []string
}

func (e *UnknownPresetError) Error() string {
	return fmt.Sprintf("autoregressive: unknown preset %q (known: %s)", e.Name, strings.Join(e.Known, ", "))
}

// Preset returns the named configuration (see [PresetNames]), with Name set.
func Preset(name string) (Config, error) {
	c, ok := presets[name]
	if !ok {
		return Config{}, &UnknownPresetError{Name: name, Known: PresetNames()}
	}
	c.Name = name
	return c, nil
}

// WithVocab returns c with VocabSize set to the tokenizer's codebook size.
func (c Config) WithVocab(vocabSize int) Config {
	c.VocabSize = vocabSize
	return c
}
