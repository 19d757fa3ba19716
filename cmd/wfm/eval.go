package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wfm-platform/wfm/eval/geometry"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/eval/report"
	sim "github.com/wfm-platform/wfm/world/physics"
)

// evalCmd is the parent of the benchmark commands; each writes a JSON result and a
// self-contained HTML report to its --out folder.
var evalCmd = &cobra.Command{
	Use:   "eval",
	Short: "Measure videos and world models: fidelity, 3-D consistency, physical alignment",
	Long: `eval runs the platform's benchmarks. Each subcommand writes RESULT.json and a
self-contained index.html (tables, plots and animations embedded) to its --out folder, and
prints a summary (or the JSON with --json).

  fidelity     PSNR and SSIM of predicted videos against references
  consistency  3-D consistency of videos of static scenes (Sampson error, pose success)
  physics      physical alignment of a world model on simulated physics scenes, with the
               ground-truth, copy-last-frame and linear-extrapolation baselines`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		return usagef("eval needs a benchmark: %s --help lists them", cmd.CommandPath())
	},
}

func init() {
	rootCmd.AddCommand(evalCmd)
	evalCmd.AddCommand(evalFidelityCmd(), evalConsistencyCmd(), evalPhysicsCmd(), evalDenoiseCmd())
}

type fidelityEvalResult struct {
	*report.FidelityResult
	JSON string `json:"json_path"`
	HTML string `json:"html_path"`
}

func evalFidelityCmd() *cobra.Command {
	var pred, ref, out string
	var luma bool
	cmd := &cobra.Command{
		Use:   "fidelity",
		Short: "PSNR and SSIM of predicted videos against references",
		Long: `fidelity compares --pred with --ref: two videos (any format wfm reads: .y4m, .gif, a folder
of frame_%06d.png, .mp4 and friends through ffmpeg), or two folders of videos paired by name
(file name without extension). Videos of a pair must have the same size and frame count.
PSNR uses the 8-bit peak; SSIM the Gaussian 11x11 window (sigma 1.5, K1 0.01, K2 0.03), on RGB
(mean of the channels) or with --luma on BT.601 luma.

Writes fidelity.json and index.html (table, per-frame plots, prediction/reference animations)
to --out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if pred == "" || ref == "" {
				return usagef("eval fidelity: --pred and --ref are required")
			}
			lock, err := lockOutput(cmd, out)
			if err != nil {
				return err
			}
			defer lock.Release()
			pairs, err := report.PairVideos(cmd.Context(), pred, ref)
			if errors.Is(err, report.ErrMixedInputs) {
				return usagef("eval fidelity: --pred %s and --ref %s must both be videos or both folders of videos", pred, ref)
			} else if err != nil {
				return fmt.Errorf("eval fidelity: %w", err)
			}
			res, err := report.MeasureFidelityContext(cmd.Context(), pairs, luma)
			if errors.Is(err, report.ErrMismatch) {
				return usagef("eval fidelity: %v", err)
			} else if err != nil {
				return err
			}
			doc, err := report.Fidelity(res)
			if err != nil {
				return err
			}
			jp, hp, err := writeEvalOutputs(out, "fidelity.json", res, doc)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), fidelityEvalResult{FidelityResult: res, JSON: jp, HTML: hp}, func(w io.Writer) error {
				for _, v := range res.Videos {
					fmt.Fprintf(w, "%-24s %4d frames  PSNR %7s dB  SSIM %6s\n", v.Name, v.Frames, report.Num(float64(v.PSNR), 2), report.Num(float64(v.SSIM), 4))
				}
				fmt.Fprintf(w, "mean         PSNR %s dB  SSIM %s over %d video(s)\nresult       %s\nreport       %s\n",
					report.Num(float64(res.PSNR), 2), report.Num(float64(res.SSIM), 4), len(res.Videos), jp, hp)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&pred, "pred", "", "predicted video, or folder of videos")
	f.StringVar(&ref, "ref", "", "reference video, or folder of videos with the same names")
	f.BoolVar(&luma, "luma", false, "measure on BT.601 luma instead of RGB")
	f.StringVar(&out, "out", "out/eval/fidelity", "output folder for fidelity.json and index.html")
	return cmd
}

// parseIntrinsics reads fx,fy,cx,cy.
func parseIntrinsics(s string) (*geometry.Intrinsics, error) {
	f := strings.Split(s, ",")
	if len(f) != 4 {
		return nil, usagef("--intrinsics %q: want fx,fy,cx,cy", s)
	}
	var v [4]float64
	for i, x := range f {
		var err error
		if v[i], err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
			return nil, usagef("--intrinsics %q: %q is not a number", s, x)
		}
	}
	k := &geometry.Intrinsics{Fx: v[0], Fy: v[1], Cx: v[2], Cy: v[3]}
	if err := k.Validate(); err != nil {
		return nil, usageError{err}
	}
	return k, nil
}

type consistencyEvalResult struct {
	*report.ConsistencyResult
	JSON string `json:"json_path"`
	HTML string `json:"html_path"`
}

func evalConsistencyCmd() *cobra.Command {
	var dir, intr, out string
	cmd := &cobra.Command{
		Use:   "consistency",
		Short: "3-D consistency of videos of static scenes (Sampson error, pose success)",
		Long: `consistency measures how well the frames of each video agree with one rigid scene seen by a
moving camera: keypoints are matched between consecutive frames, a fundamental matrix is fitted
by RANSAC (or, with --intrinsics fx,fy,cx,cy in pixels, an essential matrix and the relative
pose), and the Sampson error of the matches is reported in pixels: per video the mean over frame
pairs, over the set the median over videos, as the Cosmos 3-D consistency benchmark does, with
the pooled pose-success rate.

--videos is a folder of videos (or one video). Writes consistency.json and index.html (tables,
per-pair plot, keypoint-match images) to --out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				return usagef("eval consistency: --videos is required")
			}
			var K *geometry.Intrinsics
			if intr != "" {
				var err error
				if K, err = parseIntrinsics(intr); err != nil {
					return err
				}
			}
			if _, err := os.Stat(dir); err != nil {
				return fmt.Errorf("eval consistency: %w", err)
			}
			lock, err := lockOutput(cmd, out)
			if err != nil {
				return err
			}
			defer lock.Release()
			clips, err := report.ReadVideos(cmd.Context(), dir)
			if err != nil {
				return fmt.Errorf("eval consistency: %w", err)
			}
			res, err := report.MeasureConsistencyContext(cmd.Context(), clips, K)
			if err != nil {
				return err
			}
			doc, err := report.Consistency(res)
			if err != nil {
				return err
			}
			jp, hp, err := writeEvalOutputs(out, "consistency.json", res, doc)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), consistencyEvalResult{ConsistencyResult: res, JSON: jp, HTML: hp}, func(w io.Writer) error {
				for _, v := range res.Videos {
					fmt.Fprintf(w, "%-24s %4d frames  Sampson %7s px  pose success %5s%%  inliers %s\n", v.Name, v.Frames,
						report.Num(float64(v.MeanSampson), 3), report.Num(100*float64(v.PoseSuccess), 1), report.Num(float64(v.MeanInliers), 1))
				}
				fmt.Fprintf(w, "median Sampson %s px, pose success %s%% over %d video(s)\nresult       %s\nreport       %s\n",
					report.Num(float64(res.MedianSampson), 3), report.Num(100*float64(res.PoseSuccess), 1), len(res.Videos), jp, hp)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "videos", "", "folder of videos (or one video)")
	f.StringVar(&intr, "intrinsics", "", "camera intrinsics fx,fy,cx,cy in pixels (default: unknown, fundamental matrix)")
	f.StringVar(&out, "out", "out/eval/consistency", "output folder for consistency.json and index.html")
	return cmd
}

