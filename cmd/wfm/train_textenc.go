package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/textenc"
	"github.com/wfm-platform/wfm/train"
)

type trainTextencResult struct {
	Backend      backend.Choice `json:"backend"`
	Steps        int            `json:"steps"`
	ResumedFrom  int            `json:"resumed_from"`
	FinalLoss    float32        `json:"final_loss"`
	UniformLoss  float64        `json:"uniform_loss"`
	HeldOutAcc   float64        `json:"held_out_masked_accuracy"`
	Params       int64          `json:"params"`
	TrainSeconds float64        `json:"train_seconds"`
	Export       string         `json:"export"`
	Checkpoint   string         `json:"checkpoint"`
	MetricsPath  string         `json:"metrics"`
}

func init() {
	tc := train.DefaultConfig()
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps, tc.EMADecay = 1000, 3e-3, 1e-4, 100, 0
	tc.CheckpointEvery, tc.KeepCheckpoints, tc.LogEvery, tc.Seed = 500, 2, 25, 1
	o := textenc.DefaultTrainOptions()
	var out, export, tokenizer, preset string
	heldOutN := 500
	cmd := &cobra.Command{
		Use:   "textenc",
		Short: "Train the built-in T5 text encoder on the synthetic captions",
		Long: `textenc trains a small T5 encoder (same architecture as T5 1.1: relative position
buckets, RMS layer norm, gated-GELU feed-forward) to predict masked tokens of the synthetic
world's captions, through a head tied to its embedding table, with the shared training loop.
It then measures the held-out masked-token accuracy (captions of another seed) and writes a
Hugging Face-style model folder (config.json, spiece.model, model.safetensors) to --export,
which textenc.Load reads. The built-in encoder (textenc.Default) was made with

  wfm train textenc --out out/textenc --export textenc/builtin

Running the command again resumes from the newest checkpoint in --out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if heldOutN < 1 || tc.Steps < 1 || o.BatchSize < 1 || o.Captions < o.BatchSize || o.Copies < 1 || !(o.MaskRate > 0 && o.MaskRate < 1) {
				return usagef("train textenc: need --held-out >= 1, --steps >= 1, --batch >= 1, --captions >= batch, --copies >= 1, 0 < --mask-rate < 1")
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "backend %s (%s), simd %s\n", choice.Name, choice.Reason, onOff(choice.SIMD))
			tc.Dir = out
			tc.WarmupSteps = min(tc.WarmupSteps, tc.Steps/10)
			tc.Progress = !global.json
			res, err := textenc.TrainRun(cmd.Context(), b, textenc.RunOptions{Tokenizer: tokenizer, Preset: preset, HeldOut: heldOutN,
				Export: export, Train: tc, TrainOptions: o})
			var presetErr *textenc.PresetError
			if errors.As(err, &presetErr) {
				return usagef("train textenc: %v", err)
			} else if err != nil {
				return err
			}
			r := trainTextencResult{Backend: choice, Steps: res.Step, ResumedFrom: res.ResumedFrom, FinalLoss: res.Loss,
				UniformLoss: res.UniformLoss, HeldOutAcc: res.HeldOutAccuracy, Params: res.Config.Params(),
				TrainSeconds: res.Elapsed.Seconds(), Export: res.Export, Checkpoint: res.Checkpoint, MetricsPath: res.MetricsPath}
			return printResult(cmd.OutOrStdout(), r, func(w io.Writer) error {
				p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
				if r.ResumedFrom > 0 {
					p("resumed from step %d\n", r.ResumedFrom)
				}
				p("trained      %d steps in %.1f s on %s (%d parameters)\n", r.Steps, r.TrainSeconds, choice.Name, r.Params)
				p("loss         %.3f (knowing nothing: %.3f)\n", r.FinalLoss, r.UniformLoss)
				p("held out     %.1f%% of masked tokens predicted exactly\n", 100*r.HeldOutAcc)
				p("model        %s\nmetrics      %s\ncheckpoint   %s\n", r.Export, r.MetricsPath, r.Checkpoint)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "out/textenc", "run folder: checkpoints, metrics.jsonl, loss.png")
	f.StringVar(&export, "export", "", "model folder to write (default <out>/model)")
	f.StringVar(&tokenizer, "tokenizer", "", "SentencePiece unigram model (default: the built-in one)")
	f.StringVar(&preset, "preset", textenc.BuiltinPreset, "architecture preset")
	f.IntVar(&tc.Steps, "steps", tc.Steps, "training steps")
	f.Float64Var(&tc.LR, "lr", tc.LR, "peak learning rate")
	f.IntVar(&o.BatchSize, "batch", o.BatchSize, "batch size")
	f.IntVar(&o.Captions, "captions", o.Captions, "training captions")
	f.IntVar(&o.Copies, "copies", o.Copies, "differently masked copies of each caption")
	f.Float64Var(&o.MaskRate, "mask-rate", o.MaskRate, "fraction of tokens to predict")
	f.IntVar(&heldOutN, "held-out", heldOutN, "held-out captions (another seed) for the masked-token accuracy")
	f.Uint64Var(&tc.Seed, "seed", tc.Seed, "random seed (masking, initialization, shuffling)")
	trainCmd.AddCommand(cmd)
}
