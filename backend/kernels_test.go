package backend

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestTranscendentalKernels checks the Go backend's elementwise transcendentals against Go's
// math package, float32, over ordinary values, both sides of the ranges the vector kernels
// reduce by, subnormals and the special values: the SIMD kernels wfm patched into compute
// (Log, Sin, Cos: third_party/compute/PATCHES.md) and compute's own (Exp, Logistic, Tanh, Erf).
// Inputs are long enough (> 65536) for the kernels' parallel chunks.
func TestTranscendentalKernels(t *testing.T) {
	b, err := NewGo()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 2, 1e-30, 1e-40, 1e-45, -1e-40,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.MaxFloat32, math.SmallestNonzeroFloat32,
		1.17549435e-38, 8191.9, 8192, 8192.5, -8192.5, 1e5, -1e5, 3e9, float32(math.Pi), float32(math.Pi / 4), 0.7071067}
	const n = 100_000
	xs := append([]float32(nil), special...)
	for len(xs) < n {
		switch len(xs) % 4 {
		case 0:
			xs = append(xs, float32(rng.NormFloat64()))
		case 1:
			xs = append(xs, float32(rng.NormFloat64()*100))
		case 2:
			xs = append(xs, float32(math.Exp(rng.NormFloat64()*20))) // wide positive range
		default:
			xs = append(xs, float32((rng.Float64()*2-1)*8000))
		}
	}
	// inRange keeps the values the vector sine and cosine reduce themselves (|x| <= 8192, and the
	// non-finite ones): with any other value in a chunk, the chunk is computed with math.Sin/Cos.
	var inRange []float32
	for _, x := range xs {
		if !(math.Abs(float64(x)) > 8192) || math.IsInf(float64(x), 0) {
			inRange = append(inRange, x)
		}
	}
	type kernel struct {
		name string
		op   func(*graph.Node) *graph.Node
		ref  func(float64) float64
		tol  float64 // absolute error allowed, scaled by max(1, |ref|)
	}
	for _, k := range []kernel{
		{"log", graph.Log, math.Log, 3e-7},
		{"sin", graph.Sin, math.Sin, 4e-7},
		{"cos", graph.Cos, math.Cos, 4e-7},
		{"exp", graph.Exp, math.Exp, 1e-6},
		{"logistic", graph.Logistic, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 1e-6},
		{"tanh", graph.Tanh, math.Tanh, 2e-6},
		{"erf", graph.Erf, math.Erf, 2e-6},
	} {
		for _, in := range [][]float32{xs, inRange} {
			for _, dt := range []dtypes.DType{dtypes.Float32, dtypes.BFloat16} {
				xs := in
				exec, err := graph.NewExec(b, func(x *graph.Node) *graph.Node {
					return graph.ConvertDType(k.op(graph.ConvertDType(x, dt)), dtypes.Float32)
				})
				if err != nil {
					t.Fatal(err)
				}
				out, err := exec.Exec(tensors.FromFlatDataAndDimensions(xs, len(xs)))
				exec.Finalize()
				if err != nil {
					t.Fatal(err)
				}
				got := tensors.MustCopyFlatData[float32](out[0])
				out[0].FinalizeAll()
				tol := k.tol
				if dt == dtypes.BFloat16 {
					tol = 1.6e-2 // 8-bit mantissa on the way in and out
				}
				bad := 0
				for i, x := range xs {
					in := float64(x)
					if dt == dtypes.BFloat16 {
						in = float64(tensorsRoundBF16(x))
					}
					want := k.ref(in)
					g := float64(got[i])
					if math.IsNaN(want) || math.IsInf(want, 0) {
						if !(math.IsNaN(want) && math.IsNaN(g)) && g != want {
							if want > math.MaxFloat32 && math.IsInf(g, 1) || want < -math.MaxFloat32 && math.IsInf(g, -1) {
								continue
							}
							t.Errorf("%s %s(%g) = %g, want %g", dt, k.name, x, g, want)
							bad++
						}
					} else if d := math.Abs(g - want); d > tol*math.Max(1, math.Abs(want)) && !(math.Abs(want) > math.MaxFloat32) {
						t.Errorf("%s %s(%g) = %g, want %g (error %.3g)", dt, k.name, x, g, want, d)
						bad++
					}
					if bad > 5 {
						t.Fatalf("%s %s: too many errors", dt, k.name)
					}
				}
			}
		}
	}
}

// tensorsRoundBF16 is x rounded to the nearest bfloat16, as the graph's conversion does.
func tensorsRoundBF16(x float32) float32 {
	bits := math.Float32bits(x)
	if x != x {
		return x
	}
	bits += 0x7fff + (bits>>16)&1
	return math.Float32frombits(bits &^ 0xffff)
}