// writeEvalOutputs writes the JSON result and the HTML report into out (report.WriteOutputs).
func writeEvalOutputs(out, jsonName string, result any, doc *report.Document) (jsonPath, htmlPath string, err error) {
	jsonPath, htmlPath, err = report.WriteOutputs(out, jsonName, result, doc)
	if err != nil {
		return "", "", fmt.Errorf("eval: %w", err)
	}
	return jsonPath, htmlPath, nil
}

// commandLine rebuilds the command with the flags that were set, for a report to say how it was
// made.
func commandLine(cmd *cobra.Command) string {
	parts := []string{cmd.CommandPath()}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Name != "out" && f.Name != "no-progress" && f.Name != "json" {
			parts = append(parts, "--"+f.Name, f.Value.String())
		}
	})
	return strings.Join(parts, " ")
}

// parseInts reads a comma-separated list of positive integers.
func parseInts(flag, s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, usagef("--%s: %q is not a positive integer", flag, f)
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

type physicsEvalResult struct {
	*physics.Result
	JSON string `json:"json_path"`
	HTML string `json:"html_path"`
}

func evalPhysicsCmd() *cobra.Command {
	cfg := physics.DefaultConfig()
	var scenarios, splits, conds, models, out string
	var res int
	var noProgress bool
	cmd := &cobra.Command{
		Use:   "physics",
		Short: "Physical alignment of a world model on simulated physics scenes",
		Long: `physics simulates the synthetic physics scenarios (package world/synth), conditions each
model on the first --cond-frames frames of every clip and its caption, lets it predict --frames
frames, and scores them against the simulator: PSNR, SSIM, mean object-mask IoU (the prediction
segmented by the objects' known palette colours), and PhyWorld-style centroid position (px) and
velocity (px/frame) errors. In- and out-of-distribution splits use disjoint parameter ranges.

Every report carries the baselines: ground-truth (the simulator's video, upper bound),
copy-last (repeat the last conditioning frame) and linear (per-pixel linear extrapolation from
the last two conditioning frames). --model adds models: a baseline name, KIND:CHECKPOINT, or a
checkpoint whose model.json names its kind; a kind with no registered loader is an error.

Writes physics.json and index.html to --out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := physicsConfig(&cfg, conds, splits, scenarios, res); err != nil {
				return err
			}
			lock, err := lockOutput(cmd, out)
			if err != nil {
				return err
			}
			defer lock.Release()
			preds, closeModels, err := physics.OpenModels(strings.Split(models, ","), diffusionModelOptions())
			if err != nil {
				return err
			}
			defer closeModels() // frees a model's backend after the run
			total := cfg.N * len(cfg.Scenarios) * len(cfg.Splits)
			progress, finish := clipsBar(total, "eval physics", noProgress || global.json)
			r, err := physics.Run(cmd.Context(), cfg, preds, progress)
			finish()
			if err != nil {
				return err
			}
			doc, err := report.Physics(r)
			if err != nil {
				return err
			}
			doc.Summary = append(doc.Summary, "Command: "+commandLine(cmd)+fmt.Sprintf(" (%d CPU threads).", runtime.GOMAXPROCS(0)))
			jp, hp, err := writeEvalOutputs(out, "physics.json", r, doc)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), physicsEvalResult{Result: r, JSON: jp, HTML: hp}, func(w io.Writer) error {
				return printPhysics(w, r, total, jp, hp)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&models, "model", "", "models to evaluate besides the baselines, comma-separated: copy-last, linear, ground-truth, KIND:CHECKPOINT or CHECKPOINT")
	f.StringVar(&scenarios, "scenarios", "all", "physics scenarios: all or a comma-separated list")
	f.StringVar(&conds, "cond-frames", "1,9", "conditioning lengths, comma-separated")
	f.StringVar(&splits, "split", "id,ood", "splits: id, ood or id,ood")
	f.IntVar(&cfg.N, "n", cfg.N, "clips per scenario and split")
	f.IntVar(&cfg.Frames, "frames", cfg.Frames, "predicted frames scored per clip")
	f.IntVar(&res, "res", cfg.Width, "frame width and height in pixels")
	f.IntVar(&cfg.FPS, "fps", cfg.FPS, "frames per second of the simulated clips")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed of the scenes")
	f.IntVar(&cfg.Examples, "examples", cfg.Examples, "clips per scenario and split animated in the report")
	f.IntVar(&cfg.Workers, "workers", 0, "clips simulated and scored in parallel (0: all cores); models predict one clip at a time")
	f.StringVar(&out, "out", "out/eval/physics", "output folder for physics.json and index.html")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	return cmd
}

// physicsConfig sets the parts of cfg that come from list flags: --cond-frames, --split,
// --scenarios and --res.
func physicsConfig(cfg *physics.Config, conds, splits, scenarios string, res int) error {
	var err error
	if cfg.CondFrames, err = parseInts("cond-frames", conds); err != nil {
		return err
	}
	cfg.Width, cfg.Height = res, res
	cfg.Splits = nil
	for s := range strings.SplitSeq(splits, ",") {
		sp := sim.Split(strings.TrimSpace(s))
		if sp != sim.InDistribution && sp != sim.OutOfDistribution {
			return usagef("--split: %q, want id, ood or id,ood", s)
		}
		cfg.Splits = append(cfg.Splits, sp)
	}
	if scenarios == "all" {
		cfg.Scenarios = sim.Scenarios()
	} else {
		cfg.Scenarios = nil
		for s := range strings.SplitSeq(scenarios, ",") {
			cfg.Scenarios = append(cfg.Scenarios, sim.Scenario(strings.TrimSpace(s)))
		}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

// clipsBar returns a progress callback (clips done of total) drawing a bar on stderr unless
// off, and the function that finishes it.
func clipsBar(total int, what string, off bool) (func(done, total int), func()) {
	if off {
		return func(int, int) {}, func() {}
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("clips"),
		progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond))
	return func(done, _ int) { _ = bar.Set(done) }, func() {
		_ = bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
}

// printPhysics prints the summary table of wfm eval physics: every model's scores over all
// scenarios, per split and conditioning length.
func printPhysics(w io.Writer, r *physics.Result, total int, jp, hp string) error {
	width := len("ground-truth")
	for _, g := range r.Groups {
		width = max(width, len(g.Model))
	}
	fmt.Fprintf(w, "%-*s %-5s %4s %7s %6s %6s %8s %8s %6s\n", width, "model", "split", "cond", "PSNR", "SSIM", "IoU", "pos px", "vel px/f", "found")
	for _, g := range r.Groups {
		if g.Scenario != physics.ScenarioAll {
			continue
		}
		fmt.Fprintf(w, "%-*s %-5s %4d %7s %6s %6s %8s %8s %6s\n", width, g.Model, g.Split, g.Cond,
			report.Num(float64(g.PSNR), 2), report.Num(float64(g.SSIM), 3), report.Num(float64(g.IoU), 3),
			report.Num(float64(g.PositionError), 2), report.Num(float64(g.VelocityError), 2), report.Num(float64(g.Detected), 2))
	}
	fmt.Fprintf(w, "clips        %d in %.1f s\nresult       %s\nreport       %s\n", total, r.Seconds, jp, hp)
	return nil
}
