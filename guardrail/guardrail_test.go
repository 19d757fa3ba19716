package guardrail

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/guardrail/classify"
	"github.com/wfm-platform/wfm/video"
)

func shippedCorpus(t testing.TB) []CorpusPrompt {
	t.Helper()
	c, err := ParseCorpus(defaultCorpus, "data/corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func promptGuard(t testing.TB, cs ...classify.TextClassifier) *PromptGuard {
	t.Helper()
	g, err := DefaultPromptGuard()
	if err != nil {
		t.Fatal(err)
	}
	g.Classifiers = cs
	return g
}

// TestCorpus checks the shipped pre-guard on every prompt of the corpus: no benign prompt is
// blocked, and every listed word, as written or obfuscated, is blocked except the few misses
// named here (the obfuscations the rules do not undo, see package text).
func TestCorpus(t *testing.T) {
	corpus := shippedCorpus(t)
	if len(corpus) < 200 {
		t.Fatalf("corpus has %d prompts, want at least 200", len(corpus))
	}
	g := promptGuard(t)
	knownMisses := map[string]bool{
		"pr0n clip of a couple": true, // "pron" is two letters swapped from "porn": no rule
	}
	for _, p := range corpus {
		t.Run(fmt.Sprintf("line%d", p.Line), func(t *testing.T) {
			v, err := g.CheckPrompt(context.Background(), p.Text)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case !p.Block && !v.Allowed:
				t.Errorf("benign %s prompt %q blocked: %s", p.Kind, p.Text, v.Reason())
			case p.Block && p.Kind != "paraphrase" && v.Allowed && !knownMisses[p.Text]:
				t.Errorf("%s prompt %q allowed", p.Kind, p.Text)
			case !v.Allowed:
				for _, f := range v.Findings {
					if f.Span == "" || p.Text[f.Start:f.End] != f.Span || !strings.HasPrefix(f.Rule, "blocklist/") || f.Reason == "" {
						t.Errorf("%q: finding %+v does not name its rule and span", p.Text, f)
					}
				}
			}
		})
	}
	r, err := EvaluateCorpus(context.Background(), g.CheckPrompt, corpus)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pre-guard rules on %d prompts: precision %.3f recall %.3f %+v", r.Prompts, r.Precision, r.Recall, r.All)
	for _, k := range r.Kinds() {
		t.Logf("  %-10s %+v", k, r.ByKind[k])
	}
}

func TestCorpusParseErrors(t *testing.T) {
	for _, bad := range []string{"allow\tbenign\n", "maybe\tbenign\tx\n", "allow\tBenign\tx\n", "# nothing\n", "allow\tbe nign\tx\n"} {
		if _, err := ParseCorpus([]byte(bad), "c.tsv"); !errors.Is(err, ErrCorpus) || !strings.Contains(err.Error(), "c.tsv") {
			t.Errorf("ParseCorpus(%q) = %v", bad, err)
		}
	}
}

func FuzzParseCorpus(f *testing.F) {
	f.Add([]byte("allow\tbenign\ta ball\nblock\tdirect\tkill\n"))
	f.Add([]byte("allow\t\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCorpus(data, "fuzz")
		if err == nil && len(c) == 0 {
			t.Fatal("no error and no prompts")
		}
	})
}

