package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
	_ "github.com/wfm-platform/wfm/worldgen" // registers the diffusion model (kind "diffusion") with the physics benchmark
)

// diffusionEvalFlags are the sampling settings of a diffusion model under `wfm eval physics`
// (flags --diffusion-steps, --diffusion-sampler, --diffusion-guidance, --diffusion-sigma-min,
// --diffusion-ema).
var diffusionEvalFlags struct {
	steps    int
	sampler  string
	guidance float64
	sigmaMin float64
	ema      bool
}

// diffusionModelOptions maps the --diffusion-* flags (and --backend) onto the options of the
// diffusion model's physics loader (worldgen.OpenPredictor).
func diffusionModelOptions() physics.ModelOptions {
	f := diffusionEvalFlags
	return physics.ModelOptions{Backend: global.backend, EMA: f.ema, Steps: f.steps, Sampler: f.sampler,
		Guidance: f.guidance, SigmaMin: f.sigmaMin}
}

func init() {
	// The flags go on `wfm eval physics` (made by eval.go's init, which runs first: files
	// initialize in name order), else on `wfm eval` for all its subcommands.
	var physicsCmd *cobra.Command
	for _, c := range evalCmd.Commands() {
		if c.Name() == "physics" {
			physicsCmd = c
		}
	}
	fs := evalCmd.PersistentFlags()
	if physicsCmd != nil {
		fs = physicsCmd.Flags()
		// Bad sampling settings are a usage error, found before any model loads; eval.go then
		// gives diffusionModelOptions to physics.OpenModel for every --model.
		physicsCmd.PreRunE = func(*cobra.Command, []string) error {
			opts := diffusionModelOptions()
			if err := (diffusion.SampleOptions{Steps: opts.Steps, Sampler: opts.Sampler, SigmaMin: opts.SigmaMin}).Validate(); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	fs.IntVar(&diffusionEvalFlags.steps, "diffusion-steps", diffusion.DefaultSteps, "diffusion models: sampling steps")
	fs.StringVar(&diffusionEvalFlags.sampler, "diffusion-sampler", diffusion.SamplerMultistep, "diffusion models: sampler ("+strings.Join(diffusion.SamplerNames(), ", ")+")")
	fs.Float64Var(&diffusionEvalFlags.sigmaMin, "diffusion-sigma-min", 0, "diffusion models: lowest noise level of the sampling schedule (0: the model's sample_sigma_min, else 0.002)")
	fs.BoolVar(&diffusionEvalFlags.ema, "diffusion-ema", false, "diffusion models: use the EMA weights of a training checkpoint")
	fs.Float64Var(&diffusionEvalFlags.guidance, "diffusion-guidance", 0, "diffusion models: classifier-free guidance weight (0: conditional only)")
}
