package tokenizer

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/weights"
)

// randomTokenizerStore returns a store with the variables of the tokenizer of cfg, created by one
// Encode and Decode of a tiny video and then all overwritten with seeded uniform values, so that
// biases and norms (initialized to constants) differ from each other too.
func randomTokenizerStore(t *testing.T, cfg Config, seed uint64) *model.Store {
	t.Helper()
	m := mustNew(t, cfg)
	video := randomVideo(seed, 1, 1+cfg.TemporalCompression, cfg.SpatialCompression, cfg.SpatialCompression, cfg.InChannels)
	_, store := run(t, int64(seed), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		latent, _ := m.Encode(scope, in[0])
		return []*graph.Node{m.Decode(scope, latent)}
	}, video)
	rng := rand.New(rand.NewPCG(seed, 11))
	for v := range store.IterVariables() {
		dims := v.Shape().Dimensions
		data := make([]float32, v.Shape().Size())
		for i := range data {
			data[i] = 2*rng.Float32() - 1
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(data, dims...)); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// variableBytes returns the raw float32 bytes of every variable of store that has a checkpoint
// name, by path.
func variableBytes(t *testing.T, store *model.Store) map[string]safetensors.Tensor {
	t.Helper()
	out := map[string]safetensors.Tensor{}
	for v := range store.IterVariables() {
		if _, ok := CheckpointName(v.Path()); !ok {
			continue
		}
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		st, err := weights.TensorFromGoMLX(v.Path(), value)
		if err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = st
	}
	return out
}

func readAllTensors(t *testing.T, path string) ([]safetensors.Tensor, map[string]string) {
	t.Helper()
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ts, err := f.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return ts, f.Metadata()
}

func mustImport(t *testing.T, path string, cfg Config, store *model.Store) []string {
	t.Helper()
	unused, err := ImportOfficial(path, cfg, store)
	if err != nil {
		t.Fatal(err)
	}
	return unused
}

// TestOfficialWeightsRoundTrip checks export -> import -> export: the two files are
// bit-identical and the imported store equals the original.
func TestOfficialWeightsRoundTrip(t *testing.T) {
	for i, name := range []string{"cv8x8x8-tiny", "dv8x16x16-tiny"} {
		t.Run(name, func(t *testing.T) {
			cfg := mustPreset(t, name)
			orig := randomTokenizerStore(t, cfg, uint64(i+1))
			dir := t.TempDir()
			first, second := filepath.Join(dir, "a.safetensors"), filepath.Join(dir, "b.safetensors")
			if err := ExportOfficial(orig, cfg, first); err != nil {
				t.Fatal(err)
			}
			fresh := model.NewStore()
			if unused := mustImport(t, first, cfg, fresh); len(unused) != 0 {
				t.Errorf("unused keys %v in our own export", unused)
			}
			if err := ExportOfficial(fresh, cfg, second); err != nil {
				t.Fatal(err)
			}
			a, meta := readAllTensors(t, first)
			b, _ := readAllTensors(t, second)
			if len(a) != len(b) || len(a) == 0 {
				t.Fatalf("%d tensors, then %d", len(a), len(b))
			}
			for j := range a {
				if a[j].Name != b[j].Name || a[j].DType != safetensors.F32 || b[j].DType != safetensors.F32 ||
					!slices.Equal(a[j].Shape, b[j].Shape) || !bytes.Equal(a[j].Data, b[j].Data) {
					t.Errorf("tensor %d: %s %s%v, then %s %s%v or different bytes", j,
						a[j].Name, a[j].DType, a[j].Shape, b[j].Name, b[j].DType, b[j].Shape)
				}
				if !strings.HasSuffix(a[j].Name, ".conv3d.weight") && !strings.HasSuffix(a[j].Name, ".conv3d.bias") &&
					!strings.HasSuffix(a[j].Name, ".norm.weight") && !strings.HasSuffix(a[j].Name, ".norm.bias") {
					t.Errorf("key %q is not a Cosmos conv3d/norm parameter", a[j].Name)
				}
			}
			var back Config
			if err := json.Unmarshal([]byte(meta[MetadataConfig]), &back); err != nil || back.Name != name {
				t.Errorf("metadata config %q: %v", meta[MetadataConfig], err)
			}

			want, got := variableBytes(t, orig), variableBytes(t, fresh)
			if len(want) != len(a) || len(got) != len(want) {
				t.Fatalf("%d variables in the original, %d imported, %d tensors in the file", len(want), len(got), len(a))
			}
			for path, w := range want {
				g, ok := got[path]
				if !ok || !slices.Equal(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
					t.Errorf("variable %s differs after the round trip", path)
				}
			}
		})
	}
}

// TestExportOfficialLayout checks the key and the position of one kernel element and of a bias
// against the PyTorch layout, with offsets computed here from the shapes.
func TestExportOfficialLayout(t *testing.T) {
	cfg := mustPreset(t, "cv8x8x8-tiny")
	store := randomTokenizerStore(t, cfg, 3)
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := ExportOfficial(store, cfg, path); err != nil {
		t.Fatal(err)
	}
	ts, _ := readAllTensors(t, path)
	byName := map[string]safetensors.Tensor{}
	for _, x := range ts {
		byName[x.Name] = x
	}
	ours := variableBytes(t, store)
	f32 := func(data []byte, i int) uint32 { return binary.LittleEndian.Uint32(data[4*i:]) }

	// Our [kt, kh, kw, in, out] element (a, b, c, d, e) is PyTorch's [out, in, kt, kh, kw]
	// element (e, d, a, b, c).
	checked := 0
	for vpath, w := range ours {
		if len(w.Shape) != 5 || w.Shape[0]*w.Shape[1]*w.Shape[2] == 1 || w.Shape[3] < 2 || w.Shape[4] < 2 {
			continue
		}
		key, _ := CheckpointName(vpath)
		ft, ok := byName[key]
		kt, kh, kw, in, out := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3], w.Shape[4]
		if !ok || !slices.Equal(ft.Shape, []int{out, in, kt, kh, kw}) {
			t.Fatalf("%s (%s%v): file tensor %q has shape %v", vpath, w.DType, w.Shape, key, ft.Shape)
		}
		a, b, c, d, e := kt-1, kh/2, kw-1, in-1, out/2
		oursAt := (((a*kh+b)*kw+c)*in+d)*out + e
		torchAt := (((e*in+d)*kt+a)*kh+b)*kw + c
		if f32(w.Data, oursAt) != f32(ft.Data, torchAt) {
			t.Errorf("%s: element (%d,%d,%d,%d,%d) not at PyTorch (%d,%d,%d,%d,%d)", key, a, b, c, d, e, e, d, a, b, c)
		}
		checked++
		bias, ok := byName[strings.TrimSuffix(key, "weight")+"bias"]
		if wb := ours[strings.TrimSuffix(vpath, "weights")+"biases"]; !ok || !bytes.Equal(bias.Data, wb.Data) || !slices.Equal(bias.Shape, []int{out}) {
			t.Errorf("%s: bias not copied unchanged", key)
		}
	}
	if checked == 0 {
		t.Fatal("no kernel with a non-trivial layout to check")
	}
}

