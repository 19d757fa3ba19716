package nn

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
)

// testBackend is the pure-Go backend shared by the package's tests, in wfm's configuration
// (backend.NewGo).
var testBackend = sync.OnceValue(func() compute.Backend {
	b, err := backend.NewGo()
	if err != nil {
		panic(err)
	}
	return b
})

// modes are the two ways layers build graphs: fused kernels (inference) and decomposed (training).
var modes = []struct {
	name     string
	training bool
}{{"inference", false}, {"training", true}}

// newStore returns a store with a fixed initialization seed.
func newStore(seed int64) *model.Store {
	s := model.NewStore()
	s.SetParam(model.ParamInitialSeed, seed)
	return s
}

// runGraph builds fn on store (marking the graph as training when asked), runs it on args and
// returns its outputs as float32 slices, with their shapes.
func runGraph(t *testing.T, store *model.Store, training bool, fn func(scope *model.Scope, in []*graph.Node) []*graph.Node,
	args ...any) ([][]float32, [][]int) {
	t.Helper()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		if training {
			scope.Store().SetTraining(in[0].Graph(), true)
		}
		return fn(scope, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	outs, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	values := make([][]float32, len(outs))
	dims := make([][]int, len(outs))
	for i, o := range outs {
		values[i] = tensors.MustCopyFlatData[float32](o)
		dims[i] = o.Shape().Dimensions
		o.FinalizeAll()
	}
	return values, dims
}

// variableValues returns the float32 values of the store variable at path.
func variableValues(t *testing.T, store *model.Store, path string) ([]float32, []int) {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("variable %q not found", path)
	}
	value, err := v.Value()
	if err != nil {
		t.Fatalf("variable %q: %v", path, err)
	}
	return tensors.MustCopyFlatData[float32](value), value.Shape().Dimensions
}

// randomFloats returns n seeded normal values.
func randomFloats(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}

// randomTokens returns a [batch, seq] int32 tensor of seeded tokens in [0, vocab).
func randomTokens(rng *rand.Rand, batch, seq, vocab int) []int32 {
	out := make([]int32, batch*seq)
	for i := range out {
		out[i] = int32(rng.IntN(vocab))
	}
	return out
}

// maxAbsDiff is the largest |a[i]-b[i]|; +Inf when the lengths differ or any difference is NaN,
// so that a tolerance check `maxAbsDiff(...) > tol` fails on NaNs.
func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var m float64
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		m = max(m, d)
	}
	return m
}
