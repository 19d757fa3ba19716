package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

// benchTokQualityOutput is what 'wfm bench tokenizer-quality --json' prints.
type benchTokQualityOutput struct {
	Backend backend.Choice `json:"backend"`
	// Clips says what was measured: "physics seed S split X" or the video files.
	Clips   string                 `json:"clips"`
	Results []benchTokQualityEntry `json:"results"`
}

type benchTokQualityEntry struct {
	Weights  string             `json:"weights"`
	Name     string             `json:"name"`
	Fidelity tokenizer.Fidelity `json:"fidelity"`
}

func benchTokQualityCmd() *cobra.Command {
	var (
		weights        string
		seed           uint64 = 99
		n, frames, res        = 12, 33, 64
		window                = 0
		split                 = string(physics.InDistribution)
	)
	cmd := &cobra.Command{
		Use:   "tokenizer-quality [VIDEO...]",
		Short: "Measure tokenizers' reconstruction PSNR, inside object masks too, against bicubic at the same budget",
		Long: `bench tokenizer-quality round-trips clips through each --weights tokenizer and prints,
per tokenizer: tokens per clip (and the vocabulary of a discrete one), PSNR over whole frames,
PSNR inside the ground-truth object masks (the background of a physics clip hides failures on
small objects), SSIM, and the same for the bicubic down-and-up baseline at the tokenizer's
budget: every frame shrunk by area averaging and brought back by bicubic interpolation, keeping
as many 8-bit samples as the latent holds floats (continuous) or as the ids hold bytes
(ids·log2(vocab)/8, discrete). PSNR is pooled over all samples of all clips.

Without VIDEO arguments the clips are --n synthetic physics clips (every scenario in turn, as
'wfm synth --scenario physics --seed S --frames F --res R' makes them) with their instance
masks; the objects are the dynamic bodies. With VIDEO files (all of one size) there are no
masks and the object PSNR is NaN.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if weights == "" {
				return usagef("bench tokenizer-quality: --weights is required")
			}
			if len(args) == 0 && (n < 1 || frames < 1 || res < 1) {
				return usagef("bench tokenizer-quality: need --n, --frames and --res >= 1")
			}
			clips, masks, what, err := tokQualityClips(cmd, args, seed, n, frames, res, physics.Split(split))
			if err != nil {
				return err
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			out := benchTokQualityOutput{Backend: choice, Clips: what}
			for _, w := range strings.Split(weights, ",") {
				codec, err := tokenizer.Open(b, w, nil, tokenizer.CodecOptions{Window: window})
				if err != nil {
					return err
				}
				f, err := tokenizer.MeasureFidelity(cmd.Context(), codec, clips, masks)
				if err != nil {
					return fmt.Errorf("%s: %w", w, err)
				}
				out.Results = append(out.Results, benchTokQualityEntry{Weights: w, Name: codec.Config().Name, Fidelity: f})
			}
			return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error { return printTokQuality(w, out) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&weights, "weights", "", "tokenizer weights files, comma-separated")
	f.Uint64Var(&seed, "seed", seed, "seed of the synthetic physics clips (pick one no tokenizer was trained on)")
	f.IntVar(&n, "n", n, "synthetic physics clips")
	f.IntVar(&frames, "frames", frames, "frames per synthetic clip")
	f.IntVar(&res, "res", res, "width and height of the synthetic clips in pixels")
	f.StringVar(&split, "split", split, "physics parameter split of the synthetic clips: id or ood")
	f.IntVar(&window, "window", window, "frames per temporal window, 1+k·t (0: the tokenizer's training length, 1+2t)")
	return cmd
}

// tokQualityClips returns the clips to measure with their object masks and a description: the
// video files args (no masks), else n synthetic physics clips.
func tokQualityClips(cmd *cobra.Command, args []string, seed uint64, n, frames, res int, split physics.Split) ([]*video.Clip, [][]bool, string, error) {
	var clips []*video.Clip
	var masks [][]bool
	if len(args) > 0 {
		for _, p := range args {
			c, err := video.Read(cmd.Context(), p, video.Options{})
			if err != nil {
				return nil, nil, "", err
			}
			clips, masks = append(clips, c), append(masks, nil)
		}
		return clips, masks, fmt.Sprintf("%d video files", len(args)), nil
	}
	o := synth.DefaultOptions()
	o.Seed, o.N, o.Frames, o.Width, o.Height, o.Split = seed, n, frames, res, res, split
	if err := o.Validate(); err != nil {
		return nil, nil, "", usageError{err}
	}
	r := render.NewRenderer()
	for k := range n {
		c, err := synth.Make(o, k, r)
		if err != nil {
			return nil, nil, "", err
		}
		mask := make([]bool, len(c.Masks))
		bodies := c.Record.Trajectory.Bodies
		for i, id := range c.Masks {
			mask[i] = id > 0 && int(id) <= len(bodies) && bodies[id-1].Type != physics.Static
		}
		clips, masks = append(clips, c.Video), append(masks, mask)
	}
	return clips, masks, fmt.Sprintf("%d physics clips (seed %d, split %s, %d frames, %dx%d)", n, seed, split, frames, res, res), nil
}

// printTokQuality is the text form of 'wfm bench tokenizer-quality'.
func printTokQuality(w io.Writer, out benchTokQualityOutput) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("clips: %s; backend %s\n", out.Clips, out.Backend.Name)
	p("%-22s %7s %6s %9s %9s %6s | %-12s %9s %9s %6s\n", "tokenizer", "tokens", "vocab", "PSNR", "obj PSNR", "SSIM",
		"bicubic at", "PSNR", "obj PSNR", "SSIM")
	db := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return fmt.Sprintf("%.2f", v)
	}
	for _, r := range out.Results {
		f := r.Fidelity
		vocab := "-"
		if f.Vocab > 0 {
			vocab = fmt.Sprint(f.Vocab)
		}
		p("%-22s %7d %6s %9s %9s %6.3f | %-12s %9s %9s %6.3f\n", r.Name, f.Tokens, vocab, db(f.PSNR), db(f.ObjectPSNR), f.SSIM,
			fmt.Sprintf("%dx%d", f.BaselineHeight, f.BaselineWidth), db(f.BaselinePSNR), db(f.BaselineObjectPSNR), f.BaselineSSIM)
	}
	if len(out.Results) > 0 {
		p("object pixels: %.1f%% of all\n", 100*out.Results[0].Fidelity.ObjectFraction)
	}
	return nil
}
