package weights

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/wfm-platform/wfm/internal/testutil"

	"github.com/wfm-platform/wfm/safetensors"
)

// randomGoMLX returns a host tensor of the given shape filled with seeded random bytes (Bool
// gets 0 or 1), and a copy of those bytes.
func randomGoMLX(t *testing.T, rng *rand.Rand, dt dtypes.DType, dims ...int) (*tensors.Tensor, []byte) {
	t.Helper()
	shape := shapes.Make(dt, dims...)
	want := make([]byte, shape.ByteSize())
	for i := range want {
		want[i] = byte(rng.Uint32())
		if dt == dtypes.Bool {
			want[i] &= 1
		}
	}
	out := tensors.FromShape(shape)
	if err := out.MutableBytes(func(data []byte) { copy(data, want) }); err != nil {
		t.Fatal(err)
	}
	return out, want
}

func tensorBytes(t *testing.T, x *tensors.Tensor) []byte {
	t.Helper()
	var out []byte
	if err := x.ConstBytes(func(data []byte) { out = append([]byte{}, data...) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// storeVar is one variable of the test store.
type storeVar struct {
	path      string
	dt        dtypes.DType
	dims      []int
	trainable bool
}

var testVars = []storeVar{
	{"/block_0/attn/q/weights", dtypes.Float32, []int{3, 4}, true},
	{"/block_0/attn/q/biases", dtypes.BFloat16, []int{4}, true},
	{"/block_0/norm/scale", dtypes.Float16, []int{4}, true},
	{"/embed/table", dtypes.Float64, []int{2, 3}, true},
	{"/block_0/attn/q/weights_m1", dtypes.Float32, []int{3, 4}, false}, // an optimizer moment
	{"/global_step", dtypes.Int64, []int{}, false},
	{"/mask", dtypes.Bool, []int{2, 2}, false},
	{"/empty", dtypes.Uint8, []int{0, 3}, true},
	{"/ints/i8", dtypes.Int8, []int{5}, true},
	{"/ints/i16", dtypes.Int16, []int{5}, true},
	{"/ints/i32", dtypes.Int32, []int{5}, true},
	{"/ints/u16", dtypes.Uint16, []int{5}, true},
	{"/ints/u32", dtypes.Uint32, []int{5}, true},
	{"/ints/u64", dtypes.Uint64, []int{5}, true},
}

// newTestStore builds a store holding testVars with random values, and returns the bytes of
// each value by path.
func newTestStore(t *testing.T, seed uint64) (*model.Store, map[string][]byte) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	store := model.NewStore()
	values := map[string][]byte{}
	for _, sv := range testVars {
		value, data := randomGoMLX(t, rng, sv.dt, sv.dims...)
		v, err := store.CreateVariable(sv.path, value)
		if err != nil {
			t.Fatal(err)
		}
		v.SetTrainable(sv.trainable)
		values[sv.path] = data
	}
	return store, values
}

type testConfig struct {
	Dim    int      `json:"dim"`
	Layers []string `json:"layers"`
}

func TestSaveLoadRoundTrip(t *testing.T) {
	store, want := newTestStore(t, 1)
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	config := testConfig{Dim: 64, Layers: []string{"attn", "mlp"}}
	if err := SaveStore(path, store, config); err != nil {
		t.Fatal(err)
	}

	loaded := model.NewStore()
	if err := LoadStore(path, loaded); err != nil {
		t.Fatal(err)
	}
	if loaded.NumVariables() != len(testVars) {
		t.Errorf("%d variables loaded, want %d", loaded.NumVariables(), len(testVars))
	}
	for _, sv := range testVars {
		v := loaded.GetVariable(sv.path)
		if v == nil {
			t.Fatalf("variable %s not loaded", sv.path)
		}
		if wantShape := shapes.Make(sv.dt, sv.dims...); !v.Shape().Equal(wantShape) {
			t.Errorf("%s: shape %s, want %s", sv.path, v.Shape(), wantShape)
		}
		if got := tensorBytes(t, v.MustValue()); !bytes.Equal(got, want[sv.path]) {
			t.Errorf("%s: values differ: % x, want % x", sv.path, got, want[sv.path])
		}
		if v.Trainable != sv.trainable {
			t.Errorf("%s: trainable %v, want %v", sv.path, v.Trainable, sv.trainable)
		}
	}

	var got testConfig
	if err := ReadConfig(path, &got); err != nil {
		t.Fatal(err)
	}
	if got.Dim != config.Dim || strings.Join(got.Layers, ",") != "attn,mlp" {
		t.Errorf("config %+v, want %+v", got, config)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "ckpt.json")); err != nil {
		t.Errorf("config not beside the weights: %v", err)
	}

	// Loading into a store that already has the variables replaces their values in place.
	again, _ := newTestStore(t, 2)
	if err := LoadStore(path, again); err != nil {
		t.Fatal(err)
	}
	for _, sv := range testVars {
		if got := tensorBytes(t, again.GetVariable(sv.path).MustValue()); !bytes.Equal(got, want[sv.path]) {
			t.Errorf("%s: existing variable not overwritten", sv.path)
		}
	}
}

func TestStableNames(t *testing.T) {
	store, _ := newTestStore(t, 3)
	path := filepath.Join(t.TempDir(), "names.safetensors")
	if err := SaveStore(path, store, nil); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, ok := f.Info("block_0/attn/q/weights")
	if !ok || info.DType != safetensors.F32 || len(info.Shape) != 2 {
		t.Errorf("tensor block_0/attn/q/weights: %+v, %v", info, ok)
	}
	if want := `["block_0/attn/q/weights_m1","global_step","mask"]`; f.Metadata()[MetadataNonTrainable] != want {
		t.Errorf("non-trainable list %q, want %q", f.Metadata()[MetadataNonTrainable], want)
	}
	for _, p := range []string{"/a", "/block_0/attn/q/weights", "/#rngState", "/x.y/z"} {
		if got := VariablePath(TensorName(p)); got != p {
			t.Errorf("VariablePath(TensorName(%q)) = %q", p, got)
		}
	}
	if _, err := os.Stat(ConfigPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("nil config wrote %s", ConfigPath(path))
	}
}

func TestLoadMismatchLeavesStoreUntouched(t *testing.T) {
	src, _ := newTestStore(t, 4)
	path := filepath.Join(t.TempDir(), "src.safetensors")
	if err := SaveStore(path, src, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		value *tensors.Tensor
		want  string
	}{
		{"shape", tensors.FromShape(shapes.Make(dtypes.Float32, 4, 3)), `variable "/embed/table" is (Float32)[4, 3] in the store but (Float64)[2, 3] in the file`},
		{"dtype", tensors.FromShape(shapes.Make(dtypes.Float32, 2, 3)), `variable "/embed/table" is (Float32)[2, 3] in the store but (Float64)[2, 3] in the file`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := model.NewStore()
			if _, err := dst.CreateVariable("/embed/table", tc.value); err != nil {
				t.Fatal(err)
			}
			before := tensorBytes(t, tc.value)
			err := LoadStore(path, dst)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
			if dst.NumVariables() != 1 || !bytes.Equal(tensorBytes(t, dst.GetVariable("/embed/table").MustValue()), before) {
				t.Errorf("a failed load changed the store")
			}
		})
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.safetensors")
	err := LoadStore(missing, model.NewStore())
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}

	corrupt := filepath.Join(dir, "corrupt.safetensors")
	if err := os.WriteFile(corrupt, []byte("not a safetensors file"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = LoadStore(corrupt, model.NewStore())
	var fe *safetensors.FormatError
	if !errors.As(err, &fe) || fe.Path != corrupt {
		t.Errorf("corrupt file: %v", err)
	}

	// A file holding a dtype GoMLX lacks, and a BOOL that is neither 0 nor 1.
	for _, tc := range []struct {
		tensor safetensors.Tensor
		want   string
	}{
		{safetensors.Tensor{Name: "f8", DType: safetensors.F8_E4M3, Shape: []int{1}, Data: []byte{1}}, "dtype F8_E4M3 has no GoMLX equivalent"},
		{safetensors.Tensor{Name: "b", DType: safetensors.BOOL, Shape: []int{2}, Data: []byte{1, 2}}, "BOOL element 1 is 2"},
	} {
		path := filepath.Join(dir, tc.tensor.Name+".safetensors")
		if err := safetensors.WriteFile(path, []safetensors.Tensor{tc.tensor}, nil); err != nil {
			t.Fatal(err)
		}
		if err := LoadStore(path, model.NewStore()); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file and containing %q", tc.tensor.Name, err, tc.want)
		}
	}

	if err := ReadConfig(missing, &testConfig{}); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing config: %v", err)
	}
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	store := model.NewStore()
	store.VariableWithShape("/uninitialized", shapes.Make(dtypes.Float32, 2), nil)
	if err := SaveStore(filepath.Join(dir, "u.safetensors"), store, nil); err == nil || !strings.Contains(err.Error(), `"/uninitialized"`) {
		t.Errorf("uninitialized variable: %v", err)
	}

	store = model.NewStore()
	if _, err := store.CreateVariable("/c", tensors.FromShape(shapes.Make(dtypes.Complex64, 2))); err != nil {
		t.Fatal(err)
	}
	if err := SaveStore(filepath.Join(dir, "c.safetensors"), store, nil); err == nil || !strings.Contains(err.Error(), "Complex64 has no safetensors equivalent") {
		t.Errorf("complex variable: %v", err)
	}

	store, _ = newTestStore(t, 5)
	if err := SaveStore(filepath.Join(dir, "f.safetensors"), store, map[string]any{"bad": func() {}}); err == nil || !strings.Contains(err.Error(), "config") {
		t.Errorf("unencodable config: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed saves left %d files", len(entries))
	}
}

