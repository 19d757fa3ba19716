package train

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// LossFn builds the model's graph for one batch (the tensors a Loader yields, in order) and
// returns the scalar loss to minimise. It runs inside graph building: it panics on programmer
// errors, GoMLX style. Dropout and other training-only behaviour see scope.IsTraining == true.
type LossFn func(scope *model.Scope, batch []*graph.Node) *graph.Node

// EMAScope is the root scope holding the moving averages: the average of the trainable
// variable at path P lives at EMAScope + P (for example "/ema/mlp/dense_0/weights").
const EMAScope = "/ema"

// gradientOptimizer is what GoMLX's Adam and SGD implement besides optimizer.Interface: an
// update from gradients the caller has already computed (here: clipped).
type gradientOptimizer interface {
	UpdateGraphWithGradients(scope *model.Scope, grads []*graph.Node, lossDType dtypes.DType)
}

// StepStats are the values one training step returns.
type StepStats struct {
	Step     int     // the step just taken, 1-based
	Loss     float32 // loss of the batch, before the update
	GradNorm float32 // global L2 norm of the gradients, before clipping
	LR       float64 // learning rate used by the update
}

// Trainer holds one compiled training step: forward, backward, global-norm clipping, the
// optimizer update and the EMA update, run as a single graph that is compiled once for the
// batch shapes it first sees and reused for every step.
type Trainer struct {
	backend compute.Backend
	store   *model.Store
	loss    LossFn
	cfg     Config
	opt     gradientOptimizer
	exec    *model.Exec
	shapes  []shapes.Shape // batch shapes the step was compiled for
	step    int
}

// NewTrainer validates cfg and prepares a training step for store. If the store has no
// random number generator state yet, it is seeded with cfg.Seed, so weight initialisation
// and dropout are reproducible.
func NewTrainer(backend compute.Backend, store *model.Store, loss LossFn, cfg Config) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if backend == nil || store == nil || loss == nil {
		return nil, fmt.Errorf("train: NewTrainer needs a backend, a store and a loss function")
	}
	if v := store.GetVariable(model.RNGStateVariableName); v == nil || !v.HasValue() {
		if err := store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
			return nil, fmt.Errorf("train: seed the random number generator: %w", err)
		}
	}
	t := &Trainer{backend: backend, store: store, loss: loss, cfg: cfg}
	switch cfg.Optimizer {
	case OptimizerAdamW:
		t.opt = optimizer.Adam().Betas(cfg.Beta1, cfg.Beta2).Epsilon(cfg.Eps).
			WeightDecay(cfg.WeightDecay).LearningRate(cfg.LR).Done().(gradientOptimizer)
	case OptimizerSGD:
		t.opt = optimizer.StochasticGradientDescent().WithDecay(false).WithLearningRate(cfg.LR)
	}
	exec, err := model.NewExec(backend, store, t.stepGraph)
	if err != nil {
		return nil, fmt.Errorf("train: create the step executor: %w", err)
	}
	t.exec = exec.WithName("train_step")
	if err := t.syncStep(); err != nil {
		return nil, err
	}
	return t, nil
}

// Store returns the Store being trained.
func (t *Trainer) Store() *model.Store { return t.store }

// Step returns the number of optimizer steps taken so far (read from the Store's global step
// counter, so it includes the steps of a loaded checkpoint).
func (t *Trainer) Step() int { return t.step }

// syncStep reads the step counter the optimizer keeps in the Store.
func (t *Trainer) syncStep() error {
	v := t.store.GetVariable(optimizer.GlobalStepVariableName)
	if v == nil || !v.HasValue() {
		t.step = 0
		return nil
	}
	value, err := v.Value()
	if err != nil {
		return fmt.Errorf("train: read %s: %w", optimizer.GlobalStepVariableName, err)
	}
	step, ok := value.Value().(int64)
	if !ok || step < 0 {
		return fmt.Errorf("train: variable %s holds %v (%s), want a non-negative int64 scalar",
			optimizer.GlobalStepVariableName, value.Value(), value.Shape())
	}
	t.step = int(step)
	return nil
}

