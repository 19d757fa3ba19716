package diffusion_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/world/synth"
)

// goBackend is the pure-Go backend of the package's external tests.
var goBackend = testutil.Backend

// synthShards writes n synthetic clips of 9 frames at 32x32 (wfm synth's shards) under dir and
// returns the folder, once per test binary run and n.
func synthShards(t testing.TB, dir string, n int) string {
	t.Helper()
	o := synth.DefaultOptions()
	o.Out, o.N, o.Width, o.Height, o.Frames, o.Workers = filepath.Join(dir, "synth"), n, 32, 32, 9, 1
	if _, err := synth.Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
	return o.Out
}

// tinyRun is a Video2World run of a few steps on 16x16 clips with an untrained tokenizer and the
// hashing text encoder: seconds on a CPU.
func tinyRun(t testing.TB, data, dir string, steps int) (diffusion.Config, diffusion.TrainData, diffusion.TrainRunOptions) {
	t.Helper()
	cfg, err := diffusion.Preset("tiny-v2w")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ContextDim, cfg.ContextLen = 16, 8 // the hashing encoder takes any shape
	tc := train.DefaultConfig()
	tc.Dir, tc.Steps, tc.WarmupSteps, tc.LR, tc.CheckpointEvery, tc.LogEvery, tc.Progress = dir, steps, 1, 1e-3, 100, 1, false
	td := diffusion.TrainData{Dir: data, ShardClipOptions: diffusion.ShardClipOptions{Frames: 9,
		Bucket: diffusion.Bucket{Width: 16, Height: 16}}}
	opts := diffusion.TrainRunOptions{Loop: tc, Loss: diffusion.DefaultTrainOptions(), Tokenizer: "preset:cv8x8x8-tiny",
		TextEncoder: diffusion.TextEncoderHash, BatchSize: 2, ImageBatch: 1}
	return cfg, td, opts
}

