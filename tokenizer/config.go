package tokenizer

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"
)

// Config holds the hyperparameters of a Cosmos causal video tokenizer (the factorized
// encoder/decoder of Cosmos-Tokenizer, networks/configs.py continuous_video and discrete_video).
// The JSON names are the reference's keys where it has one.
type Config struct {
	// Name is the preset name ("cv8x8x8", ...), informational.
	Name string `json:"name"`
	// Discrete selects the DV formulation (FSQ codes and ids); false is CV (continuous latents).
	Discrete bool `json:"discrete"`
	// InChannels and OutChannels are the pixel channels (3).
	InChannels  int `json:"in_channels"`
	OutChannels int `json:"out_channels"`
	// Channels is the base width; level i of the encoder has Channels·ChannelsMult[i] channels.
	Channels     int   `json:"channels"`
	ChannelsMult []int `json:"channels_mult"`
	// NumResBlocks is the number of res blocks per encoder level; the decoder has one more.
	NumResBlocks int `json:"num_res_blocks"`
	// PatchSize is the Haar patcher's size (4 = two wavelet levels).
	PatchSize int `json:"patch_size"`
	// SpatialCompression and TemporalCompression are the total factors s and t (powers of two,
	// at least PatchSize).
	SpatialCompression  int `json:"spatial_compression"`
	TemporalCompression int `json:"temporal_compression"`
	// ZChannels is the width of the encoder output and of the decoder input (16).
	ZChannels int `json:"z_channels"`
	// LatentChannels is the width after quant_conv: the CV latent channels (16) or the DV
	// embedding_dim (6, one per FSQ level).
	LatentChannels int `json:"latent_channels"`
	// Levels are the FSQ levels of a discrete tokenizer (nil for CV).
	Levels []int `json:"levels,omitempty"`
	// DecoderChannelsMult, when set, replaces ChannelsMult for the decoder. The reference's
	// continuous video tokenizer builds the decoder of its 4x temporal configurations with
	// channels_mult [2, 4] (networks/continuous_video.py), whatever the encoder's; nil means
	// the decoder mirrors the encoder.
	DecoderChannelsMult []int `json:"decoder_channels_mult,omitempty"`
	// LinearShortcut adds a learned linear path around each half of the autoencoder, ours and
	// not the reference's (no official checkpoint has it; off in every preset): the encoder adds
	// a 1x1x1 convolution of the Haar patches to its output, the decoder one of its input to the
	// patches it produces, so that the whole model starts as a linear (PCA-like) autoencoder
	// the convolutional path improves on. It is the residual-autoencoding idea of DC-AE (Chen et
	// al. 2024, arXiv:2410.10733), which made high-compression autoencoders train much faster;
	// here it lets a tiny tokenizer reach a usable quality within a CPU budget. It needs
	// compression equal to PatchSize (no downsampling inside the network), so that patches and
	// latents have one grid.
	LinearShortcut bool `json:"linear_shortcut,omitempty"`
	// PointConvOut makes the second convolution of the decoder's conv_out (conv_out.1) a 1x1x1
	// one instead of the reference's (3,1,1) temporal kernel; ours, off in every preset. At
	// patch size 8 that layer maps OutChannels·8³ = 1536 channels to as many, and its temporal
	// kernel alone holds 7.1 M weights, more than the rest of a tiny tokenizer together; the
	// 1x1x1 one has a third of them.
	PointConvOut bool `json:"point_conv_out,omitempty"`
}

// DecoderMult returns a copy of the decoder's channel multipliers: DecoderChannelsMult if set,
// else ChannelsMult.
func (c Config) DecoderMult() []int {
	if c.DecoderChannelsMult != nil {
		return slices.Clone(c.DecoderChannelsMult)
	}
	return slices.Clone(c.ChannelsMult)
}

// ConfigError reports an invalid tokenizer configuration or an unknown preset.
type ConfigError struct {
	Name   string
	Reason string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("tokenizer: config %q: %s", e.Name, e.Reason)
}

