package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPromptUpsampleBuiltinCLI(t *testing.T) {
	code, out, stderr := runCLI(t, "prompt", "upsample", "7 dominoes topple")
	if code != exitOK || !strings.Contains(out, "7") || !strings.Contains(out, "domino") || strings.Count(out, "\n") != 1 {
		t.Fatalf("exit %d, %q, %q", code, out, stderr)
	}
	code, out, _ = runCLI(t, "prompt", "upsample", "--json", "a red ball falls on the moon")
	var r promptUpsampleOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
		t.Fatalf("exit %d, not JSON: %v\n%s", code, err, out)
	}
	if r.Upsampler != "builtin" || r.Expansion == nil || r.Expansion.Scenario != "free_fall" ||
		!strings.Contains(r.Output, "red ball") || !strings.Contains(r.Output, "On the moon.") {
		t.Errorf("result %+v", r)
	}
}

func TestPromptUpsampleServedCLI(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"choices":[{"message":{"role":"assistant","content":"A blue ball rolls down a 20-degree ramp."},"finish_reason":"stop"}]}`)
	}))
	defer srv.Close()
	spec := "openai:" + srv.URL + "/v1?model=m"
	code, out, stderr := runCLI(t, "prompt", "upsample", "--upsampler", spec, "a ball rolls")
	if code != exitOK || out != "A blue ball rolls down a 20-degree ramp.\n" {
		t.Fatalf("exit %d, %q, %q", code, out, stderr)
	}
	// A dead server: an error, unless --fallback asks for the prompt as written.
	dead := "openai:http://127.0.0.1:1/v1?model=m&attempts=1&timeout=2s"
	if code, _, stderr := runCLI(t, "prompt", "upsample", "--upsampler", dead, "a ball rolls"); code != exitFail || !strings.HasPrefix(stderr, "wfm: ") {
		t.Errorf("dead server: exit %d, %q", code, stderr)
	}
	code, out, _ = runCLI(t, "prompt", "upsample", "--json", "--fallback", "--upsampler", dead, "a ball rolls")
	var r promptUpsampleOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK || !r.FellBack || r.Output != "a ball rolls" || r.Error == "" {
		t.Errorf("fallback: exit %d, %+v, %v", code, r, err)
	}
}

func TestPromptUpsampleUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"prompt", "upsample"},
		{"prompt", "upsample", "  "},
		{"prompt", "upsample", "--upsampler", "gpt", "a ball"},
		{"prompt", "upsample", "--upsampler", "openai:http://h/v1", "a ball"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
}
