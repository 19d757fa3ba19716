package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

func TestBatchMatMul(t *testing.T) {
	// Per item: [[1 2] [3 4]]·[[1 0 1] [0 1 1]] and twice that.
	l := []float32{1, 2, 3, 4, 2, 4, 6, 8}
	r := []float32{1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1}
	out := graph.MustExecOnce(testBackend(), BatchMatMul,
		tensors.FromFlatDataAndDimensions(l, 2, 2, 2), tensors.FromFlatDataAndDimensions(r, 2, 2, 3))
	want := []float32{1, 2, 3, 3, 4, 7, 2, 4, 6, 6, 8, 14}
	if got := tensors.MustCopyFlatData[float32](out); maxAbsDiff(got, want) != 0 {
		t.Errorf("BatchMatMul = %v, want %v", got, want)
	}
	g := graph.NewGraph(testBackend(), "bad")
	defer g.Finalize()
	bad := graph.Parameter(g, "bad", shapes.Make(dtypes.Float32, 2, 3, 4))
	if err := tryPanic(func() { BatchMatMul(bad, bad) }); err == nil {
		t.Error("BatchMatMul accepted [2,3,4]·[2,3,4]")
	}
}

// BenchmarkBatchMatMul times the attention-score product of the physics DiT's training step
// (8 clips x 5 heads, 144 tokens, head width 32) in BatchMatMul's row-major layout beside the
// layout GoMLX's attention used before (both operands contracted on their last axis), on the Go
// backend.
func BenchmarkBatchMatMul(b *testing.B) {
	const items, seq, width = 40, 144, 32
	for _, tc := range []struct {
		name string
		rhs  []int
		fn   func(x, y *graph.Node) *graph.Node
	}{
		{"row-major", []int{items, width, seq}, BatchMatMul},
		{"both-last-axis", []int{items, seq, width}, func(x, y *graph.Node) *graph.Node {
			return graph.DotGeneral(x, []int{2}, []int{0}, y, []int{2}, []int{0})
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			exec := graph.MustNewExec(testBackend(), tc.fn)
			defer exec.Finalize()
			x := tensors.FromShape(shapes.Make(dtypes.Float32, items, seq, width))
			y := tensors.FromShape(shapes.Make(dtypes.Float32, tc.rhs...))
			exec.MustExec(x, y)[0].FinalizeAll()
			b.ResetTimer()
			for range b.N {
				exec.MustExec(x, y)[0].FinalizeAll()
			}
			b.ReportMetric(2*items*seq*seq*width*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// tryPanic runs fn and returns what it panicked with as an error, nil when it returned.
func tryPanic(fn func()) error {
	return exceptions.TryCatch[error](fn)
}

// TestFusedAttention: outside training the Go backend's fused attention kernel runs, and matches
// the product form (float32, with and without the causal mask); in training, with
// FusedAttentionEnv set, the Go backend (no fused backward) runs the product form exactly.
func TestFusedAttention(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const batch, heads, headDim, seq = 2, 2, 8, 6
	q, k, v := randomFloats(rng, batch*seq*heads*headDim), randomFloats(rng, batch*seq*heads*headDim),
		randomFloats(rng, batch*seq*heads*headDim)
	split := func(x *graph.Node) *graph.Node { return graph.Reshape(x, batch, seq, heads, headDim) }
	for _, causal := range []bool{false, true} {
		var fusedUsed bool
		fused, _ := runGraph(t, newStore(1), false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			fusedUsed = fusedAttentionWanted(scope, in[0])
			return []*graph.Node{ScaledDotProductAttention(scope, split(in[0]), split(in[1]), split(in[2]), causal)}
		}, q, k, v)
		if !fusedUsed {
			t.Fatal("the Go backend's fused attention was not used outside training")
		}
		product, _ := runGraph(t, newStore(1), false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			return []*graph.Node{productAttention(scope, split(in[0]), split(in[1]), split(in[2]), causal)}
		}, q, k, v)
		if d := maxAbsDiff(fused[0], product[0]); d > 1e-5 {
			t.Errorf("causal=%v: fused attention differs from the product form by %g", causal, d)
		}
	}

	run := func() [][]float32 {
		out, _ := runGraph(t, newStore(1), true, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			h := func(x *graph.Node) *graph.Node { return graph.ConvertDType(split(x), dtypes.BFloat16) }
			qb, kb, vb := h(in[0]), h(in[1]), h(in[2])
			if fusedAttentionWanted(scope, qb) {
				t.Fatal("the Go backend offers no fused attention backward, yet fused attention was wanted in training")
			}
			att := graph.ConvertDType(ScaledDotProductAttention(scope, qb, kb, vb, false), dtypes.Float32)
			loss := graph.ReduceAllSum(graph.Square(att))
			grads := graph.Gradient(loss, in[0], in[1], in[2])
			return append([]*graph.Node{att}, grads...)
		}, q, k, v)
		return out
	}
	t.Setenv(FusedAttentionEnv, "0")
	want := run()
	t.Setenv(FusedAttentionEnv, "1")
	got := run()
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("output %d value %d: %g, %g with the product form", i, j, got[i][j], want[i][j])
			}
		}
	}
}
