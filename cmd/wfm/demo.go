package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/internal/demo"
)

type demoResult struct {
	Backend backend.Choice `json:"backend"`
	*demo.Report
}

func init() {
	o := demo.DefaultOptions()
	var noProgress bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Train a small world model end to end and render what it predicts",
		Long: `demo is the platform's end-to-end run on one machine with no download. It trains a
small causal transformer, with the shared training loop (AdamW, warmup + cosine schedule,
gradient clipping, EMA, checkpoints), to predict a ball bouncing between two walls; then the
model rolls the motion out on its own from a few given frames, and truth and prediction are
rendered side by side (rollout.gif, and rollout.mp4 when ffmpeg is present).

Everything lands in --out: train/ holds checkpoints, metrics.jsonl and loss.png. Running the
command again resumes from the newest checkpoint; Ctrl-C saves one and stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Steps < 1 || o.Cells < 4 || o.Prefix < 2 || o.Frames < o.Prefix+2 || o.Examples < 1 {
				return usagef("demo: need --steps >= 1, --cells >= 4, --prefix >= 2, --frames >= prefix+2, --examples >= 1")
			}
			o.Progress = !noProgress && !global.json
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "backend %s (%s), simd %s\n", choice.Name, choice.Reason, onOff(choice.SIMD))
			r, err := demo.Run(cmd.Context(), b, o)
			if err != nil {
				return err
			}
			res := demoResult{Backend: choice, Report: r}
			return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error {
				p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
				if r.ResumedFrom > 0 {
					p("resumed from step %d\n", r.ResumedFrom)
				}
				p("trained      %d steps in %.1f s on %s\n", r.Steps, r.TrainSeconds, choice.Name)
				p("loss         %.3f -> %.3f (knowing nothing: %.3f)\n", r.FirstLoss, r.FinalLoss, r.UniformLoss)
				p("next frame   %.1f%% right on held-out motion\n", 100*r.NextFrameAcc)
				p("rollout      %.1f%% of %d free-running frames right\n", 100*r.RolloutAcc, o.Frames-o.Prefix)
				p("metrics      %s\nloss plot    %s\ncheckpoint   %s\n", r.MetricsPath, r.PlotPath, r.Checkpoint)
				for _, v := range r.VideoPaths {
					p("video        %s\n", v)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", o.Out, "output folder")
	f.IntVar(&o.Steps, "steps", o.Steps, "training steps")
	f.IntVar(&o.Cells, "cells", o.Cells, "cells the ball can occupy (the vocabulary)")
	f.IntVar(&o.Frames, "frames", o.Frames, "frames per sequence")
	f.IntVar(&o.Examples, "examples", o.Examples, "training sequences")
	f.IntVar(&o.Prefix, "prefix", o.Prefix, "frames given before the model rolls out on its own")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (data, initialization, shuffling)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	rootCmd.AddCommand(cmd)
}
