package diffusion

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/gomlx/compute/dtypes"
)

// Config holds the hyperparameters of a latent diffusion transformer (DiT) world model: the
// network shape (GeneralDIT of cosmos-predict1, networks/general_dit.py, with the FA-CA-MLP
// block of config/base/net.py) and the EDM constants of its denoiser. JSON names are ours; the
// reference's keyword is in each comment.
type Config struct {
	// Name is the preset name, informational.
	Name string `json:"name"`

	// LatentChannels is the width of the tokenizer latent (in_channels = out_channels, 16 for
	// Cosmos CV8x8x8).
	LatentChannels int `json:"latent_channels"`
	// PatchSpatial and PatchTemporal are the patch sizes (patch_spatial 2, patch_temporal 1).
	PatchSpatial  int `json:"patch_spatial"`
	PatchTemporal int `json:"patch_temporal"`

	// ModelChannels is the transformer width D (model_channels), NumBlocks the depth (num_blocks),
	// NumHeads the attention heads (num_heads); D/NumHeads is the head width.
	ModelChannels int `json:"model_channels"`
	NumBlocks     int `json:"num_blocks"`
	NumHeads      int `json:"num_heads"`
	// MLPRatio is the MLP expansion (mlp_ratio 4).
	MLPRatio int `json:"mlp_ratio"`

	// ContextDim is the width of the text embeddings cross-attention reads (crossattn_emb_channels:
	// 1024 for T5-XXL); ContextLen the number of text tokens (512 in Cosmos).
	ContextDim int `json:"context_dim"`
	ContextLen int `json:"context_len"`

	// AdaLNLoRADim is the rank of the per-block AdaLN-LoRA modulation (adaln_lora_dim 256);
	// 0 gives every sub-block a full D -> 3D modulation instead (use_adaln_lora false).
	AdaLNLoRADim int `json:"adaln_lora_dim"`

	// MaxLatentFrames, MaxLatentHeight and MaxLatentWidth bound the latent size the learnable
	// absolute embeddings cover (max_frames 128, max_img_h = max_img_w = 240 in Cosmos).
	MaxLatentFrames int `json:"max_latent_frames"`
	MaxLatentHeight int `json:"max_latent_height"`
	MaxLatentWidth  int `json:"max_latent_width"`

	// Video2World adds the condition-mask input channel (the condition_video_input_mask that
	// cosmos-predict1's Video2World model concatenates to the latent).
	Video2World bool `json:"video2world"`
	// ResidualCondition (Video2World only, our addition: Cosmos has no such option) makes the
	// denoiser work on the generated latent frames as offsets from the last condition frame:
	// D(x) = b + D'(x - b), b the last clean condition frame repeated over the generated frames
	// (zero for Text2World samples). A network that outputs nothing then continues the last
	// frame instead of producing the mean latent, and it only has to learn what moves. This is
	// residual video diffusion (Yang et al., 2022, with the last frame as the deterministic
	// prediction); it helps small models trained on little compute.
	ResidualCondition bool `json:"residual_condition,omitempty"`
	// ExtraChannels (our addition, not in Cosmos) is the width of a per-position conditioning
	// input, [B, T, H, W, ExtraChannels] on the latent's grid, concatenated to the noisy latent
	// as more input channels (Inputs.Extra, Conditioning.Extra, Request.Extra, TrainLoss's
	// BatchExtra): the discrete tokens' codes for a diffusion decoder (package tokendecoder).
	ExtraChannels int `json:"extra_channels,omitempty"`

	// RoPE extrapolation ratios (rope_{t,h,w}_extrapolation_ratio): theta = 10000·r^(d/(d-2)).
	// Cosmos-1.0 Text2World 7B uses t 2, h 1, w 1; 14B uses 2, 2, 2.
	RopeT float64 `json:"rope_t_extrapolation"`
	RopeH float64 `json:"rope_h_extrapolation"`
	RopeW float64 `json:"rope_w_extrapolation"`
	// BaseFPS is the frame rate at which the temporal RoPE position of latent frame t is t
	// (base_fps 24); at fps f it is t·BaseFPS/f.
	BaseFPS float64 `json:"base_fps"`

	// SigmaData is EDM's data standard deviation (0.5); SigmaMin and SigmaMax bound the noise
	// levels the model is trained on (0.0002 and 80 in cosmos-predict1's EDM scaling).
	SigmaData float64 `json:"sigma_data"`
	SigmaMin  float64 `json:"sigma_min"`
	SigmaMax  float64 `json:"sigma_max"`
	// SigmaDataChannels, when set (our addition, not in Cosmos), replaces SigmaData with one
	// value per latent channel in the preconditioning, the loss weighting and the condition
	// augmentation: σd_c is the spread of what the denoiser predicts in channel c
	// (ChannelSigmaData). A latent whose channels differ in spread by orders of magnitude, such
	// as principal-component latents, otherwise keeps noise of size SigmaData in its faint
	// channels wherever the network leaves them alone: the network-free part of the denoiser
	// then shrinks each channel at its own scale. (On phys-v2w's recipe it gained nothing:
	// docs/BENCHMARKS.md.)
	SigmaDataChannels []float32 `json:"sigma_data_channels,omitempty"`

	// SampleSigmaMin, when > 0, is where generation ends by default for this model (the
	// sampler's sigma_min, see SampleOptions): a model whose finest detail is still noise is
	// better read at its mean estimate of a higher noise level. 0 leaves the sampler's default.
	SampleSigmaMin float64 `json:"sample_sigma_min,omitempty"`
	// SampleGuidance, when set, is the classifier-free guidance weight generation uses for this
	// model when none is asked for (DefaultGuidance otherwise). A Video2World model whose
	// captions say little about the motion can be best unguided (0).
	SampleGuidance *float64 `json:"sample_guidance,omitempty"`

	// LatentMean and LatentStd, when set, map tokenizer latents to the model's space:
	// z = (latent - mean)/std·SigmaData, as Cosmos normalizes latents with the tokenizer's
	// mean_std (per latent frame and channel) and scales them by sigma_data. They hold rows of
	// LatentChannels values, one row per latent frame (frames past the last row use it).
	// Training fills them from the data (LatentStats).
	LatentMean []float32 `json:"latent_mean,omitempty"`
	LatentStd  []float32 `json:"latent_std,omitempty"`

	// DType is the dtype of the network's variables and activations: "" or "float32", or
	// "bfloat16" (for GPUs: halves memory and uses the tensor cores; norms, RoPE angles and the
	// EDM arithmetic stay float32). There is no float32 master copy: the variables themselves
	// are bfloat16.
	DType string `json:"dtype,omitempty"`

	// DataFPS is the frame rate of the training videos (the most common one), which generation
	// uses when asked for none. 0 means unknown.
	DataFPS float64 `json:"data_fps,omitempty"`

	// Tokenizer names the tokenizer whose latents the model was trained on (a weights path, or
	// "preset:NAME" for untrained weights), informational.
	Tokenizer string `json:"tokenizer,omitempty"`

	// TextEncoder names the text encoder the model was trained with, as the command line gives
	// it: "builtin" (textenc.Default), "hash" (textenc.HashEncoder), or a Hugging Face T5 folder.
	// Empty in models made before it was recorded, which used the hashing encoder.
	// TextEncoderID identifies that encoder's weights (textenc.Model.ID), so that generation can
	// tell a different encoder behind the same name.
	TextEncoder   string `json:"text_encoder,omitempty"`
	TextEncoderID string `json:"text_encoder_id,omitempty"`

	// Kind is the model family, "diffusion" (ModelKind), so that a model folder says which
	// loader reads it (eval/physics.OpenModel reads it from model.json).
	Kind string `json:"kind,omitempty"`
}

