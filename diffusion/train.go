package diffusion

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/train"
)

// TrainOptions are the diffusion-specific training settings (the rest is train.Config).
type TrainOptions struct {
	// PMean and PStd parametrise the log-normal noise levels ln σ ~ N(PMean, PStd²)
	// (Karras et al. 2022, §5; cosmos-predict1 training/config/base/model.py uses 0 and 1).
	PMean float64 `json:"p_mean"`
	PStd  float64 `json:"p_std"`
	// TextDropout is the probability that a sample's text embedding is replaced by zeros,
	// which trains the unconditional model classifier-free guidance needs (0.2 in Cosmos).
	TextDropout float64 `json:"text_dropout"`
	// CondFrames lists the numbers of latent condition frames a Video2World sample draws from
	// uniformly (1 latent frame = 1 pixel frame, 2 = 9 pixel frames with an 8x temporal
	// tokenizer; 0 = Text2World). Ignored by a Text2World model.
	CondFrames []int `json:"cond_frames,omitempty"`
	// AugPMean and AugPStd parametrise the log-normal noise added to condition latents
	// (ln σ_aug ~ N(-3, 2²) in cosmos-predict1 training/config/video2world/experiment.py).
	AugPMean float64 `json:"aug_p_mean"`
	AugPStd  float64 `json:"aug_p_std"`
	// ImageWeight weighs the image-batch loss of joint image+video training.
	ImageWeight float64 `json:"image_weight"`
}

// DefaultTrainOptions returns Cosmos's settings.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{PMean: 0, PStd: 1, TextDropout: 0.2, CondFrames: []int{0, 1, 2}, AugPMean: -3, AugPStd: 2, ImageWeight: 1}
}

// Batch layout of TrainLoss: the tensors a loader yields, in order.
//
//	0 latent   [B, T, H, W, C]  normalized video latents
//	1 context  [B, L, ContextDim] text embeddings
//	2 fps      [B]
//	3 padding  [B, H, W]        1 on padded latent positions
//
// and for joint image+video training three more:
//
//	4 image latent  [Bi, 1, H', W', C]
//	5 image context [Bi, L, ContextDim]
//	6 image padding [Bi, H', W']
//
// A model with Config.ExtraChannels takes instead one more tensor after the first four (no
// joint image training):
//
//	4 extra    [B, T, H, W, ExtraChannels]  the per-position conditioning (BatchExtra)
const (
	BatchLatent = iota
	BatchContext
	BatchFPS
	BatchPadding
	BatchImageLatent
	BatchImageContext
	BatchImagePadding
)

// BatchExtra is the index of the extra conditioning of a model with Config.ExtraChannels.
const BatchExtra = 4

// TrainLoss returns the EDM denoising loss for train.Run: for each sample draw σ log-normal,
// noise the latent, denoise it and take λ(σ)·|D(x+σn; σ) - x|² averaged over the latent
// (Karras et al. 2022, eq. 2 and 8), with text dropout and, for Video2World, condition frames
// drawn from opts.CondFrames and noise-augmented with a log-normal σ_aug. The condition frames'
// error is zero by construction (Denoise copies them). With image tensors in the batch the image
// loss, weighted by ImageWeight, is added (joint image+video training).
func (m *DiT) TrainLoss(opts TrainOptions) (train.LossFn, error) {
	if opts.PStd < 0 || opts.TextDropout < 0 || opts.TextDropout >= 1 || opts.AugPStd < 0 || opts.ImageWeight < 0 {
		return nil, fmt.Errorf("diffusion: bad train options %+v", opts)
	}
	for _, k := range opts.CondFrames {
		if k < 0 {
			return nil, fmt.Errorf("diffusion: negative condition frame count %d", k)
		}
	}
	return func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		if m.cfg.ExtraChannels > 0 {
			if len(batch) != 5 {
				panic(fmt.Sprintf("diffusion: TrainLoss of a model with extra channels wants 5 batch tensors, got %d", len(batch)))
			}
			return m.domainLoss(scope, opts, batch[BatchLatent], batch[BatchContext], batch[BatchFPS], batch[BatchPadding], batch[BatchExtra], true)
		}
		if len(batch) != 4 && len(batch) != 7 {
			panic(fmt.Sprintf("diffusion: TrainLoss wants 4 or 7 batch tensors, got %d", len(batch)))
		}
		loss := m.domainLoss(scope, opts, batch[BatchLatent], batch[BatchContext], batch[BatchFPS], batch[BatchPadding], nil, true)
		if len(batch) == 7 {
			img := m.domainLoss(scope, opts, batch[BatchImageLatent], batch[BatchImageContext], nil, batch[BatchImagePadding], nil, false)
			loss = graph.Add(loss, graph.MulScalar(img, opts.ImageWeight))
		}
		return loss
	}, nil
}

