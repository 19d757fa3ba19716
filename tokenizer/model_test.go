package tokenizer

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

func mustPreset(t *testing.T, name string) Config {
	t.Helper()
	cfg, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func mustNew(t *testing.T, cfg Config) *Tokenizer {
	t.Helper()
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomVideo returns seeded uniform values in [-1, 1) shaped dims.
func randomVideo(seed uint64, dims ...int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = 2*rng.Float32() - 1
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// run builds fn on a fresh store seeded with seed, runs it on args and returns its outputs and the
// store.
func run(t *testing.T, seed int64, fn func(scope *model.Scope, in []*graph.Node) []*graph.Node, args ...any) ([]*tensors.Tensor, *model.Store) {
	t.Helper()
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, seed)
	return runOnStore(t, store, fn, args...), store
}

func TestPresets(t *testing.T) {
	official := map[string]struct {
		discrete          bool
		temporal, spatial int
	}{
		"cv4x8x8": {false, 4, 8}, "cv8x8x8": {false, 8, 8}, "cv8x16x16": {false, 8, 16},
		"dv4x8x8": {true, 4, 8}, "dv8x8x8": {true, 8, 8}, "dv8x16x16": {true, 8, 16},
	}
	names := PresetNames()
	if len(names) != 2*len(official) {
		t.Fatalf("PresetNames() = %v, want the %d official presets and their -tiny variants", names, len(official))
	}
	for _, name := range names {
		cfg := mustPreset(t, name)
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		base, tiny := name, len(name) > 5 && name[len(name)-5:] == "-tiny"
		if tiny {
			base = name[:len(name)-5]
		}
		want, ok := official[base]
		if !ok {
			t.Fatalf("unexpected preset %q", name)
		}
		if cfg.Discrete != want.discrete || cfg.TemporalCompression != want.temporal || cfg.SpatialCompression != want.spatial {
			t.Errorf("%s: discrete %v, compression %dx%d, want %v, %dx%d", name, cfg.Discrete,
				cfg.TemporalCompression, cfg.SpatialCompression, want.discrete, want.temporal, want.spatial)
		}
		// Cosmos-Tokenizer networks/configs.py: channels 128, channels_mult [2, 4, 4],
		// num_res_blocks 2, patch_size 4, z_channels 16; latent 16 (CV) or embedding_dim 6 (DV).
		wantLatent := 16
		if want.discrete {
			wantLatent = 6
		}
		if !tiny && (cfg.Channels != 128 || !slices.Equal(cfg.ChannelsMult, []int{2, 4, 4}) ||
			cfg.NumResBlocks != 2 || cfg.PatchSize != 4 || cfg.ZChannels != 16) {
			t.Errorf("%s: %+v differs from the reference config", name, cfg)
		}
		if cfg.LatentChannels != wantLatent {
			t.Errorf("%s: latent channels %d, want %d", name, cfg.LatentChannels, wantLatent)
		}
		data, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var back Config
		if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, cfg) {
			t.Errorf("%s: JSON round trip gave %+v, %v", name, back, err)
		}
	}
	if _, err := Preset("cv2x2x2"); !errors.As(err, new(*ConfigError)) {
		t.Errorf("Preset(cv2x2x2) error = %v, want *ConfigError", err)
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
	}{
		{"zero channels", func(c *Config) { c.Channels = 0 }},
		{"no levels", func(c *Config) { c.ChannelsMult = nil }},
		{"zero multiplier", func(c *Config) { c.ChannelsMult = []int{2, 0, 4} }},
		{"no res blocks", func(c *Config) { c.NumResBlocks = 0 }},
		{"patch 3", func(c *Config) { c.PatchSize = 3 }},
		{"spatial 12", func(c *Config) { c.SpatialCompression = 12 }},
		{"spatial below patch", func(c *Config) { c.SpatialCompression = 2 }},
		{"spatial 32 needs 3 downsamples", func(c *Config) { c.SpatialCompression = 32 }},
		{"temporal beyond spatial", func(c *Config) { c.SpatialCompression, c.TemporalCompression = 4, 8 }},
		{"temporal 16 not invertible", func(c *Config) { c.SpatialCompression, c.TemporalCompression = 16, 16 }},
		{"levels on continuous", func(c *Config) { c.Levels = []int{8, 8} }},
		{"zero latent", func(c *Config) { c.LatentChannels = 0 }},
		{"empty decoder multipliers", func(c *Config) { c.DecoderChannelsMult = []int{} }},
		{"zero decoder multiplier", func(c *Config) { c.DecoderChannelsMult = []int{2, 0, 4} }},
		// Two decoder levels upsample once, in space only: 8x time cannot be undone.
		{"decoder too shallow", func(c *Config) { c.DecoderChannelsMult = []int{2, 4} }},
		// The linear shortcut joins patches and latents on one grid: no downsampling allowed.
		{"linear shortcut with downsampling", func(c *Config) { c.LinearShortcut = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := mustPreset(t, "cv8x8x8")
			tc.mutate(&cfg)
			if _, err := New(cfg); !errors.As(err, new(*ConfigError)) {
				t.Errorf("New: error %v, want *ConfigError", err)
			}
		})
	}
	dv := mustPreset(t, "dv8x8x8")
	dv.LatentChannels = 16
	if err := dv.Validate(); !errors.As(err, new(*ConfigError)) {
		t.Errorf("DV with 6 levels and 16 latent channels: error %v, want *ConfigError", err)
	}
}

// wantParams counts the parameters of cfg from the reference architecture (modules/layers3d.py,
// EncoderFactorized and DecoderFactorized): a CausalConv3d has k·in·out weights and out biases,
// a CausalNormalize 2·C. Up/downsample modules that the reference builds but never calls (neither
// direction enabled, or one direction's conv) are not counted.
func wantParams(c Config) int {
	conv := func(k, in, out int) int { return k*in*out + out }
	norm := func(ch int) int { return 2 * ch }
	res := func(in, out int) int {
		n := norm(in) + conv(9, in, out) + conv(3, out, out) + norm(out) + conv(9, out, out) + conv(3, out, out)
		if in != out {
			n += conv(1, in, out)
		}
		return n
	}
	attn := func(ch int) int { return norm(ch) + 4*conv(1, ch, ch) }
	mid := func(ch int) int { return 2*res(ch, ch) + 2*attn(ch) }
	resample := func(ch int, spatial, temporal bool) int {
		n := 0
		if spatial {
			n += conv(9, ch, ch)
		}
		if temporal {
			n += conv(3, ch, ch)
		}
		if spatial || temporal {
			n += conv(1, ch, ch)
		}
		return n
	}
	p3 := c.PatchSize * c.PatchSize * c.PatchSize
	levels := len(c.ChannelsMult)
	sd, td := c.spatialDowns(), c.temporalDowns()
	// Encoder.
	n := conv(9, c.InChannels*p3, c.Channels) + conv(3, c.Channels, c.Channels)
	in := c.Channels
	for i, m := range c.ChannelsMult {
		for range c.NumResBlocks {
			n += res(in, c.Channels*m)
			in = c.Channels * m
		}
		if i != levels-1 {
			n += resample(in, i < sd, i < td)
		}
	}
	n += mid(in) + norm(in) + conv(9, in, c.ZChannels) + conv(3, c.ZChannels, c.ZChannels)
	// quant_conv and post_quant_conv.
	n += conv(1, c.ZChannels, c.LatentChannels) + conv(1, c.LatentChannels, c.ZChannels)
	// Decoder.
	dmult := c.DecoderMult()
	levels = len(dmult)
	in = c.Channels * dmult[levels-1]
	n += conv(9, c.ZChannels, in) + conv(3, in, in) + mid(in)
	for i := levels - 1; i >= 0; i-- {
		for range c.NumResBlocks + 1 {
			n += res(in, c.Channels*dmult[i])
			in = c.Channels * dmult[i]
		}
		if i != 0 {
			rev := levels - i - 1
			temporal := rev >= 1 && rev <= td
			n += resample(in, temporal || (rev < sd && sd > td), temporal)
		}
	}
	out := c.OutChannels * p3
	return n + norm(in) + conv(9, in, out) + conv(3, out, out)
}

// TestOfficialParamCounts checks the parameter count of every full-size preset against the
// reference's own networks, as testdata/make_golden.py counted them (reference_param_counts in
// golden.json: "used" excludes the convolutions of up/downsample blocks the reference builds but
// never runs). The Cosmos paper gives 105M for CV4x8x8; the reference code builds that
// tokenizer's decoder with channel multipliers [2, 4] (networks/continuous_video.py), 85.8M
// parameters in use, and the code is what loads the weights.
func TestOfficialParamCounts(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Counts map[string]struct{ Total, Used int } `json:"reference_param_counts"`
	}
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	for _, name := range []string{"cv4x8x8", "cv8x8x8", "cv8x16x16", "dv4x8x8", "dv8x8x8", "dv8x16x16"} {
		n := wantParams(mustPreset(t, name))
		ref, ok := golden.Counts[name]
		if !ok {
			t.Fatalf("testdata/golden.json has no parameter count for %s", name)
		}
		t.Logf("%s: %d parameters (%.1fM); the reference builds %d", name, n, float64(n)/1e6, ref.Total)
		if n != ref.Used {
			t.Errorf("%s: %d parameters, the reference's forward pass uses %d", name, n, ref.Used)
		}
	}
}

