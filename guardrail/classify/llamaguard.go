package classify

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/wfm-platform/wfm/internal/chatapi"
)

// Defaults of LlamaGuardConfig.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultAttempts = 3
	DefaultBackoff  = 250 * time.Millisecond
)

// LlamaGuardCategories names the hazard codes of Llama Guard 3 (the MLCommons taxonomy).
var LlamaGuardCategories = map[string]string{
	"S1": "violent crimes", "S2": "non-violent crimes", "S3": "sex-related crimes",
	"S4": "child sexual exploitation", "S5": "defamation", "S6": "specialized advice",
	"S7": "privacy", "S8": "intellectual property", "S9": "indiscriminate weapons",
	"S10": "hate", "S11": "suicide and self-harm", "S12": "sexual content", "S13": "elections",
	"S14": "code interpreter abuse",
}

// Errors of the LlamaGuard adapter, for errors.Is.
var (
	// ErrMalformed: the service answered, but not with a verdict.
	ErrMalformed = errors.New("malformed classifier response")
	// ErrUnavailable: no answer after every attempt (transport errors, timeouts, 429/5xx).
	ErrUnavailable = errors.New("classifier unavailable")
	// ErrRejected: the service refused the request (a 4xx status other than 429).
	ErrRejected = errors.New("classifier rejected the request")
)

// ServiceError is a failed classification, with what happened on the last attempt.
type ServiceError struct {
	URL      string
	Attempts int
	Status   int // HTTP status of the last answer, 0 if none
	Kind     error
	Err      error
}

func (e *ServiceError) Error() string {
	s := fmt.Sprintf("classify: %s: %v after %d attempt(s)", e.URL, e.Kind, e.Attempts)
	if e.Status != 0 {
		s += fmt.Sprintf(", last status %d", e.Status)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}
func (e *ServiceError) Unwrap() []error { return []error{e.Kind, e.Err} }

// LlamaGuardConfig configures the HTTP adapter.
type LlamaGuardConfig struct {
	// URL is the API base, e.g. http://localhost:8000/v1; requests go to URL/chat/completions.
	URL string
	// Model is the served model name, e.g. meta-llama/Llama-Guard-3-8B.
	Model string
	// APIKey, if set, is sent as a bearer token.
	APIKey string
	// Timeout bounds each attempt (DefaultTimeout if 0), Attempts counts the tries in all
	// (DefaultAttempts if 0; 1 means no retry), Backoff is the wait before the first retry,
	// doubled for each next one (DefaultBackoff if 0).
	Timeout  time.Duration
	Attempts int
	Backoff  time.Duration
	// Client is the HTTP client (http.DefaultClient's transport if nil).
	Client *http.Client
}

// LlamaGuard classifies prompts and images with a Llama Guard class model behind an
// OpenAI-compatible chat completions endpoint.
type LlamaGuard struct {
	model  string
	client chatapi.Client
}

// NewLlamaGuard checks the configuration and returns the adapter.
func NewLlamaGuard(cfg LlamaGuardConfig) (*LlamaGuard, error) {
	if !strings.HasPrefix(cfg.URL, "http://") && !strings.HasPrefix(cfg.URL, "https://") {
		return nil, fmt.Errorf("classify: classifier URL %q is not http(s)", cfg.URL)
	}
	if cfg.Model == "" {
		return nil, fmt.Errorf("classify: classifier at %s needs a model name", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	return &LlamaGuard{model: cfg.Model, client: chatapi.Client{URL: chatapi.Endpoint(cfg.URL), APIKey: cfg.APIKey,
		HTTP: cfg.Client, Timeout: cfg.Timeout, Attempts: cfg.Attempts, Backoff: cfg.Backoff}}, nil
}

// Name is the model name.
func (g *LlamaGuard) Name() string { return g.model }

// ClassifyText asks the model about one user turn holding the prompt.
func (g *LlamaGuard) ClassifyText(ctx context.Context, text string) (Result, error) {
	return g.classify(ctx, chatapi.Message{Role: "user", Text: text})
}

// ClassifyImage asks the model about one user turn holding the image (as a PNG data URL, the
// way OpenAI-compatible servers take images for vision models such as Llama Guard 3 Vision).
func (g *LlamaGuard) ClassifyImage(ctx context.Context, img image.Image) (Result, error) {
	frame, err := chatapi.ImagePart(img)
	if err != nil {
		return Result{}, fmt.Errorf("classify: encode frame: %w", err)
	}
	return g.classify(ctx, chatapi.Message{Role: "user", Parts: []chatapi.Part{chatapi.TextPart("Is this video frame safe?"), frame}})
}

func (g *LlamaGuard) classify(ctx context.Context, msg chatapi.Message) (Result, error) {
	reply, err := g.client.Complete(ctx, chatapi.Request{Model: g.model, Messages: []chatapi.Message{msg}, MaxTokens: 20})
	if err != nil {
		return Result{}, serviceError(err)
	}
	res, err := ParseLlamaGuard(reply.Content)
	if err != nil {
		return Result{}, &ServiceError{URL: g.client.URL, Attempts: reply.Attempts, Status: http.StatusOK, Kind: ErrMalformed, Err: err}
	}
	res.Model = g.model
	return res, nil
}

// serviceError turns an error of chatapi.Client.Complete into a ServiceError of the kind it is.
func serviceError(err error) error {
	var ce *chatapi.Error
	if !errors.As(err, &ce) {
		return err
	}
	serr := &ServiceError{URL: ce.URL, Attempts: ce.Attempts, Status: ce.Status, Kind: ErrUnavailable, Err: ce.Err}
	var fe chatapi.FormatError
	switch {
	case errors.As(ce.Err, &fe):
		serr.Kind, serr.Err = ErrMalformed, fmt.Errorf("%w: %s", ErrMalformed, fe)
	case ce.Status >= 400 && ce.Status < 500 && ce.Status != http.StatusTooManyRequests:
		serr.Kind = ErrRejected
	}
	return serr
}

var categoryCode = regexp.MustCompile(`^S[0-9]{1,2}$`)

// ParseLlamaGuard reads a Llama Guard verdict: "safe", or "unsafe" followed by a line of
// comma-separated category codes. Anything else is ErrMalformed.
func ParseLlamaGuard(content string) (Result, error) {
	lines := strings.Split(strings.TrimSpace(content), "\n")
	switch strings.TrimSpace(lines[0]) {
	case "safe":
		if len(lines) > 1 {
			return Result{}, fmt.Errorf("%w: text after \"safe\": %.200q", ErrMalformed, content)
		}
		return Result{Safe: true}, nil
	case "unsafe":
		if len(lines) > 2 {
			return Result{}, fmt.Errorf("%w: more than two lines: %.200q", ErrMalformed, content)
		}
		res := Result{Safe: false}
		if len(lines) == 2 {
			for _, c := range strings.Split(lines[1], ",") {
				c = strings.TrimSpace(c)
				if !categoryCode.MatchString(c) {
					return Result{}, fmt.Errorf("%w: category %q is not a code like S1", ErrMalformed, c)
				}
				if name, ok := LlamaGuardCategories[c]; ok {
					c += " " + name
				}
				res.Categories = append(res.Categories, c)
			}
		}
		return res, nil
	}
	return Result{}, fmt.Errorf("%w: verdict %.200q is neither safe nor unsafe", ErrMalformed, lines[0])
}