// fakeGuardModel is an OpenAI-compatible chat completions server standing in for a Llama
// Guard model: it answers with the content of reply(prompt) or misbehaves as told.
func fakeGuardModel(t *testing.T, handler http.HandlerFunc) *classify.LlamaGuard {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	lg, err := classify.NewLlamaGuard(classify.LlamaGuardConfig{URL: srv.URL + "/v1", Model: "fake-guard",
		Timeout: 200 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return lg
}

func chatReply(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":%q}}]}`, content)
}

func TestClassifierVerdicts(t *testing.T) {
	lg := fakeGuardModel(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		var body strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if strings.Contains(body.String(), "bleeds out") {
			chatReply(w, "unsafe\nS1,S11")
			return
		}
		chatReply(w, "safe")
	})
	g := promptGuard(t, lg)
	v, err := g.CheckPrompt(context.Background(), "a man bleeds out on the street")
	if err != nil || v.Allowed || v.Findings[0].Rule != RuleClassifier ||
		!strings.Contains(v.Reason(), "S1 violent crimes, S11 suicide and self-harm") {
		t.Fatalf("unsafe answer: %+v %v", v, err)
	}
	if v, err := g.CheckPrompt(context.Background(), "a red ball rolls"); err != nil || !v.Allowed {
		t.Fatalf("safe answer: %+v %v", v, err)
	}
	// The rules run first: a listed word never reaches the classifier.
	if v, _ := g.CheckPrompt(context.Background(), "kill him"); v.Allowed || v.Findings[0].Rule != "blocklist/exact" {
		t.Fatalf("rules did not run first: %+v", v)
	}
}

// TestClassifierFailsClosed: every way the classifier service can fail blocks the prompt, with
// a reason that says so.
func TestClassifierFailsClosed(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // in the reason
		calls   int    // attempts expected (Attempts is 2)
	}{
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(400 * time.Millisecond):
			}
		}, "deadline exceeded", 2},
		{"malformed json", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"choices": [`))
		}, "malformed classifier response", 1},
		{"not a verdict", func(w http.ResponseWriter, r *http.Request) { chatReply(w, "I cannot help with that.") }, "neither safe nor unsafe", 1},
		{"bad category", func(w http.ResponseWriter, r *http.Request) { chatReply(w, "unsafe\nviolence") }, "not a code like S1", 1},
		{"no content", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"choices":[]}`)) }, "no choices", 1},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "model crashed", http.StatusInternalServerError)
		}, "last status 500", 2},
		{"connection closed", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, "classifier unavailable", 2},
		{"bad request", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no such model", http.StatusNotFound)
		}, "rejected the request", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			lg := fakeGuardModel(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tc.handler(w, r)
			})
			v, err := promptGuard(t, lg).CheckPrompt(context.Background(), "a red ball rolls down a slope")
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed || len(v.Findings) != 1 || v.Findings[0].Rule != RuleClassifierError {
				t.Fatalf("not blocked on %s: %+v", tc.name, v)
			}
			if r := v.Reason(); !strings.Contains(r, "fail closed") || !strings.Contains(r, tc.want) {
				t.Errorf("reason %q lacks %q", r, tc.want)
			}
			if got := int(calls.Load()); got != tc.calls {
				t.Errorf("%d attempts, want %d", got, tc.calls)
			}
		})
	}
}

func TestCancelledContextBlocks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v, err := promptGuard(t).CheckPrompt(ctx, "a red ball")
	if err == nil || v.Allowed {
		t.Fatalf("cancelled check: %+v %v", v, err)
	}
	if v, _ := promptGuard(t).CheckPrompt(context.Background(), strings.Repeat("a ", MaxPromptBytes)); v.Allowed {
		t.Fatal("over-long prompt allowed")
	}
}

func TestSampleFrames(t *testing.T) {
	tests := []struct {
		frames    int
		fps, rate float64
		want      []int
	}{
		{33, 16, 2, []int{0, 8, 16, 24, 32}},
		{10, 24, 2, []int{0}},
		{30, 24, 2, []int{0, 12, 24}},
		{4, 1, 2, []int{0, 1, 2, 3}},
		{5, 0, 2, []int{0, 1, 2, 3, 4}},
		{10, 5, 2, []int{0, 2, 5, 7}},
	}
	for _, tc := range tests {
		if got := SampleFrames(tc.frames, tc.fps, tc.rate); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("SampleFrames(%d, %v, %v) = %v, want %v", tc.frames, tc.fps, tc.rate, got, tc.want)
		}
	}
}

// frameClassifier flags frames whose mean red is above 200, or fails.
type frameClassifier struct {
	fail  error
	calls int
}

func (f *frameClassifier) Name() string { return "test-frames" }
func (f *frameClassifier) ClassifyImage(ctx context.Context, img image.Image) (classify.Result, error) {
	f.calls++
	if f.fail != nil {
		return classify.Result{}, f.fail
	}
	r, _, _, _ := img.At(0, 0).RGBA()
	return classify.Result{Safe: r>>8 <= 200, Model: "test"}, nil
}

