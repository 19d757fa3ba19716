package diffusion

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

// testBackend is the pure-Go backend shared by the package's tests (backend.NewGo).
var testBackend = sync.OnceValue(func() compute.Backend {
	b, err := backend.NewGo()
	if err != nil {
		panic(err)
	}
	return b
})

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

func newStore(seed int64) *model.Store {
	s := model.NewStore()
	s.SetParam(model.ParamInitialSeed, seed)
	return s
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

func randn(seed uint64, dims ...int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 3))
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func full(v float32, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

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

func flat(t *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](t) }

func tensorOf(v []float32, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(v, dims...)
}
