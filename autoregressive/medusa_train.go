package autoregressive

// Medusa-1 training (Cai et al. 2024, §2.2.1): the heads are trained on a frozen base model,
// each against the token it guesses, over the windows the base was trained on.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/nn"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/worldgen"
)

// MedusaOptions configure [TrainMedusa].
type MedusaOptions struct {
	// Loop is the training loop; Loop.Dir, the run folder, is required (checkpoints, metrics,
	// the exported model with its heads). A folder with a checkpoint is resumed exactly.
	Loop train.Config
	// Init is the base model (model folder, weights file or run folder of Train), required. Its
	// variables are frozen; only the heads are trained.
	Init string
	// Heads is the number of Medusa heads (>= 1): head j guesses the token j+2 positions ahead.
	Heads int
	// Data are the clips to train on (Data.Frames at least the base's training window), encoded
	// with the base's tokenizer (Tokenizer overrides its recorded path; it must be the same
	// tokenizer) into the token cache TokenCache (default Loop.Dir/TokenCacheFile).
	Data         TokenSource
	Tokenizer    string
	TokenCache   string
	RebuildCache bool
	// BatchSize is the number of windows per step (>= 1).
	BatchSize int
	// StopAt > 0 stops after that step keeping the schedule of Loop.Steps.
	StopAt int
	// Log receives notes as lines; Logger is where the loop logs (default slog.Default()).
	Log    io.Writer
	Logger *slog.Logger
}

// MedusaResult is what [TrainMedusa] did.
type MedusaResult struct {
	Config Config
	Info   TrainInfo
	Run    *train.Result
	Clips  int
	// Weights is the exported model (the base's weights and the heads), with model.json and
	// TrainInfoFile beside it: a model folder Open reads.
	Weights string
}