// TestTrainExportsModel trains a short run and loads the exported model back, as generate
// would, in the dtypes of ExportDType.
func TestTrainExportsModel(t *testing.T) {
	dir := t.TempDir()
	data := synthShards(t, dir, 3)
	for _, tc := range []struct {
		name   string
		export dtypes.DType
		want   safetensors.DType
		edit   func(*diffusion.Config, *diffusion.TrainRunOptions)
	}{
		{"float32", dtypes.InvalidDType, safetensors.F32, nil},
		{"float16 frame latent-std gain sigma-data channel", dtypes.Float16, safetensors.F16, func(c *diffusion.Config, o *diffusion.TrainRunOptions) {
			o.LatentStd, o.LatentGain, o.SigmaData = diffusion.LatentStdFrame, 2, diffusion.SigmaDataChannel
			g := 1.5
			c.SampleGuidance, c.SampleSigmaMin = &g, 0.25
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			cfg, td, opts := tinyRun(t, data, run, 2)
			opts.ExportDType = tc.export
			var log bytes.Buffer
			opts.Log = &log
			if tc.edit != nil {
				tc.edit(&cfg, &opts)
			}
			r, err := diffusion.Train(context.Background(), goBackend(), cfg, td, opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Run.Step != 2 || r.Run.ResumedFrom != 0 || r.LastLoss() == nil || r.Clips != 3 || len(r.LatentShape) != 4 {
				t.Errorf("result %+v, run %+v", r, r.Run)
			}
			if !strings.Contains(log.String(), "3 clips of 9 frames at 16x16") {
				t.Errorf("log %q", log.String())
			}
			if r.Weights != filepath.Join(run, diffusion.WeightsFile) {
				t.Errorf("weights %s", r.Weights)
			}
			f, err := safetensors.Open(r.Weights)
			if err != nil {
				t.Fatal(err)
			}
			for _, info := range f.Infos() {
				if info.DType != tc.want {
					t.Errorf("exported %s as %s, want %s", info.Name, info.DType, tc.want)
				}
			}
			f.Close()
			_, got, err := diffusion.LoadWeights(run, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != diffusion.ModelKind || got.TextEncoder != diffusion.TextEncoderHash || got.Tokenizer != "preset:cv8x8x8-tiny" ||
				len(got.LatentMean) != 2*16 || got.DataFPS == 0 {
				t.Errorf("model.json %+v", got)
			}
			if (tc.edit != nil) != (len(got.SigmaDataChannels) == 16) ||
				(tc.edit != nil) != (got.SampleGuidance != nil && *got.SampleGuidance == 1.5 && got.SampleSigmaMin == 0.25) {
				t.Errorf("model.json sigma_data_channels %v, sample_guidance %v, sample_sigma_min %g",
					got.SigmaDataChannels, got.SampleGuidance, got.SampleSigmaMin)
			}
		})
	}
}

// TestTrainResume stops a run after step 1 and resumes it to step 3: the same loss and the same
// weights as the run that went through uninterrupted (train.Run's exact resume), with the
// latents read back from the run's cache.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	data := synthShards(t, dir, 3)
	ctx := context.Background()
	whole := filepath.Join(dir, "whole")
	cfg, td, opts := tinyRun(t, data, whole, 3)
	want, err := diffusion.Train(ctx, goBackend(), cfg, td, opts)
	if err != nil {
		t.Fatal(err)
	}
	parts := filepath.Join(dir, "parts")
	for _, tc := range []struct {
		stopAt, step, resumedFrom int
		cached                    bool
	}{{1, 1, 0, false}, {1, 1, 1, true}, {0, 3, 1, true}} { // the second call trains nothing: it exports again
		cfg, td, opts := tinyRun(t, data, parts, 3)
		var log bytes.Buffer
		opts.StopAt, opts.Log = tc.stopAt, &log
		r, err := diffusion.Train(ctx, goBackend(), cfg, td, opts)
		if err != nil {
			t.Fatalf("StopAt %d: %v", tc.stopAt, err)
		}
		if r.Run.Step != tc.step || r.Run.ResumedFrom != tc.resumedFrom || strings.Contains(log.String(), "latents from") != tc.cached {
			t.Errorf("StopAt %d: step %d resumed from %d, log %q; want step %d from %d", tc.stopAt, r.Run.Step, r.Run.ResumedFrom,
				log.String(), tc.step, tc.resumedFrom)
		}
		if tc.stopAt == 0 {
			if r.Run.Loss != want.Run.Loss {
				t.Errorf("resumed run's last loss %v, uninterrupted %v", r.Run.Loss, want.Run.Loss)
			}
			testutil.SameTensors(t, r.Weights, want.Weights)
		}
	}
	// A stop step the run has passed is refused.
	opts.Loop.Dir, opts.StopAt = parts, 2
	if _, err := diffusion.Train(ctx, goBackend(), cfg, td, opts); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("StopAt 2 after step 3: %v", err)
	}
}

// TestTrainRefusesMismatchedResume resumes a run with another latent normalization, sigma_data
// or text encoder: each is an *OptionError naming the option, and the run stays where it was.
func TestTrainRefusesMismatchedResume(t *testing.T) {
	dir := t.TempDir()
	data := synthShards(t, dir, 2)
	run := filepath.Join(dir, "run")
	cfg, td, opts := tinyRun(t, data, run, 2)
	opts.BatchSize, opts.ImageBatch, opts.StopAt = 1, 0, 1
	if _, err := diffusion.Train(context.Background(), goBackend(), cfg, td, opts); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, option string
		edit         func(*diffusion.TrainRunOptions)
	}{
		{"latent gain", "LatentStd", func(o *diffusion.TrainRunOptions) { o.LatentGain = 3 }},
		{"latent std per frame", "LatentStd", func(o *diffusion.TrainRunOptions) { o.LatentStd = diffusion.LatentStdFrame }},
		{"sigma-data channel", "SigmaData", func(o *diffusion.TrainRunOptions) { o.SigmaData = diffusion.SigmaDataChannel }},
		{"text encoder", "TextEncoder", func(o *diffusion.TrainRunOptions) { o.TextEncoder = diffusion.TextEncoderBuiltin }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts
			o.StopAt = 0
			tc.edit(&o)
			c := cfg
			if tc.option == "TextEncoder" {
				c, _ = diffusion.Preset("tiny-v2w") // the built-in encoder's shape
			}
			_, err := diffusion.Train(context.Background(), goBackend(), c, td, o)
			var oe *diffusion.OptionError
			if !errors.As(err, &oe) || oe.Option != tc.option || !strings.Contains(err.Error(), run) {
				t.Fatalf("got %v (%T), want an *OptionError for %s naming the run", err, err, tc.option)
			}
			if ck, err := train.LatestCheckpoint(run); err != nil || ck == nil || ck.Step != 1 {
				t.Errorf("the refused resume moved the run: %+v (%v)", ck, err)
			}
		})
	}
}

