package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wfm-platform/wfm/autoregressive" // also registers kind "autoregressive" with the physics benchmark
	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// generateARFlags are the flags of `wfm generate` that only --model autoregressive reads.
var generateARFlags struct {
	temperature float64
	topK        int
	topP        float64
	medusa      bool
	batch       int
	diffDecoder string
	diffSteps   int
}

// addGenerateARFlags puts the autoregressive model's flags on wfm generate.
func addGenerateARFlags(f *pflag.FlagSet) {
	f.Float64Var(&generateARFlags.temperature, "temperature", 0, "autoregressive: sampling temperature (0: greedy)")
	f.IntVar(&generateARFlags.topK, "top-k", 0, "autoregressive: sample among the k most likely tokens (0: all)")
	f.Float64Var(&generateARFlags.topP, "top-p", 0, "autoregressive: nucleus sampling mass (0 or 1: all)")
	f.BoolVar(&generateARFlags.medusa, "medusa", false, "autoregressive: speculative decoding with the model's Medusa heads (the same tokens, fewer decoder calls)")
	f.StringVar(&generateARFlags.diffDecoder, "diffusion-decoder", "", "autoregressive: decode the tokens with this diffusion decoder folder (wfm train diffusion-decoder) instead of the DV decoder")
	f.IntVar(&generateARFlags.diffSteps, "diffusion-steps", 1, "autoregressive: sampler steps of --diffusion-decoder (1, its mean estimate, measured best: autoregressive/pretrained/diffusion-decoder/README.md)")
	f.IntVar(&generateARFlags.batch, "batch", 1, "autoregressive: videos generated together from --input, seeds --seed, --seed+1, ... (written to --out with -1, -2, ... before the extension)")
}

// generateARArgs are the shared flags of wfm generate, as given.
type generateARArgs struct {
	weights, tok, prompt, input, res, out string
	condFrames, frames                    int
	fps                                   float64
	seed                                  uint64
	noGuard, ema, noProgress              bool
}

// generateARResult is what wfm generate --model autoregressive prints.
type generateARResult struct {
	Model            string                  `json:"model"`
	Weights          string                  `json:"weights"`
	Tokenizer        string                  `json:"tokenizer"`
	Prompt           string                  `json:"prompt"`
	Out              []string                `json:"out"`
	Seeds            []uint64                `json:"seeds"`
	Frames           int                     `json:"frames"`
	Width            int                     `json:"width"`
	Height           int                     `json:"height"`
	FPS              float64                 `json:"fps"`
	CondFrames       int                     `json:"cond_frames"`
	Grid             autoregressive.Grid     `json:"grid"`
	NewTokens        int                     `json:"new_tokens"` // per video
	Sampling         autoregressive.Sampling `json:"sampling"`
	Medusa           bool                    `json:"medusa"`
	Calls            int                     `json:"calls"`
	AcceptanceLength float64                 `json:"acceptance_length"`
	DecodeSeconds    float64                 `json:"decode_seconds"`
	TokensPerSecond  float64                 `json:"tokens_per_second"`
	FramesPerSecond  float64                 `json:"frames_per_second"`
	GuardrailsRun    bool                    `json:"guardrails_run"`
	Guardrails       []guardrail.Verdict     `json:"guardrails,omitempty"`
	Seconds          float64                 `json:"seconds"` // the whole command
	PeakRSSBytes     int64                   `json:"peak_rss_bytes"`
}

func (r generateARResult) writeText(w io.Writer) error {
	for _, out := range r.Out {
		fmt.Fprintf(w, "wrote        %s (%d frames, %dx%d, %g fps)\n", out, r.Frames, r.Width, r.Height, r.FPS)
	}
	fmt.Fprintf(w, "condition    %d frames (%d latent frames of %dx%d tokens)\n", r.CondFrames, (r.Grid.Tokens()-r.NewTokens)/(r.Grid.H*r.Grid.W), r.Grid.H, r.Grid.W)
	how := "plain KV-cache decoding"
	if r.Medusa {
		how = fmt.Sprintf("Medusa, %.2f tokens per call", r.AcceptanceLength)
	}
	fmt.Fprintf(w, "decoding     %d tokens per video in %d calls (%s), %.2f s: %.1f tokens/s, %.2f frames/s overall\n",
		r.NewTokens, r.Calls, how, r.DecodeSeconds, r.TokensPerSecond, r.FramesPerSecond)
	fmt.Fprintf(w, "total        %.2f s, peak memory %.1f MiB RSS\n", r.Seconds, float64(r.PeakRSSBytes)/(1<<20))
	if !r.GuardrailsRun {
		fmt.Fprintf(w, "guardrails   off\n")
		return nil
	}
	faces := 0
	for _, v := range r.Guardrails {
		faces += v.FacesBlurred
	}
	fmt.Fprintf(w, "guardrails   %d checks passed, %d faces blurred\n", len(r.Guardrails), faces)
	return nil
}

// batchOut is the output path of video i of n: out itself for one video, else out with -i+1
// before its extension.
func batchOut(out string, i, n int) string {
	if n == 1 {
		return out
	}
	ext := filepath.Ext(out)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(out, ext), i+1, ext)
}