// Compile builds and compiles the step graph for the shapes of batch, creating every variable
// the step uses (model weights, optimizer moments, EMA, counters) without giving values to
// those that have none yet: the first TrainStep initialises them, unless they are loaded
// first (which is how a checkpoint is resumed). TrainStep calls it when needed.
func (t *Trainer) Compile(batch []*tensors.Tensor) error {
	if t.shapes != nil {
		return t.checkShapes(batch)
	}
	if len(batch) == 0 {
		return fmt.Errorf("train: empty batch: a batch needs at least one tensor")
	}
	inputShapes := []shapes.Shape{shapes.Make(dtypes.Float32)}
	batchShapes := make([]shapes.Shape, len(batch))
	for i, x := range batch {
		if x == nil {
			return fmt.Errorf("train: batch tensor %d is nil", i)
		}
		batchShapes[i] = x.Shape()
	}
	inputShapes = append(inputShapes, batchShapes...)
	if _, err := t.exec.Compile(inputShapes...); err != nil {
		return fmt.Errorf("train: compile the training step for batch shapes %v: %w", batchShapes, err)
	}
	t.shapes = batchShapes
	return nil
}

// checkShapes makes sure batch matches the compiled shapes, so the step never recompiles.
func (t *Trainer) checkShapes(batch []*tensors.Tensor) error {
	if len(batch) != len(t.shapes) {
		return fmt.Errorf("train: step %d: batch has %d tensors, the compiled step takes %d",
			t.step+1, len(batch), len(t.shapes))
	}
	for i, x := range batch {
		if x == nil || !x.Shape().Equal(t.shapes[i]) {
			got := "nil"
			if x != nil {
				got = x.Shape().String()
			}
			return fmt.Errorf("train: step %d: batch tensor %d has shape %s, the compiled step expects %s "+
				"(a loader must yield fixed shapes so the step compiles once)", t.step+1, i, got, t.shapes[i])
		}
	}
	return nil
}

// TrainStep takes one optimizer step on batch with the learning rate of the schedule.
func (t *Trainer) TrainStep(batch []*tensors.Tensor) (StepStats, error) {
	if err := t.Compile(batch); err != nil {
		return StepStats{}, err
	}
	step := t.step + 1
	lr := t.cfg.LearningRate(step)
	lrTensor := tensors.FromScalar(float32(lr))
	defer func() { _ = lrTensor.FinalizeAll() }()
	args := make([]any, 0, len(batch)+1)
	args = append(args, lrTensor)
	for _, x := range batch {
		args = append(args, x)
	}
	outputs, err := t.exec.Call(args...)
	if err != nil {
		return StepStats{}, fmt.Errorf("train: step %d: %w", step, err)
	}
	defer func() {
		for _, o := range outputs {
			_ = o.FinalizeAll()
		}
	}()
	t.step = step
	return StepStats{
		Step:     step,
		Loss:     tensors.ToScalar[float32](outputs[0]),
		GradNorm: tensors.ToScalar[float32](outputs[1]),
		LR:       lr,
	}, nil
}

// stepGraph is the graph of one training step. Inputs: the learning rate (float32 scalar)
// followed by the batch. Outputs: the loss and the gradients' global norm (float32 scalars).
func (t *Trainer) stepGraph(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
	g := inputs[0].Graph()
	t.store.SetTraining(g, true)
	loss := t.loss(scope, inputs[1:])
	if loss == nil || !loss.Shape().IsScalar() || !loss.DType().IsFloat() {
		exceptions.Panicf("train: the loss function must return a float scalar, got %v", loss)
	}
	dtype := loss.DType()

	// Steps taken before this one: 0 marks the first step, where the EMA starts.
	stepsBefore := optimizer.GetGlobalStepVar(t.store).NodeValue(g)

	type trained struct {
		v   *model.Variable
		old *graph.Node
	}
	var vars []trained
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, trained{v, v.NodeValue(g)})
		}
	}
	grads := scope.BuildTrainableVariablesGradientsGraph(loss)
	if len(grads) == 0 {
		exceptions.Panicf("train: the loss does not depend on any trainable variable")
	}
	norm := GlobalNorm(grads)
	if t.cfg.GradClip > 0 {
		grads = ClipByGlobalNorm(grads, norm, t.cfg.GradClip)
	}

	// The schedule's value comes in as an input and replaces the optimizer's learning-rate
	// variable for this graph (GoMLX optimizers read it from that variable).
	optimizer.LearningRateVar(scope, dtype, t.cfg.LR).SetNodeValue(graph.ConvertDType(inputs[0], dtype))
	t.opt.UpdateGraphWithGradients(scope, grads, dtype)

	if d := t.cfg.EMADecay; d > 0 {
		// ema_t = d_t * ema_{t-1} + (1 - d_t) * w_t, starting from ema_0 = w_0 (the weights
		// before the first update), with the warmed-up decay d_t = min(d, (1+t)/(10+t)) of
		// TensorFlow's ExponentialMovingAverage(num_updates), so that the random initial weights
		// do not linger in the average (with a plain d = 0.998 they would still weigh 11% after
		// 1,100 steps). Polyak & Juditsky (1992), as used for diffusion models by Karras et al. (2022).
		first := graph.Equal(stepsBefore, graph.ScalarZero(g, stepsBefore.DType()))
		step := graph.AddScalar(graph.ConvertDType(stepsBefore, dtypes.Float32), 1)
		dt := graph.Min(graph.Scalar(g, dtypes.Float32, d), graph.Div(graph.AddScalar(step, 1), graph.AddScalar(step, 10)))
		for _, tv := range vars {
			emaVar := t.store.VariableWithShape(EMAPath(tv.v.Path()), tv.v.Shape(), initializer.Zero).
				SetTrainable(false)
			prev := graph.Where(first, tv.old, emaVar.NodeValue(g))
			dv := graph.ConvertDType(dt, prev.DType())
			emaVar.SetNodeValue(graph.Add(graph.Mul(prev, dv), graph.Mul(tv.v.NodeValue(g), graph.OneMinus(dv))))
		}
	}
	return []*graph.Node{graph.ConvertDType(loss, dtypes.Float32), norm}
}