// TestEncodeDecodeShapes runs encode and decode on the tiny presets, for a video and a single
// frame, and checks shapes, id ranges, DecodeIDs against Decode, and the parameter count.
func TestEncodeDecodeShapes(t *testing.T) {
	for _, tc := range []struct {
		preset string
		dims   []int
	}{
		{"cv8x8x8-tiny", []int{1, 9, 32, 32, 3}},
		{"cv8x8x8-tiny", []int{2, 1, 16, 24, 3}},
		{"dv8x16x16-tiny", []int{1, 9, 64, 64, 3}},
		{"dv8x16x16-tiny", []int{1, 1, 32, 48, 3}},
		{"cv4x8x8-tiny", []int{1, 5, 16, 16, 3}},
	} {
		t.Run(tc.preset+"/"+shapeName(tc.dims), func(t *testing.T) {
			cfg := mustPreset(t, tc.preset)
			m := mustNew(t, cfg)
			outs, store := run(t, 1, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				latent, ids := m.Encode(scope, in[0])
				res := []*graph.Node{latent, m.Decode(scope, latent)}
				if ids != nil {
					res = append(res, ids, m.DecodeIDs(scope, ids))
				}
				return res
			}, randomVideo(3, tc.dims...))
			if got, want := outs[0].Shape().Dimensions, m.LatentShape(tc.dims); !slices.Equal(got, want) {
				t.Errorf("latent shape %v, want %v", got, want)
			}
			if got := outs[1].Shape().Dimensions; !slices.Equal(got, tc.dims) {
				t.Errorf("decode(encode(x)) shape %v, want %v", got, tc.dims)
			}
			if got, want := modelParams(store), wantParams(cfg); got != want {
				t.Errorf("%d parameters, the reference architecture has %d", got, want)
			}
			t.Logf("%s: %d parameters", tc.preset, modelParams(store))
			if !cfg.Discrete {
				if len(outs) != 2 {
					t.Fatalf("continuous tokenizer returned ids")
				}
				return
			}
			ids := tensors.MustCopyFlatData[int32](outs[2])
			if got, want := outs[2].Shape().Dimensions, m.LatentShape(tc.dims)[:4]; !slices.Equal(got, want) {
				t.Errorf("ids shape %v, want %v", got, want)
			}
			for _, id := range ids {
				if id < 0 || int(id) >= m.FSQ().VocabSize() || m.FSQ().VocabSize() != 64000 {
					t.Fatalf("id %d outside [0, 64000)", id)
				}
			}
			codes := tensors.MustCopyFlatData[float32](outs[0])
			for i, id := range ids[:min(len(ids), 50)] {
				want, err := m.FSQ().IDToCode(int(id))
				if err != nil || !slices.Equal(want, codes[i*6:(i+1)*6]) {
					t.Fatalf("id %d: code %v, the latent holds %v (%v)", id, want, codes[i*6:(i+1)*6], err)
				}
			}
			if d := maxAbsDiff(tensors.MustCopyFlatData[float32](outs[1]), tensors.MustCopyFlatData[float32](outs[3])); d > 1e-5 {
				t.Errorf("DecodeIDs differs from Decode of the codes by %g", d)
			}
		})
	}
}