// ModelKind is the Kind of a diffusion model's configuration.
const ModelKind = "diffusion"

// presets are the named configurations. The 7B and 14B widths, depths and heads are Cosmos-1.0's
// FADITV2Config and FADITV2_14B_Config (cosmos-predict1 config/base/net.py), with the Text2World
// RoPE extrapolation of config/inference/cosmos-1-diffusion-text2world.py.
var presets = map[string]Config{
	"tiny": {ModelChannels: 64, NumBlocks: 2, NumHeads: 4, AdaLNLoRADim: 16, ContextDim: 64, ContextLen: 64,
		MaxLatentFrames: 16, MaxLatentHeight: 64, MaxLatentWidth: 64, RopeT: 1, RopeH: 1, RopeW: 1},
	"small": {ModelChannels: 256, NumBlocks: 6, NumHeads: 4, AdaLNLoRADim: 64, ContextDim: 64, ContextLen: 64,
		MaxLatentFrames: 32, MaxLatentHeight: 128, MaxLatentWidth: 128, RopeT: 1, RopeH: 1, RopeW: 1},
	"base": {ModelChannels: 768, NumBlocks: 12, NumHeads: 12, AdaLNLoRADim: 128, ContextDim: 1024, ContextLen: 512,
		MaxLatentFrames: 128, MaxLatentHeight: 240, MaxLatentWidth: 240, RopeT: 1, RopeH: 1, RopeW: 1},
	"7b": {ModelChannels: 4096, NumBlocks: 28, NumHeads: 32, AdaLNLoRADim: 256, ContextDim: 1024, ContextLen: 512,
		MaxLatentFrames: 128, MaxLatentHeight: 240, MaxLatentWidth: 240, RopeT: 2, RopeH: 1, RopeW: 1},
	"14b": {ModelChannels: 5120, NumBlocks: 36, NumHeads: 40, AdaLNLoRADim: 256, ContextDim: 1024, ContextLen: 512,
		MaxLatentFrames: 128, MaxLatentHeight: 240, MaxLatentWidth: 240, RopeT: 2, RopeH: 2, RopeW: 2},
}

