package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/wfm-platform/wfm/weights"
)

// ErrDiverged is returned (wrapped) when a step's loss or gradient norm is NaN or infinite.
// No checkpoint is written for that step, so the newest checkpoint stays a finite one.
var ErrDiverged = errors.New("train: loss or gradient norm is not finite")

// EvalFn evaluates the model after step and returns named metrics for the metrics log. It is
// handed the live Store and must not change it (in particular it must not draw from the
// Store's random generator, which would change the rest of the run): build a separate
// model.Exec on an ExportStore copy, with the EMA weights if wanted.
type EvalFn func(ctx context.Context, store *model.Store, step int) (map[string]float64, error)

// Option configures Run.
type Option func(*runOptions)

type runOptions struct {
	eval        EvalFn
	logger      *slog.Logger
	modelConfig any
}

// WithEval evaluates every Config.EvalEvery steps and at the last step.
func WithEval(fn EvalFn) Option { return func(o *runOptions) { o.eval = fn } }

// WithLogger sets where Run logs (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *runOptions) { o.logger = l } }

// WithModelConfig gives the model's config, saved as model.json beside every checkpoint's
// model.safetensors (see weights.SaveStore).
func WithModelConfig(config any) Option { return func(o *runOptions) { o.modelConfig = config } }

// Result summarises a call to Run.
type Result struct {
	Step        int           // steps completed: Config.Steps unless interrupted
	ResumedFrom int           // step of the checkpoint the call resumed, 0 if it started fresh
	Loss        float32       // loss of the last step taken by this call; NaN if it took none
	Checkpoint  string        // folder of the newest checkpoint, "" if none
	MetricsPath string        // the JSON Lines log
	PlotPath    string        // the loss curve, "" if nothing was logged yet
	Elapsed     time.Duration // training time of all the runs of this folder
}

