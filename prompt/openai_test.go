package prompt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
)

// completion is a well-formed chat-completions answer holding content.
func completion(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "m",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
	})
	return string(b)
}

// fakeServer answers POST /v1/chat/completions with the handler's status and body for each
// attempt, counting the attempts.
func fakeServer(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		answer(int(n.Add(1)), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newTestOpenAI(t *testing.T, url string, mod func(*OpenAIConfig)) *OpenAI {
	t.Helper()
	cfg := OpenAIConfig{BaseURL: url + "/v1", Model: "test-model", Backoff: time.Millisecond, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	o, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOpenAISendsAWellFormedRequest(t *testing.T) {
	t.Setenv("TEST_UPSAMPLER_KEY", "sk-test")
	var got chatRequest
	var header http.Header
	srv, _ := fakeServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		header = r.Header.Clone()
		body, _ := io.ReadAll(r.Body)
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Errorf("request body %s: %v", body, err)
		}
		fmt.Fprint(w, completion("  A red ball is dropped from 1.0 metres and falls straight down onto the floor.\n"))
	})
	o := newTestOpenAI(t, srv.URL, func(c *OpenAIConfig) {
		c.APIKeyEnv, c.MaxTokens, c.Temperature = "TEST_UPSAMPLER_KEY", 77, 0.3
	})
	out, err := o.Upsample(context.Background(), "a red ball falls")
	if err != nil {
		t.Fatal(err)
	}
	if out != "A red ball is dropped from 1.0 metres and falls straight down onto the floor." {
		t.Errorf("output %q", out)
	}
	if header.Get("Authorization") != "Bearer sk-test" || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		t.Errorf("headers %v", header)
	}
	if got.Model != "test-model" || got.MaxTokens != 77 || got.Temperature != 0.3 || got.N != 1 || got.Stream {
		t.Errorf("request %+v", got)
	}
	if len(got.Messages) != 2 || got.Messages[0].Role != "system" || got.Messages[1].Role != "user" ||
		got.Messages[1].Content != "a red ball falls" {
		t.Fatalf("messages %+v", got.Messages)
	}
	// The system prompt shows real captions: the generator's caption of seed 1's free-fall
	// scene, computed here independently.
	dist, _ := physics.Preset(physics.FreeFall, physics.InDistribution)
	tr, err := physics.Simulate(dist.Sample(physics.NewRand(1)), simFPS, simFrames)
	if err != nil {
		t.Fatal(err)
	}
	sys := got.Messages[0].Content
	if ex := world.Captions(tr, 1, physics.NewRand(1))[0]; !strings.Contains(sys, "- "+ex+"\n") {
		t.Errorf("system prompt lacks the free-fall example %q:\n%s", ex, sys)
	}
	if n := strings.Count(sys, "\n- "); n != len(scenarioOrder) {
		t.Errorf("%d examples in the system prompt, want one per scenario (%d)", n, len(scenarioOrder))
	}
	for _, c := range world.Palette {
		if !strings.Contains(sys, c.Name) {
			t.Errorf("system prompt lacks colour %q", c.Name)
		}
	}
	if o.Name() != "openai:test-model" {
		t.Errorf("name %q", o.Name())
	}
}

func TestOpenAINoKeyNoAuthorization(t *testing.T) {
	t.Setenv(DefaultAPIKeyEnv, "")
	srv, _ := fakeServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("Authorization %q sent without a key", a)
		}
		fmt.Fprint(w, completion("ok"))
	})
	if _, err := newTestOpenAI(t, srv.URL, nil).Upsample(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAIRetriesOverloadAndServerErrors(t *testing.T) {
	srv, n := fakeServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case 2:
			http.Error(w, "boom", http.StatusBadGateway)
		default:
			fmt.Fprint(w, completion("A caption."))
		}
	})
	out, err := newTestOpenAI(t, srv.URL, nil).Upsample(context.Background(), "x")
	if err != nil || out != "A caption." || n.Load() != 3 {
		t.Errorf("got %q, %v after %d attempts", out, err, n.Load())
	}
}

func TestOpenAIGivesUpAfterAttempts(t *testing.T) {
	srv, n := fakeServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	})
	_, err := newTestOpenAI(t, srv.URL, func(c *OpenAIConfig) { c.Attempts = 4 }).Upsample(context.Background(), "x")
	var se *ServiceError
	if !errors.As(err, &se) || !errors.Is(err, ErrUnavailable) || se.Status != 503 || se.Attempts != 4 || n.Load() != 4 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
	}
	if !strings.Contains(err.Error(), "overloaded") {
		t.Errorf("error %q does not quote the server", err)
	}
}