// modelParams counts the values of the tokenizer's variables (the store also holds its RNG state).
func modelParams(store *model.Store) int {
	n := 0
	for v := range store.IterVariables() {
		for _, top := range []string{EncoderScope, DecoderScope, QuantConvScope, PostQuantConvScope} {
			if strings.HasPrefix(v.Path(), "/"+top+"/") {
				n += v.Shape().Size()
			}
		}
	}
	return n
}

func TestLatentShapeRejectsBadVideos(t *testing.T) {
	m := mustNew(t, mustPreset(t, "cv8x16x16-tiny"))
	if got := m.LatentShape([]int{2, 17, 48, 32, 3}); !slices.Equal(got, []int{2, 3, 3, 2, 16}) {
		t.Errorf("LatentShape([2 17 48 32 3]) = %v, want [2 3 3 2 16]", got)
	}
	for _, dims := range [][]int{
		{1, 8, 32, 32, 3}, // 8 frames: not 1+8k
		{1, 9, 24, 32, 3}, // H not a multiple of 16
		{1, 9, 32, 32, 4}, // 4 channels
		{1, 0, 32, 32, 3}, // no frame
		{9, 32, 32, 3},    // no batch axis
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("LatentShape(%v) did not panic", dims)
				}
			}()
			m.LatentShape(dims)
		}()
	}
}

