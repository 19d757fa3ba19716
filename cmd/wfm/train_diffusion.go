package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/textenc"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/weights"
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
	var (
		preset, data, prefix, tok string
		res, out, initPath, conds string
		dtype, textSpec           string
		frames, maxClips, batch   int
		imageBatch                int
		arch                      diffusionArch
		latentStd                 string
		latentGain                = 1.0
		sigmaData                 = "global"
		stopAt                    int
		exportDType               = "float32"
		sampleSigmaMin            float64
		sampleGuidance            float64
		noProgress                bool
		opts                      = diffusion.DefaultTrainOptions()
		tc                        = train.DefaultConfig()
	)
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
			cfg, err := diffusion.Preset(preset)
			if err != nil {
				return usageError{err}
			}
			if dtype != "float32" && dtype != "bfloat16" {
				return usagef("train diffusion: --dtype must be float32 or bfloat16")
			}
			bw, bh, err := parseDiffusionRes(res)
			if err != nil {
				return usageError{err}
			}
			if data == "" || out == "" || tok == "" {
				return usagef("train diffusion: --data, --out and --tokenizer are required")
			}
			if batch < 1 || frames < 1 || imageBatch < 0 {
				return usagef("train diffusion: need --batch >= 1, --frames >= 1 and --image-batch >= 0")
			}
			exportDT, ok := map[string]dtypes.DType{"float32": dtypes.Float32, "float16": dtypes.Float16, "bfloat16": dtypes.BFloat16}[exportDType]
			if !ok {
				return usagef("train diffusion: --export-dtype must be float32, float16 or bfloat16")
			}
			if !(sampleGuidance >= 0 && sampleGuidance <= 100) {
				return usagef("train diffusion: --sample-guidance must be in [0, 100] (sample_guidance)")
			}
			if !(latentGain > 0) || latentGain > 1000 {
				return usagef("train diffusion: --latent-gain must be in (0, 1000]")
			}
			if initPath != "" && (cmd.Flags().Changed("latent-gain") || cmd.Flags().Changed("latent-std")) {
				return usagef("train diffusion: the latent normalization comes from the --init model (drop --latent-std, --latent-gain)")
			}
			if sigmaData != "global" && sigmaData != "channel" {
				return usagef("train diffusion: --sigma-data must be global or channel")
			}
			if initPath != "" && cmd.Flags().Changed("sigma-data") {
				return usagef("train diffusion: sigma_data comes from the --init model (drop --sigma-data)")
			}
			if latentStd != "channel" && latentStd != "frame" {
				return usagef("train diffusion: --latent-std must be channel or frame")
			}
			if opts.CondFrames, err = parseCondFrames(conds); err != nil {
				return usageError{err}
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			cfg.DType = dtype
			var store *model.Store
			if initPath != "" {
				if cmd.Flags().Changed("dtype") {
					return usagef("train diffusion: --dtype comes from the --init model")
				}
				if arch.changed(cmd) {
					return usagef("train diffusion: the architecture comes from the --init model (drop --width, --blocks, --heads, --patch, --adaln-lora, --residual-cond)")
				}
				if store, cfg, err = diffusion.LoadWeights(initPath, true); err != nil {
					return err
				}
			} else if arch.changed(cmd) {
				arch.apply(cmd, &cfg)
				if err := cfg.Validate(); err != nil {
					return usageError{err}
				}
			}
			if cmd.Flags().Changed("sample-guidance") {
				g := sampleGuidance
				cfg.SampleGuidance = &g
			}
			if cmd.Flags().Changed("sample-sigma-min") {
				cfg.SampleSigmaMin = sampleSigmaMin
				if err := cfg.Validate(); err != nil {
					return usageError{err}
				}
			}
			codec, tcfg, err := diffusion.OpenTokenizer(b, tok, frames)
			if err != nil {
				return usageError{err}
			}
			defer codec.Close()
			mult := tcfg.SpatialCompression * cfg.PatchSpatial
			if bw%mult != 0 || bh%mult != 0 || (frames-1)%tcfg.TemporalCompression != 0 {
				return usagef("train diffusion: --res sides must be multiples of %d and --frames 1+k·%d", mult, tcfg.TemporalCompression)
			}
			cfg.Tokenizer, cfg.Kind = tok, diffusion.ModelKind
			resumed, err := runTextEncoder(out)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("text-encoder") {
				if resumed != nil {
					textSpec = recordedTextEncoder(*resumed)
				} else if initPath != "" {
					textSpec = recordedTextEncoder(cfg)
				}
			}
			text, err := openDiffusionText(textSpec, cfg, b, filepath.Join(out, textCacheDir))
			if err != nil {
				return err
			}
			if resumed != nil && resumed.TextEncoderID != "" && resumed.TextEncoderID != text.id &&
				!(strings.HasPrefix(resumed.TextEncoderID, "t5:") && strings.HasPrefix(text.id, "t5:")) {
				return usagef("train diffusion: the run in %s was trained with text encoder %s (%s), not %s (%s): resume with the same --text-encoder or start a new --out",
					out, resumed.TextEncoder, resumed.TextEncoderID, text.spec, text.id)
			}
			if initPath != "" && cfg.TextEncoderID != "" && cfg.TextEncoderID != text.id {
				slog.Warn("fine-tuning with another text encoder than the --init model's",
					"init", cfg.TextEncoder, "init_id", cfg.TextEncoderID, "now", text.spec, "now_id", text.id)
			}
			cfg.TextEncoder, cfg.TextEncoderID = text.spec, text.id
			cachePath := filepath.Join(out, latentCacheFile)
			key, err := latentCacheKey(data, prefix, tok, frames, bw, bh, maxClips, cfg)
			if err != nil {
				return err
			}
			set, stats, err := diffusion.LoadTrainingSet(cachePath, key)
			if err != nil && !diffusion.CacheUnusable(err) {
				return err
			}
			if err != nil {
				if set, stats, err = encodeTrainingSet(cmd, codec, text.enc, data, prefix, frames, bw, bh, maxClips, cfg, tcfg.SpatialCompression, noProgress); err != nil {
					return err
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				if err := diffusion.SaveTrainingSet(cachePath, key, set, stats); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(cmd.ErrOrStderr(), "latents from %s\n", cachePath)
			}
			if (latentStd == "frame" || latentGain != 1) && initPath == "" {
				// The cache holds per-channel normalized latents: switch them to one scale per
				// frame and/or multiply them by the gain (model.json records the resulting std).
				target := stats.LatentStd
				if latentStd == "frame" {
					target = diffusion.PoolStd(stats.LatentStd, cfg.LatentChannels)
				}
				scaled := make([]float32, len(target))
				for i, v := range target {
					scaled[i] = v / float32(latentGain)
				}
				for _, ts := range [][]*tensors.Tensor{set.Video, set.Image} {
					d := ts[0].Shape().Dimensions
					if err := tensors.MutableFlatData(ts[0], func(flat []float32) {
						diffusion.Rescale(flat, d[1:], stats.LatentStd, scaled)
					}); err != nil {
						return err
					}
				}
				stats.LatentStd = scaled
			}
			cfg.LatentMean, cfg.LatentStd = stats.LatentMean, stats.LatentStd
			if sigmaData == "channel" && initPath == "" {
				flat := tensors.MustCopyFlatData[float32](set.Video[0])
				if cfg.SigmaDataChannels, err = diffusion.ChannelSigmaData(flat, stats.Dims, cfg, opts.CondFrames); err != nil {
					return err
				}
			}
			if resumed != nil && initPath == "" && (len(resumed.SigmaDataChannels) > 0) != (len(cfg.SigmaDataChannels) > 0) {
				return usagef("train diffusion: %s was trained with a different --sigma-data; resume with the same one", out)
			}
			if resumed != nil && initPath == "" && len(resumed.LatentStd) > 0 && !closeFloats(resumed.LatentStd, cfg.LatentStd) {
				return usagef("train diffusion: %s was trained on latents normalized differently (--latent-std, --latent-gain or the data differ); resume with the same ones", out)
			}
			if cfg.DataFPS == 0 {
				cfg.DataFPS = stats.DataFPS
			}
			dims, nclips := stats.Dims, stats.Clips
			if nclips < batch || imageBatch > nclips {
				return fmt.Errorf("train diffusion: %d clips, fewer than the batch", nclips)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "backend %s, %s: %d clips of %d frames at %dx%d (latent %v), tokenizer %s\n",
				choice.Name, cfg.Name, nclips, frames, bw, bh, dims, tcfg.Name)
			videoLoader, err := train.NewSliceLoader(batch, tc.Seed, set.Video...)
			if err != nil {
				return err
			}
			var loader train.Loader = videoLoader
			if imageBatch > 0 {
				imageLoader, err := train.NewSliceLoader(imageBatch, tc.Seed+1, set.Image...)
				if err != nil {
					return err
				}
				loader = &diffusion.JointLoader{Video: videoLoader, Image: imageLoader}
			}
			m, err := diffusion.New(cfg)
			if err != nil {
				return err
			}
			loss, err := m.TrainLoss(opts)
			if err != nil {
				return usageError{err}
			}
			if store == nil {
				store = model.NewStore()
			}
			tc.Dir = out
			tc.Progress = !noProgress && !global.json
			r, err := train.RunUntil(cmd.Context(), b, store, loss, loader, tc, stopAt, train.WithModelConfig(cfg))
			if err != nil {
				return err
			}
			weightsPath := filepath.Join(out, diffusion.WeightsFile)
			if err := diffusion.SaveWeightsAs(weightsPath, store, cfg, tc.EMADecay > 0, exportDT); err != nil {
				return err
			}
			var lastLoss *float32
			if !math.IsNaN(float64(r.Loss)) {
				lastLoss = &r.Loss
			}
			result := trainDiffusionResult{Config: cfg, Steps: r.Step, ResumedFrom: r.ResumedFrom, Init: initPath,
				Loss: lastLoss, Clips: nclips, LatentShape: dims, Seconds: r.Elapsed.Seconds(),
				Checkpoint: r.Checkpoint, Metrics: r.MetricsPath, Weights: weightsPath}
			return printResult(cmd.OutOrStdout(), result, func(w io.Writer) error {
				if r.ResumedFrom > 0 {
					fmt.Fprintf(w, "resumed from step %d\n", r.ResumedFrom)
				}
				fmt.Fprintf(w, "trained      %s (%d parameters), %d steps in %.1f s (loss %.4f)\n",
					cfg.Name, cfg.ParamCount(), r.Step, result.Seconds, r.Loss)
				fmt.Fprintf(w, "data         %d clips, latent %v\nmetrics      %s\ncheckpoint   %s\nweights      %s\n",
					nclips, dims, r.MetricsPath, r.Checkpoint, weightsPath)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", "tiny", "model preset: "+strings.Join(diffusion.PresetNames(), ", "))
	f.StringVar(&data, "data", "", "folder of WebDataset shards (wfm synth --out)")
	f.StringVar(&prefix, "prefix", "synth", "shard prefix")
	f.StringVar(&tok, "tokenizer", "", "CV tokenizer weights (wfm train tokenizer --export), or preset:NAME for untrained weights")
	f.StringVar(&res, "res", "32x32", "training bucket WIDTHxHEIGHT (clips are fitted in with reflection padding)")
	f.IntVar(&frames, "frames", 9, "frames per clip, 1+k·t for the tokenizer's temporal compression t")
	f.IntVar(&maxClips, "max-clips", 0, "use at most this many clips (0: all)")
	f.IntVar(&batch, "batch", 2, "videos per step")
	f.IntVar(&imageBatch, "image-batch", 0, "images per step for joint image+video training (0: videos only)")
	f.StringVar(&out, "out", "", "run folder (checkpoints, metrics, exported weights)")
	f.StringVar(&initPath, "init", "", "fine-tune from this model (weights file, checkpoint or run folder)")
	f.StringVar(&dtype, "dtype", "float32", "variables and activations: float32, or bfloat16 (GPU; no float32 master copy)")
	f.StringVar(&textSpec, "text-encoder", textEncoderBuiltin, "text encoder: builtin, hash, or a Hugging Face T5 folder (default when resuming or with --init: that model's)")
	f.StringVar(&conds, "cond-frames", "0,1,2", "Video2World: latent condition frame counts drawn per sample")
	f.Float64Var(&opts.TextDropout, "text-dropout", opts.TextDropout, "probability of dropping a caption (classifier-free guidance)")
	f.Float64Var(&opts.PMean, "p-mean", opts.PMean, "mean of ln(sigma) during training")
	f.Float64Var(&opts.PStd, "p-std", opts.PStd, "standard deviation of ln(sigma) during training")
	f.IntVar(&tc.Steps, "steps", tc.Steps, "optimizer steps")
	f.StringVar(&exportDType, "export-dtype", exportDType, "dtype of the exported model.safetensors: float32, or float16 / bfloat16 for half the size (loaded back as the model's dtype; checkpoints stay as trained)")
	f.Float64Var(&sampleGuidance, "sample-guidance", diffusion.DefaultGuidance, "record in model.json the guidance weight generation uses by default (sample_guidance; 0: unguided)")
	f.Float64Var(&sampleSigmaMin, "sample-sigma-min", 0, "record in model.json where generation ends by default (sample_sigma_min; 0: the sampler's 0.002)")
	f.IntVar(&stopAt, "stop-at", 0, "stop after this step (checkpoint and export) keeping the schedule of --steps; 0 runs to --steps")
	f.Float64Var(&tc.LR, "lr", tc.LR, "peak learning rate (AdamW)")
	f.Float64Var(&tc.MinLR, "min-lr", tc.MinLR, "learning rate at the end of the decay")
	f.IntVar(&tc.WarmupSteps, "warmup", tc.WarmupSteps, "linear warmup steps")
	f.StringVar(&tc.Schedule, "schedule", tc.Schedule, "learning-rate schedule after warmup: cosine, linear (Cosmos's cooldown) or constant")
	f.Float64Var(&tc.EMADecay, "ema", tc.EMADecay, "EMA decay of the exported weights (0: raw weights)")
	f.IntVar(&tc.LogEvery, "log-every", tc.LogEvery, "steps between metrics lines")
	f.IntVar(&tc.CheckpointEvery, "ckpt-every", tc.CheckpointEvery, "steps between checkpoints")
	f.IntVar(&tc.KeepCheckpoints, "keep", tc.KeepCheckpoints, "checkpoints kept (0: all)")
	f.Uint64Var(&tc.Seed, "seed", tc.Seed, "random seed (initialization, shuffling, noise)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bars")
	f.StringVar(&latentStd, "latent-std", "channel", "latent normalization: channel (per frame and channel, as Cosmos) or frame (one scale per latent frame, for principal-component latents such as cv4x4x4-tiny's)")
	f.StringVar(&sigmaData, "sigma-data", sigmaData, "EDM's sigma_data: global (one value, 0.5, as Cosmos) or channel (measured per latent channel on the training latents: the spread of what the denoiser predicts; for latents whose channels differ in scale, such as principal components)")
	f.Float64Var(&latentGain, "latent-gain", latentGain, "multiply the normalized latents by this (with --residual-cond, so that the offsets from the last frame have about EDM's sigma_data of 0.5)")
	f.IntVar(&arch.width, "width", 0, "transformer width (model_channels), overriding the preset's")
	f.IntVar(&arch.blocks, "blocks", 0, "transformer blocks, overriding the preset's")
	f.IntVar(&arch.heads, "heads", 0, "attention heads, overriding the preset's")
	f.IntVar(&arch.patch, "patch", 0, "spatial patch size over the latent (Cosmos: 2), overriding the preset's")
	f.IntVar(&arch.lora, "adaln-lora", 0, "AdaLN-LoRA rank (0 with the flag given: full modulation), overriding the preset's")
	f.BoolVar(&arch.residual, "residual-cond", false, "Video2World: denoise the generated frames as offsets from the last condition frame (not in Cosmos; for small models)")
	trainCmd.AddCommand(cmd)
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

// diffusionCommonFPS is the most frequent frame rate of the clips.
func diffusionCommonFPS(clips []diffusion.TrainClip) float64 {
	count := map[float64]int{}
	best := 0.0
	for _, c := range clips {
		count[c.Clip.FPS]++
		if count[c.Clip.FPS] > count[best] {
			best = c.Clip.FPS
		}
	}
	return best
}

// textCacheDir is the folder of the run that caches caption embeddings (textenc.Cache).
const textCacheDir = "text-cache"

// latentCacheFile is the file in the run folder holding the encoded training set.
const latentCacheFile = "latents.safetensors"

// latentCacheKey describes everything the encoded training set depends on: the shard index
// (by content), the tokenizer, the clip settings, the text encoder and the latent statistics of
// an --init model.
func latentCacheKey(data, prefix, tok string, frames, w, h, maxClips int, cfg diffusion.Config) (string, error) {
	index, err := os.ReadFile(filepath.Join(data, dataset.IndexName(prefix)))
	if err != nil {
		return "", fmt.Errorf("train diffusion: %w", err)
	}
	sum := sha256.Sum256(index)
	key := struct {
		Index             string
		Tokenizer         string
		Frames, W, H, Max int
		Text              string
		Mean, Std         []float32
	}{hex.EncodeToString(sum[:]), tok, frames, w, h, maxClips,
		fmt.Sprintf("%s %s %d %d", cfg.TextEncoder, cfg.TextEncoderID, cfg.ContextDim, cfg.ContextLen), cfg.LatentMean, cfg.LatentStd}
	js, err := json.Marshal(key)
	return string(js), err
}

// encodeTrainingSet reads the clips of the shards, encodes them with the tokenizer, normalizes
// the latents (with cfg's statistics when it has them, else their own) and embeds the captions.
func encodeTrainingSet(cmd *cobra.Command, codec *tokenizer.Codec, enc diffusion.TextEncoder, data, prefix string, frames, w, h, maxClips int,
	cfg diffusion.Config, spatial int, noProgress bool) (*diffusion.TrainingSet, diffusion.CacheStats, error) {
	var stats diffusion.CacheStats
	clips, err := diffusion.ReadShardClips(data, prefix, diffusion.ShardClipOptions{Frames: frames,
		Bucket: diffusion.Bucket{Width: w, Height: h}, MaxClips: maxClips})
	if err != nil {
		return nil, stats, err
	}
	var bar *progressbar.ProgressBar
	if !noProgress && !global.json {
		bar = progressbar.NewOptions(len(clips), progressbar.OptionSetWriter(cmd.ErrOrStderr()),
			progressbar.OptionSetDescription("encoding latents"), progressbar.OptionShowCount())
	}
	pixels := make([]*video.Clip, len(clips))
	for i, c := range clips {
		pixels[i] = c.Clip
	}
	latents, dims, err := diffusion.EncodeClips(codec, pixels, func() {
		if bar != nil {
			_ = bar.Add(1)
		}
	})
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(cmd.ErrOrStderr())
	}
	if err != nil {
		return nil, stats, err
	}
	if cfg.LatentMean == nil {
		cfg.LatentMean, cfg.LatentStd = diffusion.LatentStats(latents, dims)
	}
	cfg.Normalize(latents, dims)
	set, err := diffusion.BuildTrainingSet(cmd.Context(), enc, clips, latents, dims, spatial)
	if err != nil {
		return nil, stats, err
	}
	stats = diffusion.CacheStats{LatentMean: cfg.LatentMean, LatentStd: cfg.LatentStd, DataFPS: diffusionCommonFPS(clips),
		Clips: len(clips), Dims: dims}
	return set, stats, nil
}

// Text encoder specs of --text-encoder (anything else is a Hugging Face T5 folder).
const (
	textEncoderBuiltin = "builtin"
	textEncoderHash    = "hash"
)

// diffusionText is the text encoder a diffusion model conditions on, with what identifies it.
type diffusionText struct {
	enc  diffusion.TextEncoder
	spec string // "builtin", "hash", or the absolute path of a T5 folder
	id   string // textenc.Model.ID, or "hash:DIMxLEN"
}

// openDiffusionText opens the text encoder spec names for a model of configuration cfg: the
// built-in T5 (textenc.Default), the hashing encoder, or a Hugging Face T5 folder (run on b, at
// cfg.ContextLen tokens). T5 encoders are wrapped in a textenc.Cache, on disk under cacheDir
// when it is not empty. The encoder's width and length must be the model's ContextDim and
// ContextLen.
func openDiffusionText(spec string, cfg diffusion.Config, b compute.Backend, cacheDir string) (*diffusionText, error) {
	var t diffusionText
	switch spec {
	case "":
		return nil, usagef("--text-encoder is empty: want builtin, hash or a T5 folder")
	case textEncoderHash:
		enc, err := diffusion.NewHashEncoder(cfg.ContextDim, cfg.ContextLen)
		if err != nil {
			return nil, err
		}
		t = diffusionText{enc: enc, spec: spec, id: fmt.Sprintf("hash:%dx%d", cfg.ContextDim, cfg.ContextLen)}
	case textEncoderBuiltin:
		m, err := textenc.Default()
		if err != nil {
			return nil, err
		}
		t = diffusionText{enc: textenc.NewCache(m, m.ID(), cacheDir), spec: spec, id: m.ID()}
	default:
		dir, err := filepath.Abs(spec)
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, usagef("--text-encoder %q: want builtin, hash or a Hugging Face T5 folder (config.json, spiece.model, model.safetensors)", spec)
		}
		m, err := textenc.Load(dir, textenc.WithMaxLen(cfg.ContextLen), textenc.WithBackend(b))
		if err != nil {
			return nil, err
		}
		t = diffusionText{enc: textenc.NewCache(m, m.ID(), cacheDir), spec: dir, id: m.ID()}
	}
	if t.enc.Dim() != cfg.ContextDim || t.enc.MaxLen() != cfg.ContextLen {
		return nil, usagef("text encoder %s gives %d tokens of width %d, but model %s reads %d tokens of width %d (context_len, context_dim): pick a matching --text-encoder or preset",
			t.spec, t.enc.MaxLen(), t.enc.Dim(), cfg.Name, cfg.ContextLen, cfg.ContextDim)
	}
	return &t, nil
}

// runTextEncoder reads the model config of the newest checkpoint in a run folder, so that a
// resumed run keeps its text encoder; nil when there is no checkpoint.
func runTextEncoder(out string) (*diffusion.Config, error) {
	ck, err := train.LatestCheckpoint(out)
	if err != nil || ck == nil {
		return nil, err
	}
	var cfg diffusion.Config
	if err := weights.ReadConfig(ck.ModelPath(), &cfg); err != nil {
		return nil, fmt.Errorf("train diffusion: resume %s: %w", out, err)
	}
	return &cfg, nil
}

// recordedTextEncoder is the --text-encoder a model was trained with: the one its config
// records, else the hashing encoder that models made before the record used.
func recordedTextEncoder(cfg diffusion.Config) string {
	if cfg.TextEncoder == "" {
		return textEncoderHash
	}
	return cfg.TextEncoder
}

// checkTextEncoderID compares an encoder with the one a model was trained with. A different
// encoder is an error, except between two T5 folders, whose ids come from file paths and
// times (a copied folder gets a new id): that is a warning.
func checkTextEncoderID(cfg diffusion.Config, t *diffusionText) error {
	if cfg.TextEncoderID == "" || cfg.TextEncoderID == t.id {
		return nil
	}
	if strings.HasPrefix(cfg.TextEncoderID, "t5:") && strings.HasPrefix(t.id, "t5:") {
		slog.Warn("text encoder folder differs from the one the model was trained with",
			"model", cfg.Name, "trained", cfg.TextEncoder, "trained_id", cfg.TextEncoderID, "now", t.spec, "now_id", t.id)
		return nil
	}
	return usagef("model %s was trained with text encoder %s (%s), not %s (%s): leave --text-encoder out to use the model's",
		cfg.Name, recordedTextEncoder(cfg), cfg.TextEncoderID, t.spec, t.id)
}

// closeFloats reports whether a and b have the same length and values within 1e-5 relative.
func closeFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := math.Abs(float64(a[i]) - float64(b[i])); d > 1e-5*math.Max(math.Abs(float64(a[i])), math.Abs(float64(b[i]))) {
			return false
		}
	}
	return true
}