// Run trains store by minimising loss over the batches of data for cfg.Steps steps, in
// cfg.Dir. If that folder holds a checkpoint, Run resumes from the newest complete one:
// variables (weights, optimizer moments, EMA, step counter, random generator), loader
// position and elapsed time are restored, so the rest of the run is bit for bit the run that
// was interrupted. It writes a checkpoint every cfg.CheckpointEvery steps and at the end,
// appends metrics.jsonl, and draws loss.png when it returns.
//
// When ctx is cancelled, Run finishes the step in progress, writes a checkpoint and returns
// the Result with an error wrapping ctx.Err(); give it a context from
// signal.NotifyContext(ctx, os.Interrupt) and Ctrl-C stops a run without losing a step.
func Run(ctx context.Context, backend compute.Backend, store *model.Store, loss LossFn, data Loader,
	cfg Config, opts ...Option) (*Result, error) {
	o := runOptions{logger: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("train: Run needs a Loader")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := removeStaleTemporaries(cfg.Dir); err != nil {
		return nil, err
	}
	r := &runner{ctx: ctx, store: store, data: data, cfg: cfg, opts: o, start: time.Now(),
		res: &Result{
			Loss:        float32(math.NaN()),
			MetricsPath: filepath.Join(cfg.Dir, MetricsFile),
		}}
	ckpt, err := latestCheckpoint(cfg.Dir, o.logger)
	if err != nil {
		return nil, err
	}
	if ckpt != nil {
		if err := r.restoreLoader(ckpt); err != nil {
			return nil, err
		}
	} else {
		o.logger.Info("train: starting", "dir", cfg.Dir, "steps", cfg.Steps)
	}
	if r.trainer, err = NewTrainer(backend, store, loss, cfg); err != nil {
		return nil, err
	}
	if ckpt == nil && r.trainer.Step() != 0 {
		return nil, fmt.Errorf("train: the store has taken %d steps already (variable global_step) but %s has no checkpoint: "+
			"start from a store without training state (see ExportStore)", r.trainer.Step(), cfg.Dir)
	}
	if ckpt != nil && ckpt.Step >= cfg.Steps {
		// Nothing left to train: hand back the trained variables.
		if err := r.loadVariables(ckpt); err != nil {
			return nil, err
		}
	}
	r.res.Step = r.saved
	if r.log, r.history, err = openMetrics(r.res.MetricsPath, r.saved); err != nil {
		return nil, err
	}
	err = r.loop(ckpt)
	if ferr := r.finish(); err == nil {
		err = ferr
	}
	return r.res, err
}

// runner is the state of one call to Run.
type runner struct {
	ctx     context.Context
	store   *model.Store
	data    Loader
	cfg     Config
	opts    runOptions
	trainer *Trainer
	log     *metricsLog
	history []Metrics
	res     *Result

	start       time.Time // of this call
	elapsed0    float64   // training seconds of the runs before this one
	saved       int       // step of the newest checkpoint
	lastLog     time.Time
	lastLogStep int
}

func (r *runner) elapsed() float64 { return r.elapsed0 + time.Since(r.start).Seconds() }

// restoreLoader puts the loader where it was at ckpt.
func (r *runner) restoreLoader(ckpt *Checkpoint) error {
	r.opts.logger.Info("train: resuming", "checkpoint", ckpt.Dir, "step", ckpt.Step)
	if old, now := numericFields(ckpt.State.Config), numericFields(r.cfg); old != now {
		r.opts.logger.Warn("train: the config differs from the checkpoint's: the run will not match an uninterrupted one",
			"checkpoint", fmt.Sprintf("%+v", old), "now", fmt.Sprintf("%+v", now))
	}
	if err := r.data.Restore(ckpt.State.Loader); err != nil {
		return &CheckpointError{Path: ckpt.Dir, Err: fmt.Errorf("restore the loader: %w", err)}
	}
	r.saved, r.elapsed0 = ckpt.Step, ckpt.State.ElapsedSeconds
	r.res.ResumedFrom, r.res.Checkpoint = ckpt.Step, ckpt.Dir
	return nil
}

// loadVariables sets the Store's variables from ckpt and checks the step counter agrees.
func (r *runner) loadVariables(ckpt *Checkpoint) error {
	if err := weights.LoadStore(ckpt.ModelPath(), r.store); err != nil {
		return &CheckpointError{Path: ckpt.Dir, Err: err}
	}
	if err := r.trainer.syncStep(); err != nil {
		return &CheckpointError{Path: ckpt.Dir, Err: err}
	}
	if r.trainer.Step() != ckpt.Step {
		return &CheckpointError{Path: ckpt.Dir, Err: fmt.Errorf("its variable global_step says %d, %s says %d",
			r.trainer.Step(), StateFile, ckpt.Step)}
	}
	return nil
}

// resume compiles the step for batch (creating the variables in the order a fresh run
// creates them, so the step graph is the same), loads ckpt into them, and checks that it
// held every variable the step uses: one it lacks would start from scratch (an EMA from
// zero, say) and the run would not continue the interrupted one.
func (r *runner) resume(ckpt *Checkpoint, batch []*tensors.Tensor) error {
	if err := r.trainer.Compile(batch); err != nil {
		return err
	}
	if err := r.loadVariables(ckpt); err != nil {
		return err
	}
	for v := range r.store.IterVariables() {
		if !v.HasValue() {
			return &CheckpointError{Path: ckpt.Dir, Err: fmt.Errorf(
				"it has no variable %s, which the training step uses (did the model or the config change?)", v.Path())}
		}
	}
	return nil
}

// numericFields blanks the fields of a Config that do not change the numbers of a run.
func numericFields(c Config) Config {
	c.Dir, c.Progress, c.LogEvery, c.EvalEvery, c.CheckpointEvery, c.KeepCheckpoints = "", false, 0, 0, 0, 0
	return c
}

// loop runs the steps left; ckpt, if not nil, is loaded once the first batch is known.
func (r *runner) loop(ckpt *Checkpoint) error {
	cfg := r.cfg
	bar := newProgressBar(cfg, r.saved, os.Stderr)
	defer func() {
		if bar != nil {
			_ = bar.Exit()
		}
	}()
	r.lastLog, r.lastLogStep = time.Now(), r.saved
	for r.trainer.Step() < cfg.Steps {
		if err := r.ctx.Err(); err != nil {
			return r.interrupt(err)
		}
		batch, err := r.data.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("train: the loader ran out of data before step %d of %d", r.trainer.Step()+1, cfg.Steps)
		}
		if err != nil {
			return fmt.Errorf("train: load batch %d: %w", r.trainer.Step()+1, err)
		}
		if ckpt != nil {
			if err := r.resume(ckpt, batch); err != nil {
				return err
			}
			ckpt = nil
		}
		stats, err := r.trainer.TrainStep(batch)
		for _, x := range batch {
			_ = x.FinalizeAll()
		}
		if err != nil {
			return err
		}
		step := stats.Step
		r.res.Step, r.res.Loss = step, stats.Loss
		if bar != nil {
			_ = bar.Add(1)
		}
		diverged := !isFinite(stats.Loss) || !isFinite(stats.GradNorm)
		evalNow := r.opts.eval != nil && !diverged &&
			(step == cfg.Steps || cfg.EvalEvery > 0 && step%cfg.EvalEvery == 0)
		if diverged || evalNow || step%cfg.LogEvery == 0 || step == cfg.Steps {
			if err := r.logStep(stats, evalNow); err != nil {
				return err
			}
			if bar != nil {
				bar.Describe(fmt.Sprintf("step %d/%d loss %.4g", step, cfg.Steps, stats.Loss))
			}
		}
		if diverged {
			return fmt.Errorf("%w at step %d (loss %v, gradient norm %v); newest checkpoint: %q",
				ErrDiverged, step, stats.Loss, stats.GradNorm, r.res.Checkpoint)
		}
		if step%cfg.CheckpointEvery == 0 || step == cfg.Steps {
			if err := r.save(); err != nil {
				return err
			}
		}
	}
	return nil
}

