package chatapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// completion is a well-formed chat-completions answer holding content.
func completion(content string) string {
	b, _ := json.Marshal(map[string]any{"object": "chat.completion", "choices": []any{map[string]any{
		"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}}})
	return string(b)
}

// answer is what the test server does on one attempt.
type answer struct {
	status     int // 200 when 0
	body       string
	retryAfter string                // the Retry-After header, if any
	hang       bool                  // wait for the client to hang up instead of answering
	inspect    func(r *http.Request) // called with the request first, if set
}

// scripted serves POST /v1/chat/completions, giving the n-th attempt answers[n-1] (the last
// one again when they run out), and returns a client of it (3 attempts, 1 ms back-off) and
// the count of attempts.
func scripted(t *testing.T, answers ...answer) (*Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		a := answers[min(int(calls.Add(1)), len(answers))-1]
		if a.inspect != nil {
			a.inspect(r)
		}
		if a.hang {
			_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client hanging up
			<-r.Context().Done()
			return
		}
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(cmp.Or(a.status, http.StatusOK))
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	return &Client{URL: Endpoint(srv.URL + "/v1/"), Timeout: 5 * time.Second, Attempts: 3, Backoff: time.Millisecond}, &calls
}

func TestComplete(t *testing.T) {
	ok := answer{body: completion("A caption.")}
	noKey := answer{body: completion("A caption."), inspect: func(r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("Authorization %q sent without a key", a)
		}
	}}
	busy := answer{status: http.StatusServiceUnavailable, body: "overloaded,\n  try later"}
	longError := `{"error":{"message":"unknown model ` + strings.Repeat("x", 300) + `"}}`
	tests := []struct {
		name    string
		answers []answer
		timeout time.Duration // of each attempt, when not scripted's 5 s
		calls   int
		// What comes back: a reply with content, or an *Error with status and retryable,
		// whose text holds errHas, which is a FormatError when format says so and is errIs
		// when that is set.
		content   string
		status    int
		retryable bool
		errHas    string
		format    bool
		errIs     error
	}{
		{name: "success", answers: []answer{noKey}, calls: 1, content: "A caption."},
		{name: "503 then success", answers: []answer{busy, ok}, calls: 2, content: "A caption."},
		{name: "429 then success", answers: []answer{{status: 429, retryAfter: "0"}, ok}, calls: 2, content: "A caption."},
		{name: "500 then success", answers: []answer{{status: 500}, ok}, calls: 2, content: "A caption."},
		{name: "gives up after attempts", answers: []answer{busy}, calls: 3,
			status: 503, retryable: true, errHas: `/v1/chat/completions: HTTP 503: "overloaded, try later"`},
		{name: "400 is not retried", answers: []answer{{status: 400, body: longError}}, calls: 1,
			status: 400, errHas: `/v1/chat/completions: HTTP 400: "{\"error\":{\"message\":\"unknown model xxx`},
		{name: "empty error body", answers: []answer{{status: 404}}, calls: 1, status: 404, errHas: "HTTP 404: (empty body)"},
		{name: "malformed JSON", answers: []answer{{body: `{"choices": [`}}, calls: 1,
			status: 200, errHas: "not a JSON chat completion", format: true},
		{name: "HTML", answers: []answer{{body: `<html>bad gateway</html>`}}, calls: 1,
			status: 200, errHas: `"<html>bad gateway</html>"`, format: true},
		{name: "no text", answers: []answer{{body: completion(" ")}}, calls: 1,
			status: 200, errHas: "empty content", format: true},
		{name: "over the size limit", answers: []answer{{body: completion(strings.Repeat("x", MaxAnswerBytes))}}, calls: 1,
			status: 200, errHas: "answer over", format: true},
		{name: "each attempt times out", answers: []answer{{hang: true}}, timeout: 50 * time.Millisecond, calls: 3,
			retryable: true, errIs: context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, calls := scripted(t, tc.answers...)
			c.Timeout = cmp.Or(tc.timeout, c.Timeout)
			reply, err := c.Complete(context.Background(), Request{Model: "m"})
			if int(calls.Load()) != tc.calls {
				t.Errorf("%d attempts, want %d", calls.Load(), tc.calls)
			}
			if tc.content != "" {
				if err != nil || reply.Content != tc.content || reply.Attempts != tc.calls {
					t.Errorf("reply %+v, %v", reply, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tc.status || e.Attempts != tc.calls || e.Retryable != tc.retryable {
				t.Fatalf("error %#v, want status %d after %d attempts, retryable %v", err, tc.status, tc.calls, tc.retryable)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.URL+": ") || !strings.Contains(msg, tc.errHas) || len(msg) > len(c.URL)+250 {
				t.Errorf("error %q does not name the endpoint and say %q in a line", msg, tc.errHas)
			}
			var fe FormatError
			if errors.As(err, &fe) != tc.format {
				t.Errorf("error %v: FormatError %v, want %v", err, !tc.format, tc.format)
			}
			if tc.errIs != nil && !errors.Is(err, tc.errIs) {
				t.Errorf("error %v is not %v", err, tc.errIs)
			}
		})
	}
}

func TestCompleteSendsTheRequest(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{200, 10, 20, 255})
	frame, err := ImagePart(img)
	if err != nil {
		t.Fatal(err)
	}
	var header http.Header
	var got struct {
		Model       string  `json:"model"`
		MaxTokens   int     `json:"max_tokens"`
		Temperature float64 `json:"temperature"`
		N           int     `json:"n"`
		Stream      bool    `json:"stream"`
		Messages    []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	c, _ := scripted(t, answer{body: completion("A red dot."), inspect: func(r *http.Request) {
		header = r.Header.Clone()
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Errorf("request body: %v", err)
		}
	}})
	c.APIKey = "sk-test"
	reply, err := c.Complete(context.Background(), Request{Model: "m", MaxTokens: 7, Temperature: 0.5, Messages: []Message{
		{Role: "system", Text: "You caption."},
		{Role: "user", Parts: []Part{TextPart("What is this?"), frame}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if reply != (Reply{Content: "A red dot.", FinishReason: "stop", Attempts: 1}) {
		t.Errorf("reply %+v", reply)
	}
	if header.Get("Authorization") != "Bearer sk-test" || header.Get("Content-Type") != "application/json" ||
		header.Get("Accept") != "application/json" {
		t.Errorf("headers %v", header)
	}
	if got.Model != "m" || got.MaxTokens != 7 || got.Temperature != 0.5 || got.N != 1 || got.Stream || len(got.Messages) != 2 {
		t.Fatalf("request %+v", got)
	}
	if got.Messages[0].Role != "system" || string(got.Messages[0].Content) != `"You caption."` {
		t.Errorf("text message %s: %s", got.Messages[0].Role, got.Messages[0].Content)
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL struct {
			URL string `json:"url"`
		} `json:"image_url"`
	}
	if err := json.Unmarshal(got.Messages[1].Content, &parts); err != nil || len(parts) != 2 ||
		parts[0].Type != "text" || parts[0].Text != "What is this?" || parts[1].Type != "image_url" {
		t.Fatalf("parts %s: %v", got.Messages[1].Content, err)
	}
	data, ok := strings.CutPrefix(parts[1].ImageURL.URL, "data:image/png;base64,")
	raw, err := base64.StdEncoding.DecodeString(data)
	if !ok || err != nil {
		t.Fatalf("image URL %.40q: %v", parts[1].ImageURL.URL, err)
	}
	dec, err := png.Decode(bytes.NewReader(raw))
	if err != nil || dec.Bounds() != img.Bounds() {
		t.Fatalf("image does not decode to the frame sent: %v", err)
	}
	for _, p := range []image.Point{{0, 0}, {1, 1}} {
		if got, want := color.RGBAModel.Convert(dec.At(p.X, p.Y)), img.At(p.X, p.Y); got != want {
			t.Errorf("pixel %v: %v, want %v", p, got, want)
		}
	}
}

func TestCompleteStopsOnCancel(t *testing.T) {
	c, calls := scripted(t, answer{status: http.StatusInternalServerError})
	c.Backoff = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Complete(ctx, Request{Model: "m"})
	var e *Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &e) || e.Status != 500 || e.Attempts != 1 || calls.Load() != 1 {
		t.Fatalf("err %#v after %d attempts", err, calls.Load())
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("cancel took %v", el)
	}
}

func TestCompleteHonoursRetryAfter(t *testing.T) {
	c, calls := scripted(t, answer{status: http.StatusTooManyRequests, retryAfter: "1"}, answer{body: completion("ok")})
	c.Backoff = time.Hour // replaced by the server's one second
	start := time.Now()
	if _, err := c.Complete(context.Background(), Request{Model: "m"}); err != nil || calls.Load() != 2 {
		t.Fatalf("err %v after %d attempts", err, calls.Load())
	}
	if el := time.Since(start); el < time.Second || el > 5*time.Second {
		t.Errorf("waited %v, want the Retry-After of 1 s", el)
	}
}

func TestParseRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{{"", 0}, {"0", 0}, {"-2", 0}, {"soon", 0}, {"Wed, 21 Oct 2015 07:28:00 GMT", 0}, {" 2 ", 2 * time.Second}, {"3600", MaxWait}} {
		if got := parseRetryAfter(tc.in); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseReply(t *testing.T) {
	good := []struct {
		body string
		want Reply
	}{
		{completion("a ball falls"), Reply{Content: "a ball falls", FinishReason: "stop"}},
		{`{"choices":[{"message":{"content":"a ball falls"}}]}`, Reply{Content: "a ball falls"}},
		{`{"choices":[{"message":{"content":[{"type":"text","text":"a "},{"type":"text","text":"box"}]},"finish_reason":"length"}]}`,
			Reply{Content: "a box", FinishReason: "length"}},
	}
	for _, tc := range good {
		got, err := ParseReply([]byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.body, got, err, tc.want)
		}
	}
	bad := []struct{ body, reason string }{
		{``, "not a JSON"},
		{`<html>`, "not a JSON"},
		{`[1,2]`, "not a JSON"},
		{`null`, "no choices"},
		{`{"choices":null}`, "no choices"},
		{`{"choices":[]}`, "no choices"},
		{`{"error":{"message":"no such model"}}`, `server error: "no such model"`},
		{`{"choices":[{"finish_reason":"stop"}]}`, "no message"},
		{`{"choices":[{"message":{"content":null}}]}`, "null content"},
		{`{"choices":[{"message":{}}]}`, "null content"},
		{`{"choices":[{"message":{"content":"  "}}]}`, "empty content"},
		{`{"choices":[{"message":{"content":42}}]}`, "neither text nor text parts"},
		{`{"choices":[{"message":{"content":[{"type":"image_url"}]}}]}`, `part 0 is "image_url", not text`},
		{`{"choices":[{"message":{"content":[{"type":"text"}]}}]}`, "not text"},
	}
	for _, tc := range bad {
		_, err := ParseReply([]byte(tc.body))
		var fe FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: error %v, want a FormatError saying %q", tc.body, err, tc.reason)
		}
	}
}

func TestMessageJSON(t *testing.T) {
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{Message{Role: "user", Text: "hi"}, `{"role":"user","content":"hi"}`},
		{Message{Role: "user"}, `{"role":"user","content":""}`},
		{Message{Role: "user", Parts: []Part{TextPart("hi")}}, `{"role":"user","content":[{"type":"text","text":"hi"}]}`},
		{Message{Role: "user", Parts: []Part{{Type: "image_url", ImageURL: &ImageURL{URL: "https://x/y.png"}}}},
			`{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}`},
	} {
		if b, err := json.Marshal(tc.m); err != nil || string(b) != tc.want {
			t.Errorf("%+v: %s, %v; want %s", tc.m, b, err, tc.want)
		}
	}
}
