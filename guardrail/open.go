package guardrail

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wfm-platform/wfm/guardrail/classify"
	"github.com/wfm-platform/wfm/guardrail/text"
	"github.com/wfm-platform/wfm/internal/regfile"
)

// ErrOption is wrapped by the errors of OpenPromptGuard and ServedClassifier.Open that come
// from the options themselves (an unknown classifier, a served classifier's bad settings) rather
// than from a file or the network. (wfm guard exits with status 2 for them.)
var ErrOption = errors.New("guardrail: invalid option")

type optionError struct{ err error }

func (e optionError) Error() string        { return e.err.Error() }
func (e optionError) Unwrap() error        { return e.err }
func (e optionError) Is(target error) bool { return target == ErrOption }

// Classifier names of PromptGuardOptions.Classifier besides an http(s) URL.
const (
	ClassifierNone    = "none"
	ClassifierBuiltin = "builtin"
)

// ServedClassifier is how to reach a classifier served behind an OpenAI-compatible API (Llama
// Guard, classify.NewLlamaGuard).
type ServedClassifier struct {
	Model    string        // model name the server knows it by
	APIKey   string        // bearer token; empty for none
	Timeout  time.Duration // per request
	Attempts int           // tries per prompt or frame
}

// Open returns the served classifier at url. Settings it refuses wrap ErrOption.
func (s ServedClassifier) Open(url string) (*classify.LlamaGuard, error) {
	lg, err := classify.NewLlamaGuard(classify.LlamaGuardConfig{URL: url, Model: s.Model, APIKey: s.APIKey,
		Timeout: s.Timeout, Attempts: s.Attempts})
	if err != nil {
		return nil, optionError{err}
	}
	return lg, nil
}

// PromptGuardOptions describe a pre-guard by the names wfm guard's flags use.
type PromptGuardOptions struct {
	// Blocklist and Whitelist are files of extra blocked and allowed phrases added to the
	// defaults (text.LoadBlocklist; empty for none).
	Blocklist, Whitelist string
	// Classifier runs after the rules: "" or ClassifierNone, ClassifierBuiltin (the shipped
	// logistic regression, or BuiltinModel), or the http(s) URL of a served classifier.
	Classifier string
	// BuiltinModel is a model file written by 'wfm guard train-classifier' (classify.LoadLogReg),
	// used by ClassifierBuiltin instead of the shipped one.
	BuiltinModel string
	// Served configures a classifier given by URL.
	Served ServedClassifier
}

// maxModelBytes is the largest classifier model file OpenPromptGuard reads.
const maxModelBytes = 256 << 20

// OpenPromptGuard builds the pre-guard o describes. An unknown classifier, or a served one's
// settings it refuses, wraps ErrOption.
func OpenPromptGuard(o PromptGuardOptions) (*PromptGuard, error) {
	bl, err := text.LoadBlocklist(o.Blocklist, o.Whitelist)
	if err != nil {
		return nil, err
	}
	var cs []classify.TextClassifier
	switch c := o.Classifier; {
	case c == ClassifierNone || c == "":
	case c == ClassifierBuiltin:
		var m *classify.LogReg
		if p := o.BuiltinModel; p != "" {
			data, err := regfile.ReadFile(p, maxModelBytes)
			if err != nil {
				return nil, fmt.Errorf("guard: read classifier model: %w", err)
			}
			if m, err = classify.LoadLogReg(data, p); err != nil {
				return nil, err
			}
		} else if m, err = classify.DefaultLogReg(); err != nil {
			return nil, err
		}
		cs = append(cs, m)
	case strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://"):
		lg, err := o.Served.Open(c)
		if err != nil {
			return nil, err
		}
		cs = append(cs, lg)
	default:
		return nil, optionError{fmt.Errorf("classifier %q: want none, builtin or an http(s) URL", c)}
	}
	return NewPromptGuard(bl, cs...)
}
