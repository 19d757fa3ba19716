package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/train"
)

// tokenizerModelFlags are the flags that pick a tokenizer configuration, shared by
// `wfm train tokenizer` and `wfm tokenize`.
type tokenizerModelFlags struct {
	preset     string
	configPath string
	channels   int
	resBlocks  int
}

func (f *tokenizerModelFlags) register(cmd *cobra.Command, defaultPreset string) {
	fl := cmd.Flags()
	fl.StringVar(&f.preset, "preset", defaultPreset, "tokenizer preset (cv8x8x8, dv8x16x16-tiny, ...)")
	fl.StringVar(&f.configPath, "config", "", "tokenizer config JSON file (overrides --preset)")
	fl.IntVar(&f.channels, "channels", 0, "override the base width (channels) of the config")
	fl.IntVar(&f.resBlocks, "res-blocks", 0, "override the res blocks per level of the config")
}

// config returns the configuration the flags describe; explicit reports whether the command
// line named one (a --config file, or a changed --preset), as opposed to the default preset.
func (f *tokenizerModelFlags) config(cmd *cobra.Command) (cfg tokenizer.Config, explicit bool, err error) {
	if f.configPath != "" {
		data, err := os.ReadFile(f.configPath)
		if err != nil {
			return cfg, false, err
		}
		if err := json.Unmarshal(data, &cfg); err != nil {
			return cfg, false, fmt.Errorf("tokenizer config %s: %w", f.configPath, err)
		}
		explicit = true
	} else {
		if cfg, err = tokenizer.Preset(f.preset); err != nil {
			return cfg, false, usageError{err}
		}
		explicit = cmd.Flags().Changed("preset")
	}
	if f.channels > 0 {
		cfg.Channels, explicit = f.channels, true
	}
	if f.resBlocks > 0 {
		cfg.NumResBlocks, explicit = f.resBlocks, true
	}
	if err := cfg.Validate(); err != nil {
		return cfg, false, usageError{err}
	}
	return cfg, explicit, nil
}

// parseDType maps the --dtype flag to a GoMLX dtype.
func parseDType(s string) (dtypes.DType, error) {
	switch s {
	case "float32", "f32":
		return dtypes.Float32, nil
	case "bfloat16", "bf16":
		return dtypes.BFloat16, nil
	}
	return dtypes.InvalidDType, usagef("--dtype %q: want float32 or bfloat16", s)
}

type trainTokenizerResult struct {
	Config      tokenizer.Config `json:"config"`
	Steps       int              `json:"steps"`
	ResumedFrom int              `json:"resumed_from"`
	Loss        float32          `json:"loss"`
	TrainClips  int              `json:"train_clips"`
	ValClips    int              `json:"val_clips"`
	PSNR        *float64         `json:"val_psnr_db,omitempty"`
	SSIM        *float64         `json:"val_ssim,omitempty"`
	Seconds     float64          `json:"train_seconds"`
	Checkpoint  string           `json:"checkpoint"`
	Metrics     string           `json:"metrics"`
	Weights     string           `json:"weights"`
}

// writeText prints the result of wfm train tokenizer.
func (r trainTokenizerResult) writeText(w io.Writer) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if r.ResumedFrom > 0 {
		p("resumed from step %d\n", r.ResumedFrom)
	}
	p("trained      %s, %d steps in %.1f s (loss %.4f)\n", r.Config.Name, r.Steps, r.Seconds, r.Loss)
	if r.PSNR != nil {
		p("held out     PSNR %.2f dB, SSIM %.4f on %d clips\n", *r.PSNR, *r.SSIM, r.ValClips)
	}
	p("metrics      %s\ncheckpoint   %s\nweights      %s\n", r.Metrics, r.Checkpoint, r.Weights)
	return nil
}

// loopFlags names the flags of the train commands that set each train.Config field.
var loopFlags = map[string]string{
	"steps": "--steps", "lr": "--lr", "min_lr": "--min-lr", "warmup_steps": "--warmup", "schedule": "--schedule",
	"weight_decay": "--weight-decay", "ema_decay": "--ema", "checkpoint_every": "--ckpt-every",
	"keep_checkpoints": "--keep", "log_every": "--log-every", "eval_every": "--eval-every", "dir": "--out",
}

// checkLoopFlags checks the training-loop settings of a train command before any work (no
// data read, no model built): a bad one is a usage error naming its flag.
func checkLoopFlags(command string, tc train.Config) error {
	err := tc.Validate()
	var ce *train.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	flag, ok := loopFlags[ce.Field]
	if !ok {
		return usageError{err}
	}
	reason := strings.NewReplacer("steps]", "--steps]", "lr]", "--lr]").Replace(ce.Reason)
	return usagef("%s: %s %v: %s", command, flag, ce.Value, reason)
}

