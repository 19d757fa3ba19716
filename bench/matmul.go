package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// MatMulResult is the throughput of a bare float32 matrix product on a backend: the ceiling a
// training step built mostly of such products can approach.
type MatMulResult struct {
	M, K, N           int     `json:"-"`
	Shape             string  `json:"shape"` // "[M,K]x[K,N]"
	MedianSeconds     float64 `json:"median_seconds"`
	GFLOPS            float64 `json:"gflops"` // 2*M*K*N / MedianSeconds / 1e9
	Steps             int     `json:"steps"`
	CompileSeconds    float64 `json:"compile_seconds"`
	checksumForTiming float32
}

// RunMatMul times steps products of fixed [m,k] and [k,n] float32 matrices, after one untimed
// call that compiles. Each product's result is reduced to a scalar copied to the host, so the
// clock stops only after the work is done (the reduction is O(m*n), small beside O(m*k*n)).
func RunMatMul(ctx context.Context, b compute.Backend, m, k, n, steps int) (MatMulResult, error) {
	if m <= 0 || k <= 0 || n <= 0 || steps <= 0 {
		return MatMulResult{}, &ArgumentError{"matmul", fmt.Sprintf("need positive sizes and steps, got %dx%dx%d, %d steps", m, k, n, steps)}
	}
	exec, err := graph.NewExec(b, func(x, y *graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.MatMul(x, y))
	})
	if err != nil {
		return MatMulResult{}, fmt.Errorf("bench: matmul: %w", err)
	}
	defer exec.Finalize()
	x := tensors.FromShape(shapes.Make(dtypes.Float32, m, k))
	y := tensors.FromShape(shapes.Make(dtypes.Float32, k, n))
	tensors.MutableFlatData(x, func(d []float32) { fill(d, 1) })
	tensors.MutableFlatData(y, func(d []float32) { fill(d, 2) })
	r := MatMulResult{M: m, K: k, N: n, Shape: fmt.Sprintf("[%d,%d]x[%d,%d]", m, k, k, n), Steps: steps}
	call := func() error {
		out, err := exec.Exec1(x, y)
		if err != nil {
			return fmt.Errorf("bench: matmul %s: %w", r.Shape, err)
		}
		r.checksumForTiming += tensors.ToScalar[float32](out)
		out.FinalizeAll()
		return nil
	}
	start := time.Now()
	if err := call(); err != nil {
		return r, err
	}
	r.CompileSeconds = time.Since(start).Seconds()
	times := make([]float64, steps)
	for i := range times {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		start := time.Now()
		if err := call(); err != nil {
			return r, err
		}
		times[i] = time.Since(start).Seconds()
	}
	r.MedianSeconds = median(times)
	r.GFLOPS = 2 * float64(m) * float64(k) * float64(n) / r.MedianSeconds / 1e9
	return r, nil
}

// fill writes a small deterministic pattern in [-1, 1).
func fill(d []float32, seed int) {
	for i := range d {
		d[i] = float32((i*7+seed*13)%31)/15.5 - 1
	}
}
