package autoregressive

// Training: the staged recipe of the reference over a token cache, with the shared loop
// (train.RunUntil: checkpoints, exact resume, metrics), held-out next-token loss and accuracy,
// and fine-tuning from a trained model.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/nn"
	"github.com/wfm-platform/wfm/textenc"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/weights"
)

// Stage is one stage of the training recipe: windows of Frames latent frames from the start
// of each cached clip, of which the first CondFrames are given and the rest predicted, with
// the clip's caption as cross-attention input when Text.
type Stage struct {
	Number     int  `json:"number"`
	Frames     int  `json:"frames"`
	CondFrames int  `json:"cond_frames"`
	Text       bool `json:"text,omitempty"`
}

// Stages of the reference recipe (the Cosmos paper, §5.2.2 "autoregressive"): stage 1 learns
// to continue one frame into the next 16 (a 17-frame window); stage 2 trains longer windows
// (every cached latent frame) conditioned on 9 frames, with the temporal RoPE stretched by
// YaRN beyond the frames of stage 1; stage 3 adds the text prompt through cross-attention.
const (
	StageSingleFrame = 1
	StageLongContext = 2
	StageText        = 3
)

// RecipeStage returns stage n (1, 2 or 3) for clips of cachedFrames latent frames made by a
// tokenizer of temporal compression t: stage 1 is 1 + 16/t latent frames (17 video frames)
// conditioned on the first (1 video frame); stages 2 and 3 take all cachedFrames conditioned on
// 1 + 8/t (9 video frames), at most cachedFrames-1. Windows start at the clip's first latent
// frame, the one the causal tokenizer encodes from a single image, as at generation time.
func RecipeStage(n, t, cachedFrames int) (Stage, error) {
	if t < 1 || 16%t != 0 {
		return Stage{}, fmt.Errorf("autoregressive: stage %d: temporal compression %d does not divide 16", n, t)
	}
	if cachedFrames < 2 {
		return Stage{}, fmt.Errorf("autoregressive: stage %d: clips of %d latent frame leave nothing to predict (tokenize more frames)", n, cachedFrames)
	}
	switch n {
	case StageSingleFrame:
		return Stage{Number: n, Frames: min(cachedFrames, 1+16/t), CondFrames: 1}, nil
	case StageLongContext, StageText:
		return Stage{Number: n, Frames: cachedFrames, CondFrames: min(cachedFrames-1, 1+8/t), Text: n == StageText}, nil
	}
	return Stage{}, fmt.Errorf("autoregressive: stage %d: want 1, 2 or 3", n)
}

// OptionError is an option of [Train] that cannot work, found before any training.
type OptionError struct {
	Option string // the TrainOptions field at fault
	Err    error
}

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

func optionErrorf(option, format string, args ...any) error {
	return &OptionError{Option: option, Err: fmt.Errorf(format, args...)}
}

// TrainOptions configure [Train].
type TrainOptions struct {
	// Loop is the training loop; Loop.Dir, the run folder, is required: checkpoints,
	// metrics.jsonl, the exported model (model.safetensors, model.json, TrainInfoFile) and,
	// by default, the token cache go there. A folder with a checkpoint is resumed exactly.
	Loop train.Config
	// Config is the model of a fresh run (a Preset, shapes changed at will): VocabSize is set to
	// the tokenizer's codebook and MaxT to the stage's window. With Init it must be the zero
	// Config: the model comes from Init.
	Config Config
	// Tokenizer is the DV tokenizer's weights file (required); Data the clips to tokenize.
	Tokenizer string
	Data      TokenSource
	// TokenCache is the token cache file (default Loop.Dir/TokenCacheFile); several runs (the
	// stages) may share one. RebuildCache replaces a cache made with another tokenizer or other
	// clips instead of refusing it.
	TokenCache   string
	RebuildCache bool
	// Stage is the recipe stage, 1 (default), 2 or 3 (see RecipeStage). Stage 2 beyond the
	// latent frames the model was trained on stretches its temporal RoPE with YaRN; stage 3
	// gives a model without cross-attention one (new layers, fresh weights).
	Stage int
	// LossOnAll scores every next-token prediction, the condition frames' tokens included;
	// by default only the predicted frames' tokens are scored (the condition is given at
	// generation time, so its tokens need not be modelled).
	LossOnAll bool
	// TextEncoder (stage 3) is diffusion.TextEncoderBuiltin (default), diffusion.TextEncoderHash
	// or a Hugging Face T5 folder; TextLen its token positions (default 64, the built-in
	// encoder's). Its width becomes the model's TextDim.
	TextEncoder string
	TextLen     int
	// Init fine-tunes from a trained model (model folder, weights file or run folder): training
	// starts at step 0 with a fresh optimizer.
	Init string
	// BatchSize is the number of windows per step (>= 1). ValClips > 0 holds out the cache's
	// last ValClips clips, scored (next-token loss and accuracy on the predicted tokens, EMA
	// weights when Loop.EMADecay > 0) every Loop.EvalEvery steps and at the end.
	BatchSize, ValClips int
	// StopAt > 0 stops after that step (checkpoint and export) keeping the schedule of
	// Loop.Steps (train.RunUntil).
	StopAt int
	// Log receives notes (where the tokens come from, the data) as lines; nil discards them.
	Log io.Writer
	// Progress, when not nil, is called after each clip tokenized.
	Progress func(done int)
	// Logger is where the training loop logs (default slog.Default()).
	Logger *slog.Logger
}

