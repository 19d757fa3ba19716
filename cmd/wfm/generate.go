package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // --input accepts JPEG images
	_ "image/png"  // and PNG images
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/video"
)

// defaultNegativePrompt describes what guidance steers away from (Cosmos ships a default
// negative prompt of the same kind; this wording is ours).
const defaultNegativePrompt = "blurry, distorted, low quality, flickering, jittery motion, static frozen frames, artifacts, noise"

// generateResult is what wfm generate prints.
type generateResult struct {
	Model        string  `json:"model"`
	Out          string  `json:"out"`
	Prompt       string  `json:"prompt"`
	Frames       int     `json:"frames"`
	Width        int     `json:"width"`
	Height       int     `json:"height"`
	FPS          float64 `json:"fps"`
	CondFrames   int     `json:"cond_frames"`
	Steps        int     `json:"steps"`
	Sampler      string  `json:"sampler"`
	Evaluations  int     `json:"evaluations"`
	Guidance     float64 `json:"guidance"`
	Seed         uint64  `json:"seed"`
	Seconds      float64 `json:"seconds"`
	SampleSecs   float64 `json:"sampling_seconds"`
	EvalsPerSec  float64 `json:"evaluations_per_second"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	GoSysBytes   uint64  `json:"go_sys_bytes"`
	// NoGuardrails echoes --no-guardrails; GuardrailsRun says whether any check ran (none is
	// wired into this command yet).
	NoGuardrails  bool `json:"no_guardrails"`
	GuardrailsRun bool `json:"guardrails_run"`
}

// generatePeakRSS reads the peak resident set size (VmHWM) from /proc/self/status, or -1.
func generatePeakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return v * 1024
				}
			}
		}
	}
	return -1
}

// readConditionInput reads --input: an image (.png, .jpg, .jpeg) as a one-frame clip, anything
// else through package video.
func readConditionInput(cmd *cobra.Command, path string, fps float64) (*video.Clip, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".jpg", ".jpeg":
		if !strings.Contains(path, "%") {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			img, _, err := image.Decode(f)
			if err != nil {
				return nil, fmt.Errorf("generate: decode %s: %w", path, err)
			}
			return video.FromImages([]image.Image{img}, fps)
		}
	}
	return video.Read(cmd.Context(), path, video.Options{FPS: fps})
}

func init() {
	var (
		modelName, weights, tok, prompt string
		negative, input, res, out       string
		sampler                         string
		condFrames, frames, steps       int
		fps, guidance                   float64
		seed                            uint64
		noGuard, ema, noProgress        bool
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate a video from a prompt (Text2World) or a prompt and frames (Video2World)",
		Long: `generate runs a trained world model. With --model diffusion it samples the diffusion transformer
(--weights: the model.safetensors of 'wfm train diffusion', a checkpoint or a run folder) with the
EDM sampler (--sampler multistep2, heun or euler; --steps noise levels on the Karras schedule),
classifier-free guidance (--guidance, against --negative-prompt), then decodes the latent with
the tokenizer (--tokenizer, default the one the model was trained with) and writes --out (.mp4
through ffmpeg, .gif, .y4m, or a PNG pattern).

Without --input it is Text2World. With --input (an image, or a video whose first --cond-frames
frames are used) a Video2World model keeps those frames and continues them. The same --seed
gives the same video. The peak memory of the process is printed at the end.

The prompt is embedded with the built-in hashing text encoder. --no-guardrails is accepted for
the guardrail pipeline; this build runs none.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			if modelName != "diffusion" {
				return usagef("generate: --model %q is not available (known: diffusion)", modelName)
			}
			if weights == "" || out == "" {
				return usagef("generate: --weights and --out are required")
			}
			if input != "" && condFrames != 1 && condFrames != 9 {
				return usagef("generate: --cond-frames must be 1 or 9")
			}
			w, h, err := parseDiffusionRes(res)
			if err != nil {
				return usageError{err}
			}
			sopts := diffusion.SampleOptions{Steps: steps, Sampler: sampler}
			if err := sopts.Validate(); err != nil {
				return usageError{err}
			}
			if fps < 0 || frames < 1 {
				return usagef("generate: need --fps >= 0 and --frames >= 1")
			}
			store, cfg, err := diffusion.LoadWeights(weights, ema)
			if err != nil {
				return err
			}
			if fps == 0 {
				fps = cfg.DataFPS
			}
			if fps == 0 {
				fps = 24
			}
			if input != "" && !cfg.Video2World {
				return usagef("generate: model %s is Text2World; --input needs a Video2World (-v2w) model", cfg.Name)
			}
			if tok == "" {
				tok = cfg.Tokenizer
			}
			if tok == "" {
				return usagef("generate: the model names no tokenizer; give --tokenizer")
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			codec, tcfg, err := diffusion.OpenTokenizer(b, tok, frames)
			if err != nil {
				return usageError{err}
			}
			defer codec.Close()
			s, t := tcfg.SpatialCompression, tcfg.TemporalCompression
			if w%(s*cfg.PatchSpatial) != 0 || h%(s*cfg.PatchSpatial) != 0 || (frames-1)%t != 0 {
				return usagef("generate: --res sides must be multiples of %d and --frames 1+k·%d", s*cfg.PatchSpatial, t)
			}
			lt, lh, lw := 1+(frames-1)/t, h/s, w/s
			dims := []int{lt, lh, lw, cfg.LatentChannels}
			enc, err := diffusion.NewHashEncoder(cfg.ContextDim, cfg.ContextLen)
			if err != nil {
				return err
			}
			embs, _, err := enc.Encode(cmd.Context(), []string{prompt, negative})
			if err != nil {
				return err
			}
			all := generateFloats(embs)
			req := diffusion.Request{Frames: lt, Height: lh, Width: lw, FPS: fps,
				Context: all[:len(all)/2], Uncond: all[len(all)/2:], Guidance: guidance, Seed: seed, Options: sopts}
			given := 0
			if input != "" {
				clip, err := readConditionInput(cmd, input, fps)
				if err != nil {
					return err
				}
				given = min(condFrames, clip.Frames)
				fitted, mask, err := diffusion.FitBucket(clip.Slice(0, given), diffusion.Bucket{Width: w, Height: h})
				if err != nil {
					return err
				}
				full, err := video.NewClip(frames, h, w, fps)
				if err != nil {
					return err
				}
				for f := range frames {
					copy(full.Frame(f), fitted.Frame(min(f, given-1)))
				}
				lat, _, err := diffusion.EncodeClips(codec, []*video.Clip{full}, nil)
				if err != nil {
					return err
				}
				cfg.Normalize(lat, dims)
				req.Condition, req.CondFrames = lat, 1+(given-1)/t
				req.PaddingMask = diffusion.LatentMask(mask, h, w, s)
			}
			var bar *progressbar.ProgressBar
			if !noProgress && !global.json {
				bar = progressbar.NewOptions(sopts.Evaluations(), progressbar.OptionSetWriter(cmd.ErrOrStderr()),
					progressbar.OptionSetDescription("denoising"), progressbar.OptionShowCount(), progressbar.OptionShowIts())
			}
			req.Options.Progress = func(done, total int) {
				if bar != nil {
					_ = bar.Set(done)
				}
			}
			m, err := diffusion.New(cfg)
			if err != nil {
				return err
			}
			smp, err := diffusion.NewSampler(b, store, m)
			if err != nil {
				return err
			}
			defer smp.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "backend %s, %s: %d frames at %dx%d (latent %v), %s %d steps, guidance %g\n",
				choice.Name, cfg.Name, frames, w, h, dims, sopts.Sampler, steps, guidance)
			t0 := time.Now()
			latent, err := smp.Generate(cmd.Context(), req)
			if bar != nil {
				_ = bar.Finish()
				fmt.Fprintln(cmd.ErrOrStderr())
			}
			if err != nil {
				return err
			}
			sampling := time.Since(t0).Seconds()
			cfg.Denormalize(latent, dims)
			clip, err := diffusion.DecodeLatent(codec, tcfg, latent, dims, frames, h, w, fps)
			if err != nil {
				return err
			}
			if err := video.Write(cmd.Context(), out, clip, video.Options{}); err != nil {
				return err
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			evals := sopts.Evaluations()
			r := generateResult{Model: cfg.Name, Out: out, Prompt: prompt, Frames: frames, Width: w, Height: h, FPS: fps,
				CondFrames: given, Steps: steps, Sampler: sampler, Evaluations: evals,
				Guidance: guidance, Seed: seed, Seconds: time.Since(start).Seconds(), SampleSecs: sampling,
				EvalsPerSec: float64(evals) / sampling, PeakRSSBytes: generatePeakRSS(), GoSysBytes: ms.Sys, NoGuardrails: noGuard}
			return printResult(cmd.OutOrStdout(), r, func(wr io.Writer) error {
				fmt.Fprintf(wr, "wrote        %s (%d frames, %dx%d, %g fps)\n", out, frames, w, h, fps)
				fmt.Fprintf(wr, "sampling     %d evaluations in %.2f s (%.2f/s), total %.2f s\n", evals, sampling, r.EvalsPerSec, r.Seconds)
				fmt.Fprintf(wr, "peak memory  %.1f MiB RSS (Go runtime holds %.1f MiB)\n", float64(r.PeakRSSBytes)/(1<<20), float64(ms.Sys)/(1<<20))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelName, "model", "diffusion", "world model: diffusion")
	f.StringVar(&weights, "weights", "", "model weights (wfm train diffusion: run folder, checkpoint or model.safetensors)")
	f.StringVar(&tok, "tokenizer", "", "tokenizer weights, or preset:NAME (default: the one the model was trained with)")
	f.StringVar(&prompt, "prompt", "", "text prompt")
	f.StringVar(&negative, "negative-prompt", defaultNegativePrompt, "what guidance steers away from")
	f.StringVar(&input, "input", "", "condition image or video (Video2World)")
	f.IntVar(&condFrames, "cond-frames", 1, "frames of --input to condition on: 1 or 9")
	f.IntVar(&frames, "frames", 33, "frames to generate, 1+k·t for the tokenizer's temporal compression t")
	f.StringVar(&res, "res", "64x64", "WIDTHxHEIGHT in pixels")
	f.Float64Var(&fps, "fps", 0, "frame rate of the video, which conditions the temporal positions (0: the training videos' rate, else 24)")
	f.IntVar(&steps, "steps", diffusion.DefaultSteps, "sampling steps (noise levels)")
	f.StringVar(&sampler, "sampler", diffusion.SamplerMultistep, "sampler: "+strings.Join(diffusion.SamplerNames(), ", "))
	f.Float64Var(&guidance, "guidance", diffusion.DefaultGuidance, "classifier-free guidance weight (0: conditional only)")
	f.Uint64Var(&seed, "seed", 1, "random seed (same seed, same video)")
	f.StringVar(&out, "out", "", "output video (.mp4, .gif, .y4m, or a PNG pattern)")
	f.BoolVar(&noGuard, "no-guardrails", false, "skip the guardrail checks (none are wired in yet)")
	f.BoolVar(&ema, "ema", false, "use the EMA weights of a training checkpoint")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	rootCmd.AddCommand(cmd)
}

// generateFloats copies a float32 tensor's values.
func generateFloats(t *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](t) }
