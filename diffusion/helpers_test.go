package diffusion

import (
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// The shared test helpers (internal/testutil), under the names the package's tests use.
var (
	testBackend = testutil.Backend
	newStore    = testutil.NewStore
	randn       = testutil.Randn
	full        = testutil.Full
	maxAbsDiff  = testutil.MaxAbsDiff
	flat        = testutil.Flat
	tensorOf    = testutil.TensorOf
)

func mustPreset(t testing.TB, name string) Config {
	t.Helper()
	c, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustNew(t testing.TB, c Config) *DiT {
	t.Helper()
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// runOn builds fn on store, runs it on args and returns the float32 outputs.
func runOn(t testing.TB, store *model.Store, fn func(scope *model.Scope, in []*graph.Node) []*graph.Node, args ...any) [][]float32 {
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
	res := make([][]float32, len(outs))
	for i, o := range outs {
		res[i] = tensors.MustCopyFlatData[float32](o)
		_ = o.FinalizeAll()
	}
	return res
}
