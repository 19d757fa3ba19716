package train

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/weights"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// toyLoader serves the toy regression: 512 examples in batches of 32.
func toyLoader(t testing.TB) *SliceLoader {
	t.Helper()
	x, y := toyRegression(512, 1)
	l, err := NewSliceLoader(32, 3, x, y)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// mseEval evaluates the EMA weights on all 512 examples (dropout is off outside training).
func mseEval(t testing.TB) EvalFn {
	x, y := toyRegression(512, 1)
	backend := goBackend(t)
	return func(_ context.Context, store *model.Store, _ int) (map[string]float64, error) {
		es, err := ExportStore(store, true)
		if err != nil {
			return nil, err
		}
		out, err := model.CallOnce(backend, es, func(scope *model.Scope, x, y *graph.Node) *graph.Node {
			return mlpLoss(scope, []*graph.Node{x, y})
		}, x, y)
		if err != nil {
			return nil, err
		}
		return map[string]float64{"loss": float64(tensors.ToScalar[float32](out))}, nil
	}
}

type toyModelConfig struct {
	Hidden int `json:"hidden"`
}

// TestRunLearnsAndLogs trains the MLP, then checks the loss went down, the metrics, the
// plot, the checkpoints, and that running again on the finished folder only loads it.
func TestRunLearnsAndLogs(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(dir)
	cfg.Steps, cfg.WarmupSteps, cfg.LogEvery, cfg.EvalEvery, cfg.CheckpointEvery = 300, 20, 1, 100, 100
	cfg.EMADecay = 0.9
	store := model.NewStore()
	res, err := Run(context.Background(), goBackend(t), store, mlpLoss, toyLoader(t), cfg,
		WithEval(mseEval(t)), WithLogger(quiet), WithModelConfig(toyModelConfig{Hidden: 16}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Step != 300 || res.ResumedFrom != 0 || res.Checkpoint != filepath.Join(dir, CheckpointName(300)) {
		t.Errorf("result %+v", res)
	}

	m, err := ReadMetrics(res.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 300 {
		t.Fatalf("%d metrics lines, want 300", len(m))
	}
	var first, last float64
	for i, e := range m {
		if e.Step != i+1 {
			t.Fatalf("line %d has step %d", i, e.Step)
		}
		if e.LR != cfg.LearningRate(e.Step) {
			t.Errorf("step %d: lr %v, schedule says %v", e.Step, e.LR, cfg.LearningRate(e.Step))
		}
		if !(e.ItPerSec > 0) || !(e.Elapsed > 0) || !isFinite(float32(e.Loss)) || !(e.GradNorm > 0) {
			t.Errorf("step %d: implausible metrics %+v", e.Step, e)
		}
		if i > 0 && e.Elapsed < m[i-1].Elapsed {
			t.Errorf("elapsed goes back at step %d", e.Step)
		}
		if _, ok := e.Eval["loss"]; ok != (e.Step%100 == 0) {
			t.Errorf("step %d: eval %v", e.Step, e.Eval)
		}
		if i < 5 {
			first += float64(e.Loss) / 5
		}
		if i >= len(m)-5 {
			last += float64(e.Loss) / 5
		}
	}
	if !(last < 0.5*first) {
		t.Errorf("the loss did not halve: %.4g over the first 5 steps, %.4g over the last 5", first, last)
	}
	if ev := float64(m[len(m)-1].Eval["loss"]); !(ev < 0.5*first) {
		t.Errorf("EMA weights evaluate at %.4g, not below half the early training loss %.4g", ev, first)
	}

	f, err := os.Open(res.PlotPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("%s: %v", res.PlotPath, err)
	}
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 100 {
		t.Errorf("plot is only %v", b)
	}

	valid, invalid, err := Checkpoints(dir)
	if err != nil || len(invalid) != 0 {
		t.Fatal(err, invalid)
	}
	var steps []int
	for _, c := range valid {
		steps = append(steps, c.Step)
	}
	if !slices.Equal(steps, []int{100, 200, 300}) {
		t.Errorf("checkpoints at %v, want 100, 200, 300", steps)
	}
	var mc toyModelConfig
	if err := weights.ReadConfig(valid[2].ModelPath(), &mc); err != nil || mc.Hidden != 16 {
		t.Errorf("model config beside the checkpoint: %+v, %v", mc, err)
	}
	before, _ := os.ReadFile(res.MetricsPath)

	// Again on the finished folder: nothing to train, the store gets the trained weights.
	again := model.NewStore()
	res2, err := Run(context.Background(), goBackend(t), again, mlpLoss, toyLoader(t), cfg, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	if res2.Step != 300 || res2.ResumedFrom != 300 || !math.IsNaN(float64(res2.Loss)) {
		t.Errorf("second run on a finished folder: %+v", res2)
	}
	if got, want := variableValues(t, again, "/hidden/dense/weights"), variableValues(t, store, "/hidden/dense/weights"); !slices.Equal(got, want) {
		t.Errorf("the finished run's weights were not loaded")
	}
	if after, _ := os.ReadFile(res.MetricsPath); !bytes.Equal(before, after) {
		t.Errorf("metrics changed by a run with nothing to do")
	}
}

// cancelLoader cancels a context when it serves its n-th batch.
type cancelLoader struct {
	Loader
	n      int
	cancel context.CancelFunc
}

func (c *cancelLoader) Next() ([]*tensors.Tensor, error) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return c.Loader.Next()
}

// compareRuns checks two run folders logged the same steps with bit-identical values and
// ended with the same variables.
func compareRuns(t *testing.T, want, got string) {
	t.Helper()
	a, err := ReadMetrics(filepath.Join(want, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadMetrics(filepath.Join(got, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d metrics lines, the uninterrupted run has %d", len(b), len(a))
	}
	for i := range a {
		if a[i].Step != b[i].Step || math.Float32bits(float32(a[i].Loss)) != math.Float32bits(float32(b[i].Loss)) ||
			math.Float32bits(float32(a[i].GradNorm)) != math.Float32bits(float32(b[i].GradNorm)) || a[i].LR != b[i].LR {
			t.Fatalf("line %d: step %d loss %v grad norm %v lr %v; uninterrupted: step %d loss %v grad norm %v lr %v",
				i, b[i].Step, b[i].Loss, b[i].GradNorm, b[i].LR, a[i].Step, a[i].Loss, a[i].GradNorm, a[i].LR)
		}
	}
	ca, err := LatestCheckpoint(want)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := LatestCheckpoint(got)
	if err != nil {
		t.Fatal(err)
	}
	if ca.Step != cb.Step || ca.State.ModelSHA256 != cb.State.ModelSHA256 {
		t.Errorf("final checkpoints differ: step %d sha %s vs step %d sha %s",
			cb.Step, cb.State.ModelSHA256, ca.Step, ca.State.ModelSHA256)
	}
}

// TestRunCancelThenResume: a cancelled run checkpoints the step it reached, and resuming it
// in a new store gives the uninterrupted run's numbers exactly.
func TestRunCancelThenResume(t *testing.T) {
	ref := t.TempDir()
	cfg := tinyConfig(ref)
	if _, err := Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, toyLoader(t), cfg, WithLogger(quiet)); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	cfg.Dir = dir
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Run(ctx, goBackend(t), model.NewStore(), mlpLoss, &cancelLoader{Loader: toyLoader(t), n: 17, cancel: cancel},
		cfg, WithLogger(quiet))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if res.Step != 17 || res.Checkpoint != filepath.Join(dir, CheckpointName(17)) {
		t.Fatalf("cancelled run: %+v", res)
	}
	res, err = Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, toyLoader(t), cfg, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	if res.ResumedFrom != 17 || res.Step != cfg.Steps {
		t.Errorf("resumed run: %+v", res)
	}
	compareRuns(t, ref, dir)
}

// copyDir copies a run folder (flat files and one level of checkpoint folders).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDamagedCheckpointIsSkipped damages the newest checkpoint in several ways: each time
// LatestCheckpoint warns and picks the previous one, and a resumed run redoes the lost steps
// exactly and replaces the damaged folder.
func TestDamagedCheckpointIsSkipped(t *testing.T) {
	ref := t.TempDir()
	cfg := tinyConfig(ref)
	cfg.Steps, cfg.KeepCheckpoints = 20, 0
	if _, err := Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, toyLoader(t), cfg, WithLogger(quiet)); err != nil {
		t.Fatal(err)
	}
	newest := CheckpointName(20)
	damages := []struct {
		name   string
		damage func(ckpt string) error
	}{
		{"flipped model byte", func(ckpt string) error {
			p := filepath.Join(ckpt, ModelFile)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data[len(data)-3] ^= 0x40
			return os.WriteFile(p, data, 0o644)
		}},
		{"truncated model", func(ckpt string) error { return os.Truncate(filepath.Join(ckpt, ModelFile), 100) }},
		{"missing state", func(ckpt string) error { return os.Remove(filepath.Join(ckpt, StateFile)) }},
		{"truncated state", func(ckpt string) error { return os.Truncate(filepath.Join(ckpt, StateFile), 40) }},
		{"state of another step", func(ckpt string) error {
			data, err := os.ReadFile(filepath.Join(ckpt, StateFile))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(ckpt, StateFile), bytes.Replace(data, []byte(`"step": 20`), []byte(`"step": 21`), 1), 0o644)
		}},
		{"missing model", func(ckpt string) error { return os.Remove(filepath.Join(ckpt, ModelFile)) }},
	}
	for i, tc := range damages {
		dir := t.TempDir()
		copyDir(t, ref, dir)
		if err := tc.damage(filepath.Join(dir, newest)); err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		c, err := latestCheckpoint(dir, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if c == nil || c.Step != 10 {
			t.Errorf("%s: latest checkpoint %+v, want step 10", tc.name, c)
		}
		if !strings.Contains(logs.String(), "WARN") || !strings.Contains(logs.String(), newest) {
			t.Errorf("%s: no warning naming %s in %q", tc.name, newest, logs.String())
		}
		if i > 0 {
			continue // one full resume is enough
		}
		cfg.Dir = dir
		res, err := Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, toyLoader(t), cfg, WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		if res.ResumedFrom != 10 {
			t.Errorf("%s: resumed from %d, want 10", tc.name, res.ResumedFrom)
		}
		compareRuns(t, ref, dir)
		if _, err := ReadCheckpoint(filepath.Join(dir, newest)); err != nil {
			t.Errorf("%s: the damaged checkpoint was not replaced: %v", tc.name, err)
		}
	}
}

// TestKeepCheckpoints keeps the newest two, ignores and keeps a foreign folder that only
// looks like a checkpoint, and removes a temporary folder left by a killed writer.
func TestKeepCheckpoints(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{CheckpointName(1), tempPrefix + "123"} {
		if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, tempPrefix+"123", ModelFile), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := tinyConfig(dir)
	cfg.CheckpointEvery, cfg.KeepCheckpoints = 5, 2
	if _, err := Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, toyLoader(t), cfg, WithLogger(quiet)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{CheckpointName(1), CheckpointName(35), CheckpointName(40), PlotFile, MetricsFile}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("run folder holds %v, want %v", names, want)
	}
}

func TestPruneNeverDeletesNewest(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(dir)
	cfg.Steps, cfg.CheckpointEvery, cfg.KeepCheckpoints = 6, 2, 0
	if _, err := Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, toyLoader(t), cfg, WithLogger(quiet)); err != nil {
		t.Fatal(err)
	}
	for _, keep := range []int{0, 3, 1} {
		if err := pruneCheckpoints(dir, keep); err != nil {
			t.Fatal(err)
		}
		valid, _, _ := Checkpoints(dir)
		wantN := min(3, keep)
		if keep == 0 {
			wantN = 3
		}
		if len(valid) != wantN || valid[len(valid)-1].Step != 6 {
			t.Errorf("keep %d: %d checkpoints left, newest %+v", keep, len(valid), valid[len(valid)-1])
		}
	}
}

// TestRunDiverges: a learning rate of 1e30 overflows the loss at step 2; Run stops with
// ErrDiverged, logs the infinite loss, and writes no checkpoint for that step.
func TestRunDiverges(t *testing.T) {
	store, batch, _, _ := linearProblem(t, []float32{0, 0, 0, 0})
	l, err := NewSliceLoader(8, 1, batch...)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sgdConfig(1e30)
	cfg.Dir, cfg.CheckpointEvery, cfg.LogEvery, cfg.Progress = t.TempDir(), 1, 1, false
	res, err := Run(context.Background(), goBackend(t), store, linearLoss, l, cfg, WithLogger(quiet))
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("Run: %v, want ErrDiverged", err)
	}
	if res.Step != 2 || res.Checkpoint != filepath.Join(cfg.Dir, CheckpointName(1)) {
		t.Errorf("result %+v", res)
	}
	m, err := ReadMetrics(res.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || isFinite(float32(m[1].Loss)) {
		t.Errorf("metrics %+v, want step 2 with a non-finite loss", m)
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, CheckpointName(2))); !os.IsNotExist(err) {
		t.Errorf("a checkpoint was written for the diverged step: %v", err)
	}
}

func TestRunRefusesTrainedStoreInEmptyFolder(t *testing.T) {
	store, batch, _, _ := linearProblem(t, []float32{1, 2, 3, 4})
	tr, err := NewTrainer(goBackend(t), store, linearLoss, sgdConfig(0.01))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainStep(batch); err != nil {
		t.Fatal(err)
	}
	l, _ := NewSliceLoader(8, 1, batch...)
	cfg := sgdConfig(0.01)
	cfg.Dir = t.TempDir()
	if _, err := Run(context.Background(), goBackend(t), store, linearLoss, l, cfg, WithLogger(quiet)); err == nil ||
		!strings.Contains(err.Error(), "global_step") {
		t.Errorf("Run on a trained store without checkpoint: %v", err)
	}
}

func TestProgressBarOnlyOnTerminals(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	cfg := tinyConfig(t.TempDir())
	for _, progress := range []bool{false, true} {
		cfg.Progress = progress
		if bar := newProgressBar(cfg, 0, w); bar != nil {
			t.Errorf("progress %v: a bar on a pipe", progress)
		}
	}
}
