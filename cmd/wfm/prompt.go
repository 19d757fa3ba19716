package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/prompt"
)

var promptFlags struct {
	upsampler string
	fallback  bool
}

var promptGroupCmd = &cobra.Command{
	Use:   "prompt",
	Short: "Work on text prompts (upsampling into the training caption style)",
}

var promptUpsampleCmd = &cobra.Command{
	Use:   "upsample TEXT",
	Short: "Rewrite a short prompt into the detailed caption style the models were trained on",
	Long: `upsample rewrites a prompt the way 'wfm generate --upsample-prompt' does, and prints it.

--upsampler chooses how:
  builtin                       (default) rule-based, offline and deterministic: recognizes the
                                synthetic-world scenario (free fall, projectile, collision,
                                incline, U-slope, pendulum, dominoes, seesaw, stacks, camera
                                orbit/dolly/pan), puts the stated counts, sizes, angles, speeds,
                                sides and colours into a scene, and captions it with the dataset
                                generator's own grammar; words it cannot express are appended
  openai:URL?model=NAME[&...]   a language model on an OpenAI-compatible server (vLLM, llama.cpp,
                                Ollama), e.g. openai:http://localhost:8000/v1?model=mistral-nemo;
                                parameters key_env (the variable holding the API key, default
                                $WFM_UPSAMPLER_API_KEY), timeout, attempts, max_tokens,
                                temperature, fallback

An upsampler that fails is an error (exit 1) unless --fallback (or fallback=true) is given: then
the prompt is printed unchanged and the failure is logged on stderr. With --json the result also
says what the built-in upsampler recognized.`,
	Example: `  wfm prompt upsample "dominoes toppling"
  wfm prompt upsample --json "a red ball falls"
  wfm prompt upsample --upsampler "openai:http://localhost:8000/v1?model=mistral-nemo" "a ball rolls"`,
	Args: cobra.ExactArgs(1),
	RunE: runPromptUpsample,
}

func init() {
	f := promptUpsampleCmd.Flags()
	f.StringVar(&promptFlags.upsampler, "upsampler", "builtin", `"builtin" or "openai:URL?model=NAME[&key_env=VAR&timeout=30s&attempts=3&max_tokens=256&temperature=0&fallback=true]"`)
	f.BoolVar(&promptFlags.fallback, "fallback", false, "print the prompt unchanged when the upsampler fails (default: fail)")
	promptGroupCmd.AddCommand(promptUpsampleCmd)
	rootCmd.AddCommand(promptGroupCmd)
}

// promptUpsampleOutput is the --json result of wfm prompt upsample.
type promptUpsampleOutput struct {
	Upsampler string `json:"upsampler"`
	Input     string `json:"input"`
	Output    string `json:"output"`
	// FellBack is set when the upsampler failed and Output is the input (--fallback).
	FellBack bool   `json:"fell_back,omitempty"`
	Error    string `json:"error,omitempty"`
	// Expansion says what the built-in upsampler recognized.
	Expansion *prompt.Expansion `json:"expansion,omitempty"`
}

func runPromptUpsample(cmd *cobra.Command, args []string) error {
	u, err := prompt.FromFlag(promptFlags.upsampler)
	if err != nil {
		return usageError{err}
	}
	res := promptUpsampleOutput{Upsampler: u.Name(), Input: args[0]}
	if b, ok := u.(*prompt.BuiltinUpsampler); ok {
		e, err := b.Expand(args[0])
		if err != nil {
			return usageError{err}
		}
		res.Output, res.Expansion = e.Output, &e
		slog.Debug("upsampled", "scenario", e.Scenario, "applied", e.Applied, "kept", e.Kept)
	} else {
		var report error
		if promptFlags.fallback {
			u = prompt.WithFallback(u, func(err error) { report = err })
		}
		out, err := u.Upsample(cmd.Context(), args[0])
		switch {
		case errors.Is(err, prompt.ErrEmptyPrompt):
			return usageError{err}
		case err != nil:
			return err
		}
		res.Output = out
		if report != nil {
			res.FellBack, res.Error = true, report.Error()
			slog.Warn("prompt upsampler failed, using the prompt as written", "err", report)
		}
	}
	return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, res.Output)
		return err
	})
}