// domainLoss is the loss of one batch of videos (fps given) or images (fps nil); extra is the
// per-position conditioning (nil without ExtraChannels).
func (m *DiT) domainLoss(scope *model.Scope, opts TrainOptions, x0, context, fps, padding, extra *graph.Node, video bool) *graph.Node {
	g := x0.Graph()
	b, t := x0.Shape().Dim(0), x0.Shape().Dim(1)
	rng := scope.Store()
	normal := func(dims ...int) *graph.Node { return rng.RandomNormal(g, shapes.Make(dtypes.Float32, dims...)) }
	sigma := graph.Exp(graph.AddScalar(graph.MulScalar(normal(b), opts.PStd), opts.PMean))
	sigma = graph.ClipScalar(sigma, m.cfg.SigmaMin, m.cfg.SigmaMax)
	noise := normal(x0.Shape().Dimensions...)
	xn := graph.Add(x0, graph.Mul(graph.Reshape(sigma, b, 1, 1, 1, 1), noise))
	if opts.TextDropout > 0 {
		keep := graph.ConvertDType(graph.GreaterOrEqual(rng.RandomUniform(g, shapes.Make(dtypes.Float32, b)),
			graph.Const(g, float32(opts.TextDropout))), dtypes.Float32)
		context = graph.Mul(context, graph.Reshape(keep, b, 1, 1))
	}
	cond := Conditioning{Context: context, FPS: fps, PaddingMask: padding, Extra: extra}
	if m.cfg.Video2World {
		choices := opts.CondFrames
		if !video || len(choices) == 0 {
			choices = []int{0}
		}
		pick := rng.RandomIntN(g, int32(len(choices)), shapes.Make(dtypes.Int32, b))
		counts := graph.Gather(graph.Const(g, toInt32(choices, t)), graph.Reshape(pick, b, 1)) // [B]
		frames := graph.Iota(g, shapes.Make(dtypes.Int32, b, t), 1)
		mask := graph.ConvertDType(graph.LessThan(frames, graph.Reshape(counts, b, 1)), dtypes.Float32)
		augSigma := graph.Exp(graph.AddScalar(graph.MulScalar(normal(b), opts.AugPStd), opts.AugPMean))
		cond.ConditionMask = mask
		cond.ConditionLatent = x0
		cond.AugmentSigma = augSigma
		cond.AugmentedLatent = graph.Add(x0, graph.Mul(graph.Reshape(augSigma, b, 1, 1, 1, 1), normal(x0.Shape().Dimensions...)))
	}
	d := m.Denoise(scope, xn, sigma, cond)
	weight := m.scalings(g, b).weight(sigma) // [B, 1, 1, 1, 1 or C]
	if len(m.cfg.SigmaDataChannels) == 0 {
		perSample := graph.ReduceMean(graph.Square(graph.Sub(d, x0)), 1, 2, 3, 4)
		return graph.ReduceAllMean(graph.Mul(graph.Reshape(weight, b), perSample))
	}
	perChannel := graph.ReduceAndKeep(graph.Square(graph.Sub(d, x0)), graph.ReduceMean, 1, 2, 3) // [B, 1, 1, 1, C]
	return graph.ReduceAllMean(graph.Mul(weight, perChannel))
}

// toInt32 converts the condition-frame choices, capped at t-1 so that at least one frame is
// generated.
func toInt32(choices []int, t int) []int32 {
	out := make([]int32, len(choices))
	for i, k := range choices {
		out[i] = int32(min(k, t-1))
	}
	return out
}
