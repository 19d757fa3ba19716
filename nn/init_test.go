package nn

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// TestRandomNormalInit: half-precision variables get normal values of the asked spread (GoMLX's
// RandomNormalFn gives them zeros), and float32 ones the same values as RandomNormalFn.
func TestRandomNormalInit(t *testing.T) {
	const std = 0.02
	init := func(dt dtypes.DType, ours bool) []float32 {
		store := newStore(7)
		exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *graph.Node) *graph.Node {
			fn := initializer.RandomNormalFn(scope, std)
			if ours {
				fn = RandomNormalInit(scope, std)
			}
			v := scope.WithInitializer(fn).VariableWithShape("v", shapes.Make(dt, 64, 64)).NodeValue(x.Graph())
			return graph.Add(graph.ConvertDType(v, dtypes.Float32), x)
		})
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		out, err := exec.Call(float32(0))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0])
	}
	rms := func(v []float32) float64 {
		var ss float64
		for _, x := range v {
			ss += float64(x) * float64(x)
		}
		return math.Sqrt(ss / float64(len(v)))
	}
	for _, dt := range []dtypes.DType{dtypes.BFloat16, dtypes.Float16} {
		if r := rms(init(dt, true)); math.Abs(r-std) > 0.1*std {
			t.Errorf("%s: RMS %.4g, want %g", dt, r, std)
		}
	}
	a, b := init(dtypes.Float32, true), init(dtypes.Float32, false)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("float32 value %d: %g, RandomNormalFn gives %g", i, a[i], b[i])
		}
	}
}
