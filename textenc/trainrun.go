package textenc

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/textenc/spm"
	"github.com/wfm-platform/wfm/train"

	"github.com/wfm-platform/wfm/internal/dirlock"
)

// RunOptions describe a whole training run of an encoder (wfm train textenc): the masked-token
// training of TrainMasked, its held-out measure and the export.
type RunOptions struct {
	// Tokenizer is a SentencePiece unigram model file; empty is the built-in one.
	Tokenizer string
	// Preset names the architecture (MaskedConfig; default BuiltinPreset).
	Preset string
	// HeldOut is the number of held-out captions (of seed CaptionSeed+1000) the masked-token
	// accuracy is measured on (default 500).
	HeldOut int
	// Export is the model folder written (Export); default Train.Dir/model.
	Export string
	// Train is the loop's configuration (checkpoints in Train.Dir, resumed from there).
	Train train.Config
	TrainOptions
}

// RunResult is the outcome of TrainRun.
type RunResult struct {
	*train.Result
	Config Config
	// UniformLoss is the cross-entropy (nats) of a uniform guess among the vocabulary: the loss
	// of knowing nothing.
	UniformLoss float64
	// HeldOutAccuracy is the fraction of masked held-out tokens predicted exactly.
	HeldOutAccuracy float64
	// Export is the model folder written.
	Export string
}

// PresetError is TrainRun's error for a preset that does not exist or does not fit the
// tokenizer.
type PresetError struct{ Err error }

func (e *PresetError) Error() string { return e.Err.Error() }
func (e *PresetError) Unwrap() error { return e.Err }

// TrainRun trains an encoder as 'wfm train textenc' does: it reads the tokenizer, trains the
// preset to predict masked tokens of the synthetic captions (TrainMasked, resuming from
// o.Train.Dir), measures the held-out masked-token accuracy and writes the model folder that
// Load reads.
func TrainRun(ctx context.Context, b compute.Backend, o RunOptions) (*RunResult, error) {
	if o.Preset == "" {
		o.Preset = BuiltinPreset
	}
	if o.HeldOut == 0 {
		o.HeldOut = 500
	}
	if o.Export == "" {
		o.Export = filepath.Join(o.Train.Dir, "model")
	}
	// One writer per run folder: a second run on it is refused, naming the first.
	lock, err := dirlock.Acquire(o.Train.Dir, "wfm train textenc")
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	var tokBytes []byte
	if o.Tokenizer == "" {
		tokBytes, err = BuiltinTokenizer()
	} else {
		tokBytes, err = os.ReadFile(o.Tokenizer)
	}
	if err != nil {
		return nil, err
	}
	tok, err := spm.Parse(tokBytes)
	if err != nil {
		return nil, fmt.Errorf("train textenc: tokenizer %s: %w", o.Tokenizer, err)
	}
	cfg, err := MaskedConfig(o.Preset, tok)
	if err != nil {
		return nil, &PresetError{err}
	}
	res, m, err := TrainMasked(ctx, b, cfg, tok, o.Train, o.TrainOptions)
	if err != nil {
		return nil, err
	}
	heldOut, err := SyntheticCaptions(o.HeldOut, o.CaptionSeed+1000)
	if err != nil {
		return nil, err
	}
	acc, err := MaskedAccuracy(m, heldOut, o.TrainOptions, o.Train.Seed+1000)
	if err != nil {
		return nil, err
	}
	if err := Export(o.Export, m, tokBytes); err != nil {
		return nil, err
	}
	return &RunResult{Result: res, Config: cfg, UniformLoss: math.Log(float64(cfg.VocabSize)), HeldOutAccuracy: acc, Export: o.Export}, nil
}
