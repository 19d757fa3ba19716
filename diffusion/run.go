package diffusion

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/schollz/progressbar/v3"

	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/weights"
)

// Latent normalizations of TrainRunOptions.LatentStd.
const (
	// LatentStdChannel scales the latents per latent frame and channel, as Cosmos.
	LatentStdChannel = "channel"
	// LatentStdFrame uses one scale per latent frame, for principal-component latents.
	LatentStdFrame = "frame"
)

// Kinds of TrainRunOptions.SigmaData.
const (
	// SigmaDataGlobal is one sigma_data for every channel (Config.SigmaData, 0.5 as Cosmos).
	SigmaDataGlobal = "global"
	// SigmaDataChannel measures sigma_data per latent channel on the training latents
	// ([ChannelSigmaData]).
	SigmaDataChannel = "channel"
)

// maxLatentGain bounds TrainRunOptions.LatentGain.
const maxLatentGain = 1000

// OptionError is an option of [Train] (or [OpenTextEncoder]) that cannot work, found before
// any training: a bad value, a combination that contradicts itself, or a resume whose options
// differ from the run's. It is the caller's mistake, not a failure of the run.
type OptionError struct {
	// Option is the field at fault: a TrainRunOptions field ("LatentGain", "Init",
	// "TextEncoder", "Loss", ...), "Data" for TrainData, or "Config" for the model Config.
	Option string
	Err    error
}

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

func optionErrorf(option, format string, args ...any) error {
	return &OptionError{Option: option, Err: fmt.Errorf(format, args...)}
}

// TrainRunOptions configure [Train].
type TrainRunOptions struct {
	// Loop is the training loop (steps, learning rate, schedule, EMA, seed, checkpoints, ...).
	// Loop.Dir, the run folder, is required: it holds the checkpoints, metrics.jsonl, the
	// latent cache (LatentCacheFile), the caption cache (TextCacheDir) and the exported model
	// (WeightsFile and model.json). A run folder with a checkpoint is resumed exactly.
	Loop train.Config
	// Loss holds the diffusion loss settings (noise levels, text dropout, Video2World
	// condition frames).
	Loss TrainOptions
	// Tokenizer is the CV tokenizer: a weights file (tokenizer.SaveWeights), or
	// "preset:NAME" for untrained weights (see [OpenTokenizer]). Required.
	Tokenizer string
	// TextEncoder is TextEncoderBuiltin, TextEncoderHash or a Hugging Face T5 folder. Empty:
	// the resumed run's, else the Init model's, else TextEncoderBuiltin.
	TextEncoder string
	// Init fine-tunes from a trained model (weights file, checkpoint or run folder): the
	// architecture, dtype, latent statistics and sigma_data come from it, and training starts
	// at step 0 with a fresh optimizer.
	Init string
	// BatchSize is the number of videos per step (>= 1); ImageBatch > 0 adds that many images
	// (the clips' first latent frames) per step for joint image+video training.
	BatchSize, ImageBatch int
	// StopAt > 0 stops after that step (checkpoint and export) keeping the learning-rate
	// schedule of Loop.Steps (see train.RunUntil); 0 runs to Loop.Steps.
	StopAt int
	// LatentStd is LatentStdChannel (default) or LatentStdFrame. Must be empty with Init.
	LatentStd string
	// LatentGain multiplies the normalized latents (0 means 1; at most 1000). Must be 0 with
	// Init.
	LatentGain float64
	// SigmaData is SigmaDataGlobal (default) or SigmaDataChannel. Must be empty with Init.
	SigmaData string
	// ExportDType is the dtype of the exported weights: Float32 (default, also for
	// InvalidDType), Float16 or BFloat16 (loaded back as the model's dtype).
	ExportDType dtypes.DType
	// Log receives notes (where the latents come from, the data) as lines; nil discards them.
	Log io.Writer
	// BackendName is how Log names the backend (default b.Name()).
	BackendName string
	// Progress, when not nil, shows a progress bar of the latent encoding there. The training
	// loop's own bar is Loop.Progress.
	Progress io.Writer
	// Logger is where warnings and the training loop log (default slog.Default()).
	Logger *slog.Logger
}

