// Command wfm is the world-foundation-model platform's command line: one binary, one file per
// subcommand in this folder. A subcommand parses flags, calls the package that does the work
// (worldgen, diffusion, tokenizer, curate, eval/..., guardrail, world/synth, ...) and
// prints the result (as text, or as JSON with --json); pipelines belong in those packages, so
// that a Go program can do what a subcommand does without this binary.
//
// Exit codes: 0 success, 1 the command failed, 2 the command line was wrong.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	// exitInterrupted is the code of a command stopped by SIGINT or SIGTERM (128 + SIGINT, as
	// shells report it): it stopped between units of work, leaving no output that looks complete.
	exitInterrupted = 130
)

// global holds the flags every subcommand shares.
var global struct {
	backend    string
	json       bool
	verbose    bool
	cpuprofile string
}

var rootCmd = &cobra.Command{
	Use:   "wfm",
	Short: "wfm: world foundation models for physical AI",
	Long: `wfm trains, runs and measures world foundation models: video tokenizers, diffusion world
models, text encoders, guardrails, data curation and benchmarks, on CPU or GPU.

The compute backend is chosen with --backend (or $WFM_BACKEND): auto picks CUDA when an NVIDIA
device and a PJRT CUDA plugin are present, else the pure-Go backend. Run 'wfm doctor' to see what
this machine has.`,
	SilenceUsage:  true,
	SilenceErrors: true,
	PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
		level := slog.LevelInfo
		if global.verbose {
			level = slog.LevelDebug
		}
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
		return startCPUProfile(global.cpuprofile)
	},
	PersistentPostRunE: func(cmd *cobra.Command, args []string) error {
		return stopCPUProfile()
	},
}

func init() {
	pf := rootCmd.PersistentFlags()
	pf.StringVar(&global.backend, "backend", "", "compute backend: auto, go or cuda (default $WFM_BACKEND, then auto)")
	pf.BoolVar(&global.json, "json", false, "print results as JSON on stdout")
	pf.BoolVarP(&global.verbose, "verbose", "v", false, "debug logging on stderr")
	pf.StringVar(&global.cpuprofile, "cpuprofile", "", "write a Go CPU profile of the command to this file (read it with 'go tool pprof')")
	rootCmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())}
	})
}

// usageError marks a wrong command line (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError makes the command exit with a given status, for commands whose exit status carries a
// result (wfm guard: allowed / blocked). Err may be nil: then nothing more is printed.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

// usagef returns a usage error for a command's own argument checks.
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// printResult writes v as indented JSON when --json is set, and otherwise calls human.
func printResult(w io.Writer, v any, human func(io.Writer) error) error {
	if global.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return human(w)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	rootCmd.SetArgs(args)
	rootCmd.SetOut(stdout)
	rootCmd.SetErr(stderr)
	cmd, err := rootCmd.ExecuteContextC(ctx)
	if perr := stopCPUProfile(); perr != nil && err == nil { // a failed command skips PostRun
		err = perr
	}
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil { // a signal: whatever the command made of it, say so
		fmt.Fprintf(stderr, "wfm: interrupted: %v\n", err)
		return exitInterrupted
	}
	var ee exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "wfm: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "wfm: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(cmd, err) {
		return exitUsage
	}
	return exitFail
}

// isCobraUsage recognizes the argument errors cobra itself returns (unknown command, wrong
// number of arguments), which do not pass through the flag error function.
func isCobraUsage(cmd *cobra.Command, err error) bool {
	if cmd == nil {
		return false
	}
	for _, prefix := range []string{"unknown command", "accepts ", "requires at least", "requires at most",
		"accepts between", "invalid argument", "unknown flag", "unknown shorthand"} {
		if strings.HasPrefix(err.Error(), prefix) {
			return true
		}
	}
	return false
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