// PresetNames lists the preset names, sorted; each also exists with the suffix "-v2w" (the
// Video2World variant, one more input channel).
func PresetNames() []string {
	var names []string
	for n := range presets {
		names = append(names, n, n+"-v2w")
	}
	sort.Strings(names)
	return names
}

// Preset returns the configuration named name: "tiny" (CPU tests and demos), "small", "base",
// and the published Cosmos-1.0 shapes "7b" and "14b", each optionally with "-v2w" for
// Video2World.
func Preset(name string) (Config, error) {
	base, v2w := name, false
	if len(name) > 4 && name[len(name)-4:] == "-v2w" {
		base, v2w = name[:len(name)-4], true
	}
	p, ok := presets[base]
	if !ok {
		return Config{}, &ConfigError{Field: "name", Problem: fmt.Sprintf("unknown preset %q (known: %v)", name, PresetNames())}
	}
	p.Name = name
	p.Video2World = v2w
	p.LatentChannels = 16
	p.PatchSpatial, p.PatchTemporal = 2, 1
	p.MLPRatio = 4
	p.BaseFPS = 24
	p.SigmaData, p.SigmaMin, p.SigmaMax = 0.5, 0.0002, 80
	p.Kind = ModelKind
	return p, nil
}

// ConfigError reports an invalid configuration field.
type ConfigError struct {
	Field   string
	Problem string
}

func (e *ConfigError) Error() string { return "diffusion: config " + e.Field + ": " + e.Problem }

// ComputeDType is the dtype of the network (DType).
func (c Config) ComputeDType() dtypes.DType {
	if c.DType == "bfloat16" {
		return dtypes.BFloat16
	}
	return dtypes.Float32
}

// HeadDim is the width of one attention head.
func (c Config) HeadDim() int { return c.ModelChannels / c.NumHeads }

// InChannels is the width of the patch embedding's input per latent position: the latent, the
// Video2World condition mask if any, the padding mask and the ExtraChannels.
func (c Config) InChannels() int {
	n := c.LatentChannels + 1 + c.ExtraChannels
	if c.Video2World {
		n++
	}
	return n
}

