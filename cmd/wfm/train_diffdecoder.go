package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion/tokendecoder"
	"github.com/wfm-platform/wfm/train"
)

// Default tokenizers of the diffusion decoder: the autoregressive model's DV tokenizer and the
// CV tokenizer on the same latent grid.
const (
	defaultDecoderDV = "tokenizer/pretrained/dv8x8x8-ls-tiny.safetensors"
	defaultDecoderCV = "tokenizer/pretrained/cv8x8x8-ls-tiny.safetensors"
)

// diffDecoderClipFlags are the data flags train and eval diffusion-decoder share.
type diffDecoderClipFlags struct {
	data, prefix, res        string
	frames, maxClips, holdOf int
}

func (c *diffDecoderClipFlags) add(f interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
}) {
	f.StringVar(&c.data, "data", "", "folder of WebDataset shards (wfm synth --out)")
	f.StringVar(&c.prefix, "prefix", "synth", "shard prefix")
	f.StringVar(&c.res, "res", "64x64", "fit every clip into WIDTHxHEIGHT")
	f.IntVar(&c.frames, "frames", 17, "frames per clip (the tokenizers' window, 1+k·8)")
	f.IntVar(&c.holdOf, "hold-out", 40, "the last videos of the data, never trained on (eval measures on them)")
}

func (c *diffDecoderClipFlags) check(command string) (w, h int, err error) {
	if c.data == "" {
		return 0, 0, usagef("%s: --data is required", command)
	}
	if c.frames < 2 || c.holdOf < 0 || c.maxClips < 0 {
		return 0, 0, usagef("%s: --frames must be 1+k·t with k >= 1, --hold-out and --max-clips >= 0", command)
	}
	if w, h, err = parseDiffusionRes(c.res); err != nil {
		return 0, 0, usageError{fmt.Errorf("%s: %w", command, err)}
	}
	return w, h, nil
}

// trainDiffDecoderResult is what wfm train diffusion-decoder prints.
type trainDiffDecoderResult struct {
	Steps       int      `json:"steps"`
	ResumedFrom int      `json:"resumed_from"`
	Loss        *float32 `json:"loss"`
	Clips       int      `json:"clips"`
	Parameters  int64    `json:"parameters"`
	Seconds     float64  `json:"seconds"`
	Metrics     string   `json:"metrics"`
	Out         string   `json:"out"`
}

// evalDiffDecoderResult is what wfm eval diffusion-decoder prints.
type evalDiffDecoderResult struct {
	Decoder  string  `json:"decoder"`
	Steps    int     `json:"steps"`
	SigmaMin float64 `json:"sigma_min"`
	tokendecoder.Quality
}

