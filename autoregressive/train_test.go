package autoregressive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/world/synth"
)

// longShards writes n synthetic physics clips of 33 frames at 32x32 (5 latent frames of 2x2
// DV8x16x16 tokens) under dir.
func longShards(t testing.TB, dir string, n int) string {
	t.Helper()
	o := synth.DefaultOptions()
	o.Out, o.N, o.Width, o.Height, o.Frames, o.Workers, o.Seed = filepath.Join(dir, "shards33"), n, 32, 32, 33, 1, 5
	if _, err := synth.Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
	return o.Out
}

// tinyTrain is a run of the tiny preset on shards: seconds on a CPU.
func tinyTrain(t testing.TB, shards, dir string, frames, steps int) autoregressive.TrainOptions {
	t.Helper()
	cfg, err := autoregressive.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	tc := train.DefaultConfig()
	tc.Dir, tc.Steps, tc.WarmupSteps, tc.LR, tc.CheckpointEvery, tc.LogEvery, tc.Progress, tc.EMADecay = dir, steps, 1, 3e-3, 100, 1, false, 0.9
	return autoregressive.TrainOptions{Loop: tc, Config: cfg, Tokenizer: dvTokenizer,
		Data: autoregressive.TokenSource{Dir: shards, Frames: frames}, BatchSize: 2}
}

// TestTrainLowersLoss trains on one repeated window: the loss of the last step is well below
// the first's (about ln 64000 ≈ 11.1 for an untrained model over 64,000 ids).
func TestTrainLowersLoss(t *testing.T) {
	dir := t.TempDir()
	opts := tinyTrain(t, tokenShards(t, dir, 1), filepath.Join(dir, "run"), 17, 12)
	opts.BatchSize, opts.Loop.Schedule, opts.Loop.LR = 1, train.ScheduleConstant, 1e-2
	r, err := autoregressive.Train(context.Background(), testutil.Backend(), opts)
	if err != nil {
		t.Fatal(err)
	}
	history, err := train.ReadMetrics(r.Run.MetricsPath)
	if err != nil || len(history) != 12 {
		t.Fatalf("%d metrics lines: %v", len(history), err)
	}
	first, last := float64(history[0].Loss), float64(history[11].Loss)
	t.Logf("loss %.3f at step 1, %.3f at step 12", first, last)
	if !(first > 10 && first < 12.5) || !(last < 0.7*first) {
		t.Errorf("loss %.3f at step 1, %.3f at step 12: want about 11.1, then below 70%% of it", first, last)
	}
	if r.Config.VocabSize != 64000 || r.Config.MaxT != 3 || r.Info.Stage != (autoregressive.Stage{Number: 1, Frames: 3, CondFrames: 1}) ||
		r.Info.Grid != (autoregressive.Grid{T: 3, H: 2, W: 2}) {
		t.Errorf("config %+v, info %+v", r.Config, r.Info)
	}
	// The folder is a model: LoadModel reads it, ReadTrainInfo names the tokenizer.
	if _, cfg, err := autoregressive.LoadModel(filepath.Join(dir, "run"), false); err != nil || cfg != r.Config {
		t.Errorf("LoadModel: %+v, %v", cfg, err)
	}
	if info, err := autoregressive.ReadTrainInfo(r.Weights); err != nil || !info.Tokenizer.Same(r.Info.Tokenizer) || info.Tokenizer.SHA256 == "" {
		t.Errorf("ReadTrainInfo: %+v, %v", info, err)
	}
}

