package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"

	"github.com/wfm-platform/wfm/backend"
)

// OpSpec is one row kind of the per-op table: a graph over one input x (and, for binary ops, a
// second input y of the same shape) whose cost is reported per element of x.
type OpSpec struct {
	// Name is the row's name: the op, "+grad" for the gradient of sum(f(x)·y) with respect to x
	// (forward and backward in one graph), "(fused)" for a kernel GoMLX picks outside training.
	Name string
	// Build returns the op's output for inputs x, y: binary ops take y as their second operand,
	// unary ones ignore it (their gradient rows use it as the upstream gradient).
	Build func(x, y *graph.Node) *graph.Node
}

// unary makes the forward row of f and the row of its gradient.
func unary(name string, f func(x *graph.Node) *graph.Node) []OpSpec {
	return []OpSpec{
		{Name: name, Build: func(x, _ *graph.Node) *graph.Node { return f(x) }},
		{Name: name + "+grad", Build: func(x, y *graph.Node) *graph.Node {
			return graph.Gradient(graph.ReduceAllSum(graph.Mul(f(x), y)), x)[0]
		}},
	}
}

// softmaxDecomposed is softmax over the last axis as wfm's layers build it in training graphs.
func softmaxDecomposed(x *graph.Node) *graph.Node {
	shifted := graph.Sub(x, graph.StopGradient(graph.ReduceAndKeep(x, graph.ReduceMax, -1)))
	e := graph.Exp(shifted)
	return graph.Div(e, graph.ReduceAndKeep(e, graph.ReduceSum, -1))
}

// DefaultOps are the rows of `wfm bench ops`: every elementwise op wfm's models use, forward and
// gradient, with add and mul as the memory-speed reference.
func DefaultOps() []OpSpec {
	ops := []OpSpec{
		{Name: "add", Build: graph.Add},
		{Name: "mul", Build: graph.Mul},
	}
	ops = append(ops, unary("exp", graph.Exp)...)
	ops = append(ops, unary("log", func(x *graph.Node) *graph.Node { return graph.Log(graph.Abs(x)) })...)
	ops = append(ops, unary("logistic", graph.Logistic)...)
	ops = append(ops, unary("tanh", graph.Tanh)...)
	ops = append(ops, unary("erf", graph.Erf)...)
	// GoMLX defines no gradient for Rsqrt; wfm's norms differentiate 1/sqrt instead.
	ops = append(ops, OpSpec{Name: "rsqrt", Build: func(x, _ *graph.Node) *graph.Node { return graph.Rsqrt(graph.Abs(x)) }})
	ops = append(ops, unary("silu", func(x *graph.Node) *graph.Node { return graph.Mul(x, graph.Logistic(x)) })...)
	ops = append(ops, unary("gelu", func(x *graph.Node) *graph.Node {
		cdf := graph.AddScalar(graph.Erf(graph.MulScalar(x, 1/math.Sqrt2)), 1)
		return graph.MulScalar(graph.Mul(x, cdf), 0.5)
	})...)
	ops = append(ops, unary("gelu(fused)", activation.Gelu)...)
	ops = append(ops, unary("silu(fused)", activation.Swish)...)
	ops = append(ops,
		OpSpec{Name: "reduce-sum", Build: func(x, _ *graph.Node) *graph.Node { return graph.ReduceAndKeep(x, graph.ReduceSum, -1) }},
		OpSpec{Name: "reduce-max", Build: func(x, _ *graph.Node) *graph.Node { return graph.ReduceAndKeep(x, graph.ReduceMax, -1) }},
		OpSpec{Name: "sub-bcast", Build: func(x, _ *graph.Node) *graph.Node {
			return graph.Sub(x, graph.StopGradient(graph.ReduceAndKeep(x, graph.ReduceMax, -1)))
		}})
	ops = append(ops, unary("softmax", softmaxDecomposed)...)
	ops = append(ops, OpSpec{Name: "softmax(fused)", Build: func(x, _ *graph.Node) *graph.Node { return graph.Softmax(x, -1) }})
	return ops
}

// OpResult is one row of the per-op table.
type OpResult struct {
	Op    string `json:"op"`
	DType string `json:"dtype"`
	// Elements of x per call; Reps timed calls after one untimed call.
	Elements int `json:"elements"`
	Reps     int `json:"reps"`
	// NsPerElement is the median call time divided by Elements.
	NsPerElement float64 `json:"ns_per_element"`
	// VsAdd is NsPerElement over the add row's of the same dtype (0 when add was not run).
	VsAdd float64 `json:"vs_add"`
}

// OpsOptions says what RunOps times.
type OpsOptions struct {
	Ops    []OpSpec       // default DefaultOps()
	DTypes []dtypes.DType // default float32
	Rows   int            // x is [Rows, Cols]; default 4096 x 1024, the shape of issue 15's table
	Cols   int
	Reps   int // timed calls per op; default 5
}

// OpNames lists the names of DefaultOps, for flags and errors.
func OpNames() []string {
	var names []string
	for _, op := range DefaultOps() {
		names = append(names, op.Name)
	}
	return names
}

// SelectOps returns the DefaultOps whose name is in names (all when names is empty), or an
// ArgumentError naming an unknown one.
func SelectOps(names []string) ([]OpSpec, error) {
	all := DefaultOps()
	if len(names) == 0 {
		return all, nil
	}
	var out []OpSpec
	for _, n := range names {
		i := slices.IndexFunc(all, func(op OpSpec) bool { return op.Name == n })
		if i < 0 {
			return nil, &ArgumentError{"ops", fmt.Sprintf("unknown op %q (want one of %s)", n, strings.Join(OpNames(), ", "))}
		}
		out = append(out, all[i])
	}
	return out, nil
}

