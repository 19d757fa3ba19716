package train

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// linearLoss is the mean squared error of x·w against y, with w the variable /linear/w [4, 1].
func linearLoss(scope *model.Scope, batch []*graph.Node) *graph.Node {
	w := scope.In("linear").VariableWithShape("w", shapes.Make(dtypes.Float32, 4, 1))
	pred := graph.MatMul(batch[0], w.NodeValue(batch[0].Graph()))
	return graph.ReduceAllMean(graph.Square(graph.Sub(pred, batch[1])))
}

// linearProblem returns a store whose /linear/w starts at w0, and a full batch of 8 examples.
func linearProblem(t *testing.T, w0 []float32) (*model.Store, []*tensors.Tensor, [][]float64, []float64) {
	t.Helper()
	store := model.NewStore()
	if _, err := store.CreateVariable("/linear/w", tensors.FromFlatDataAndDimensions(w0, 4, 1)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 8
	xs, ys := make([]float32, 4*n), make([]float32, n)
	x64, y64 := make([][]float64, n), make([]float64, n)
	for i := range n {
		x64[i] = make([]float64, 4)
		for j := range 4 {
			xs[4*i+j] = float32(rng.NormFloat64())
			x64[i][j] = float64(xs[4*i+j])
		}
		ys[i] = float32(rng.NormFloat64() + 3)
		y64[i] = float64(ys[i])
	}
	batch := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(xs, n, 4), tensors.FromFlatDataAndDimensions(ys, n, 1)}
	return store, batch, x64, y64
}

// linearGradient is dL/dw = (2/N) X^T (X w - y) for the mean squared error, in float64.
func linearGradient(x [][]float64, y []float64, w []float32) []float64 {
	g := make([]float64, 4)
	for i := range x {
		r := -y[i]
		for j := range 4 {
			r += x[i][j] * float64(w[j])
		}
		for j := range 4 {
			g[j] += 2 * r * x[i][j] / float64(len(x))
		}
	}
	return g
}

func variableValues(t *testing.T, store *model.Store, path string) []float32 {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("no variable %s", path)
	}
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// sgdConfig is plain gradient descent at a constant rate, without clipping or EMA.
func sgdConfig(lr float64) Config {
	c := DefaultConfig()
	c.Optimizer, c.WeightDecay = OptimizerSGD, 0
	c.LR, c.MinLR, c.WarmupSteps, c.Schedule = lr, 0, 0, ScheduleConstant
	c.GradClip, c.EMADecay = 0, 0
	c.Steps = 10
	return c
}

func TestGlobalNormAndClip(t *testing.T) {
	backend := goBackend(t)
	// Gradients (3, 0) and (0, 4): global norm 5.
	tests := []struct {
		maxNorm float64
		want    []float32 // clipped values, then the norm
	}{
		{1, []float32{3 / (5 + 1e-6), 0, 0, 4 / (5 + 1e-6), 5}},
		{2.5, []float32{3 * 2.5 / (5 + 1e-6), 0, 0, 4 * 2.5 / (5 + 1e-6), 5}},
		{10, []float32{3, 0, 0, 4, 5}}, // below the limit: unchanged
	}
	for _, tc := range tests {
		out := graph.MustExecOnceN(backend, func(a, b *graph.Node) []*graph.Node {
			n := GlobalNorm([]*graph.Node{a, b})
			c := ClipByGlobalNorm([]*graph.Node{a, b}, n, tc.maxNorm)
			return []*graph.Node{c[0], c[1], n}
		}, []float32{3, 0}, []float32{0, 4})
		got := append(append(tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])...),
			tensors.ToScalar[float32](out[2]))
		for i := range got {
			if math.Abs(float64(got[i]-tc.want[i])) > 1e-6 {
				t.Errorf("max norm %g: got %v, want %v", tc.maxNorm, got, tc.want)
				break
			}
		}
	}
}

// TestTrainStepClipsUpdate checks, on plain SGD where the update is -lr * gradient, that the
// applied update is the analytic gradient scaled down to the clipping norm.
func TestTrainStepClipsUpdate(t *testing.T) {
	const lr = 0.1
	w0 := []float32{0.5, -0.25, 1, 0}
	for _, clip := range []float64{0, 0.05, 1e6} {
		store, batch, x, y := linearProblem(t, w0)
		cfg := sgdConfig(lr)
		cfg.GradClip = clip
		tr, err := NewTrainer(goBackend(t), store, linearLoss, cfg)
		if err != nil {
			t.Fatal(err)
		}
		stats, err := tr.TrainStep(batch)
		if err != nil {
			t.Fatal(err)
		}
		g := linearGradient(x, y, w0)
		gn := norm(g)
		if math.Abs(float64(stats.GradNorm)-gn) > 1e-5*gn {
			t.Errorf("clip %g: reported gradient norm %g, analytic %g", clip, stats.GradNorm, gn)
		}
		scale := 1.0
		if clip > 0 {
			scale = min(1, clip/(gn+1e-6))
		}
		if clip == 0.05 && gn < 10*clip {
			t.Fatalf("test problem too easy: gradient norm %g does not exceed the clip %g", gn, clip)
		}
		w1 := variableValues(t, store, "/linear/w")
		update := make([]float64, 4)
		for j := range 4 {
			update[j] = float64(w1[j] - w0[j])
			want := -lr * scale * g[j]
			if math.Abs(update[j]-want) > 1e-6+1e-4*math.Abs(want) {
				t.Errorf("clip %g: update[%d] = %g, want %g", clip, j, update[j], want)
			}
		}
		if clip > 0 && norm(update)/lr > clip*(1+1e-5) {
			t.Errorf("clip %g: applied update has norm %g / lr = %g, above the clip", clip, norm(update), norm(update)/lr)
		}
		if stats.Step != 1 || tr.Step() != 1 || stats.LR != lr {
			t.Errorf("stats %+v, Step() %d", stats, tr.Step())
		}
	}
}