// TestTrainResume stops a run after step 1 and resumes it to step 3: the same last loss and
// the same exported weights as the uninterrupted run, the tokens read from the run's cache, and
// the held-out clip scored.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	shards := tokenShards(t, dir, 3)
	ctx := context.Background()
	whole := tinyTrain(t, shards, filepath.Join(dir, "whole"), 17, 3)
	whole.ValClips, whole.BatchSize = 1, 2
	want, err := autoregressive.Train(ctx, testutil.Backend(), whole)
	if err != nil {
		t.Fatal(err)
	}
	if want.Clips != 2 || want.ValClips != 1 {
		t.Errorf("%d training and %d held-out clips", want.Clips, want.ValClips)
	}
	history, err := train.ReadMetrics(want.Run.MetricsPath)
	if err != nil || len(history) == 0 {
		t.Fatal(err)
	}
	ev := history[len(history)-1].Eval
	if ev["val_loss"] <= 0 || ev["val_accuracy"] < 0 || ev["val_accuracy"] > 1 {
		t.Errorf("held-out metrics %v", ev)
	}
	// The copy baseline, counted here from the cache: the held-out clip's frames 1 and 2 against
	// its frame 0.
	cache, err := autoregressive.LoadTokenCache(filepath.Join(dir, "whole", autoregressive.TokenCacheFile))
	if err != nil {
		t.Fatal(err)
	}
	held, fr, hits := cache.Clip(2), cache.Height*cache.Width, 0
	for p := fr; p < 3*fr; p++ {
		if held[p] == held[p%fr] {
			hits++
		}
	}
	if want := float64(hits) / float64(2*fr); float64(ev["val_copy_accuracy"]) != want {
		t.Errorf("val_copy_accuracy %v, want %v", ev["val_copy_accuracy"], want)
	}
	parts := filepath.Join(dir, "parts")
	for _, tc := range []struct {
		stopAt, step, resumedFrom int
		cached                    bool
	}{{1, 1, 0, false}, {0, 3, 1, true}} {
		opts := tinyTrain(t, shards, parts, 17, 3)
		opts.ValClips, opts.BatchSize, opts.StopAt = 1, 2, tc.stopAt
		var log bytes.Buffer
		opts.Log = &log
		r, err := autoregressive.Train(ctx, testutil.Backend(), opts)
		if err != nil {
			t.Fatalf("StopAt %d: %v", tc.stopAt, err)
		}
		if r.Run.Step != tc.step || r.Run.ResumedFrom != tc.resumedFrom || strings.Contains(log.String(), "tokens from") != tc.cached {
			t.Errorf("StopAt %d: step %d resumed from %d, log %q", tc.stopAt, r.Run.Step, r.Run.ResumedFrom, log.String())
		}
		if tc.stopAt == 0 {
			if r.Run.Loss != want.Run.Loss {
				t.Errorf("resumed run's last loss %v, uninterrupted %v", r.Run.Loss, want.Run.Loss)
			}
			testutil.SameTensors(t, r.Weights, want.Weights)
		}
	}
	// Resuming the folder at another stage is refused before any training.
	opts := tinyTrain(t, shards, parts, 17, 4)
	opts.ValClips, opts.Stage = 1, autoregressive.StageLongContext
	_, err = autoregressive.Train(ctx, testutil.Backend(), opts)
	var oe *autoregressive.OptionError
	if !errors.As(err, &oe) || oe.Option != "Stage" {
		t.Errorf("resume at stage 2: %v", err)
	}
}

// TestTrainStages runs the recipe: stage 1 on 3 of the 5 cached latent frames, stage 2 from it
// on all 5 (the temporal RoPE stretched by YaRN, scale 5/3), stage 3 from that with the hashing
// text encoder (cross-attention added), all sharing one token cache.
func TestTrainStages(t *testing.T) {
	if testing.Short() {
		t.Skip("three training runs")
	}
	dir := t.TempDir()
	shards := longShards(t, dir, 2)
	cache := filepath.Join(dir, "tokens.safetensors")
	ctx := context.Background()
	var prev string
	for _, tc := range []struct {
		stage       int
		want        autoregressive.Stage
		maxT        int
		yarn        float64
		cachedAgain bool
	}{
		{1, autoregressive.Stage{Number: 1, Frames: 3, CondFrames: 1}, 3, 0, false},
		{2, autoregressive.Stage{Number: 2, Frames: 5, CondFrames: 2}, 5, 5.0 / 3, true},
		{3, autoregressive.Stage{Number: 3, Frames: 5, CondFrames: 2, Text: true}, 5, 5.0 / 3, true},
	} {
		run := filepath.Join(dir, "stage", string(rune('0'+tc.stage)))
		opts := tinyTrain(t, shards, run, 33, 2)
		opts.Stage, opts.TokenCache, opts.TextEncoder = tc.stage, cache, diffusion.TextEncoderHash
		if prev != "" {
			opts.Init, opts.Config = prev, autoregressive.Config{}
		}
		var log bytes.Buffer
		opts.Log = &log
		r, err := autoregressive.Train(ctx, testutil.Backend(), opts)
		if err != nil {
			t.Fatalf("stage %d: %v", tc.stage, err)
		}
		if r.Info.Stage != tc.want || r.Config.MaxT != tc.maxT || r.Config.YaRNScale != tc.yarn || r.Config.CrossAttn != tc.want.Text ||
			strings.Contains(log.String(), "tokens from") != tc.cachedAgain {
			t.Errorf("stage %d: info %+v, config %+v, log %q", tc.stage, r.Info, r.Config, log.String())
		}
		if tc.want.Text && (r.Config.TextDim != 64 || r.Info.TextEncoder != diffusion.TextEncoderHash) {
			t.Errorf("stage 3: text_dim %d, encoder %q", r.Config.TextDim, r.Info.TextEncoder)
		}
		prev = run
	}
}

