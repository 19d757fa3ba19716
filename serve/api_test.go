package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

const testToken = "test-token-0123456789abcdef"

// TestAuth: with keys, /v1 and /metrics need a known bearer token (401 otherwise); /healthz and
// the OpenAPI document do not; events and content also take ?access_token=; a key sees only
// its own jobs (TestAuthListsOwnJobs).
func TestAuth(t *testing.T) {
	resetFake()
	releaseFake()
	const bobToken = "bob-token-0123456789abcdef"
	ts := startServer(t, Config{Models: []string{"fake:m"}, APIKeys: []APIKey{{Name: "alice", Token: testToken}, {Name: "bob", Token: bobToken}}})
	v, resp := ts.submit(t, fakeJob("x"))
	if resp.StatusCode != 202 || v.Owner != "alice" {
		t.Fatalf("with the key: %d owner %q", resp.StatusCode, v.Owner)
	}
	ts.wait(t, v.ID)
	for _, c := range []struct {
		path, auth string
		want       int
	}{
		{"/v1/models", "", 401},
		{"/v1/models", "Bearer wrong-token-0123456789abcdef", 401},
		{"/v1/models", "Basic " + testToken, 401},
		{"/v1/models", "Bearer " + testToken, 200},
		{"/metrics", "", 401},
		{"/v1/videos/" + v.ID + "?access_token=" + testToken, "", 401},
		{"/v1/videos/" + v.ID + "/events?access_token=" + testToken, "", 200},
		{"/v1/videos/" + v.ID + "/content?format=y4m&access_token=" + testToken, "", 200},
		{"/v1/videos/" + v.ID, "Bearer " + bobToken, 404}, // a key sees its own jobs only
		{"/v1/videos/" + v.ID + "/content?format=y4m&access_token=" + bobToken, "", 404},
		{"/healthz", "", 200},
		{"/v1/openapi.json", "", 200},
		{"/", "", 200},
	} {
		req, _ := http.NewRequest("GET", ts.URL+c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != c.want {
			t.Errorf("GET %s (%q): %d, want %d", c.path, c.auth, r.StatusCode, c.want)
		}
	}
}

func TestAuthListsOwnJobs(t *testing.T) {
	resetFake()
	releaseFake()
	const bobToken = "bob-token-0123456789abcdef"
	ts := startServer(t, Config{Models: []string{"fake:m"}, APIKeys: []APIKey{{Name: "alice", Token: testToken}, {Name: "bob", Token: bobToken}}})
	v, _ := ts.submit(t, fakeJob("alice's"))
	ts.wait(t, v.ID)
	var list VideoList
	ts.do(t, "GET", "/v1/videos", "", nil, &list)
	if len(list.Data) != 1 {
		t.Fatalf("alice lists %d jobs", len(list.Data))
	}
	ts.key = bobToken
	ts.do(t, "GET", "/v1/videos", "", nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("bob lists alice's job")
	}
	if r := ts.do(t, "DELETE", "/v1/videos/"+v.ID, "", nil, nil); r.StatusCode != 404 {
		t.Fatalf("bob cancels alice's job: %d", r.StatusCode)
	}
}

// TestRateLimit: a key over its rate gets 429 with Retry-After.
func TestRateLimit(t *testing.T) {
	ts := startServer(t, Config{Models: []string{"fake:m"}, RateLimit: 0.5, RateBurst: 3})
	codes := []int{}
	for range 5 {
		r := ts.do(t, "GET", "/v1/models", "", nil, nil)
		codes = append(codes, r.StatusCode)
		if r.StatusCode == 429 && r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if codes[2] != 200 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("codes %v, want 3 x 200 then 429", codes)
	}
}

// TestNonLoopbackNeedsKeys: New refuses to listen beyond loopback without keys.
func TestNonLoopbackNeedsKeys(t *testing.T) {
	_, err := New(Config{Addr: "0.0.0.0:0", Models: []string{"fake:m"}, DataDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("err %v", err)
	}
}

// TestBlockedPrompt: a prompt or negative prompt the pre-guard blocks is 422 with the reason and
// the verdict, and creates no job; an allowed negative prompt's verdict is recorded;
// /v1/guard/prompt gives the same verdict.
func TestBlockedPrompt(t *testing.T) {
	ts := startServer(t, Config{Models: []string{"fake:m"}})
	var e errorBody
	p := fakeJob("a man k1lls a guard")
	body, _ := json.Marshal(p)
	r := ts.do(t, "POST", "/v1/videos", "application/json", body, &e)
	if r.StatusCode != http.StatusUnprocessableEntity || e.Error.Code != CodeBlocked || e.Error.Verdict == nil ||
		e.Error.Verdict.Allowed || !strings.Contains(e.Error.Message, "kill") {
		t.Fatalf("blocked: %d %+v", r.StatusCode, e)
	}
	neg := fakeJob("a robot learns")
	neg["negative_prompt"] = "a man k1lls a guard"
	body, _ = json.Marshal(neg)
	e = errorBody{}
	r = ts.do(t, "POST", "/v1/videos", "application/json", body, &e)
	if r.StatusCode != http.StatusUnprocessableEntity || e.Error.Code != CodeBlocked || e.Error.Verdict == nil ||
		!strings.HasPrefix(e.Error.Message, "negative prompt blocked") || !strings.Contains(e.Error.Message, "kill") {
		t.Fatalf("blocked negative prompt: %d %+v", r.StatusCode, e)
	}
	var list VideoList
	ts.do(t, "GET", "/v1/videos", "", nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("a blocked prompt made %d jobs", len(list.Data))
	}
	neg["negative_prompt"] = "a dull grey wall"
	v, _ := ts.submit(t, neg)
	if v == nil || v.NegativePromptVerdict == nil || !v.NegativePromptVerdict.Allowed {
		t.Fatalf("an allowed negative prompt: %+v", v)
	}
	var g struct {
		Verdict struct{ Allowed bool }
		Reason  string
	}
	ts.do(t, "POST", "/v1/guard/prompt", "application/json", []byte(`{"prompt":"a man k1lls a guard"}`), &g)
	if g.Verdict.Allowed || !strings.Contains(g.Reason, "kill") {
		t.Fatalf("guard endpoint: %+v", g)
	}
	ts.do(t, "POST", "/v1/guard/prompt", "application/json", []byte(`{"prompt":"a robot learns"}`), &g)
	if !g.Verdict.Allowed {
		t.Fatalf("guard endpoint blocked a safe prompt: %+v", g)
	}
}

// TestBadRequests: malformed bodies and parameters are 400 naming the field; an unknown model
// 400; a wrong content type 400.
func TestBadRequests(t *testing.T) {
	ts := startServer(t, Config{Models: []string{"fake:m"}, MaxRequestBytes: 4096})
	for _, c := range []struct {
		body, ct, want string
		code           int
	}{
		{`{"prompt":"x","frames":-1}`, "application/json", "frames", 400},
		{`{"prompt":"x","resolution":"big"}`, "application/json", "resolution", 400},
		{`{"prompt":"x","model":"other"}`, "application/json", "model", 400},
		{`{"prompt":"x","bogus":1}`, "application/json", "bogus", 400},
		{`{"prompt":""}`, "application/json", "prompt", 400},
		{`{"prompt":"x"} {}`, "application/json", "more than one", 400},
		{`{"prompt":"x","resolution":"128x128"}`, "application/json", "too big", 400},
		{`prompt=x`, "application/x-www-form-urlencoded", "Content-Type", 400},
		{`{"prompt":"` + strings.Repeat("a", 5000) + `"}`, "application/json", "limit", 413},
	} {
		var e errorBody
		r := ts.do(t, "POST", "/v1/videos", c.ct, []byte(c.body), &e)
		if r.StatusCode != c.code || !strings.Contains(e.Error.Message, c.want) {
			t.Errorf("%.60s: %d %q, want %d naming %q", c.body, r.StatusCode, e.Error.Message, c.code, c.want)
		}
	}
}

// multipartBody builds a multipart submission: the request JSON and, when input is not nil, a
// file part named input.
func multipartBody(t *testing.T, params map[string]any, input []byte, extra string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	js, _ := json.Marshal(params)
	mw.WriteField("request", string(js))
	if input != nil {
		fw, _ := mw.CreateFormFile("input", "claimed.png")
		fw.Write(input)
	}
	if extra != "" {
		mw.WriteField(extra, "x")
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

func testPNG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(8 * x), uint8(8 * y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestConditionUpload: a PNG condition image gives the video worldgen makes from the same file
// (Video2World); oversized, malformed and unsupported uploads and stray parts are refused and
// leave nothing behind.
func TestConditionUpload(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, Config{Models: []string{tinyModel}, DataDir: dir, MaxUploadBytes: 64 << 10})
	img := testPNG(t, 32, 32)
	job := tinyJob(3)
	body, ct := multipartBody(t, job, img, "")
	var v Video
	if r := ts.do(t, "POST", "/v1/videos", ct, body, &v); r.StatusCode != 202 || v.Input != "image/png" || v.Params.CondFrames != 1 {
		t.Fatalf("upload: %d %+v", r.StatusCode, v)
	}
	done := ts.wait(t, v.ID)
	if done.Status != StatusCompleted || done.Report.CondFrames != 1 {
		t.Fatalf("%+v", done)
	}
	served := ts.do(t, "GET", "/v1/videos/"+v.ID+"/content?format=y4m", "", nil, nil)
	var got bytes.Buffer
	got.ReadFrom(served.Body)

	src := filepath.Join(t.TempDir(), "first.png")
	os.WriteFile(src, img, 0o644)
	p, err := worldgen.Open(tinyModel, worldgen.Options{Backend: testutil.Backend()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	in, err := worldgen.ReadInput(ctx, src, p.Config().DataFPS)
	if err != nil {
		t.Fatal(err)
	}
	clip, _, err := p.Generate(ctx, worldgen.Request{Prompt: job["prompt"].(string), NegativePrompt: worldgen.DefaultNegativePrompt,
		Input: in, CondFrames: 1, Frames: 9, Width: 32, Height: 32, Seed: 3, Steps: 2})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := video.EncodeY4M(&want, clip, video.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatal("the served Video2World video differs from worldgen's")
	}

	corrupt := append([]byte(nil), img[:60]...)
	for _, c := range []struct {
		name  string
		input []byte
		extra string
		code  int
	}{
		{"oversized", bytes.Repeat(img, 1+(70<<10)/len(img)), "", 413},
		{"truncated png", corrupt, "", 400},
		{"text", []byte("#!/bin/sh\nrm -rf /\n"), "", 415},
		{"stray part", img, "path", 400},
	} {
		body, ct := multipartBody(t, tinyJob(1), c.input, c.extra)
		var e errorBody
		if r := ts.do(t, "POST", "/v1/videos", ct, body, &e); r.StatusCode != c.code {
			t.Errorf("%s: %d %+v, want %d", c.name, r.StatusCode, e, c.code)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "inputs"))
	if len(entries) != 1 {
		t.Errorf("inputs folder holds %d files, want the one accepted upload", len(entries))
	}
}

// TestTokenizeRoundTrip: /v1/tokenize then /v1/detokenize gives back a video of the same size;
// tokens of another tokenizer are refused.
func TestTokenizeRoundTrip(t *testing.T) {
	ts := startServer(t, Config{Models: []string{tinyModel}, Tokenizers: []string{"../tokenizer/pretrained/cv4x4x4-tiny.safetensors"}})
	var models ModelList
	ts.do(t, "GET", "/v1/models", "", nil, &models)
	if len(models.Data) != 1 || models.Data[0].Name != "tiny-v2w" || len(models.Tokenizers) != 2 || models.Tokenizers[0] != "cv8x8x8-tiny" {
		t.Fatalf("models: %+v", models)
	}
	clip, _ := video.NewClip(9, 16, 16, 8)
	for i := range clip.Pix {
		clip.Pix[i] = uint8(i * 7)
	}
	var in bytes.Buffer
	video.EncodeY4M(&in, clip, video.Options{})
	tok := ts.do(t, "POST", "/v1/tokenize?tokenizer=cv8x8x8-tiny", "application/octet-stream", in.Bytes(), nil)
	if tok.StatusCode != 200 {
		t.Fatalf("tokenize: %d", tok.StatusCode)
	}
	var tokens bytes.Buffer
	tokens.ReadFrom(tok.Body)
	back := ts.do(t, "POST", "/v1/detokenize?tokenizer=cv8x8x8-tiny", "application/octet-stream", tokens.Bytes(), nil)
	if back.StatusCode != 200 || back.Header.Get("Content-Type") != "video/x-yuv4mpeg" {
		t.Fatalf("detokenize: %d", back.StatusCode)
	}
	out, err := video.DecodeY4M(back.Body, "back", video.Options{})
	if err != nil || out.Frames != 9 || out.Width != 16 || out.Height != 16 {
		t.Fatalf("round trip: %v %+v", err, out)
	}
	if r := ts.do(t, "POST", "/v1/detokenize?tokenizer=cv4x4x4-tiny", "application/octet-stream", tokens.Bytes(), nil); r.StatusCode != 400 {
		t.Fatalf("tokens of another tokenizer: %d", r.StatusCode)
	}
	if r := ts.do(t, "POST", "/v1/detokenize", "application/octet-stream", []byte("not tokens"), nil); r.StatusCode != 400 {
		t.Fatalf("garbage tokens: %d", r.StatusCode)
	}
	if r := ts.do(t, "POST", "/v1/tokenize?tokenizer=../../etc/passwd", "application/octet-stream", in.Bytes(), nil); r.StatusCode != 400 {
		t.Fatalf("unknown tokenizer: %d", r.StatusCode)
	}
}

// TestServiceEndpoints: /healthz, /metrics (Prometheus text with the queue, latency histogram
// and evaluations), /v1/openapi.json (the committed document, listing every route), the page.
func TestServiceEndpoints(t *testing.T) {
	resetFake()
	releaseFake()
	ts := startServer(t, Config{Models: []string{"fake:m"}})
	v, _ := ts.submit(t, fakeJob("x"))
	ts.wait(t, v.ID)
	var h Health
	ts.do(t, "GET", "/healthz", "", nil, &h)
	if h.Status != "ok" || h.Models != 1 {
		t.Fatalf("health %+v", h)
	}
	m := ts.do(t, "GET", "/metrics", "", nil, nil)
	var mb bytes.Buffer
	mb.ReadFrom(m.Body)
	for _, want := range []string{"wfm_serve_queue_length 0", `wfm_serve_jobs_finished_total{status="completed"} 1`,
		"wfm_serve_job_latency_seconds_count 1", "wfm_serve_denoiser_evaluations_total 2", "# TYPE wfm_serve_job_latency_seconds histogram"} {
		if !strings.Contains(mb.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	ts.do(t, "GET", "/v1/openapi.json", "", nil, &doc)
	for _, route := range []string{"POST /v1/videos", "GET /v1/videos", "GET /v1/videos/{id}", "DELETE /v1/videos/{id}",
		"GET /v1/videos/{id}/content", "GET /v1/videos/{id}/events", "POST /v1/tokenize", "POST /v1/detokenize",
		"POST /v1/guard/prompt", "GET /v1/models", "GET /v1/reports", "GET /reports/{name}", "GET /healthz", "GET /metrics",
		"GET /v1/openapi.json"} {
		method, path, _ := strings.Cut(route, " ")
		if doc.Paths[path][strings.ToLower(method)] == nil {
			t.Errorf("the OpenAPI document lacks %s", route)
		}
	}
	if r := ts.do(t, "GET", "/", "", nil, nil); r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page: %d", r.StatusCode)
	}
	if r := ts.do(t, "GET", "/static/index.html/../../serve.go", "", nil, nil); r.StatusCode == 200 {
		t.Errorf("static path escape: %d", r.StatusCode)
	}
}

// TestSlowBody: a body that does not arrive within the body timeout is 408, JSON or multipart,
// and the connection is not held.
func TestSlowBody(t *testing.T) {
	ts := startServer(t, Config{Models: []string{"fake:m"}})
	ts.bodyTimeout = 300 * time.Millisecond
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, ct := range []string{"application/json", "multipart/form-data; boundary=xyz"} {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		fmt.Fprintf(conn, "POST /v1/videos HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n--xyz\r\n", ct)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", ct, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusRequestTimeout || time.Since(start) > 5*time.Second {
			t.Errorf("%s: %d after %v, want 408 after the body timeout", ct, resp.StatusCode, time.Since(start))
		}
	}
}
