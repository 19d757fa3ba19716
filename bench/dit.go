package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/train"
)

// DiTShape is the input of a timed DiT step: Batch videos of a Frames×Height×Width latent
// (tokenizer latent units, before patchifying) with ContextLen text tokens each.
type DiTShape struct {
	Batch      int `json:"batch"`
	Frames     int `json:"latent_frames"`
	Height     int `json:"latent_height"`
	Width      int `json:"latent_width"`
	ContextLen int `json:"context_len"`
}

// Tokens is the number of transformer tokens per video after patchifying (the latent size must
// be a multiple of the patch).
func (s DiTShape) Tokens(c diffusion.Config) int {
	return s.Frames / c.PatchTemporal * (s.Height / c.PatchSpatial) * (s.Width / c.PatchSpatial)
}

// DiTResult is the outcome of [RunDiTStep].
type DiTResult struct {
	Name       string           `json:"name"`
	Backend    string           `json:"backend"`
	SIMD       bool             `json:"simd"`
	GOMAXPROCS int              `json:"gomaxprocs"`
	Config     diffusion.Config `json:"config"`
	Shape      DiTShape         `json:"shape"`
	Tokens     int              `json:"tokens"` // transformer tokens per video
	Params     int64            `json:"params"`
	Steps      int              `json:"steps"`
	Warmup     int              `json:"warmup"`
	// StepFLOPs is 3× the analytic forward matmul FLOPs (diffusion.Config.ForwardFLOPs).
	StepFLOPs float64 `json:"step_flops"`
	StepTimes

	// Sampling, when asked for: network evaluations of wfm generate's sampler (one video,
	// classifier-free guidance, so each evaluation runs the conditional and unconditional
	// model as a batch of two), timed over SampleEvaluations after an untimed compiling call.
	SampleEvaluations      int     `json:"sample_evaluations,omitempty"`
	SampleSeconds          float64 `json:"sample_seconds,omitempty"`
	SampleEvalsPerSecond   float64 `json:"sample_evals_per_second,omitempty"`
	SampleGuidance         float64 `json:"sample_guidance,omitempty"`
	SampleCompileSeconds   float64 `json:"sample_compile_seconds,omitempty"`
	SampleForwardGFLOPS    float64 `json:"sample_forward_gflops,omitempty"`
	SampleEvalForwardFLOPs float64 `json:"sample_eval_forward_flops,omitempty"`
}

// sampleGuidance is the guidance weight of the timed sampling (wfm generate's default).
const sampleGuidance = 7

