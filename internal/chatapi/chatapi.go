package chatapi

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
	"strconv"
	"strings"
	"time"
)

const (
	// MaxWait caps one wait between attempts, a server's Retry-After included.
	MaxWait = 30 * time.Second
	// MaxAnswerBytes bounds the body read from a server: a completion of some thousand tokens
	// is tens of kilobytes, so a larger answer is broken or hostile.
	MaxAnswerBytes = 4 << 20
)

// Endpoint is the chat-completions URL under an API root such as http://localhost:8000/v1.
func Endpoint(base string) string { return strings.TrimRight(base, "/") + "/chat/completions" }

// Client sends chat-completion requests to one endpoint. It is safe for concurrent use as
// long as its fields are not changed.
type Client struct {
	URL    string       // the chat-completions endpoint (see Endpoint)
	APIKey string       // sent as a bearer token when not empty
	HTTP   *http.Client // http.DefaultClient when nil
	// Timeout bounds each attempt; 0 leaves it to ctx and the HTTP client.
	Timeout time.Duration
	// Attempts is the number of tries in all (1 when 0: no retry). Backoff is the wait
	// before the second, doubled before each later one, at most MaxWait; a Retry-After in
	// seconds on a 429 or 5xx answer replaces it.
	Attempts int
	Backoff  time.Duration
}

// Request is what a caller chooses of a chat-completions request. The client always asks
// for one choice, not streamed (n 1, stream false): that is what ParseReply reads.
type Request struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	MaxTokens   int       `json:"max_tokens"`
	Temperature float64   `json:"temperature"`
}

// Message is one turn of the conversation: a role ("system", "user") and its content,
// Text, or, when Parts is not nil, the parts in order (text and images, for vision models).
type Message struct {
	Role  string
	Text  string
	Parts []Part
}

// MarshalJSON writes the content as a string, or as an array of content parts.
func (m Message) MarshalJSON() ([]byte, error) {
	var content any = m.Text
	if m.Parts != nil {
		content = m.Parts
	}
	return json.Marshal(struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}{m.Role, content})
}

// Part is one content part of a message: text, or an image given by URL.
type Part struct {
	Type     string    `json:"type"` // "text" or "image_url"
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL locates an image: on the web, or inline as a data URL.
type ImageURL struct {
	URL string `json:"url"`
}

// TextPart is a text content part.
func TextPart(text string) Part { return Part{Type: "text", Text: text} }

// ImagePart is img as a PNG data URL, the way OpenAI-compatible servers take images that are
// not on the web. It encodes at png.BestSpeed: the server decodes the same pixels whatever
// the level, and the encoding is on the caller's critical path.
func ImagePart(img image.Image) (Part, error) {
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		return Part{}, err
	}
	url := "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	return Part{Type: "image_url", ImageURL: &ImageURL{URL: url}}, nil
}

// Reply is a usable answer.
type Reply struct {
	Content      string // the first choice's message text, not only white space
	FinishReason string // why generation stopped, as the server says: "stop", "length", ...
	Attempts     int    // the tries it took
}

// Error is a request that got no usable reply; every error of Complete is one.
type Error struct {
	URL      string
	Status   int // HTTP status of the last answer, 0 if none came
	Attempts int // tries made
	// Retryable says the last failure was of a kind that is retried (a transport error, a
	// timeout, 429 or 5xx), so that giving up was for want of attempts or of time.
	Retryable bool
	// Err is the last attempt's error: a transport error, "HTTP 400: <excerpt of the body>",
	// a FormatError, or the context's error.
	Err error
}