// TrainInfoFile is the file beside model.json recording what a model was trained on.
const TrainInfoFile = "training.json"

// TrainInfo is what a trained model folder records besides its Config: the tokenizer whose
// ids it models, the text encoder of a cross-attention model and the stage.
type TrainInfo struct {
	Tokenizer TokenizerIdentity `json:"tokenizer"`
	// TextEncoder is the encoder spec ("builtin", "hash" or a T5 folder) and TextEncoderID
	// what identifies it; empty without cross-attention.
	TextEncoder   string `json:"text_encoder,omitempty"`
	TextEncoderID string `json:"text_encoder_id,omitempty"`
	TextLen       int    `json:"text_len,omitempty"`
	Stage         Stage  `json:"stage"`
	// Grid is the token grid of one training window; FPS the clips' most common frame rate.
	Grid Grid    `json:"grid"`
	FPS  float64 `json:"fps"`
	// LossOnAll says whether the condition tokens were scored too.
	LossOnAll bool `json:"loss_on_all,omitempty"`
}

// ReadTrainInfo reads the TrainInfoFile of a model folder (or of the folder of a weights file).
func ReadTrainInfo(path string) (TrainInfo, error) {
	dir := path
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		dir = filepath.Dir(path)
	}
	var info TrainInfo
	data, err := os.ReadFile(filepath.Join(dir, TrainInfoFile))
	if err != nil {
		return info, fmt.Errorf("autoregressive: %w", err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("autoregressive: %s: %w", filepath.Join(dir, TrainInfoFile), err)
	}
	return info, nil
}

func writeTrainInfo(dir string, info TrainInfo) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, TrainInfoFile), append(data, '\n'), 0o644)
}

// TrainResult is what [Train] did.
type TrainResult struct {
	Config Config
	Info   TrainInfo
	// Run is the loop's result (step, resumed from, last loss: NaN when this call took none).
	Run *train.Result
	// Clips and ValClips count the training and held-out clips.
	Clips, ValClips int
	// Weights is the exported weights file (model.json and TrainInfoFile beside it).
	Weights string
}

// validate checks the options without touching the disk.
func (o *TrainOptions) validate() error {
	switch {
	case o.Loop.Dir == "":
		return optionErrorf("Loop", "Loop.Dir (the run folder) is required")
	case o.Tokenizer == "":
		return optionErrorf("Tokenizer", "Tokenizer (a DV tokenizer's weights file) is required")
	case o.Data.Dir == "":
		return optionErrorf("Data", "Data.Dir (the shards) is required")
	case o.Data.Frames < 2:
		return optionErrorf("Data", "Data.Frames must be 1 + k·t with k >= 1, got %d", o.Data.Frames)
	case o.BatchSize < 1 || o.ValClips < 0:
		return optionErrorf("BatchSize", "need BatchSize >= 1 and ValClips >= 0")
	case o.Stage < 0 || o.Stage > StageText:
		return optionErrorf("Stage", "Stage must be 1, 2 or 3, got %d", o.Stage)
	case o.TextLen < 0:
		return optionErrorf("TextLen", "TextLen must be >= 0")
	case o.StopAt < 0:
		return optionErrorf("StopAt", "StopAt must be >= 0")
	}
	if o.Init != "" && o.Config != (Config{}) {
		return optionErrorf("Init", "the model configuration comes from the Init model: give the zero Config")
	}
	if o.Init == "" {
		if err := o.Config.Validate(); err != nil {
			return &OptionError{Option: "Config", Err: err}
		}
	}
	return o.Loop.Validate()
}