// RunDiTStep times training steps of the diffusion transformer c on backend with random
// latents and text embeddings of the given shape: the EDM loss of diffusion.TrainLoss with
// Cosmos's default options (log-normal σ, text dropout, Video2World condition frames), the
// backward pass, global-norm clipping and the AdamW update of train.Trainer, in one compiled
// graph. The first step (compilation and initialization) and warmup more run untimed; each
// timed step ends with its loss and gradient norm on the host.
//
// With sampleEvals > 0 it then times that many network evaluations of diffusion.Denoiser (the
// path of wfm generate) at guidance 7 on one video of the same latent size, on the trained
// weights.
func RunDiTStep(ctx context.Context, b compute.Backend, c diffusion.Config, shape DiTShape, steps, warmup, sampleEvals int) (DiTResult, error) {
	if err := c.Validate(); err != nil {
		return DiTResult{}, err
	}
	switch {
	case shape.Batch <= 0:
		return DiTResult{}, &ArgumentError{"batch", fmt.Sprintf("must be > 0, got %d", shape.Batch)}
	case shape.Frames <= 0 || shape.Height <= 0 || shape.Width <= 0:
		return DiTResult{}, &ArgumentError{"latent", fmt.Sprintf("must be positive, got %dx%dx%d", shape.Frames, shape.Height, shape.Width)}
	case shape.Frames > c.MaxLatentFrames || shape.Height > c.MaxLatentHeight || shape.Width > c.MaxLatentWidth:
		return DiTResult{}, &ArgumentError{"latent", fmt.Sprintf("%dx%dx%d exceeds the model's maximum %dx%dx%d",
			shape.Frames, shape.Height, shape.Width, c.MaxLatentFrames, c.MaxLatentHeight, c.MaxLatentWidth)}
	case shape.Frames%c.PatchTemporal != 0 || shape.Height%c.PatchSpatial != 0 || shape.Width%c.PatchSpatial != 0:
		return DiTResult{}, &ArgumentError{"latent", fmt.Sprintf("%dx%dx%d is not divisible by the patch %dx%dx%d",
			shape.Frames, shape.Height, shape.Width, c.PatchTemporal, c.PatchSpatial, c.PatchSpatial)}
	case shape.ContextLen <= 0:
		return DiTResult{}, &ArgumentError{"context-len", fmt.Sprintf("must be > 0, got %d", shape.ContextLen)}
	case steps <= 0:
		return DiTResult{}, &ArgumentError{"steps", fmt.Sprintf("must be > 0, got %d", steps)}
	case warmup < 0 || sampleEvals < 0:
		return DiTResult{}, &ArgumentError{"warmup", "warmup and sample evaluations must be >= 0"}
	}
	m, err := diffusion.New(c)
	if err != nil {
		return DiTResult{}, err
	}
	loss, err := m.TrainLoss(diffusion.DefaultTrainOptions())
	if err != nil {
		return DiTResult{}, err
	}
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(dataSeed))
	tcfg := train.DefaultConfig()
	tcfg.Steps, tcfg.WarmupSteps, tcfg.LR = 1<<30, 1, 1e-4
	tr, err := train.NewTrainer(b, store, loss, tcfg)
	if err != nil {
		return DiTResult{}, err
	}
	bt, t, h, w := shape.Batch, shape.Frames, shape.Height, shape.Width
	rng := rand.New(rand.NewPCG(dataSeed, 7))
	batch := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(normals(rng, bt*t*h*w*c.LatentChannels), bt, t, h, w, c.LatentChannels),
		tensors.FromFlatDataAndDimensions(normals(rng, bt*shape.ContextLen*c.ContextDim), bt, shape.ContextLen, c.ContextDim),
		tensors.FromFlatDataAndDimensions(constants(24, bt), bt),
		tensors.FromFlatDataAndDimensions(constants(0, bt*h*w), bt, h, w),
	}
	defer func() {
		for _, x := range batch {
			_ = x.FinalizeAll()
		}
	}()

	res := DiTResult{
		Name: "dit_train_step", Backend: b.String(), SIMD: backend.SIMD, GOMAXPROCS: runtime.GOMAXPROCS(0),
		Config: c, Shape: shape, Tokens: shape.Tokens(c), Params: c.ParamCount(), Steps: steps, Warmup: warmup,
		StepFLOPs: 3 * float64(c.ForwardFLOPs(bt, t, h, w, shape.ContextLen)),
	}
	run := func() (float64, error) {
		st, err := tr.TrainStep(batch)
		if err != nil {
			return 0, err
		}
		l := float64(st.Loss)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, fmt.Errorf("loss is %v", l)
		}
		return l, nil
	}
	tm, err := timeSteps(ctx, "dit step", steps, warmup, run)
	if err != nil {
		return DiTResult{}, err
	}
	res.StepTimes.fill(tm, res.StepFLOPs)
	if sampleEvals > 0 {
		if err := timeSampling(ctx, b, store, m, shape, sampleEvals, &res); err != nil {
			return DiTResult{}, err
		}
	}
	return res, nil
}

// timeSampling fills the sampling fields of res: sampleEvals evaluations of the multistep
// sampler at guidance 7 on one video, after one untimed call of a single evaluation (compile).
func timeSampling(ctx context.Context, b compute.Backend, store *model.Store, m *diffusion.DiT, shape DiTShape, evals int, res *DiTResult) error {
	c := m.Config()
	weights, err := train.ExportStore(store, false)
	if err != nil {
		return err
	}
	s, err := diffusion.NewDenoiser(b, weights, m)
	if err != nil {
		return err
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(dataSeed, 8))
	r := diffusion.Request{Frames: shape.Frames, Height: shape.Height, Width: shape.Width, FPS: 24,
		Context: normals(rng, shape.ContextLen*c.ContextDim), Guidance: sampleGuidance, Seed: 1,
		Options: diffusion.SampleOptions{Steps: 1}}
	if c.Video2World {
		r.Condition = normals(rng, r.LatentSize(c.LatentChannels))
		r.CondFrames = min(2, shape.Frames-1)
	}
	start := time.Now()
	if _, err := s.Generate(ctx, r); err != nil {
		return fmt.Errorf("bench: dit sampling: compile: %w", err)
	}
	res.SampleCompileSeconds = time.Since(start).Seconds()
	r.Options.Steps = evals
	start = time.Now()
	if _, err := s.Generate(ctx, r); err != nil {
		return fmt.Errorf("bench: dit sampling: %w", err)
	}
	res.SampleSeconds = time.Since(start).Seconds()
	res.SampleEvaluations = r.Options.Evaluations()
	res.SampleEvalsPerSecond = float64(res.SampleEvaluations) / res.SampleSeconds
	res.SampleGuidance = sampleGuidance
	res.SampleEvalForwardFLOPs = float64(c.ForwardFLOPs(2, shape.Frames, shape.Height, shape.Width, shape.ContextLen))
	res.SampleForwardGFLOPS = res.SampleEvalForwardFLOPs * res.SampleEvalsPerSecond / 1e9
	return nil
}

type sampleStats struct{ median, mean, min, max float64 }

func stats(times []float64) sampleStats {
	s := sampleStats{median: median(times), min: math.Inf(1), max: math.Inf(-1)}
	for _, t := range times {
		s.mean += t
		s.min, s.max = min(s.min, t), max(s.max, t)
	}
	s.mean /= float64(len(times))
	return s
}

func normals(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func constants(x float32, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = x
	}
	return v
}