func shapeName(dims []int) string {
	b, _ := json.Marshal(dims)
	return string(b)
}

// maxAbsDiff is the shared tolerance check (internal/testutil).
var maxAbsDiff = testutil.MaxAbsDiff

// frames returns latent frames [from, to) of a [1, T, H, W, C] tensor's flat data.
func frames(x *tensors.Tensor, from, to int) []float32 {
	dims := x.Shape().Dimensions
	per := dims[2] * dims[3] * dims[4]
	return tensors.MustCopyFlatData[float32](x)[from*per : to*per]
}

// TestCausality checks on cv8x8x8-tiny that latent frames never see later input frames: the two
// latents of the first 1+8 frames are unchanged when 8 frames are appended, and the first latent
// frame is unchanged when frames 1..8 are replaced (while the second one changes).
func TestCausality(t *testing.T) {
	m := mustNew(t, mustPreset(t, "cv8x8x8-tiny"))
	x := randomVideo(5, 1, 17, 32, 32, 3)
	other := randomVideo(6, 1, 17, 32, 32, 3)
	outs, _ := run(t, 2, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		full, _ := m.Encode(scope, in[0])
		prefix, _ := m.Encode(scope, graph.SliceAxis(in[0], 1, graph.AxisRange(0, 9)))
		// Frame 0 of x, frames 1..16 of the other video.
		mixed := graph.Concatenate([]*graph.Node{
			graph.SliceAxis(in[0], 1, graph.AxisRange(0, 1)), graph.SliceAxis(in[1], 1, graph.AxisRange(1, 17))}, 1)
		changed, _ := m.Encode(scope, mixed)
		return []*graph.Node{full, prefix, changed}
	}, x, other)
	full, prefix, changed := outs[0], outs[1], outs[2]
	if got := full.Shape().Dimensions; !slices.Equal(got, []int{1, 3, 4, 4, 16}) {
		t.Fatalf("latent of 17 frames: shape %v, want [1 3 4 4 16]", got)
	}
	scale := maxAbsDiff(frames(full, 0, 2), make([]float32, len(frames(full, 0, 2))))
	if d := maxAbsDiff(frames(full, 0, 2), frames(prefix, 0, 2)); d > 1e-4*scale {
		t.Errorf("appending 8 frames changed the first two latent frames by %g (scale %g)", d, scale)
	}
	if d := maxAbsDiff(frames(full, 0, 1), frames(changed, 0, 1)); d > 1e-4*scale {
		t.Errorf("replacing frames 1..16 changed latent frame 0 by %g (scale %g)", d, scale)
	}
	if d := maxAbsDiff(frames(full, 1, 2), frames(changed, 1, 2)); d < 1e-2*scale {
		t.Errorf("replacing frames 1..16 changed latent frame 1 by only %g (scale %g)", d, scale)
	}
}

