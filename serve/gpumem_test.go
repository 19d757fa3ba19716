package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGPUMemory(t *testing.T) {
	// The shape of `nvidia-smi --query-gpu=index,memory.used,memory.total
	// --format=csv,noheader,nounits` on a two-GPU machine.
	got, err := parseGPUMemory([]byte("0, 1234, 81559\n1, 0, 81559\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []gpuMemory{{0, 1234 << 20, 81559 << 20}, {1, 0, 81559 << 20}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("parseGPUMemory = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"0, 12", "0, x, 3", "0, 5, 3", "-1, 0, 3", "0, 1, 2, 3"} {
		if _, err := parseGPUMemory([]byte(bad)); err == nil || !strings.Contains(err.Error(), "nvidia-smi line 1") {
			t.Errorf("parseGPUMemory(%q) = %v, want an error naming the line", bad, err)
		}
	}
	if got, err := parseGPUMemory(nil); err != nil || got != nil {
		t.Errorf("no output: %+v, %v", got, err)
	}
}

// Without nvidia-smi the reader reports nothing, and the metrics carry no GPU lines.
func TestGPUMemoryAbsent(t *testing.T) {
	r := &gpuMemoryReader{}
	if g := r.read(t.Context()); g != nil {
		t.Errorf("read without nvidia-smi = %+v", g)
	}
	var b strings.Builder
	newMetrics().write(&b, gauges{})
	if strings.Contains(b.String(), "gpu_memory") {
		t.Error("GPU memory metrics written without GPUs")
	}
	b.Reset()
	newMetrics().write(&b, gauges{gpus: []gpuMemory{{0, 1 << 20, 2 << 20}}})
	for _, line := range []string{`wfm_serve_gpu_memory_used_bytes{gpu="0"} 1048576`, `wfm_serve_gpu_memory_total_bytes{gpu="0"} 2097152`} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("metrics lack %q:\n%s", line, b.String())
		}
	}
}

func FuzzParseGPUMemory(f *testing.F) {
	f.Add([]byte("0, 1234, 81559\n1, 0, 81559\n"))
	f.Add([]byte("0, 5, 3"))
	f.Fuzz(func(t *testing.T, data []byte) {
		gpus, err := parseGPUMemory(data)
		if err != nil {
			return
		}
		for _, g := range gpus {
			if g.Used < 0 || g.Used > g.Total || g.Index < 0 {
				t.Fatalf("accepted %+v from %q", g, data)
			}
		}
	})
}

// With an nvidia-smi on PATH the reader runs it with the query, and keeps the answer for its
// time to live.
func TestGPUMemoryFromNvidiaSMI(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "calls")
	script := "#!/bin/sh\necho x >> " + count + "\n" +
		`[ "$1" = "--query-gpu=index,memory.used,memory.total" ] || exit 3` + "\necho '0, 100, 200'\n"
	if err := os.WriteFile(filepath.Join(dir, "nvidia-smi"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	r := newGPUMemoryReader()
	for range 3 {
		g := r.read(t.Context())
		if len(g) != 1 || g[0] != (gpuMemory{0, 100 << 20, 200 << 20}) {
			t.Fatalf("read = %+v", g)
		}
	}
	if data, _ := os.ReadFile(count); strings.Count(string(data), "x") != 1 {
		t.Errorf("nvidia-smi ran %d times for 3 reads within the cache time", strings.Count(string(data), "x"))
	}
}