func TestOpenAIDoesNotRetryRejections(t *testing.T) {
	srv, n := fakeServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"error":{"message":"model not found"}}`, http.StatusNotFound)
	})
	_, err := newTestOpenAI(t, srv.URL, nil).Upsample(context.Background(), "x")
	if !errors.Is(err, ErrRejected) || n.Load() != 1 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
	}
}

func TestOpenAITimesOutEachAttempt(t *testing.T) {
	srv, n := fakeServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	start := time.Now()
	_, err := newTestOpenAI(t, srv.URL, func(c *OpenAIConfig) {
		c.Timeout, c.Attempts = 50*time.Millisecond, 2
	}).Upsample(context.Background(), "x")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if el := time.Since(start); el > 2*time.Second || n.Load() != 2 {
		t.Errorf("%d attempts in %v", n.Load(), el)
	}
}

func TestOpenAIStopsOnCancel(t *testing.T) {
	srv, _ := fakeServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	ctx, cancel := context.WithCancel(context.Background())
	o := newTestOpenAI(t, srv.URL, func(c *OpenAIConfig) { c.Backoff = time.Hour })
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := o.Upsample(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

func TestOpenAIRejectsMalformedAnswers(t *testing.T) {
	bodies := []string{
		`not json`,
		`{"choices": []}`,
		`{"object": "chat.completion"}`,
		`{"choices": [{"finish_reason": "stop"}]}`,
		`{"choices": [{"message": {"role": "assistant", "content": null}}]}`,
		`{"choices": [{"message": {"content": "   "}}]}`,
		`{"choices": [{"message": {"content": 42}}]}`,
		`{"choices": [{"message": {"content": "A ball"}, "finish_reason": "length"}]}`,
		`{"error": {"message": "context length exceeded"}}`,
	}
	for _, body := range bodies {
		srv, n := fakeServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) })
		_, err := newTestOpenAI(t, srv.URL, nil).Upsample(context.Background(), "x")
		if !errors.Is(err, ErrMalformed) || n.Load() != 1 {
			t.Errorf("%s: err %v after %d attempts", body, err, n.Load())
		}
	}
}

func TestParseChatCompletion(t *testing.T) {
	good := []struct{ body, want string }{
		{completion("A blue ball rolls down a ramp."), "A blue ball rolls down a ramp."},
		{completion("\"A blue ball rolls down a ramp.\""), "A blue ball rolls down a ramp."},
		{completion("Caption: A  blue ball\nrolls."), "A blue ball rolls."},
		{completion("<think>the user wants a ramp</think>\nA blue ball rolls."), "A blue ball rolls."},
		{`{"choices":[{"message":{"content":[{"type":"text","text":"A ball "},{"type":"text","text":"falls."}]}}]}`, "A ball falls."},
	}
	for _, tc := range good {
		got, err := ParseChatCompletion([]byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.body, got, err, tc.want)
		}
	}
	bad := []struct{ body, reason string }{
		{``, "not a JSON"},
		{`[1,2]`, "not a JSON"},
		{`{"choices":null}`, "no choices"},
		{`{"choices":[{"message":{"content":[{"type":"image_url"}]}}]}`, "not text"},
		{completion("<think>only thinking</think>"), "empty content"},
		{completion("a\u0007b"), "control characters"},
		{completion(strings.Repeat("x", MaxPromptBytes+1)), "limit"},
		{`{"error":{"message":"bad"}}`, "server error"},
	}
	for _, tc := range bad {
		_, err := ParseChatCompletion([]byte(tc.body))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%.60s: error %v, want ErrMalformed saying %q", tc.body, err, tc.reason)
		}
	}
}

func TestNewOpenAIChecksConfig(t *testing.T) {
	for _, cfg := range []OpenAIConfig{
		{Model: "m"},
		{BaseURL: "http://h/v1"},
		{BaseURL: "ftp://h/v1", Model: "m"},
		{BaseURL: "http://h/v1", Model: "m", Temperature: 3},
		{BaseURL: "http://h/v1", Model: "m", Attempts: -1},
	} {
		if _, err := NewOpenAI(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
