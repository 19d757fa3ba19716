package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/bench"
	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// benchAROutput is what 'wfm bench autoregressive --json' prints.
type benchAROutput struct {
	Backend backend.Choice `json:"backend"`
	Result  bench.ARResult `json:"result"`
}

func (o benchAROutput) writeText(w io.Writer) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	r, c, s := o.Result, o.Result.Config, o.Result.Shape
	p("backend      %s (%s), simd %s, GOMAXPROCS %d\n", o.Backend.Name, o.Backend.Reason, onOff(r.SIMD), r.GOMAXPROCS)
	p("model        %s: %.2fM params (d_model %d, %d layers, %d/%d heads, ffn %d, vocab %d), random weights\n",
		c.Name, float64(r.Params)/1e6, c.DModel, c.NumLayers, c.NumHeads, c.NumKVHeads, c.FFNDim, c.VocabSize)
	p("shape        batch %d, %d context -> %d new tokens on a %dx%dx%d grid (cache of %d)\n",
		s.Batch, s.Context, s.New, s.Grid.T, s.Grid.H, s.Grid.W, s.Grid.Tokens())
	p("compile      %.2f s (first prefill and %d warmup steps)\n", r.CompileSeconds, r.Warmup)
	p("prefill      %.4f s (%.0f tokens/s)\n", r.PrefillSeconds, r.PrefillTokensPerSecond)
	p("decode       %.1f tokens/s, %.2f ms/token (median step %.2f ms), greedy, KV cache\n",
		r.DecodeTokensPerSecond, r.MsPerToken, r.MedianMsPerStep)
	if m := r.Medusa; m != nil {
		p("medusa       %d heads: %.1f tokens/s against %.1f plain (%.2fx; both with their prefill), mean acceptance %.2f tokens per call, same tokens %v\n",
			m.Heads, m.TokensPerSecond, m.PlainTokensPerSecond, m.Speedup, m.MeanAcceptance, m.SameTokens)
		p("             random weights: zero-initialized heads guess the base's next token again, right where a random\n")
		p("             model's greedy output repeats itself; this acceptance says nothing about trained heads\n")
	}
	return nil
}

func benchAutoregressiveCmd() *cobra.Command {
	var (
		preset, gridFlag, dumpConfig            = "small", "", ""
		vocab, batch, ctxLen, newTokens, warmup = 0, 1, 64, 192, 2
		medusa, textLen                         = 0, 0
	)
	cmd := &cobra.Command{
		Use:   "autoregressive",
		Short: "Time greedy KV-cache decoding of the autoregressive world model",
		Long: `bench autoregressive times decoding with the autoregressive world model on random weights
(seeded): a prefill of --context random condition tokens per sequence, then --new tokens, one
forward pass per token with the key/value cache, each chosen greedily (argmax) on the host. It
prints the prefill time, decode tokens/s (batch x new / decode time) and ms per token, after an
untimed compile (one prefill and --warmup steps).

The grid (the cache's capacity) is --grid T,H,W, or by default frames of the preset's full
latent size, as few as hold context + new tokens. --medusa K then decodes the same tokens
plain and with K Medusa heads (speculative, verified in one call) side by side and prints the
speedup and the mean acceptance length. On random weights the heads are untrained (zero: each
guesses the base model's next token again) and a random model's greedy output tends to repeat
one token, so the acceptance length says nothing about a trained model's; time a trained model's
heads with wfm generate.

--dump-config writes the model configuration used, the input of
bench/torch/ar_decode_bench.py, the PyTorch replica of the same decode loop.

Presets: ` + strings.Join(autoregressive.PresetNames(), ", ") + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := autoregressive.Preset(preset)
			if err != nil {
				return usagef("bench autoregressive: %v", err)
			}
			if vocab != 0 {
				c = c.WithVocab(vocab)
			}
			if err := c.Validate(); err != nil {
				return usagef("bench autoregressive: %v", err)
			}
			if batch < 1 || ctxLen < 1 || newTokens < 1 || warmup < 1 || medusa < 0 || textLen < 0 {
				return usagef("bench autoregressive: need --batch, --context, --new and --warmup >= 1, --medusa and --text-len >= 0")
			}
			shape := bench.ARShape{Batch: batch, Context: ctxLen, New: newTokens, TextLen: textLen}
			if gridFlag != "" {
				if shape.Grid, err = parseGrid(gridFlag); err != nil {
					return err
				}
			}
			if dumpConfig != "" {
				data, err := json.MarshalIndent(c, "", "  ")
				if err != nil {
					return err
				}
				if err := atomicfile.WriteFile(dumpConfig, append(data, '\n'), 0o644); err != nil {
					return err
				}
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "bench autoregressive: %s (%.2fM params) on %s (simd %s): compiling, then %d context -> %d new tokens x batch %d\n",
				c.Name, float64(c.NumParams())/1e6, choice.Name, onOff(choice.SIMD), ctxLen, newTokens, batch)
			res, err := bench.Autoregressive(cmd.Context(), b, c, shape, warmup, medusa)
			if ae := (*bench.ArgumentError)(nil); errors.As(err, &ae) {
				return usagef("bench autoregressive: --%s: %s", ae.Name, ae.Problem)
			} else if err != nil {
				return err
			}
			out := benchAROutput{Backend: choice, Result: res}
			return printResult(cmd.OutOrStdout(), out, out.writeText)
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", preset, "model preset ("+strings.Join(autoregressive.PresetNames(), ", ")+")")
	f.IntVar(&vocab, "vocab", vocab, "vocabulary size (default: the preset's)")
	f.IntVar(&batch, "batch", batch, "sequences decoded together")
	f.IntVar(&ctxLen, "context", ctxLen, "condition tokens per sequence (prefill)")
	f.IntVar(&newTokens, "new", newTokens, "tokens decoded per sequence, one per step")
	f.StringVar(&gridFlag, "grid", gridFlag, "token grid T,H,W (default: the preset's frame size, as many frames as needed)")
	f.IntVar(&warmup, "warmup", warmup, "untimed steps after compilation (at least 1)")
	f.IntVar(&medusa, "medusa", medusa, "also decode with this many Medusa heads (0: none)")
	f.IntVar(&textLen, "text-len", textLen, "random text tokens for a cross-attention preset (default 512)")
	f.StringVar(&dumpConfig, "dump-config", dumpConfig, "write the model configuration to this JSON file (input of bench/torch/ar_decode_bench.py)")
	return cmd
}

// parseGrid reads "T,H,W".
func parseGrid(s string) (autoregressive.Grid, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return autoregressive.Grid{}, usagef("--grid: want T,H,W, got %q", s)
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return autoregressive.Grid{}, usagef("--grid: %q is not a positive integer", p)
		}
		v[i] = n
	}
	return autoregressive.Grid{T: v[0], H: v[1], W: v[2]}, nil
}