func TestReadConfigIsStrict(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, body, want string }{
		{"unknown field", `{"dim": 1, "heads": 2}`, `unknown field "heads"`},
		{"trailing data", `{"dim": 1} {}`, "data after the JSON value"},
		{"wrong type", `{"dim": "one"}`, "cannot unmarshal"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := ReadConfig(path, &testConfig{}); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s and containing %q", tc.name, err, path, tc.want)
		}
	}
}

func TestTensorConversionIsBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 3))
	for gdt, sdt := range toSafetensors {
		for _, dims := range [][]int{{}, {0}, {2, 3, 1}} {
			value, want := randomGoMLX(t, rng, gdt, dims...)
			st, err := TensorFromGoMLX("x", value)
			if err != nil {
				t.Fatal(err)
			}
			if st.DType != sdt || !bytes.Equal(st.Data, want) || st.Shape == nil || len(st.Shape) != len(dims) {
				t.Errorf("%s%v: got %s%v", gdt, dims, st.DType, st.Shape)
			}
			back, err := TensorToGoMLX(st)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Shape().Equal(value.Shape()) || !bytes.Equal(tensorBytes(t, back), want) {
				t.Errorf("%s%v: round trip gave %s", gdt, dims, back.Shape())
			}
		}
	}
	// NaN payloads and -0 survive: a float conversion anywhere would quieten or drop them.
	nan := binary.LittleEndian.AppendUint32(nil, 0x7f800001)
	nan = binary.LittleEndian.AppendUint32(nan, 0x80000000)
	back, err := TensorToGoMLX(safetensors.Tensor{Name: "nan", DType: safetensors.F32, Shape: []int{2}, Data: nan})
	if err != nil || !bytes.Equal(tensorBytes(t, back), nan) {
		t.Errorf("NaN payload: %v", err)
	}
	if _, err := TensorToGoMLX(safetensors.Tensor{Name: "short", DType: safetensors.F32, Shape: []int{2}, Data: nan[:7]}); err == nil || !strings.Contains(err.Error(), `"short"`) {
		t.Errorf("short data: %v", err)
	}
	if _, err := TensorToGoMLX(safetensors.Tensor{Name: "neg", DType: safetensors.U8, Shape: []int{-1}}); err == nil {
		t.Error("negative dimension accepted")
	}
	if _, err := TensorFromGoMLX("i4", tensors.FromShape(shapes.Make(dtypes.Int4, 2))); err == nil || !strings.Contains(err.Error(), `"i4"`) {
		t.Errorf("Int4: %v", err)
	}
}