// TestTrainOptionErrors: options that cannot work are *OptionErrors naming the option, before
// any folder is made.
func TestTrainOptionErrors(t *testing.T) {
	dir := t.TempDir()
	shards := tokenShards(t, dir, 2)
	for _, tc := range []struct {
		option string
		edit   func(*autoregressive.TrainOptions)
	}{
		{"Tokenizer", func(o *autoregressive.TrainOptions) { o.Tokenizer = "" }},
		{"Data", func(o *autoregressive.TrainOptions) { o.Data.Dir = "" }},
		{"BatchSize", func(o *autoregressive.TrainOptions) { o.BatchSize = 0 }},
		{"Stage", func(o *autoregressive.TrainOptions) { o.Stage = 4 }},
		{"Init", func(o *autoregressive.TrainOptions) { o.Init = dir }},
		{"Config", func(o *autoregressive.TrainOptions) { o.Config.NumHeads = 5 }},
	} {
		run := filepath.Join(dir, "run-"+tc.option)
		opts := tinyTrain(t, shards, run, 17, 1)
		tc.edit(&opts)
		_, err := autoregressive.Train(context.Background(), testutil.Backend(), opts)
		var oe *autoregressive.OptionError
		if !errors.As(err, &oe) || oe.Option != tc.option {
			t.Errorf("%s: got %v", tc.option, err)
		}
		if _, err := os.Stat(run); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the refused run left %s", tc.option, run)
		}
	}
	// A cache made with another tokenizer is refused, naming it.
	run := filepath.Join(dir, "forged")
	opts := tinyTrain(t, shards, run, 17, 1)
	c, err := autoregressive.LoadOrTokenize(context.Background(), testutil.Backend(), filepath.Join(run, autoregressive.TokenCacheFile), dvTokenizer, opts.Data, autoregressive.CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c.Tokenizer.SHA256, c.Tokenizer.Path = strings.Repeat("1", 64), "dv-other.safetensors"
	if err := autoregressive.SaveTokenCache(filepath.Join(run, autoregressive.TokenCacheFile), c); err != nil {
		t.Fatal(err)
	}
	_, err = autoregressive.Train(context.Background(), testutil.Backend(), opts)
	var oe *autoregressive.OptionError
	if !errors.As(err, &oe) || oe.Option != "Tokenizer" || !strings.Contains(err.Error(), "dv-other.safetensors") {
		t.Errorf("forged cache: %v", err)
	}
}

// TestTrainHoldsFolderLock: a second writer of a run folder is refused, naming the first.
func TestTrainHoldsFolderLock(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	lock, err := dirlock.Acquire(run, "another training")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	opts := tinyTrain(t, tokenShards(t, dir, 2), run, 17, 1)
	if _, err := autoregressive.Train(context.Background(), testutil.Backend(), opts); err == nil || !strings.Contains(err.Error(), "another training") {
		t.Errorf("a locked run folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(run, autoregressive.TokenCacheFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused run wrote its token cache: %v", err)
	}
}

// ExampleTrain trains the small preset's first stage on the physics clips wfm synth wrote to
// out/data, with the committed tiny DV tokenizer, and continues with stage 2 from it.
func ExampleTrain() {
	ctx := context.Background()
	b := testutil.Backend()
	cfg, _ := autoregressive.Preset("small")
	loop := train.DefaultConfig()
	loop.Dir, loop.Steps = "out/ar/stage1", 2000
	data := autoregressive.TokenSource{Dir: "out/data", Frames: 33}
	stage1, err := autoregressive.Train(ctx, b, autoregressive.TrainOptions{Loop: loop, Config: cfg,
		Tokenizer: "tokenizer/pretrained/dv8x16x16-tiny.safetensors", Data: data,
		TokenCache: "out/ar/tokens.safetensors", BatchSize: 8, ValClips: 40})
	if err != nil {
		fmt.Println(err)
		return
	}
	loop.Dir, loop.Steps = "out/ar/stage2", 1000
	stage2, err := autoregressive.Train(ctx, b, autoregressive.TrainOptions{Loop: loop, Init: "out/ar/stage1",
		Stage: autoregressive.StageLongContext, Tokenizer: stage1.Info.Tokenizer.Path, Data: data,
		TokenCache: "out/ar/tokens.safetensors", BatchSize: 8, ValClips: 40})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(stage2.Weights, stage2.Config.YaRNScale)
}

// TestTrainHeldOutBatches: held-out clips scored in several batches give the loss of the
// exported model over all of them at once (Model.Loss on the same windows).
func TestTrainHeldOutBatches(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	opts := tinyTrain(t, tokenShards(t, dir, 3), run, 17, 1)
	opts.BatchSize, opts.ValClips, opts.Loop.EMADecay = 1, 2, 0
	r, err := autoregressive.Train(context.Background(), testutil.Backend(), opts)
	if err != nil {
		t.Fatal(err)
	}
	history, err := train.ReadMetrics(r.Run.MetricsPath)
	if err != nil || len(history) != 1 {
		t.Fatalf("%d metrics lines: %v", len(history), err)
	}
	got := float64(history[0].Eval["val_loss"])
	cache, err := autoregressive.LoadTokenCache(filepath.Join(run, autoregressive.TokenCacheFile))
	if err != nil {
		t.Fatal(err)
	}
	ids := append(append([]int32(nil), cache.Clip(1)...), cache.Clip(2)...)
	store, cfg, err := autoregressive.LoadModel(run, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := autoregressive.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return m.Loss(scope, x, r.Info.Grid, nil, nil, r.Info.Stage.CondFrames*4)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	outs, err := exec.Call(tensors.FromFlatDataAndDimensions(ids, 2, 12))
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(tensors.ToScalar[float32](outs[0])); math.Abs(got-want) > 1e-4*want {
		t.Errorf("val_loss %v in two batches, %v in one", got, want)
	}
}
