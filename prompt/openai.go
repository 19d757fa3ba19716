package prompt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wfm-platform/wfm/internal/chatapi"
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
	// Client sends the requests (default: http.DefaultClient; each attempt's deadline comes
	// from Timeout).
	Client *http.Client
}

// OpenAI upsamples prompts with a language model served over the OpenAI chat-completions API.
type OpenAI struct {
	cfg      OpenAIConfig
	endpoint string
	client   chatapi.Client
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
	endpoint := chatapi.Endpoint(cfg.BaseURL)
	return &OpenAI{cfg: cfg, endpoint: endpoint, client: chatapi.Client{URL: endpoint, APIKey: os.Getenv(cfg.APIKeyEnv),
		HTTP: cfg.Client, Timeout: cfg.Timeout, Attempts: cfg.Attempts, Backoff: cfg.Backoff}}, nil
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

// Upsample implements Upsampler: one chat completion with the system prompt and the user's
// prompt, retried as OpenAIConfig says.
func (o *OpenAI) Upsample(ctx context.Context, p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", ErrEmptyPrompt
	}
	if len(p) > MaxPromptBytes || !utf8.ValidString(p) {
		return "", fmt.Errorf("prompt: prompt of %d bytes is over the %d-byte limit or not UTF-8", len(p), MaxPromptBytes)
	}
	reply, err := o.client.Complete(ctx, chatapi.Request{
		Model: o.cfg.Model, MaxTokens: o.cfg.MaxTokens, Temperature: o.cfg.Temperature,
		Messages: []chatapi.Message{{Role: "system", Text: o.cfg.SystemPrompt}, {Role: "user", Text: p}},
	})
	if err != nil {
		return "", o.failure(ctx, err)
	}
	out, err := upsampled(reply)
	if err != nil {
		return "", fmt.Errorf("prompt: %s: %w", o.endpoint, err)
	}
	return out, nil
}

// failure turns an error of chatapi.Client.Complete into this package's: the context's error
// when it is done, ErrMalformed for an unusable answer, else a ServiceError.
func (o *OpenAI) failure(ctx context.Context, err error) error {
	var ce *chatapi.Error
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case !errors.As(err, &ce):
		return err
	}
	var fe chatapi.FormatError
	if errors.As(ce.Err, &fe) {
		return fmt.Errorf("prompt: %s: %w: %s", ce.URL, ErrMalformed, fe)
	}
	kind := ErrUnavailable
	if !ce.Retryable {
		kind = ErrRejected
	}
	return &ServiceError{Kind: kind, URL: ce.URL, Status: ce.Status, Attempts: ce.Attempts, Err: ce.Err}
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
	reply, err := chatapi.ParseReply(body)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return upsampled(reply)
}

// upsampled is the cleaned caption of a reply, or an error wrapping ErrMalformed.
func upsampled(reply chatapi.Reply) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	if reply.FinishReason == "length" {
		return bad("answer cut off at max_tokens (raise max_tokens)")
	}
	text := thinkRE.ReplaceAllString(reply.Content, " ")
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
