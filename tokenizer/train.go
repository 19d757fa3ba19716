package tokenizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
	"github.com/wfm-platform/wfm/weights"
)

// Structural loss kinds accepted in LossOptions.Structural.
const (
	StructuralSSIM     = "ssim"     // 1 - SSIM with a uniform window
	StructuralGradient = "gradient" // L1 of the spatial finite differences
	StructuralNone     = "none"
)

// lossSSIMWindow is the side of the uniform window of the SSIM loss: 7, scikit-image's default
// window for structural_similarity; the Gaussian 11x11 window of the SSIM metric would not fit the
// 16x16 frames the tests train on.
const lossSSIMWindow = 7

// LossOptions weight the terms of the reconstruction loss of [ReconstructionLoss]. Cosmos
// trains its tokenizers with L1 plus a perceptual (LPIPS) term, then adds optical-flow and
// Gram-matrix terms (Cosmos World Foundation Model Platform, arXiv:2501.03575, section 4.1); a
// CPU-trainable stand-in for the last two is a structural term (SSIM or image gradients) and a
// temporal-consistency term (L1 between the frame-to-frame differences of the reconstruction and
// of the input), which needs no pretrained network.
type LossOptions struct {
	L1               float64 `json:"l1"`
	Structural       string  `json:"structural"`
	StructuralWeight float64 `json:"structural_weight"`
	Temporal         float64 `json:"temporal"`
}

// DefaultLossOptions returns L1 (weight 1) + 0.2·(1 - SSIM) + 0.2·temporal.
func DefaultLossOptions() LossOptions {
	return LossOptions{L1: 1, Structural: StructuralSSIM, StructuralWeight: 0.2, Temporal: 0.2}
}

// Validate reports a negative weight or an unknown structural kind.
func (o LossOptions) Validate() error {
	switch o.Structural {
	case StructuralSSIM, StructuralGradient, StructuralNone:
	default:
		return fmt.Errorf("tokenizer: structural loss %q is not %s, %s or %s", o.Structural,
			StructuralSSIM, StructuralGradient, StructuralNone)
	}
	if o.L1 < 0 || o.StructuralWeight < 0 || o.Temporal < 0 || o.L1+o.StructuralWeight+o.Temporal == 0 {
		return fmt.Errorf("tokenizer: loss weights l1 %g, structural %g, temporal %g must be >= 0, not all 0",
			o.L1, o.StructuralWeight, o.Temporal)
	}
	return nil
}

// ReconstructionLoss is the scalar training loss of a reconstruction recon of target, both video
// [B, T, H, W, C] in [-1, 1] (computed in float32 whatever their dtype):
//
//	L1·mean|r - x| + StructuralWeight·S + Temporal·mean|(r_{t+1} - r_t) - (x_{t+1} - x_t)|
//
// with S = 1 - mean SSIM (uniform 7x7 window, or the frame size if smaller, K1 0.01, K2 0.03 on
// the range 2 of [-1, 1]; Wang et al. 2004) or the L1 of the horizontal and vertical pixel
// differences (gradient).
func ReconstructionLoss(recon, target *graph.Node, opts LossOptions) *graph.Node {
	recon = graph.ConvertDType(recon, dtypes.Float32)
	target = graph.ConvertDType(target, dtypes.Float32)
	g := recon.Graph()
	loss := graph.ScalarZero(g, dtypes.Float32)
	add := func(w float64, term *graph.Node) {
		if w != 0 {
			loss = graph.Add(loss, graph.MulScalar(term, w))
		}
	}
	add(opts.L1, graph.ReduceAllMean(graph.Abs(graph.Sub(recon, target))))
	switch opts.Structural {
	case StructuralSSIM:
		add(opts.StructuralWeight, graph.OneMinus(ssimGraph(recon, target)))
	case StructuralGradient:
		var sum *graph.Node
		for _, axis := range []int{2, 3} {
			d := graph.ReduceAllMean(graph.Abs(graph.Sub(diff(recon, axis), diff(target, axis))))
			if sum == nil {
				sum = d
			} else {
				sum = graph.Add(sum, d)
			}
		}
		add(opts.StructuralWeight, sum)
	}
	if recon.Shape().Dim(1) > 1 {
		add(opts.Temporal, graph.ReduceAllMean(graph.Abs(graph.Sub(diff(recon, 1), diff(target, 1)))))
	}
	return loss
}

// diff is x[i+1] - x[i] along axis.
func diff(x *graph.Node, axis int) *graph.Node {
	n := x.Shape().Dim(axis)
	return graph.Sub(graph.SliceAxis(x, axis, graph.AxisRange(1, n)), graph.SliceAxis(x, axis, graph.AxisRange(0, n-1)))
}

