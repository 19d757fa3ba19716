package bench

import (
	"context"
	"errors"
	"testing"

	"github.com/gomlx/compute/dtypes"

	"github.com/wfm-platform/wfm/backend"
)

func TestRunOps(t *testing.T) {
	b, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	ops, err := SelectOps([]string{"add", "exp", "exp+grad", "softmax(fused)"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := RunOps(context.Background(), b, OpsOptions{Ops: ops, DTypes: []dtypes.DType{dtypes.Float32, dtypes.BFloat16},
		Rows: 8, Cols: 16, Reps: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 {
		t.Fatalf("%d rows, want 4 ops x 2 dtypes", len(rows))
	}
	for i, r := range rows {
		if r.Op != ops[i%4].Name || r.Elements != 128 || r.Reps != 2 || !(r.NsPerElement > 0) || !(r.VsAdd > 0) {
			t.Errorf("row %d: %+v", i, r)
		}
		if r.Op == "add" && r.VsAdd != 1 {
			t.Errorf("add's ratio to itself is %g", r.VsAdd)
		}
	}
	if rows[0].DType != "Float32" || rows[4].DType != "BFloat16" {
		t.Errorf("dtypes %s, %s", rows[0].DType, rows[4].DType)
	}
	rep := NewOpsReport(b, rows)
	if rep.WorstOp == "" || rep.WorstVsAdd < 1 || rep.CPU == "" {
		t.Errorf("report %+v", rep)
	}
}

func TestRunOpsRejects(t *testing.T) {
	if _, err := SelectOps([]string{"exp", "nosuchop"}); err == nil {
		t.Error("unknown op accepted")
	}
	b, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	for name, opts := range map[string]OpsOptions{
		"shape":  {Rows: -1, Cols: 4},
		"reps":   {Rows: 2, Cols: 2, Reps: -1},
		"dtypes": {Rows: 2, Cols: 2, DTypes: []dtypes.DType{dtypes.Int32}},
	} {
		_, err := RunOps(context.Background(), b, opts)
		var argErr *ArgumentError
		if !errors.As(err, &argErr) || argErr.Name != name {
			t.Errorf("%s: got %v, want an ArgumentError for %q", name, err, name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunOps(ctx, b, OpsOptions{Rows: 2, Cols: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}