// Validate reports the first problem that makes c unbuildable, or nil.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.LatentChannels <= 0:
		return bad("latent_channels", "must be > 0, got %d", c.LatentChannels)
	case c.PatchSpatial <= 0 || c.PatchTemporal <= 0:
		return bad("patch_spatial", "patch sizes must be > 0, got %d and %d", c.PatchSpatial, c.PatchTemporal)
	case c.ModelChannels <= 0 || c.NumHeads <= 0 || c.ModelChannels%c.NumHeads != 0:
		return bad("model_channels", "%d must be a positive multiple of num_heads %d", c.ModelChannels, c.NumHeads)
	case c.HeadDim()%2 != 0 || c.HeadDim()/6*2 < 4 || (c.HeadDim()-2*(c.HeadDim()/6*2)) < 4:
		return bad("num_heads", "head width %d too small for the 3-D RoPE split (needs even parts of at least 4)", c.HeadDim())
	case c.ModelChannels > 1<<16 || c.NumBlocks > 1<<10 || c.MLPRatio > 64 || c.ContextDim > 1<<16 || c.ContextLen > 1<<16 ||
		c.AdaLNLoRADim > 1<<16 || c.LatentChannels > 1<<12 || c.PatchSpatial > 64 || c.PatchTemporal > 64 ||
		c.MaxLatentFrames > 1<<16 || c.MaxLatentHeight > 1<<16 || c.MaxLatentWidth > 1<<16:
		return bad("model_channels", "sizes beyond any buildable model")
	case c.NumBlocks <= 0:
		return bad("num_blocks", "must be > 0, got %d", c.NumBlocks)
	case c.ExtraChannels < 0 || c.ExtraChannels > 1<<12:
		return bad("extra_channels", "must be in [0, 4096], got %d", c.ExtraChannels)
	case c.MLPRatio <= 0:
		return bad("mlp_ratio", "must be > 0, got %d", c.MLPRatio)
	case c.ContextDim <= 0 || c.ContextLen <= 0:
		return bad("context_dim", "context width and length must be > 0, got %d and %d", c.ContextDim, c.ContextLen)
	case c.AdaLNLoRADim < 0:
		return bad("adaln_lora_dim", "must be >= 0, got %d", c.AdaLNLoRADim)
	case c.MaxLatentFrames <= 0 || c.MaxLatentHeight <= 0 || c.MaxLatentWidth <= 0:
		return bad("max_latent_frames", "latent bounds must be > 0")
	case c.RopeT <= 0 || c.RopeH <= 0 || c.RopeW <= 0:
		return bad("rope_t_extrapolation", "extrapolation ratios must be > 0")
	case c.BaseFPS <= 0:
		return bad("base_fps", "must be > 0, got %g", c.BaseFPS)
	case c.SampleSigmaMin < 0 || c.SampleSigmaMin >= c.SigmaMax:
		return bad("sample_sigma_min", "must be in [0, sigma_max), got %g", c.SampleSigmaMin)
	case c.SampleGuidance != nil && !(*c.SampleGuidance >= 0 && *c.SampleGuidance <= 100):
		return bad("sample_guidance", "must be in [0, 100], got %g", *c.SampleGuidance)
	case c.ResidualCondition && !c.Video2World:
		return bad("residual_condition", "needs a Video2World model (video2world true)")
	case c.DType != "" && c.DType != "float32" && c.DType != "bfloat16":
		return bad("dtype", "want float32 or bfloat16, got %q", c.DType)
	case c.SigmaData <= 0 || c.SigmaMin <= 0 || c.SigmaMax <= c.SigmaMin:
		return bad("sigma_data", "need sigma_data > 0 and 0 < sigma_min < sigma_max")
	case len(c.SigmaDataChannels) != 0 && len(c.SigmaDataChannels) != c.LatentChannels:
		return bad("sigma_data_channels", "want %d values (one per latent channel), got %d", c.LatentChannels, len(c.SigmaDataChannels))
	case slices.ContainsFunc(c.SigmaDataChannels, func(v float32) bool { return !(v > 0) || math.IsInf(float64(v), 0) }):
		return bad("sigma_data_channels", "values must be finite and > 0")
	case len(c.LatentMean) != len(c.LatentStd) || len(c.LatentMean)%c.LatentChannels != 0:
		return bad("latent_mean", "latent_mean and latent_std need the same multiple of %d values", c.LatentChannels)
	case slices.ContainsFunc(c.LatentStd, func(v float32) bool { return !(v > 0) }):
		return bad("latent_std", "values must be > 0")
	}
	return nil
}

