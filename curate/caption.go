package curate

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Captioner describes a clip in words. Implementations must be safe for concurrent use.
type Captioner interface {
	// Name identifies the captioner (and its model) in the settings and the manifest.
	Name() string
	// Caption returns a caption of it.Clip (the normalized clip); it.Source and it.Span say
	// where the clip came from.
	Caption(ctx context.Context, it *Item) (string, error)
}

// CaptionStage asks a Captioner for every kept clip. A captioner error drops the clip with
// reason caption_error (a clip without a caption is no use to text-conditioned training), and
// the error text is kept in the drop detail.
type CaptionStage struct{ Captioner Captioner }

// Name implements ClipStage.
func (CaptionStage) Name() string { return "caption" }

// Process implements ClipStage.
func (s CaptionStage) Process(ctx context.Context, it *Item) error {
	if s.Captioner == nil {
		return nil
	}
	text, err := s.Captioner.Caption(ctx, it)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		it.Drop = &Drop{Stage: "caption", Reason: "caption_error", Detail: err.Error()}
		return nil
	}
	it.Caption = strings.TrimSpace(text)
	return nil
}

// SynthCaptioner captions clips of synthetic-world videos with the generator's own captions,
// read from the NAME.shots.json file MakeCorpus writes next to each video: the caption of the
// shot that overlaps the clip most (its first caption). Sources without that file get an
// error, so mixing synthetic and real inputs under this captioner is caught, not silently
// uncaptioned.
type SynthCaptioner struct {
	mu    sync.Mutex
	cache map[string]*VideoTruth
}

// Name implements Captioner.
func (*SynthCaptioner) Name() string { return "synth" }

// Caption implements Captioner.
func (s *SynthCaptioner) Caption(_ context.Context, it *Item) (string, error) {
	vt, err := s.truth(it.Source.Path)
	if err != nil {
		return "", err
	}
	best, bestOverlap := -1, 0
	for i, sh := range vt.Shots {
		if o := min(sh.End, it.Span.End) - max(sh.Start, it.Span.Start); o > bestOverlap {
			best, bestOverlap = i, o
		}
	}
	if best < 0 || len(vt.Shots[best].Captions) == 0 {
		return "", fmt.Errorf("curate: %s has no caption for frames %d-%d", shotsSidecar(it.Source.Path), it.Span.Start, it.Span.End)
	}
	return vt.Shots[best].Captions[0], nil
}

func (s *SynthCaptioner) truth(path string) (*VideoTruth, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if vt, ok := s.cache[path]; ok {
		return vt, nil
	}
	p := shotsSidecar(path)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("curate: synthetic captions: %w", err)
	}
	vt := new(VideoTruth)
	if err := json.Unmarshal(data, vt); err != nil {
		return nil, fmt.Errorf("curate: synthetic captions %s: %w", p, err)
	}
	if s.cache == nil {
		s.cache = map[string]*VideoTruth{}
	}
	s.cache[path] = vt
	return vt, nil
}

// OpenAICaptioner asks a vision-language model served behind an OpenAI-compatible chat
// completions API (vLLM, llama.cpp's server, Ollama, SGLang and OpenAI itself accept this
// request) to describe Frames evenly spaced frames of the clip, sent as PNG data URLs in one
// user message ("image_url" content parts, https://platform.openai.com/docs/api-reference/chat).
// Temperature 0 keeps captions as repeatable as the server allows. Requests that fail with a
// transport error, 429 or 5xx are retried up to Retries times with doubling delays.
type OpenAICaptioner struct {
	BaseURL   string // up to and including /v1, e.g. http://localhost:8000/v1
	Model     string
	APIKey    string // sent as a bearer token when set
	Prompt    string
	Frames    int // frames sent per clip (default 4)
	MaxTokens int // default 256
	Retries   int // default 3
	Client    *http.Client
}

// DefaultCaptionPrompt asks for the kind of caption world-model training uses: what is there and
// how it moves, no speculation.
const DefaultCaptionPrompt = "These are frames of one short video clip, in order. Describe in one or two sentences what is in the scene and how things and the camera move. Do not speculate beyond what is visible."

// Name implements Captioner.
func (c *OpenAICaptioner) Name() string { return "openai:" + c.Model }

// Caption implements Captioner.
func (c *OpenAICaptioner) Caption(ctx context.Context, it *Item) (string, error) {
	nf := c.Frames
	if nf <= 0 {
		nf = 4
	}
	nf = min(nf, it.Clip.Frames)
	prompt := c.Prompt
	if prompt == "" {
		prompt = DefaultCaptionPrompt
	}
	content := []map[string]any{{"type": "text", "text": prompt}}
	for i := range nf {
		t := (2*i + 1) * it.Clip.Frames / (2 * nf) // the middle of each of nf equal parts
		var b bytes.Buffer
		if err := png.Encode(&b, it.Clip.Image(t)); err != nil {
			return "", err
		}
		content = append(content, map[string]any{"type": "image_url",
			"image_url": map[string]string{"url": "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())}})
	}
	maxTok := c.MaxTokens
	if maxTok <= 0 {
		maxTok = 256
	}
	body, err := json.Marshal(map[string]any{"model": c.Model, "temperature": 0, "max_tokens": maxTok,
		"messages": []map[string]any{{"role": "user", "content": content}}})
	if err != nil {
		return "", err
	}
	retries := c.Retries
	if retries <= 0 {
		retries = 3
	}
	delay := 500 * time.Millisecond
	var lastErr error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(delay):
			}
			delay *= 2
		}
		text, retry, err := c.post(ctx, body)
		if err == nil {
			return text, nil
		}
		lastErr = err
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return "", lastErr
}

// post sends one request; retry says whether a failure is worth another try.
func (c *OpenAICaptioner) post(ctx context.Context, body []byte) (text string, retry bool, err error) {
	url := strings.TrimRight(c.BaseURL, "/") + "/chat/completions"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", false, fmt.Errorf("curate: captioner %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", true, fmt.Errorf("curate: captioner %s: %w", url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return "", true, fmt.Errorf("curate: captioner %s: read reply: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		retry = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return "", retry, fmt.Errorf("curate: captioner %s: HTTP %d: %s", url, resp.StatusCode, snippet(data))
	}
	text, err = parseChatReply(data)
	if err != nil {
		return "", false, fmt.Errorf("curate: captioner %s: %w", url, err)
	}
	return text, false, nil
}

// parseChatReply extracts the first choice's message text from a chat completions reply.
func parseChatReply(data []byte) (string, error) {
	var r struct {
		Choices []struct {
			Message struct {
				Content json.RawMessage `json:"content"`
			} `json:"message"`
		} `json:"choices"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return "", fmt.Errorf("reply is not JSON: %w (%s)", err, snippet(data))
	}
	if r.Error != nil {
		return "", fmt.Errorf("server error: %s", r.Error.Message)
	}
	if len(r.Choices) == 0 {
		return "", errors.New("reply has no choices")
	}
	raw := r.Choices[0].Message.Content
	// content is a string, or (some servers) a list of {"type":"text","text":...} parts.
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if strings.TrimSpace(s) == "" {
			return "", errors.New("reply caption is empty")
		}
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("reply message content is neither text nor parts (%s)", snippet(raw))
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", errors.New("reply caption is empty")
	}
	return b.String(), nil
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