func isFinite(f float32) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// logStep appends the metrics line of the step just taken, evaluating first if asked.
func (r *runner) logStep(stats StepStats, eval bool) error {
	now := time.Now()
	m := Metrics{
		Step:     stats.Step,
		Loss:     Float32(stats.Loss),
		LR:       stats.LR,
		GradNorm: Float32(stats.GradNorm),
		ItPerSec: float64(stats.Step-r.lastLogStep) / now.Sub(r.lastLog).Seconds(),
		Elapsed:  r.elapsed(),
	}
	r.lastLog, r.lastLogStep = now, stats.Step
	if eval {
		values, err := r.opts.eval(r.ctx, r.store, stats.Step)
		if err != nil {
			return fmt.Errorf("train: evaluate at step %d: %w", stats.Step, err)
		}
		m.Eval = make(map[string]Float64, len(values))
		for k, v := range values {
			m.Eval[k] = Float64(v)
		}
	}
	r.history = append(r.history, m)
	return r.log.Append(m)
}

// save writes the checkpoint of the current step and deletes the ones no longer kept. The
// metrics of the steps it covers are made durable first.
func (r *runner) save() error {
	step := r.trainer.Step()
	if err := r.log.Sync(); err != nil {
		return err
	}
	loaderState, err := r.data.State()
	if err != nil {
		return fmt.Errorf("train: loader state at step %d: %w", step, err)
	}
	ckpt, err := writeCheckpoint(r.cfg.Dir, r.store, r.opts.modelConfig, CheckpointState{
		Step:           step,
		Loader:         loaderState,
		ElapsedSeconds: r.elapsed(),
		Config:         r.cfg,
	})
	if err != nil {
		return err
	}
	r.saved, r.res.Checkpoint = step, ckpt.Dir
	r.opts.logger.Debug("train: checkpoint written", "dir", ckpt.Dir)
	return pruneCheckpoints(r.cfg.Dir, r.cfg.KeepCheckpoints)
}

// interrupt saves what the cancelled run has done.
func (r *runner) interrupt(cause error) error {
	if step := r.trainer.Step(); step > r.saved {
		if err := r.save(); err != nil {
			return errors.Join(fmt.Errorf("train: interrupted at step %d: %w", step, cause), err)
		}
	}
	r.opts.logger.Info("train: interrupted", "step", r.trainer.Step(), "checkpoint", r.res.Checkpoint)
	return fmt.Errorf("train: interrupted at step %d: %w", r.trainer.Step(), cause)
}

// finish closes the metrics log and draws the loss curve.
func (r *runner) finish() error {
	r.res.Elapsed = time.Duration(r.elapsed() * float64(time.Second))
	err := r.log.Close()
	if len(r.history) > 0 {
		path := filepath.Join(r.cfg.Dir, PlotFile)
		if perr := WriteLossPlot(path, r.history); perr != nil {
			err = errors.Join(err, perr)
		} else {
			r.res.PlotPath = path
		}
	}
	return err
}

// newProgressBar returns a bar over the steps left, written to out, or nil when cfg.Progress
// is off or out is not a terminal.
func newProgressBar(cfg Config, done int, out *os.File) *progressbar.ProgressBar {
	if !cfg.Progress || !term.IsTerminal(int(out.Fd())) {
		return nil
	}
	return progressbar.NewOptions(cfg.Steps-done,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetDescription(fmt.Sprintf("step %d/%d", done, cfg.Steps)),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("step"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { _, _ = fmt.Fprintln(out) }),
	)
}
