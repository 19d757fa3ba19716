package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/bench"
	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/tokenizer"
)

// benchTokenizerOutput is what 'wfm bench tokenizer --json' prints.
type benchTokenizerOutput struct {
	Backend backend.Choice        `json:"backend"`
	Weights string                `json:"weights,omitempty"` // the --weights file; empty for random weights
	Result  bench.TokenizerResult `json:"result"`
	// PeakRSSBytes is the process's peak resident memory.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
}

// The bench command is built in bench.go's init, which runs before this file's (Go runs a
// package's init functions in file-name order): tokenizer is added to it here.
func benchTokenizerCmd() *cobra.Command {
	var (
		modelFlags                  tokenizerModelFlags
		weightsPath, configOut, res = "", "", "64x64"
		frames, batch, reps, warmup = 17, 1, 5, 1
	)
	cmd := &cobra.Command{
		Use:   "tokenizer",
		Short: "Time a video tokenizer's encode and decode",
		Long: `bench tokenizer times a Cosmos causal video tokenizer through the compiled codec of
'wfm tokenize': encoding --batch random videos of --frames frames at --res (HxW) in one call,
then decoding their latents (or token ids) back to frames. Each direction runs once untimed
(compilation), --warmup more times untimed, then --reps times timed; it prints the median
seconds per clip and milliseconds per frame.

The tokenizer is --preset (` + strings.Join(tokenizer.PresetNames(), ", ") + `) or
--config, a tokenizer config JSON file such as tokenizer/pretrained/cv4x4x4-tiny.json. The weights
are random unless --weights names a file ('wfm train tokenizer' export or official checkpoint;
its own config is used when neither --preset nor --config is given). Frames must be 1+k·t and
H, W multiples of s, the tokenizer's temporal and spatial compression.

--config-out writes the configuration used, the input of bench/torch/tokenizer_bench.py, the
PyTorch replica of the same network.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, store, err := benchTokenizerModel(cmd, modelFlags, weightsPath)
			if err != nil {
				return err
			}
			shape := bench.TokenizerShape{Batch: batch, Frames: frames}
			if shape.Height, shape.Width, err = parseResolution(res); err != nil {
				return err
			}
			if configOut != "" {
				if err := writeJSONFile(configOut, cfg); err != nil {
					return err
				}
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "bench tokenizer: %s on %s (simd %s): compiling, then %d warmup and %d timed calls each way\n",
				cfg.Name, choice.Name, onOff(choice.SIMD), warmup, reps)
			r, err := bench.RunTokenizer(cmd.Context(), b, cfg, store, shape, reps, warmup)
			if ae := (*bench.ArgumentError)(nil); errors.As(err, &ae) {
				return usageError{err}
			} else if err != nil {
				return err
			}
			out := benchTokenizerOutput{Backend: choice, Weights: weightsPath, Result: r, PeakRSSBytes: generatePeakRSS()}
			return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error { return printBenchTokenizer(w, out) })
		},
	}
	modelFlags.register(cmd, "cv8x8x8-tiny")
	f := cmd.Flags()
	f.StringVar(&weightsPath, "weights", weightsPath, "load these tokenizer weights instead of random ones")
	f.StringVar(&configOut, "config-out", configOut, "write the tokenizer configuration used to this JSON file (input of bench/torch/tokenizer_bench.py)")
	f.IntVar(&frames, "frames", frames, "frames per video, 1+k·t")
	f.StringVar(&res, "res", res, "frame size HxW (or one number for a square), multiples of the spatial compression")
	f.IntVar(&batch, "batch", batch, "videos per call")
	f.IntVar(&reps, "reps", reps, "timed calls each way")
	f.IntVar(&warmup, "warmup", warmup, "untimed calls each way after compilation")
	return cmd
}

// benchTokenizerModel returns the configuration the model flags name and, with a weights file,
// the weights (nil: random). With weights and neither --preset nor --config, the configuration
// is the file's own.
func benchTokenizerModel(cmd *cobra.Command, f tokenizerModelFlags, weightsPath string) (tokenizer.Config, *model.Store, error) {
	cfg, explicit, err := f.config(cmd)
	if err != nil {
		var ce *tokenizer.ConfigError
		if f.configPath == "" && errors.As(err, &ce) && strings.Contains(ce.Reason, "unknown preset") {
			err = usagef("bench tokenizer: %v; a trained model's configuration is a file: --config tokenizer/pretrained/%s.json", err, f.preset)
		}
		return cfg, nil, err
	}
	if weightsPath == "" {
		return cfg, nil, nil
	}
	var want *tokenizer.Config
	if explicit {
		want = &cfg
	}
	store, cfg, err := tokenizer.LoadWeights(weightsPath, want)
	return cfg, store, err
}

// printBenchTokenizer is the text form of 'wfm bench tokenizer'.
func printBenchTokenizer(w io.Writer, out benchTokenizerOutput) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	r, c := out.Result, out.Result.Config
	kind, weights := "continuous", "random weights"
	if c.Discrete {
		kind = "discrete"
	}
	if out.Weights != "" {
		weights = out.Weights
	}
	p("backend      %s (%s), simd %s, GOMAXPROCS %d\n", out.Backend.Name, out.Backend.Reason, onOff(r.SIMD), r.GOMAXPROCS)
	p("model        %s: %.2fM params (%s %dx%dx%d, channels %d x %v, %d res blocks), %s\n",
		c.Name, float64(r.Params)/1e6, kind, c.TemporalCompression, c.SpatialCompression, c.SpatialCompression,
		c.Channels, c.ChannelsMult, c.NumResBlocks, weights)
	p("shape        %d x %d frames of %dx%d -> latent %v per video; %d timed calls after %d warmup\n",
		r.Shape.Batch, r.Shape.Frames, r.Shape.Height, r.Shape.Width, r.LatentDims, r.Reps, r.Warmup)
	for _, d := range []struct {
		name string
		t    bench.CodecTimes
	}{{"encode", r.Encode}, {"decode", r.Decode}} {
		p("%-12s %.4f s per clip, %.2f ms/frame (median; mean %.4f s, min %.4f, max %.4f per call); compile + first call %.1f s\n",
			d.name, d.t.SecondsPerClip, d.t.MSPerFrame, d.t.MeanSeconds, d.t.MinSeconds, d.t.MaxSeconds, d.t.CompileSeconds)
	}
	p("peak memory  %.1f MiB RSS\n", float64(out.PeakRSSBytes)/(1<<20))
	return nil
}

// writeJSONFile writes v as indented JSON to path, atomically.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o644)
}

// parseResolution reads "HxW", or "N" for N x N, into positive integers.
func parseResolution(s string) (h, w int, err error) {
	parts := strings.Split(strings.ToLower(s), "x")
	if len(parts) == 1 {
		parts = append(parts, parts[0])
	}
	if len(parts) != 2 {
		return 0, 0, usagef("--res: want HxW, got %q", s)
	}
	if h, err = strconv.Atoi(strings.TrimSpace(parts[0])); err == nil {
		w, err = strconv.Atoi(strings.TrimSpace(parts[1]))
	}
	if err != nil || h < 1 || w < 1 {
		return 0, 0, usagef("--res: want HxW (positive integers), got %q", s)
	}
	return h, w, nil
}
