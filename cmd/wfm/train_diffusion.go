package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/train"
)

// trainDiffusionResult is what wfm train diffusion prints.
type trainDiffusionResult struct {
	Config      diffusion.Config `json:"config"`
	Steps       int              `json:"steps"`
	ResumedFrom int              `json:"resumed_from"`
	Init        string           `json:"init,omitempty"`
	Loss        *float32         `json:"loss"` // null when this call took no step
	Clips       int              `json:"clips"`
	LatentShape []int            `json:"latent_shape"`
	Seconds     float64          `json:"seconds"`
	Checkpoint  string           `json:"checkpoint"`
	Metrics     string           `json:"metrics"`
	Weights     string           `json:"weights"`
}

// parseDiffusionRes parses WxH (or a single side N for NxN).
func parseDiffusionRes(s string) (w, h int, err error) {
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if !found {
		b = a
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || w < 1 || h < 1 {
		return 0, 0, fmt.Errorf("bad resolution %q, want WIDTHxHEIGHT", s)
	}
	return w, h, nil
}

// parseCondFrames parses a comma-separated list of integers.
func parseCondFrames(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("bad integer %q in %q", f, s)
		}
		out = append(out, v)
	}
	return out, nil
}

func init() {
	fl := trainDiffusionFlags{latentGain: 1, sigmaData: diffusion.SigmaDataGlobal, exportDType: "float32",
		opts: diffusion.DefaultTrainOptions(), tc: train.DefaultConfig()}
	tc := &fl.tc
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps, tc.EMADecay = 1000, 1e-3, 1e-5, 50, 0
	tc.CheckpointEvery, tc.KeepCheckpoints, tc.LogEvery, tc.Seed = 100, 2, 10, 1
	cmd := &cobra.Command{
		Use:   "diffusion",
		Short: "Train or fine-tune a latent diffusion world model (DiT, EDM) on synthetic shards",
		Long: `diffusion trains the Cosmos-style diffusion transformer on tokenizer latents. It reads the
y4m videos and captions of WebDataset shards (--data/--prefix, as 'wfm synth' writes them), takes
the first --frames frames of each, fits them into the --res bucket (area resize keeping the aspect
ratio, reflection padding, padding mask), encodes them once with the tokenizer (--tokenizer: a
weights file from 'wfm train tokenizer', or preset:NAME for untrained weights) and normalizes the
latents per latent frame and channel. Then it minimises the EDM denoising loss (log-normal noise
levels, weight (s²+sd²)/(s·sd)²) with text dropout for classifier-free guidance; a -v2w preset
also learns Video2World (condition on --cond-frames latent frames, noise-augmented). With
--image-batch N each step adds a batch of N images (the clips' first frames) for joint image+video
training. Captions are embedded by --text-encoder: builtin (the small T5 encoder built into wfm,
64 tokens of width 64, which the tiny and small presets read), hash (a parameter-free hashing
encoder), or a Hugging Face T5 folder (config.json, spiece.model, model.safetensors; its d_model
must be the preset's context width). Embeddings are cached under --out/` + textCacheDir + `, and
the encoder is recorded in model.json, so that 'wfm generate' uses the same one.

--init CKPT fine-tunes from a trained model (its weights file, checkpoint or run folder): the
generalist-to-specialist path. The model's architecture and latent statistics come from CKPT;
training starts at step 0 with a fresh optimizer.

--width, --blocks, --heads, --patch and --adaln-lora change the preset's transformer width,
depth, attention heads, spatial patch size and AdaLN-LoRA rank (the model name gets a "+custom"
suffix; model.json records the shape, so generate and resume need no flags). --residual-cond
(a -v2w preset; our addition, not in Cosmos) makes the denoiser predict the generated latent
frames as offsets from the last condition frame: an untrained network then continues the last
frame, and a small one only has to learn what moves.

--dtype bfloat16 keeps the network's variables and activations in bfloat16 (for a GPU backend);
the EDM arithmetic, norms and RoPE angles stay float32. There is no float32 master copy.

Checkpoints go to --out and the same command resumes (--stop-at N stops after step N, keeping
the learning-rate schedule of --steps); at the end the weights (EMA average with
--ema > 0) are written to --out/model.safetensors with model.json, for 'wfm generate --weights'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, data, ro, err := fl.options(cmd)
			if err != nil {
				return err
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			ro.BackendName = choice.Name
			r, err := diffusion.Train(cmd.Context(), b, cfg, data, ro)
			if err != nil {
				return trainDiffusionError(err)
			}
			return printTrainDiffusion(cmd.OutOrStdout(), r, fl.initPath)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.preset, "preset", "tiny", "model preset: "+strings.Join(diffusion.PresetNames(), ", "))
	f.StringVar(&fl.data, "data", "", "folder of WebDataset shards (wfm synth --out)")
	f.StringVar(&fl.prefix, "prefix", "synth", "shard prefix")
	f.StringVar(&fl.tok, "tokenizer", "", "CV tokenizer weights (wfm train tokenizer --export), or preset:NAME for untrained weights")
	f.StringVar(&fl.res, "res", "32x32", "training bucket WIDTHxHEIGHT (clips are fitted in with reflection padding)")
	f.IntVar(&fl.frames, "frames", 9, "frames per clip, 1+k·t for the tokenizer's temporal compression t")
	f.IntVar(&fl.maxClips, "max-clips", 0, "use at most this many clips (0: all)")
	f.IntVar(&fl.batch, "batch", 2, "videos per step")
	f.IntVar(&fl.imageBatch, "image-batch", 0, "images per step for joint image+video training (0: videos only)")
	f.StringVar(&fl.out, "out", "", "run folder (checkpoints, metrics, exported weights)")
	f.StringVar(&fl.initPath, "init", "", "fine-tune from this model (weights file, checkpoint or run folder)")
	f.StringVar(&fl.dtype, "dtype", "float32", "variables and activations: float32, or bfloat16 (GPU; no float32 master copy)")
	f.StringVar(&fl.textSpec, "text-encoder", textEncoderBuiltin, "text encoder: builtin, hash, or a Hugging Face T5 folder (default when resuming or with --init: that model's)")
	f.StringVar(&fl.conds, "cond-frames", "0,1,2", "Video2World: latent condition frame counts drawn per sample")
	f.Float64Var(&fl.opts.TextDropout, "text-dropout", fl.opts.TextDropout, "probability of dropping a caption (classifier-free guidance)")
	f.Float64Var(&fl.opts.PMean, "p-mean", fl.opts.PMean, "mean of ln(sigma) during training")
	f.Float64Var(&fl.opts.PStd, "p-std", fl.opts.PStd, "standard deviation of ln(sigma) during training")
	f.IntVar(&fl.tc.Steps, "steps", fl.tc.Steps, "optimizer steps")
	f.StringVar(&fl.exportDType, "export-dtype", fl.exportDType, "dtype of the exported model.safetensors: float32, or float16 / bfloat16 for half the size (loaded back as the model's dtype; checkpoints stay as trained)")
	f.Float64Var(&fl.sampleGuidance, "sample-guidance", diffusion.DefaultGuidance, "record in model.json the guidance weight generation uses by default (sample_guidance; 0: unguided)")
	f.Float64Var(&fl.sampleSigmaMin, "sample-sigma-min", 0, "record in model.json where generation ends by default (sample_sigma_min; 0: the sampler's 0.002)")
	f.IntVar(&fl.stopAt, "stop-at", 0, "stop after this step (checkpoint and export) keeping the schedule of --steps; 0 runs to --steps")
	f.Float64Var(&fl.tc.LR, "lr", fl.tc.LR, "peak learning rate (AdamW)")
	f.Float64Var(&fl.tc.MinLR, "min-lr", fl.tc.MinLR, "learning rate at the end of the decay")
	f.IntVar(&fl.tc.WarmupSteps, "warmup", fl.tc.WarmupSteps, "linear warmup steps")
	f.StringVar(&fl.tc.Schedule, "schedule", fl.tc.Schedule, "learning-rate schedule after warmup: cosine, linear (Cosmos's cooldown) or constant")
	f.Float64Var(&fl.tc.EMADecay, "ema", fl.tc.EMADecay, "EMA decay of the exported weights (0: raw weights)")
	f.IntVar(&fl.tc.LogEvery, "log-every", fl.tc.LogEvery, "steps between metrics lines")
	f.IntVar(&fl.tc.CheckpointEvery, "ckpt-every", fl.tc.CheckpointEvery, "steps between checkpoints")
	f.IntVar(&fl.tc.KeepCheckpoints, "keep", fl.tc.KeepCheckpoints, "checkpoints kept (0: all)")
	f.Uint64Var(&fl.tc.Seed, "seed", fl.tc.Seed, "random seed (initialization, shuffling, noise)")
	f.BoolVar(&fl.noProgress, "no-progress", false, "no progress bars")
	f.BoolVar(&fl.verify, "verify", false, "check the SHA-256 of every shard against its index before reading any (default: each shard when first read)")
	f.StringVar(&fl.latentStd, "latent-std", "channel", "latent normalization: channel (per frame and channel, as Cosmos) or frame (one scale per latent frame, for principal-component latents such as cv4x4x4-tiny's)")
	f.StringVar(&fl.sigmaData, "sigma-data", fl.sigmaData, "EDM's sigma_data: global (one value, 0.5, as Cosmos) or channel (measured per latent channel on the training latents: the spread of what the denoiser predicts; for latents whose channels differ in scale, such as principal components)")
	f.Float64Var(&fl.latentGain, "latent-gain", fl.latentGain, "multiply the normalized latents by this (with --residual-cond, so that the offsets from the last frame have about EDM's sigma_data of 0.5)")
	f.IntVar(&fl.arch.width, "width", 0, "transformer width (model_channels), overriding the preset's")
	f.IntVar(&fl.arch.blocks, "blocks", 0, "transformer blocks, overriding the preset's")
	f.IntVar(&fl.arch.heads, "heads", 0, "attention heads, overriding the preset's")
	f.IntVar(&fl.arch.patch, "patch", 0, "spatial patch size over the latent (Cosmos: 2), overriding the preset's")
	f.IntVar(&fl.arch.lora, "adaln-lora", 0, "AdaLN-LoRA rank (0 with the flag given: full modulation), overriding the preset's")
	f.BoolVar(&fl.arch.residual, "residual-cond", false, "Video2World: denoise the generated frames as offsets from the last condition frame (not in Cosmos; for small models)")
	trainCmd.AddCommand(cmd)
}

// trainDiffusionFlags are the flags of 'wfm train diffusion'.
type trainDiffusionFlags struct {
	preset, data, prefix, tok string
	res, out, initPath, conds string
	dtype, textSpec           string
	frames, maxClips, batch   int
	imageBatch                int
	arch                      diffusionArch
	latentStd, sigmaData      string
	latentGain                float64
	stopAt                    int
	exportDType               string
	sampleSigmaMin            float64
	sampleGuidance            float64
	noProgress, verify        bool
	opts                      diffusion.TrainOptions
	tc                        train.Config
}

// options turns the flags into the arguments of diffusion.Train; a bad flag is a usage error.
func (fl *trainDiffusionFlags) options(cmd *cobra.Command) (diffusion.Config, diffusion.TrainData, diffusion.TrainRunOptions, error) {
	var (
		none    diffusion.TrainData
		ro      diffusion.TrainRunOptions
		changed = cmd.Flags().Changed
	)
	cfg, err := diffusion.Preset(fl.preset)
	if err != nil {
		return cfg, none, ro, usageError{err}
	}
	if fl.dtype != "float32" && fl.dtype != "bfloat16" {
		return cfg, none, ro, usagef("train diffusion: --dtype must be float32 or bfloat16")
	}
	bw, bh, err := parseDiffusionRes(fl.res)
	if err != nil {
		return cfg, none, ro, usageError{err}
	}
	if fl.data == "" || fl.out == "" || fl.tok == "" {
		return cfg, none, ro, usagef("train diffusion: --data, --out and --tokenizer are required")
	}
	if fl.batch < 1 || fl.frames < 1 || fl.imageBatch < 0 {
		return cfg, none, ro, usagef("train diffusion: need --batch >= 1, --frames >= 1 and --image-batch >= 0")
	}
	exportDT, ok := map[string]dtypes.DType{"float32": dtypes.Float32, "float16": dtypes.Float16, "bfloat16": dtypes.BFloat16}[fl.exportDType]
	if !ok {
		return cfg, none, ro, usagef("train diffusion: --export-dtype must be float32, float16 or bfloat16")
	}
	if !(fl.sampleGuidance >= 0 && fl.sampleGuidance <= 100) {
		return cfg, none, ro, usagef("train diffusion: --sample-guidance must be in [0, 100] (sample_guidance)")
	}
	if !(fl.latentGain > 0) || fl.latentGain > 1000 {
		return cfg, none, ro, usagef("train diffusion: --latent-gain must be in (0, 1000]")
	}
	if fl.sigmaData != diffusion.SigmaDataGlobal && fl.sigmaData != diffusion.SigmaDataChannel {
		return cfg, none, ro, usagef("train diffusion: --sigma-data must be global or channel")
	}
	if fl.latentStd != diffusion.LatentStdChannel && fl.latentStd != diffusion.LatentStdFrame {
		return cfg, none, ro, usagef("train diffusion: --latent-std must be channel or frame")
	}
	loss := fl.opts
	if loss.CondFrames, err = parseCondFrames(fl.conds); err != nil {
		return cfg, none, ro, usageError{err}
	}
	if fl.initPath != "" {
		// The architecture, dtype and latent statistics come from the --init model.
		switch {
		case changed("latent-gain") || changed("latent-std"):
			return cfg, none, ro, usagef("train diffusion: the latent normalization comes from the --init model (drop --latent-std, --latent-gain)")
		case changed("sigma-data"):
			return cfg, none, ro, usagef("train diffusion: sigma_data comes from the --init model (drop --sigma-data)")
		case changed("dtype"):
			return cfg, none, ro, usagef("train diffusion: --dtype comes from the --init model")
		case fl.arch.changed(cmd):
			return cfg, none, ro, usagef("train diffusion: the architecture comes from the --init model (drop --width, --blocks, --heads, --patch, --adaln-lora, --residual-cond)")
		}
		cfg = diffusion.Config{}
	} else {
		cfg.DType = fl.dtype
		ro.LatentStd, ro.LatentGain, ro.SigmaData = fl.latentStd, fl.latentGain, fl.sigmaData
		if fl.arch.changed(cmd) {
			fl.arch.apply(cmd, &cfg)
		}
	}
	if changed("sample-guidance") {
		g := fl.sampleGuidance
		cfg.SampleGuidance = &g
	}
	if changed("sample-sigma-min") {
		cfg.SampleSigmaMin = fl.sampleSigmaMin
	}
	if changed("text-encoder") {
		ro.TextEncoder = fl.textSpec // else the resumed run's, the --init model's or builtin
	}
	progress := !fl.noProgress && !global.json
	ro.Loop, ro.Loss, ro.Tokenizer, ro.Init = fl.tc, loss, fl.tok, fl.initPath
	ro.Loop.Dir, ro.Loop.Progress = fl.out, progress
	if !changed("warmup") {
		ro.Loop.WarmupSteps = min(ro.Loop.WarmupSteps, ro.Loop.Steps) // the default, on a short run
	}
	if err := checkLoopFlags("train diffusion", ro.Loop); err != nil {
		return cfg, none, ro, err
	}
	ro.BatchSize, ro.ImageBatch, ro.StopAt, ro.ExportDType, ro.Log = fl.batch, fl.imageBatch, fl.stopAt, exportDT, cmd.ErrOrStderr()
	if progress {
		ro.Progress = cmd.ErrOrStderr()
	}
	data := diffusion.TrainData{Dir: fl.data, Prefix: fl.prefix, ShardClipOptions: diffusion.ShardClipOptions{
		Frames: fl.frames, Bucket: diffusion.Bucket{Width: bw, Height: bh}, MaxClips: fl.maxClips, Verify: fl.verify}}
	return cfg, data, ro, nil
}

// printTrainDiffusion prints what diffusion.Train did, as JSON with --json.
func printTrainDiffusion(out io.Writer, r diffusion.TrainRunResult, initPath string) error {
	result := trainDiffusionResult{Config: r.Config, Steps: r.Run.Step, ResumedFrom: r.Run.ResumedFrom, Init: initPath,
		Loss: r.LastLoss(), Clips: r.Clips, LatentShape: r.LatentShape, Seconds: r.Run.Elapsed.Seconds(),
		Checkpoint: r.Run.Checkpoint, Metrics: r.Run.MetricsPath, Weights: r.Weights}
	return printResult(out, result, func(w io.Writer) error {
		if r.Run.ResumedFrom > 0 {
			fmt.Fprintf(w, "resumed from step %d\n", r.Run.ResumedFrom)
		}
		fmt.Fprintf(w, "trained      %s (%d parameters), %d steps in %.1f s (loss %.4f)\n",
			r.Config.Name, r.Config.ParamCount(), r.Run.Step, result.Seconds, r.Run.Loss)
		fmt.Fprintf(w, "data         %d clips, latent %v\nmetrics      %s\ncheckpoint   %s\nweights      %s\n",
			r.Clips, r.LatentShape, r.Run.MetricsPath, r.Run.Checkpoint, r.Weights)
		return nil
	})
}

// diffusionArch holds the architecture overrides of 'wfm train diffusion'.
type diffusionArch struct {
	width, blocks, heads, patch, lora int
	residual                          bool
}

var diffusionArchFlags = []string{"width", "blocks", "heads", "patch", "adaln-lora", "residual-cond"}

// changed reports whether any override flag was given.
func (a diffusionArch) changed(cmd *cobra.Command) bool {
	for _, name := range diffusionArchFlags {
		if cmd.Flags().Changed(name) {
			return true
		}
	}
	return false
}

// apply writes the given overrides into cfg and marks its name as a custom shape.
func (a diffusionArch) apply(cmd *cobra.Command, cfg *diffusion.Config) {
	set := func(name string, dst *int, v int) {
		if cmd.Flags().Changed(name) {
			*dst = v
		}
	}
	set("width", &cfg.ModelChannels, a.width)
	set("blocks", &cfg.NumBlocks, a.blocks)
	set("heads", &cfg.NumHeads, a.heads)
	set("patch", &cfg.PatchSpatial, a.patch)
	set("adaln-lora", &cfg.AdaLNLoRADim, a.lora)
	if cmd.Flags().Changed("residual-cond") {
		cfg.ResidualCondition = a.residual
	}
	cfg.Name += "+custom"
}

// textCacheDir is the folder of a run that caches caption embeddings.
const textCacheDir = diffusion.TextCacheDir

// Text encoder specs of --text-encoder (anything else is a Hugging Face T5 folder).
const (
	textEncoderBuiltin = diffusion.TextEncoderBuiltin
	textEncoderHash    = diffusion.TextEncoderHash
)

// trainOptionFlags renames the options diffusion.Train's errors name to the flags that set them.
var trainOptionFlags = strings.NewReplacer(
	"Loop.Dir", "--out", "Data.Dir", "--data", "LatentStd", "--latent-std", "LatentGain", "--latent-gain",
	"SigmaData", "--sigma-data", "TextEncoder", "--text-encoder", "Tokenizer", "--tokenizer", "Init", "--init",
	"BatchSize", "--batch", "ImageBatch", "--image-batch", "ExportDType", "--export-dtype", "Bucket", "--res",
	"Frames", "--frames")

// optionUsage turns a *diffusion.OptionError into a usage error (exit code 2) that names flags;
// prefix starts its message. Other errors pass unchanged.
func optionUsage(err error, prefix string) error {
	var oe *diffusion.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	switch oe.Option {
	case "Config", "Tokenizer", "Loss": // errors of other packages, reported as they are
		return usageError{oe.Err}
	}
	return usageError{errors.New(prefix + trainOptionFlags.Replace(oe.Err.Error()))}
}

// trainDiffusionError is the error wfm train diffusion reports for an error of diffusion.Train.
func trainDiffusionError(err error) error { return optionUsage(err, "train diffusion: ") }

// diffusionText is the text encoder a diffusion model conditions on, with what identifies it.
type diffusionText struct {
	enc  diffusion.TextEncoder
	spec string // "builtin", "hash", or the absolute path of a T5 folder
	id   string // textenc.Model.ID, or "hash:DIMxLEN"
}

// openDiffusionText opens the text encoder spec names for a model of configuration cfg
// (diffusion.OpenTextEncoder); a spec that names none, or an encoder of the wrong shape, is a
// usage error.
func openDiffusionText(spec string, cfg diffusion.Config, b compute.Backend, cacheDir string) (*diffusionText, error) {
	t, err := diffusion.OpenTextEncoder(b, spec, cfg, cacheDir)
	if err != nil {
		return nil, optionUsage(err, "")
	}
	return &diffusionText{enc: t.TextEncoder, spec: t.Spec, id: t.ID}, nil
}

// recordedTextEncoder is the --text-encoder a model was trained with.
func recordedTextEncoder(cfg diffusion.Config) string { return diffusion.RecordedTextEncoder(cfg) }

// checkTextEncoderID compares an encoder with the one a model was trained with. A different
// encoder is an error, except between two T5 folders, whose ids come from file paths and
// times (a copied folder gets a new id): that is a warning.
func checkTextEncoderID(cfg diffusion.Config, t *diffusionText) error {
	same, folderOnly := diffusion.SameTextEncoder(cfg.TextEncoderID, t.id)
	if same {
		return nil
	}
	if folderOnly {
		slog.Warn("text encoder folder differs from the one the model was trained with",
			"model", cfg.Name, "trained", cfg.TextEncoder, "trained_id", cfg.TextEncoderID, "now", t.spec, "now_id", t.id)
		return nil
	}
	return usagef("model %s was trained with text encoder %s (%s), not %s (%s): leave --text-encoder out to use the model's",
		cfg.Name, recordedTextEncoder(cfg), cfg.TextEncoderID, t.spec, t.id)
}