func init() {
	var (
		clips                       diffDecoderClipFlags
		dv, cv, out                 string
		width, blocks, heads, batch int
		noProgress, residual        bool
	)
	tc := train.DefaultConfig()
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps, tc.EMADecay = 2000, 1e-3, 1e-4, 50, 0.999
	tc.CheckpointEvery, tc.KeepCheckpoints, tc.LogEvery = 200, 2, 20
	cmd := &cobra.Command{
		Use:   "diffusion-decoder",
		Short: "Train the autoregressive model's diffusion decoder (DV ids -> CV latent)",
		Long: `diffusion-decoder trains a small DiT that samples the continuous (CV) tokenizer's latent of a
video from the discrete (DV) tokenizer's ids of it (package diffusion/tokendecoder): the ids' FSQ
codes are extra input channels of the noisy latent; EDM loss, no text. Both tokenizers must share
one latent grid. The clips' pairs are encoded once and cached in --out, which becomes the decoder
folder 'wfm generate --model autoregressive --diffusion-decoder' and 'wfm eval
diffusion-decoder' take. The same command resumes a run exactly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w, h, err := clips.check("train diffusion-decoder")
			if err != nil {
				return err
			}
			switch {
			case out == "":
				return usagef("train diffusion-decoder: --out is required")
			case batch < 1 || width < 1 || blocks < 1 || heads < 1:
				return usagef("train diffusion-decoder: --batch, --width, --blocks and --heads must be >= 1")
			}
			if _, err := tokendecoder.Config(16, 4, width, blocks, heads); err != nil {
				return usageError{fmt.Errorf("train diffusion-decoder: %w", err)}
			}
			loop := tc
			loop.Dir, loop.Progress = out, !noProgress && !global.json
			if !cmd.Flags().Changed("warmup") {
				loop.WarmupSteps = min(loop.WarmupSteps, loop.Steps)
			}
			if err := checkLoopFlags("train diffusion-decoder", loop); err != nil {
				return err
			}
			trainClips, _, err := tokendecoder.ReadClips(cmd.Context(), clips.data, clips.prefix, clips.frames, w, h, clips.maxClips, clips.holdOf)
			if err != nil {
				return err
			}
			b, _, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			r, err := tokendecoder.Train(cmd.Context(), b, trainClips, tokendecoder.TrainOptions{Loop: loop, DVTokenizer: dv, CVTokenizer: cv,
				Width: width, Blocks: blocks, Heads: heads, BatchSize: batch, Residual: residual, Log: cmd.ErrOrStderr()})
			if err != nil {
				return err
			}
			var loss *float32
			if l := r.Run.Loss; l == l {
				loss = &l
			}
			p := trainDiffDecoderResult{Steps: r.Run.Step, ResumedFrom: r.Run.ResumedFrom, Loss: loss, Clips: r.Clips,
				Parameters: r.Config.ParamCount(), Seconds: r.Run.Elapsed.Seconds(), Metrics: r.Run.MetricsPath, Out: out}
			return printResult(cmd.OutOrStdout(), p, func(w io.Writer) error {
				fmt.Fprintf(w, "trained      diffusion decoder (%d parameters), %d steps in %.1f s", p.Parameters, p.Steps, p.Seconds)
				if loss != nil {
					fmt.Fprintf(w, " (loss %.4f)", *loss)
				}
				fmt.Fprintf(w, "\ndata         %d clips\nmetrics      %s\ndecoder      %s\n", p.Clips, p.Metrics, out)
				return nil
			})
		},
	}
	f := cmd.Flags()
	clips.add(f)
	f.IntVar(&clips.maxClips, "max-clips", 0, "train on at most this many clips (0: all but the held-out ones)")
	f.StringVar(&dv, "dv-tokenizer", defaultDecoderDV, "discrete tokenizer weights (the ids)")
	f.StringVar(&cv, "cv-tokenizer", defaultDecoderCV, "continuous tokenizer weights on the same grid (the latents)")
	f.IntVar(&width, "width", 64, "DiT width")
	f.IntVar(&blocks, "blocks", 2, "DiT blocks")
	f.IntVar(&heads, "heads", 4, "attention heads")
	f.IntVar(&batch, "batch", 8, "clips per step")
	f.StringVar(&out, "out", "", "run folder (checkpoints, metrics, pair cache, the decoder)")
	f.IntVar(&tc.Steps, "steps", tc.Steps, "optimizer steps")
	f.Float64Var(&tc.LR, "lr", tc.LR, "peak learning rate (AdamW)")
	f.Float64Var(&tc.MinLR, "min-lr", tc.MinLR, "learning rate at the end of the decay")
	f.IntVar(&tc.WarmupSteps, "warmup", tc.WarmupSteps, "linear warmup steps")
	f.Float64Var(&tc.EMADecay, "ema", tc.EMADecay, "EMA decay of the exported weights (0: raw weights)")
	f.IntVar(&tc.LogEvery, "log-every", tc.LogEvery, "steps between metrics lines")
	f.IntVar(&tc.CheckpointEvery, "ckpt-every", tc.CheckpointEvery, "steps between checkpoints")
	f.IntVar(&tc.KeepCheckpoints, "keep", tc.KeepCheckpoints, "checkpoints kept (0: all)")
	f.Uint64Var(&tc.Seed, "seed", tc.Seed, "random seed (shuffling, noise)")
	f.BoolVar(&residual, "residual", false, "also condition on the DV decode's CV latent and sample the offset from it")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	trainCmd.AddCommand(cmd)

	var (
		evalClips     diffDecoderClipFlags
		decoder       string
		steps, nclips int
		seed          uint64
		sigmaMin      float64
	)
	ev := &cobra.Command{
		Use:   "diffusion-decoder",
		Short: "PSNR/SSIM of the DV decode and of the diffusion decoder on held-out clips",
		Long: `diffusion-decoder measures a trained diffusion decoder (--decoder, a folder 'wfm train
diffusion-decoder' wrote) on the last --clips of the --hold-out videos of --data: each clip's DV
ids are decoded (a) by the DV tokenizer and (b) by the diffusion decoder, and both are compared
with the clip (PSNR over RGB, SSIM the mean over R, G, B; video/quality).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w, h, err := evalClips.check("eval diffusion-decoder")
			if err != nil {
				return err
			}
			switch {
			case decoder == "":
				return usagef("eval diffusion-decoder: --decoder is required")
			case evalClips.holdOf < 1 || nclips < 1 || nclips > evalClips.holdOf:
				return usagef("eval diffusion-decoder: want 1 <= --clips <= --hold-out")
			case steps < 1:
				return usagef("eval diffusion-decoder: --steps must be >= 1")
			case sigmaMin < 0:
				return usagef("eval diffusion-decoder: --sigma-min must be >= 0")
			}
			_, held, err := tokendecoder.ReadClips(cmd.Context(), evalClips.data, evalClips.prefix, evalClips.frames, w, h, 1, evalClips.holdOf)
			if err != nil {
				return err
			}
			held = held[len(held)-nclips:]
			b, _, err := backend.Open(global.backend)
			if err != nil {
				return err
			}
			defer b.Finalize()
			d, err := tokendecoder.Open(b, decoder)
			if err != nil {
				return err
			}
			defer d.Close()
			q, err := d.Compare(cmd.Context(), held, tokendecoder.DecodeOptions{Seed: seed, Steps: steps, SigmaMin: sigmaMin}, nil)
			if err != nil {
				return err
			}
			p := evalDiffDecoderResult{Decoder: decoder, Steps: steps, SigmaMin: sigmaMin, Quality: q}
			return printResult(cmd.OutOrStdout(), p, func(w io.Writer) error {
				fmt.Fprintf(w, "clips              %d held out (%s)\n", q.Clips, evalClips.data)
				fmt.Fprintf(w, "DV decode          PSNR %.2f dB  SSIM %.4f\n", q.DVPSNR, q.DVSSIM)
				fmt.Fprintf(w, "diffusion decoder  PSNR %.2f dB  SSIM %.4f  (%d steps)\n", q.DiffusionPSNR, q.DiffusionSSIM, steps)
				fmt.Fprintf(w, "CV round trip      PSNR %.2f dB  SSIM %.4f  (ceiling: the clip through the CV tokenizer)\n", q.CVPSNR, q.CVSSIM)
				return nil
			})
		},
	}
	ef := ev.Flags()
	evalClips.add(ef)
	ef.StringVar(&decoder, "decoder", "", "diffusion decoder folder ('wfm train diffusion-decoder --out')")
	ef.IntVar(&nclips, "clips", 16, "held-out clips measured (the last ones)")
	ef.IntVar(&steps, "steps", 35, "sampler steps")
	ef.Float64Var(&sigmaMin, "sigma-min", 0, "end of the noise schedule (0: the sampler's default)")
	ef.Uint64Var(&seed, "seed", 1, "noise seed of the first clip (clip i: seed+i)")
	evalCmd.AddCommand(ev)
}