// ssimGraph is the mean SSIM of two videos [B, T, H, W, C] in [-1, 1], with uniform windows.
func ssimGraph(a, b *graph.Node) *graph.Node {
	dims := a.Shape().Dimensions
	win := min(lossSSIMWindow, dims[2], dims[3])
	frames := func(x *graph.Node) *graph.Node { return graph.Reshape(x, dims[0]*dims[1], dims[2], dims[3], dims[4]) }
	a, b = frames(a), frames(b)
	mean := func(x *graph.Node) *graph.Node {
		return graph.MeanPool(x).Window(win).Strides(1).NoPadding().Done()
	}
	const dataRange = 2.0
	c1 := (quality.K1 * dataRange) * (quality.K1 * dataRange)
	c2 := (quality.K2 * dataRange) * (quality.K2 * dataRange)
	mua, mub := mean(a), mean(b)
	va := graph.Sub(mean(graph.Square(a)), graph.Square(mua))
	vb := graph.Sub(mean(graph.Square(b)), graph.Square(mub))
	cov := graph.Sub(mean(graph.Mul(a, b)), graph.Mul(mua, mub))
	num := graph.Mul(graph.AddScalar(graph.MulScalar(graph.Mul(mua, mub), 2), c1), graph.AddScalar(graph.MulScalar(cov, 2), c2))
	den := graph.Mul(graph.AddScalar(graph.Add(graph.Square(mua), graph.Square(mub)), c1), graph.AddScalar(graph.Add(va, vb), c2))
	return graph.ReduceAllMean(graph.Div(num, den))
}

// PixelsToModel maps uint8 video to dtype values in [-1, 1] (v = x/127.5 - 1, as video.Clip.Tensor).
func PixelsToModel(x *graph.Node, dtype dtypes.DType) *graph.Node {
	f := graph.ConvertDType(x, dtypes.Float32)
	return graph.ConvertDType(graph.AddScalar(graph.MulScalar(f, 1/127.5), -1), dtype)
}

// Reconstruct is Decode(Encode(x)): the autoencoder's output for video x.
func (m *Tokenizer) Reconstruct(scope *model.Scope, x *graph.Node) *graph.Node {
	latent, _ := m.Encode(scope, x)
	return m.Decode(scope, latent)
}

// TrainingLoss returns the loss function of the training loop for batches of one tensor, uint8
// video [B, 1+k·t, H, W, 3]: the video is mapped to [-1, 1] in dtype (the variables are created
// in the dtype of their input, so dtypes.BFloat16 trains every weight in bfloat16; Float32 is the
// default), reconstructed, and scored by [ReconstructionLoss] in float32. A discrete tokenizer
// trains through its FSQ with the straight-through rounding of [RoundSTE].
func (m *Tokenizer) TrainingLoss(opts LossOptions, dtype dtypes.DType) train.LossFn {
	return func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		x := PixelsToModel(batch[0], dtype)
		return ReconstructionLoss(m.Reconstruct(scope, x), x, opts)
	}
}

// linearFitClips is how many training clips FitLinearShortcut sees at the start of a run.
const linearFitClips = 256

// TrainFrames returns the clip length the tokenizer trains on by default: 1 + 2·t frames (17 for
// 8x temporal compression), two latent frames after the causal first one.
func (c Config) TrainFrames() int { return 1 + 2*c.TemporalCompression }

// ClipOptions say how videos become training clips: windows of Frames frames (consecutive
// windows share one frame, and one more window is aligned to the end, see video.Windows), each
// frame centre-cropped to a square and resized (area averaging) to Size x Size unless it is
// already that size; MaxClips > 0 stops after that many clips. Crop > 0 (a divisor of Size)
// then cuts every clip into (Size/Crop)² non-overlapping Crop x Crop tiles: the tokenizer is
// convolutional, so training on crops costs less per step while still seeing every pixel.
type ClipOptions struct {
	Frames   int
	Size     int
	Crop     int
	MaxClips int
	// Verify makes ReadShardClips hash every shard against the dataset's index before reading
	// (wfm train --verify; dataset.HashAll) instead of each shard on first use.
	Verify bool
}

