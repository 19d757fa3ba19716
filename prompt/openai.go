package prompt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/synth"
)

// Defaults of OpenAIConfig.
const (
	DefaultAPIKeyEnv = "WFM_UPSAMPLER_API_KEY"
	DefaultTimeout   = 60 * time.Second
	DefaultAttempts  = 3
	DefaultBackoff   = time.Second
	DefaultMaxTokens = 256
	// maxBackoff caps one wait between attempts, including a server's Retry-After.
	maxBackoff = 30 * time.Second
	// maxResponseBytes bounds the body read from the server.
	maxResponseBytes = 1 << 20
)

// Errors of the OpenAI adapter, matched with errors.Is.
var (
	// ErrMalformed: the server answered 200 with something that is not a usable completion.
	ErrMalformed = errors.New("malformed upsampler response")
	// ErrUnavailable: no answer after every attempt (transport errors, timeouts, 429, 5xx).
	ErrUnavailable = errors.New("upsampler unavailable")
	// ErrRejected: the server refused the request (a 4xx status other than 429).
	ErrRejected = errors.New("upsampler rejected the request")
)

// ServiceError is a failed request to an upsampling server.
type ServiceError struct {
	Kind     error  // ErrUnavailable or ErrRejected
	URL      string // the chat-completions endpoint
	Status   int    // HTTP status of the last answer, 0 if none came
	Attempts int
	Err      error // the last attempt's error
}

func (e *ServiceError) Error() string {
	status := "no answer"
	if e.Status != 0 {
		status = fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("prompt: %s: %v after %d attempt(s) (%s): %v", e.URL, e.Kind, e.Attempts, status, e.Err)
}

func (e *ServiceError) Unwrap() []error { return []error{e.Kind, e.Err} }

// OpenAIConfig configures the OpenAI-compatible adapter. Zero fields take the defaults.
type OpenAIConfig struct {
	// BaseURL is the API root, e.g. http://localhost:8000/v1; requests go to
	// BaseURL + "/chat/completions".
	BaseURL string
	Model   string
	// APIKeyEnv names the environment variable holding the API key (default
	// WFM_UPSAMPLER_API_KEY). When the variable is unset or empty no Authorization header is
	// sent, as local servers need none.
	APIKeyEnv string
	// Timeout bounds each attempt (default 60 s).
	Timeout time.Duration
	// Attempts is the number of tries per prompt (default 3; 1 means no retry).
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each later one
	// (default 1 s, at most 30 s); a Retry-After header in seconds replaces it.
	Backoff   time.Duration
	MaxTokens int // default 256
	// Temperature is the sampling temperature, in [0, 2]; 0 (the default) is greedy decoding,
	// so the same prompt upsamples the same way on a deterministic server.
	Temperature float64
	// SystemPrompt replaces SystemPrompt() when set.
	SystemPrompt string
	// Client sends the requests (default: a new http.Client; each attempt's deadline comes
	// from Timeout).
	Client *http.Client
}

// OpenAI upsamples prompts with a language model served over the OpenAI chat-completions API.
type OpenAI struct {
	cfg      OpenAIConfig
	endpoint string
	key      string
}

// NewOpenAI checks cfg, fills its defaults and reads the API key from the environment.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	switch {
	case cfg.BaseURL == "":
		return nil, errors.New("prompt: OpenAI upsampler: no base URL")
	case cfg.Model == "":
		return nil, errors.New("prompt: OpenAI upsampler: no model name")
	case cfg.Timeout < 0 || cfg.Attempts < 0 || cfg.Backoff < 0 || cfg.MaxTokens < 0:
		return nil, fmt.Errorf("prompt: OpenAI upsampler: negative timeout, attempts, backoff or max tokens")
	case cfg.Temperature < 0 || cfg.Temperature > 2:
		return nil, fmt.Errorf("prompt: OpenAI upsampler: temperature %g outside [0, 2]", cfg.Temperature)
	}
	if !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		return nil, fmt.Errorf("prompt: OpenAI upsampler: base URL %q is not http(s)", cfg.BaseURL)
	}
	cfg.APIKeyEnv = cmpOr(cfg.APIKeyEnv, DefaultAPIKeyEnv)
	cfg.Timeout = cmpOr(cfg.Timeout, DefaultTimeout)
	cfg.Attempts = cmpOr(cfg.Attempts, DefaultAttempts)
	cfg.Backoff = cmpOr(cfg.Backoff, DefaultBackoff)
	cfg.MaxTokens = cmpOr(cfg.MaxTokens, DefaultMaxTokens)
	if cfg.SystemPrompt == "" {
		cfg.SystemPrompt = SystemPrompt()
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	return &OpenAI{cfg: cfg, endpoint: strings.TrimRight(cfg.BaseURL, "/") + "/chat/completions",
		key: os.Getenv(cfg.APIKeyEnv)}, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Name implements Upsampler.
func (o *OpenAI) Name() string { return "openai:" + o.cfg.Model }

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	MaxTokens   int           `json:"max_tokens"`
	Temperature float64       `json:"temperature"`
	N           int           `json:"n"`
	Stream      bool          `json:"stream"`
}

