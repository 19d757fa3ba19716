package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/serve"
	"github.com/wfm-platform/wfm/serve/client"
)

// benchServeResult is what wfm bench serve prints.
type benchServeResult struct {
	Model    string `json:"model"`
	Frames   int    `json:"frames"`
	Res      string `json:"res"`
	Steps    int    `json:"steps"`
	Workers  int    `json:"workers"`
	MaxQueue int    `json:"max_queue"`
	// Sequential is the baseline: one `wfm generate` process per video, one after another.
	Sequential struct {
		Runs            int     `json:"runs"`
		Seconds         float64 `json:"seconds"`
		VideosPerMinute float64 `json:"videos_per_minute"`
	} `json:"sequential"`
	Load client.LoadReport `json:"load"`
	// Kills is the number of times the server was killed with SIGKILL and restarted.
	Kills int `json:"kills"`
	// Speedup is the server's videos per minute over the sequential baseline's.
	Speedup float64 `json:"speedup"`
}

func (r benchServeResult) writeText(w io.Writer) error {
	fmt.Fprintf(w, "model        %s: %d frames at %s, %d steps; server with %d workers, queue %d\n", r.Model, r.Frames, r.Res, r.Steps, r.Workers, r.MaxQueue)
	fmt.Fprintf(w, "sequential   %d wfm generate runs in %.1f s: %.1f videos/min\n", r.Sequential.Runs, r.Sequential.Seconds, r.Sequential.VideosPerMinute)
	l := r.Load
	fmt.Fprintf(w, "server       %d clients, %d jobs in %.1f s: %.1f videos/min (%.1fx), latency p50 %.2f s p99 %.2f s\n",
		l.Clients, l.Jobs, l.Seconds, l.VideosPerMinute, r.Speedup, l.P50Seconds, l.P99Seconds)
	fmt.Fprintf(w, "jobs         %d accepted, %d completed, failed %v, refused %v, %d lost, %d duplicated, %d unacknowledged, %d retries, %d kills\n",
		l.Accepted, l.Completed, l.Failed, l.Refused, l.Lost, l.Duplicated, l.Unacknowledged, l.Retries, r.Kills)
	return nil
}

// serverProcess is a `wfm serve` child process the benchmark starts, kills and restarts.
type serverProcess struct {
	mu     sync.Mutex
	args   []string
	cmd    *exec.Cmd
	stderr bytes.Buffer
}

func (p *serverProcess) start(ctx context.Context, base string) error {
	p.mu.Lock()
	self, err := os.Executable()
	if err != nil {
		p.mu.Unlock()
		return err
	}
	p.cmd = exec.Command(self, p.args...)
	p.stderr.Reset()
	p.cmd.Stderr = &p.stderr
	err = p.cmd.Start()
	p.mu.Unlock()
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("bench serve: the server did not come up: %s", p.stderr.String())
		}
	}
}

// stop ends the server with sig and waits for it.
func (p *serverProcess) stop(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(sig)
		_ = p.cmd.Wait()
		p.cmd = nil
	}
}

