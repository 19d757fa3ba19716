package worldgen

import (
	"errors"
	"fmt"

	"github.com/wfm-platform/wfm/guardrail"
)

// ErrInvalid is wrapped by the errors that come from the caller's options or request rather
// than from the model or the machine: a size the tokenizer cannot take, condition frames for a
// Text2World model, a missing tokenizer, a text encoder other than the model's. (wfm generate
// exits with status 2 for them.)
var ErrInvalid = errors.New("worldgen: invalid option or request")

type invalidError struct{ err error }

func (e invalidError) Error() string        { return e.err.Error() }
func (e invalidError) Unwrap() error        { return e.err }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

// invalid marks err as the caller's (ErrInvalid).
func invalid(err error) error { return invalidError{err} }

func invalidf(format string, args ...any) error {
	return invalidError{fmt.Errorf("worldgen: "+format, args...)}
}

// BlockedError is what Generate returns when a guardrail blocks the prompt (as written or as
// upsampled) or the generated video, or fails (guards fail closed). No clip comes with it; the
// Report returned beside it holds the verdicts so far.
type BlockedError struct {
	Verdict guardrail.Verdict
	// Err is the guard's own failure, nil for a plain block.
	Err error
}

func (e *BlockedError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("generate: blocked by the %s (the guard failed closed): %v", e.Verdict.Stage, e.Err)
	}
	return fmt.Sprintf("generate: blocked by the %s: %s", e.Verdict.Stage, e.Verdict.Reason())
}

func (e *BlockedError) Unwrap() error { return e.Err }
