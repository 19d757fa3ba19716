package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/nn"
)

// Result is the outcome of a timed benchmark.
type Result struct {
	Name    string               `json:"name"`
	Backend string               `json:"backend"` // the compute backend's name ("go", "xla", ...)
	SIMD    bool                 `json:"simd"`    // binary built with GOEXPERIMENT=simd
	Config  nn.TransformerConfig `json:"config"`
	Batch   int                  `json:"batch"`
	SeqLen  int                  `json:"seq_len"`
	Steps   int                  `json:"steps"`  // timed steps
	Warmup  int                  `json:"warmup"` // untimed steps after compilation
	Params  int64                `json:"params"`
	// GOMAXPROCS is the number of OS threads running Go code at once (the Go backend's cores).
	GOMAXPROCS int `json:"gomaxprocs"`
	// StepFLOPs is the analytic cost of one step (nn.TransformerConfig.TrainStepFLOPs).
	StepFLOPs float64 `json:"step_flops"`
	StepTimes
	// TokensPerSecond is Batch·SeqLen / MedianStepSeconds.
	TokensPerSecond float64 `json:"tokens_per_second"`
}

// StepTimes is the timing part of a training-step benchmark's result.
type StepTimes struct {
	// CompileSeconds is the time of the first call: graph building, compilation, variable
	// initialization and one step.
	CompileSeconds    float64 `json:"compile_seconds"`
	MedianStepSeconds float64 `json:"median_step_seconds"`
	MeanStepSeconds   float64 `json:"mean_step_seconds"`
	MinStepSeconds    float64 `json:"min_step_seconds"`
	MaxStepSeconds    float64 `json:"max_step_seconds"`
	// GFLOPS is the step's FLOPs / MedianStepSeconds / 1e9.
	GFLOPS float64 `json:"gflops"`
	// FirstLoss and LastLoss are the training loss at the first and last steps run.
	FirstLoss float64 `json:"first_loss"`
	LastLoss  float64 `json:"last_loss"`
}

// fill sets the times from what timeSteps measured and the step's FLOPs.
func (st *StepTimes) fill(tm timing, stepFLOPs float64) {
	s := stats(tm.times)
	st.FirstLoss, st.LastLoss, st.CompileSeconds = tm.first, tm.last, tm.compile
	st.MedianStepSeconds, st.MeanStepSeconds, st.MinStepSeconds, st.MaxStepSeconds = s.median, s.mean, s.min, s.max
	st.GFLOPS = stepFLOPs / st.MedianStepSeconds / 1e9
}

// ArgumentError reports an invalid benchmark argument.
type ArgumentError struct {
	Name    string
	Problem string
}

func (e *ArgumentError) Error() string { return fmt.Sprintf("bench: %s: %s", e.Name, e.Problem) }

// learningRate of the Adam optimizer in the timed training step. Its value does not affect
// timing; 1e-3 keeps the loss finite over long runs.
const learningRate = 1e-3

// dataSeed fixes the benchmark's synthetic tokens and initial weights, so that runs are
// comparable.
const dataSeed = 1

// RunTransformerStep times training steps of [nn.TransformerLM] with configuration cfg on
// backend: forward pass, next-token cross-entropy, backward pass and an Adam update, compiled
// once into a single graph. The first call (compilation, initialization and one step) and then
// warmup more steps run untimed; then steps steps are timed one by one. Each timed step ends
// with the loss copied to the host, so the step's work has completed when its clock stops.
//
// The tokens are a fixed random batch (the data does not change the cost). ctx cancels between
// steps.
func RunTransformerStep(ctx context.Context, b compute.Backend, cfg nn.TransformerConfig, batch, seqLen, steps, warmup int) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	switch {
	case batch <= 0:
		return Result{}, &ArgumentError{"batch", fmt.Sprintf("must be > 0, got %d", batch)}
	case seqLen <= 0 || seqLen > cfg.MaxSeqLen:
		return Result{}, &ArgumentError{"seq", fmt.Sprintf("must be in [1, %d] (max_seq_len), got %d", cfg.MaxSeqLen, seqLen)}
	case steps <= 0:
		return Result{}, &ArgumentError{"steps", fmt.Sprintf("must be > 0, got %d", steps)}
	case warmup < 0:
		return Result{}, &ArgumentError{"warmup", fmt.Sprintf("must be >= 0, got %d", warmup)}
	}

	step, err := newTransformerStep(b, cfg, batch, seqLen)
	if err != nil {
		return Result{}, err
	}
	defer step.close()

	res := Result{
		Name: "transformer_train_step", Backend: b.String(), SIMD: backend.SIMD, Config: cfg,
		Batch: batch, SeqLen: seqLen, Steps: steps, Warmup: warmup,
		Params: cfg.Params(), GOMAXPROCS: runtime.GOMAXPROCS(0), StepFLOPs: cfg.TrainStepFLOPs(batch, seqLen),
	}
	tm, err := timeSteps(ctx, "transformer step", steps, warmup, step.run)
	if err != nil {
		return Result{}, err
	}
	res.StepTimes.fill(tm, res.StepFLOPs)
	res.TokensPerSecond = float64(res.Batch*res.SeqLen) / res.MedianStepSeconds
	return res, nil
}

