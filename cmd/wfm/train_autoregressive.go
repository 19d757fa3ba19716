package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/train"
)

// trainARResult is what wfm train autoregressive prints.
type trainARResult struct {
	Config      autoregressive.Config    `json:"config"`
	Info        autoregressive.TrainInfo `json:"training"`
	Params      int64                    `json:"params"`
	Steps       int                      `json:"steps"`
	ResumedFrom int                      `json:"resumed_from"`
	Init        string                   `json:"init,omitempty"`
	Loss        *float32                 `json:"loss"` // null when this call took no step
	Clips       int                      `json:"clips"`
	ValClips    int                      `json:"val_clips"`
	Seconds     float64                  `json:"seconds"`
	Checkpoint  string                   `json:"checkpoint"`
	Metrics     string                   `json:"metrics"`
	Weights     string                   `json:"weights"`
}

// trainARFlags are the flags of 'wfm train autoregressive'.
type trainARFlags struct {
	preset, data, prefix, tok, res string
	out, initPath, cache, textSpec string
	frames, maxClips, batch, val   int
	stage, textLen, stopAt         int
	rebuild, lossOnAll, verify     bool
	noProgress                     bool
	tc                             train.Config
}

func init() {
	fl := trainARFlags{tc: train.DefaultConfig()}
	tc := &fl.tc
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps, tc.EMADecay = 1000, 1e-3, 1e-5, 50, 0
	tc.CheckpointEvery, tc.KeepCheckpoints, tc.LogEvery, tc.Seed = 100, 2, 10, 1
	cmd := &cobra.Command{
		Use:   "autoregressive",
		Short: "Train or fine-tune the autoregressive world model (next-token prediction over DV token ids)",
		Long: `autoregressive trains the Llama-style decoder over the ids of a discrete (DV) tokenizer. It
reads the videos and captions of WebDataset shards (--data/--prefix, as 'wfm synth' writes them),
takes the first --frames frames of each (fitted into --res when given) and encodes each clip once
with --tokenizer (a DV weights file) into a token cache (--token-cache, default --out/` + autoregressive.TokenCacheFile + `).
The cache records the tokenizer's SHA-256 and config: later runs reuse it, and a run with another
tokenizer or other clips is refused (--rebuild-cache replaces it).

The recipe is staged as the reference's (--stage):
  1  windows of 17 video frames (1 + 16/t latent frames) from each clip's start, the first latent
     frame given and the next predicted (1 frame -> 16 frames);
  2  windows of every cached latent frame, 9 video frames given; with --init from a stage-1 model
     the temporal RoPE is stretched with YaRN to the longer window;
  3  stage 2 with the caption through cross-attention (--text-encoder: builtin, hash or a T5
     folder); a model without cross-attention gets new cross-attention layers.
The loss is the next-token cross-entropy of the predicted frames' tokens (--loss-on-all: every
token). --val-clips N holds out the cache's last N clips, scored every --eval-every steps
(val_loss, val_accuracy in metrics.jsonl).

--init DIR fine-tunes from a trained model (model folder or run folder; the architecture comes
from it, a fresh optimizer starts at step 0): train each stage in its own --out with --init the
previous one. The same command resumes a run exactly (--stop-at N stops after step N keeping the
schedule of --steps). At the end the model (EMA weights with --ema > 0) is written to --out:
model.safetensors, model.json and ` + autoregressive.TrainInfoFile + ` (tokenizer, text encoder, stage).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := fl.options(cmd)
			if err != nil {
				return err
			}
			b, _, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			r, err := autoregressive.Train(cmd.Context(), b, opts)
			if err != nil {
				return trainARError(err)
			}
			return printTrainAR(cmd.OutOrStdout(), r, fl.initPath)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.preset, "preset", "small", "model preset: "+strings.Join(autoregressive.PresetNames(), ", "))
	f.StringVar(&fl.data, "data", "", "folder of WebDataset shards (wfm synth --out)")
	f.StringVar(&fl.prefix, "prefix", "synth", "shard prefix")
	f.StringVar(&fl.tok, "tokenizer", "", "DV tokenizer weights file (e.g. tokenizer/pretrained/dv8x16x16-tiny.safetensors)")
	f.StringVar(&fl.res, "res", "", "fit every clip into WIDTHxHEIGHT (default: the clips' own size, which must be the same for all)")
	f.IntVar(&fl.frames, "frames", 33, "video frames tokenized per clip, 1+k·t for the tokenizer's temporal compression t")
	f.IntVar(&fl.maxClips, "max-clips", 0, "use at most this many clips (0: all)")
	f.BoolVar(&fl.verify, "verify", false, "check the SHA-256 of every shard against its index before reading any")
	f.StringVar(&fl.cache, "token-cache", "", "token cache file, shared by runs (default: --out/"+autoregressive.TokenCacheFile+")")
	f.BoolVar(&fl.rebuild, "rebuild-cache", false, "replace a token cache made with another tokenizer or other clips")
	f.IntVar(&fl.stage, "stage", 1, "recipe stage: 1 (1 frame -> 16), 2 (long context, YaRN), 3 (text)")
	f.BoolVar(&fl.lossOnAll, "loss-on-all", false, "score every token, the condition frames' too (default: the predicted frames' only)")
	f.StringVar(&fl.textSpec, "text-encoder", "builtin", "stage 3: text encoder, builtin, hash, or a Hugging Face T5 folder")
	f.IntVar(&fl.textLen, "text-len", 64, "stage 3: caption tokens")
	f.IntVar(&fl.batch, "batch", 8, "windows per step")
	f.IntVar(&fl.val, "val-clips", 0, "hold out the last N clips and score them (next-token loss and accuracy)")
	f.StringVar(&fl.out, "out", "", "run folder (checkpoints, metrics, token cache, exported model)")
	f.StringVar(&fl.initPath, "init", "", "fine-tune from this model (model folder, weights file or run folder)")
	f.IntVar(&fl.stopAt, "stop-at", 0, "stop after this step (checkpoint and export) keeping the schedule of --steps; 0 runs to --steps")
	f.IntVar(&fl.tc.Steps, "steps", fl.tc.Steps, "optimizer steps")
	f.Float64Var(&fl.tc.LR, "lr", fl.tc.LR, "peak learning rate (AdamW)")
	f.Float64Var(&fl.tc.MinLR, "min-lr", fl.tc.MinLR, "learning rate at the end of the decay")
	f.IntVar(&fl.tc.WarmupSteps, "warmup", fl.tc.WarmupSteps, "linear warmup steps")
	f.StringVar(&fl.tc.Schedule, "schedule", fl.tc.Schedule, "learning-rate schedule after warmup: cosine, linear or constant")
	f.Float64Var(&fl.tc.WeightDecay, "weight-decay", fl.tc.WeightDecay, "AdamW decoupled weight decay")
	f.Float64Var(&fl.tc.EMADecay, "ema", fl.tc.EMADecay, "EMA decay of the exported weights (0: raw weights)")
	f.IntVar(&fl.tc.LogEvery, "log-every", fl.tc.LogEvery, "steps between metrics lines")
	f.IntVar(&fl.tc.EvalEvery, "eval-every", fl.tc.EvalEvery, "steps between held-out evaluations (0: at the end only)")
	f.IntVar(&fl.tc.CheckpointEvery, "ckpt-every", fl.tc.CheckpointEvery, "steps between checkpoints")
	f.IntVar(&fl.tc.KeepCheckpoints, "keep", fl.tc.KeepCheckpoints, "checkpoints kept (0: all)")
	f.Uint64Var(&fl.tc.Seed, "seed", fl.tc.Seed, "random seed (initialization, shuffling)")
	f.BoolVar(&fl.noProgress, "no-progress", false, "no progress bar")
	trainCmd.AddCommand(cmd)
}

// options turns the flags into autoregressive.TrainOptions; a bad flag is a usage error.
func (fl *trainARFlags) options(cmd *cobra.Command) (autoregressive.TrainOptions, error) {
	var opts autoregressive.TrainOptions
	changed := cmd.Flags().Changed
	if fl.data == "" || fl.out == "" || fl.tok == "" {
		return opts, usagef("train autoregressive: --data, --out and --tokenizer are required")
	}
	if fl.initPath == "" {
		cfg, err := autoregressive.Preset(fl.preset)
		if err != nil {
			return opts, usageError{err}
		}
		opts.Config = cfg
	} else if changed("preset") {
		return opts, usagef("train autoregressive: the architecture comes from the --init model (drop --preset)")
	}
	switch {
	case fl.batch < 1:
		return opts, usagef("train autoregressive: --batch must be at least 1")
	case fl.frames < 2:
		return opts, usagef("train autoregressive: --frames must be 1+k·t with k >= 1 (17, 33, ...)")
	case fl.stage < 1 || fl.stage > autoregressive.StageText:
		return opts, usagef("train autoregressive: --stage must be 1, 2 or 3")
	case fl.val < 0 || fl.maxClips < 0 || fl.stopAt < 0 || fl.textLen < 1:
		return opts, usagef("train autoregressive: --val-clips, --max-clips and --stop-at must be >= 0, --text-len >= 1")
	case fl.stage != autoregressive.StageText && (changed("text-encoder") || changed("text-len")):
		return opts, usagef("train autoregressive: --text-encoder and --text-len are for --stage 3")
	}
	src := autoregressive.TokenSource{Dir: fl.data, Prefix: fl.prefix, Frames: fl.frames, MaxClips: fl.maxClips, Verify: fl.verify}
	if fl.res != "" {
		w, h, err := parseDiffusionRes(fl.res)
		if err != nil {
			return opts, usageError{err}
		}
		src.Width, src.Height = w, h
	}
	opts.Loop = fl.tc
	opts.Loop.Dir, opts.Loop.Progress = fl.out, !fl.noProgress && !global.json
	if !changed("warmup") {
		opts.Loop.WarmupSteps = min(opts.Loop.WarmupSteps, opts.Loop.Steps) // the default, on a short run
	}
	if err := checkLoopFlags("train autoregressive", opts.Loop); err != nil {
		return opts, err
	}
	opts.Tokenizer, opts.Data, opts.TokenCache, opts.RebuildCache = fl.tok, src, fl.cache, fl.rebuild
	opts.Stage, opts.LossOnAll, opts.Init, opts.BatchSize, opts.ValClips, opts.StopAt = fl.stage, fl.lossOnAll, fl.initPath, fl.batch, fl.val, fl.stopAt
	if fl.stage == autoregressive.StageText {
		opts.TextEncoder, opts.TextLen = fl.textSpec, fl.textLen
	}
	opts.Log = cmd.ErrOrStderr()
	return opts, nil
}

// trainARFlagNames renames the options autoregressive.Train's errors name to their flags.
var trainARFlagNames = strings.NewReplacer("Loop.Dir", "--out", "Data.Dir", "--data", "Data.Frames", "--frames",
	"BatchSize", "--batch", "ValClips", "--val-clips", "RebuildCache", "--rebuild-cache", "TokenCache", "--token-cache",
	"Init", "--init", "Stage", "--stage", "TextEncoder", "--text-encoder")

// trainARError turns an *autoregressive.OptionError into a usage error (exit 2) naming flags;
// other errors (a tokenizer file that does not load, unreadable shards) pass unchanged (exit 1).
func trainARError(err error) error {
	var oe *autoregressive.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	return usageError{errors.New("train autoregressive: " + trainARFlagNames.Replace(oe.Err.Error()))}
}

// printTrainAR prints what autoregressive.Train did, as JSON with --json.
func printTrainAR(out io.Writer, r *autoregressive.TrainResult, initPath string) error {
	var loss *float32
	if l := r.Run.Loss; l == l { // not NaN: this call took a step
		loss = &l
	}
	res := trainARResult{Config: r.Config, Info: r.Info, Params: r.Config.NumParams(), Steps: r.Run.Step, ResumedFrom: r.Run.ResumedFrom,
		Init: initPath, Loss: loss, Clips: r.Clips, ValClips: r.ValClips, Seconds: r.Run.Elapsed.Seconds(),
		Checkpoint: r.Run.Checkpoint, Metrics: r.Run.MetricsPath, Weights: r.Weights}
	return printResult(out, res, func(w io.Writer) error {
		if r.Run.ResumedFrom > 0 {
			fmt.Fprintf(w, "resumed from step %d\n", r.Run.ResumedFrom)
		}
		fmt.Fprintf(w, "trained      %s (%d parameters), stage %d, %d steps in %.1f s", r.Config.Name, res.Params, r.Info.Stage.Number,
			r.Run.Step, res.Seconds)
		if loss != nil {
			fmt.Fprintf(w, " (loss %.4f)", *loss)
		}
		g := r.Info.Grid
		fmt.Fprintf(w, "\ndata         %d clips (%d held out), windows of %dx%dx%d tokens, %d given\nmetrics      %s\ncheckpoint   %s\nweights      %s\n",
			r.Clips, r.ValClips, g.T, g.H, g.W, r.Info.Stage.CondFrames*g.H*g.W, r.Run.MetricsPath, r.Run.Checkpoint, r.Weights)
		return nil
	})
}
