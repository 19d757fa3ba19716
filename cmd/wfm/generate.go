package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // --input accepts JPEG images
	_ "image/png"  // and PNG images
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/prompt"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/weights"
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
	SigmaMin     float64 `json:"sigma_min"` // where the schedule ended
	Evaluations  int     `json:"evaluations"`
	Guidance     float64 `json:"guidance"`
	Seed         uint64  `json:"seed"`
	Seconds      float64 `json:"seconds"`
	SampleSecs   float64 `json:"sampling_seconds"`
	EvalsPerSec  float64 `json:"evaluations_per_second"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	GoSysBytes   uint64  `json:"go_sys_bytes"`
	// TextEncoder is the text encoder used: builtin, hash, or a T5 folder.
	TextEncoder string `json:"text_encoder"`
	// UpsampledPrompt is the prompt the model was given after --upsample-prompt (by Upsampler).
	UpsampledPrompt string `json:"upsampled_prompt,omitempty"`
	Upsampler       string `json:"upsampler,omitempty"`
	// NoGuardrails echoes --no-guardrails; GuardrailsRun says whether the guards ran, and
	// Guardrails holds their verdicts in order: the prompt as written, the upsampled prompt
	// (when it differs), the video.
	NoGuardrails  bool                `json:"no_guardrails"`
	GuardrailsRun bool                `json:"guardrails_run"`
	Guardrails    []guardrail.Verdict `json:"guardrails,omitempty"`
	// CondPSNR is the PSNR in dB of the output's first CondFrames frames against the
	// conditioning frames (Video2World should reproduce them; +Inf is written as null).
	CondPSNR *float64 `json:"cond_psnr,omitempty"`
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

// diffusionGen is a diffusion model loaded for sampling, with its text encoder, on a backend.
// Tokenizer codecs are opened per window (clip length) on first use. It is not safe for
// concurrent use.
type diffusionGen struct {
	cfg    diffusion.Config
	b      compute.Backend
	text   *diffusionText
	smp    *diffusion.Sampler
	tok    string
	codecs map[int]genCodec
}

type genCodec struct {
	codec *tokenizer.Codec
	cfg   tokenizer.Config
}

// openDiffusionGen loads the model at weights (run folder, checkpoint or weights file) on b,
// with tokenizer tok (default: the one it was trained with) and text encoder textSpec
// (default: the one it was trained with).
func openDiffusionGen(b compute.Backend, weights string, ema bool, tok, textSpec string) (*diffusionGen, error) {
	store, cfg, err := diffusion.LoadWeights(weights, ema)
	if err != nil {
		return nil, err
	}
	if tok == "" {
		tok = recordedTokenizer(cfg.Tokenizer, weights)
	}
	if tok == "" {
		return nil, usagef("the model names no tokenizer; give --tokenizer")
	}
	explicit := textSpec != ""
	if !explicit {
		textSpec = recordedTextEncoder(cfg)
	}
	text, err := openDiffusionText(textSpec, cfg, b, "")
	if err != nil {
		return nil, err
	}
	if explicit {
		if err := checkTextEncoderID(cfg, text); err != nil {
			return nil, err
		}
	}
	m, err := diffusion.New(cfg)
	if err != nil {
		return nil, err
	}
	smp, err := diffusion.NewSampler(b, store, m)
	if err != nil {
		return nil, err
	}
	return &diffusionGen{cfg: cfg, b: b, text: text, smp: smp, tok: tok, codecs: map[int]genCodec{}}, nil
}

// codec returns the tokenizer codec for clips of window frames.
func (g *diffusionGen) codec(window int) (*tokenizer.Codec, tokenizer.Config, error) {
	if c, ok := g.codecs[window]; ok {
		return c.codec, c.cfg, nil
	}
	codec, tcfg, err := diffusion.OpenTokenizer(g.b, g.tok, window)
	if err != nil {
		return nil, tcfg, usageError{err}
	}
	g.codecs[window] = genCodec{codec, tcfg}
	return codec, tcfg, nil
}

// temporalCompression is the tokenizer's frames per latent frame (past the first).
func (g *diffusionGen) temporalCompression() (int, error) {
	for _, c := range g.codecs {
		return c.cfg.TemporalCompression, nil
	}
	var tcfg tokenizer.Config
	if name, ok := strings.CutPrefix(g.tok, diffusion.TokenizerPresetPrefix); ok {
		if c, err := tokenizer.Preset(name); err == nil {
			return c.TemporalCompression, nil
		}
	} else if err := weights.ReadConfig(g.tok, &tcfg); err == nil && tcfg.TemporalCompression > 0 {
		return tcfg.TemporalCompression, nil
	}
	_, tcfg, err := g.codec(1)
	return tcfg.TemporalCompression, err
}

// Close releases the sampler and the codecs.
func (g *diffusionGen) Close() {
	g.smp.Close()
	for _, c := range g.codecs {
		c.codec.Close()
	}
}

// genRequest is one video to generate.
type genRequest struct {
	Prompt, Negative string
	// Cond, when not nil, holds the condition frames (Video2World), all of them used; they are
	// fitted into the Width×Height bucket.
	Cond                  *video.Clip
	Frames, Width, Height int
	FPS, Guidance         float64
	Seed                  uint64
	Options               diffusion.SampleOptions
	// Started, when not nil, is called just before sampling begins (for timing).
	Started func()
}

// check validates the size of r against the model and tokenizer, and returns the latent shape.
func (g *diffusionGen) check(r genRequest) (dims []int, err error) {
	_, tcfg, err := g.codec(r.Frames)
	if err != nil {
		return nil, err
	}
	s, t := tcfg.SpatialCompression, tcfg.TemporalCompression
	if r.Width%(s*g.cfg.PatchSpatial) != 0 || r.Height%(s*g.cfg.PatchSpatial) != 0 || (r.Frames-1)%t != 0 {
		return nil, usagef("--res sides must be multiples of %d and --frames 1+k·%d", s*g.cfg.PatchSpatial, t)
	}
	if r.Cond != nil {
		if !g.cfg.Video2World {
			return nil, usagef("model %s is Text2World; conditioning on frames needs a Video2World (-v2w) model", g.cfg.Name)
		}
		if r.Cond.Frames < 1 || r.Cond.Frames > r.Frames || (r.Cond.Frames-1)%t != 0 {
			return nil, usagef("%d condition frames: want 1+k·%d, at most the %d frames generated", r.Cond.Frames, t, r.Frames)
		}
	}
	return []int{1 + (r.Frames-1)/t, r.Height / s, r.Width / s, g.cfg.LatentChannels}, nil
}

// generate samples one video.
func (g *diffusionGen) generate(ctx context.Context, r genRequest) (*video.Clip, error) {
	dims, err := g.check(r)
	if err != nil {
		return nil, err
	}
	codec, tcfg, err := g.codec(r.Frames)
	if err != nil {
		return nil, err
	}
	embs, _, err := g.text.enc.Encode(ctx, []string{r.Prompt, r.Negative})
	if err != nil {
		return nil, err
	}
	all := generateFloats(embs)
	req := diffusion.Request{Frames: dims[0], Height: dims[1], Width: dims[2], FPS: r.FPS,
		Context: all[:len(all)/2], Uncond: all[len(all)/2:], Guidance: r.Guidance, Seed: r.Seed, Options: r.Options}
	if r.Cond != nil {
		given := r.Cond.Frames
		fitted, mask, err := diffusion.FitBucket(r.Cond, diffusion.Bucket{Width: r.Width, Height: r.Height})
		if err != nil {
			return nil, err
		}
		full, err := video.NewClip(r.Frames, r.Height, r.Width, r.FPS)
		if err != nil {
			return nil, err
		}
		for f := range r.Frames {
			copy(full.Frame(f), fitted.Frame(min(f, given-1)))
		}
		lat, _, err := diffusion.EncodeClips(codec, []*video.Clip{full}, nil)
		if err != nil {
			return nil, err
		}
		g.cfg.Normalize(lat, dims)
		req.Condition, req.CondFrames = lat, 1+(given-1)/tcfg.TemporalCompression
		req.PaddingMask = diffusion.LatentMask(mask, r.Height, r.Width, tcfg.SpatialCompression)
	}
	if r.Started != nil {
		r.Started()
	}
	latent, err := g.smp.Generate(ctx, req)
	if err != nil {
		return nil, err
	}
	g.cfg.Denormalize(latent, dims)
	return diffusion.DecodeLatent(codec, tcfg, latent, dims, r.Frames, r.Height, r.Width, r.FPS)
}

// generateBlocked is the error of a guardrail block: exit status 3 (as wfm guard's).
func generateBlocked(v guardrail.Verdict, err error) error {
	if err != nil {
		return exitError{exitBlocked, fmt.Errorf("generate: blocked by the %s (the guard failed closed): %w", v.Stage, err)}
	}
	return exitError{exitBlocked, fmt.Errorf("generate: blocked by the %s: %s", v.Stage, v.Reason())}
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
exits with status 3. --no-guardrails skips them (with a warning).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			ctx := cmd.Context()
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
			sopts := diffusion.SampleOptions{Steps: steps, Sampler: sampler, SigmaMin: sigmaMin}
			if err := sopts.Validate(); err != nil {
				return usageError{err}
			}
			if fps < 0 || frames < 1 {
				return usagef("generate: need --fps >= 0 and --frames >= 1")
			}
			var ups prompt.Upsampler
			if upsampleSpec != "" {
				if ups, err = prompt.FromFlag(upsampleSpec); err != nil {
					return usageError{err}
				}
				if upsampleFallback {
					ups = prompt.WithFallback(ups, func(err error) {
						slog.Warn("generate: prompt upsampling failed; using the prompt as written", "upsampler", upsampleSpec, "err", err)
					})
				}
				if strings.TrimSpace(promptText) == "" {
					return usagef("generate: --upsample-prompt needs a --prompt")
				}
			} else if upsampleFallback {
				return usagef("generate: --upsample-fallback needs --upsample-prompt")
			}
			r := generateResult{Prompt: promptText, NoGuardrails: noGuard}
			var guard *guardrail.Guard
			// blocked prints the verdicts so far under --json (nothing is written) and exits 3.
			blocked := func(v guardrail.Verdict, err error) error {
				if global.json {
					_ = printResult(cmd.OutOrStdout(), r, nil)
				}
				return generateBlocked(v, err)
			}
			checkPrompt := func(p string) error {
				if guard == nil {
					return nil
				}
				v, err := guard.CheckPrompt(ctx, p)
				r.Guardrails = append(r.Guardrails, v)
				if err != nil || !v.Allowed {
					return blocked(v, err)
				}
				return nil
			}
			if noGuard {
				slog.Warn("generate: guardrails are off (--no-guardrails): the prompt is not checked and faces are not blurred")
			} else {
				if guard, err = guardrail.Default(); err != nil {
					return err
				}
				r.GuardrailsRun = true
				if err := checkPrompt(promptText); err != nil {
					return err
				}
			}
			used := promptText
			if ups != nil {
				if used, err = ups.Upsample(ctx, promptText); err != nil {
					return fmt.Errorf("generate: upsample the prompt with %s: %w", ups.Name(), err)
				}
				r.Upsampler, r.UpsampledPrompt = ups.Name(), used
				fmt.Fprintf(cmd.ErrOrStderr(), "upsampled prompt: %s\n", used)
				if used != promptText {
					if err := checkPrompt(used); err != nil {
						return err
					}
				}
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			g, err := openDiffusionGen(b, weights, ema, tok, textSpec)
			if err != nil {
				return err
			}
			defer g.Close()
			cfg := g.cfg
			if !cmd.Flags().Changed("guidance") && cfg.SampleGuidance != nil {
				guidance = *cfg.SampleGuidance // the model's own default (sample_guidance in model.json)
			}
			sopts = sopts.ForModel(cfg) // the model's own end of the schedule, unless given
			if err := sopts.Validate(); err != nil {
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
			greq := genRequest{Prompt: used, Negative: negative, Frames: frames, Width: w, Height: h, FPS: fps,
				Guidance: guidance, Seed: seed, Options: sopts}
			dims, err := g.check(greq)
			if err != nil {
				return err
			}
			given := 0
			if input != "" {
				clip, err := readConditionInput(cmd, input, fps)
				if err != nil {
					return err
				}
				given = min(condFrames, clip.Frames)
				_, tcfg, _ := g.codec(frames)
				if t := tcfg.TemporalCompression; (given-1)%t != 0 {
					given = 1 + (given-1)/t*t
				}
				greq.Cond = clip.Slice(0, given)
			}
			var bar *progressbar.ProgressBar
			if !noProgress && !global.json {
				bar = progressbar.NewOptions(sopts.Evaluations(), progressbar.OptionSetWriter(cmd.ErrOrStderr()),
					progressbar.OptionSetDescription("denoising"), progressbar.OptionShowCount(), progressbar.OptionShowIts())
			}
			var t0 time.Time
			var sampling float64
			greq.Options.Progress = func(done, total int) {
				if bar != nil {
					_ = bar.Set(done)
				}
				if done == total {
					sampling = time.Since(t0).Seconds()
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "backend %s, %s: %d frames at %dx%d (latent %v), %s %d steps, guidance %g, text encoder %s\n",
				choice.Name, cfg.Name, frames, w, h, dims, sopts.Sampler, steps, guidance, g.text.spec)
			greq.Started = func() { t0 = time.Now() }
			clip, err := g.generate(ctx, greq)
			if bar != nil {
				_ = bar.Finish()
				fmt.Fprintln(cmd.ErrOrStderr())
			}
			if err != nil {
				return err
			}
			if sampling == 0 {
				sampling = time.Since(t0).Seconds()
			}
			if greq.Cond != nil && given > 0 && clip.Frames >= given {
				// Against the condition as the model saw it (fitted into the output bucket), and
				// before the post-guard, which may pixelate faces.
				fitted, _, err := diffusion.FitBucket(greq.Cond, diffusion.Bucket{Width: w, Height: h})
				if err != nil {
					return err
				}
				p, err := video.PSNR(clip.Slice(0, given), fitted)
				if err != nil {
					return fmt.Errorf("generate: compare the output with the condition frames: %w", err)
				}
				if !math.IsInf(p, 0) {
					r.CondPSNR = &p
				}
			}
			if guard != nil {
				v, blurred, err := guard.CheckVideo(ctx, clip)
				r.Guardrails = append(r.Guardrails, v)
				if err != nil || !v.Allowed {
					return blocked(v, err)
				}
				clip = blurred
			}
			if err := video.Write(ctx, out, clip, video.Options{}); err != nil {
				return err
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			evals := sopts.Evaluations()
			r.Model, r.Out, r.Frames, r.Width, r.Height, r.FPS = cfg.Name, out, frames, w, h, fps
			r.CondFrames, r.Steps, r.Sampler, r.Evaluations, r.Guidance, r.Seed = given, steps, sampler, evals, guidance, seed
			if r.SigmaMin = sopts.SigmaMin; r.SigmaMin == 0 {
				r.SigmaMin = diffusion.DefaultSigmaMin
			}
			r.TextEncoder = g.text.spec
			r.Seconds, r.SampleSecs, r.EvalsPerSec = time.Since(start).Seconds(), sampling, float64(evals)/sampling
			r.PeakRSSBytes, r.GoSysBytes = generatePeakRSS(), ms.Sys
			return printResult(cmd.OutOrStdout(), r, func(wr io.Writer) error {
				if r.UpsampledPrompt != "" {
					fmt.Fprintf(wr, "prompt       %s\n", r.UpsampledPrompt)
				}
				fmt.Fprintf(wr, "wrote        %s (%d frames, %dx%d, %g fps)\n", out, frames, w, h, fps)
				if r.CondFrames > 0 {
					if r.CondPSNR != nil {
						fmt.Fprintf(wr, "condition    %d frames reproduced at %.2f dB PSNR\n", r.CondFrames, *r.CondPSNR)
					} else {
						fmt.Fprintf(wr, "condition    %d frames reproduced exactly\n", r.CondFrames)
					}
				}
				fmt.Fprintf(wr, "sampling     %d evaluations in %.2f s (%.2f/s), total %.2f s\n", evals, sampling, r.EvalsPerSec, r.Seconds)
				fmt.Fprintf(wr, "peak memory  %.1f MiB RSS (Go runtime holds %.1f MiB)\n", float64(r.PeakRSSBytes)/(1<<20), float64(ms.Sys)/(1<<20))
				if r.GuardrailsRun {
					faces := 0
					for _, v := range r.Guardrails {
						faces += v.FacesBlurred
					}
					fmt.Fprintf(wr, "guardrails   %d checks passed, %d faces blurred\n", len(r.Guardrails), faces)
				} else {
					fmt.Fprintf(wr, "guardrails   off\n")
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelName, "model", "diffusion", "world model: diffusion")
	f.StringVar(&weights, "weights", "", "model weights (wfm train diffusion: run folder, checkpoint or model.safetensors)")
	f.StringVar(&tok, "tokenizer", "", "tokenizer weights, or preset:NAME (default: the one the model was trained with)")
	f.StringVar(&textSpec, "text-encoder", "", "text encoder: builtin, hash or a Hugging Face T5 folder (default: the one the model was trained with)")
	f.StringVar(&promptText, "prompt", "", "text prompt")
	f.StringVar(&negative, "negative-prompt", defaultNegativePrompt, "what guidance steers away from")
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
	rootCmd.AddCommand(cmd)
}

// generateFloats copies a float32 tensor's values.
func generateFloats(t *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](t) }

// recordedTokenizer is the tokenizer path a model's config names, found from where the model is:
// training records it as given on the command line (often relative to the repository root, as
// for the committed models), so a relative path that does not exist from the working folder is
// looked up from the model's folder and each folder above it.
func recordedTokenizer(tok, weights string) string {
	if tok == "" || filepath.IsAbs(tok) || strings.HasPrefix(tok, diffusion.TokenizerPresetPrefix) {
		return tok
	}
	if _, err := os.Stat(tok); err == nil {
		return tok
	}
	dir, err := filepath.Abs(weights)
	if err != nil {
		return tok
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, tok)); err == nil {
			return filepath.Join(dir, tok)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return tok
		}
		dir = parent
	}
}
