package train_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/train"
)

// Example fits y = 2x - 1 with a one-unit dense layer.
func Example() {
	goBackend, err := backend.NewGo()
	if err != nil {
		log.Fatal(err)
	}
	xs, ys := make([]float32, 64), make([]float32, 64)
	for i := range xs {
		xs[i] = float32(i)/32 - 1
		ys[i] = 2*xs[i] - 1
	}
	data, err := train.NewSliceLoader(16, 1,
		tensors.FromFlatDataAndDimensions(xs, 64, 1), tensors.FromFlatDataAndDimensions(ys, 64, 1))
	if err != nil {
		log.Fatal(err)
	}
	loss := func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		pred := layers.DenseWithBias(scope.In("line"), batch[0], 1)
		return graph.ReduceAllMean(graph.Square(graph.Sub(pred, batch[1])))
	}

	dir, err := os.MkdirTemp("", "train-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg := train.DefaultConfig()
	cfg.Dir, cfg.Steps, cfg.WarmupSteps, cfg.LR, cfg.MinLR = dir, 300, 10, 0.05, 0.005
	cfg.CheckpointEvery, cfg.Progress = 100, false

	res, err := train.Run(context.Background(), goBackend, model.NewStore(), loss, data, cfg,
		train.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("steps:", res.Step)
	fmt.Println("checkpoint:", filepath.Base(res.Checkpoint))
	fmt.Println("fitted:", res.Loss < 1e-3)
	// Output:
	// steps: 300
	// checkpoint: ckpt-00000300
	// fitted: true
}
