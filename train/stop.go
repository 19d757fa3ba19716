package train

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// RunUntil is Run stopped after step stopAt, with a checkpoint, as an interruption would stop it:
// the learning-rate schedule stays the one of cfg.Steps, and the same call with a larger stopAt
// (or 0, which runs to cfg.Steps) goes on from there; with the run at stopAt already it trains
// nothing and hands back the checkpoint's variables. It fails when the run is past stopAt.
func RunUntil(ctx context.Context, backend compute.Backend, store *model.Store, loss LossFn, data Loader,
	cfg Config, stopAt int, opts ...Option) (*Result, error) {
	if stopAt <= 0 || stopAt >= cfg.Steps {
		return Run(ctx, backend, store, loss, data, cfg, opts...)
	}
	start := 0
	if ckpt, err := LatestCheckpoint(cfg.Dir); err != nil {
		return nil, err
	} else if ckpt != nil {
		start = ckpt.Step
	}
	if stopAt < start {
		return nil, fmt.Errorf("train: stop at step %d: the run in %s is at step %d already", stopAt, cfg.Dir, start)
	}
	if stopAt == start {
		// Nothing to train: Run hands back the checkpoint's variables.
		done := cfg
		done.Steps = stopAt
		return Run(ctx, backend, store, loss, data, done, opts...)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := false
	loader := &stopLoader{Loader: data, left: stopAt - start, stop: func() { stopped = true; cancel() }}
	res, err := Run(ctx, backend, store, loss, loader, cfg, opts...)
	if err != nil && stopped && errors.Is(err, context.Canceled) && res != nil && res.Step == stopAt {
		err = nil
	}
	return res, err
}

// stopLoader cancels the run's context when it hands out the batch of the last step wanted:
// Run checks its context before fetching each batch, so it takes that step, writes its
// checkpoint and returns.
type stopLoader struct {
	Loader
	left int
	stop func()
}

func (l *stopLoader) Next() ([]*tensors.Tensor, error) {
	l.left--
	if l.left == 0 {
		l.stop()
	}
	return l.Loader.Next()
}