// TestCheckpointNames builds cv8x16x16-tiny (spatial and temporal resampling both present) and
// checks that every variable maps to a distinct reference key, with keys written out from the
// module tree of Cosmos-Tokenizer's layers3d.py and continuous_video.py.
func TestCheckpointNames(t *testing.T) {
	m := mustNew(t, mustPreset(t, "cv8x16x16-tiny"))
	_, store := run(t, 1, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		latent, _ := m.Encode(scope, in[0])
		return []*graph.Node{m.Decode(scope, latent)}
	}, randomVideo(1, 1, 1, 16, 16, 3))
	keys := map[string]string{}
	for v := range store.IterVariables() {
		key, ok := CheckpointName(v.Path())
		if !ok {
			if strings.HasPrefix(v.Path(), "/encoder") || strings.HasPrefix(v.Path(), "/decoder") {
				t.Errorf("%s has no checkpoint name", v.Path())
			}
			continue
		}
		if prev, dup := keys[key]; dup {
			t.Errorf("%s and %s both map to %s", prev, v.Path(), key)
		}
		keys[key] = v.Path()
	}
	for _, want := range []string{
		"encoder.conv_in.0.conv3d.weight", "encoder.conv_in.1.conv3d.bias",
		"encoder.down.0.block.0.norm1.norm.weight", "encoder.down.0.block.0.conv1.1.conv3d.weight",
		"encoder.down.0.block.0.nin_shortcut.conv3d.weight", "encoder.down.0.downsample.conv1.conv3d.weight",
		"encoder.down.0.downsample.conv2.conv3d.weight", "encoder.down.1.downsample.conv3.conv3d.bias",
		"encoder.mid.block_1.conv2.0.conv3d.weight", "encoder.mid.attn_1.0.q.conv3d.weight",
		"encoder.mid.attn_1.1.proj_out.conv3d.bias", "encoder.mid.block_2.norm2.norm.bias",
		"encoder.norm_out.norm.weight", "encoder.conv_out.1.conv3d.weight",
		"quant_conv.conv3d.weight", "post_quant_conv.conv3d.bias",
		"decoder.conv_in.0.conv3d.weight", "decoder.mid.attn_1.1.k.conv3d.weight",
		"decoder.up.2.block.1.conv1.0.conv3d.weight", "decoder.up.2.upsample.conv2.conv3d.weight",
		"decoder.up.1.upsample.conv1.conv3d.weight", "decoder.up.0.block.0.nin_shortcut.conv3d.weight",
		"decoder.norm_out.norm.bias", "decoder.conv_out.1.conv3d.weight",
	} {
		if _, ok := keys[want]; !ok {
			t.Errorf("no variable maps to %s", want)
		}
	}
	// cv8x16x16 upsamples only in space at reversed level 0 (up.2): no temporal conv there.
	if _, ok := keys["decoder.up.2.upsample.conv1.conv3d.weight"]; ok {
		t.Errorf("decoder.up.2.upsample has a temporal convolution")
	}
	for _, bad := range []string{"/encoder", "/other/conv/weights", "/encoder/conv_in_0/kernel"} {
		if key, ok := CheckpointName(bad); ok {
			t.Errorf("CheckpointName(%q) = %q, want false", bad, key)
		}
	}
}