func benchServeCmd() *cobra.Command {
	var (
		model, res, data                         string
		clients, jobs, frames, steps, sequential int
		workers, maxQueue, killAfter             int
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Load-test wfm serve against sequential wfm generate runs",
		Long: `bench serve measures the server: it runs --sequential 'wfm generate' processes one after
another (the baseline: each loads and compiles the model), then starts 'wfm serve' on --model and
lets --clients concurrent clients submit --jobs jobs of the same size between them (each waits
for its job before the next), retrying 429s. It prints videos per minute for both, the
server's speedup, the p50 and p99 latency (submission to completion) and the count of jobs
lost, duplicated or unacknowledged.

--kill-after N kills the server with SIGKILL once N jobs have finished and starts it again on
the same data folder: every accepted job must still end completed or failed with a reason.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if clients < 1 || jobs < 1 || sequential < 0 || workers < 1 || maxQueue < 1 || killAfter < 0 || killAfter >= jobs {
				return usagef("bench serve: need --clients, --jobs, --workers, --max-queue >= 1, --sequential >= 0, 0 <= --kill-after < --jobs")
			}
			w, h, err := parseDiffusionRes(res)
			if err != nil {
				return usageError{err}
			}
			self, err := os.Executable()
			if err != nil {
				return err
			}
			tmp, err := os.MkdirTemp("", "wfm-bench-serve-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			if data == "" {
				data = filepath.Join(tmp, "data")
			}
			r := benchServeResult{Model: model, Frames: frames, Res: fmt.Sprintf("%dx%d", w, h), Steps: steps, Workers: workers, MaxQueue: maxQueue}
			const prompt = "a red ball rolls to the left"
			stderr := cmd.ErrOrStderr()
			if sequential > 0 {
				fmt.Fprintf(stderr, "bench serve: %d sequential wfm generate runs\n", sequential)
				t0 := time.Now()
				for i := range sequential {
					gen := exec.CommandContext(ctx, self, "generate", "--weights", model, "--prompt", prompt, "--frames", strconv.Itoa(frames),
						"--res", r.Res, "--steps", strconv.Itoa(steps), "--seed", strconv.Itoa(i), "--no-progress",
						"--out", filepath.Join(tmp, fmt.Sprintf("seq-%d.y4m", i)), "--backend", global.backend)
					if out, err := gen.CombinedOutput(); err != nil {
						return fmt.Errorf("bench serve: wfm generate: %v: %s", err, out)
					}
				}
				r.Sequential.Runs, r.Sequential.Seconds = sequential, time.Since(t0).Seconds()
				r.Sequential.VideosPerMinute = float64(sequential) / r.Sequential.Seconds * 60
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			addr := ln.Addr().String()
			ln.Close()
			base := "http://" + addr
			srv := &serverProcess{args: []string{"serve", "--addr", addr, "--models", model, "--data", data, "--workers", strconv.Itoa(workers),
				"--max-queue", strconv.Itoa(maxQueue), "--rate-limit", "-1", "--backend", global.backend}}
			fmt.Fprintf(stderr, "bench serve: starting wfm serve on %s\n", addr)
			if err := srv.start(ctx, base); err != nil {
				return err
			}
			defer srv.stop(syscall.SIGTERM)
			var restartErr error
			var restarted sync.WaitGroup
			opts := client.LoadOptions{Clients: clients, Jobs: jobs, Params: func(i int) serve.VideoParams {
				seed := uint64(i)
				return serve.VideoParams{Prompt: prompt, Frames: frames, Resolution: r.Res, Steps: steps, Seed: &seed}
			}}
			if killAfter > 0 {
				var once sync.Once
				opts.OnFinished = func(n int) {
					if n < killAfter {
						return
					}
					once.Do(func() {
						restarted.Add(1)
						go func() {
							defer restarted.Done()
							fmt.Fprintf(stderr, "bench serve: %d jobs finished: kill -9 the server and start it again\n", n)
							srv.stop(syscall.SIGKILL)
							r.Kills++
							restartErr = srv.start(ctx, base)
						}()
					})
				}
			}
			r.Load, err = client.Load(ctx, client.New(base, ""), opts)
			restarted.Wait()
			if err != nil {
				return err
			}
			if restartErr != nil {
				return restartErr
			}
			if r.Sequential.VideosPerMinute > 0 {
				r.Speedup = r.Load.VideosPerMinute / r.Sequential.VideosPerMinute
			}
			if err := printResult(cmd.OutOrStdout(), r, r.writeText); err != nil {
				return err
			}
			if r.Load.Lost > 0 || r.Load.Duplicated > 0 {
				return fmt.Errorf("bench serve: %d jobs lost and %d duplicated", r.Load.Lost, r.Load.Duplicated)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "diffusion/pretrained/tiny-v2w", "diffusion model folder")
	f.StringVar(&res, "res", "32x32", "WIDTHxHEIGHT of each video")
	f.IntVar(&frames, "frames", 9, "frames of each video")
	f.IntVar(&steps, "steps", 2, "sampling steps of each video")
	f.IntVar(&clients, "clients", 32, "concurrent clients")
	f.IntVar(&jobs, "jobs", 200, "jobs submitted in all")
	f.IntVar(&sequential, "sequential", 20, "sequential wfm generate runs for the baseline (0: none)")
	f.IntVar(&workers, "workers", 1, "the server's --workers")
	f.IntVar(&maxQueue, "max-queue", 64, "the server's --max-queue")
	f.IntVar(&killAfter, "kill-after", 0, "kill -9 the server once this many jobs finished, and restart it (0: never)")
	f.StringVar(&data, "data", "", "the server's data folder (default: a temporary one)")
	return cmd
}