func TestVideoGuard(t *testing.T) {
	clip, err := video.NewClip(32, 24, 24, 16)
	if err != nil {
		t.Fatal(err)
	}
	fc := &frameClassifier{}
	o := DefaultVideoOptions()
	o.Classifier = fc
	g, err := NewVideoGuard(o)
	if err != nil {
		t.Fatal(err)
	}
	v, out, err := g.CheckVideo(context.Background(), clip)
	if err != nil || !v.Allowed || out == nil || v.FramesChecked != 4 || fc.calls != 4 || v.FacesBlurred != 0 {
		t.Fatalf("dark clip: %+v %v, %d calls", v, err, fc.calls)
	}
	clip.Set(16, 0, 0, 255, 0, 0) // frame 16 is sampled (16 fps, 2 fps: 0, 8, 16, 24)
	v, out, err = g.CheckVideo(context.Background(), clip)
	if err != nil || v.Allowed || out != nil || v.Findings[0].Frame != 16 || v.Findings[0].Rule != RuleFrameClassifier {
		t.Fatalf("unsafe frame: %+v %v", v, err)
	}
	fc.fail = errors.New("model crashed")
	v, out, err = g.CheckVideo(context.Background(), clip)
	if err != nil || v.Allowed || out != nil || !strings.Contains(v.Reason(), "model crashed") || !strings.Contains(v.Reason(), "fail closed") {
		t.Fatalf("failing classifier: %+v %v", v, err)
	}
	if v, out, err := g.CheckVideo(context.Background(), &video.Clip{Frames: 1, Height: 2, Width: 2, FPS: 1}); err == nil || v.Allowed || out != nil {
		t.Fatalf("invalid clip: %+v %v", v, err)
	}
	if _, err := NewVideoGuard(VideoOptions{SampleFPS: -1}); err == nil {
		t.Fatal("negative sample rate accepted")
	}
}

// TestFrameClassifierOverHTTP sends frames to the fake model as data URLs.
func TestFrameClassifierOverHTTP(t *testing.T) {
	var sawImage atomic.Bool
	lg := fakeGuardModel(t, func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 1<<16)
		n, _ := r.Body.Read(buf)
		sawImage.Store(strings.Contains(string(buf[:n]), "data:image/png;base64,"))
		chatReply(w, "unsafe\nS12")
	})
	clip, _ := video.NewClip(3, 16, 16, 2)
	o := DefaultVideoOptions()
	o.Classifier = lg
	g, err := NewVideoGuard(o)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := g.CheckVideo(context.Background(), clip)
	if err != nil || v.Allowed || !strings.Contains(v.Reason(), "S12 sexual content") || !sawImage.Load() {
		t.Fatalf("%+v %v image %v", v, err, sawImage.Load())
	}
}

// TestTrainingAndCorpusDisjoint: the built-in classifier is not trained on the prompts it is
// measured on.
func TestTrainingAndCorpusDisjoint(t *testing.T) {
	ex, err := classify.ParseExamples(classify.DefaultTrainingData(), "train.tsv")
	if err != nil {
		t.Fatal(err)
	}
	train := map[string]bool{}
	for _, e := range ex {
		train[strings.ToLower(strings.TrimSpace(e.Text))] = true
	}
	for _, p := range shippedCorpus(t) {
		if train[strings.ToLower(strings.TrimSpace(p.Text))] {
			t.Errorf("corpus line %d is also a training example: %q", p.Line, p.Text)
		}
	}
}

// TestCorpusWithBuiltinClassifier measures the rules followed by the built-in classifier; it
// asserts only that the classifier adds recall on paraphrases, and logs the rest.
func TestCorpusWithBuiltinClassifier(t *testing.T) {
	nb, err := classify.DefaultLogReg()
	if err != nil {
		t.Fatal(err)
	}
	corpus := shippedCorpus(t)
	rules, err := EvaluateCorpus(context.Background(), promptGuard(t).CheckPrompt, corpus)
	if err != nil {
		t.Fatal(err)
	}
	both, err := EvaluateCorpus(context.Background(), promptGuard(t, nb).CheckPrompt, corpus)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rules + built-in classifier: precision %.3f recall %.3f %+v", both.Precision, both.Recall, both.All)
	for _, k := range both.Kinds() {
		t.Logf("  %-10s %+v", k, both.ByKind[k])
	}
	for _, w := range both.Wrong {
		t.Logf("  wrong: %s %q: %s", w.Kind, w.Text, w.Reason)
	}
	if both.ByKind["paraphrase"].TP <= rules.ByKind["paraphrase"].TP {
		t.Errorf("the classifier caught no paraphrase the rules missed")
	}
}