// Upsample implements Upsampler: one chat completion with the system prompt and the user's
// prompt, retried as OpenAIConfig says.
func (o *OpenAI) Upsample(ctx context.Context, p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", ErrEmptyPrompt
	}
	if len(p) > MaxPromptBytes || !utf8.ValidString(p) {
		return "", fmt.Errorf("prompt: prompt of %d bytes is over the %d-byte limit or not UTF-8", len(p), MaxPromptBytes)
	}
	body, err := json.Marshal(chatRequest{
		Model: o.cfg.Model, MaxTokens: o.cfg.MaxTokens, Temperature: o.cfg.Temperature, N: 1,
		Messages: []chatMessage{{Role: "system", Content: o.cfg.SystemPrompt}, {Role: "user", Content: p}},
	})
	if err != nil {
		return "", err
	}
	var last error
	status := 0
	wait := o.cfg.Backoff
	for attempt := 1; attempt <= o.cfg.Attempts; attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(min(wait, maxBackoff)):
			}
			wait *= 2
		}
		out, st, retryAfter, retry, err := o.once(ctx, body)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		last, status = err, st
		if errors.Is(err, ErrMalformed) {
			return "", fmt.Errorf("prompt: %s: %w", o.endpoint, err)
		}
		if !retry {
			return "", &ServiceError{Kind: ErrRejected, URL: o.endpoint, Status: st, Attempts: attempt, Err: err}
		}
		if retryAfter > 0 {
			wait = retryAfter
		}
	}
	return "", &ServiceError{Kind: ErrUnavailable, URL: o.endpoint, Status: status, Attempts: o.cfg.Attempts, Err: last}
}

// once makes one attempt. retry says whether another attempt may succeed.
func (o *OpenAI) once(ctx context.Context, body []byte) (out string, status int, retryAfter time.Duration, retry bool, err error) {
	actx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", 0, 0, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if o.key != "" {
		req.Header.Set("Authorization", "Bearer "+o.key)
	}
	resp, err := o.cfg.Client.Do(req)
	if err != nil {
		return "", 0, 0, true, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return "", resp.StatusCode, 0, true, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return "", resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After")), true,
			fmt.Errorf("HTTP %d: %s", resp.StatusCode, snippet(data))
	}
	if resp.StatusCode != http.StatusOK {
		return "", resp.StatusCode, 0, false, fmt.Errorf("HTTP %d: %s", resp.StatusCode, snippet(data))
	}
	if len(data) > maxResponseBytes {
		return "", resp.StatusCode, 0, false, fmt.Errorf("%w: answer over %d bytes", ErrMalformed, maxResponseBytes)
	}
	out, err = ParseChatCompletion(data)
	return out, resp.StatusCode, 0, false, err
}

func parseRetryAfter(v string) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, maxBackoff)
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return strconv.Quote(s)
}