// Train trains (or fine-tunes, with opts.Init) the autoregressive model on the DV token ids of
// the clips opts.Data names, in the run folder opts.Loop.Dir:
//
//   - the clips are tokenized once into the token cache (LoadOrTokenize), reused by every later
//     run with the same tokenizer and clips, and refused (or rebuilt, opts.RebuildCache) when
//     made with another;
//   - the stage (RecipeStage) cuts each clip into one window of latent frames, flattened t, h,
//     w; the loss is the next-token cross-entropy of the predicted frames' tokens (all tokens
//     with opts.LossOnAll), with the caption's embedding for a stage-3 model;
//   - the shared loop minimises it (train.RunUntil: checkpoints, exact resume, metrics.jsonl),
//     scoring the held-out clips (val_loss, val_accuracy) every Loop.EvalEvery steps;
//   - the model (EMA weights when Loop.EMADecay > 0) is written to Loop.Dir with SaveModel,
//     and TrainInfoFile records the tokenizer, text encoder and stage.
//
// A resumed run must use the same tokenizer and stage as the folder's. Options that cannot work
// are an [*OptionError] before any work.
func Train(ctx context.Context, b compute.Backend, opts TrainOptions) (_ *TrainResult, retErr error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.Stage == 0 {
		opts.Stage = StageSingleFrame
	}
	if opts.TextLen == 0 {
		opts.TextLen = 64
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	out := opts.Loop.Dir
	cachePath := opts.TokenCache
	if cachePath == "" {
		cachePath = filepath.Join(out, TokenCacheFile)
	}
	var (
		store *model.Store
		cfg   = opts.Config
	)
	if opts.Init != "" {
		var err error
		if store, cfg, err = LoadModel(opts.Init, true); err != nil {
			return nil, &OptionError{Option: "Init", Err: err}
		}
	}
	// One writer per run folder, from before its checkpoints are read; a refused call leaves no
	// folder it created.
	_, statErr := os.Stat(out)
	lock, err := dirlock.Acquire(out, "wfm train autoregressive")
	if err != nil {
		return nil, err
	}
	defer func() {
		lock.Release()
		if retErr != nil && errors.Is(statErr, fs.ErrNotExist) {
			_ = os.Remove(out) // only if still empty
		}
	}()
	cache, err := LoadOrTokenize(ctx, b, cachePath, opts.Tokenizer, opts.Data,
		CacheOptions{Rebuild: opts.RebuildCache, Progress: opts.Progress, Log: opts.Log})
	if err != nil {
		var mismatch *TokenizerMismatchError
		var window *tokenizer.OptionsError
		switch {
		case errors.As(err, &mismatch):
			return nil, &OptionError{Option: "Tokenizer", Err: fmt.Errorf("%w: give RebuildCache to replace it, or another TokenCache", err)}
		case errors.As(err, &window):
			return nil, optionErrorf("Data", "Data.Frames %d does not fit tokenizer %s: %v", opts.Data.Frames, opts.Tokenizer, window)
		}
		return nil, err
	}
	tcfg := cache.Tokenizer.Config
	stage, err := RecipeStage(opts.Stage, tcfg.TemporalCompression, cache.Frames)
	if err != nil {
		return nil, &OptionError{Option: "Stage", Err: err}
	}
	if cfg, err = stageConfig(cfg, opts.Init != "", stage, cache); err != nil {
		return nil, err
	}
	info := TrainInfo{Tokenizer: cache.Tokenizer, Stage: stage, Grid: Grid{T: stage.Frames, H: cache.Height, W: cache.Width},
		FPS: commonFPS(cache.FPS), LossOnAll: opts.LossOnAll}
	var text diffusion.TextEncoder
	if stage.Text {
		spec := opts.TextEncoder
		if spec == "" {
			spec = diffusion.TextEncoderBuiltin
		}
		t, err := openText(b, spec, cfg, opts.TextLen, filepath.Join(out, diffusion.TextCacheDir))
		if err != nil {
			return nil, err
		}
		text, info.TextEncoder, info.TextEncoderID, info.TextLen = t.TextEncoder, t.Spec, t.ID, opts.TextLen
		cfg.CrossAttn, cfg.TextDim = true, t.Dim()
	} else if cfg.CrossAttn {
		return nil, optionErrorf("Stage", "model %s has cross-attention: train it at stage 3 (with text)", cfg.Name)
	}
	m, err := New(cfg)
	if err != nil {
		return nil, &OptionError{Option: "Config", Err: err}
	}
	if err := checkResume(out, cfg, info); err != nil {
		return nil, err
	}
	nval := opts.ValClips
	ntrain := cache.Clips() - nval
	if ntrain < opts.BatchSize {
		return nil, optionErrorf("BatchSize", "%d clips (%d held out) leave %d for training, fewer than the batch of %d",
			cache.Clips(), nval, max(ntrain, 0), opts.BatchSize)
	}
	fmt.Fprintf(opts.Log, "%s (%d parameters), stage %d: %d clips (%d held out), windows of %d latent frames of %dx%d tokens (%d given), tokenizer %s\n",
		cfg.Name, cfg.NumParams(), stage.Number, ntrain, nval, stage.Frames, cache.Height, cache.Width, stage.CondFrames, tcfg.Name)
	trainSet, err := windowTensors(ctx, cache, 0, ntrain, stage, text)
	if err != nil {
		return nil, err
	}
	loader, err := train.NewSliceLoader(opts.BatchSize, opts.Loop.Seed, trainSet...)
	if err != nil {
		return nil, err
	}
	condTokens := stage.CondFrames * cache.Height * cache.Width
	if opts.LossOnAll {
		condTokens = 0
	}
	grid := info.Grid
	loss := func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		var emb, mask *graph.Node
		if len(batch) == 3 {
			emb, mask = batch[1], batch[2]
		}
		return m.Loss(scope, batch[0], grid, emb, mask, condTokens)
	}
	if store == nil {
		store = model.NewStore()
	}
	runOpts := []train.Option{train.WithModelConfig(cfg)}
	if opts.Logger != nil {
		runOpts = append(runOpts, train.WithLogger(opts.Logger))
	}
	if nval > 0 {
		valSet, err := windowTensors(ctx, cache, ntrain, cache.Clips(), stage, text)
		if err != nil {
			return nil, err
		}
		runOpts = append(runOpts, train.WithEval(heldOutEval(b, m, grid, stage.CondFrames*grid.H*grid.W, valSet, opts.BatchSize, opts.Loop.EMADecay > 0)))
	}
	// The folder records what its checkpoints were trained on before the first one exists.
	if err := writeTrainInfo(out, info); err != nil {
		return nil, err
	}
	r, err := train.RunUntil(ctx, b, store, loss, loader, opts.Loop, opts.StopAt, runOpts...)
	if err != nil {
		return nil, err
	}
	if err := SaveModel(out, cfg, store, opts.Loop.EMADecay > 0); err != nil {
		return nil, err
	}
	return &TrainResult{Config: cfg, Info: info, Run: r, Clips: ntrain, ValClips: nval, Weights: filepath.Join(out, WeightsFile)}, nil
}