// GlobalNorm returns sqrt(sum_i ||g_i||^2) over all the tensors, computed in float32.
func GlobalNorm(grads []*graph.Node) *graph.Node {
	var sum *graph.Node
	for _, gr := range grads {
		s := graph.ReduceAllSum(graph.Square(graph.ConvertDType(gr, dtypes.Float32)))
		if sum == nil {
			sum = s
		} else {
			sum = graph.Add(sum, s)
		}
	}
	return graph.Sqrt(sum)
}

// ClipByGlobalNorm scales every gradient by min(1, maxNorm / (norm + 1e-6)), so that their
// global norm is at most maxNorm while their direction is kept (Pascanu et al. 2013,
// "On the difficulty of training recurrent neural networks", algorithm 1). norm is the
// float32 result of GlobalNorm; the 1e-6 guard is PyTorch's clip_grad_norm_.
func ClipByGlobalNorm(grads []*graph.Node, norm *graph.Node, maxNorm float64) []*graph.Node {
	scale := graph.MinScalar(graph.Div(graph.Scalar(norm.Graph(), dtypes.Float32, maxNorm),
		graph.AddScalar(norm, 1e-6)), 1.0)
	clipped := make([]*graph.Node, len(grads))
	for i, gr := range grads {
		clipped[i] = graph.Mul(gr, graph.ConvertDType(scale, gr.DType()))
	}
	return clipped
}

// EMAPath returns the path of the moving average of the variable at path.
func EMAPath(path string) string {
	return EMAScope + path
}

// isTrainingState reports whether the variable at path belongs to training rather than to
// the model: EMA copies, optimizer moments and counters, the learning rate and the random
// number generator state.
func isTrainingState(path string) bool {
	for _, prefix := range []string{EMAScope + "/", "/" + optimizer.Scope + "/", "/" + optimizer.AdamDefaultScope + "/"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return path == "/"+optimizer.GlobalStepVariableName || path == "/"+model.RNGStateVariableName
}

// ExportStore returns a new Store with the model's variables only (no optimizer moments,
// counters, EMA copies or generator state) and the Store's hyperparameters, ready for
// evaluation or for weights.SaveStore. With useEMA, each trainable variable takes the value
// of its moving average; it is an error if there is none (EMA disabled, or no step taken).
func ExportStore(store *model.Store, useEMA bool) (*model.Store, error) {
	out := model.NewStore()
	for path, value := range store.IterParams() {
		out.SetParam(path, value)
	}
	for v := range store.IterVariables() {
		path := v.Path()
		if isTrainingState(path) {
			continue
		}
		src := v
		if useEMA && v.Trainable {
			src = store.GetVariable(EMAPath(path))
			if src == nil || !src.HasValue() {
				return nil, fmt.Errorf("train: export: variable %s has no moving average at %s", path, EMAPath(path))
			}
		}
		if !src.HasValue() {
			return nil, fmt.Errorf("train: export: variable %s has no value", src.Path())
		}
		value, err := src.Value()
		if err != nil {
			return nil, fmt.Errorf("train: export %s: %w", src.Path(), err)
		}
		clone, err := value.LocalClone()
		if err != nil {
			return nil, fmt.Errorf("train: export %s: copy: %w", src.Path(), err)
		}
		nv, err := out.CreateVariable(path, clone)
		if err != nil {
			return nil, fmt.Errorf("train: export %s: %w", path, err)
		}
		nv.SetTrainable(v.Trainable)
	}
	return out, nil
}
