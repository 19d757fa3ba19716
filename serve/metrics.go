package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// metrics are the server's counters, written in the Prometheus text exposition format
// (version 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/) by hand: a
// handful of counters, gauges and two histograms need no client library.
type metrics struct {
	mu          sync.Mutex
	jobs        map[string]float64 // finished jobs by status
	requests    map[string]float64 // HTTP responses by code
	rejected    map[string]float64 // refused submissions by reason
	evaluations float64
	latency     histogram // accepted -> finished, completed jobs
	run         histogram // one run's time, completed jobs
	lastEvalPS  float64
}

// histogram has cumulative buckets of upper bounds in seconds.
type histogram struct {
	bounds []float64
	counts []float64
	sum    float64
	n      float64
}

var latencyBounds = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}

func newMetrics() *metrics {
	return &metrics{jobs: map[string]float64{}, requests: map[string]float64{}, rejected: map[string]float64{},
		latency: histogram{bounds: latencyBounds, counts: make([]float64, len(latencyBounds))},
		run:     histogram{bounds: latencyBounds, counts: make([]float64, len(latencyBounds))}}
}

func (h *histogram) observe(v float64) {
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.n++
}

func (m *metrics) finished(v *Video, evaluations int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.jobs[v.Status]++
	m.evaluations += float64(evaluations)
	if v.Status == StatusCompleted && v.FinishedAt != nil {
		m.latency.observe(v.FinishedAt.Sub(v.CreatedAt).Seconds())
		m.run.observe(v.RunSeconds)
		if v.Report != nil {
			m.lastEvalPS = v.Report.EvaluationsPerSecond
		}
	}
}

func (m *metrics) request(code int) {
	m.mu.Lock()
	m.requests[strconv.Itoa(code)]++
	m.mu.Unlock()
}

func (m *metrics) reject(reason string) {
	m.mu.Lock()
	m.rejected[reason]++
	m.mu.Unlock()
}

// gauges are the values read when /metrics is asked.
type gauges struct {
	queued, running int
	perModelQueued  map[string]int
	gpus            []gpuMemory // from nvidia-smi; none on CPU machines
}

func (m *metrics) write(w io.Writer, g gauges) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := bufio.NewWriter(w)
	defer b.Flush()
	head := func(name, typ, help string) { fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ) }
	labelled := func(name, label string, vals map[string]float64) {
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(b, "%s{%s=%q} %g\n", name, label, k, vals[k])
		}
	}
	head("wfm_serve_queue_length", "gauge", "Jobs waiting for a worker.")
	fmt.Fprintf(b, "wfm_serve_queue_length %d\n", g.queued)
	models := make([]string, 0, len(g.perModelQueued))
	for k := range g.perModelQueued {
		models = append(models, k)
	}
	sort.Strings(models)
	head("wfm_serve_model_queue_length", "gauge", "Jobs waiting, by model.")
	for _, k := range models {
		fmt.Fprintf(b, "wfm_serve_model_queue_length{model=%q} %d\n", k, g.perModelQueued[k])
	}
	head("wfm_serve_jobs_running", "gauge", "Jobs being generated.")
	fmt.Fprintf(b, "wfm_serve_jobs_running %d\n", g.running)
	head("wfm_serve_jobs_finished_total", "counter", "Jobs finished since the server started, by status.")
	labelled("wfm_serve_jobs_finished_total", "status", m.jobs)
	head("wfm_serve_submissions_rejected_total", "counter", "Submissions refused, by reason.")
	labelled("wfm_serve_submissions_rejected_total", "reason", m.rejected)
	head("wfm_serve_http_responses_total", "counter", "HTTP responses, by status code.")
	labelled("wfm_serve_http_responses_total", "code", m.requests)
	head("wfm_serve_denoiser_evaluations_total", "counter", "Denoiser evaluations of finished jobs (rate() gives evaluations/s).")
	fmt.Fprintf(b, "wfm_serve_denoiser_evaluations_total %g\n", m.evaluations)
	head("wfm_serve_denoiser_evaluations_per_second", "gauge", "Evaluations per second of the last completed job's sampling.")
	fmt.Fprintf(b, "wfm_serve_denoiser_evaluations_per_second %g\n", m.lastEvalPS)
	writeHist := func(name, help string, h *histogram) {
		head(name, "histogram", help)
		for i, bound := range h.bounds {
			fmt.Fprintf(b, "%s_bucket{le=%q} %g\n", name, strconv.FormatFloat(bound, 'g', -1, 64), h.counts[i])
		}
		fmt.Fprintf(b, "%s_bucket{le=\"+Inf\"} %g\n%s_sum %g\n%s_count %g\n", name, h.n, name, h.sum, name, h.n)
	}
	writeHist("wfm_serve_job_latency_seconds", "Time from acceptance to completion of completed jobs.", &m.latency)
	writeHist("wfm_serve_job_run_seconds", "Generation time of completed jobs (their last run).", &m.run)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	head("wfm_serve_go_heap_bytes", "gauge", "Go heap in use.")
	fmt.Fprintf(b, "wfm_serve_go_heap_bytes %d\n", ms.HeapAlloc)
	head("wfm_serve_go_sys_bytes", "gauge", "Memory the Go runtime holds from the system.")
	fmt.Fprintf(b, "wfm_serve_go_sys_bytes %d\n", ms.Sys)
	if len(g.gpus) > 0 {
		head("wfm_serve_gpu_memory_used_bytes", "gauge", "Device memory in use on each NVIDIA GPU, all processes (nvidia-smi).")
		for _, d := range g.gpus {
			fmt.Fprintf(b, "wfm_serve_gpu_memory_used_bytes{gpu=\"%d\"} %d\n", d.Index, d.Used)
		}
		head("wfm_serve_gpu_memory_total_bytes", "gauge", "Device memory of each NVIDIA GPU (nvidia-smi).")
		for _, d := range g.gpus {
			fmt.Fprintf(b, "wfm_serve_gpu_memory_total_bytes{gpu=\"%d\"} %d\n", d.Index, d.Total)
		}
	}
	if rss := residentBytes(); rss >= 0 {
		head("process_resident_memory_bytes", "gauge", "Resident memory of the process (CPU memory).")
		fmt.Fprintf(b, "process_resident_memory_bytes %d\n", rss)
	}
}

// residentBytes reads VmRSS from /proc/self/status, or -1.
func residentBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return v * 1024
				}
			}
		}
	}
	return -1
}