// RunOps times each op of opts on backend b for each dtype, on a fixed random input in [-2, 2)
// (and a second for binary ops), and returns the table row by row. Each op is one compiled graph;
// each timed call ends when its output is on the host-visible buffer, and the output is freed
// before the next call. ctx cancels between calls.
func RunOps(ctx context.Context, b compute.Backend, opts OpsOptions) ([]OpResult, error) {
	if opts.Ops == nil {
		opts.Ops = DefaultOps()
	}
	if opts.DTypes == nil {
		opts.DTypes = []dtypes.DType{dtypes.Float32}
	}
	if opts.Rows == 0 && opts.Cols == 0 {
		opts.Rows, opts.Cols = 4096, 1024
	}
	if opts.Reps == 0 {
		opts.Reps = 5
	}
	switch {
	case opts.Rows <= 0 || opts.Cols <= 0:
		return nil, &ArgumentError{"shape", fmt.Sprintf("rows and cols must be > 0, got %dx%d", opts.Rows, opts.Cols)}
	case opts.Reps <= 0:
		return nil, &ArgumentError{"reps", fmt.Sprintf("must be > 0, got %d", opts.Reps)}
	}
	for _, dt := range opts.DTypes {
		if !dt.IsFloat() {
			return nil, &ArgumentError{"dtypes", fmt.Sprintf("%s is not a float dtype", dt)}
		}
	}
	n := opts.Rows * opts.Cols
	rng := rand.New(rand.NewPCG(dataSeed, 7))
	xs, ys := make([]float32, n), make([]float32, n)
	for i := range xs {
		xs[i] = 4*rng.Float32() - 2
		ys[i] = 4*rng.Float32() - 2
	}
	var out []OpResult
	for _, dt := range opts.DTypes {
		x := tensors.FromFlatDataAndDimensions(xs, opts.Rows, opts.Cols)
		y := tensors.FromFlatDataAndDimensions(ys, opts.Rows, opts.Cols)
		addNs := 0.0
		for _, op := range opts.Ops {
			ns, err := timeOp(ctx, b, op, dt, x, y, opts.Reps)
			if err != nil {
				return out, fmt.Errorf("bench ops: %s %s: %w", op.Name, dt, err)
			}
			r := OpResult{Op: op.Name, DType: dt.String(), Elements: n, Reps: opts.Reps, NsPerElement: ns / float64(n)}
			if op.Name == "add" {
				addNs = r.NsPerElement
			}
			if addNs > 0 {
				r.VsAdd = r.NsPerElement / addNs
			}
			out = append(out, r)
		}
		x.FinalizeAll()
		y.FinalizeAll()
	}
	return out, nil
}

// timeOp compiles op for dtype dt (inputs converted from float32 inside a separate graph, so the
// timed graph sees dt tensors) and returns the median nanoseconds of reps calls.
func timeOp(ctx context.Context, b compute.Backend, op OpSpec, dt dtypes.DType, x, y *tensors.Tensor, reps int) (float64, error) {
	convert, err := graph.NewExec(b, func(x, y *graph.Node) (*graph.Node, *graph.Node) {
		return graph.ConvertDType(x, dt), graph.ConvertDType(y, dt)
	})
	if err != nil {
		return 0, err
	}
	defer convert.Finalize()
	in, err := convert.Exec(x, y)
	if err != nil {
		return 0, err
	}
	xd, yd := in[0], in[1]
	defer xd.FinalizeAll()
	defer yd.FinalizeAll()
	exec, err := graph.NewExec(b, func(x, y *graph.Node) *graph.Node {
		return op.Build(x, y) // unary forward graphs leave y unused
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	call := func() error {
		res, err := exec.Exec(xd, yd)
		if err != nil {
			return err
		}
		for _, r := range res {
			r.FinalizeAll()
		}
		return nil
	}
	if err := call(); err != nil { // compiles
		return 0, err
	}
	times := make([]float64, 0, reps)
	for range reps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		start := time.Now()
		if err := call(); err != nil {
			return 0, err
		}
		times = append(times, float64(time.Since(start).Nanoseconds()))
	}
	return median(times), nil
}

// OpsReport is the whole of `wfm bench ops`: the table and the machine it ran on.
type OpsReport struct {
	Backend    string     `json:"backend"`
	SIMD       bool       `json:"simd"`
	GOMAXPROCS int        `json:"gomaxprocs"`
	CPU        string     `json:"cpu"`
	Rows       []OpResult `json:"rows"`
	// WorstVsAdd is the largest VsAdd over the rows, and WorstOp its row: the number issue 15's
	// "no op more than 5x slower than add" target reads.
	WorstVsAdd float64 `json:"worst_vs_add"`
	WorstOp    string  `json:"worst_op"`
}

// NewOpsReport wraps rows with the machine's description.
func NewOpsReport(b compute.Backend, rows []OpResult) OpsReport {
	r := OpsReport{Backend: b.String(), SIMD: backend.SIMD, GOMAXPROCS: runtime.GOMAXPROCS(0), CPU: backend.CPUModel(), Rows: rows}
	for _, row := range rows {
		if row.VsAdd > r.WorstVsAdd {
			r.WorstVsAdd, r.WorstOp = row.VsAdd, row.Op+" "+row.DType
		}
	}
	return r
}