// presetShape is what distinguishes the shipped tokenizers: formulation and compression.
type presetShape struct {
	discrete          bool
	temporal, spatial int
}

var presetShapes = map[string]presetShape{
	"cv4x8x8":   {false, 4, 8},
	"cv8x8x8":   {false, 8, 8},
	"cv8x16x16": {false, 8, 16},
	"dv4x8x8":   {true, 4, 8},
	"dv8x8x8":   {true, 8, 8},
	"dv8x16x16": {true, 8, 16},
}

// tinySuffix turns any preset into a narrow one (base width 16, one res block per level) with the
// same compression, small enough to train and test on a CPU.
const tinySuffix = "-tiny"

// PresetNames lists the names [Preset] accepts, sorted.
func PresetNames() []string {
	var names []string
	for name := range presetShapes {
		names = append(names, name, name+tinySuffix)
	}
	sort.Strings(names)
	return names
}

// Preset returns the configuration named name: one of the official Cosmos video tokenizers
// "cv4x8x8", "cv8x8x8", "cv8x16x16", "dv4x8x8", "dv8x8x8", "dv8x16x16" (time x height x width
// compression; base width 128, multipliers [2, 4, 4], 2 encoder res blocks per level, patch size
// 4, z_channels 16, CV latent channels 16, DV FSQ levels [8, 8, 8, 5, 5, 5]; Cosmos-Tokenizer
// networks/configs.py; cv4x8x8's decoder has multipliers [2, 4], as continuous_video.py builds
// it), or any of them with the suffix "-tiny" (base width 16, 1 res block per level) for CPU
// training and tests.
func Preset(name string) (Config, error) {
	base, tiny := name, false
	if len(name) > len(tinySuffix) && name[len(name)-len(tinySuffix):] == tinySuffix {
		base, tiny = name[:len(name)-len(tinySuffix)], true
	}
	ps, ok := presetShapes[base]
	if !ok {
		return Config{}, &ConfigError{Name: name, Reason: fmt.Sprintf("unknown preset (known: %v)", PresetNames())}
	}
	cfg := Config{
		Name: name, Discrete: ps.discrete, InChannels: 3, OutChannels: 3,
		Channels: 128, ChannelsMult: []int{2, 4, 4}, NumResBlocks: 2, PatchSize: 4,
		SpatialCompression: ps.spatial, TemporalCompression: ps.temporal,
		ZChannels: 16, LatentChannels: 16,
	}
	if ps.discrete {
		cfg.Levels = CosmosFSQLevels()
		cfg.LatentChannels = len(cfg.Levels)
	} else if ps.temporal == 4 {
		cfg.DecoderChannelsMult = []int{2, 4}
	}
	if tiny {
		cfg.Channels, cfg.NumResBlocks = 16, 1
	}
	return cfg, nil
}

// log2Exact returns log2(n) and whether n is a positive power of two.
func log2Exact(n int) (int, bool) {
	if n < 1 || n&(n-1) != 0 {
		return 0, false
	}
	return bits.TrailingZeros(uint(n)), true
}