// ReadShardClips reads the videos of the WebDataset shards dir/prefix (as wfm synth writes them:
// the KEY.y4m part, or KEY.mp4 through ffmpeg) through the reader every trainer shares
// (dataset.ReadVideos) and cuts them into clips as ReadFolderClips does; videos shorter than
// opts.Frames are skipped. The clips are all held in memory; Train draws its batches from them.
func ReadShardClips(dir, prefix string, opts ClipOptions) ([]*video.Clip, error) {
	var clips []*video.Clip
	err := dataset.ReadVideos(context.Background(), dir, prefix, dataset.VideoOptions{MinFrames: opts.Frames, Verify: opts.Verify},
		func(s *dataset.VideoSample) error {
			var err error
			if clips, err = appendClips(clips, s.Clip, opts); err != nil {
				return fmt.Errorf("%s sample %s: %w", s.Shard, s.Key, err)
			}
			if opts.MaxClips > 0 && len(clips) >= opts.MaxClips {
				return dataset.ErrStop
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("tokenizer: reading shards %s: %w", filepath.Join(dir, prefix), err)
	}
	return trim(clips, opts.MaxClips), nil
}

// videoExtensions are the files ReadFolderClips reads: what video.Read opens (mp4 and the other
// container formats through ffmpeg).
var videoExtensions = []string{".y4m", ".gif", ".mp4", ".mov", ".mkv", ".webm", ".avi"}

// ReadFolderClips reads every video file in dir (not its sub-folders; sorted by name; .y4m,
// .gif, and through ffmpeg .mp4, .mov, .mkv, .webm, .avi) and cuts them into clips. Videos
// shorter than opts.Frames are skipped.
func ReadFolderClips(ctx context.Context, dir string, opts ClipOptions) ([]*video.Clip, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: reading video folder %s: %w", dir, err)
	}
	var clips []*video.Clip
	for _, e := range entries {
		if e.IsDir() || !slices.Contains(videoExtensions, strings.ToLower(filepath.Ext(e.Name()))) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		c, err := video.Read(ctx, path, video.Options{})
		if err != nil {
			return nil, err
		}
		if c.Frames < opts.Frames {
			continue
		}
		if clips, err = appendClips(clips, c, opts); err != nil {
			return nil, fmt.Errorf("tokenizer: %s: %w", path, err)
		}
		if opts.MaxClips > 0 && len(clips) >= opts.MaxClips {
			break
		}
	}
	return trim(clips, opts.MaxClips), nil
}

func trim(clips []*video.Clip, n int) []*video.Clip {
	if n > 0 && len(clips) > n {
		return clips[:n]
	}
	return clips
}

// appendClips appends the windows of c, fitted to opts.Size, to clips.
func appendClips(clips []*video.Clip, c *video.Clip, opts ClipOptions) ([]*video.Clip, error) {
	if opts.Frames < 1 || opts.Size < 1 {
		return nil, fmt.Errorf("clip options %+v need positive frames and size", opts)
	}
	if c.Height != opts.Size || c.Width != opts.Size {
		side := min(c.Height, c.Width)
		sq, err := video.CenterCrop(c, side, side)
		if err != nil {
			return nil, err
		}
		if c, err = video.Resize(sq, opts.Size, opts.Size, video.ResizeArea); err != nil {
			return nil, err
		}
	}
	wins, err := video.Windows(c, opts.Frames, 1)
	if err != nil {
		return nil, err
	}
	crop := opts.Crop
	if crop <= 0 {
		crop = opts.Size
	}
	if opts.Size%crop != 0 {
		return nil, fmt.Errorf("crop %d does not divide the size %d", crop, opts.Size)
	}
	for _, w := range wins {
		for y := 0; y < opts.Size; y += crop {
			for x := 0; x < opts.Size; x += crop {
				tile, err := video.Crop(w, y, x, crop, crop)
				if err != nil {
					return nil, err
				}
				clips = append(clips, tile.Clone())
			}
		}
	}
	return clips, nil
}

// clipsTensor stacks clips of one size into a uint8 tensor [N, T, H, W, 3].
func clipsTensor(clips []*video.Clip) (*tensors.Tensor, error) {
	if len(clips) == 0 {
		return nil, errors.New("tokenizer: no clips")
	}
	first := clips[0]
	pix := make([]uint8, 0, len(clips)*len(first.Pix))
	for i, c := range clips {
		if !c.SameSize(first) {
			return nil, fmt.Errorf("tokenizer: clip %d is %v, clip 0 is %v", i, c, first)
		}
		pix = append(pix, c.Pix...)
	}
	return tensors.FromFlatDataAndDimensions(pix, len(clips), first.Frames, first.Height, first.Width, video.Channels), nil
}

// TrainOptions configure [Train].
type TrainOptions struct {
	Loss      LossOptions
	BatchSize int
	// DType is the dtype of the model's variables and activations: dtypes.Float32 (default) or
	// dtypes.BFloat16 (every weight in bfloat16; for backends that support it, such as XLA on
	// a GPU). The loss is always computed in float32.
	DType dtypes.DType
	// EvalBatch is the batch size of the held-out evaluation (default BatchSize).
	EvalBatch int
	// UseEMA evaluates (and Train exports) the moving average of the weights, which needs
	// train.Config.EMADecay > 0.
	UseEMA bool
	// StopAt > 0 stops the run after that step with a checkpoint, as an interruption would,
	// while the learning-rate schedule stays the one of train.Config.Steps: running the same
	// command again without it resumes the same run, and with the run at StopAt already it
	// trains nothing (the same weights again). It makes the stopping point of a run that was
	// interrupted by hand reproducible. See train.RunUntil.
	StopAt int
	Logger *slog.Logger
}

// Train trains the tokenizer on the clips trainClips (all of one size, 1+k·t frames) with the
// shared training loop (train.Run: checkpoints in tc.Dir, exact resume, metrics.jsonl), logging
// the PSNR and SSIM of the reconstructions of valClips (eval.psnr, eval.ssim; none when valClips
// is empty) every tc.EvalEvery steps. The tokenizer's Config is saved beside every checkpoint.
// It returns the run's result and the trained store (the EMA weights when opts.UseEMA) ready
// for weights.SaveStore or a [Codec]. A fresh run of a Config.LinearShortcut tokenizer (float32)
// starts from [FitLinearShortcut] on the first linearFitClips training clips.
func Train(ctx context.Context, b compute.Backend, m *Tokenizer, trainClips, valClips []*video.Clip,
	tc train.Config, opts TrainOptions) (*train.Result, *model.Store, error) {
	if err := opts.Loss.Validate(); err != nil {
		return nil, nil, err
	}
	if opts.DType == dtypes.InvalidDType {
		opts.DType = dtypes.Float32
	}
	if opts.EvalBatch <= 0 {
		opts.EvalBatch = opts.BatchSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	x, err := clipsTensor(trainClips)
	if err != nil {
		return nil, nil, fmt.Errorf("tokenizer: training clips: %w", err)
	}
	m.LatentShape(x.Shape().Dimensions) // panics on a size the tokenizer cannot take
	data, err := train.NewSliceLoader(opts.BatchSize, tc.Seed, x)
	if err != nil {
		return nil, nil, err
	}
	store := model.NewStore()
	if m.cfg.LinearShortcut && opts.DType == dtypes.Float32 {
		// A fresh run of a tokenizer with the linear shortcut starts from the principal
		// components of its training patches (FitLinearShortcut); a resumed one from its checkpoint.
		if ckpt, err := train.LatestCheckpoint(tc.Dir); err != nil {
			return nil, nil, err
		} else if ckpt == nil {
			if store, err = InitStore(b, m, int64(tc.Seed)); err != nil {
				return nil, nil, err
			}
			fit, err := FitLinearShortcut(b, m, store, x, linearFitClips)
			if err != nil {
				return nil, nil, err
			}
			opts.Logger.Info("tokenizer: linear shortcut fitted", "patches", fit.Patches, "explained_variance", fit.Explained,
				"quantized_explained", fit.QuantizedExplained)
		}
	}
	runOpts := []train.Option{train.WithModelConfig(m.Config()), train.WithLogger(opts.Logger)}
	if len(valClips) > 0 {
		runOpts = append(runOpts, train.WithEval(func(ctx context.Context, live *model.Store, step int) (map[string]float64, error) {
			exported, err := train.ExportStore(live, opts.UseEMA)
			if err != nil {
				return nil, err
			}
			q, err := evaluate(b, m, exported, valClips, opts.EvalBatch, opts.DType)
			if err != nil {
				return nil, err
			}
			return map[string]float64{"psnr": q.PSNR, "ssim": q.SSIM}, nil
		}))
	}
	res, err := train.RunUntil(ctx, b, store, m.TrainingLoss(opts.Loss, opts.DType), data, tc, opts.StopAt, runOpts...)
	if err != nil {
		return res, nil, err
	}
	exported, err := train.ExportStore(store, opts.UseEMA)
	if err != nil {
		return res, nil, err
	}
	return res, exported, nil
}

// evaluate reconstructs clips with the weights of store and measures them.
func evaluate(b compute.Backend, m *Tokenizer, store *model.Store, clips []*video.Clip, batch int, dtype dtypes.DType) (Quality, error) {
	c, err := newCodecFromStore(b, m, store, dtype)
	if err != nil {
		return Quality{}, err
	}
	defer c.Close()
	got := make([]*video.Clip, 0, len(clips))
	for start := 0; start < len(clips); start += batch {
		rec, err := c.reconstructBatch(clips[start:min(start+batch, len(clips))])
		if err != nil {
			return Quality{}, err
		}
		got = append(got, rec...)
	}
	return Measure(clips, got)
}

// SaveWeights writes the tokenizer weights of store (as Train returns them) to path with
// weights.SaveStore, and the Config as JSON beside it (weights.ConfigPath), the format
// LoadWeights and [OpenCodec] read.
func SaveWeights(path string, store *model.Store, cfg Config) error {
	return weights.SaveStore(path, store, cfg)
}