// ParamCount is the number of trainable parameters of the network c describes, computed from
// the layer shapes alone (nothing is allocated), term by term as New builds them:
//
//	x_embedder        (InChannels·pt·ps²)·D                     Linear, no bias
//	t_embedder        D·D + D·3D (LoRA) or D·D + D + D·D + D    Linear(s)
//	affline_norm      D                                         RMSNorm
//	extra_pos_embedder (T + H + W)·D                            learnable per-axis tables
//	per block         self-attn 4D² + 2·hd, cross-attn 2D² + 2·ctx·D + 2·hd, MLP 2·r·D²,
//	                  3 modulations D·L + L·3D (LoRA rank L) or 3D² each
//	final_layer       D·L + L·2D (or 2D²) + D·(pt·ps²·C)
func (c Config) ParamCount() int64 {
	d, hd, ctx := int64(c.ModelChannels), int64(c.HeadDim()), int64(c.ContextDim)
	p := int64(c.PatchTemporal * c.PatchSpatial * c.PatchSpatial)
	n := int64(c.InChannels()) * p * d
	if c.AdaLNLoRADim > 0 {
		n += d*d + d*3*d
	} else {
		n += d*d + d + d*d + d
	}
	n += d
	n += int64(c.patchedMax(0)+c.patchedMax(1)+c.patchedMax(2)) * d
	block := 4*d*d + 2*hd + 2*d*d + 2*ctx*d + 2*hd + 2*int64(c.MLPRatio)*d*d
	block += 3 * c.modulationParams(3)
	n += int64(c.NumBlocks) * block
	n += c.modulationParams(2) + d*p*int64(c.LatentChannels)
	return n
}

// modulationParams is the size of one adaLN modulation producing chunks·D values.
func (c Config) modulationParams(chunks int) int64 {
	d := int64(c.ModelChannels)
	if r := int64(c.AdaLNLoRADim); r > 0 {
		return d*r + r*int64(chunks)*d
	}
	return d * int64(chunks) * d
}

// patchedMax is the number of patch positions the absolute embedding table of axis (0 time,
// 1 height, 2 width) covers.
// CheckLatentSize reports a latent of t frames and h x w positions the model cannot take: one
// not divisible by its patch, or larger than its MaxLatentFrames x MaxLatentHeight x
// MaxLatentWidth. Callers check it before allocating anything of that size.
func (c Config) CheckLatentSize(t, h, w int) error {
	ps, pt := max(c.PatchSpatial, 1), max(c.PatchTemporal, 1)
	if t < 1 || h < 1 || w < 1 || t%pt != 0 || h%ps != 0 || w%ps != 0 {
		return fmt.Errorf("diffusion: latent %dx%dx%d is not a positive multiple of the patch %dx%dx%d", t, h, w, pt, ps, ps)
	}
	if t/pt > c.patchedMax(0) || h/ps > c.patchedMax(1) || w/ps > c.patchedMax(2) {
		return fmt.Errorf("diffusion: latent %dx%dx%d exceeds the model's maximum %dx%dx%d",
			t, h, w, c.MaxLatentFrames, c.MaxLatentHeight, c.MaxLatentWidth)
	}
	return nil
}

func (c Config) patchedMax(axis int) int {
	switch axis {
	case 0:
		return c.MaxLatentFrames / c.PatchTemporal
	case 1:
		return c.MaxLatentHeight / c.PatchSpatial
	}
	return c.MaxLatentWidth / c.PatchSpatial
}

// ChannelSigma returns σ_data of each latent channel: SigmaDataChannels, or SigmaData repeated.
func (c Config) ChannelSigma() []float64 {
	out := make([]float64, c.LatentChannels)
	for i := range out {
		out[i] = c.SigmaData
		if len(c.SigmaDataChannels) == c.LatentChannels {
			out[i] = float64(c.SigmaDataChannels[i])
		}
	}
	return out
}