// TestImportOfficialFiles imports edited exports: each case rewrites the tensors of a valid
// export and states what ImportOfficial must do with them.
func TestImportOfficialFiles(t *testing.T) {
	cfg := mustPreset(t, "cv8x8x8-tiny")
	orig := randomTokenizerStore(t, cfg, 5)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.safetensors")
	if err := ExportOfficial(orig, cfg, base); err != nil {
		t.Fatal(err)
	}
	exported, _ := readAllTensors(t, base)
	const kernel = "encoder.conv_in.0.conv3d.weight"
	// The reference's cv8x8x8 encoder.down.1.downsample is built but never run (see Tokenizer).
	const dead = "encoder.down.1.downsample.conv1.conv3d.weight"

	for _, tc := range []struct {
		name    string
		edit    func(ts []safetensors.Tensor) []safetensors.Tensor
		wantKey string   // the key a CheckpointError must name; "" for success
		unused  []string // on success
		// check inspects the store after a successful import.
		check func(t *testing.T, store *model.Store)
	}{{
		name:    "wrong shape",
		wantKey: kernel,
		edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i := range ts {
				if ts[i].Name == kernel {
					slices.Reverse(ts[i].Shape)
				}
			}
			return ts
		},
	}, {
		name:    "missing key",
		wantKey: kernel,
		edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
			return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return x.Name == kernel })
		},
	}, {
		name:   "extra unused key",
		unused: []string{dead},
		edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: dead, DType: safetensors.F32, Shape: []int{1}, Data: make([]byte, 4)})
		},
		check: equalToOrig(orig, func(x []byte) []byte { return x }),
	}, {
		name: "nested one module deeper",
		edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i := range ts {
				ts[i].Name = "model." + ts[i].Name
			}
			return ts
		},
		check: equalToOrig(orig, func(x []byte) []byte { return x }),
	}, {
		name: "bfloat16",
		edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i := range ts {
				d := make([]byte, len(ts[i].Data)/2)
				for j := range len(d) / 2 {
					copy(d[2*j:], ts[i].Data[4*j+2:4*j+4]) // bfloat16 is the high half of a float32
				}
				ts[i].DType, ts[i].Data = safetensors.BF16, d
			}
			return ts
		},
		check: equalToOrig(orig, func(x []byte) []byte {
			out := slices.Clone(x)
			for j := 0; j < len(out); j += 4 {
				out[j], out[j+1] = 0, 0
			}
			return out
		}),
	}, {
		name: "encoder half only",
		edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
			return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return !encoderHalf(x.Name) })
		},
		check: func(t *testing.T, store *model.Store) {
			if store.GetVariable("/"+DecoderScope+"/conv_in_0/weights") != nil || store.GetVariable("/"+PostQuantConvScope+"/weights") != nil {
				t.Error("decoder variables created from an encoder-only file")
			}
			if store.GetVariable("/"+EncoderScope+"/conv_in_0/weights") == nil || store.GetVariable("/"+QuantConvScope+"/weights") == nil {
				t.Error("encoder variables not imported")
			}
		},
	}, {
		name:    "no known key",
		wantKey: "",
		edit: func([]safetensors.Tensor) []safetensors.Tensor {
			return []safetensors.Tensor{{Name: dead, DType: safetensors.F32, Shape: []int{1}, Data: make([]byte, 4)}}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := slices.Clone(exported)
			for i := range ts {
				ts[i].Shape = slices.Clone(ts[i].Shape)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
			if err := safetensors.WriteFile(path, tc.edit(ts), nil); err != nil {
				t.Fatal(err)
			}
			store := model.NewStore()
			unused, err := ImportOfficial(path, cfg, store)
			wantErr := tc.check == nil
			if !wantErr {
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(unused, tc.unused) {
					t.Errorf("unused %v, want %v", unused, tc.unused)
				}
				tc.check(t, store)
				return
			}
			var ce *CheckpointError
			if !errors.As(err, &ce) || ce.Key != tc.wantKey || ce.Path != path || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want a CheckpointError for key %q in %s", err, tc.wantKey, path)
			}
			if n := store.NumVariables(); n != 0 {
				t.Errorf("a failed import created %d variables", n)
			}
		})
	}
}