// TestCheckpointResumesExactly runs a graph that draws random numbers and counts steps, saves
// the store, then checks that a fresh store loaded from the file computes the very same next
// step as the original: weights, step counter and RNG state all came back.
func TestCheckpointResumesExactly(t *testing.T) {
	goBackend := testutil.Backend()
	step := func(scope *model.Scope, g *graph.Graph) *graph.Node {
		w := scope.Store().GetVariable("/dense/weights")
		counter := scope.Store().GetVariable("/step")
		next := graph.OnePlus(counter.NodeValue(g))
		counter.SetNodeValue(next)
		r := scope.RandomUniform(g, shapes.Make(dtypes.Float32, 4))
		return graph.Add(graph.Mul(w.NodeValue(g), r), graph.ConvertDType(next, dtypes.Float32))
	}
	original := model.NewStore()
	if _, err := original.CreateVariable("/dense/weights", tensors.FromValue([]float32{1, -2, 3, 0.5})); err != nil {
		t.Fatal(err)
	}
	counter, err := original.CreateVariable("/step", tensors.FromValue(int64(0)))
	if err != nil {
		t.Fatal(err)
	}
	counter.SetTrainable(false)
	if err := original.SetRNGStateFromSeed(7); err != nil {
		t.Fatal(err)
	}
	if _, err := model.CallOnce(goBackend, original, step); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "resume.safetensors")
	if err := SaveStore(path, original, nil); err != nil {
		t.Fatal(err)
	}
	wantOut, err := model.CallOnce(goBackend, original, step)
	if err != nil {
		t.Fatal(err)
	}

	resumed := model.NewStore()
	if err := LoadStore(path, resumed); err != nil {
		t.Fatal(err)
	}
	gotOut, err := model.CallOnce(goBackend, resumed, step)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tensorBytes(t, gotOut), tensorBytes(t, wantOut)) {
		t.Errorf("resumed step gave %v, original %v", gotOut, wantOut)
	}
	if got := tensors.ToScalar[int64](resumed.GetVariable("/step").MustValue()); got != 2 {
		t.Errorf("step counter %d after resuming and one step, want 2", got)
	}
	if v := resumed.GetVariable("/" + model.RNGStateVariableName); v == nil || v.Trainable {
		t.Errorf("RNG state variable %v not restored as non-trainable", v)
	}
}
