//go:build unix

package curate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNonRegularInputsQuarantined: a named pipe and a folder named like a video are listed,
// quarantined as not_regular (not corrupt) without blocking, and the run goes on with the
// other sources. Before, a pipe blocked the run forever in ffprobe.
func TestNonRegularInputsQuarantined(t *testing.T) {
	needFFmpeg(t)
	dir, truth := smallCorpus(t, "y4m", 32)
	fifo := filepath.Join(dir, "pipe.mp4")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	folder := filepath.Join(dir, "folder.y4m")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	// ListInputs keeps the pipe (so it is reported) and walks into the folder.
	inputs, _, err := ListInputs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(inputs, fifo) {
		t.Fatalf("ListInputs %v lacks the pipe", inputs)
	}

	// A pipe given as the input itself (a list file) is refused without opening it.
	listDone := make(chan error, 1)
	go func() { _, _, err := ListInputs(fifo); listDone <- err }()
	select {
	case err := <-listDone:
		if !errors.Is(err, ErrNotListable) || !strings.Contains(err.Error(), fifo) {
			t.Errorf("ListInputs(pipe) = %v, want ErrNotListable naming it", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListInputs(pipe) still blocked after 10 s")
	}

	// The decode stage alone.
	for _, p := range []string{fifo, folder} {
		q := decodeWithin(t, p)
		if q == nil || q.Kind != "not_regular" || !strings.Contains(q.Reason, p) {
			t.Errorf("%s: quarantine %+v, want not_regular naming the file", p, q)
		}
	}

	// A whole run.
	in := append(corpusInputs(dir, truth), fifo, folder)
	cfg := testConfig(in, t.TempDir())
	type result struct {
		rep *Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := Run(context.Background(), cfg)
		done <- result{rep, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(3 * time.Minute):
		t.Fatal("run still blocked after 3 minutes")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	kinds := map[string]string{}
	for _, q := range res.rep.Quarantined {
		kinds[q.Source.Path] = q.Kind
	}
	if kinds[fifo] != "not_regular" || kinds[folder] != "not_regular" {
		t.Errorf("quarantined %v, want the pipe and the folder as not_regular", kinds)
	}
	if res.rep.Drops["quarantined:not_regular"] != 2 || res.rep.Kept == 0 {
		t.Errorf("drops %v, kept %d", res.rep.Drops, res.rep.Kept)
	}
}

func decodeWithin(t *testing.T, path string) *Quarantine {
	t.Helper()
	done := make(chan *Quarantine, 1)
	go func() {
		_, q, err := DecodeStage{}.Decode(context.Background(), NewSource(path))
		if err != nil {
			t.Error(err)
		}
		done <- q
	}()
	select {
	case q := <-done:
		return q
	case <-time.After(10 * time.Second):
		t.Fatalf("Decode(%s) still blocked after 10 s", path)
		return nil
	}
}
