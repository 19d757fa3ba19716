package tokenizer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/wfm-platform/wfm/nn"
)

// Scope names of the tokenizer's parts, the reference's top-level module names.
const (
	EncoderScope       = "encoder"
	DecoderScope       = "decoder"
	QuantConvScope     = "quant_conv"
	PostQuantConvScope = "post_quant_conv"
	// ShortcutScope holds the linear path of Config.LinearShortcut, inside the encoder and the
	// decoder scopes (checkpoint keys encoder.shortcut.* and decoder.shortcut.*).
	ShortcutScope = "shortcut"
)

// Tokenizer is a Cosmos causal video tokenizer (CausalContinuousVideoTokenizer or
// CausalDiscreteVideoTokenizer with the factorized encoder and decoder) built from a [Config].
// Its methods are GoMLX graph functions; the variables live in the model scope they are given,
// and several calls in one graph (encode twice, decode codes and ids) share them.
// A Tokenizer is immutable and safe for concurrent use.
//
// Against the reference it leaves out only what the shipped configurations never run: dropout
// (0.0), attention inside the levels (attn_resolutions [32] at resolution 1024 is never reached:
// the levels work at 256, 128 and 64) and the legacy decoder schedule (legacy_mode false). The
// reference also constructs, and its checkpoints hold, convolutions of up/downsample blocks that
// its forward pass skips (for example all of cv8x8x8's encoder.down.1.downsample, or conv2 of a
// spatial-only downsample); they have no variable here, and a weight importer ignores them.
type Tokenizer struct {
	cfg Config
	fsq *FSQ // nil for continuous tokenizers
}

// New returns the tokenizer for cfg, or the error of cfg.Validate.
func New(cfg Config) (*Tokenizer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Tokenizer{cfg: cfg.clone()}
	if cfg.Discrete {
		m.fsq, _ = NewFSQ(cfg.Levels) // Validate checked the levels.
	}
	return m, nil
}

// Config returns a copy of the tokenizer's configuration.
func (m *Tokenizer) Config() Config { return m.cfg.clone() }

// clone returns c with its slices copied.
func (c Config) clone() Config {
	c.ChannelsMult, c.Levels = slices.Clone(c.ChannelsMult), slices.Clone(c.Levels)
	c.DecoderChannelsMult = slices.Clone(c.DecoderChannelsMult)
	return c
}

// FSQ returns the quantizer of a discrete tokenizer, nil for a continuous one.
func (m *Tokenizer) FSQ() *FSQ { return m.fsq }

// LatentShape returns the latent shape [B, 1+T/t, H/s, W/s, LatentChannels] of a video
// [B, 1+T, H, W, C], panicking if T is not a multiple of t or H, W of s.
func (m *Tokenizer) LatentShape(videoDims []int) []int {
	c := m.cfg
	if len(videoDims) != 5 || videoDims[1] < 1 || (videoDims[1]-1)%c.TemporalCompression != 0 ||
		videoDims[2]%c.SpatialCompression != 0 || videoDims[3]%c.SpatialCompression != 0 ||
		videoDims[4] != c.InChannels {
		exceptions.Panicf("tokenizer.%s: video %v must be [B, 1+k·%d, H, W, %d] with H, W multiples of %d",
			c.Name, videoDims, c.TemporalCompression, c.InChannels, c.SpatialCompression)
	}
	return []int{videoDims[0], 1 + (videoDims[1]-1)/c.TemporalCompression,
		videoDims[2] / c.SpatialCompression, videoDims[3] / c.SpatialCompression, c.LatentChannels}
}

// Encode maps video x [B, 1+T, H, W, InChannels] in [-1, 1] to its latent
// [B, 1+T/t, H/s, W/s, LatentChannels]: the continuous latent (CV; ids is nil) or the FSQ code
// (DV), with ids [B, 1+T/t, H/s, W/s] its int32 token ids. Latent frame 0 depends on frame 0
// only and latent frame j on frames up to j·t. Shape errors panic.
func (m *Tokenizer) Encode(scope *model.Scope, x *graph.Node) (latent, ids *graph.Node) {
	m.LatentShape(x.Shape().Dimensions)
	h := m.encoder(scope.At(EncoderScope), x)
	latent = pointConv(scope.At(QuantConvScope), h, m.cfg.LatentChannels)
	if m.fsq == nil {
		return latent, nil
	}
	latent = m.fsq.Quantize(latent)
	return latent, m.fsq.CodesToIDs(latent)
}

// Decode maps a latent [B, 1+T/t, H/s, W/s, LatentChannels] (as Encode returns it) back to video
// [B, 1+T, H, W, OutChannels].
func (m *Tokenizer) Decode(scope *model.Scope, latent *graph.Node) *graph.Node {
	if latent.Rank() != 5 || latent.Shape().Dim(-1) != m.cfg.LatentChannels {
		exceptions.Panicf("tokenizer.%s: latent must be [B, T, H, W, %d], got %s",
			m.cfg.Name, m.cfg.LatentChannels, latent.Shape())
	}
	z := pointConv(scope.At(PostQuantConvScope), latent, m.cfg.ZChannels)
	return m.decoder(scope.At(DecoderScope), z)
}

// DecodeIDs decodes token ids [B, 1+T/t, H/s, W/s] of a discrete tokenizer: their FSQ codes go
// through [Tokenizer.Decode]. It panics on a continuous tokenizer.
func (m *Tokenizer) DecodeIDs(scope *model.Scope, ids *graph.Node) *graph.Node {
	if m.fsq == nil {
		exceptions.Panicf("tokenizer.%s: DecodeIDs needs a discrete tokenizer", m.cfg.Name)
	}
	return m.Decode(scope, m.fsq.IDsToCodes(ids))
}

