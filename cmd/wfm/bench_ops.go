package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/bench"
)

func benchOpsCmd() *cobra.Command {
	var (
		ops, dts   []string
		rows, cols = 4096, 1024
		reps       = 5
	)
	cmd := &cobra.Command{
		Use:   "ops",
		Short: "Time each elementwise op, and its gradient, in nanoseconds per element",
		Long: `bench ops times, on the chosen backend, every elementwise op wfm's models use (exp, log,
logistic, tanh, erf, rsqrt, SiLU, GELU, softmax), forward and with its gradient ("+grad": the
gradient of sum(f(x)·y) with respect to x, forward and backward in one graph), as our layers
build them in training and, marked "(fused)", as the backend's fused kernels GoMLX picks when it
can. Each row is one compiled graph over a --rows x --cols input, timed --reps times after an
untimed first call; it prints nanoseconds per element and the ratio to add's (memory speed):
a transcendental that is many times add's is the next cliff to fix.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			specs, err := bench.SelectOps(ops)
			if err != nil {
				return usagef("bench ops: %v", err)
			}
			var types []dtypes.DType
			for _, name := range dts {
				dt, err := dtypes.DTypeString(name) // case-insensitive
				if err != nil || !dt.IsFloat() {
					return usagef("bench ops: --dtypes: %q is not a float dtype (float32, float64, float16, bfloat16)", name)
				}
				types = append(types, dt)
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			rowsOut, err := bench.RunOps(cmd.Context(), b, bench.OpsOptions{Ops: specs, DTypes: types, Rows: rows, Cols: cols, Reps: reps})
			var argErr *bench.ArgumentError
			if errors.As(err, &argErr) {
				return usagef("%v", err)
			}
			if err != nil {
				return err
			}
			report := bench.NewOpsReport(b, rowsOut)
			return printResult(cmd.OutOrStdout(), report, func(w io.Writer) error {
				fmt.Fprintf(w, "backend %s (%s), simd %s, GOMAXPROCS %d, CPU %s; %dx%d elements, median of %d\n",
					choice.Name, choice.Reason, onOff(report.SIMD), report.GOMAXPROCS, report.CPU, rows, cols, reps)
				fmt.Fprintf(w, "%-18s %-9s %10s %8s\n", "op", "dtype", "ns/elem", "x add")
				for _, r := range report.Rows {
					fmt.Fprintf(w, "%-18s %-9s %10.3f %8.1f\n", r.Op, r.DType, r.NsPerElement, r.VsAdd)
				}
				fmt.Fprintf(w, "worst: %s at %.1fx add\n", report.WorstOp, report.WorstVsAdd)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&ops, "ops", nil, "ops to time (default all: "+strings.Join(bench.OpNames(), ", ")+")")
	f.StringSliceVar(&dts, "dtypes", []string{"float32"}, "dtypes to time (float32, float64, float16, bfloat16)")
	f.IntVar(&rows, "rows", rows, "input rows")
	f.IntVar(&cols, "cols", cols, "input columns")
	f.IntVar(&reps, "reps", reps, "timed calls per op")
	return cmd
}
