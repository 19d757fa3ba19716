package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/prompt"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// generateResult is what wfm generate prints: the pipeline's report, and what only the
// command knows (the output path, its whole run time, the process's memory).
type generateResult struct {
	worldgen.Report
	Out string `json:"out"`
	// Seconds is the whole command's time (the report's is Generate's alone).
	Seconds      float64 `json:"seconds"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	GoSysBytes   uint64  `json:"go_sys_bytes"`
	// NoGuardrails echoes --no-guardrails (GuardrailsRun says whether the guards ran).
	NoGuardrails bool `json:"no_guardrails"`
}

// writeText prints the result for people.
func (r generateResult) writeText(wr io.Writer) error {
	if r.UpsampledPrompt != "" {
		fmt.Fprintf(wr, "prompt       %s\n", r.UpsampledPrompt)
	}
	fmt.Fprintf(wr, "wrote        %s (%d frames, %dx%d, %g fps)\n", r.Out, r.Frames, r.Width, r.Height, r.FPS)
	if r.CondFrames > 0 {
		if r.CondPSNR != nil {
			fmt.Fprintf(wr, "condition    %d frames reproduced at %.2f dB PSNR\n", r.CondFrames, *r.CondPSNR)
		} else {
			fmt.Fprintf(wr, "condition    %d frames reproduced exactly\n", r.CondFrames)
		}
	}
	fmt.Fprintf(wr, "sampling     %d evaluations in %.2f s (%.2f/s), total %.2f s\n", r.Evaluations, r.SamplingSeconds, r.EvaluationsPerSecond, r.Seconds)
	fmt.Fprintf(wr, "peak memory  %.1f MiB RSS (Go runtime holds %.1f MiB)\n", float64(r.PeakRSSBytes)/(1<<20), float64(r.GoSysBytes)/(1<<20))
	if !r.GuardrailsRun {
		fmt.Fprintf(wr, "guardrails   off\n")
		return nil
	}
	faces := 0
	for _, v := range r.Guardrails {
		faces += v.FacesBlurred
	}
	fmt.Fprintf(wr, "guardrails   %d checks passed, %d faces blurred\n", len(r.Guardrails), faces)
	return nil
}

// fill copies what the pipeline reported into r, with the output path, the run's duration and
// the process's memory.
func (r *generateResult) fill(rep worldgen.Report, out string, elapsed time.Duration) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	prompt := r.Prompt
	r.Report, r.Out, r.Seconds = rep, out, elapsed.Seconds()
	if r.Prompt == "" {
		r.Prompt = prompt
	}
	r.PeakRSSBytes, r.GoSysBytes = generatePeakRSS(), ms.Sys
}

// generateUpsampler is the prompt upsampler --upsample-prompt names (nil for none), wrapped to
// fall back to the prompt as written with --upsample-fallback.
func generateUpsampler(spec string, fallback bool, promptText string) (prompt.Upsampler, error) {
	if spec == "" {
		if fallback {
			return nil, usagef("generate: --upsample-fallback needs --upsample-prompt")
		}
		return nil, nil
	}
	u, err := prompt.FromFlag(spec)
	if err != nil {
		return nil, usageError{err}
	}
	if fallback {
		u = prompt.WithFallback(u, func(err error) {
			slog.Warn("generate: prompt upsampling failed; using the prompt as written", "upsampler", spec, "err", err)
		})
	}
	if strings.TrimSpace(promptText) == "" {
		return nil, usagef("generate: --upsample-prompt needs a --prompt")
	}
	return u, nil
}

// generateInput reads --input at --fps, else at the model's training rate, else
// worldgen.DefaultFPS (the rate of an image; a video keeps its own).
func generateInput(ctx context.Context, p *worldgen.Pipeline, input string, fps float64) (*video.Clip, error) {
	if fps == 0 {
		fps = p.Config().DataFPS
	}
	if fps == 0 {
		fps = worldgen.DefaultFPS
	}
	return worldgen.ReadInput(ctx, input, fps)
}

// generateProgress reports a generation on stderr: the settings when sampling starts (and the
// upsampled prompt), then a bar over the denoiser evaluations when bar is set.
type generateProgress struct {
	w       io.Writer
	backend string
	bar     bool
	begun   bool // sampling started
	pb      *progressbar.ProgressBar
}

func (g *generateProgress) started(r worldgen.Report) {
	g.begun = true
	if r.UpsampledPrompt != "" {
		fmt.Fprintf(g.w, "upsampled prompt: %s\n", r.UpsampledPrompt)
	}
	fmt.Fprintf(g.w, "backend %s, %s: %d frames at %dx%d (latent %v), %s %d steps, guidance %g, text encoder %s\n",
		g.backend, r.Model, r.Frames, r.Width, r.Height, r.LatentShape, r.Sampler, r.Steps, r.Guidance, r.TextEncoder)
	if g.bar {
		g.pb = progressbar.NewOptions(r.Evaluations, progressbar.OptionSetWriter(g.w),
			progressbar.OptionSetDescription("denoising"), progressbar.OptionShowCount(), progressbar.OptionShowIts())
	}
}

func (g *generateProgress) progress(done, _ int) {
	if g.pb != nil {
		_ = g.pb.Set(done)
	}
}

func (g *generateProgress) finish() {
	if g.pb != nil {
		_ = g.pb.Finish()
		fmt.Fprintln(g.w)
	}
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

// generateError maps a pipeline error onto the command's exit status: 3 for a guardrail block
// (as wfm guard's), 2 for a request the model cannot take, 1 otherwise.
func generateError(err error) error {
	var blocked *worldgen.BlockedError
	switch {
	case errors.As(err, &blocked):
		return exitError{exitBlocked, err}
	case errors.Is(err, worldgen.ErrInvalid):
		return usageError{err}
	}
	return err
}

func init() {
	var (
		modelName, weights, tok, promptText string
		negative, input, res, out           string
		sampler, textSpec, upsampleSpec     string
		condFrames, frames, steps           int
		fps, guidance, sigmaMin             float64
		seed                                uint64
		noGuard, ema, noProgress            bool
		upsampleFallback                    bool
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

The prompt is embedded by the text encoder the model was trained with (recorded in its
model.json; models made before that used the hashing encoder); --text-encoder builtin, hash or a
T5 folder overrides it, and must be the same encoder.

--upsample-prompt rewrites the prompt into the caption style of the training data first:
--upsample-prompt alone (or =builtin) uses the built-in rule-based upsampler,
--upsample-prompt=openai:URL?model=NAME a served language model (see 'wfm prompt'). Note the
'=': a bare --upsample-prompt takes no value. A failure is an error, unless --upsample-fallback
(then the prompt is used as written, with a warning).

Guardrails run by default: the pre-guard checks the prompt as written and as upsampled
(blocklist rules, see 'wfm guard prompt'), the post-guard pixelates faces in the generated video
before it is written (see 'wfm guard video'). A block, or a guard that fails, writes nothing and
exits with status 3. --no-guardrails skips them (with a warning).

With --model autoregressive it continues --input with the autoregressive model (--weights: a
model folder of 'wfm train autoregressive' or 'wfm train medusa'): the first --cond-frames frames
(1 or 9) are encoded with the DV tokenizer the model records, the remaining latent frames'
tokens are decoded with the KV cache (greedy, or sampled with --temperature, --top-k, --top-p,
seeded by --seed) and the DV decoder makes the video; --frames and --res default to the
model's training window and size. --medusa decodes with the model's Medusa heads (the same
tokens in fewer decoder calls); --batch N makes N videos at once (seeds --seed, --seed+1, ...).
The tokens/s and frames/s are printed. The guardrails are the same.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			ctx, stderr := cmd.Context(), cmd.ErrOrStderr()
			if modelName == autoregressive.ModelKind {
				return runGenerateAR(cmd, generateARArgs{weights: weights, tok: tok, prompt: promptText, input: input, res: res, out: out,
					condFrames: condFrames, frames: frames, fps: fps, seed: seed, noGuard: noGuard, ema: ema, noProgress: noProgress})
			}
			if modelName != "diffusion" {
				return usagef("generate: --model %q is not available (known: diffusion, autoregressive)", modelName)
			}
			for _, name := range []string{"temperature", "top-k", "top-p", "medusa", "diffusion-decoder", "diffusion-steps", "batch"} {
				if cmd.Flags().Changed(name) {
					return usagef("generate: --%s is for --model autoregressive", name)
				}
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
			if err := (diffusion.SampleOptions{Steps: steps, Sampler: sampler, SigmaMin: sigmaMin}).Validate(); err != nil {
				return usageError{err}
			}
			if fps < 0 || frames < 1 {
				return usagef("generate: need --fps >= 0 and --frames >= 1")
			}
			opts := worldgen.Options{EMA: ema, Tokenizer: tok, TextEncoder: textSpec, NoGuardrails: noGuard}
			if opts.Upsampler, err = generateUpsampler(upsampleSpec, upsampleFallback, promptText); err != nil {
				return err
			}
			if noGuard {
				slog.Warn("generate: guardrails are off (--no-guardrails): the prompt is not checked and faces are not blurred")
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			opts.Backend = b
			p, err := worldgen.Open(weights, opts)
			if err != nil {
				return generateError(err)
			}
			defer p.Close()
			// Before sampling (after the model's own files are checked): the output's folder and format.
			if err := checkVideoOut("--out", out); err != nil {
				return err
			}
			req := worldgen.Request{Prompt: promptText, NegativePrompt: negative, Frames: frames, Width: w, Height: h,
				FPS: fps, Seed: seed, Steps: steps, Sampler: sampler, SigmaMin: sigmaMin}
			if cmd.Flags().Changed("guidance") {
				req.Guidance = &guidance // else the model's own default (sample_guidance in model.json)
			}
			if input != "" {
				if req.Input, err = generateInput(ctx, p, input, fps); err != nil {
					return err
				}
				req.CondFrames = condFrames
			}
			prog := &generateProgress{w: stderr, backend: choice.Name, bar: !noProgress && !global.json}
			req.Started, req.Progress = prog.started, prog.progress
			clip, rep, err := p.Generate(ctx, req)
			prog.finish()
			r := generateResult{Report: worldgen.Report{Prompt: promptText, GuardrailsRun: rep.GuardrailsRun,
				Guardrails: rep.Guardrails, UpsampledPrompt: rep.UpsampledPrompt, Upsampler: rep.Upsampler}, NoGuardrails: noGuard}
			if err != nil {
				if !prog.begun && r.UpsampledPrompt != "" {
					fmt.Fprintf(stderr, "upsampled prompt: %s\n", r.UpsampledPrompt)
				}
				var blocked *worldgen.BlockedError
				if errors.As(err, &blocked) && global.json {
					_ = printResult(cmd.OutOrStdout(), r, nil) // the verdicts so far; nothing is written
				}
				return generateError(err)
			}
			if err := video.Write(ctx, out, clip, video.Options{}); err != nil {
				return err
			}
			r.fill(rep, out, time.Since(start))
			return printResult(cmd.OutOrStdout(), r, r.writeText)
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelName, "model", "diffusion", "world model: diffusion or autoregressive")
	f.StringVar(&weights, "weights", "", "model weights (wfm train diffusion: run folder, checkpoint or model.safetensors)")
	f.StringVar(&tok, "tokenizer", "", "tokenizer weights, or preset:NAME (default: the one the model was trained with)")
	f.StringVar(&textSpec, "text-encoder", "", "text encoder: builtin, hash or a Hugging Face T5 folder (default: the one the model was trained with)")
	f.StringVar(&promptText, "prompt", "", "text prompt")
	f.StringVar(&negative, "negative-prompt", worldgen.DefaultNegativePrompt, "what guidance steers away from")
	f.StringVar(&upsampleSpec, "upsample-prompt", "", "rewrite the prompt first: --upsample-prompt (builtin) or --upsample-prompt=openai:URL?model=NAME")
	f.Lookup("upsample-prompt").NoOptDefVal = "builtin"
	f.BoolVar(&upsampleFallback, "upsample-fallback", false, "if upsampling fails, warn and use the prompt as written")
	f.StringVar(&input, "input", "", "condition image or video (Video2World)")
	f.IntVar(&condFrames, "cond-frames", 1, "frames of --input to condition on: 1 or 9")
	f.IntVar(&frames, "frames", 33, "frames to generate, 1+k·t for the tokenizer's temporal compression t")
	f.StringVar(&res, "res", "64x64", "WIDTHxHEIGHT in pixels")
	f.Float64Var(&fps, "fps", 0, "frame rate of the video, which conditions the temporal positions (0: the training videos' rate, else 24)")
	f.IntVar(&steps, "steps", diffusion.DefaultSteps, "sampling steps (noise levels)")
	f.Float64Var(&sigmaMin, "sigma-min", 0, "lowest noise level of the schedule; the output is the denoiser's estimate there (raise it, e.g. 1, to end on the model's mean estimate when its finest detail is noise; 0: the model's sample_sigma_min, else 0.002)")
	f.StringVar(&sampler, "sampler", diffusion.SamplerMultistep, "sampler: "+strings.Join(diffusion.SamplerNames(), ", "))
	f.Float64Var(&guidance, "guidance", diffusion.DefaultGuidance, "classifier-free guidance weight (0: conditional only; default: the model's sample_guidance, else 7)")
	f.Uint64Var(&seed, "seed", 1, "random seed (same seed, same video)")
	f.StringVar(&out, "out", "", "output video (.mp4, .gif, .y4m, or a PNG pattern)")
	f.BoolVar(&noGuard, "no-guardrails", false, "skip the prompt pre-guard and the face-blurring post-guard")
	f.BoolVar(&ema, "ema", false, "use the EMA weights of a training checkpoint")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	addGenerateARFlags(f)
	rootCmd.AddCommand(cmd)
}

// checkVideoOut refuses, as a usage error before any work, an output video path whose folder
// does not exist (or is not a folder) or whose extension no writer takes (video.Write's list).
func checkVideoOut(flag, path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return usagef("%s %s: its folder %s does not exist (create it first)", flag, path, dir)
	} else if !st.IsDir() {
		return usagef("%s %s: %s is not a folder", flag, path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() && filepath.Ext(path) != "" {
		return usagef("%s %s is a folder", flag, path)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".y4m", ".gif", ".png", "", ".mp4", ".m4v", ".mov", ".mkv":
		return nil
	}
	return usagef("%s %s: unknown video format %q (want .mp4, .gif, .y4m, or a PNG pattern)", flag, path, filepath.Ext(path))
}

// recordedTokenizer is the tokenizer path a model's config names, found from where the model is
// (worldgen.ResolveModelPath).
func recordedTokenizer(tok, weights string) string { return worldgen.ResolveModelPath(weights, tok) }