// encoder is EncoderFactorized: Haar patch, conv_in, down_i levels (block_j res blocks, then a
// hybrid downsample between levels: spatial at levels below log2(s/p), temporal below
// log2(t/p)), mid, norm_out, swish, conv_out to ZChannels.
func (m *Tokenizer) encoder(scope *model.Scope, x *graph.Node) *graph.Node {
	c := m.cfg
	patches := HaarPatch3D(x, c.PatchSize)
	h := factorizedConv(scope, "conv_in", patches, c.Channels)
	last := len(c.ChannelsMult) - 1
	for i, mult := range c.ChannelsMult {
		level := scope.In("down_%d", i)
		for j := range c.NumResBlocks {
			h = resBlock(level.In("block_%d", j), h, c.Channels*mult)
		}
		if i != last {
			h = hybridDownsample(level.In("downsample"), h, i < c.spatialDowns(), i < c.temporalDowns())
		}
	}
	h = midBlock(scope.In("mid"), h)
	h = factorizedConv(scope, "conv_out", swish(norm(scope.In("norm_out"), h)), c.ZChannels)
	if c.LinearShortcut {
		h = graph.Add(h, pointConv(scope.In(ShortcutScope), patches, c.ZChannels))
	}
	return h
}

// decoder is DecoderFactorized (non-legacy): conv_in, mid, up_i levels of Config.DecoderMult
// from the last to the first (NumResBlocks+1 res blocks each, then, except at level 0, a hybrid
// upsample as Config.decoderUpsamples says), norm_out, swish, conv_out to OutChannels·p³ (its
// second convolution 1x1x1 with Config.PointConvOut) and the inverse Haar transform.
func (m *Tokenizer) decoder(scope *model.Scope, z *graph.Node) *graph.Node {
	c := m.cfg
	mult := c.DecoderMult()
	levels := len(mult)
	h := factorizedConv(scope, "conv_in", z, c.Channels*mult[levels-1])
	h = midBlock(scope.In("mid"), h)
	ups := c.decoderUpsamples()
	for i := levels - 1; i >= 0; i-- {
		level := scope.In("up_%d", i)
		for j := range c.NumResBlocks + 1 {
			h = resBlock(level.In("block_%d", j), h, c.Channels*mult[i])
		}
		if i != 0 {
			h = hybridUpsample(level.In("upsample"), h, ups[i].spatial, ups[i].temporal)
		}
	}
	p := c.PatchSize
	h = swish(norm(scope.In("norm_out"), h))
	if c.PointConvOut {
		h = nn.CausalConv3D(scope.In("conv_out_0"), h, c.OutChannels*p*p*p, kSpatial, stride1)
		h = pointConv(scope.In("conv_out_1"), h, c.OutChannels*p*p*p)
	} else {
		h = factorizedConv(scope, "conv_out", h, c.OutChannels*p*p*p)
	}
	if c.LinearShortcut {
		h = graph.Add(h, pointConv(scope.In(ShortcutScope), z, c.OutChannels*p*p*p))
	}
	return HaarUnpatch3D(h, p)
}

// CheckpointName returns the Cosmos-Tokenizer checkpoint key (as in the published encoder.jit,
// decoder.jit and autoencoder.jit state dicts) of the variable at path, a store path this
// package creates, and false for any other path. The rule:
//
//   - the "/" separators become ".";
//   - a scope name ending in _N (N a number) is an entry of an nn.ModuleList or nn.Sequential:
//     down_0 -> down.0, block_1 -> block.1, conv_in_0 -> conv_in.0, conv1_1 -> conv1.1,
//     attn_1_0 -> attn_1.0; the mid block's block_1 and block_2 are attribute names in the
//     reference and stay as they are;
//   - every convolution is a CausalConv3d wrapping an nn.Conv3d and every norm a CausalNormalize
//     wrapping an nn.GroupNorm, so weights -> conv3d.weight, biases -> conv3d.bias,
//     scale -> norm.weight, offset -> norm.bias.
//
// For example /encoder/down_0/block_0/conv1_1/weights is encoder.down.0.block.0.conv1.1.conv3d.weight
// and /encoder/mid/attn_1_1/q/biases is encoder.mid.attn_1.1.q.conv3d.bias. PyTorch stores a
// Conv3d weight as [out, in, kt, kh, kw]; ours is [kt, kh, kw, in, out] (see nn.CausalConv3D).
func CheckpointName(path string) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 2 {
		return "", false
	}
	switch parts[0] {
	case EncoderScope, DecoderScope, QuantConvScope, PostQuantConvScope:
	default:
		return "", false
	}
	leaf, ok := map[string]string{
		nn.WeightsName: "conv3d.weight", nn.BiasesName: "conv3d.bias",
		nn.ScaleName: "norm.weight", nn.OffsetName: "norm.bias",
	}[parts[len(parts)-1]]
	if !ok {
		return "", false
	}
	out := make([]string, 0, len(parts))
	for i, seg := range parts[:len(parts)-1] {
		inMid := i > 0 && parts[i-1] == "mid"
		if cut := strings.LastIndexByte(seg, '_'); cut > 0 && (!inMid || strings.HasPrefix(seg, "attn_")) {
			if _, err := strconv.Atoi(seg[cut+1:]); err == nil {
				seg = seg[:cut] + "." + seg[cut+1:]
			}
		}
		out = append(out, seg)
	}
	return strings.Join(append(out, leaf), "."), true
}