// setResampleWeights stores zero weights for conv1 and conv2 and the identity for the 1x1x1
// conv3 of a resample block at scope path prefix, so the block reduces to its parameter-free
// part: pooling (down) or frame and pixel repetition (up). The downsample's conv1 is spatial
// and conv2 temporal, the upsample's the other way round.
func setResampleWeights(t *testing.T, store *model.Store, prefix string, c int, down bool) {
	t.Helper()
	identity := make([]float32, c*c)
	for i := range c {
		identity[i*c+i] = 1
	}
	kernels := map[string][3]int{"conv1": kSpatial, "conv2": kTemporal, "conv3": kPoint}
	if !down {
		kernels["conv1"], kernels["conv2"] = kTemporal, kSpatial
	}
	for name, kernel := range kernels {
		w := make([]float32, kernel[0]*kernel[1]*kernel[2]*c*c)
		if name == "conv3" {
			w = identity
		}
		vars := map[string]*tensors.Tensor{
			"weights": tensors.FromFlatDataAndDimensions(w, kernel[0], kernel[1], kernel[2], c, c),
			"biases":  tensors.FromFlatDataAndDimensions(make([]float32, c), c),
		}
		for leaf, value := range vars {
			if _, err := store.CreateVariable(prefix+"/"+name+"/"+leaf, value); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestHybridResamplingParameterFree checks the pooling and repetition paths of the hybrid
// down- and upsample blocks against values computed here from the reference's definitions.
func TestHybridResamplingParameterFree(t *testing.T) {
	const c = 2
	for _, tc := range []struct {
		name string
		dims []int // input
		down bool
	}{
		{"down", []int{1, 3, 4, 4, c}, true},
		{"up", []int{1, 2, 2, 2, c}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := model.NewStore()
			setResampleWeights(t, store, "/block", c, tc.down)
			x := randomVideo(9, tc.dims...)
			exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				if tc.down {
					return []*graph.Node{hybridDownsample(scope.In("block"), in[0], true, true)}
				}
				return []*graph.Node{hybridUpsample(scope.In("block"), in[0], true, true)}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer exec.Finalize()
			outs, err := exec.Call(x)
			if err != nil {
				t.Fatal(err)
			}
			xs := tensors.MustCopyFlatData[float32](x)
			T, H, W := tc.dims[1], tc.dims[2], tc.dims[3]
			at := func(f, h, w, ch int) float32 { return xs[((f*H+h)*W+w)*c+ch] }
			var want []float32
			var wantDims []int
			if tc.down {
				// 2x2 mean per frame, then time: frames [a, b, c] -> replicate -> [a, a, b, c] -> pair means [a, (b+c)/2].
				pool := func(f, h, w, ch int) float32 {
					return (at(f, 2*h, 2*w, ch) + at(f, 2*h+1, 2*w, ch) + at(f, 2*h, 2*w+1, ch) + at(f, 2*h+1, 2*w+1, ch)) / 4
				}
				wantDims = []int{1, 2, H / 2, W / 2, c}
				for f := range 2 {
					for h := range H / 2 {
						for w := range W / 2 {
							for ch := range c {
								v := pool(0, h, w, ch)
								if f == 1 {
									v = (pool(1, h, w, ch) + pool(2, h, w, ch)) / 2
								}
								want = append(want, v)
							}
						}
					}
				}
			} else {
				// Frames [a, b] -> [a, a, b, b] minus the first -> [a, b, b]; pixels repeated 2x2.
				src := []int{0, 1, 1}
				wantDims = []int{1, 2*T - 1, 2 * H, 2 * W, c}
				for _, f := range src {
					for h := range 2 * H {
						for w := range 2 * W {
							for ch := range c {
								want = append(want, at(f, h/2, w/2, ch))
							}
						}
					}
				}
			}
			if got := outs[0].Shape().Dimensions; !slices.Equal(got, wantDims) {
				t.Fatalf("shape %v, want %v", got, wantDims)
			}
			if d := maxAbsDiff(tensors.MustCopyFlatData[float32](outs[0]), want); d > 1e-6 {
				t.Errorf("differs from the reference by %g", d)
			}
		})
	}
}

// TestTrainingGraph builds dv8x16x16-tiny in training mode: the forward pass must match the
// inference graph (fused and decomposed kernels compute the same function), and the
// reconstruction loss must reach the encoder's first convolution through the FSQ's
// straight-through rounding with finite, non-zero gradients.
func TestTrainingGraph(t *testing.T) {
	m := mustNew(t, mustPreset(t, "dv8x16x16-tiny"))
	x := randomVideo(4, 1, 9, 32, 32, 3)
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(3))
	build := func(training bool) []*tensors.Tensor {
		exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			g := in[0].Graph()
			scope.Store().SetTraining(g, training)
			codes, _ := m.Encode(scope, in[0])
			recon := m.Decode(scope, codes)
			if !training {
				return []*graph.Node{recon}
			}
			loss := graph.ReduceAllMean(graph.Square(graph.Sub(recon, in[0])))
			first := store.GetVariable("/encoder/conv_in_0/weights").NodeValue(g)
			return append([]*graph.Node{recon}, graph.Gradient(loss, first)...)
		})
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		outs, err := exec.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		return outs
	}
	train := build(true)
	infer := build(false)
	a, b := tensors.MustCopyFlatData[float32](train[0]), tensors.MustCopyFlatData[float32](infer[0])
	if d := maxAbsDiff(a, b); d > 1e-4*(1+maxAbsDiff(b, make([]float32, len(b)))) {
		t.Errorf("training and inference reconstructions differ by %g", d)
	}
	grad := tensors.MustCopyFlatData[float32](train[1])
	norm := 0.0
	for _, v := range grad {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("non-finite gradient %g", v)
		}
		norm += float64(v) * float64(v)
	}
	if norm == 0 {
		t.Errorf("the loss gradient does not reach encoder/conv_in_0 through the quantizer")
	}
}

