package curate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/wfm-platform/wfm/internal/chatapi"
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
// transport error, 429 or 5xx are retried up to Retries times with doubling delays (or the
// server's Retry-After).
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
	parts := []chatapi.Part{chatapi.TextPart(prompt)}
	for i := range nf {
		t := (2*i + 1) * it.Clip.Frames / (2 * nf) // the middle of each of nf equal parts
		frame, err := chatapi.ImagePart(it.Clip.Image(t))
		if err != nil {
			return "", err
		}
		parts = append(parts, frame)
	}
	maxTok := c.MaxTokens
	if maxTok <= 0 {
		maxTok = 256
	}
	retries := c.Retries
	if retries <= 0 {
		retries = 3
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	api := chatapi.Client{URL: chatapi.Endpoint(c.BaseURL), APIKey: c.APIKey, HTTP: client,
		Attempts: retries + 1, Backoff: 500 * time.Millisecond}
	reply, err := api.Complete(ctx, chatapi.Request{Model: c.Model, MaxTokens: maxTok,
		Messages: []chatapi.Message{{Role: "user", Parts: parts}}})
	if err != nil {
		return "", fmt.Errorf("curate: captioner %w", err)
	}
	return reply.Content, nil
}
