package train

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Environment of the helper process that TestResumeAfterKill starts from the test binary.
const (
	helperDirEnv  = "WFM_TRAIN_HELPER_DIR"  // run folder; the helper runs only when set
	helperSlowEnv = "WFM_TRAIN_HELPER_SLOW" // set: sleep before each batch so the kill lands mid-run
)

// killConfig is the run the helper trains: 60 steps, a checkpoint every 5, a line every step.
func killConfig(dir string) Config {
	c := tinyConfig(dir)
	c.Steps, c.CheckpointEvery, c.KeepCheckpoints = 60, 5, 3
	return c
}

// slowLoader sleeps before each batch.
type slowLoader struct {
	Loader
	delay time.Duration
}

func (s slowLoader) Next() ([]*tensors.Tensor, error) {
	time.Sleep(s.delay)
	return s.Loader.Next()
}

// TestResumeHelperProcess is not a test: it is the training process that TestResumeAfterKill
// runs, kills and runs again.
func TestResumeHelperProcess(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("helper process of TestResumeAfterKill")
	}
	var data Loader = toyLoader(t)
	if os.Getenv(helperSlowEnv) != "" {
		data = slowLoader{data, 10 * time.Millisecond}
	}
	if _, err := Run(context.Background(), goBackend(t), model.NewStore(), mlpLoss, data, killConfig(dir), WithLogger(quiet)); err != nil {
		t.Fatal(err)
	}
}

func helperCommand(dir string, slow bool) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir)
	if slow {
		cmd.Env = append(cmd.Env, helperSlowEnv+"=1")
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// killAt starts a slowed-down training process in dir and kills it with SIGKILL once it has
// logged step killAfter (which is past a checkpoint).
func killAt(t *testing.T, dir string, killAfter int) {
	t.Helper()
	cmd, out := helperCommand(dir, true)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, _ := ReadMetrics(filepath.Join(dir, MetricsFile))
		if len(m) > 0 && m[len(m)-1].Step >= killAfter {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("step %d not logged after 30 s:\n%s", killAfter, out)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	c, err := LatestCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadMetrics(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || c.Step >= killConfig(dir).Steps || m[len(m)-1].Step <= c.Step {
		t.Fatalf("killed with checkpoint %+v and metrics up to step %d: not mid-run", c, m[len(m)-1].Step)
	}
	t.Logf("killed at step %d, newest checkpoint %d", m[len(m)-1].Step, c.Step)
}

// TestResumeAfterKill trains in a separate process, kills it with SIGKILL once it has written
// a checkpoint, resumes in a new process, and checks the metrics (loss, gradient norm and
// learning rate of every step, float32 bits included) and the final variables are exactly
// those of an uninterrupted run.
func TestResumeAfterKill(t *testing.T) {
	ref := t.TempDir()
	if cmd, out := helperCommand(ref, false); cmd.Run() != nil {
		t.Fatalf("uninterrupted run failed:\n%s", out)
	}

	// Kill twice: the first time the run starts fresh, the second time it has resumed once.
	// Each time the metrics have gone past the newest checkpoint, so the resumed run must
	// cut the lines it is about to write again.
	dir := t.TempDir()
	for _, killAfter := range []int{17, 38} {
		killAt(t, dir, killAfter)
	}
	if cmd, out := helperCommand(dir, false); cmd.Run() != nil {
		t.Fatalf("resumed run failed:\n%s", out)
	}
	compareRuns(t, ref, dir)
}
