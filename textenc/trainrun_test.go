package textenc

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/train"
)

func TestTrainRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := t.TempDir()
	tc := train.DefaultConfig()
	tc.Steps, tc.WarmupSteps, tc.Seed, tc.Dir = 2, 0, 1, filepath.Join(dir, "run")
	opts := DefaultTrainOptions()
	opts.Captions, opts.BatchSize, opts.Copies = 16, 8, 1
	for _, tc := range []struct {
		name      string
		o         RunOptions
		export    string
		presetErr bool
		fails     bool
	}{
		{name: "default export folder", o: RunOptions{HeldOut: 8, Train: tc, TrainOptions: opts}, export: filepath.Join(tc.Dir, "model")},
		{name: "unknown preset", o: RunOptions{Preset: "nope", Train: tc, TrainOptions: opts}, presetErr: true},
		{name: "missing tokenizer", o: RunOptions{Tokenizer: filepath.Join(dir, "none.model"), Train: tc, TrainOptions: opts}, fails: true},
	} {
		res, err := TrainRun(context.Background(), testutil.Backend(), tc.o)
		var pe *PresetError
		switch {
		case tc.presetErr || tc.fails:
			if err == nil || errors.As(err, &pe) != tc.presetErr {
				t.Errorf("%s: error %v, want a *PresetError: %v", tc.name, err, tc.presetErr)
			}
			continue
		case err != nil:
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Step != 2 || res.Export != tc.export || res.HeldOutAccuracy < 0 || res.HeldOutAccuracy > 1 ||
			math.Abs(res.UniformLoss-math.Log(float64(res.Config.VocabSize))) > 1e-12 {
			t.Errorf("%s: %+v", tc.name, res)
		}
		if _, err := Load(res.Export, WithMaxLen(16)); err != nil {
			t.Errorf("%s: the exported model does not load: %v", tc.name, err)
		}
	}
}
