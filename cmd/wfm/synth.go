package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/synth"
)

type synthResult struct {
	*synth.Report
	Seconds     float64 `json:"seconds"`
	ClipsPerSec float64 `json:"clips_per_second"` // of the clips made by this run
}

func init() {
	o := synth.DefaultOptions()
	var scenario, split string
	var res int
	var noProgress bool
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Generate labelled videos of simulated physics as WebDataset shards",
		Long: `synth simulates rigid-body physics scenarios, renders each clip from one of several camera
views, captions it from its measured motion, and writes WebDataset tar shards to --out:
PREFIX-000000.tar ... (each sample KEY.y4m or KEY.mp4, KEY.json with parameters, per-frame body
states, camera and captions, and KEY.mask.png with the instance masks of every frame stacked
vertically), PREFIX-index.json and PREFIX-contact.png.

Clip k depends only on --seed and k, so the output is the same whatever the core count. An
interrupted run keeps its complete shards; running the same command again resumes.

Camera scenarios (camera_orbit, camera_dolly, camera_pan) render static textured 3-D scenes
from a moving pinhole camera and add KEY.depth.png (16-bit millimetres) and the intrinsics and
per-frame poses to KEY.json.

--scenario: physics (default), camera, all, or a comma-separated list of
` + strings.Join(scenarioNames(), ", ") + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Width, o.Height = res, res
			o.Split = physics.Split(split)
			o.Scenarios = synth.SelectScenarios(scenario)
			if err := o.Validate(); err != nil {
				return usageError{err}
			}
			var bar *progressbar.ProgressBar
			if !noProgress && !global.json {
				bar = progressbar.NewOptions(o.N, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription("synth"),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("clips"),
					progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond))
			}
			start := time.Now()
			first := -1
			rep, err := synth.Generate(cmd.Context(), o, func(done int) {
				if first < 0 {
					first = done
				}
				if bar != nil {
					_ = bar.Set(done)
				}
			})
			if bar != nil {
				_ = bar.Finish()
				fmt.Fprintln(os.Stderr)
			}
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("synth: interrupted; the complete shards in %s are kept and the same command resumes", o.Out)
			}
			if err != nil {
				return err
			}
			secs := time.Since(start).Seconds()
			out := synthResult{Report: rep, Seconds: secs, ClipsPerSec: float64(rep.Made) / secs}
			return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error {
				fmt.Fprintf(w, "clips        %d (%d made now, %d found complete) in %.1f s: %.1f clips/s\n",
					rep.Clips, rep.Made, rep.Resumed, secs, out.ClipsPerSec)
				fmt.Fprintf(w, "shards       %d in %s\nindex        %s\ncontact      %s\n", len(rep.Shards), o.Out, rep.Index, rep.Contact)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", o.Out, "output folder")
	f.StringVar(&o.Prefix, "prefix", o.Prefix, "shard name prefix")
	f.StringVar(&scenario, "scenario", "physics", "scenarios: physics, camera, all, or a comma-separated list")
	f.IntVar(&o.N, "n", o.N, "number of clips (spread over the scenarios in turn)")
	f.IntVar(&res, "res", o.Width, "frame width and height in pixels")
	f.IntVar(&o.Frames, "frames", o.Frames, "frames per clip")
	f.IntVar(&o.FPS, "fps", o.FPS, "frames per second")
	f.StringVar(&split, "split", string(o.Split), "parameter ranges: id (training) or ood (out of distribution)")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVar(&o.Format, "format", o.Format, "video format: y4m (4:4:4, no ffmpeg needed) or mp4 (H.264 via ffmpeg)")
	f.IntVar(&o.ShardSamples, "shard-samples", o.ShardSamples, "clips per shard")
	f.IntVar(&o.Captions, "captions", o.Captions, "captions per clip")
	f.IntVar(&o.Workers, "workers", 0, "parallel workers (0: all cores)")
	f.BoolVar(&o.AllViews, "all-views", false, "also render every physics clip from the other named views (KEY.<view>.y4m)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	rootCmd.AddCommand(cmd)
}

func scenarioNames() []string {
	var names []string
	for _, s := range synth.AllScenarios() {
		names = append(names, string(s))
	}
	return names
}