// stageConfig fits the model's configuration to the stage and the cache: a fresh model gets the
// tokenizer's vocabulary and a temporal range of the stage's window; a trained one (init)
// must have that vocabulary, and its temporal RoPE is stretched with YaRN when the window is
// longer than what it was trained on (the scale is window / original frames; β_fast 4 and
// β_slow 1 as the reference's 12B model).
func stageConfig(cfg Config, init bool, st Stage, cache *TokenCache) (Config, error) {
	vocab := cache.Tokenizer.VocabSize()
	if !init {
		cfg = cfg.WithVocab(vocab)
		cfg.MaxT = st.Frames
	} else if cfg.VocabSize != vocab {
		return cfg, optionErrorf("Init", "model %s has %d token ids, tokenizer %s %d: it was trained on another tokenizer",
			cfg.Name, cfg.VocabSize, cache.Tokenizer.Path, vocab)
	} else if st.Frames > cfg.MaxT {
		orig := cfg.MaxT
		if cfg.YaRNScale > 1 {
			orig = cfg.YaRNOriginalT
		} else {
			cfg.YaRNBetaFast, cfg.YaRNBetaSlow = 4, 1
		}
		cfg.YaRNOriginalT, cfg.YaRNScale, cfg.MaxT = orig, float64(st.Frames)/float64(orig), st.Frames
	}
	if cache.Height > cfg.MaxH || cache.Width > cfg.MaxW {
		return cfg, optionErrorf("Data", "latent frames of %dx%d tokens exceed model %s's %dx%d (max_h, max_w): train smaller clips or a larger model",
			cache.Height, cache.Width, cfg.Name, cfg.MaxH, cfg.MaxW)
	}
	return cfg, nil
}

