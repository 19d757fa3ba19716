package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/serve"
	"github.com/wfm-platform/wfm/serve/client"
)

// TestServeCommand: wfm serve loads the committed model, says where it listens and that it is
// loopback-only without keys, answers /v1/models, serves --reports, and exits 0 when interrupted, releasing the
// data folder for the next server.
func TestServeCommand(t *testing.T) {
	data, reports := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(reports, "serve.md"), []byte("# serve\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"serve", "--addr", "127.0.0.1:0", "--models", "../../diffusion/pretrained/tiny-v2w", "--data", data,
		"--reports", reports}
	{
		round := 0
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr lockedBuffer
		code := make(chan int, 1)
		resetServeFlags()
		// Cobra gives a subcommand the context of its first execution in the process: this one's.
		serveCmd, _, _ := rootCmd.Find([]string{"serve"})
		serveCmd.SetContext(ctx)
		go func() { code <- run(ctx, args, &stdout, &stderr) }()
		var base string
		for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: no address printed: %s %s", round, stdout.String(), stderr.String())
			}
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(stdout.String()); m != nil {
				base = m[1]
			}
		}
		if !strings.Contains(stdout.String(), "loopback only") {
			t.Errorf("no word about loopback without keys: %s", stdout.String())
		}
		resp, err := http.Get(base + "/v1/models")
		if err != nil {
			t.Fatal(err)
		}
		var models struct{ Data []struct{ Name string } }
		json.NewDecoder(resp.Body).Decode(&models)
		resp.Body.Close()
		if len(models.Data) != 1 || models.Data[0].Name != "tiny-v2w" {
			t.Fatalf("models: %+v", models)
		}
		if resp, err := http.Get(base + "/reports/serve.md"); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("--reports: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
		cancel()
		select {
		case c := <-code:
			if c != exitOK {
				t.Fatalf("round %d: exit %d: %s", round, c, stderr.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatal("wfm serve did not stop when interrupted")
		}
	}
	if _, err := os.Stat(filepath.Join(data, "jobs.db")); err != nil {
		t.Fatal(err)
	}
	// The data folder's lock was released: another server may take it.
	if err := dirlock.Probe(data, dirlock.FileName); err != nil {
		t.Fatalf("the data folder is still locked: %v", err)
	}
}

// TestServeUsage: refusals before any model loads are usage errors (exit 2).
func TestServeUsage(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keys, []byte("alice short\n"), 0o600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	model := "../../diffusion/pretrained/tiny-v2w"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--data", t.TempDir()}, "--models and --data"},
		{[]string{"serve", "--models", model, "--data", t.TempDir(), "--addr", "0.0.0.0:0"}, "no --api-keys"},
		{[]string{"serve", "--models", model, "--data", t.TempDir(), "--api-keys", keys}, "shorter than 16"},
		{[]string{"serve", "--models", model, "--data", t.TempDir(), "--addr", "nowhere"}, "HOST:PORT"},
		{[]string{"serve", "--models", model, "--data", t.TempDir(), "--workers", "0"}, "--workers"},
	} {
		var stdout, stderr lockedBuffer
		resetServeFlags()
		if code := run(context.Background(), c.args, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 naming %q", c.args[1:], code, stderr.String(), c.want)
		}
	}
}

// resetServeFlags sets wfm serve's flags back to their defaults (cobra keeps values between
// runs in one process).
func resetServeFlags() {
	cmd, _, _ := rootCmd.Find([]string{"serve"})
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		_ = f.Value.Set(f.DefValue)
		f.Changed = false
	})
}

// TestServeMatchesGenerate: a job submitted to the server (here with a condition image) gives
// the very bytes wfm generate writes for the same seed and parameters.
func TestServeMatchesGenerate(t *testing.T) {
	dir := t.TempDir()
	model, input := "../../diffusion/pretrained/tiny-v2w", "../../worldgen/testdata/free_fall_first.png"
	out := filepath.Join(dir, "cli.y4m")
	if code, _, stderr := runCLI(t, "generate", "--weights", model, "--prompt", "a red ball", "--frames", "17", "--res", "48x32",
		"--steps", "3", "--seed", "42", "--input", input, "--out", out, "--no-progress"); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serve.New(serve.Config{Models: []string{model}, DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	ctx := context.Background()
	c := client.New(hs.URL, "")
	img, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(42)
	v, err := c.CreateVideo(ctx, serve.VideoParams{Prompt: "a red ball", Frames: 17, Resolution: "48x32", Steps: 3, Seed: &seed}, img)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = c.Wait(ctx, v.ID, 0); err != nil || v.Status != serve.StatusCompleted {
		t.Fatalf("%v %+v", err, v)
	}
	got, _, err := c.Content(ctx, v.ID, "y4m")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the server's video (%d bytes) differs from wfm generate's (%d bytes)", len(got), len(want))
	}
}