// TrainMedusa trains opts.Heads Medusa heads on the frozen base model opts.Init (Medusa-1):
// over the base's training windows (TrainInfo's stage and grid), the loss is the sum over the
// heads of the mean cross-entropy of head j at position i against token i+2+j, over the
// predicted tokens (those after the condition frames, or all with the base's LossOnAll). The
// base's hidden states enter the heads through graph.StopGradient and every base variable,
// the shared lm head included, is not trainable, so the optimizer (and its weight decay)
// moves the heads alone. The model written to opts.Loop.Dir is the base with its heads, with the
// base's TrainInfoFile: greedy decoding with it gives the base's tokens, with or without the
// heads (Continue).
func TrainMedusa(ctx context.Context, b compute.Backend, opts MedusaOptions) (_ *MedusaResult, retErr error) {
	switch {
	case opts.Loop.Dir == "":
		return nil, optionErrorf("Loop", "Loop.Dir (the run folder) is required")
	case opts.Init == "":
		return nil, optionErrorf("Init", "Init (the base model) is required")
	case opts.Heads < 1:
		return nil, optionErrorf("Heads", "Heads must be >= 1, got %d", opts.Heads)
	case opts.Data.Dir == "":
		return nil, optionErrorf("Data", "Data.Dir (the shards) is required")
	case opts.BatchSize < 1 || opts.StopAt < 0:
		return nil, optionErrorf("BatchSize", "need BatchSize >= 1 and StopAt >= 0")
	}
	if err := opts.Loop.Validate(); err != nil {
		return nil, err
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	store, cfg, err := LoadModel(opts.Init, true)
	if err != nil {
		return nil, &OptionError{Option: "Init", Err: err}
	}
	info, err := ReadTrainInfo(modelFolder(opts.Init))
	if err != nil {
		return nil, &OptionError{Option: "Init", Err: err}
	}
	if cfg.MedusaHeads != 0 && cfg.MedusaHeads != opts.Heads {
		return nil, optionErrorf("Heads", "model %s has %d Medusa heads already, not %d: start from its base", opts.Init, cfg.MedusaHeads, opts.Heads)
	}
	cfg.MedusaHeads = opts.Heads
	m, err := New(cfg)
	if err != nil {
		return nil, &OptionError{Option: "Heads", Err: err}
	}
	tok := opts.Tokenizer
	if tok == "" {
		tok = worldgen.ResolveModelPath(opts.Init, info.Tokenizer.Path)
	}
	out := opts.Loop.Dir
	cachePath := opts.TokenCache
	if cachePath == "" {
		cachePath = filepath.Join(out, TokenCacheFile)
	}
	_, statErr := os.Stat(out)
	lock, err := dirlock.Acquire(out, "wfm train medusa")
	if err != nil {
		return nil, err
	}
	defer func() {
		lock.Release()
		if retErr != nil && errors.Is(statErr, fs.ErrNotExist) {
			_ = os.Remove(out) // only if still empty
		}
	}()
	cache, err := LoadOrTokenize(ctx, b, cachePath, tok, opts.Data, CacheOptions{Rebuild: opts.RebuildCache, Log: log})
	if err != nil {
		var mismatch *TokenizerMismatchError
		if errors.As(err, &mismatch) {
			return nil, &OptionError{Option: "TokenCache", Err: err}
		}
		return nil, err
	}
	grid, stage := info.Grid, info.Stage
	switch {
	case !cache.Tokenizer.Same(info.Tokenizer):
		return nil, optionErrorf("Tokenizer", "tokenizer %s is not the one model %s was trained on (%s)", tok, opts.Init, info.Tokenizer.Path)
	case cache.Frames < grid.T || cache.Height != grid.H || cache.Width != grid.W:
		return nil, optionErrorf("Data", "the clips give %dx%dx%d tokens; model %s was trained on windows of %dx%dx%d (give its frames and size)",
			cache.Frames, cache.Height, cache.Width, opts.Init, grid.T, grid.H, grid.W)
	case cache.Clips() < opts.BatchSize:
		return nil, optionErrorf("BatchSize", "%d clips, fewer than the batch of %d", cache.Clips(), opts.BatchSize)
	}
	var text diffusion.TextEncoder
	if stage.Text {
		spec := info.TextEncoder
		if spec != diffusion.TextEncoderBuiltin && spec != diffusion.TextEncoderHash {
			spec = worldgen.ResolveModelPath(opts.Init, spec)
		}
		t, err := openText(b, spec, cfg, info.TextLen, filepath.Join(out, diffusion.TextCacheDir))
		if err != nil {
			return nil, err
		}
		text = t.TextEncoder
	}
	fmt.Fprintf(log, "%s: %d Medusa heads on the frozen base %s, %d clips, windows of %dx%dx%d tokens\n",
		cfg.Name, opts.Heads, opts.Init, cache.Clips(), grid.T, grid.H, grid.W)
	windows, err := windowTensors(ctx, cache, 0, cache.Clips(), stage, text)
	if err != nil {
		return nil, err
	}
	loader, err := train.NewSliceLoader(opts.BatchSize, opts.Loop.Seed, windows...)
	if err != nil {
		return nil, err
	}
	// The base is frozen: none of its variables is trained (the heads, made by the first graph,
	// are).
	for v := range store.IterVariables() {
		v.SetTrainable(false)
	}
	condTokens := stage.CondFrames * grid.H * grid.W
	if info.LossOnAll {
		condTokens = 0
	}
	loss := func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		var emb, mask *graph.Node
		if len(batch) == 3 {
			emb, mask = batch[1], batch[2]
		}
		return m.MedusaLoss(scope, batch[0], grid, emb, mask, condTokens)
	}
	runOpts := []train.Option{train.WithModelConfig(cfg)}
	if opts.Logger != nil {
		runOpts = append(runOpts, train.WithLogger(opts.Logger))
	}
	if err := writeTrainInfo(out, info); err != nil {
		return nil, err
	}
	r, err := train.RunUntil(ctx, b, store, loss, loader, opts.Loop, opts.StopAt, runOpts...)
	if err != nil {
		return nil, err
	}
	// The exported model is an ordinary one: every variable trainable again (a later Train
	// with Init fine-tunes all of it).
	export, err := train.ExportStore(store, opts.Loop.EMADecay > 0)
	if err != nil {
		return nil, err
	}
	for v := range export.IterVariables() {
		v.SetTrainable(true)
	}
	if err := SaveModelFolder(out, cfg, export, false, info); err != nil {
		return nil, err
	}
	return &MedusaResult{Config: cfg, Info: info, Run: r, Clips: cache.Clips(), Weights: filepath.Join(out, WeightsFile)}, nil
}

// MedusaLoss is the Medusa heads' training loss over ids (int32 [B, L], the first L tokens of
// grid): the sum over heads j of the mean cross-entropy of head j's logits at position i
// against token i+2+j, for the targets from index condTokens on. The base's hidden states are
// taken through graph.StopGradient (no gradient reaches the base's blocks; freeze the lm head,
// which the heads share, by making it non-trainable as TrainMedusa does). Arguments as for
// Forward; the model must have Medusa heads.
func (m *Model) MedusaLoss(scope *model.Scope, ids *graph.Node, grid Grid, text, textMask *graph.Node, condTokens int) *graph.Node {
	c := m.cfg
	if c.MedusaHeads == 0 {
		panic(fmt.Sprintf("autoregressive.MedusaLoss: model %s has no Medusa heads", c.Name))
	}
	l := ids.Shape().Dim(1)
	h := graph.StopGradient(m.hidden(scope, ids, grid, text, textMask))
	_, heads := m.heads(scope, h, true)
	var total *graph.Node
	for j, logits := range heads {
		ahead := j + 2
		first := max(condTokens, ahead) // the first target index
		if first >= l {
			panic(fmt.Sprintf("autoregressive.MedusaLoss: head %d has no target in %d tokens after %d condition tokens", j, l, condTokens))
		}
		ce := nn.CrossEntropy(graph.SliceAxis(logits, 1, graph.AxisRange(first-ahead, l-ahead)), graph.SliceAxis(ids, 1, graph.AxisRange(first, l)))
		if total == nil {
			total = ce
		} else {
			total = graph.Add(total, ce)
		}
	}
	return total
}
