package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
)

// killHelperEnv, when set, makes TestKillHelperProcess run a server on the data folder it
// names and write its address to DIR/addr.
const killHelperEnv = "WFM_SERVE_KILL_HELPER_DIR"

// TestKillHelperProcess is not a test: it is the server TestKillRecovery starts (a re-execution
// of this test binary) and kills with SIGKILL.
func TestKillHelperProcess(t *testing.T) {
	dir := os.Getenv(killHelperEnv)
	if dir == "" {
		t.Skip("helper process of TestKillRecovery")
	}
	s, err := New(Config{Models: []string{tinyModel}, DataDir: filepath.Join(dir, "data"), MaxQueue: 100,
		Backend: testutil.Backend(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(4)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "addr"), []byte(ln.Addr().String()), 0o644); err != nil {
		os.Exit(5)
	}
	_ = s.Serve(context.Background(), ln)
	os.Exit(0)
}

// TestKillRecovery: jobs are submitted to a server process that is killed with SIGKILL while
// it works through them; a new server on the same data folder serves the jobs finished before
// the kill unchanged and runs every other accepted job: none is lost or run to completion twice.
func TestKillRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), killHelperEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == ""; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the server process did not start: %s", stderr.String())
		}
		data, _ := os.ReadFile(filepath.Join(dir, "addr"))
		addr = string(data)
	}
	base := "http://" + addr
	const jobs = 12
	var ids []string
	for i := range jobs {
		job := tinyJob(uint64(100 + i))
		job["steps"] = 30 // about 0.1 s a job here: the kill comes with most still to do
		body, _ := json.Marshal(job)
		resp, err := http.Post(base+"/v1/videos", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var v Video
		json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("submit %d: %d", i, resp.StatusCode)
		}
		ids = append(ids, v.ID)
	}
	// Kill it once some jobs are done and others are not.
	before := map[string]Video{}
	for deadline := time.Now().Add(30 * time.Second); len(before) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no job finished before the kill")
		}
		for _, id := range ids {
			resp, err := http.Get(base + "/v1/videos/" + id)
			if err != nil {
				t.Fatal(err)
			}
			var v Video
			json.NewDecoder(resp.Body).Decode(&v)
			resp.Body.Close()
			if v.Status == StatusCompleted {
				before[id] = v
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(before) == jobs {
		t.Skip("every job finished before the kill: nothing to recover on this machine")
	}
	t.Logf("killed with %d of %d jobs finished", len(before), jobs)

	ts := startServer(t, Config{Models: []string{tinyModel}, DataDir: filepath.Join(dir, "data"), MaxQueue: 100})
	for _, id := range ids {
		v := ts.wait(t, id)
		if v.Status != StatusCompleted {
			t.Fatalf("job %s after the restart: %s %+v", id, v.Status, v.Error)
		}
		if b, ok := before[id]; ok && (v.Attempts != b.Attempts || !v.FinishedAt.Equal(*b.FinishedAt)) {
			t.Fatalf("job %s finished before the kill was run again: attempts %d -> %d", id, b.Attempts, v.Attempts)
		}
		r := ts.do(t, "GET", "/v1/videos/"+id+"/content?format=y4m", "", nil, nil)
		if r.StatusCode != 200 {
			t.Fatalf("content of %s: %d", id, r.StatusCode)
		}
		if c, err := video.DecodeY4M(r.Body, id, video.Options{}); err != nil || c.Frames != 9 {
			t.Fatalf("content of %s: %v", id, err)
		}
	}
	var list VideoList
	ts.do(t, "GET", "/v1/videos?limit=100", "", nil, &list)
	if len(list.Data) != jobs {
		t.Fatalf("the database lists %d jobs, want %d", len(list.Data), jobs)
	}
}
