package tokenizer

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/torchfile"
)

// goldenCase is one entry of testdata/golden.json, written by testdata/make_golden.py.
type goldenCase struct {
	Case                string `json:"case"`
	Preset              string `json:"preset"`
	Channels            int    `json:"channels"`
	NumResBlocks        int    `json:"num_res_blocks"`
	Jit                 bool   `json:"jit"`
	BF16                bool   `json:"bf16"`
	ReferenceCommit     string `json:"reference_commit"`
	Discrete            bool   `json:"discrete"`
	IO                  string `json:"io"`
	Weights             string `json:"weights"`
	EncoderJit          string `json:"encoder_jit"`
	DecoderJit          string `json:"decoder_jit"`
	ChannelsMult        []int  `json:"channels_mult"`
	DecoderChannelsMult []int  `json:"decoder_channels_mult"`
	PatchSize           int    `json:"patch_size"`
	ZChannels           int    `json:"z_channels"`
	LatentChannels      int    `json:"latent_channels"`
	Levels              []int  `json:"levels"`
}

// Parity tolerances (float32 runs on both sides; see TestParityWithReference).
const (
	// parityRelTol bounds max|ours - reference| / max(1, max|reference|) of every float output.
	parityRelTol = 1e-4
	// parityRMSTol bounds rms(ours - reference) / max(1, rms(reference)).
	parityRMSTol = 2e-5
	// fsqBoundaryTol: an FSQ digit may differ only where the reference's pre-rounding value lies
	// this close to a rounding boundary (k + 1/2).
	fsqBoundaryTol = 1e-4
)

// TestParityWithReference checks that, given the same weights, our tokenizer computes what
// NVIDIA's PyTorch Cosmos-Tokenizer computes, to float32 tolerance.
//
// The golden files in testdata were written by testdata/make_golden.py, which imports the
// reference's own networks (github.com/NVIDIA/Cosmos-Tokenizer, commit in golden.json: the
// factorized CausalContinuousVideoTokenizer and CausalDiscreteVideoTokenizer) under PyTorch 1.13
// on the CPU in float32, gives every parameter (convolution weights, biases, GroupNorm weights
// and biases) a seeded random value, and records a seeded random video in [-1, 1) with its
// quant_conv output, latent (CV) or FSQ codes and ids (DV) and the decoder's reconstruction. Three
// cases: cv8x8x8 (weights in TorchScript archives encoder.jit and decoder.jit made with
// torch.jit.trace, the form NVIDIA ships), dv8x16x16 and cv4x8x8 (torch.save state dicts, BF16).
// They are our presets with base width 4 (so the files stay small), non-square frames, and 9 or 5
// frames, so that two latent frames exercise every causal and temporal path.
//
// For each case the test builds the preset's Config with that width and checks it against the
// reference's (channel multipliers of encoder and decoder, z and latent channels, FSQ levels);
// loads the weights with ImportOfficial (every key the model needs must be present, and the keys
// it leaves unused must be those of modules the reference builds but never runs); runs, on the
// pure-Go backend, the encoder to quant_conv, Encode, Decode of the reference's latent and, for
// DV, DecodeIDs of the reference's ids; and compares with the reference:
//
//   - every float output: max|ours - ref| <= 1e-4·max(1, max|ref|) and
//     rms(ours - ref) <= 2e-5·max(1, rms(ref)). Float32 has a 6e-8 unit roundoff; the two sides
//     sum the same products in different orders (im2col vs. PyTorch's convolutions, softmax,
//     GroupNorm statistics), which over ~40 layers of sums of up to 1728 products gives errors of
//     order 1e-6 relative to the output scale: measured, at most 1e-6 (max) and 5e-6 (rms, the
//     DV single-frame quant_conv output, whose per-frame GroupNorms see few values; PyTorch's
//     own float32 result is 2e-6 rms off its float64 one there). Real differences are larger:
//     a wrong Haar sub-band order gives errors of order 1e-2 to 1, and even a GroupNorm epsilon
//     of 1e-5 instead of 1e-6 gives 3e-4 to 2.5e-3 on the quant_conv output;
//   - DV ids and codes: equal, except where the reference's pre-rounding value (FSQ bound) lies
//     within 1e-4 of a rounding boundary; such ties are counted and must be at most 1% of the
//     digits. The quantizer is also checked alone on 1000 random vectors.
//
// To regenerate the golden files (Debian's python3 with python3-torch and numpy):
//
//	/usr/bin/python3 tokenizer/testdata/make_golden.py /path/to/Cosmos-Tokenizer
func TestParityWithReference(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	if len(manifest.Cases) == 0 {
		t.Fatal("testdata/golden.json: no cases")
	}
	for _, gc := range manifest.Cases {
		t.Run(gc.Case, func(t *testing.T) { checkParity(t, gc) })
	}
}

