package autoregressive_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
)

// TestTrainMedusa trains a tiny base briefly, then Medusa heads on it: the heads' loss falls,
// the base's weights are untouched, a stopped run resumes exactly, and greedy decoding with the trained heads gives the
// base's tokens (batch 1 and 2) in fewer decoder calls.
func TestTrainMedusa(t *testing.T) {
	dir := t.TempDir()
	shards := tokenShards(t, dir, 3)
	ctx := context.Background()
	base := filepath.Join(dir, "base")
	bopts := tinyTrain(t, shards, base, 17, 16)
	bopts.Loop.Schedule, bopts.Loop.LR, bopts.Loop.EMADecay = train.ScheduleConstant, 1e-2, 0
	if _, err := autoregressive.Train(ctx, testutil.Backend(), bopts); err != nil {
		t.Fatal(err)
	}
	loop := train.DefaultConfig()
	run := filepath.Join(dir, "medusa")
	loop.Dir, loop.Steps, loop.WarmupSteps, loop.LR, loop.Schedule, loop.CheckpointEvery, loop.LogEvery, loop.Progress =
		run, 16, 1, 1e-2, train.ScheduleConstant, 100, 1, false
	opts := autoregressive.MedusaOptions{Loop: loop, Init: base, Heads: 2, BatchSize: 2,
		Data: autoregressive.TokenSource{Dir: shards, Frames: 17}, TokenCache: filepath.Join(base, autoregressive.TokenCacheFile)}
	r, err := autoregressive.TrainMedusa(ctx, testutil.Backend(), opts)
	if err != nil {
		t.Fatal(err)
	}
	history, err := train.ReadMetrics(r.Run.MetricsPath)
	if err != nil || len(history) != 16 {
		t.Fatalf("%d metrics lines: %v", len(history), err)
	}
	first, last := history[0].Loss, history[15].Loss
	t.Logf("Medusa loss (2 heads) %.3f at step 1, %.3f at step 16", first, last)
	if !(last < 0.8*first) || r.Config.MedusaHeads != 2 {
		t.Errorf("Medusa loss %.3f at step 1, %.3f at step 16; config %+v", first, last, r.Config)
	}
	// Every base tensor is the same, bit for bit; the heads were added.
	baseT, medT := readTensors(t, filepath.Join(base, autoregressive.WeightsFile)), readTensors(t, r.Weights)
	heads := 0
	for name, data := range medT {
		if strings.HasPrefix(name, autoregressive.MedusaName) {
			heads++
		} else if !bytes.Equal(data, baseT[name]) {
			t.Errorf("base tensor %s changed", name)
		}
	}
	if heads != 4 || len(medT) != len(baseT)+4 {
		t.Errorf("%d Medusa tensors, %d tensors beside the base's %d", heads, len(medT), len(baseT))
	}

	// Stopped after step 8 and resumed: the same heads as the uninterrupted run.
	parts := opts
	parts.Loop.Dir, parts.StopAt = filepath.Join(dir, "parts"), 8
	if _, err := autoregressive.TrainMedusa(ctx, testutil.Backend(), parts); err != nil {
		t.Fatal(err)
	}
	parts.StopAt = 0
	resumed, err := autoregressive.TrainMedusa(ctx, testutil.Backend(), parts)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Run.ResumedFrom != 8 || resumed.Run.Loss != r.Run.Loss {
		t.Errorf("resumed from %d with last loss %v, uninterrupted %v", resumed.Run.ResumedFrom, resumed.Run.Loss, r.Run.Loss)
	}
	testutil.SameTensors(t, resumed.Weights, r.Weights)

	// Greedy: the same tokens with and without the heads, fewer calls with them.
	g, err := autoregressive.Open(testutil.Backend(), run, autoregressive.Options{NoGuardrails: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	clips := readClips(t, shards)
	for _, batch := range []int{1, 2} {
		var videos []autoregressive.Video
		for i := range batch {
			videos = append(videos, autoregressive.Video{Input: clips[i], Seed: uint64(i)})
		}
		req := autoregressive.GenerateRequest{Videos: videos, CondFrames: 1}
		plain, err := g.Generate(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		req.Medusa = true
		med, err := g.Generate(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("B=%d: plain %d calls, Medusa %d calls (acceptance length %.2f, %d of %d guesses accepted)",
			batch, plain.Calls, med.Calls, med.AcceptanceLength, med.Accepted, med.Guessed)
		for i := range videos {
			if !slices.Equal(plain.IDs[i], med.IDs[i]) {
				t.Errorf("B=%d video %d: Medusa %v, plain %v", batch, i, med.IDs[i], plain.IDs[i])
			}
		}
		if med.Calls > plain.Calls {
			t.Errorf("B=%d: Medusa made %d calls, plain %d", batch, med.Calls, plain.Calls)
		}
	}

	// Options that cannot work are *OptionErrors naming the option.
	for option, edit := range map[string]func(*autoregressive.MedusaOptions){
		"Heads": func(o *autoregressive.MedusaOptions) { o.Heads = 0 },
		"Init":  func(o *autoregressive.MedusaOptions) { o.Init = "" },
		"Data":  func(o *autoregressive.MedusaOptions) { o.Data.Dir = "" },
	} {
		o := opts
		o.Loop.Dir = filepath.Join(dir, "bad-"+option)
		edit(&o)
		_, err := autoregressive.TrainMedusa(ctx, testutil.Backend(), o)
		var oe *autoregressive.OptionError
		if !errors.As(err, &oe) || oe.Option != option {
			t.Errorf("%s: %v", option, err)
		}
	}
}

// readTensors returns the bytes of every tensor of a safetensors file, by name.
func readTensors(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	for _, info := range f.Infos() {
		x, err := f.Read(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[info.Name] = x.Data
	}
	return out
}

// readClips returns the videos of the shards.
func readClips(t *testing.T, shards string) []*video.Clip {
	t.Helper()
	var clips []*video.Clip
	err := dataset.ReadVideos(context.Background(), shards, "synth", dataset.VideoOptions{}, func(s *dataset.VideoSample) error {
		clips = append(clips, s.Clip)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return clips
}
