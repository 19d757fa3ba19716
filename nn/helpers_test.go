package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// testBackend, newStore, randomFloats and maxAbsDiff are the shared test helpers (internal/testutil).
var (
	testBackend  = testutil.Backend
	newStore     = testutil.NewStore
	randomFloats = testutil.RandomFloats
	maxAbsDiff   = testutil.MaxAbsDiff
)

// modes are the two ways layers build graphs: fused kernels (inference) and decomposed (training).
var modes = []struct {
	name     string
	training bool
}{{"inference", false}, {"training", true}}

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

// randomTokens returns a [batch, seq] int32 tensor of seeded tokens in [0, vocab).
func randomTokens(rng *rand.Rand, batch, seq, vocab int) []int32 {
	out := make([]int32, batch*seq)
	for i := range out {
		out[i] = int32(rng.IntN(vocab))
	}
	return out
}
