package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/bench"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/weights"
)

// benchDiffusionOutput is what 'wfm bench diffusion --json' prints.
type benchDiffusionOutput struct {
	Backend backend.Choice  `json:"backend"`
	Result  bench.DiTResult `json:"result"`
	// PeakRSSBytes is the process's peak resident memory (host memory: on the Go backend the
	// whole working set; on CUDA the device memory is not included).
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
}

// writeText prints the benchmark of model c on latents of shape for people.
func (o benchDiffusionOutput) writeText(w io.Writer, c diffusion.Config, shape bench.DiTShape) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	dt := c.DType
	if dt == "" {
		dt = "float32"
	}
	p("backend      %s (%s), simd %s, GOMAXPROCS %d\n", o.Backend.Name, o.Backend.Reason, onOff(o.Result.SIMD), o.Result.GOMAXPROCS)
	p("model        %s: %.2fM params (width %d, %d blocks, %d heads, patch %dx%d, AdaLN-LoRA %d, %s)\n",
		c.Name, float64(o.Result.Params)/1e6, c.ModelChannels, c.NumBlocks, c.NumHeads, c.PatchTemporal, c.PatchSpatial, c.AdaLNLoRADim, dt)
	p("shape        batch %d, latent %dx%dx%d (%d tokens per video), %d text tokens\n",
		shape.Batch, shape.Frames, shape.Height, shape.Width, o.Result.Tokens, shape.ContextLen)
	p("step         %.4f s median, %.4f s mean (min %.4f, max %.4f); compile + first step %.1f s\n",
		o.Result.MedianStepSeconds, o.Result.MeanStepSeconds, o.Result.MinStepSeconds, o.Result.MaxStepSeconds, o.Result.CompileSeconds)
	p("throughput   %.1f GFLOP/s effective (%.2f GFLOP/step)\n", o.Result.GFLOPS, o.Result.StepFLOPs/1e9)
	if o.Result.SampleEvaluations > 0 {
		p("sampling     %.2f evaluations/s at guidance %g (%d in %.2f s; %.1f GFLOP/s forward)\n",
			o.Result.SampleEvalsPerSecond, o.Result.SampleGuidance, o.Result.SampleEvaluations, o.Result.SampleSeconds, o.Result.SampleForwardGFLOPS)
	}
	p("loss         %.3f -> %.3f\n", o.Result.FirstLoss, o.Result.LastLoss)
	p("peak memory  %.1f MiB RSS\n", float64(o.PeakRSSBytes)/(1<<20))
	return nil
}

func benchDiffusionCmd() *cobra.Command {
	var (
		preset, configPath, configOut, dtype, latent = "small-v2w", "", "", "", "5,8,8"
		batch, contextLen, steps, warmup, samples    = 2, 8, 5, 1, 10
	)
	cmd := &cobra.Command{
		Use:   "diffusion",
		Short: "Time a diffusion-transformer training step and sampling",
		Long: `bench diffusion times the training step of the latent diffusion transformer: the EDM
denoising loss with Cosmos's default training options (log-normal noise levels, text dropout,
Video2World condition frames), the backward pass, gradient clipping and the AdamW update, all in
one compiled graph, on random latents of --latent size (latent frames, height, width: a 33-frame
64x64 video under an 8x8x8 tokenizer is 5,8,8) with --context-len random text embeddings. After
an untimed compile step and --warmup untimed steps it prints the median step time and effective
GFLOP/s (3x the analytic forward matmul FLOPs). With --sample-evals it then times that many
network evaluations of wfm generate's sampler at guidance 7 on one video of the same size.

--config reads a model's configuration (a model.json, a model folder, or a weights file) instead
of --preset; --config-out writes the configuration used, the input of
bench/torch/dit_bench.py, the PyTorch replica used for the GPU comparison.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := benchDiTConfig(preset, configPath)
			if err != nil {
				return err
			}
			if dtype != "" {
				c.DType = dtype
			}
			if err := c.Validate(); err != nil {
				return usagef("bench diffusion: %v", err)
			}
			if batch < 1 || contextLen < 1 || steps < 1 || warmup < 0 || samples < 0 {
				return usagef("bench diffusion: need --batch, --context-len and --steps >= 1, --warmup and --sample-evals >= 0")
			}
			shape := bench.DiTShape{Batch: batch, ContextLen: contextLen}
			if shape.Frames, shape.Height, shape.Width, err = parseLatentSize(latent); err != nil {
				return err
			}
			if configOut != "" {
				data, err := json.MarshalIndent(c, "", "  ")
				if err != nil {
					return err
				}
				if err := atomicfile.WriteFile(configOut, append(data, '\n'), 0o644); err != nil {
					return err
				}
			}
			b, choice, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			fmt.Fprintf(cmd.ErrOrStderr(), "bench diffusion: %s (%.2fM params) on %s (simd %s): compiling, then %d warmup and %d timed steps\n",
				c.Name, float64(c.ParamCount())/1e6, choice.Name, onOff(choice.SIMD), warmup, steps)
			res, err := bench.RunDiTStep(cmd.Context(), b, c, shape, steps, warmup, samples)
			if err != nil {
				return err
			}
			out := benchDiffusionOutput{Backend: choice, Result: res, PeakRSSBytes: generatePeakRSS()}
			return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error { return out.writeText(w, c, shape) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", preset, "model preset ("+strings.Join(diffusion.PresetNames(), ", ")+")")
	f.StringVar(&configPath, "config", configPath, "read the model configuration from this model.json, model folder or weights file instead of --preset")
	f.StringVar(&configOut, "config-out", configOut, "write the configuration used to this JSON file (input of bench/torch/dit_bench.py)")
	f.StringVar(&dtype, "dtype", dtype, "network dtype: float32 or bfloat16 (default: the configuration's)")
	f.StringVar(&latent, "latent", latent, "latent frames,height,width")
	f.IntVar(&batch, "batch", batch, "videos per step")
	f.IntVar(&contextLen, "context-len", contextLen, "text tokens per video")
	f.IntVar(&steps, "steps", steps, "timed steps")
	f.IntVar(&warmup, "warmup", warmup, "untimed steps after compilation")
	f.IntVar(&samples, "sample-evals", samples, "also time this many sampling evaluations (0: none)")
	return cmd
}

// benchDiTConfig returns the preset's configuration, or the one stored at path: a JSON file
// holding a diffusion.Config (model.json), a model folder with one, or a weights file.
func benchDiTConfig(preset, path string) (diffusion.Config, error) {
	if path == "" {
		c, err := diffusion.Preset(preset)
		if err != nil {
			return c, usagef("bench diffusion: %v", err)
		}
		return c, nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "model.json")
	}
	var c diffusion.Config
	if strings.HasSuffix(path, ".json") {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("bench diffusion: %w", err)
		}
		if err := json.Unmarshal(data, &c); err != nil {
			return c, fmt.Errorf("bench diffusion: %s: not a model configuration: %w", path, err)
		}
	} else if err := weights.ReadConfig(path, &c); err != nil {
		return c, fmt.Errorf("bench diffusion: %w", err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("bench diffusion: %s: %w", path, err)
	}
	return c, nil
}

// parseLatentSize reads "T,H,W".
func parseLatentSize(s string) (t, h, w int, err error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return 0, 0, 0, usagef("--latent: want frames,height,width, got %q", s)
	}
	var v [3]int
	for i, p := range parts {
		if v[i], err = strconv.Atoi(strings.TrimSpace(p)); err != nil || v[i] < 1 {
			return 0, 0, 0, usagef("--latent: %q is not a positive integer", p)
		}
	}
	return v[0], v[1], v[2], nil
}