// refAttn computes CausalAttnBlock (temporal false) or CausalTemporalAttnBlock (temporal true)
// directly from their definitions in layers3d.py, in float64, for x [1, T, H, W, C] with the
// block's variables in vars (norm scale and offset; weights [1, 1, 1, C, C] and biases of q, k,
// v and proj_out).
func refAttn(x []float32, T, H, W, C int, vars map[string][]float32, temporal bool) []float64 {
	P := H * W
	at := func(t, p, c int) int { return (t*P+p)*C + c }
	// GroupNorm with one group per frame.
	h := make([]float64, len(x))
	for t := range T {
		mean, sq := 0.0, 0.0
		for i := at(t, 0, 0); i < at(t+1, 0, 0); i++ {
			mean += float64(x[i])
		}
		mean /= float64(P * C)
		for i := at(t, 0, 0); i < at(t+1, 0, 0); i++ {
			sq += (float64(x[i]) - mean) * (float64(x[i]) - mean)
		}
		std := math.Sqrt(sq/float64(P*C) + 1e-6)
		for p := range P {
			for c := range C {
				i := at(t, p, c)
				h[i] = (float64(x[i])-mean)/std*float64(vars["norm/scale"][c]) + float64(vars["norm/offset"][c])
			}
		}
	}
	point := func(name string, in []float64) []float64 {
		w, b := vars[name+"/weights"], vars[name+"/biases"]
		out := make([]float64, len(in))
		for r := range T * P {
			for o := range C {
				s := float64(b[o])
				for c := range C {
					s += in[r*C+c] * float64(w[c*C+o])
				}
				out[r*C+o] = s
			}
		}
		return out
	}
	q, k, v := point("q", h), point("k", h), point("v", h)
	att := make([]float64, len(x))
	// Each query (t, p) attends to keys sharing its frame (spatial) or its pixel, up to its own time (temporal).
	for t := range T {
		for p := range P {
			type key struct{ t, p int }
			var keys []key
			if temporal {
				for t2 := 0; t2 <= t; t2++ {
					keys = append(keys, key{t2, p})
				}
			} else {
				for p2 := range P {
					keys = append(keys, key{t, p2})
				}
			}
			scores := make([]float64, len(keys))
			top := math.Inf(-1)
			for i, kk := range keys {
				for c := range C {
					scores[i] += q[at(t, p, c)] * k[at(kk.t, kk.p, c)]
				}
				scores[i] /= math.Sqrt(float64(C))
				top = max(top, scores[i])
			}
			sum := 0.0
			for i := range scores {
				scores[i] = math.Exp(scores[i] - top)
				sum += scores[i]
			}
			for i, kk := range keys {
				for c := range C {
					att[at(t, p, c)] += scores[i] / sum * v[at(kk.t, kk.p, c)]
				}
			}
		}
	}
	out := point("proj_out", att)
	for i := range out {
		out[i] += float64(x[i])
	}
	return out
}