// goldenConfig returns the Config of gc: its preset with the golden width and res blocks,
// checked against the reference's configuration.
func goldenConfig(t *testing.T, gc goldenCase) Config {
	t.Helper()
	cfg := mustPreset(t, gc.Preset)
	cfg.Channels, cfg.NumResBlocks = gc.Channels, gc.NumResBlocks
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		ours, ref any
	}{
		{"discrete", cfg.Discrete, gc.Discrete},
		{"channels_mult", cfg.ChannelsMult, gc.ChannelsMult},
		{"decoder channels_mult", cfg.DecoderMult(), gc.DecoderChannelsMult},
		{"patch_size", cfg.PatchSize, gc.PatchSize},
		{"z_channels", cfg.ZChannels, gc.ZChannels},
		{"latent channels", cfg.LatentChannels, gc.LatentChannels},
		{"levels", cfg.Levels, gc.Levels},
	} {
		if fmt.Sprint(c.ours) != fmt.Sprint(c.ref) {
			t.Errorf("preset %s: %s %v, the reference has %v", gc.Preset, c.what, c.ours, c.ref)
		}
	}
	return cfg
}

// goldenTensors reads a golden .io.pt file: name -> tensor.
func goldenTensors(t *testing.T, name string) map[string]*torchfile.Tensor {
	t.Helper()
	f, err := torchfile.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*torchfile.Tensor{}
	for _, x := range f.Tensors() {
		out[x.Name] = x
	}
	return out
}

// channelsLast converts a golden float tensor [B, C, d1, ..., dn] to a GoMLX tensor
// [B, d1, ..., dn, C].
func channelsLast(t *testing.T, x *torchfile.Tensor) *tensors.Tensor {
	t.Helper()
	f, err := x.Float32s()
	if err != nil {
		t.Fatalf("%s: %v", x.Name, err)
	}
	data := make([]byte, 4*len(f))
	for i, v := range f {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	perm := []int{0}
	for i := 2; i < len(x.Shape); i++ {
		perm = append(perm, i)
	}
	dims, data := permute(data, 4, x.Shape, append(perm, 1))
	out := make([]float32, len(f))
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

// int32s returns the elements of an I32 golden tensor.
func int32s(t *testing.T, x *torchfile.Tensor) []int32 {
	t.Helper()
	if x.DType != safetensors.I32 {
		t.Fatalf("%s: dtype %s, want I32", x.Name, x.DType)
	}
	out := make([]int32, x.NumElements())
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(x.Data[4*i:]))
	}
	return out
}

// compareFloats checks got against want with the parity tolerances and logs the errors.
func compareFloats(t *testing.T, what string, got, want *tensors.Tensor) {
	t.Helper()
	if !slices.Equal(got.Shape().Dimensions, want.Shape().Dimensions) {
		t.Errorf("%s: shape %v, reference %v", what, got.Shape().Dimensions, want.Shape().Dimensions)
		return
	}
	g, w := tensors.MustCopyFlatData[float32](got), tensors.MustCopyFlatData[float32](want)
	var maxErr, maxRef, sumSq, refSq float64
	worst := 0
	for i := range w {
		d := math.Abs(float64(g[i]) - float64(w[i]))
		if d > maxErr || math.IsNaN(d) {
			maxErr, worst = d, i
		}
		maxRef = max(maxRef, math.Abs(float64(w[i])))
		sumSq += d * d
		refSq += float64(w[i]) * float64(w[i])
	}
	rms, refRMS := math.Sqrt(sumSq/float64(len(w))), math.Sqrt(refSq/float64(len(w)))
	rel, relRMS := maxErr/max(1, maxRef), rms/max(1, refRMS)
	t.Logf("%-12s max|ref| %-9.4g max err %-9.3g (rel %.3g)  rms err %-9.3g (rel %.3g)", what, maxRef, maxErr, rel, rms, relRMS)
	if !(rel <= parityRelTol) || !(relRMS <= parityRMSTol) {
		t.Errorf("%s: max error %g at element %d (ours %g, reference %g), rms error %g: beyond %g·max(1, %g) or %g·max(1, %g)",
			what, maxErr, worst, g[worst], w[worst], rms, parityRelTol, maxRef, parityRMSTol, refRMS)
	}
}

