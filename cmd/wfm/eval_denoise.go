package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/worldgen"
)

// evalDenoiseResult is what 'wfm eval denoise --json' prints.
type evalDenoiseResult struct {
	Model      string                      `json:"model"`
	Clips      int                         `json:"clips"`
	CondFrames int                         `json:"cond_frames"`
	Latent     []int                       `json:"latent"`
	Levels     []diffusion.NoiseLevelError `json:"levels"`
}

func evalDenoiseCmd() *cobra.Command {
	var (
		weightsPath, data, prefix, tok, res, sigmas string
		frames, condFrames, maxClips                = 33, 9, 16
		seed                                        uint64
		raw, noProgress                             bool
	)
	cmd := &cobra.Command{
		Use:   "denoise",
		Short: "A Video2World diffusion model's denoising error per noise level",
		Long: `denoise encodes --max-clips clips of the shards at --data (prefix --prefix) with the model's
tokenizer, noises their latents at each level of --sigmas, lets the model's denoiser D(x; sigma)
estimate them from their first --cond-frames frames and caption, and prints the mean squared
error over the other latent frames (normalized latent units) beside two references that need no
network: "trivial", D with the network's output set to zero, and "copy-last", the last
condition frame repeated.

Read it as a training diagnostic: a trained model is below trivial at every level, and where
it is above copy-last its estimate of the future is worse than standing still, which samples
show as noise. Use held-out shards (wfm synth --prefix val) for an honest figure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if weightsPath == "" || data == "" {
				return usagef("eval denoise: --weights and --data are required")
			}
			levels, err := parseSigmas(sigmas)
			if err != nil {
				return usageError{err}
			}
			bw, bh, err := parseDiffusionRes(res)
			if err != nil {
				return usageError{err}
			}
			if maxClips < 1 || frames < 1 {
				return usagef("eval denoise: need --max-clips >= 1 and --frames >= 1")
			}
			b, _, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			p, err := worldgen.Open(weightsPath, worldgen.Options{Backend: b, EMA: !raw, Tokenizer: tok, NoGuardrails: true})
			if err != nil {
				return generateError(err)
			}
			defer p.Close()
			tc, err := p.TemporalCompression()
			if err != nil {
				return generateError(err)
			}
			if condFrames < 1 || condFrames >= frames || (condFrames-1)%tc != 0 {
				return usagef("eval denoise: --cond-frames %d: want 1+k·%d, fewer than --frames %d", condFrames, tc, frames)
			}
			progress, done := progressBar(cmd, noProgress, "encoding latents")
			rep, err := p.EvaluateDenoiser(cmd.Context(), worldgen.DenoiseRequest{Data: data, Prefix: prefix, Frames: frames,
				Width: bw, Height: bh, MaxClips: maxClips, CondFrames: condFrames, Sigmas: levels, Seed: seed, Progress: progress})
			done()
			if err != nil {
				return generateError(err)
			}
			out := evalDenoiseResult{Model: weightsPath, Clips: rep.Clips, CondFrames: condFrames, Latent: rep.Latent, Levels: rep.Levels}
			return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error {
				fmt.Fprintf(w, "model        %s (%s)\nclips        %d from %s, latent %v, %d condition frames (%d latent)\n",
					weightsPath, p.Config().Name, rep.Clips, data, rep.Latent, condFrames, rep.LatentCondFrames)
				fmt.Fprintf(w, "%10s %12s %12s %12s %10s\n", "sigma", "model", "trivial", "copy-last", "vs copy")
				for _, e := range rep.Levels {
					fmt.Fprintf(w, "%10.4g %12.5f %12.5f %12.5f %9.2fx\n", e.Sigma, e.Model, e.Trivial, e.CopyLast, e.Model/e.CopyLast)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&weightsPath, "weights", "", "model: run folder, checkpoint or weights file (required)")
	f.StringVar(&data, "data", "", "folder of shards (wfm synth or wfm curate output; required)")
	f.StringVar(&prefix, "prefix", "val", "shard prefix")
	f.StringVar(&tok, "tokenizer", "", "tokenizer weights (default: the model's)")
	f.StringVar(&res, "res", "64x64", "clip size WxH")
	f.IntVar(&frames, "frames", frames, "frames per clip")
	f.IntVar(&condFrames, "cond-frames", condFrames, "condition frames (1+k·temporal compression)")
	f.IntVar(&maxClips, "max-clips", maxClips, "clips evaluated")
	f.StringVar(&sigmas, "sigmas", "0.01,0.03,0.1,0.3,1,3,10", "noise levels, comma-separated")
	f.Uint64Var(&seed, "seed", 1, "seed of the noise")
	f.BoolVar(&raw, "raw", false, "use a checkpoint's raw weights instead of its EMA average")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	return cmd
}

// parseSigmas reads a comma-separated list of positive noise levels.
func parseSigmas(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || !(v > 0) || v > 1e6 {
			return nil, fmt.Errorf("--sigmas: %q is not a noise level in (0, 1e6]", part)
		}
		out = append(out, v)
	}
	return out, nil
}

// progressBar returns a progress callback (done of total) drawing a bar on stderr, unless
// noProgress or --json, and the function that finishes the bar.
func progressBar(cmd *cobra.Command, noProgress bool, what string) (progress func(done, total int), finish func()) {
	var bar *progressbar.ProgressBar
	progress = func(done, total int) {
		if noProgress || global.json {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(cmd.ErrOrStderr()),
				progressbar.OptionSetDescription(what), progressbar.OptionShowCount())
		}
		_ = bar.Add(1)
	}
	return progress, func() {
		if bar != nil {
			_ = bar.Finish()
			fmt.Fprintln(cmd.ErrOrStderr())
		}
	}
}
