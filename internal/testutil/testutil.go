// Package testutil holds the helpers that wfm's package tests share: the Go backend they run
// on, seeded random tensors and tolerance checks. It is for tests only: no package outside a
// *_test.go file imports it, and its helpers panic rather than return errors.
package testutil

import (
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
)

// Backend returns the pure-Go backend in wfm's configuration (backend.NewGo), one per process
// and shared by every test of the binary: do not Finalize it.
var Backend = sync.OnceValue(func() compute.Backend {
	b, err := backend.NewGo()
	if err != nil {
		panic(err)
	}
	return b
})

// NewStore returns an empty model store whose variables are initialized from seed.
func NewStore(seed int64) *model.Store {
	s := model.NewStore()
	s.SetParam(model.ParamInitialSeed, seed)
	return s
}

// MaxAbsDiff is the largest |a[i]-b[i]| (computed in float64); +Inf when the lengths differ or
// any difference is NaN, so that a tolerance check `MaxAbsDiff(...) > tol` fails on NaNs.
func MaxAbsDiff(a, b []float32) float64 {
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

// RandomFloats returns n standard normal values drawn from rng.
func RandomFloats(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}

// Randn returns a float32 tensor of the given dims holding standard normal values drawn from a
// PCG seeded with (seed, 3): the same seed always gives the same tensor.
func Randn(seed uint64, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(RandomFloats(rand.New(rand.NewPCG(seed, 3)), size(dims)), dims...)
}

// Full returns a float32 tensor of the given dims with every value v.
func Full(v float32, dims ...int) *tensors.Tensor {
	out := make([]float32, size(dims))
	for i := range out {
		out[i] = v
	}
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

// TensorOf returns a float32 tensor of the given dims holding v (not copied).
func TensorOf(v []float32, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// Flat returns a copy of the values of a float32 tensor.
func Flat(t *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](t) }

func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}
