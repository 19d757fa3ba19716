package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runCLI runs the wfm command line in-process with every flag back at its default, since cobra
// keeps flag values between executions.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var reset func(c *cobra.Command)
	reset = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				_ = f.Value.Set(f.DefValue)
				f.Changed = false
			})
		}
		for _, sub := range c.Commands() {
			reset(sub)
		}
	}
	reset(rootCmd)
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"version"}, exitOK},
		{[]string{"--help"}, exitOK},
		{[]string{"no-such-command"}, exitUsage},
		{[]string{"version", "--no-such-flag"}, exitUsage},
		{[]string{"version", "extra-arg"}, exitUsage},
		{[]string{"doctor", "--backend", "tpu"}, exitFail},
		{[]string{"bench", "--preset", "no-such-preset"}, exitUsage},
		{[]string{"bench", "--seq", "0"}, exitUsage},
		{[]string{"demo", "--prefix", "1"}, exitUsage},
		{[]string{"demo", "--steps", "0"}, exitUsage},
	}
	for _, tc := range tests {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.want {
			t.Errorf("wfm %s: exit %d, want %d (stderr %q)", strings.Join(tc.args, " "), code, tc.want, stderr)
		}
		if tc.want != exitOK && !strings.HasPrefix(stderr, "wfm: ") {
			t.Errorf("wfm %s: stderr %q lacks an error message", strings.Join(tc.args, " "), stderr)
		}
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		code, out, stderr := runCLI(t, append(path, "--help")...)
		if code != exitOK || !strings.Contains(out, "Usage:") {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", c.CommandPath(), code, out, stderr)
		}
		if c != rootCmd && c.Short == "" {
			t.Errorf("%s has no short description", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && sub.Name() != "completion" {
				walk(sub)
			}
		}
	}
	walk(rootCmd)
}

func TestDoctorJSON(t *testing.T) {
	t.Setenv("WFM_BACKEND", "")
	code, out, stderr := runCLI(t, "doctor", "--json", "--backend", "go")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r doctorReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("doctor --json is not JSON: %v\n%s", err, out)
	}
	if r.Backend.Name != "go" || r.CPU.Cores < 1 || r.MemoryMB.Total <= 0 || len(r.Tools) != 2 {
		t.Fatalf("incomplete report: %+v", r)
	}
	if r.Version.Go == "" || r.Backend.Searched == nil {
		t.Fatalf("missing version or plugin search list: %+v", r)
	}
}

func TestDoctorCUDAUnavailableExplains(t *testing.T) {
	t.Setenv("WFM_PJRT_PLUGIN", "/definitely/not/here.so")
	code, out, _ := runCLI(t, "doctor", "--backend", "cuda")
	if code != exitFail {
		t.Fatalf("exit %d, want %d", code, exitFail)
	}
	if !strings.Contains(out, "/definitely/not/here.so: no such file") {
		t.Fatalf("doctor does not say what was missing:\n%s", out)
	}
}

func TestBenchJSON(t *testing.T) {
	code, out, stderr := runCLI(t, "bench", "--backend", "go", "--preset", "tiny", "--batch", "2", "--seq", "8",
		"--steps", "2", "--warmup", "0", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r benchOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bench --json is not JSON: %v\n%s", err, out)
	}
	if r.Preset != "tiny" || r.Backend.Name != "go" || !(r.Result.GFLOPS > 0) || r.MatMul == nil || !(r.MatMul.GFLOPS > 0) {
		t.Fatalf("incomplete result: %+v", r)
	}
}

func TestSynthCLI(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "synth", "--out", out, "--n", "4", "--frames", "5", "--res", "32",
		"--scenario", "free_fall,camera_pan", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r synthResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("synth --json is not JSON: %v\n%s", err, stdout)
	}
	if r.Clips != 4 || r.Made != 4 || len(r.Shards) != 1 || r.Contact == "" {
		t.Fatalf("report %+v", r.Report)
	}
	for _, bad := range [][]string{{"synth", "--scenario", "gyroscope"}, {"synth", "--split", "test"}, {"synth", "--n", "0"}} {
		if code, _, _ := runCLI(t, append(bad, "--out", t.TempDir())...); code != exitUsage {
			t.Errorf("wfm %v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

func TestBenchDiffusionJSON(t *testing.T) {
	cfgOut := filepath.Join(t.TempDir(), "config.json")
	code, out, stderr := runCLI(t, "bench", "diffusion", "--backend", "go", "--preset", "tiny-v2w", "--batch", "1",
		"--latent", "2,4,4", "--context-len", "3", "--steps", "1", "--warmup", "0", "--sample-evals", "1",
		"--config-out", cfgOut, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r benchDiffusionOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bench diffusion --json is not JSON: %v\n%s", err, out)
	}
	if r.Backend.Name != "go" || !(r.Result.GFLOPS > 0) || r.Result.SampleEvaluations != 1 || r.PeakRSSBytes <= 0 {
		t.Fatalf("incomplete result: %+v", r)
	}
	// The written configuration is the one benchmarked, and reads back through --config.
	got, err := benchDiTConfig("", cfgOut)
	if err != nil {
		t.Fatal(err)
	}
	if got.ParamCount() != r.Result.Params || got.Name != "tiny-v2w" || !got.Video2World {
		t.Errorf("config-out %s: %+v", cfgOut, got)
	}
	for _, bad := range [][]string{{"--latent", "2,4"}, {"--latent", "2,x,4"}, {"--batch", "0"}, {"--preset", "huge"}, {"--dtype", "int8"}} {
		if code, _, stderr := runCLI(t, append([]string{"bench", "diffusion", "--backend", "go"}, bad...)...); code != exitUsage {
			t.Errorf("bench diffusion %v: exit %d, want %d (%s)", bad, code, exitUsage, stderr)
		}
	}
	bad := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(bad, []byte(`{"model_channels": "wide"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "bench", "diffusion", "--config", bad); code != exitFail || !strings.Contains(stderr, bad) {
		t.Errorf("bad --config: exit %d, stderr %q; want %d naming the file", code, stderr, exitFail)
	}
}