// checkTokenizerClipFlags checks the clip sizes of wfm train tokenizer against the tokenizer's
// compression.
func checkTokenizerClipFlags(cfg tokenizer.Config, batch, frames, valFrames, res, crop int) error {
	t, s := cfg.TemporalCompression, cfg.SpatialCompression
	if batch < 1 || res < 1 || (frames-1)%t != 0 || (valFrames > 0 && (valFrames-1)%t != 0) || res%s != 0 || crop%s != 0 {
		return usagef("train tokenizer: need --batch >= 1, --frames 1+k·%d and --res, --crop multiples of %d", t, s)
	}
	return nil
}

func init() {
	var (
		mf                        tokenizerModelFlags
		data, prefix, valData     string
		valPrefix, videos, valVid string
		frames, res, maxClips     int
		crop                      int
		valClips, valFrames       int
		dtype, out, export        string
		noProgress, verify        bool
		lossOpts                  = tokenizer.DefaultLossOptions()
		tc                        = train.DefaultConfig()
		batch                     = 2
		stopAt                    int
		exportFormat              string
	)
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps = 2000, 1e-3, 1e-5, 100
	tc.CheckpointEvery, tc.KeepCheckpoints, tc.LogEvery, tc.EvalEvery, tc.Seed = 100, 2, 10, 250, 1
	cmd := &cobra.Command{
		Use:   "tokenizer",
		Short: "Train a Cosmos video tokenizer (CV or DV) on synthetic shards or a video folder",
		Long: `tokenizer trains a causal video tokenizer (autoencoder) with an L1 + structural (SSIM or
gradient) + temporal-consistency loss on clips of --frames frames (default 1 + 2t) at --res x --res
pixels, cut from the y4m videos of WebDataset shards (--data/--prefix, as 'wfm synth' writes them)
and/or the videos of a folder (--videos). The held-out clips (--val-prefix shards, or --val-videos)
are reconstructed every --eval-every steps and their PSNR and SSIM logged to metrics.jsonl.

Checkpoints go to --out; the same command resumes from the newest one (--stop-at N stops after
step N with a checkpoint, keeping the schedule of --steps). When the run ends or stops, the
weights (the EMA average unless --ema 0) are written to --export: by default as a store with the
config beside it (NAME.json); --export-format official writes the Cosmos state-dict layout with the
config in the metadata, official-f16 the same in float16. Each is ready for 'wfm tokenize --weights'.

--dtype bfloat16 creates every variable and activation in bfloat16 (for a GPU backend); the loss
stays float32. Mixed precision with float32 master weights is not implemented.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := mf.config(cmd)
			if err != nil {
				return err
			}
			dt, err := parseDType(dtype)
			if err != nil {
				return err
			}
			if err := lossOpts.Validate(); err != nil {
				return usageError{err}
			}
			if exportFormat != tokenizer.FormatStore && exportFormat != tokenizer.FormatOfficial && exportFormat != tokenizer.FormatOfficialF16 {
				return usagef("--export-format %q: want store, official or official-f16", exportFormat)
			}
			if data == "" && videos == "" {
				return usagef("train tokenizer: give --data shards or a --videos folder")
			}
			if frames == 0 {
				frames = cfg.TrainFrames()
			}
			if err := checkTokenizerClipFlags(cfg, batch, frames, valFrames, res, crop); err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join("out", "tokenizer", cfg.Name)
			}
			if export == "" {
				export = filepath.Join(out, "tokenizer.safetensors")
			}
			tc.Dir = out
			if !cmd.Flags().Changed("warmup") {
				tc.WarmupSteps = min(tc.WarmupSteps, tc.Steps) // the default, on a short run
			}
			if err := checkLoopFlags("train tokenizer", tc); err != nil {
				return err
			}
			// Before any checkpoint is read: a second run on the same --out is refused.
			lock, err := lockOutput(cmd, out)
			if err != nil {
				return err
			}
			defer lock.Release()
			tc.Progress = !noProgress && !global.json
			co := tokenizer.ClipOptions{Frames: frames, Size: res, Crop: crop, MaxClips: maxClips, Verify: verify}
			if valFrames == 0 {
				valFrames = cfg.TrainFrames()
			}
			vo := tokenizer.ClipOptions{Frames: valFrames, Size: res, MaxClips: valClips, Verify: verify}
			trainClips, val, err := tokenizer.ReadRunClips(cmd.Context(), tokenizer.RunData{Shards: data, Prefix: prefix, Videos: videos,
				Clip: co, ValVideos: valVid, ValShards: valData, ValPrefix: valPrefix, Val: vo}, batch)
			if err != nil {
				return err
			}
			m, err := tokenizer.New(cfg)
			if err != nil {
				return err
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "backend %s, %s: %d training clips, %d held out, %d frames at %dx%d\n",
				choice.Name, cfg.Name, len(trainClips), len(val), frames, res, res)
			opts := tokenizer.TrainOptions{Loss: lossOpts, BatchSize: batch, DType: dt, UseEMA: tc.EMADecay > 0, StopAt: stopAt}
			r, store, err := tokenizer.Train(cmd.Context(), b, m, trainClips, val, tc, opts)
			if err != nil {
				return err
			}
			if err := tokenizer.ExportWeights(store, cfg, export, exportFormat); err != nil {
				return err
			}
			res := trainTokenizerResult{Config: cfg, Steps: r.Step, ResumedFrom: r.ResumedFrom, Loss: r.Loss,
				TrainClips: len(trainClips), ValClips: len(val), Seconds: r.Elapsed.Seconds(),
				Checkpoint: r.Checkpoint, Metrics: r.MetricsPath, Weights: export}
			if q, ok := tokenizer.LastHeldOut(r.MetricsPath); ok {
				res.PSNR, res.SSIM = &q.PSNR, &q.SSIM
			}
			return printResult(cmd.OutOrStdout(), res, res.writeText)
		},
	}
	mf.register(cmd, "cv8x8x8-tiny")
	f := cmd.Flags()
	f.StringVar(&data, "data", "", "folder of WebDataset shards with y4m or mp4 videos (wfm synth --out)")
	f.StringVar(&prefix, "prefix", "synth", "shard prefix of the training split")
	f.StringVar(&valData, "val-data", "", "folder of the held-out shards (default --data)")
	f.StringVar(&valPrefix, "val-prefix", "", "shard prefix of the held-out split (e.g. val)")
	f.StringVar(&videos, "videos", "", "folder of videos (.y4m, .gif, or .mp4 and others through ffmpeg) to train on")
	f.StringVar(&valVid, "val-videos", "", "folder of held-out videos (instead of --val-prefix)")
	f.IntVar(&frames, "frames", 0, "frames per training clip, 1+k·t (default 1+2t)")
	f.IntVar(&res, "res", 64, "clip width and height (centre crop and resize when different)")
	f.IntVar(&crop, "crop", 0, "train on non-overlapping crops of this side cut from the --res clips (0: whole frames)")
	f.IntVar(&maxClips, "max-clips", 0, "use at most this many training clips (0: all)")
	f.IntVar(&valClips, "val-clips", 32, "held-out clips to evaluate")
	f.IntVar(&valFrames, "val-frames", 0, "frames per held-out clip, 1+k·t (default 1+2t), at --res x --res, never cropped")
	f.IntVar(&batch, "batch", batch, "clips per step")
	f.IntVar(&tc.Steps, "steps", tc.Steps, "optimizer steps")
	f.IntVar(&stopAt, "stop-at", 0, "stop after this step (checkpoint and export) keeping the schedule of --steps; 0 runs to --steps")
	f.Float64Var(&tc.LR, "lr", tc.LR, "peak learning rate (AdamW)")
	f.Float64Var(&tc.MinLR, "min-lr", tc.MinLR, "learning rate at the end of the cosine decay")
	f.IntVar(&tc.WarmupSteps, "warmup", tc.WarmupSteps, "linear warmup steps")
	f.Float64Var(&tc.WeightDecay, "weight-decay", tc.WeightDecay, "AdamW decoupled weight decay")
	f.Float64Var(&tc.EMADecay, "ema", tc.EMADecay, "EMA decay of the weights evaluated and exported (0: raw weights)")
	f.IntVar(&tc.EvalEvery, "eval-every", tc.EvalEvery, "steps between held-out evaluations")
	f.IntVar(&tc.LogEvery, "log-every", tc.LogEvery, "steps between metrics lines")
	f.IntVar(&tc.CheckpointEvery, "ckpt-every", tc.CheckpointEvery, "steps between checkpoints")
	f.IntVar(&tc.KeepCheckpoints, "keep", tc.KeepCheckpoints, "checkpoints kept (0: all)")
	f.Uint64Var(&tc.Seed, "seed", tc.Seed, "random seed (initialization, shuffling)")
	f.Float64Var(&lossOpts.L1, "l1", lossOpts.L1, "weight of the L1 loss")
	f.StringVar(&lossOpts.Structural, "structural", lossOpts.Structural, "structural loss: ssim, gradient or none")
	f.Float64Var(&lossOpts.StructuralWeight, "structural-weight", lossOpts.StructuralWeight, "weight of the structural loss")
	f.Float64Var(&lossOpts.Temporal, "temporal", lossOpts.Temporal, "weight of the temporal-consistency loss")
	f.StringVar(&dtype, "dtype", "float32", "model dtype: float32 or bfloat16 (GPU)")
	f.StringVar(&out, "out", "", "run folder (default out/tokenizer/PRESET)")
	f.StringVar(&export, "export", "", "trained weights file (default OUT/tokenizer.safetensors)")
	f.StringVar(&exportFormat, "export-format", "store", "weights format: store (variable paths, config in NAME.json), official (Cosmos state-dict keys, F32) or official-f16 (the same in float16, half the size)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	f.BoolVar(&verify, "verify", false, "check the SHA-256 of every shard against its index before reading any (default: each shard when first read)")
	trainCmd.AddCommand(cmd)
}