// TrainRunResult is what [Train] did.
type TrainRunResult struct {
	// Config is the trained model's configuration, as exported in model.json.
	Config Config
	// Run is the training loop's result: step reached, step resumed from, last loss (NaN
	// when this call took no step), checkpoint, metrics and elapsed time.
	Run *train.Result
	// Clips is the number of training clips; LatentShape the latent of one [T', h, w, C].
	Clips       int
	LatentShape []int
	// Weights is the exported weights file (model.json beside it).
	Weights string
}

// validate checks the options and the data description without touching the disk.
func (o *TrainRunOptions) validate(cfg Config, data TrainData) error {
	switch {
	case o.Loop.Dir == "":
		return optionErrorf("Loop", "Loop.Dir (the run folder) is required")
	case o.Tokenizer == "":
		return optionErrorf("Tokenizer", "Tokenizer is required")
	case data.Dir == "":
		return optionErrorf("Data", "Data.Dir (the shards) is required")
	case o.BatchSize < 1 || data.Frames < 1 || o.ImageBatch < 0:
		return optionErrorf("BatchSize", "need BatchSize >= 1, Frames >= 1 and ImageBatch >= 0")
	case data.Bucket.Width < 1 || data.Bucket.Height < 1:
		return optionErrorf("Data", "Bucket %dx%d: want positive sides", data.Bucket.Width, data.Bucket.Height)
	}
	switch o.ExportDType {
	case dtypes.InvalidDType, dtypes.Float32, dtypes.Float16, dtypes.BFloat16:
	default:
		return optionErrorf("ExportDType", "ExportDType must be float32, float16 or bfloat16, not %s", o.ExportDType)
	}
	if o.LatentGain != 0 && (!(o.LatentGain > 0) || o.LatentGain > maxLatentGain) {
		return optionErrorf("LatentGain", "LatentGain must be in (0, %d]", maxLatentGain)
	}
	if o.SigmaData != "" && o.SigmaData != SigmaDataGlobal && o.SigmaData != SigmaDataChannel {
		return optionErrorf("SigmaData", "SigmaData must be global or channel")
	}
	if o.LatentStd != "" && o.LatentStd != LatentStdChannel && o.LatentStd != LatentStdFrame {
		return optionErrorf("LatentStd", "LatentStd must be channel or frame")
	}
	if o.Init != "" {
		if o.LatentStd != "" || o.LatentGain != 0 {
			return optionErrorf("Init", "the latent normalization comes from the Init model (drop LatentStd, LatentGain)")
		}
		if o.SigmaData != "" {
			return optionErrorf("Init", "sigma_data comes from the Init model (drop SigmaData)")
		}
		sample := Config{SampleGuidance: cfg.SampleGuidance, SampleSigmaMin: cfg.SampleSigmaMin}
		if !reflect.DeepEqual(cfg, sample) {
			return optionErrorf("Init", "the model configuration comes from the Init model: give a Config with only SampleGuidance and SampleSigmaMin set")
		}
	} else if err := cfg.Validate(); err != nil {
		return &OptionError{Option: "Config", Err: err}
	}
	return nil
}

