package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/curate"
)

type curateResult struct {
	*curate.Report
	Skipped []string           `json:"skipped_inputs"`
	Corpus  *curate.CorpusEval `json:"corpus_eval,omitempty"`
}

func init() {
	var (
		in, out, split, res, captioner, captionURL, captionModel, prefix, part string
		stride, minLen, maxLen, fps                                            float64
		cfgFilter                                                              curate.FilterConfig
		dedup                                                                  curate.DedupConfig
		captionFrames, textDim, shardSize, workers                             int
		shardBytes                                                             int64
		noProgress                                                             bool
	)
	cmd := &cobra.Command{
		Use:   "curate",
		Short: "Curate videos into captioned, filtered, deduplicated WebDataset shards",
		Long: `curate turns raw videos into training clips, in stages that run concurrently:

  decode     probe and decode every input (ffmpeg, or pure Go for .y4m and .gif), scaled to
             --res as it is decoded; files that cannot be decoded (or hold more than 2 GiB of
             frames at that size) are quarantined with a reason, and the run goes on
  split      shot boundaries (colour histogram, edge change ratio and layout change with an
             adaptive threshold; fades through black) or a fixed stride; --min-len/--max-len
  normalize  to --res and --fps
  filter     motion (block matching), shakiness, sharpness/exposure quality, duration
  encode     H.264 MP4 with libx264 (Y4M when ffmpeg or libx264 is missing, said so)
  caption    --captioner none, synth (the synthetic world's own captions) or openai (a
             vision-language model behind an OpenAI-compatible API; key in $WFM_CAPTION_API_KEY)
  embed      pooled colour-layout, motion and colour statistics per clip
  dedup      k-means over the embeddings, then drop clips within --dedup-eps cosine distance
  shard      PREFIX-000000.tar ... (KEY.mp4, KEY.json, KEY.txt, KEY.emb.npy, KEY.txtemb.npy),
             PREFIX-index.json, PREFIX-manifest.json and PREFIX-report.json (the same bytes
             for identical runs), and PREFIX-run.json (this run's timings and CPU time)

--in is a folder (every video file below it) or a text file listing one video per line
(relative to the list's folder; # starts a comment). --out/work keeps each finished clip and
source, which is how an interrupted run resumes (run the same command again); delete it once
the manifest is written if the space matters. The output is byte for byte the same whatever
the core count, and after a resume. --part I/N splits the sources between N processes
(machines sharing --out); a last run without --part writes the shards
(docs/curate-scaleout.md).
When --in is a corpus made by 'wfm curate make-corpus', the report adds shot-detection
precision/recall and deduplication results against its truth.json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if in == "" || out == "" {
				return usagef("curate: --in and --out are required")
			}
			target, err := curate.ParseRes(res)
			if err != nil {
				return usageError{err}
			}
			target.FPS = fps
			inputs, skipped, err := curate.ListInputs(in)
			var pathErr *fs.PathError
			switch {
			case errors.Is(err, curate.ErrNoInputs):
				return usagef("curate: --in %s holds no video files", in)
			case errors.As(err, &pathErr) && pathErr.Op == "stat":
				return usagef("curate: --in %s: %v", in, err)
			case err != nil:
				return err
			}
			cfg := curate.Config{Inputs: inputs, Out: out, Split: split, Stride: stride, MinSeconds: minLen, MaxSeconds: maxLen,
				Target: target, Filter: cfgFilter, Dedup: dedup, ShardSamples: shardSize, ShardBytes: shardBytes,
				Prefix: prefix, Workers: workers}
			if part != "" {
				if _, err := fmt.Sscanf(part, "%d/%d", &cfg.Part, &cfg.Parts); err != nil || cfg.Parts < 2 || cfg.Part < 0 || cfg.Part >= cfg.Parts {
					return usagef("curate: --part %q, want I/N with 0 <= I < N and N >= 2", part)
				}
			}
			if split != "shot" && split != "stride" {
				return usagef("curate: --split %q, want shot or stride", split)
			}
			if minLen <= 0 || maxLen < minLen {
				return usagef("curate: --min-len %g and --max-len %g: want 0 < min <= max", minLen, maxLen)
			}
			if cfg.Captioner, err = curateCaptioner(captioner, captionURL, captionModel, captionFrames); err != nil {
				return err
			}
			if textDim > 0 {
				cfg.TextEmbed = curate.HashTextEmbedder{Dim: textDim}
			}
			var finish func()
			cfg.Progress, finish = curateProgress(len(inputs), noProgress || global.json)
			rep, err := curate.Run(cmd.Context(), cfg)
			finish()
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("curate: interrupted; finished clips are kept in %s/work and the same command resumes", out)
			}
			if errors.Is(err, curate.ErrSettingsChanged) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			res := curateResult{Report: rep, Skipped: skipped, Corpus: curate.EvaluateRun(in, rep)}
			return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error { return printCurate(w, res) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "", "input folder, or a file listing one video per line")
	f.StringVar(&out, "out", "", "output folder")
	f.StringVar(&split, "split", "shot", "clip splitting: shot (detect shot boundaries) or stride (fixed length)")
	f.Float64Var(&stride, "stride", 0, "seconds per piece with --split stride (default --max-len)")
	f.Float64Var(&minLen, "min-len", 1, "shortest clip, seconds")
	f.Float64Var(&maxLen, "max-len", 10, "longest clip, seconds (longer shots are cut into pieces)")
	f.StringVar(&res, "res", "0", "output size: WxH, or the short side (aspect kept); 0 keeps the source size")
	f.Float64Var(&fps, "fps", 0, "output frame rate (0 keeps the source rate)")
	f.Float64Var(&cfgFilter.MotionMin, "motion-min", 0.01, "drop clips with less motion (mean block displacement, px/frame at a 64-px short side); 0 off")
	f.Float64Var(&cfgFilter.ShakinessMax, "shaky-max", 6, "drop clips whose camera motion changes more per frame (same units); 0 off")
	f.Float64Var(&cfgFilter.QualityMin, "quality-min", 0.3, "drop clips under this sharpness x exposure quality (0..1); 0 off")
	f.IntVar(&cfgFilter.MinSide, "min-side", 0, "drop sources whose short side is smaller, pixels; 0 off")
	f.Float64Var(&dedup.Eps, "dedup-eps", 0.05, "cosine distance under which clips are duplicates; 0 turns dedup off")
	f.IntVar(&dedup.Clusters, "dedup-k", 0, "k-means clusters for dedup (0: ceil(sqrt(clips/2)))")
	f.Uint64Var(&dedup.Seed, "seed", 1, "k-means seed")
	f.StringVar(&captioner, "captioner", "none", "none, synth or openai")
	f.StringVar(&captionURL, "caption-url", "", "OpenAI-compatible API base URL, e.g. http://localhost:8000/v1")
	f.StringVar(&captionModel, "caption-model", "", "vision-language model name for --captioner openai")
	f.IntVar(&captionFrames, "caption-frames", 4, "frames sent to the captioner per clip")
	f.IntVar(&textDim, "text-embed", 0, "store a hashed n-gram text embedding of this size with each caption (0: none)")
	f.IntVar(&shardSize, "shard-size", 1000, "clips per shard")
	f.Int64Var(&shardBytes, "shard-bytes", 0, "bytes per shard at most (0: no limit)")
	f.StringVar(&prefix, "prefix", "curated", "shard name prefix")
	f.IntVar(&workers, "workers", 0, "workers per stage (0: all cores)")
	f.StringVar(&part, "part", "", "I/N: process only part I of N of the sources into a shared --out, no shards; then run without --part to finish")
	f.BoolVar(&noProgress, "no-progress", false, "no progress display")
	cmd.AddCommand(makeCorpusCmd())
	rootCmd.AddCommand(cmd)
}

func makeCorpusCmd() *cobra.Command {
	o := curate.DefaultCorpusOptions()
	cmd := &cobra.Command{
		Use:   "make-corpus",
		Short: "Build a curation test corpus of multi-shot synthetic videos with known cuts",
		Long: `make-corpus joins synthetic-world clips into long videos with hard cuts and fades
through black at known frames (NAME.shots.json beside each video, with the generator's
captions), and plants test cases: an exact copy and a re-encoded smaller variant (duplicates),
a frozen and a shaken video (motion filter), and a corrupt and a truncated file (quarantine).
truth.json lists everything. Run 'wfm curate --in DIR' on it to measure the pipeline.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Out == "" {
				return usagef("make-corpus: --out is required")
			}
			if o.Videos < 1 || o.Shots < 1 || o.Size < 16 || o.FPS < 1 || o.MinFrames < 2 || o.MaxFrames < o.MinFrames {
				return usagef("make-corpus: --videos, --shots >= 1, --res >= 16, --fps >= 1, 2 <= --min-frames <= --max-frames")
			}
			lock, err := lockOutput(cmd, o.Out)
			if err != nil {
				return err
			}
			defer lock.Release()
			start := time.Now()
			truth, err := curate.MakeCorpus(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), truth, func(w io.Writer) error {
				cuts, fades, secs := 0, 0, 0.0
				for _, v := range truth.Videos {
					for _, t := range v.Transitions {
						if t.Kind == "cut" {
							cuts++
						} else {
							fades++
						}
					}
					if v.FPS > 0 {
						secs += float64(v.Frames) / v.FPS
					}
				}
				fmt.Fprintf(w, "corpus   %s: %d files, %.1f s of video, %d cuts and %d fades (in %.1f s)\ntruth    %s\n",
					o.Out, len(truth.Videos), secs, cuts, fades, time.Since(start).Seconds(), filepath.Join(o.Out, "truth.json"))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "output folder")
	f.IntVar(&o.Videos, "videos", o.Videos, "long multi-shot videos")
	f.IntVar(&o.Shots, "shots", o.Shots, "shots per video")
	f.IntVar(&o.MinFrames, "min-frames", o.MinFrames, "shortest shot, frames")
	f.IntVar(&o.MaxFrames, "max-frames", o.MaxFrames, "longest shot, frames")
	f.IntVar(&o.Size, "res", o.Size, "frame width and height")
	f.IntVar(&o.FPS, "fps", o.FPS, "frames per second")
	f.Float64Var(&o.FadeProb, "fade-prob", o.FadeProb, "probability that a boundary is a fade instead of a cut")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVar(&o.Format, "format", o.Format, "mp4 (H.264, needs ffmpeg) or y4m")
	return cmd
}

// curateCaptioner is the captioner --captioner names (nil for none).
func curateCaptioner(name, url, model string, frames int) (curate.Captioner, error) {
	switch name {
	case "none":
		return nil, nil
	case "synth":
		return &curate.SynthCaptioner{}, nil
	case "openai":
		if url == "" || model == "" {
			return nil, usagef("curate: --captioner openai needs --caption-url and --caption-model")
		}
		return &curate.OpenAICaptioner{BaseURL: url, Model: model, APIKey: os.Getenv("WFM_CAPTION_API_KEY"), Frames: frames}, nil
	}
	return nil, usagef("curate: --captioner %q, want none, synth or openai", name)
}

// curateProgress returns the progress callback of a run over n sources, drawing a bar with
// each stage's queues on stderr (nil when off), and the function that finishes the bar.
func curateProgress(n int, off bool) (func(curate.Progress), func()) {
	if off {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription("curate"), progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(12), progressbar.OptionThrottle(200*time.Millisecond))
	return func(p curate.Progress) {
			_ = bar.Set(p.Done)
			bar.Describe(progressLine(p))
		}, func() {
			_ = bar.Finish()
			fmt.Fprintln(os.Stderr)
		}
}

// progressLine shows each stage's queue depth and throughput (video seconds per busy core
// second).
func progressLine(p curate.Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d clips |", p.Clips)
	for _, s := range p.Stages {
		fmt.Fprintf(&b, " %s q%d/%d %.1f |", s.Name, s.Queue, s.QueueCap, s.PerCore)
	}
	return strings.TrimSuffix(b.String(), " |")
}

func printCurate(w io.Writer, r curateResult) error {
	fmt.Fprintf(w, "sources      %d (%d finished earlier, %d quarantined, %d non-video files skipped)\n",
		r.Sources, r.SourcesResumed, len(r.Quarantined), len(r.Skipped))
	for _, q := range r.Quarantined {
		reason := q.Reason
		if i := strings.IndexByte(reason, '\n'); i >= 0 {
			reason = reason[:i]
		}
		fmt.Fprintf(w, "  quarantined %s: %s (%s)\n", q.Source.Path, q.Kind, reason)
	}
	if r.Partial != "" {
		fmt.Fprintf(w, "partial      %s\n", r.Partial)
	}
	fmt.Fprintf(w, "clips        %d candidates, %d kept in %d shards (%s)\n", r.Candidates, r.Kept, len(r.Shards), r.Codec)
	if r.EncodeFallback != "" {
		fmt.Fprintf(w, "  NOTE: %s\n", r.EncodeFallback)
	}
	var reasons []string
	for k := range r.Drops {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(w, "  dropped %-22s %d\n", k, r.Drops[k])
	}
	fmt.Fprintf(w, "stages       video seconds per busy worker-second (wall) and per CPU-second\n")
	for _, s := range r.Stages {
		fmt.Fprintf(w, "  %-10s %5d items %4d dropped %8.1f video-s  %7.2f worker-s %8.1f  %7.2f cpu-s %8.1f\n",
			s.Name, s.Items, s.Dropped, s.VideoSeconds, s.BusySeconds, s.PerCore, s.CPUSeconds, s.PerCPU)
	}
	fmt.Fprintf(w, "end to end   %.1f video-s in %.2f s on %d cores: %.2f video-s per wall-s per core; %.2f cpu-s: %.2f video-s per cpu-s\n",
		r.ProcessedSeconds, r.WallSeconds, r.Cores, r.PerCoreEndToEnd, r.CPUSeconds, r.PerCPUEndToEnd)
	fmt.Fprintf(w, "manifest     %s\n", r.Manifest)
	if c := r.Corpus; c != nil {
		fmt.Fprintf(w, "shot cuts    precision %.3f recall %.3f (%d true, %d found, +-%d frames)\n",
			c.Cuts.Precision, c.Cuts.Recall, c.Cuts.Truth, c.Cuts.Found, c.Tolerance)
		fmt.Fprintf(w, "shot fades   precision %.3f recall %.3f (%d true, %d found)\n", c.Fades.Precision, c.Fades.Recall, c.Fades.Truth, c.Fades.Found)
		fmt.Fprintf(w, "duplicates   %d of %d planted found, %d missed, %d false\n", c.Found, c.Planted, len(c.Missed), len(c.FalseDuplicates))
		for _, e := range c.Failed {
			fmt.Fprintf(w, "  UNEXPECTED %s\n", e)
		}
	}
	return nil
}