// openText opens a stage-3 text encoder of n tokens (the diffusion model's, see
// diffusion.OpenTextEncoder) with the width the model reads; a model without cross-attention yet
// takes the encoder's own width (64 for the hashing encoder).
func openText(b compute.Backend, spec string, cfg Config, n int, cacheDir string) (*diffusion.ModelTextEncoder, error) {
	dim := cfg.TextDim
	if !cfg.CrossAttn {
		switch spec {
		case diffusion.TextEncoderHash:
			dim = 64
		case diffusion.TextEncoderBuiltin:
			m, err := textenc.Default()
			if err != nil {
				return nil, &OptionError{Option: "TextEncoder", Err: err}
			}
			dim = m.Dim()
		default:
			m, err := textenc.Load(spec, textenc.WithMaxLen(n))
			if err != nil {
				return nil, &OptionError{Option: "TextEncoder", Err: err}
			}
			dim = m.Dim()
		}
	}
	t, err := diffusion.OpenTextEncoder(b, spec, diffusion.Config{Name: cfg.Name, ContextDim: dim, ContextLen: n}, cacheDir)
	if err != nil {
		return nil, &OptionError{Option: "TextEncoder", Err: err}
	}
	return t, nil
}

// checkResume refuses to resume a run folder with another tokenizer, stage or model.
func checkResume(dir string, cfg Config, info TrainInfo) error {
	ck, err := train.LatestCheckpoint(dir)
	if err != nil || ck == nil {
		return err
	}
	var have Config
	if err := weights.ReadConfig(ck.ModelPath(), &have); err != nil {
		return fmt.Errorf("autoregressive: train: resume %s: %w", dir, err)
	}
	prev, err := ReadTrainInfo(dir)
	if err != nil {
		return fmt.Errorf("autoregressive: train: resume %s: %w", dir, err)
	}
	switch {
	case !prev.Tokenizer.Same(info.Tokenizer):
		return optionErrorf("Tokenizer", "the run in %s was trained on the ids of tokenizer %s (sha256 %.12s), not %s (sha256 %.12s): resume with the same Tokenizer or start a new Loop.Dir",
			dir, prev.Tokenizer.Path, prev.Tokenizer.SHA256, info.Tokenizer.Path, info.Tokenizer.SHA256)
	case prev.Stage != info.Stage:
		return optionErrorf("Stage", "the run in %s trains stage %+v, not %+v: train each stage in its own Loop.Dir (with Init)", dir, prev.Stage, info.Stage)
	case prev.TextEncoderID != info.TextEncoderID || prev.LossOnAll != info.LossOnAll:
		return optionErrorf("TextEncoder", "the run in %s was trained with text encoder %q and loss_on_all %v: resume with the same ones",
			dir, prev.TextEncoder, prev.LossOnAll)
	case have != cfg:
		return optionErrorf("Config", "the run in %s trains model %+v, not %+v: resume with the same options", dir, have, cfg)
	}
	return nil
}

// windowTensors cuts clips [from, to) of the cache into the stage's windows: ids int32 [N, L]
// (L = Frames·H·W), and with text the captions' embeddings [N, S, D] and masks [N, S].
func windowTensors(ctx context.Context, c *TokenCache, from, to int, st Stage, text diffusion.TextEncoder) ([]*tensors.Tensor, error) {
	n := to - from
	l := st.Frames * c.Height * c.Width
	ids := make([]int32, 0, n*l)
	for i := from; i < to; i++ {
		ids = append(ids, c.Clip(i)[:l]...)
	}
	out := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(ids, n, l)}
	if text == nil {
		return out, nil
	}
	emb, mask, err := text.Encode(ctx, c.Captions[from:to])
	if err != nil {
		return nil, fmt.Errorf("autoregressive: encode captions: %w", err)
	}
	return append(out, emb, mask), nil
}

