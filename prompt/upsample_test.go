package prompt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestFromFlag(t *testing.T) {
	u, err := FromFlag("builtin")
	if err != nil || u.Name() != "builtin" {
		t.Fatalf("builtin: %v, %v", u, err)
	}
	u, err = FromFlag("openai:http://127.0.0.1:8000/v1?model=mistral-nemo&key_env=K&timeout=3s&attempts=5&max_tokens=99&temperature=0.5")
	if err != nil {
		t.Fatal(err)
	}
	o := u.(*OpenAI)
	want := OpenAIConfig{BaseURL: "http://127.0.0.1:8000/v1", Model: "mistral-nemo", APIKeyEnv: "K",
		Timeout: 3 * time.Second, Attempts: 5, MaxTokens: 99, Temperature: 0.5, Backoff: DefaultBackoff}
	got := o.cfg
	got.SystemPrompt, got.Client = "", nil
	if got != want || o.endpoint != "http://127.0.0.1:8000/v1/chat/completions" {
		t.Errorf("config %+v, endpoint %s; want %+v", got, o.endpoint, want)
	}
	u, err = FromFlag("openai:https://api.example.com/v1/?model=m&fallback=true")
	if err != nil || u.Name() != "openai:m+fallback" {
		t.Errorf("fallback: %v, %v", u, err)
	}
	for _, bad := range []string{
		"", "none", "Builtin", "openai:", "openai:http://h/v1", "openai:h:80/v1?model=m",
		"openai:http://h/v1?model=m&timeout=-1s", "openai:http://h/v1?model=m&attempts=0",
		"openai:http://h/v1?model=m&temperature=9", "openai:http://h/v1?model=m&colour=red",
		"openai:http://h/v1?model=a&model=b", "openai:http://h/v1?model=m&fallback=maybe",
		"openai:http://h/v1?model=m&max_tokens=x",
	} {
		if _, err := FromFlag(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

type failing struct{ err error }

func (f failing) Upsample(context.Context, string) (string, error) { return "", f.err }
func (failing) Name() string                                       { return "failing" }

func TestWithFallbackOnlyWhenAsked(t *testing.T) {
	boom := errors.New("boom")
	if _, err := (failing{boom}).Upsample(context.Background(), "p"); !errors.Is(err, boom) {
		t.Fatal("a bare upsampler must report its failure")
	}
	var reported error
	u := WithFallback(failing{boom}, func(err error) { reported = err })
	out, err := u.Upsample(context.Background(), "a ball falls")
	if err != nil || out != "a ball falls" || !errors.Is(reported, boom) {
		t.Errorf("fallback: %q, %v, reported %v", out, err, reported)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := u.Upsample(ctx, "p"); err == nil {
		t.Error("fallback hid a cancelled context")
	}
	if _, err := WithFallback(Builtin(), nil).Upsample(context.Background(), " "); !errors.Is(err, ErrEmptyPrompt) {
		t.Errorf("fallback hid an empty prompt: %v", err)
	}
}

func TestFallbackOverAServer(t *testing.T) {
	srv, n := fakeServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	u, err := FromFlag(fmt.Sprintf("openai:%s/v1?model=m&attempts=2&fallback=true", srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	u.(fallback).u.(*OpenAI).cfg.Backoff = time.Millisecond
	out, err := u.Upsample(context.Background(), "a ball falls")
	if err != nil || out != "a ball falls" || n.Load() != 2 {
		t.Errorf("%q, %v after %d attempts", out, err, n.Load())
	}
}