// compareIDs checks our FSQ ids and codes against the reference's. bounded holds the
// reference's pre-rounding values (channels-last, one row of levels per id). A digit may differ
// only where the reference's value is within fsqBoundaryTol of a rounding boundary.
func compareIDs(t *testing.T, what string, q *FSQ, gotIDs, wantIDs []int32, gotCodes, wantCodes, bounded []float32) {
	t.Helper()
	d := q.Dim()
	if len(gotIDs) != len(wantIDs) || len(gotCodes) != len(wantCodes) || len(bounded) != d*len(wantIDs) {
		t.Fatalf("%s: %d ids, %d codes, %d bounded values for %d reference ids", what, len(gotIDs), len(gotCodes), len(bounded), len(wantIDs))
	}
	ties, mismatches := 0, 0
	for i := range wantIDs {
		for c := range d {
			if gotCodes[i*d+c] == wantCodes[i*d+c] {
				continue
			}
			b := float64(bounded[i*d+c])
			if math.Abs(math.Abs(b-math.Floor(b))-0.5) <= fsqBoundaryTol {
				ties++
				continue
			}
			mismatches++
			if mismatches <= 5 {
				t.Errorf("%s: id %d channel %d: code %g, reference %g (pre-rounding %g, not at a rounding boundary)",
					what, i, c, gotCodes[i*d+c], wantCodes[i*d+c], b)
			}
		}
		if gotIDs[i] != wantIDs[i] {
			wantCode, err := q.IDToCode(int(wantIDs[i]))
			if err != nil {
				t.Fatalf("%s: reference id %d: %v", what, wantIDs[i], err)
			}
			if !slices.Equal(wantCode, wantCodes[i*d:(i+1)*d]) {
				t.Errorf("%s: reference id %d and code %v disagree under our FSQ", what, wantIDs[i], wantCodes[i*d:(i+1)*d])
			}
			gotCode, _ := q.IDToCode(int(gotIDs[i]))
			if !slices.Equal(gotCode, gotCodes[i*d:(i+1)*d]) {
				t.Errorf("%s: our id %d and code %v disagree", what, gotIDs[i], gotCodes[i*d:(i+1)*d])
			}
		}
	}
	t.Logf("%-12s %d ids, %d digits differ at rounding ties (|bound - (k+1/2)| <= %g)", what, len(wantIDs), ties, fsqBoundaryTol)
	if mismatches > 0 {
		t.Errorf("%s: %d digits differ away from rounding boundaries", what, mismatches)
	}
	if ties*100 > d*len(wantIDs) {
		t.Errorf("%s: %d of %d digits differ at rounding boundaries, more than 1%%", what, ties, d*len(wantIDs))
	}
}

// goldenUnusedKey reports whether a checkpoint key the model does not use belongs to a module
// the reference builds but never runs (convolutions of an inactive half of a hybrid
// up/downsample) or to a traced module's non-parameter buffers (the patchers' wavelet filters).
func goldenUnusedKey(key string) bool {
	return strings.Contains(key, ".downsample.") || strings.Contains(key, ".upsample.") ||
		strings.Contains(key, "patcher3d.")
}