// heldOutEval scores the held-out windows set (the layout of windowTensors) in batches of at
// most batch windows: the mean next-token loss and the accuracy of the argmax over the tokens
// after condTokens, on a copy of the weights (the moving averages when ema), with the
// copy-last-frame baseline's accuracy (copyAccuracy) beside them.
func heldOutEval(b compute.Backend, m *Model, grid Grid, condTokens int, set []*tensors.Tensor, batch int, ema bool) train.EvalFn {
	first := max(condTokens, 1)
	copyAcc := copyAccuracy(set[0], condTokens, grid.H*grid.W)
	n := set[0].Shape().Dim(0)
	var chunks [][]any
	for start := 0; start < n; start += batch {
		var args []any
		for _, t := range set {
			args = append(args, sliceRows(t, start, min(start+batch, n)))
		}
		chunks = append(chunks, args)
	}
	return func(ctx context.Context, store *model.Store, step int) (map[string]float64, error) {
		eval, err := train.ExportStore(store, ema)
		if err != nil {
			return nil, err
		}
		exec, err := model.NewExec(b, eval, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			var emb, mask *graph.Node
			if len(in) == 3 {
				emb, mask = in[1], in[2]
			}
			ids := in[0]
			l := ids.Shape().Dim(1)
			logits, _ := m.Forward(scope, ids, grid, emb, mask)
			logits = graph.SliceAxis(logits, 1, graph.AxisRange(first-1, l-1))
			targets := graph.SliceAxis(ids, 1, graph.AxisRange(first, l))
			loss := nn.CrossEntropy(logits, targets)
			hit := graph.ConvertDType(graph.Equal(graph.ArgMax(logits, -1, dtypes.Int32), targets), dtypes.Float32)
			return []*graph.Node{loss, graph.ReduceAllMean(hit)}
		})
		if err != nil {
			return nil, err
		}
		defer exec.Finalize()
		var loss, acc float64
		for _, args := range chunks {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			outs, err := exec.Call(args...)
			if err != nil {
				return nil, fmt.Errorf("autoregressive: held-out evaluation at step %d: %w", step, err)
			}
			rows := float64(args[0].(*tensors.Tensor).Shape().Dim(0)) / float64(n) // every window has as many targets
			loss += rows * float64(tensors.ToScalar[float32](outs[0]))
			acc += rows * float64(tensors.ToScalar[float32](outs[1]))
			for _, o := range outs {
				_ = o.FinalizeAll()
			}
		}
		return map[string]float64{"val_loss": loss, "val_accuracy": acc, "val_copy_accuracy": copyAcc}, nil
	}
}

// sliceRows copies rows [from, to) of t (int32 or float32) along its first axis.
func sliceRows(t *tensors.Tensor, from, to int) *tensors.Tensor {
	dims := append([]int{to - from}, t.Shape().Dimensions[1:]...)
	per := t.Shape().Size() / t.Shape().Dim(0)
	if t.DType() == dtypes.Int32 {
		return tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[int32](t)[from*per:to*per], dims...)
	}
	return tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[float32](t)[from*per:to*per], dims...)
}

// copyAccuracy is the accuracy of the baseline that predicts each token of a frame after the
// condition as the token at the same place in the last condition frame, over the targets
// heldOutEval scores (the ids [N, L] of windows of frames of fr tokens, condTokens given): what
// a model must beat to have learnt motion rather than a still picture.
func copyAccuracy(ids *tensors.Tensor, condTokens, fr int) float64 {
	flat := tensors.MustCopyFlatData[int32](ids)
	l := ids.Shape().Dim(1)
	last := max(condTokens, 1) - 1 // the last given token's frame is the copy source
	src := last / fr * fr
	hit, n := 0, 0
	for row := 0; row < len(flat); row += l {
		for p := max(condTokens, 1); p < l; p++ {
			if flat[row+p] == flat[row+src+p%fr] {
				hit++
			}
			n++
		}
	}
	return float64(hit) / float64(n)
}

// commonFPS is the most frequent frame rate of the clips.
func commonFPS(fps []float32) float64 {
	count := map[float32]int{}
	var best float32
	for _, f := range fps {
		count[f]++
		if count[f] > count[best] {
			best = f
		}
	}
	return float64(best)
}
