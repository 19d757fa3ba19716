package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/train"
)

// trainMedusaResult is what wfm train medusa prints.
type trainMedusaResult struct {
	Config      autoregressive.Config `json:"config"`
	Init        string                `json:"init"`
	Heads       int                   `json:"heads"`
	Steps       int                   `json:"steps"`
	ResumedFrom int                   `json:"resumed_from"`
	Loss        *float32              `json:"loss"` // null when this call took no step
	Clips       int                   `json:"clips"`
	Seconds     float64               `json:"seconds"`
	Checkpoint  string                `json:"checkpoint"`
	Metrics     string                `json:"metrics"`
	Weights     string                `json:"weights"`
}

func init() {
	var (
		initPath, data, prefix, tok, res, out, cache string
		heads, frames, maxClips, batch, stopAt       int
		rebuild, noProgress                          bool
	)
	tc := train.DefaultConfig()
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps, tc.EMADecay = 300, 1e-3, 1e-5, 20, 0
	tc.CheckpointEvery, tc.KeepCheckpoints, tc.LogEvery, tc.Seed = 100, 2, 10, 1
	cmd := &cobra.Command{
		Use:   "medusa",
		Short: "Train Medusa heads on a frozen autoregressive model (speculative decoding)",
		Long: `medusa trains --heads Medusa heads (Cai et al. 2024) on the autoregressive model --init, whose
weights stay frozen (Medusa-1): head j guesses the token j+2 positions ahead from the base's last
hidden state, and the loss is the sum of the heads' next-token cross-entropies over the windows
the base was trained on (its training.json: stage and grid). The clips (--data, --frames, --res,
as for 'wfm train autoregressive') are encoded with the base's tokenizer into a token cache
(--token-cache: give the base run's to reuse it).

The model written to --out is the base with its heads: 'wfm generate --model autoregressive
--weights OUT --medusa' decodes with them, giving the same greedy tokens in fewer decoder calls.
The same command resumes a run exactly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case initPath == "" || out == "" || data == "":
				return usagef("train medusa: --init, --data and --out are required")
			case heads < 1:
				return usagef("train medusa: --heads must be at least 1")
			case batch < 1 || maxClips < 0 || stopAt < 0:
				return usagef("train medusa: --batch must be >= 1, --max-clips and --stop-at >= 0")
			case frames < 2:
				return usagef("train medusa: --frames must be 1+k·t with k >= 1 (17, 33, ...)")
			}
			src := autoregressive.TokenSource{Dir: data, Prefix: prefix, Frames: frames, MaxClips: maxClips}
			if res != "" {
				w, h, err := parseDiffusionRes(res)
				if err != nil {
					return usageError{err}
				}
				src.Width, src.Height = w, h
			}
			loop := tc
			loop.Dir, loop.Progress = out, !noProgress && !global.json
			if !cmd.Flags().Changed("warmup") {
				loop.WarmupSteps = min(loop.WarmupSteps, loop.Steps)
			}
			if err := checkLoopFlags("train medusa", loop); err != nil {
				return err
			}
			b, _, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			r, err := autoregressive.TrainMedusa(cmd.Context(), b, autoregressive.MedusaOptions{Loop: loop, Init: initPath, Heads: heads,
				Data: src, Tokenizer: tok, TokenCache: cache, RebuildCache: rebuild, BatchSize: batch, StopAt: stopAt, Log: cmd.ErrOrStderr()})
			if err != nil {
				var oe *autoregressive.OptionError
				if errors.As(err, &oe) {
					return usageError{fmt.Errorf("train medusa: %w", err)}
				}
				return err
			}
			var loss *float32
			if l := r.Run.Loss; l == l {
				loss = &l
			}
			p := trainMedusaResult{Config: r.Config, Init: initPath, Heads: heads, Steps: r.Run.Step, ResumedFrom: r.Run.ResumedFrom, Loss: loss,
				Clips: r.Clips, Seconds: r.Run.Elapsed.Seconds(), Checkpoint: r.Run.Checkpoint, Metrics: r.Run.MetricsPath, Weights: r.Weights}
			return printResult(cmd.OutOrStdout(), p, func(w io.Writer) error {
				fmt.Fprintf(w, "trained      %d Medusa heads on %s, %d steps in %.1f s", heads, initPath, p.Steps, p.Seconds)
				if loss != nil {
					fmt.Fprintf(w, " (loss %.4f)", *loss)
				}
				fmt.Fprintf(w, "\ndata         %d clips\nmetrics      %s\nweights      %s\n", p.Clips, p.Metrics, p.Weights)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&initPath, "init", "", "the base model (model folder or run folder of 'wfm train autoregressive')")
	f.IntVar(&heads, "heads", 3, "Medusa heads (the reference's code uses 7)")
	f.StringVar(&data, "data", "", "folder of WebDataset shards (wfm synth --out)")
	f.StringVar(&prefix, "prefix", "synth", "shard prefix")
	f.StringVar(&tok, "tokenizer", "", "DV tokenizer weights (default: the one the base records; it must be that one)")
	f.StringVar(&res, "res", "", "fit every clip into WIDTHxHEIGHT (the base's training size)")
	f.IntVar(&frames, "frames", 33, "video frames tokenized per clip (at least the base's training window)")
	f.IntVar(&maxClips, "max-clips", 0, "use at most this many clips (0: all)")
	f.StringVar(&cache, "token-cache", "", "token cache file (default: --out/"+autoregressive.TokenCacheFile+")")
	f.BoolVar(&rebuild, "rebuild-cache", false, "replace a token cache made with another tokenizer or other clips")
	f.IntVar(&batch, "batch", 8, "windows per step")
	f.StringVar(&out, "out", "", "run folder (checkpoints, metrics, exported model)")
	f.IntVar(&stopAt, "stop-at", 0, "stop after this step keeping the schedule of --steps; 0 runs to --steps")
	f.IntVar(&tc.Steps, "steps", tc.Steps, "optimizer steps")
	f.Float64Var(&tc.LR, "lr", tc.LR, "peak learning rate (AdamW)")
	f.Float64Var(&tc.MinLR, "min-lr", tc.MinLR, "learning rate at the end of the decay")
	f.IntVar(&tc.WarmupSteps, "warmup", tc.WarmupSteps, "linear warmup steps")
	f.StringVar(&tc.Schedule, "schedule", tc.Schedule, "learning-rate schedule after warmup: cosine, linear or constant")
	f.Float64Var(&tc.EMADecay, "ema", tc.EMADecay, "EMA decay of the exported heads (0: raw weights)")
	f.IntVar(&tc.LogEvery, "log-every", tc.LogEvery, "steps between metrics lines")
	f.IntVar(&tc.CheckpointEvery, "ckpt-every", tc.CheckpointEvery, "steps between checkpoints")
	f.IntVar(&tc.KeepCheckpoints, "keep", tc.KeepCheckpoints, "checkpoints kept (0: all)")
	f.Uint64Var(&tc.Seed, "seed", tc.Seed, "random seed (shuffling)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	trainCmd.AddCommand(cmd)
}
