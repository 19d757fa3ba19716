package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/cpu"

	"github.com/wfm-platform/wfm/backend"
)

type doctorReport struct {
	Version  versionInfo    `json:"version"`
	Backend  backend.Choice `json:"backend"`
	CPU      cpuInfo        `json:"cpu"`
	MemoryMB memoryInfo     `json:"memory_mb"`
	Tools    []toolInfo     `json:"tools"`
	Problems []string       `json:"problems"`
}

type cpuInfo struct {
	Model   string `json:"model"`
	Cores   int    `json:"cores"`
	AVX2    bool   `json:"avx2"`
	AVX512F bool   `json:"avx512f"`
}

type memoryInfo struct {
	Total     int64 `json:"total"`
	Available int64 `json:"available"`
}

type toolInfo struct {
	Name    string `json:"name"`
	Path    string `json:"path,omitempty"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error,omitempty"`
}

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "doctor",
		Short: "Report what this machine offers: backend, SIMD, CPU/GPU, PJRT plugin, ffmpeg, memory",
		Long: `doctor prints the facts that decide how wfm runs here: which compute backend --backend
would pick and why, whether this binary was built with GOEXPERIMENT=simd, the CPU and any NVIDIA
GPUs, the PJRT CUDA plugin found (or where it was looked for), ffmpeg and ffprobe versions and free
memory. It starts no backend. It exits 1 when the requested backend cannot be used.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, selErr := diagnose(cmd.Context())
			if err := printResult(cmd.OutOrStdout(), r, r.print); err != nil {
				return err
			}
			return selErr
		},
	})
}

func diagnose(ctx context.Context) (doctorReport, error) {
	r := doctorReport{Version: currentVersion(), Problems: []string{}}
	choice, err := backend.Select(global.backend, backend.System())
	if err != nil {
		choice.Reason = err.Error()
	}
	r.Backend = choice
	if !backend.SIMD {
		r.Problems = append(r.Problems, "built without GOEXPERIMENT=simd: the Go backend runs about 7x slower")
	}
	r.CPU = cpuInfo{Model: backend.CPUModel(), Cores: runtime.NumCPU(), AVX2: cpu.X86.HasAVX2, AVX512F: cpu.X86.HasAVX512F}
	r.MemoryMB = readMemInfo()
	for _, name := range []string{"ffmpeg", "ffprobe"} {
		t := toolVersion(ctx, name)
		if t.Error != "" {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %s (MP4 and other ffmpeg formats unavailable; Y4M, PNG and GIF still work)", name, t.Error))
		}
		r.Tools = append(r.Tools, t)
	}
	return r, err
}

func (r doctorReport) print(w io.Writer) error {
	b := r.Backend
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("wfm %s  (%s %s/%s; gomlx %s, compute %s, go-xla %s)\n", r.Version.Version, r.Version.Go, r.Version.OS,
		r.Version.Arch, orNone(r.Version.GoMLX), orNone(r.Version.Compute), orNone(r.Version.GoXLA))
	p("backend      %s (requested %s; %s)\n", orNone(b.Name), b.Requested, b.Reason)
	p("simd         %s\n", onOff(b.SIMD))
	p("cpu          %s, %d cores, avx2 %s, avx512f %s\n", r.CPU.Model, r.CPU.Cores, onOff(r.CPU.AVX2), onOff(r.CPU.AVX512F))
	if len(b.GPUs) == 0 {
		p("gpu          none found\n")
	}
	for _, g := range b.GPUs {
		p("gpu %-8d %s\n", g.Index, g.Model)
	}
	if len(b.Plugins) == 0 {
		p("pjrt plugin  none found; searched:\n")
		for _, s := range b.Searched {
			p("               %s\n", s)
		}
	}
	for _, pl := range b.Plugins {
		p("pjrt plugin  %s (%s)", pl.Path, pl.Source)
		if pl.CUDADataDir != "" {
			p(", cuda data dir %s", pl.CUDADataDir)
		}
		p("\n")
	}
	for _, t := range r.Tools {
		if t.Error != "" {
			p("%-12s %s\n", t.Name, t.Error)
		} else {
			p("%-12s %s (%s)\n", t.Name, t.Version, t.Path)
		}
	}
	p("memory       %d MiB available of %d MiB\n", r.MemoryMB.Available, r.MemoryMB.Total)
	for _, pr := range r.Problems {
		p("problem      %s\n", pr)
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// toolVersion runs "name -version" and keeps the first line, bounded by a timeout so a broken
// install cannot hang the doctor.
func toolVersion(ctx context.Context, name string) toolInfo {
	t := toolInfo{Name: name}
	path, err := exec.LookPath(name)
	if err != nil {
		t.Error = "not found on PATH"
		return t
	}
	t.Path = path
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-hide_banner", "-version").Output()
	if err != nil {
		t.Error = fmt.Sprintf("%s -version failed: %v", path, err)
		return t
	}
	line, _, _ := strings.Cut(string(out), "\n")
	line, _, _ = strings.Cut(strings.TrimPrefix(line, name+" version "), " Copyright")
	t.Version = strings.TrimSpace(line)
	return t
}

// readMemInfo reads MemTotal and MemAvailable (kB) from /proc/meminfo.
func readMemInfo() memoryInfo {
	var m memoryInfo
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "MemTotal:":
			m.Total = kb / 1024
		case "MemAvailable:":
			m.Available = kb / 1024
		}
	}
	return m
}