// Train trains (or fine-tunes, with opts.Init) the diffusion world model of configuration cfg
// on the clips of data, in the run folder opts.Loop.Dir, as 'wfm train diffusion' does:
//
//   - the clips are read from the shards, encoded with opts.Tokenizer and normalized per latent
//     frame and channel (opts.LatentStd, opts.LatentGain); the encoded set is cached in the run
//     folder (LatentCacheFile) and reused by a later call with the same data, tokenizer and text
//     encoder, so tokenization is paid once;
//   - captions are embedded by opts.TextEncoder, recorded in the model's Config;
//   - the EDM loss (opts.Loss, with sigma_data per channel when opts.SigmaData is channel) is
//     minimised by the shared loop (train.RunUntil: checkpoints, exact resume, metrics.jsonl),
//     stopping after opts.StopAt when it is set;
//   - the weights (the EMA average when opts.Loop.EMADecay > 0) are exported in
//     opts.ExportDType to Loop.Dir/WeightsFile with model.json, which records the sample
//     defaults cfg.SampleGuidance and cfg.SampleSigmaMin.
//
// A folder with a checkpoint is resumed; a resume with another text encoder, latent
// normalization or sigma_data than the run's is refused. Options that cannot work are an
// [*OptionError], returned before any work (the resume checks: before any training). With
// opts.Init, cfg must be the zero Config but for SampleGuidance and SampleSigmaMin, which then
// override the Init model's.
func Train(ctx context.Context, b compute.Backend, cfg Config, data TrainData, opts TrainRunOptions) (_ TrainRunResult, retErr error) {
	var none TrainRunResult
	if err := opts.validate(cfg, data); err != nil {
		return none, err
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.ExportDType == dtypes.InvalidDType {
		opts.ExportDType = dtypes.Float32
	}
	if opts.LatentGain == 0 {
		opts.LatentGain = 1
	}
	out := opts.Loop.Dir
	var store *model.Store
	if opts.Init != "" {
		sample := cfg
		var err error
		if store, cfg, err = LoadWeights(opts.Init, true); err != nil {
			return none, err
		}
		// The file must hold the whole network its config describes: a file of another model
		// (a tokenizer's weights, say) would otherwise start fine-tuning from initial values.
		if n, want := int64(store.NumParameters()), cfg.ParamCount(); n != want {
			return none, fmt.Errorf("diffusion: train: init %s holds %d parameters, the %s network its config describes has %d (is it the weights of another model?)",
				opts.Init, n, cfg.Name, want)
		}
		if sample.SampleGuidance != nil {
			cfg.SampleGuidance = sample.SampleGuidance
		}
		if sample.SampleSigmaMin != 0 {
			cfg.SampleSigmaMin = sample.SampleSigmaMin
		}
		if err := cfg.Validate(); err != nil {
			return none, &OptionError{Option: "Config", Err: err}
		}
	}
	// The loss options are checked on the model before anything is read or encoded.
	if m, err := New(cfg); err != nil {
		return none, &OptionError{Option: "Config", Err: err}
	} else if _, err := m.TrainLoss(opts.Loss); err != nil {
		return none, &OptionError{Option: "Loss", Err: err}
	}
	codec, tcfg, err := OpenTokenizer(b, opts.Tokenizer, data.Frames)
	mult := tcfg.SpatialCompression * cfg.PatchSpatial
	badSize := tcfg.TemporalCompression > 0 && (data.Bucket.Width%mult != 0 || data.Bucket.Height%mult != 0 ||
		(data.Frames-1)%tcfg.TemporalCompression != 0)
	if err == nil {
		defer codec.Close()
	}
	if badSize {
		return none, optionErrorf("Data", "Bucket sides must be multiples of %d and Frames 1+k·%d", mult, tcfg.TemporalCompression)
	}
	if err != nil {
		return none, &OptionError{Option: "Tokenizer", Err: err}
	}
	// The latent of a clip must fit the model (else the graph build fails after encoding).
	if s, t := tcfg.SpatialCompression, tcfg.TemporalCompression; s > 0 && t > 0 && cfg.MaxLatentFrames > 0 {
		if err := cfg.CheckLatentSize(1+(data.Frames-1)/t, data.Bucket.Height/s, data.Bucket.Width/s); err != nil {
			return none, optionErrorf("Data", "Bucket %dx%d and Frames %d: %v (at most %dx%d and %d frames)", data.Bucket.Width,
				data.Bucket.Height, data.Frames, err, cfg.MaxLatentWidth*s, cfg.MaxLatentHeight*s, 1+(cfg.MaxLatentFrames-1)*t)
		}
	}
	cfg.Tokenizer, cfg.Kind = opts.Tokenizer, ModelKind
	// One writer per run folder, from before its checkpoints are read: a second run on it is
	// refused, naming the first. A call refused from here on leaves no folder it created.
	_, statErr := os.Stat(out)
	lock, err := dirlock.Acquire(out, "wfm train diffusion")
	if err != nil {
		return none, err
	}
	defer func() {
		lock.Release()
		if retErr != nil && errors.Is(statErr, fs.ErrNotExist) {
			_ = os.Remove(out) // only if still empty
		}
	}()
	resumed, err := resumedConfig(out)
	if err != nil {
		return none, err
	}
	textSpec := opts.TextEncoder
	if textSpec == "" {
		switch {
		case resumed != nil:
			textSpec = RecordedTextEncoder(*resumed)
		case opts.Init != "":
			textSpec = RecordedTextEncoder(cfg)
		default:
			textSpec = TextEncoderBuiltin
		}
	}
	text, err := OpenTextEncoder(b, textSpec, cfg, filepath.Join(out, TextCacheDir))
	if err != nil {
		return none, err
	}
	if resumed != nil {
		if same, folderOnly := SameTextEncoder(resumed.TextEncoderID, text.ID); !same && !folderOnly {
			return none, optionErrorf("TextEncoder", "the run in %s was trained with text encoder %s (%s), not %s (%s): resume with the same TextEncoder or start a new Loop.Dir",
				out, resumed.TextEncoder, resumed.TextEncoderID, text.Spec, text.ID)
		}
	}
	if opts.Init != "" {
		if same, _ := SameTextEncoder(cfg.TextEncoderID, text.ID); !same {
			logger(opts).Warn("fine-tuning with another text encoder than the Init model's",
				"init", cfg.TextEncoder, "init_id", cfg.TextEncoderID, "now", text.Spec, "now_id", text.ID)
		}
	}
	cfg.TextEncoder, cfg.TextEncoderID = text.Spec, text.ID
	// A bad loop configuration is train.Config.Validate's *train.ConfigError, as train.Run
	// would return it, found here before any work.
	if err := opts.Loop.Validate(); err != nil {
		return none, err
	}
	set, stats, err := loadOrEncode(ctx, codec, text, data, cfg, tcfg.SpatialCompression, opts)
	if err != nil {
		return none, err
	}
	if (opts.LatentStd == LatentStdFrame || opts.LatentGain != 1) && opts.Init == "" {
		// The cache holds per-channel normalized latents: switch them to one scale per frame
		// and/or multiply them by the gain (model.json records the resulting std).
		if err := rescaleTrainingSet(set, &stats, opts.LatentStd == LatentStdFrame, opts.LatentGain, cfg.LatentChannels); err != nil {
			return none, err
		}
	}
	cfg.LatentMean, cfg.LatentStd = stats.LatentMean, stats.LatentStd
	if opts.SigmaData == SigmaDataChannel && opts.Init == "" {
		flat := tensors.MustCopyFlatData[float32](set.Video[0])
		if cfg.SigmaDataChannels, err = ChannelSigmaData(flat, stats.Dims, cfg, opts.Loss.CondFrames); err != nil {
			return none, err
		}
	}
	if resumed != nil && opts.Init == "" && (len(resumed.SigmaDataChannels) > 0) != (len(cfg.SigmaDataChannels) > 0) {
		return none, optionErrorf("SigmaData", "%s was trained with a different SigmaData; resume with the same one", out)
	}
	if resumed != nil && opts.Init == "" && len(resumed.LatentStd) > 0 && !closeFloats(resumed.LatentStd, cfg.LatentStd) {
		return none, optionErrorf("LatentStd", "%s was trained on latents normalized differently (LatentStd, LatentGain or the data differ); resume with the same ones", out)
	}
	if cfg.DataFPS == 0 {
		cfg.DataFPS = stats.DataFPS
	}
	backendName := opts.BackendName
	if backendName == "" {
		backendName = b.Name()
	}
	dims, nclips := stats.Dims, stats.Clips
	if nclips < opts.BatchSize || opts.ImageBatch > nclips {
		return none, fmt.Errorf("diffusion: train: %d clips, fewer than the batch", nclips)
	}
	fmt.Fprintf(opts.Log, "backend %s, %s: %d clips of %d frames at %dx%d (latent %v), tokenizer %s\n",
		backendName, cfg.Name, nclips, data.Frames, data.Bucket.Width, data.Bucket.Height, dims, tcfg.Name)
	loader, err := trainLoader(set, opts.BatchSize, opts.ImageBatch, opts.Loop.Seed)
	if err != nil {
		return none, err
	}
	m, err := New(cfg)
	if err != nil {
		return none, err
	}
	loss, err := m.TrainLoss(opts.Loss)
	if err != nil {
		return none, &OptionError{Option: "Loss", Err: err}
	}
	if store == nil {
		store = model.NewStore()
	}
	runOpts := []train.Option{train.WithModelConfig(cfg)}
	if opts.Logger != nil {
		runOpts = append(runOpts, train.WithLogger(opts.Logger))
	}
	r, err := train.RunUntil(ctx, b, store, loss, loader, opts.Loop, opts.StopAt, runOpts...)
	if err != nil {
		return none, err
	}
	weightsPath := filepath.Join(out, WeightsFile)
	if err := SaveWeightsAs(weightsPath, store, cfg, opts.Loop.EMADecay > 0, opts.ExportDType); err != nil {
		return none, err
	}
	return TrainRunResult{Config: cfg, Run: r, Clips: nclips, LatentShape: dims, Weights: weightsPath}, nil
}

// LastLoss is the loss of the last step this call took, nil when it took none.
func (r TrainRunResult) LastLoss() *float32 {
	if r.Run == nil || math.IsNaN(float64(r.Run.Loss)) {
		return nil
	}
	l := r.Run.Loss
	return &l
}

func logger(opts TrainRunOptions) *slog.Logger {
	if opts.Logger != nil {
		return opts.Logger
	}
	return slog.Default()
}

// resumedConfig reads the model config of the newest checkpoint in a run folder, so that a
// resumed run keeps its text encoder and latent normalization; nil when there is none.
func resumedConfig(dir string) (*Config, error) {
	ck, err := train.LatestCheckpoint(dir)
	if err != nil || ck == nil {
		return nil, err
	}
	var cfg Config
	if err := weights.ReadConfig(ck.ModelPath(), &cfg); err != nil {
		return nil, fmt.Errorf("diffusion: train: resume %s: %w", dir, err)
	}
	return &cfg, nil
}

// loadOrEncode reads the run's latent cache when it was made from the same data and settings,
// else encodes the training set and writes the cache.
func loadOrEncode(ctx context.Context, codec *tokenizer.Codec, text *ModelTextEncoder, data TrainData, cfg Config,
	spatial int, opts TrainRunOptions) (*TrainingSet, CacheStats, error) {
	cachePath := filepath.Join(opts.Loop.Dir, LatentCacheFile)
	key, err := latentCacheKey(data, opts.Tokenizer, cfg)
	if err != nil {
		return nil, CacheStats{}, err
	}
	set, stats, err := LoadTrainingSet(cachePath, key)
	if err == nil {
		fmt.Fprintf(opts.Log, "latents from %s\n", cachePath)
		return set, stats, nil
	}
	if !CacheUnusable(err) {
		return nil, stats, err
	}
	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		if opts.Progress == nil {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(opts.Progress),
				progressbar.OptionSetDescription("encoding latents"), progressbar.OptionShowCount())
		}
		_ = bar.Add(1)
	}
	set, stats, err = EncodeTrainingSet(ctx, codec, text, data, cfg, spatial, progress)
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(opts.Progress)
	}
	if err != nil {
		return nil, stats, err
	}
	if err := os.MkdirAll(opts.Loop.Dir, 0o755); err != nil {
		return nil, stats, err
	}
	if err := SaveTrainingSet(cachePath, key, set, stats); err != nil {
		return nil, stats, err
	}
	return set, stats, nil
}

// trainLoader is the loader of TrainLoss's batches: videos, with images for joint training.
func trainLoader(set *TrainingSet, batch, imageBatch int, seed uint64) (train.Loader, error) {
	videoLoader, err := train.NewSliceLoader(batch, seed, set.Video...)
	if err != nil {
		return nil, err
	}
	if imageBatch == 0 {
		return videoLoader, nil
	}
	imageLoader, err := train.NewSliceLoader(imageBatch, seed+1, set.Image...)
	if err != nil {
		return nil, err
	}
	return &JointLoader{Video: videoLoader, Image: imageLoader}, nil
}
