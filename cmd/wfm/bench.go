package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/bench"
	"github.com/wfm-platform/wfm/nn"
)

// benchOutput is what 'wfm bench --json' prints.
type benchOutput struct {
	Preset  string         `json:"preset"`
	Backend backend.Choice `json:"backend"`
	Result  bench.Result   `json:"result"`
	// MatMul is the bare matrix product of the step's MLP input projection on the same backend:
	// the ceiling the step's effective GFLOP/s can approach.
	MatMul *bench.MatMulResult `json:"matmul_ceiling,omitempty"`
}

// ceilingReps is the least number of timed bare matmuls behind the ceiling: one takes about a
// millisecond on 2 cores, and with only --steps of them the median moved by ±10% between runs.
const ceilingReps = 50

func init() {
	var (
		preset                    = "bench-10m"
		batch, seq, steps, warmup = 4, 256, 5, 1
		ceiling                   = true
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time a transformer training step and report effective GFLOP/s",
		Long: `bench times the training step of the reference decoder-only transformer (forward pass,
next-token cross-entropy, backward pass, Adam update) on the chosen backend, after an untimed
compilation step and --warmup untimed steps. It prints seconds per step (median and mean),
tokens per second and effective GFLOP/s: the step's analytic matmul FLOPs (2 per
multiply-accumulate, x3 for forward and backward, attention and LM head included) divided by
the median step time.

Presets: ` + strings.Join(nn.TransformerPresetNames(), ", ") + `. The Go backend is fast only in a binary built
with GOEXPERIMENT=simd; the output says whether this one was.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := nn.TransformerPreset(preset)
			if err != nil {
				return usagef("bench: %v", err)
			}
			if batch < 1 || seq < 1 || seq > cfg.MaxSeqLen || steps < 1 || warmup < 0 {
				return usagef("bench: need --batch >= 1, 1 <= --seq <= %d (the preset's max_seq_len), --steps >= 1, --warmup >= 0",
					cfg.MaxSeqLen)
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "bench: %s on %s (simd %s): compiling, then %d warmup and %d timed steps of %d x %d tokens\n",
				preset, choice.Name, onOff(choice.SIMD), warmup, steps, batch, seq)
			res, err := bench.RunTransformerStep(cmd.Context(), b, cfg, batch, seq, steps, warmup)
			if err != nil {
				return err
			}
			out := benchOutput{Preset: preset, Backend: choice, Result: res}
			if ceiling {
				mm, err := bench.RunMatMul(cmd.Context(), b, batch*seq, cfg.DModel, cfg.FFNDim, max(steps, ceilingReps))
				if err != nil {
					return err
				}
				out.MatMul = &mm
			}
			return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error {
				p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
				p("backend      %s (%s), simd %s, GOMAXPROCS %d\n", choice.Name, choice.Reason, onOff(res.SIMD), res.GOMAXPROCS)
				p("model        %s: %.2fM params (d_model %d, %d layers, %d heads, %s ffn %d, %s norm, vocab %d)\n",
					preset, float64(res.Params)/1e6, cfg.DModel, cfg.NumLayers, cfg.NumHeads, cfg.MLP, cfg.FFNDim, cfg.Norm, cfg.VocabSize)
				p("shape        batch %d x seq %d = %d tokens/step; %d timed steps after %d warmup (compile + first step %.1f s)\n",
					res.Batch, res.SeqLen, res.Batch*res.SeqLen, res.Steps, res.Warmup, res.CompileSeconds)
				p("step         %.3f s median, %.3f s mean (min %.3f, max %.3f)\n",
					res.MedianStepSeconds, res.MeanStepSeconds, res.MinStepSeconds, res.MaxStepSeconds)
				p("throughput   %.1f GFLOP/s effective (%.1f GFLOP/step), %.0f tokens/s\n",
					res.GFLOPS, res.StepFLOPs/1e9, res.TokensPerSecond)
				if mm := out.MatMul; mm != nil {
					p("ceiling      %.1f GFLOP/s for a bare %s matmul; the step runs at %.0f%% of it\n",
						mm.GFLOPS, mm.Shape, 100*res.GFLOPS/mm.GFLOPS)
				}
				p("loss         %.3f -> %.3f\n", res.FirstLoss, res.LastLoss)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", preset, "model preset ("+strings.Join(nn.TransformerPresetNames(), ", ")+")")
	f.IntVar(&batch, "batch", batch, "sequences per step")
	f.IntVar(&seq, "seq", seq, "tokens per sequence (at most the preset's max_seq_len)")
	f.IntVar(&steps, "steps", steps, "timed steps")
	f.IntVar(&warmup, "warmup", warmup, "untimed steps after compilation")
	f.BoolVar(&ceiling, "ceiling", ceiling, "also time a bare matmul of the step's MLP shape, the backend's ceiling")
	cmd.AddCommand(benchAutoregressiveCmd())
	cmd.AddCommand(benchDiffusionCmd())
	cmd.AddCommand(benchOpsCmd())
	cmd.AddCommand(benchServeCmd())
	cmd.AddCommand(benchTokenizerCmd())
	cmd.AddCommand(benchTokQualityCmd())
	rootCmd.AddCommand(cmd)
}