// equalToOrig returns a check that every imported variable equals f of the original's bytes.
func equalToOrig(orig *model.Store, f func([]byte) []byte) func(t *testing.T, store *model.Store) {
	return func(t *testing.T, store *model.Store) {
		t.Helper()
		want, got := variableBytes(t, orig), variableBytes(t, store)
		if len(got) != len(want) {
			t.Fatalf("%d variables imported, want %d", len(got), len(want))
		}
		for path, w := range want {
			if g := got[path]; !bytes.Equal(g.Data, f(w.Data)) {
				t.Errorf("variable %s: imported values differ", path)
			}
		}
	}
}

// TestImportOfficialKeepsStoreOnShapeConflict checks that a store whose variable has another
// shape than the model's is reported and left unchanged.
func TestImportOfficialKeepsStoreOnShapeConflict(t *testing.T) {
	cfg := mustPreset(t, "cv8x8x8-tiny")
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := ExportOfficial(randomTokenizerStore(t, cfg, 7), cfg, path); err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	v, err := store.CreateVariable("/"+QuantConvScope+"/biases", tensors.FromValue([]float32{math.Pi}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ImportOfficial(path, cfg, store)
	var ce *CheckpointError
	if !errors.As(err, &ce) || ce.Key != "quant_conv.conv3d.bias" {
		t.Fatalf("error %v, want a CheckpointError for quant_conv.conv3d.bias", err)
	}
	after, err := weights.TensorFromGoMLX("", v.MustValue())
	if err != nil || store.NumVariables() != 1 || math.Float32frombits(binary.LittleEndian.Uint32(after.Data)) != math.Pi {
		t.Error("store changed by a failed import")
	}
}

// TestImportOfficialReadsPyTorchArchives checks that .pt and .jit files go through torchfile:
// the fixtures of package torchfile hold no tokenizer key, which must be reported as such.
func TestImportOfficialReadsPyTorchArchives(t *testing.T) {
	cfg := mustPreset(t, "cv8x8x8-tiny")
	for _, name := range []string{"state_dict.pt", "torchscript.jit"} {
		path := filepath.Join("..", "torchfile", "testdata", name)
		store := model.NewStore()
		_, err := ImportOfficial(path, cfg, store)
		var ce *CheckpointError
		if !errors.As(err, &ce) || ce.Key != "" || !strings.Contains(ce.Reason, "no tensor of tokenizer") {
			t.Errorf("%s: error %v, want a CheckpointError saying it holds no tokenizer tensor", name, err)
		}
		if store.NumVariables() != 0 {
			t.Errorf("%s: %d variables created", name, store.NumVariables())
		}
	}
}

// shortcutConfig is a tokenizer with the linear shortcut: 4x4x4 compression done by the Haar
// patcher alone, a tiny convolutional path.
func shortcutConfig(shortcut bool) Config {
	return Config{Name: "cv4x4x4-test", InChannels: 3, OutChannels: 3, Channels: 8, ChannelsMult: []int{1, 2},
		NumResBlocks: 1, PatchSize: 4, SpatialCompression: 4, TemporalCompression: 4, ZChannels: 16,
		LatentChannels: 16, LinearShortcut: shortcut}
}

// TestLinearShortcut checks what Config.LinearShortcut adds (two 1x1x1 convolutions, in our
// [kt, kh, kw, in, out] layout: the
// encoder's from the 192 Haar channels to z, the decoder's from z back to them, under
// encoder.shortcut and decoder.shortcut), that the official export carries them, and that they
// make the model linear when the convolutional path is silenced: with both conv_out layers
// zero, decode(encode(a·x + b·y)) = a·decode(encode(x)) + b·decode(encode(y)), which the
// network without the shortcut cannot satisfy (it would output constants).
func TestLinearShortcut(t *testing.T) {
	plain, err := officialVariables(shortcutConfig(false))
	if err != nil {
		t.Fatal(err)
	}
	with, err := officialVariables(shortcutConfig(true))
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string][]int{}
	for _, v := range with {
		if !slices.ContainsFunc(plain, func(p officialVariable) bool { return p.key == v.key }) {
			extra[v.key] = v.dims
		}
	}
	want := map[string][]int{
		"encoder.shortcut.conv3d.weight": {1, 1, 1, 192, 16}, "encoder.shortcut.conv3d.bias": {16},
		"decoder.shortcut.conv3d.weight": {1, 1, 1, 16, 192}, "decoder.shortcut.conv3d.bias": {192},
	}
	if len(extra) != len(want) || len(with) != len(plain)+len(want) {
		t.Fatalf("the shortcut adds %v (%d -> %d variables), want %v", extra, len(plain), len(with), want)
	}
	for k, d := range want {
		if !slices.Equal(extra[k], d) {
			t.Errorf("%s: dims %v, want %v", k, extra[k], d)
		}
	}

	cfg := shortcutConfig(true)
	store := randomTokenizerStore(t, cfg, 5)
	path := filepath.Join(t.TempDir(), "s.safetensors")
	if err := ExportOfficial(store, cfg, path); err != nil {
		t.Fatal(err)
	}
	back, bcfg, err := LoadWeights(path, nil)
	if err != nil || !bcfg.LinearShortcut {
		t.Fatalf("load: %v, config %+v", err, bcfg)
	}
	for v := range back.IterVariables() {
		if strings.Contains(v.Path(), "conv_out") {
			value, err := v.Value()
			if err != nil {
				t.Fatal(err)
			}
			if err := v.SetValue(tensors.FromShape(value.Shape())); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := mustNew(t, bcfg)
	exec, err := model.NewExec(testBackend(), back, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return m.Reconstruct(scope, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	run := func(x []float32) []float32 {
		t.Helper()
		out, err := exec.Call(tensors.FromFlatDataAndDimensions(x, 1, 5, 8, 8, 3))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x, y, mix, zero := make([]float32, 5*8*8*3), make([]float32, 5*8*8*3), make([]float32, 5*8*8*3), make([]float32, 5*8*8*3)
	for i := range x {
		x[i], y[i] = rng.Float32()*2-1, rng.Float32()*2-1
		mix[i] = 0.3*x[i] - 0.5*y[i]
	}
	rx, ry, rm, r0 := run(x), run(y), run(mix), run(zero)
	var worst, spread float64
	for i := range rm {
		// Affine: r(a·x + b·y) - r(0) = a·(r(x) - r(0)) + b·(r(y) - r(0)).
		want := 0.3*float64(rx[i]-r0[i]) - 0.5*float64(ry[i]-r0[i])
		worst = max(worst, math.Abs(float64(rm[i]-r0[i])-want))
		spread = max(spread, math.Abs(float64(rx[i]-r0[i])))
	}
	if worst > 1e-4 || spread < 1e-3 {
		t.Errorf("silenced conv path: max deviation from linearity %.3g (response %.3g)", worst, spread)
	}
}

// TestFitLinearShortcut fits the linear shortcut on videos made of constant 4x4x4 blocks (one
// colour per block and per causal frame group: frame 0 alone, then 1-4, 5-8), whose Haar
// patches span only the three low-pass channels: the fitted model, its conv path silent,
// must reconstruct such a video it has not seen almost exactly, and report all the variance
// explained. It also checks the errors for configurations the fit cannot take.
func TestFitLinearShortcut(t *testing.T) {
	cfg := shortcutConfig(true)
	m := mustNew(t, cfg)
	b := testBackend()
	blocky := func(seed uint64, n int) *tensors.Tensor {
		rng := rand.New(rand.NewPCG(seed, 7))
		const frames, side = 9, 16
		data := make([]uint8, n*frames*side*side*3)
		for c := range n {
			colors := make([]uint8, 3*4*4*3) // [group][by][bx][rgb]
			for i := range colors {
				colors[i] = uint8(rng.IntN(256))
			}
			for f := range frames {
				g := 0
				if f > 0 {
					g = (f-1)/4 + 1
				}
				for y := range side {
					for x := range side {
						for ch := range 3 {
							data[(((c*frames+f)*side+y)*side+x)*3+ch] = colors[((g*4+y/4)*4+x/4)*3+ch]
						}
					}
				}
			}
		}
		return tensors.FromFlatDataAndDimensions(data, n, frames, side, side, 3)
	}
	store, err := InitStore(b, m, 3)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := FitLinearShortcut(b, m, store, blocky(1, 12), 0)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Patches != 12*3*4*4 || fit.Explained < 0.999999 {
		t.Errorf("fit %+v, want %d patches and all the variance explained", fit, 12*3*4*4)
	}
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return m.Reconstruct(scope, PixelsToModel(x, dtypes.Float32))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := blocky(99, 1)
	out, err := exec.Call(x)
	if err != nil {
		t.Fatal(err)
	}
	got, want := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[uint8](x)
	var worst float64
	for i := range got {
		worst = max(worst, math.Abs(float64(got[i])-(float64(want[i])/127.5-1)))
	}
	if worst > 1e-3 {
		t.Errorf("unseen blocky video: max reconstruction error %.3g in [-1, 1] units", worst)
	}

	if _, err := FitLinearShortcut(b, mustNew(t, shortcutConfig(false)), store, x, 0); err == nil {
		t.Error("fit without linear_shortcut: no error")
	}
	wide := shortcutConfig(true)
	wide.ZChannels = 8
	if _, err := FitLinearShortcut(b, mustNew(t, wide), store, x, 0); err == nil || !strings.Contains(err.Error(), "z_channels") {
		t.Errorf("fit with z_channels != latent_channels: %v", err)
	}
	if _, err := FitLinearShortcut(b, m, model.NewStore(), x, 0); err == nil || !strings.Contains(err.Error(), "no variable") {
		t.Errorf("fit into an empty store: %v", err)
	}
}