// TestTrainRejectsBadOptions: options that cannot work are an *OptionError naming the option,
// returned before any work (the run folder is not even created).
func TestTrainRejectsBadOptions(t *testing.T) {
	dir := t.TempDir()
	data := synthShards(t, dir, 1)
	g := -1.0
	for _, tc := range []struct {
		name, option string
		edit         func(*diffusion.Config, *diffusion.TrainData, *diffusion.TrainRunOptions)
	}{
		{"no run folder", "Loop", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) { o.Loop.Dir = "" }},
		{"no tokenizer", "Tokenizer", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) { o.Tokenizer = "" }},
		{"no data", "Data", func(_ *diffusion.Config, d *diffusion.TrainData, _ *diffusion.TrainRunOptions) { d.Dir = "" }},
		{"batch 0", "BatchSize", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) { o.BatchSize = 0 }},
		{"no bucket", "Data", func(_ *diffusion.Config, d *diffusion.TrainData, _ *diffusion.TrainRunOptions) { d.Bucket.Width = 0 }},
		{"bucket not a multiple of the patches", "Data", func(_ *diffusion.Config, d *diffusion.TrainData, _ *diffusion.TrainRunOptions) {
			d.Bucket.Width = 24
		}},
		{"frames not 1+8k", "Data", func(_ *diffusion.Config, d *diffusion.TrainData, _ *diffusion.TrainRunOptions) { d.Frames = 5 }},
		{"latent gain", "LatentGain", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) { o.LatentGain = -1 }},
		{"latent std", "LatentStd", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			o.LatentStd = "global"
		}},
		{"sigma data", "SigmaData", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) { o.SigmaData = "local" }},
		{"export dtype", "ExportDType", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			o.ExportDType = dtypes.Int8
		}},
		{"init with a latent gain", "Init", func(c *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			*c, o.Init, o.LatentGain = diffusion.Config{}, "model", 2
		}},
		{"init with a config", "Init", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) { o.Init = "model" }},
		{"bad config", "Config", func(c *diffusion.Config, _ *diffusion.TrainData, _ *diffusion.TrainRunOptions) {
			c.ModelChannels, c.NumHeads = 50, 3
		}},
		{"sample guidance", "Config", func(c *diffusion.Config, _ *diffusion.TrainData, _ *diffusion.TrainRunOptions) {
			c.SampleGuidance = &g
		}},
		{"text dropout 1", "Loss", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			o.Loss.TextDropout = 1
		}},
		{"unknown tokenizer preset", "Tokenizer", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			o.Tokenizer = "preset:nope"
		}},
		{"text encoder of another width", "TextEncoder", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			o.TextEncoder = diffusion.TextEncoderBuiltin
		}},
		{"text encoder folder missing", "TextEncoder", func(_ *diffusion.Config, _ *diffusion.TrainData, o *diffusion.TrainRunOptions) {
			o.TextEncoder = filepath.Join(dir, "no-such-t5")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := filepath.Join(dir, "run")
			cfg, td, opts := tinyRun(t, data, run, 2)
			tc.edit(&cfg, &td, &opts)
			_, err := diffusion.Train(context.Background(), goBackend(), cfg, td, opts)
			var oe *diffusion.OptionError
			if !errors.As(err, &oe) || oe.Option != tc.option {
				t.Fatalf("got %v (%T), want an *OptionError for %s", err, err, tc.option)
			}
			if _, err := os.Stat(run); !os.IsNotExist(err) {
				t.Errorf("the refused call made the run folder (%v)", err)
			}
		})
	}
	// A bad loop configuration is train.Config.Validate's error, also before any work.
	cfg, td, opts := tinyRun(t, data, filepath.Join(dir, "run"), 0)
	var ce *train.ConfigError
	if _, err := diffusion.Train(context.Background(), goBackend(), cfg, td, opts); !errors.As(err, &ce) {
		t.Errorf("0 steps: %v (%T), want a *train.ConfigError", err, err)
	}
}
