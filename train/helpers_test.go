package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// goBackend returns the shared pure-Go test backend (internal/testutil).
func goBackend(testing.TB) compute.Backend { return testutil.Backend() }

// toyRegression returns n examples x in [-1, 1]^4 and y = sin(2 x0) + x1 * x2 - 0.5 x3^2,
// drawn from a PCG seeded with seed.
func toyRegression(n int, seed uint64) (x, y *tensors.Tensor) {
	rng := rand.New(rand.NewPCG(seed, 7))
	xs := make([]float32, 4*n)
	ys := make([]float32, n)
	for i := range n {
		for j := range 4 {
			xs[4*i+j] = float32(2*rng.Float64() - 1)
		}
		x0, x1, x2, x3 := float64(xs[4*i]), float64(xs[4*i+1]), float64(xs[4*i+2]), float64(xs[4*i+3])
		ys[i] = float32(math.Sin(2*x0) + x1*x2 - 0.5*x3*x3)
	}
	return tensors.FromFlatDataAndDimensions(xs, n, 4), tensors.FromFlatDataAndDimensions(ys, n, 1)
}

// mlpLoss is a 4-16-1 tanh MLP with dropout 0.1 (so the run draws from the Store's random
// generator every step) and a mean squared error.
func mlpLoss(scope *model.Scope, batch []*graph.Node) *graph.Node {
	x, y := batch[0], batch[1]
	h := graph.Tanh(layers.DenseWithBias(scope.In("hidden"), x, 16))
	h = layers.DropoutStatic(scope, h, 0.1)
	out := layers.DenseWithBias(scope.In("out"), h, 1)
	return graph.ReduceAllMean(graph.Square(graph.Sub(out, y)))
}

// tinyConfig is a short run in dir with quiet output.
func tinyConfig(dir string) Config {
	c := DefaultConfig()
	c.Steps = 40
	c.LR = 1e-2
	c.MinLR = 1e-3
	c.WarmupSteps = 5
	c.CheckpointEvery = 10
	c.LogEvery = 1
	c.Dir = dir
	c.Progress = false
	return c
}
