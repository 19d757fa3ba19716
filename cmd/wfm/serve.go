package main

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/serve"
)

func init() {
	var (
		cfg        serve.Config
		keysFile   string
		uploadMiB  int64
		blocklist  string
		classifier string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve world models over HTTP: a job API, tokenizers, the prompt guard and a web page",
		Long: `serve loads each --models folder once (compiled once per --workers), then answers an HTTP API
until interrupted (see the README's "wfm serve" section and GET /v1/openapi.json):

  POST /v1/videos (JSON, or multipart with a condition image or video) -> 202 and a job id
  GET /v1/videos, GET|DELETE /v1/videos/{id}, GET /v1/videos/{id}/content (mp4, y4m, gif)
  GET /v1/videos/{id}/events (Server-Sent Events), POST /v1/tokenize, POST /v1/detokenize,
  POST /v1/guard/prompt, GET /v1/models, GET /v1/reports, GET /healthz, GET /metrics, and the
  web page at /. --reports DIR serves a folder of benchmark reports read-only under /reports/.

Jobs, their parameters and results live in a database under --data (jobs.db, with the uploads
and videos beside it; one server per folder). DELETE of a finished job removes its record and
files; nothing is removed otherwise. After a crash or kill -9, a restarted server
serves the finished jobs and runs the unfinished ones again. At most --max-queue jobs wait; a
submission beyond that gets 429 with Retry-After.

--api-keys FILE lists bearer tokens ("NAME TOKEN" or a bare TOKEN per line, 16 characters or
more). Without keys the server listens on loopback only and says so; a non-loopback --addr
without keys is refused unless --allow-remote-without-keys. Every prompt passes the pre-guard
(a blocked prompt is a 422 with the reason); every video the post-guard.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stdout := cmd.Context(), cmd.OutOrStdout()
			if len(cfg.Models) == 0 || cfg.DataDir == "" {
				return usagef("serve: --models and --data are required")
			}
			if cfg.MaxQueue < 1 || cfg.Workers < 1 || uploadMiB < 1 {
				return usagef("serve: --max-queue, --workers and --max-upload-mib must be >= 1")
			}
			if keysFile != "" {
				keys, err := serve.LoadAPIKeys(keysFile)
				if err != nil {
					return usageError{err}
				}
				cfg.APIKeys = keys
			}
			if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
				return usagef("serve: --addr %q: want HOST:PORT", cfg.Addr)
			}
			cfg.MaxUploadBytes = uploadMiB << 20
			cfg.BackendName = global.backend
			cfg.PromptGuard = guardrail.PromptGuardOptions{Blocklist: blocklist, Classifier: classifier}
			// Checked here too so that the refusal is a usage error before any model loads.
			if len(cfg.APIKeys) == 0 && !cfg.AllowRemoteWithoutKeys && !serve.IsLoopback(cfg.Addr) {
				return usagef("serve: --addr %s is reachable from other machines and no --api-keys are given: give --api-keys FILE, listen on 127.0.0.1, or pass --allow-remote-without-keys", cfg.Addr)
			}
			s, err := serve.New(cfg)
			if err != nil {
				if errors.Is(err, dirlock.ErrHeld) || errors.Is(err, guardrail.ErrOption) {
					return usageError{err}
				}
				return err
			}
			defer s.Close()
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			var names []string
			for _, m := range s.Models() {
				names = append(names, fmt.Sprintf("%s (%d workers)", m.Name, m.Workers))
			}
			fmt.Fprintf(stdout, "wfm serve: listening on http://%s with %s; data in %s\n", ln.Addr(), strings.Join(names, ", "), cfg.DataDir)
			if len(cfg.APIKeys) == 0 {
				if serve.IsLoopback(cfg.Addr) {
					fmt.Fprintf(stdout, "wfm serve: no --api-keys: listening on loopback only, reachable from this machine alone\n")
				} else {
					fmt.Fprintf(stdout, "wfm serve: no --api-keys and --allow-remote-without-keys: anyone who reaches %s can use the API\n", ln.Addr())
				}
			} else {
				fmt.Fprintf(stdout, "wfm serve: %d API keys; requests need Authorization: Bearer KEY\n", len(cfg.APIKeys))
			}
			return s.Serve(ctx, ln)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", serve.DefaultAddr, "HOST:PORT to listen on")
	f.Var((*pathList)(&cfg.Models), "models", "model folders to serve (repeat or comma-separate; KIND:DIR for another kind than diffusion)")
	f.Var((*pathList)(&cfg.Tokenizers), "tokenizers", "tokenizer weights files for /v1/tokenize besides those the models record")
	f.StringVar(&cfg.DataDir, "data", "", "folder of the job database, uploads and videos (created; locked while serving)")
	f.IntVar(&cfg.MaxQueue, "max-queue", 64, "jobs that may wait for a worker; beyond it submissions get 429")
	f.IntVar(&cfg.Workers, "workers", 1, "jobs each model runs at once (each worker compiles its own copy)")
	f.StringVar(&cfg.ReportsDir, "reports", "", "folder of benchmark reports to serve read-only under /reports/ (the page lists them)")
	f.StringVar(&keysFile, "api-keys", "", "file of API keys (NAME TOKEN per line)")
	f.BoolVar(&cfg.AllowRemoteWithoutKeys, "allow-remote-without-keys", false, "allow a non-loopback --addr without --api-keys")
	f.Float64Var(&cfg.RateLimit, "rate-limit", 20, "requests per second per key (per client address without keys); negative: no limit")
	f.IntVar(&cfg.RateBurst, "rate-burst", 40, "burst of requests above --rate-limit")
	f.Int64Var(&uploadMiB, "max-upload-mib", 32, "largest upload (condition video, tokens file) in MiB")
	f.StringVar(&blocklist, "blocklist", "", "file of extra blocked phrases for the prompt guard")
	f.StringVar(&classifier, "guard-classifier", "", "prompt classifier after the rules: none, builtin, or a served classifier's URL")
	rootCmd.AddCommand(cmd)
}

// pathList is a repeatable flag of comma-separated paths. Unlike pflag's string slices, setting
// it to "" (its default) empties it, so that resetting the flags between runs of the command
// line in one process (the tests) starts from nothing.
type pathList []string

func (l *pathList) String() string { return strings.Join(*l, ",") }
func (l *pathList) Type() string   { return "paths" }
func (l *pathList) Set(v string) error {
	if v == "" {
		*l = nil
		return nil
	}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
