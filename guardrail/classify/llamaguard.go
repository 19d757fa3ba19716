package classify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Defaults of LlamaGuardConfig.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultAttempts = 3
	DefaultBackoff  = 250 * time.Millisecond
	// maxResponse bounds the bytes read from the service.
	maxResponse = 1 << 20
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
	cfg      LlamaGuardConfig
	endpoint string
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
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	return &LlamaGuard{cfg: cfg, endpoint: strings.TrimRight(cfg.URL, "/") + "/chat/completions"}, nil
}

// Name is the model name.
func (g *LlamaGuard) Name() string { return g.cfg.Model }

type chatMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type contentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

type imageURL struct {
	URL string `json:"url"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
	MaxTokens   int           `json:"max_tokens"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
}

// ClassifyText asks the model about one user turn holding the prompt.
func (g *LlamaGuard) ClassifyText(ctx context.Context, text string) (Result, error) {
	return g.classify(ctx, []chatMessage{{Role: "user", Content: text}})
}

// ClassifyImage asks the model about one user turn holding the image (as a PNG data URL, the
// way OpenAI-compatible servers take images for vision models such as Llama Guard 3 Vision).
func (g *LlamaGuard) ClassifyImage(ctx context.Context, img image.Image) (Result, error) {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return Result{}, fmt.Errorf("classify: encode frame: %w", err)
	}
	url := "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	return g.classify(ctx, []chatMessage{{Role: "user", Content: []contentPart{
		{Type: "text", Text: "Is this video frame safe?"},
		{Type: "image_url", ImageURL: &imageURL{URL: url}},
	}}})
}

func (g *LlamaGuard) classify(ctx context.Context, msgs []chatMessage) (Result, error) {
	body, err := json.Marshal(chatRequest{Model: g.cfg.Model, Messages: msgs, MaxTokens: 20})
	if err != nil {
		return Result{}, fmt.Errorf("classify: encode request: %w", err)
	}
	wait := g.cfg.Backoff
	serr := &ServiceError{URL: g.endpoint}
	for attempt := 0; attempt < g.cfg.Attempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				serr.Kind, serr.Err = ErrUnavailable, ctx.Err()
				return Result{}, serr
			case <-time.After(wait):
			}
			wait *= 2
		}
		serr.Attempts = attempt + 1
		res, status, retry, err := g.once(ctx, body)
		serr.Status = status
		if err == nil {
			return res, nil
		}
		serr.Err = err
		if !retry || ctx.Err() != nil {
			switch {
			case errors.Is(err, ErrMalformed):
				serr.Kind = ErrMalformed
			case status >= 400 && status < 500 && status != http.StatusTooManyRequests:
				serr.Kind = ErrRejected
			default:
				serr.Kind = ErrUnavailable
			}
			return Result{}, serr
		}
	}
	serr.Kind = ErrUnavailable
	return Result{}, serr
}

// once makes one attempt; retry says whether a failure is worth another.
func (g *LlamaGuard) once(ctx context.Context, body []byte) (res Result, status int, retry bool, err error) {
	actx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, g.endpoint, bytes.NewReader(body))
	if err != nil {
		return Result{}, 0, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	if g.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+g.cfg.APIKey)
	}
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		return Result{}, 0, true, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return Result{}, resp.StatusCode, true, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return Result{}, resp.StatusCode, retry, fmt.Errorf("HTTP %s: %s", resp.Status, snippet(data))
	}
	if len(data) > maxResponse {
		return Result{}, resp.StatusCode, false, fmt.Errorf("%w: response over %d bytes", ErrMalformed, maxResponse)
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return Result{}, resp.StatusCode, false, fmt.Errorf("%w: not chat completion JSON (%v): %s", ErrMalformed, err, snippet(data))
	}
	if len(cr.Choices) == 0 || cr.Choices[0].Message.Content == nil {
		return Result{}, resp.StatusCode, false, fmt.Errorf("%w: no choices[0].message.content: %s", ErrMalformed, snippet(data))
	}
	res, err = ParseLlamaGuard(*cr.Choices[0].Message.Content)
	res.Model = g.cfg.Model
	return res, resp.StatusCode, false, err
}

var categoryCode = regexp.MustCompile(`^S[0-9]{1,2}$`)

// ParseLlamaGuard reads a Llama Guard verdict: "safe", or "unsafe" followed by a line of
// comma-separated category codes. Anything else is ErrMalformed.
func ParseLlamaGuard(content string) (Result, error) {
	lines := strings.Split(strings.TrimSpace(content), "\n")
	switch strings.TrimSpace(lines[0]) {
	case "safe":
		if len(lines) > 1 {
			return Result{}, fmt.Errorf("%w: text after \"safe\": %q", ErrMalformed, snippet([]byte(content)))
		}
		return Result{Safe: true}, nil
	case "unsafe":
		if len(lines) > 2 {
			return Result{}, fmt.Errorf("%w: more than two lines: %q", ErrMalformed, snippet([]byte(content)))
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
	return Result{}, fmt.Errorf("%w: verdict %q is neither safe nor unsafe", ErrMalformed, snippet([]byte(lines[0])))
}

func snippet(b []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