func checkParity(t *testing.T, gc goldenCase) {
	cfg := goldenConfig(t, gc)
	m := mustNew(t, cfg)
	store := model.NewStore()
	files := []string{gc.Weights}
	if gc.Jit {
		files = []string{gc.EncoderJit, gc.DecoderJit}
	}
	t.Logf("reference commit %s; weights %v (bfloat16 values: %v)", gc.ReferenceCommit, files, gc.BF16)
	for _, name := range files {
		if name == "" {
			t.Fatalf("golden case %s names no weights file", gc.Case)
		}
		unused := mustImport(t, filepath.Join("testdata", name), cfg, store)
		t.Logf("%s: %d keys the model does not use: %v", name, len(unused), unused)
		for _, key := range unused {
			if !goldenUnusedKey(key) {
				t.Errorf("%s: key %s unused by the model", name, key)
			}
		}
	}
	vars, err := officialVariables(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if store.NumVariables() != len(vars) {
		t.Fatalf("%d variables imported, the model has %d", store.NumVariables(), len(vars))
	}

	io := goldenTensors(t, gc.IO)
	get := func(name string) *torchfile.Tensor {
		x, ok := io[name]
		if !ok {
			t.Fatalf("%s: no tensor %q", gc.IO, name)
		}
		return x
	}
	// The video, then the single frame (suffix "1"), where every temporal resampling is the
	// identity.
	for _, sfx := range []string{"", "1"} {
		input, refLatent := channelsLast(t, get("input"+sfx)), channelsLast(t, get("latent"+sfx))
		args := []any{input, refLatent}
		if gc.Discrete {
			ids := get("ids" + sfx)
			args = append(args, tensors.FromFlatDataAndDimensions(int32s(t, ids), ids.Shape...))
		}
		outs := runOnStore(t, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			prequant := pointConv(scope.At(QuantConvScope), m.encoder(scope.At(EncoderScope), in[0]), cfg.LatentChannels)
			latent, ids := m.Encode(scope, in[0])
			res := []*graph.Node{prequant, latent, m.Decode(scope, in[1])}
			if gc.Discrete {
				res = append(res, ids, m.DecodeIDs(scope, in[2]))
			}
			return res
		}, args...)

		compareFloats(t, "prequant"+sfx, outs[0], channelsLast(t, get("prequant"+sfx)))
		compareFloats(t, "recon"+sfx, outs[2], channelsLast(t, get("recon"+sfx)))
		if !gc.Discrete {
			compareFloats(t, "latent"+sfx, outs[1], refLatent)
			continue
		}
		compareFloats(t, "recon(ids)"+sfx, outs[4], channelsLast(t, get("recon"+sfx)))
		bounded := graphBound(t, m.FSQ(), channelsLast(t, get("prequant"+sfx)))
		if sfx == "" {
			compareFloats(t, "bound", bounded, channelsLast(t, get("bounded")))
		}
		compareIDs(t, "ids"+sfx, m.FSQ(), tensors.MustCopyFlatData[int32](outs[3]), int32s(t, get("ids"+sfx)),
			tensors.MustCopyFlatData[float32](outs[1]), tensors.MustCopyFlatData[float32](refLatent),
			tensors.MustCopyFlatData[float32](bounded))
	}
	if !gc.Discrete {
		return
	}
	q := m.FSQ()

	// The quantizer alone, on many more vectors than the latent holds.
	fsqOuts := runOnStore(t, model.NewStore(), func(_ *model.Scope, in []*graph.Node) []*graph.Node {
		codes := q.Quantize(in[0])
		return []*graph.Node{codes, q.CodesToIDs(codes), q.Bound(in[0])}
	}, channelsLast(t, get("fsq_z")))
	compareFloats(t, "fsq bound", fsqOuts[2], channelsLast(t, get("fsq_bounded")))
	compareIDs(t, "fsq ids", q, tensors.MustCopyFlatData[int32](fsqOuts[1]), int32s(t, get("fsq_ids")),
		tensors.MustCopyFlatData[float32](fsqOuts[0]), tensors.MustCopyFlatData[float32](channelsLast(t, get("fsq_codes"))),
		tensors.MustCopyFlatData[float32](channelsLast(t, get("fsq_bounded"))))
}

// graphBound returns q.Bound of z: the pre-rounding values, for the tie analysis where the
// reference did not record them.
func graphBound(t *testing.T, q *FSQ, z *tensors.Tensor) *tensors.Tensor {
	t.Helper()
	return runOnStore(t, model.NewStore(), func(_ *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{q.Bound(in[0])}
	}, z)[0]
}