// transformerStep is a compiled training step of nn.TransformerLM on a fixed batch.
type transformerStep struct {
	exec            *model.Exec
	tokens, targets *tensors.Tensor
}

// newTransformerStep builds (but does not yet compile) the training step: forward pass,
// next-token cross-entropy, backward pass and Adam update, in one graph.
func newTransformerStep(b compute.Backend, cfg nn.TransformerConfig, batch, seqLen int) (*transformerStep, error) {
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(dataSeed))
	adam := optimizer.Adam().LearningRate(learningRate).Done()
	exec, err := model.NewExec(b, store, func(scope *model.Scope, tokens, targets *graph.Node) *graph.Node {
		g := tokens.Graph()
		scope.Store().SetTraining(g, true)
		loss := nn.CrossEntropy(nn.TransformerLM(scope, cfg, tokens), targets)
		adam.UpdateGraph(scope, g, loss)
		return loss
	})
	if err != nil {
		return nil, fmt.Errorf("bench: transformer step: %w", err)
	}
	s := &transformerStep{exec: exec}
	s.tokens, s.targets = syntheticBatch(cfg.VocabSize, batch, seqLen)
	return s, nil
}

// run executes one step (compiling on the first call) and returns the loss, copied to the host.
// A loss that is not finite is an error: the step would no longer be doing meaningful work.
func (s *transformerStep) run() (float64, error) {
	out, err := s.exec.Call(s.tokens, s.targets)
	if err != nil {
		return 0, err
	}
	loss := float64(tensors.ToScalar[float32](out[0]))
	out[0].FinalizeAll()
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, fmt.Errorf("loss is %v", loss)
	}
	return loss, nil
}

func (s *transformerStep) close() { s.exec.Finalize() }

// median of a non-empty sample.
func median(xs []float64) float64 {
	sorted := slices.Sorted(slices.Values(xs))
	n := len(sorted)
	if n%2 == 0 {
		return (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return sorted[n/2]
}

// syntheticBatch returns fixed pseudo-random tokens [batch, seqLen] and their next-token targets.
func syntheticBatch(vocab, batch, seqLen int) (tokens, targets *tensors.Tensor) {
	rng := rand.New(rand.NewPCG(dataSeed, 0))
	stream := make([]int32, batch*(seqLen+1))
	for i := range stream {
		stream[i] = int32(rng.IntN(vocab))
	}
	in := make([]int32, 0, batch*seqLen)
	out := make([]int32, 0, batch*seqLen)
	for b := range batch {
		row := stream[b*(seqLen+1) : (b+1)*(seqLen+1)]
		in = append(in, row[:seqLen]...)
		out = append(out, row[1:]...)
	}
	return tensors.FromFlatDataAndDimensions(in, batch, seqLen), tensors.FromFlatDataAndDimensions(out, batch, seqLen)
}

// timing is what timeSteps measured.
type timing struct {
	first, last float64   // the values of the first and last calls (losses)
	compile     float64   // seconds of the first call (compilation, initialization, one step)
	times       []float64 // seconds of each timed call
}

// timeSteps calls run once untimed (it compiles), warmup more times untimed, then steps times
// timed one by one. ctx cancels between calls; what names the step in errors.
func timeSteps(ctx context.Context, what string, steps, warmup int, run func() (float64, error)) (timing, error) {
	var tm timing
	var err error
	start := time.Now()
	if tm.first, err = run(); err != nil {
		return tm, fmt.Errorf("bench: %s: compile and first step: %w", what, err)
	}
	tm.compile = time.Since(start).Seconds()
	for i := range warmup {
		if err := ctx.Err(); err != nil {
			return tm, err
		}
		if _, err := run(); err != nil {
			return tm, fmt.Errorf("bench: %s: warmup step %d: %w", what, i, err)
		}
	}
	tm.times = make([]float64, steps)
	for i := range steps {
		if err := ctx.Err(); err != nil {
			return tm, err
		}
		start := time.Now()
		if tm.last, err = run(); err != nil {
			return tm, fmt.Errorf("bench: %s: timed step %d: %w", what, i, err)
		}
		tm.times[i] = time.Since(start).Seconds()
	}
	return tm, nil
}
