package serve

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// gpuMemory is one NVIDIA GPU's memory as the driver reports it.
type gpuMemory struct {
	Index       int
	Used, Total int64 // bytes
}

// gpuMemoryReader asks nvidia-smi, the NVIDIA driver's tool, for each GPU's used and total
// memory: the PJRT C API that the CUDA backend runs on gives a client no device memory
// statistics. The figures are the whole device's (other processes included). Answers are kept
// for a few seconds so that frequent scrapes do not each start a process; without nvidia-smi
// (the CPU machines) it reports nothing.
type gpuMemoryReader struct {
	path  string // nvidia-smi, or "" when absent
	ttl   time.Duration
	mu    sync.Mutex
	at    time.Time
	cache []gpuMemory
}

func newGPUMemoryReader() *gpuMemoryReader {
	path, err := exec.LookPath("nvidia-smi")
	if err != nil {
		path = ""
	}
	return &gpuMemoryReader{path: path, ttl: 5 * time.Second}
}

// read returns the GPUs' memory, or nil when there is no nvidia-smi or it fails (a metrics
// scrape must not fail because of it).
func (r *gpuMemoryReader) read(ctx context.Context) []gpuMemory {
	if r == nil || r.path == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && time.Since(r.at) < r.ttl {
		return r.cache
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, r.path, "--query-gpu=index,memory.used,memory.total",
		"--format=csv,noheader,nounits").Output()
	r.at = time.Now()
	r.cache = nil
	if err == nil {
		r.cache, _ = parseGPUMemory(out)
	}
	return r.cache
}

// parseGPUMemory reads nvidia-smi's "index, memory.used, memory.total" CSV lines (MiB, no
// header, no units).
func parseGPUMemory(out []byte) ([]gpuMemory, error) {
	var gpus []gpuMemory
	for n, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		f := strings.Split(string(line), ",")
		if len(f) != 3 {
			return nil, fmt.Errorf("nvidia-smi line %d: want index, memory.used, memory.total, got %q", n+1, line)
		}
		var v [3]int64
		for i, s := range f {
			x, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || x < 0 || x > 1<<40 {
				return nil, fmt.Errorf("nvidia-smi line %d field %d: %q is not a count", n+1, i+1, strings.TrimSpace(s))
			}
			v[i] = x
		}
		if v[0] > 1<<16 || v[1] > v[2] {
			return nil, fmt.Errorf("nvidia-smi line %d: GPU %d, %d MiB used of %d", n+1, v[0], v[1], v[2])
		}
		gpus = append(gpus, gpuMemory{Index: int(v[0]), Used: v[1] << 20, Total: v[2] << 20})
	}
	return gpus, nil
}