// runGenerateAR is wfm generate --model autoregressive.
func runGenerateAR(cmd *cobra.Command, a generateARArgs) error {
	start := time.Now()
	ctx, stderr := cmd.Context(), cmd.ErrOrStderr()
	fl := generateARFlags
	for _, name := range []string{"negative-prompt", "upsample-prompt", "upsample-fallback", "steps", "sampler", "guidance", "sigma-min", "text-encoder"} {
		if cmd.Flags().Changed(name) {
			return usagef("generate: --%s is for --model diffusion", name)
		}
	}
	switch {
	case a.weights == "" || a.out == "":
		return usagef("generate: --weights and --out are required")
	case a.input == "":
		return usagef("generate: --model autoregressive continues a video: give --input (an image or a video)")
	case a.condFrames != 1 && a.condFrames != 9:
		return usagef("generate: --cond-frames must be 1 or 9")
	case fl.batch < 1:
		return usagef("generate: --batch must be at least 1")
	case fl.diffSteps < 1:
		return usagef("generate: --diffusion-steps must be at least 1")
	case a.fps < 0:
		return usagef("generate: need --fps >= 0")
	}
	sampling := autoregressive.Sampling{Temperature: fl.temperature, TopK: fl.topK, TopP: fl.topP}
	if err := sampling.Validate(); err != nil {
		return usageError{err}
	}
	var w, h int
	if cmd.Flags().Changed("res") {
		var err error
		if w, h, err = parseDiffusionRes(a.res); err != nil {
			return usageError{err}
		}
	}
	frames := 0 // the model's training window
	if cmd.Flags().Changed("frames") {
		frames = a.frames
	}
	for i := range fl.batch {
		if err := checkVideoOut("--out", batchOut(a.out, i, fl.batch)); err != nil {
			return err
		}
	}
	if a.noGuard {
		slog.Warn("generate: guardrails are off (--no-guardrails): the prompt is not checked and faces are not blurred")
	}
	b, choice, err := backend.Open(global.backend)
	if err != nil {
		return err
	}
	defer b.Finalize()
	g, err := autoregressive.Open(b, a.weights, autoregressive.Options{EMA: a.ema, Tokenizer: a.tok, NoGuardrails: a.noGuard,
		DiffusionDecoder: fl.diffDecoder, DiffusionSteps: fl.diffSteps})
	if err != nil {
		return generateError(err)
	}
	defer g.Close()
	fps := a.fps
	if fps == 0 {
		fps = g.Info().FPS
	}
	if fps == 0 {
		fps = worldgen.DefaultFPS
	}
	in, err := worldgen.ReadInput(ctx, a.input, fps)
	if err != nil {
		return err
	}
	req := autoregressive.GenerateRequest{CondFrames: a.condFrames, Frames: frames, Width: w, Height: h, FPS: a.fps,
		Sampling: sampling, Medusa: fl.medusa}
	res := generateARResult{Model: g.Config().Name, Weights: a.weights, Tokenizer: g.Tokenizer(), Prompt: a.prompt, Sampling: sampling, Medusa: fl.medusa}
	for i := range fl.batch {
		seed := a.seed + uint64(i)
		req.Videos = append(req.Videos, autoregressive.Video{Input: in, Prompt: a.prompt, Seed: seed})
		res.Seeds = append(res.Seeds, seed)
	}
	var pb *progressbar.ProgressBar
	fmt.Fprintf(stderr, "backend %s, %s: %d video(s) from %d condition frames of %s\n", choice.Name, g.Config().Name, fl.batch, a.condFrames, a.input)
	if !a.noProgress && !global.json {
		req.Progress = func(done, total int) {
			if pb == nil {
				pb = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("decoding tokens"),
					progressbar.OptionShowCount(), progressbar.OptionShowIts())
			}
			_ = pb.Set(done)
		}
	}
	r, err := g.Generate(ctx, req)
	if pb != nil {
		_ = pb.Finish()
		fmt.Fprintln(stderr)
	}
	res.GuardrailsRun, res.Guardrails = r.GuardrailsRun, r.Guardrails
	if err != nil {
		return generateError(err)
	}
	for i, clip := range r.Clips {
		out := batchOut(a.out, i, len(r.Clips))
		if err := video.Write(ctx, out, clip, video.Options{}); err != nil {
			return err
		}
		res.Out = append(res.Out, out)
	}
	c := r.Clips[0]
	res.Frames, res.Width, res.Height, res.FPS, res.CondFrames, res.Grid, res.NewTokens = c.Frames, c.Width, c.Height, c.FPS, r.CondFrames, r.Grid, r.NewTokens
	res.Calls, res.AcceptanceLength, res.DecodeSeconds, res.TokensPerSecond, res.FramesPerSecond = r.Calls, r.AcceptanceLength, r.DecodeSeconds, r.TokensPerSecond, r.FramesPerSecond
	res.Seconds, res.PeakRSSBytes = time.Since(start).Seconds(), generatePeakRSS()
	return printResult(cmd.OutOrStdout(), res, res.writeText)
}
