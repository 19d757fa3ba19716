package weights

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// tinyModel is the test's model: y = x·w + b, two variables.
func tinyModel(scope *model.Scope, x *graph.Node) *graph.Node {
	dense := scope.In("dense")
	w := dense.VariableWithShape("weights", shapes.Make(dtypes.Float32, 3, 2))
	b := dense.VariableWithShape("biases", shapes.Make(dtypes.Float32, 2))
	return graph.Add(graph.Dot(x, w.NodeValue(x.Graph())).Product(), graph.Reshape(b.NodeValue(x.Graph()), 1, 2))
}

// declaredStore builds tinyModel's graph once on a new store (no values needed), so the store
// declares the model's variables; trained values are set by the caller.
func declaredStore(t *testing.T, values map[string][]float32) *model.Store {
	t.Helper()
	b := testutil.Backend()
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(1))
	if _, err := model.CallOnce(b, store, tinyModel, tensors.FromValue([][]float32{{1, 2, 3}})); err != nil {
		t.Fatal(err)
	}
	for path, v := range values {
		if err := store.GetVariable(path).SetValue(tensors.FromFlatDataAndDimensions(v, store.GetVariable(path).Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// otherModelFile saves a store of another model's tensors (a tokenizer's, say) and returns
// its path.
func otherModelFile(t *testing.T) string {
	t.Helper()
	other, _ := newTestStore(t, 9)
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := SaveStore(path, other, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadStoreCheckedRefusesAnotherModelsFile(t *testing.T) {
	path := otherModelFile(t)
	store := declaredStore(t, nil)
	before := tensorBytes(t, store.GetVariable("/dense/weights").MustValue())
	_, err := LoadStoreChecked(path, store, CheckOptions{})
	var mm *MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("LoadStoreChecked: %v, want a *MismatchError", err)
	}
	if mm.Found != 0 || len(mm.Missing) != 2 || !strings.HasPrefix(mm.Missing[0], "dense/biases ") || !strings.HasPrefix(mm.Missing[1], "dense/weights ") {
		t.Errorf("missing %v (found %d), want both dense variables", mm.Missing, mm.Found)
	}
	for _, want := range []string{path, "none of the model's 2 variables", "dense/weights (Float32)[3, 2]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !bytes.Equal(tensorBytes(t, store.GetVariable("/dense/weights").MustValue()), before) {
		t.Error("a refused load changed the store")
	}
	// With RejectExtra the other model's tensors are listed too.
	_, err = LoadStoreChecked(path, store, CheckOptions{RejectExtra: true})
	if !errors.As(err, &mm) || len(mm.Extra) != len(testVars) || !strings.Contains(err.Error(), "the model does not use") {
		t.Errorf("RejectExtra: %v", err)
	}
}

func TestLoadStoreCheckedWrongShapeAndExtra(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	src := model.NewStore()
	w, _ := randomGoMLX(t, rng, dtypes.Float32, 3, 2)
	bias, _ := randomGoMLX(t, rng, dtypes.Float64, 2) // right shape, wrong dtype
	moment, _ := randomGoMLX(t, rng, dtypes.Float32, 3, 2)
	for path, v := range map[string]*tensors.Tensor{"/dense/weights": w, "/dense/biases": bias, "/dense/weights_m1": moment} {
		if _, err := src.CreateVariable(path, v); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	if err := SaveStore(path, src, nil); err != nil {
		t.Fatal(err)
	}
	store := declaredStore(t, nil)
	_, err := LoadStoreChecked(path, store, CheckOptions{})
	var mm *MismatchError
	if !errors.As(err, &mm) || len(mm.Missing) != 0 || len(mm.Wrong) != 1 || !strings.Contains(mm.Wrong[0], "dense/biases: file (Float64)[2], model (Float32)[2]") {
		t.Fatalf("%v (%+v), want dense/biases's dtype named", err, mm)
	}
	// Optional lets a variable be absent; the extra optimizer moment is reported, not loaded.
	rep, err := LoadStoreChecked(path, store, CheckOptions{Optional: func(p string) bool { return p == "/dense/biases" }})
	if err == nil || !errors.As(err, &mm) || len(mm.Wrong) != 1 {
		t.Fatalf("an optional variable of the wrong dtype must still be refused: %v", err)
	}
	src.DeleteVariable("/dense/biases")
	if err := SaveStore(path, src, nil); err != nil {
		t.Fatal(err)
	}
	rep, err = LoadStoreChecked(path, store, CheckOptions{Optional: func(p string) bool { return p == "/dense/biases" }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Loaded != 1 || len(rep.Extra) != 1 || rep.Extra[0] != "dense/weights_m1" {
		t.Errorf("report %+v, want 1 loaded and the moment as extra", rep)
	}
	if store.GetVariable("/dense/weights_m1") != nil {
		t.Error("an extra tensor was added to the model's store")
	}
	if !bytes.Equal(tensorBytes(t, store.GetVariable("/dense/weights").MustValue()), tensorBytes(t, w)) {
		t.Error("dense/weights not loaded")
	}
}

func TestRequireFailsTheGraphOnAMissingVariable(t *testing.T) {
	b := testutil.Backend()
	x := tensors.FromValue([][]float32{{1, 2, 3}})

	// Another model's file: LoadStore alone takes it, and the model would run on initial values.
	path := otherModelFile(t)
	store := model.NewStore()
	if err := LoadStore(path, store); err != nil {
		t.Fatal(err)
	}
	Require(store, path)
	_, err := model.CallOnce(b, store, tinyModel, x)
	var miss *MissingVariableError
	if !errors.As(err, &miss) || miss.Variable != "/dense/weights" || miss.Source != path || miss.Held != len(testVars) {
		t.Fatalf("the model ran on a store without its weights: %v", err)
	}
	for _, want := range []string{`"dense/weights"`, path, "block_0/"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}

	// The right file: the model runs on the file's values, and random numbers are allowed.
	good := declaredStore(t, map[string][]float32{"/dense/weights": {1, 0, 0, 1, 1, 1}, "/dense/biases": {10, 20}})
	goodPath := filepath.Join(t.TempDir(), "good.safetensors")
	if err := SaveStore(goodPath, good, nil); err != nil {
		t.Fatal(err)
	}
	store = model.NewStore()
	if err := LoadStore(goodPath, store); err != nil {
		t.Fatal(err)
	}
	Require(store, goodPath)
	y, err := model.CallOnce(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		noise := scope.RandomUniform(x.Graph(), shapes.Make(dtypes.Float32, 2))
		return graph.Add(tinyModel(scope, x), graph.Reshape(graph.MulScalar(noise, 0), 1, 2))
	}, x)
	if err != nil {
		t.Fatal(err)
	}
	if got := tensors.MustCopyFlatData[float32](y); got[0] != 1+3+10 || got[1] != 2+3+20 {
		t.Errorf("y = %v, want [14 25] from the file's weights", got)
	}
}