// chatResponse is the part of a chat-completions answer the adapter reads.
type chatResponse struct {
	Choices *[]struct {
		Message *struct {
			Content json.RawMessage `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

var (
	thinkRE = regexp.MustCompile(`(?s)<think>.*?</think>`)
	labelRE = regexp.MustCompile(`(?i)^(?:upsampled prompt|upsampled caption|caption|prompt|output)\s*:\s*`)
)

// ParseChatCompletion reads the upsampled prompt out of a chat-completions answer body: the
// first choice's message content (a string, or an array of text parts), with any <think>
// block, a leading "Caption:" label and wrapping quotes removed and white space collapsed.
// Every other shape is an error wrapping ErrMalformed that says what is wrong: not JSON, an
// error object, no choices, no message, content that is null, empty or not text, an answer
// cut off at max_tokens, or a result over MaxPromptBytes or holding control characters.
func ParseChatCompletion(body []byte) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	var r chatResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return bad("not a JSON chat completion (%v): %s", err, snippet(body))
	}
	if r.Error != nil {
		return bad("server error: %s", snippet([]byte(r.Error.Message)))
	}
	if r.Choices == nil || len(*r.Choices) == 0 {
		return bad("no choices: %s", snippet(body))
	}
	c := (*r.Choices)[0]
	if c.Message == nil {
		return bad("choice 0 has no message")
	}
	if c.FinishReason == "length" {
		return bad("answer cut off at max_tokens (raise max_tokens)")
	}
	text, err := contentText(c.Message.Content)
	if err != nil {
		return bad("choice 0: %v", err)
	}
	text = thinkRE.ReplaceAllString(text, " ")
	text = strings.Join(strings.Fields(text), " ")
	text = labelRE.ReplaceAllString(text, "")
	for len(text) >= 2 && strings.ContainsRune(`"'`, rune(text[0])) && text[len(text)-1] == text[0] {
		text = strings.TrimSpace(text[1 : len(text)-1])
	}
	switch {
	case text == "":
		return bad("choice 0: empty content")
	case len(text) > MaxPromptBytes:
		return bad("choice 0: %d bytes of content, the limit is %d", len(text), MaxPromptBytes)
	case strings.IndexFunc(text, unicode.IsControl) >= 0:
		return bad("choice 0: control characters in content")
	}
	return text, nil
}

// contentText reads a message content: a JSON string or an array of {"type":"text","text":...}.
func contentText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("null content")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string  `json:"type"`
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("content is neither text nor text parts: %s", snippet(raw))
	}
	var b strings.Builder
	for i, p := range parts {
		if p.Type != "text" || p.Text == nil {
			return "", fmt.Errorf("content part %d is %q, not text", i, p.Type)
		}
		b.WriteString(*p.Text)
	}
	return b.String(), nil
}

// SystemPrompt is the default instruction of the OpenAI adapter: the caption style of the
// synthetic world, the scenes it holds, and one real caption per scenario, made by the same
// code as the dataset.
func SystemPrompt() string { return systemPrompt() }

var systemPrompt = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(`You rewrite a user's request for a short video into one caption in the style of the captions a video world model was trained on. Those videos are simulated: simple physics scenes in a vertical plane with a flat floor (free fall, a thrown ball, two colliding balls, a ball rolling down a ramp or through a U-shaped valley, a pendulum, a row of dominoes, a seesaw with two boxes, stable and toppling stacks of boxes), and a camera orbiting, moving forward through or panning across a still room of textured boxes and spheres.

Style: one or two plain declarative sentences in the present tense; name each object by colour and shape (colours: `)
	for i, c := range world.Palette {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
	}
	b.WriteString(`); state sizes, heights, angles, counts and speeds in metric units when known; say what moves and how, and how it ends. Keep every detail of the request; add only plausible physical detail; never add people, text or brand names. Answer with the caption alone, no preamble or quotes.

Examples of training captions:
`)
	for _, ex := range exampleCaptions() {
		b.WriteString("- ")
		b.WriteString(ex)
		b.WriteString("\n")
	}
	return b.String()
})

// exampleCaptions simulates one in-distribution scene per physics scenario (seed 1) and
// captions it with world.Captions, then adds a camera caption of each camera scenario.
func exampleCaptions() []string {
	var out []string
	for _, s := range physics.Scenarios() {
		dist, err := physics.Preset(s, physics.InDistribution)
		if err != nil {
			continue
		}
		traj, err := simulate(dist.Sample(physics.NewRand(1)))
		if err != nil {
			continue
		}
		out = append(out, world.Captions(traj, 1, physics.NewRand(1))...)
	}
	for i, s := range synth.CameraScenarios() {
		var w wants
		out = append(out, cameraCaptions(s, &w, &Expansion{})[i%3])
	}
	return out
}