// Validate reports the first problem that makes cfg unbuildable, or nil.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return &ConfigError{Name: c.Name, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.InChannels < 1 || c.OutChannels < 1:
		return bad("in/out channels %d/%d must be positive", c.InChannels, c.OutChannels)
	case c.Channels < 1:
		return bad("channels %d must be positive", c.Channels)
	case len(c.ChannelsMult) == 0:
		return bad("channels_mult is empty")
	case c.NumResBlocks < 1:
		return bad("num_res_blocks %d must be positive", c.NumResBlocks)
	case c.ZChannels < 1 || c.LatentChannels < 1:
		return bad("z_channels %d and latent_channels %d must be positive", c.ZChannels, c.LatentChannels)
	}
	if slices.ContainsFunc(c.ChannelsMult, func(m int) bool { return m < 1 }) {
		return bad("channels_mult %v has a non-positive entry", c.ChannelsMult)
	}
	if c.DecoderChannelsMult != nil && (len(c.DecoderChannelsMult) == 0 ||
		slices.ContainsFunc(c.DecoderChannelsMult, func(m int) bool { return m < 1 })) {
		return bad("decoder_channels_mult %v is empty or has a non-positive entry", c.DecoderChannelsMult)
	}
	p, ok := log2Exact(c.PatchSize)
	if !ok {
		return bad("patch_size %d is not a power of two", c.PatchSize)
	}
	for _, f := range []struct {
		what  string
		value int
	}{{"spatial", c.SpatialCompression}, {"temporal", c.TemporalCompression}} {
		l, ok := log2Exact(f.value)
		if !ok || l < p {
			return bad("%s compression %d is not a power of two >= patch_size %d", f.what, f.value, c.PatchSize)
		}
		// The encoder downsamples between levels only: len(ChannelsMult)-1 times at most.
		if l-p > len(c.ChannelsMult)-1 {
			return bad("%s compression %d needs %d downsamples, %d levels allow %d",
				f.what, f.value, l-p, len(c.ChannelsMult), len(c.ChannelsMult)-1)
		}
	}
	// The decoder (non-legacy DecoderFactorized) upsamples in time at reversed levels 1..t only,
	// and in space wherever it does in time: its schedule must undo every downsample.
	var sUps, tUps int
	for _, up := range c.decoderUpsamples() {
		if up.spatial {
			sUps++
		}
		if up.temporal {
			tUps++
		}
	}
	if sUps != c.spatialDowns() || tUps != c.temporalDowns() {
		return bad("temporal compression %d with spatial %d: a decoder of %d levels upsamples %dx in time and %dx in space",
			c.TemporalCompression, c.SpatialCompression, len(c.DecoderMult()), 1<<tUps, 1<<sUps)
	}
	if c.LinearShortcut && (c.spatialDowns() != 0 || c.temporalDowns() != 0) {
		return bad("linear_shortcut needs spatial and temporal compression equal to patch_size %d, got %d and %d",
			c.PatchSize, c.SpatialCompression, c.TemporalCompression)
	}
	if c.Discrete {
		q, err := NewFSQ(c.Levels)
		if err != nil {
			return bad("%v", err)
		}
		if q.Dim() != c.LatentChannels {
			return bad("%d FSQ levels for %d latent channels", q.Dim(), c.LatentChannels)
		}
	} else if c.Levels != nil {
		return bad("FSQ levels %v on a continuous tokenizer", c.Levels)
	}
	return nil
}

// spatialDowns and temporalDowns are the numbers of 2x downsamples after the patcher:
// log2(s) - log2(p) and log2(t) - log2(p) (EncoderFactorized.num_spatial_downs).
func (c Config) spatialDowns() int {
	s, _ := log2Exact(c.SpatialCompression)
	p, _ := log2Exact(c.PatchSize)
	return s - p
}

func (c Config) temporalDowns() int {
	t, _ := log2Exact(c.TemporalCompression)
	p, _ := log2Exact(c.PatchSize)
	return t - p
}

// upsample says which directions a decoder level's hybrid upsample runs in.
type upsample struct{ spatial, temporal bool }

// decoderUpsamples returns, for each decoder level i (index i, as up.i), the directions of the
// hybrid upsample that follows its res blocks; level 0 has none (both false). As in the
// reference's non-legacy DecoderFactorized, with r = levels-1-i the level's position counted
// from the decoder's input: temporal when 0 < r <= log2(t/p), spatial when temporal, or when
// r < log2(s/p) and s > t.
func (c Config) decoderUpsamples() []upsample {
	levels := len(c.DecoderMult())
	sUps, tUps := c.spatialDowns(), c.temporalDowns()
	out := make([]upsample, levels)
	for i := 1; i < levels; i++ {
		r := levels - 1 - i
		temporal := 0 < r && r < tUps+1
		out[i] = upsample{spatial: temporal || (r < sUps && sUps > tUps), temporal: temporal}
	}
	return out
}