// TestAttentionBlocksMatchDefinition compares attnBlock, spatial and temporal, with refAttn.
func TestAttentionBlocksMatchDefinition(t *testing.T) {
	const T, H, W, C = 3, 2, 3, 4
	for _, temporal := range []bool{false, true} {
		t.Run(map[bool]string{false: "spatial", true: "temporal"}[temporal], func(t *testing.T) {
			x := randomVideo(11, 1, T, H, W, C)
			// A first run creates the variables; the second uses them with new biases and norm affine.
			_, store := run(t, 5, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				return []*graph.Node{attnBlock(scope.In("attn"), in[0], temporal)}
			}, x)
			vars := map[string][]float32{}
			for v := range store.IterVariables() {
				if rest, ok := strings.CutPrefix(v.Path(), "/attn/"); ok {
					value, err := v.Value()
					if err != nil {
						t.Fatal(err)
					}
					vars[rest] = tensors.MustCopyFlatData[float32](value)
				}
			}
			if len(vars) != 10 {
				t.Fatalf("attention block has variables %v, want norm scale/offset and 4 convolutions", len(vars))
			}
			// Non-trivial biases and norm affine so that every term is exercised.
			rng := rand.New(rand.NewPCG(2, 3))
			for name, values := range vars {
				if !strings.HasSuffix(name, "/weights") {
					for i := range values {
						values[i] = 2*rng.Float32() - 1
					}
					if err := store.GetVariable("/attn/" + name).SetValue(tensors.FromFlatDataAndDimensions(values, C)); err != nil {
						t.Fatal(err)
					}
				}
			}
			outs := runOnStore(t, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				return []*graph.Node{attnBlock(scope.In("attn"), in[0], temporal)}
			}, x)
			want := refAttn(tensors.MustCopyFlatData[float32](x), T, H, W, C, vars, temporal)
			got := tensors.MustCopyFlatData[float32](outs[0])
			for i := range want {
				if math.Abs(float64(got[i])-want[i]) > 1e-5*(1+math.Abs(want[i])) {
					t.Fatalf("output %d: %g, definition gives %g", i, got[i], want[i])
				}
			}
		})
	}
}

// runOnStore builds fn on store, runs it on args and returns its outputs.
func runOnStore(t *testing.T, store *model.Store, fn func(scope *model.Scope, in []*graph.Node) []*graph.Node, args ...any) []*tensors.Tensor {
	t.Helper()
	exec, err := model.NewExec(testBackend(), store, fn)
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	outs, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}