// TestEMAFollowsFormula runs a few SGD steps and recomputes the moving average from the
// weights after each step: ema_0 = w_0, ema_t = d_t * ema_{t-1} + (1 - d_t) * w_t (in float32)
// with the warmed-up decay d_t = min(d, (1+t)/(10+t)).
func TestEMAFollowsFormula(t *testing.T) {
	const d = 0.3 // below (1+t)/(10+t) from t = 3 on: both branches of the warm-up are used
	w0 := []float32{0.5, -0.25, 1, 0}
	store, batch, _, _ := linearProblem(t, w0)
	cfg := sgdConfig(0.05)
	cfg.EMADecay = d
	tr, err := NewTrainer(goBackend(t), store, linearLoss, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ema := append([]float32(nil), w0...)
	for step := 1; step <= 5; step++ {
		if _, err := tr.TrainStep(batch); err != nil {
			t.Fatal(err)
		}
		w := variableValues(t, store, "/linear/w")
		got := variableValues(t, store, EMAPath("/linear/w"))
		dt := float32(min(d, float64(1+step)/float64(10+step)))
		for j := range ema {
			ema[j] = dt*ema[j] + (1-dt)*w[j]
			if math.Abs(float64(got[j]-ema[j])) > 1e-6 {
				t.Fatalf("step %d: ema %v, want %v (weights %v)", step, got, ema, w)
			}
		}
		if step == 5 && math.Abs(float64(w[0]-ema[0])) < 1e-3 {
			t.Fatalf("weights %v and their average %v did not move apart: the test proves nothing", w, ema)
		}
	}
	if v := store.GetVariable(EMAPath("/linear/w")); v.Trainable {
		t.Errorf("the EMA variable is trainable")
	}

	exported, err := ExportStore(store, true)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for v := range exported.IterVariables() {
		paths = append(paths, v.Path())
	}
	if len(paths) != 1 || paths[0] != "/linear/w" {
		t.Fatalf("exported variables %v, want only /linear/w", paths)
	}
	if got := variableValues(t, exported, "/linear/w"); !equalFloats(got, ema) {
		t.Errorf("exported EMA weights %v, want %v", got, ema)
	}
	plain, err := ExportStore(store, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := variableValues(t, plain, "/linear/w"), variableValues(t, store, "/linear/w"); !equalFloats(got, want) {
		t.Errorf("exported weights %v, want %v", got, want)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return true
}

func TestExportStoreWithoutEMA(t *testing.T) {
	store, batch, _, _ := linearProblem(t, []float32{1, 2, 3, 4})
	tr, err := NewTrainer(goBackend(t), store, linearLoss, sgdConfig(0.01))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainStep(batch); err != nil {
		t.Fatal(err)
	}
	if _, err := ExportStore(store, true); err == nil || !strings.Contains(err.Error(), "moving average") {
		t.Errorf("ExportStore(useEMA) with the EMA off: %v, want a missing moving average error", err)
	}
}

// TestBatchShapeChangeIsError: the step compiles once; a batch of another shape is refused.
func TestBatchShapeChangeIsError(t *testing.T) {
	store, batch, _, _ := linearProblem(t, []float32{1, 2, 3, 4})
	tr, err := NewTrainer(goBackend(t), store, linearLoss, sgdConfig(0.01))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainStep(batch); err != nil {
		t.Fatal(err)
	}
	short := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(make([]float32, 8), 2, 4),
		tensors.FromFlatDataAndDimensions(make([]float32, 2), 2, 1),
	}
	if _, err := tr.TrainStep(short); err == nil || !strings.Contains(err.Error(), "compiled step expects") {
		t.Errorf("TrainStep with another batch shape: %v, want a shape error", err)
	}
	if _, err := tr.TrainStep(batch[:1]); err == nil {
		t.Errorf("TrainStep with one tensor missing: no error")
	}
	if tr.Step() != 1 {
		t.Errorf("Step() = %d after refused batches, want 1", tr.Step())
	}
}