func (e *Error) Error() string { return e.URL + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// FormatError is an answer that is not a usable chat completion; the text says what is wrong.
type FormatError string

func (e FormatError) Error() string { return string(e) }

// Complete sends req and reads the reply, trying again as c says after a transport error,
// a timeout, 429 or 5xx. Other statuses and 200 answers that are not a usable completion
// (see ParseReply) end it at once.
func (c *Client) Complete(ctx context.Context, req Request) (Reply, error) {
	body, err := json.Marshal(struct {
		Request
		N      int  `json:"n"`
		Stream bool `json:"stream"`
	}{Request: req, N: 1})
	if err != nil {
		return Reply{}, &Error{URL: c.URL, Err: fmt.Errorf("encoding the request: %w", err)}
	}
	last := &Error{URL: c.URL}
	wait := min(c.Backoff, MaxWait)
	for n := 1; n <= max(c.Attempts, 1); n++ {
		if n > 1 {
			select {
			case <-ctx.Done():
				last.Err = ctx.Err()
				return Reply{}, last
			case <-time.After(wait):
			}
			wait = min(2*wait, MaxWait)
		}
		reply, a, err := c.once(ctx, body)
		if err == nil {
			reply.Attempts = n
			return reply, nil
		}
		last.Status, last.Attempts, last.Retryable, last.Err = a.status, n, a.retryable, err
		if !a.retryable || ctx.Err() != nil {
			break
		}
		if a.retryAfter > 0 {
			wait = a.retryAfter
		}
	}
	return Reply{}, last
}

// attempt is how one try ended, besides its error.
type attempt struct {
	status     int
	retryable  bool
	retryAfter time.Duration
}

func (c *Client) once(ctx context.Context, body []byte) (Reply, attempt, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return Reply{}, attempt{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Reply{}, attempt{retryable: true}, err
	}
	defer resp.Body.Close()
	a := attempt{status: resp.StatusCode}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	if err != nil {
		a.retryable = true
		return Reply{}, a, fmt.Errorf("reading the answer: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		a.retryable, a.retryAfter = true, parseRetryAfter(resp.Header.Get("Retry-After"))
		return Reply{}, a, fmt.Errorf("HTTP %d: %s", resp.StatusCode, excerpt(data))
	case resp.StatusCode != http.StatusOK:
		return Reply{}, a, fmt.Errorf("HTTP %d: %s", resp.StatusCode, excerpt(data))
	case len(data) > MaxAnswerBytes:
		return Reply{}, a, FormatError(fmt.Sprintf("answer over %d bytes", MaxAnswerBytes))
	}
	reply, err := ParseReply(data)
	return reply, a, err
}

// parseRetryAfter reads a Retry-After header in seconds (the HTTP-date form is not used by
// these servers), capped at MaxWait; 0 when absent or unreadable.
func parseRetryAfter(v string) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, MaxWait)
}

// excerpt quotes the start of a server's answer for an error message, on one line.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return strconv.Quote(s)
}

// ParseReply reads a chat-completions answer body: the first choice's message content (a
// string, or an array of text parts, joined) and its finish reason. Every other shape is a
// FormatError that says what is wrong: not JSON, an error object, no choices, no message,
// content that is null, not text, or only white space.
func ParseReply(body []byte) (Reply, error) {
	bad := func(format string, args ...any) (Reply, error) {
		return Reply{}, FormatError(fmt.Sprintf(format, args...))
	}
	var r struct {
		Choices []struct {
			Message *struct {
				Content json.RawMessage `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return bad("not a JSON chat completion (%v): %s", err, excerpt(body))
	}
	if r.Error != nil {
		return bad("server error: %s", excerpt([]byte(r.Error.Message)))
	}
	if len(r.Choices) == 0 {
		return bad("no choices: %s", excerpt(body))
	}
	c := r.Choices[0]
	if c.Message == nil {
		return bad("choice 0 has no message")
	}
	text, err := contentText(c.Message.Content)
	if err != nil {
		return bad("choice 0: %v", err)
	}
	if strings.TrimSpace(text) == "" {
		return bad("choice 0: empty content")
	}
	return Reply{Content: text, FinishReason: c.FinishReason}, nil
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
		return "", fmt.Errorf("content is neither text nor text parts: %s", excerpt(raw))
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
