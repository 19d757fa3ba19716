package serve_test

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wfm-platform/wfm/serve"
	"github.com/wfm-platform/wfm/video"
)

// browserPaths are the names a Chromium-family browser goes by in PATH (Debian's package is
// chromium; .ci/run installs it).
var browserPaths = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

func findBrowser() string {
	for _, name := range browserPaths {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowserPage drives the web page in headless Chromium against a server running the
// committed tiny model: it sets the API key, picks the model, types a prompt, uploads a
// condition image, submits, follows the job to completion over Server-Sent Events, checks the
// video the page shows and the jobs list, then submits a prompt the guard blocks and checks
// the reason is shown and no job was made.
func TestBrowserPage(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		t.Skipf("no Chromium-family browser in PATH (looked for %s): the web page is untested here; "+
			"install Debian's chromium (apt-get install chromium) to run it", strings.Join(browserPaths, ", "))
	}
	const token = "browser-test-token-0123456789"
	base := startTestServer(t, token)

	dir := t.TempDir()
	cond := filepath.Join(dir, "first.png")
	writeTestPNG(t, cond, 16, 16)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(browser),
			chromedp.UserDataDir(filepath.Join(dir, "profile")),
			// Tests run as root in CI, where Chromium's sandbox refuses to start.
			chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true),
			// Play the video without a user gesture.
			chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		)...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelCtx()
	// The whole test, browser start included, is bounded.
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", browser, err)
	}
	// An uncaught exception or an error the page logs (a Content-Security-Policy violation
	// among them) fails the test. The browser's own network log is only shown: the refused
	// requests (401 before the key, 422 for the blocked prompt) are expected, and what the page
	// makes of them is checked below. The subscription starts before the page loads.
	var mu sync.Mutex
	var pageErrors []string
	var listening sync.WaitGroup
	consoleCtx, stopConsole := context.WithCancel(ctx)
	messages := chromedp.Console(consoleCtx)
	listening.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.Source == "network":
				t.Logf("browser: %s", m)
			case m.IsException() || m.Type == chromedp.ConsoleError:
				mu.Lock()
				pageErrors = append(pageErrors, m.String())
				mu.Unlock()
			}
		}
	})
	defer func() {
		stopConsole()
		listening.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range pageErrors {
			t.Errorf("page console: %s", e)
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("open %s in %s: %v", base, browser, err)
	}

	// Without the key the API refuses the page; the page says so in the models line.
	waitJS(t, ctx, `document.getElementById('model-info').textContent.includes('models:')`, "the models line to report the refused request")

	// Save the key: the page stores it and sends it as a bearer token from then on.
	run(t, ctx, "save the API key",
		chromedp.SendKeys(chromedp.CSS("#api-key"), token),
		chromedp.Click(chromedp.CSS("#key-save")),
		chromedp.WaitReady(chromedp.CSS(`#model option[value="tiny-v2w"]`)),
	)
	if got := eval[string](t, ctx, `localStorage.getItem('wfm.apiKey')`); got != token {
		t.Errorf("localStorage key %q, want the token typed", got)
	}
	// The benchmark reports folder is listed with links to its files, which the server serves.
	waitJS(t, ctx, `document.querySelector('#reports-list a') !== null`, "the benchmark reports list")
	if href := eval[string](t, ctx, `document.querySelector('#reports-list a').href`); href != base+"/reports/serve.md" {
		t.Errorf("report link %q, want %s/reports/serve.md", href, base)
	} else if status, _, body := get(t, href, ""); status != http.StatusOK || string(body) != "# wfm serve\n" {
		t.Errorf("GET %s: %d %q", href, status, body)
	}

	// A prompt with markup in it must come back as text, never as elements.
	prompt := `a red ball <b id="injected">falls</b> onto a table`
	run(t, ctx, "fill in the form",
		chromedp.SetValue(chromedp.CSS("#model"), "tiny-v2w"),
		chromedp.SendKeys(chromedp.CSS("#prompt"), prompt),
		chromedp.SetValue(chromedp.CSS("#frames"), "9"),
		chromedp.SetValue(chromedp.CSS("#width"), "16"),
		chromedp.SetValue(chromedp.CSS("#height"), "16"),
		chromedp.SetValue(chromedp.CSS("#seed"), "7"),
		chromedp.SetValue(chromedp.CSS("#steps"), "2"),
		chromedp.SetValue(chromedp.CSS("#guidance"), "1.5"),
		chromedp.SetUploadFiles(chromedp.CSS("#cond"), []string{cond}),
		chromedp.SetValue(chromedp.CSS("#cond-frames"), "1"),
		chromedp.Click(chromedp.CSS("#submit")),
	)
	waitJS(t, ctx, `!document.getElementById('result').hidden`, "the finished video")
	id := eval[string](t, ctx, `document.getElementById('job-id').textContent`)
	if !serve.ValidID(id) {
		t.Fatalf("the page shows job id %q", id)
	}
	if live := eval[string](t, ctx, `document.getElementById('job').dataset.live`); live != "events" {
		t.Errorf("the page followed the job by %q, want events (Server-Sent Events)", live)
	}
	if s := eval[string](t, ctx, `document.getElementById('job-status').textContent`); s != "completed" {
		t.Errorf("status line %q, want completed", s)
	}
	if p := eval[float64](t, ctx, `document.getElementById('progress').value`); p != 1 {
		t.Errorf("progress bar at %g, want 1", p)
	}

	// The page shows what the content endpoint serves: an MP4 in the <video> element, or a GIF
	// in the <img> element where the server has no ffmpeg to write MP4.
	elem, wantType, wantURL := "video", "video/mp4", "/v1/videos/"+id+"/content"
	if !video.FFmpegAvailable(video.Options{}) {
		elem, wantType, wantURL = "image", "image/gif", wantURL+"?format=gif"
	}
	media := `document.getElementById('` + elem + `')`
	src := eval[string](t, ctx, media+`.src`)
	contentURL := eval[string](t, ctx, media+`.dataset.contentUrl || ''`)
	if src == "" || contentURL != wantURL {
		t.Fatalf("%s element: src %q, content URL %q (want %s)", elem, src, contentURL, wantURL)
	}
	type blobInfo struct {
		Size int    `json:"size"`
		Type string `json:"type"`
	}
	b := eval[blobInfo](t, ctx, `fetch(`+media+`.src).then(r => r.blob()).then(b => ({size: b.size, type: b.type}))`)
	status, ctype, body := get(t, base+contentURL, token)
	if status != http.StatusOK || ctype != wantType || len(body) == 0 {
		t.Fatalf("GET %s: %d, %q, %d bytes; want 200, %s, a body", contentURL, status, ctype, len(body), wantType)
	}
	if b.Size != len(body) || b.Type != ctype {
		t.Errorf("the page shows %d bytes of %q, the server serves %d bytes of %q", b.Size, b.Type, len(body), ctype)
	}
	if shown := eval[[]bool](t, ctx, `['video', 'image'].map(id => getComputedStyle(document.getElementById(id)).display !== 'none')`); shown[0] != (elem == "video") || shown[1] != (elem == "image") {
		t.Errorf("the video element shows: %v, the image element: %v; want only the %s", shown[0], shown[1], elem)
	}
	if elem == "video" {
		// Debian's Chromium decodes H.264: the element must reach its metadata (size known).
		waitJS(t, ctx, media+`.readyState >= 1 && `+media+`.videoWidth === 16`, "the video element to decode the MP4's metadata")
	} else {
		waitJS(t, ctx, media+`.complete && `+media+`.naturalWidth === 16`, "the image element to decode the GIF")
	}
	if dl := eval[string](t, ctx, `document.getElementById('download').download`); !strings.HasPrefix(dl, "wfm-"+id+".") {
		t.Errorf("download link names the file %q", dl)
	}

	// The job as the API has it: the page's parameters arrived, the upload with them.
	var job struct {
		Status string `json:"status"`
		Seed   uint64 `json:"seed"`
		Input  string `json:"input"`
		Params struct {
			Prompt string   `json:"prompt"`
			Frames int      `json:"frames"`
			Width  int      `json:"width"`
			Height int      `json:"height"`
			Steps  int      `json:"steps"`
			Guide  *float64 `json:"guidance"`
		} `json:"params"`
	}
	status, _, body = get(t, base+"/v1/videos/"+id, token)
	if err := json.Unmarshal(body, &job); status != http.StatusOK || err != nil {
		t.Fatalf("GET /v1/videos/%s: %d %v: %s", id, status, err, body)
	}
	p := job.Params
	if job.Status != "completed" || job.Seed != 7 || job.Input != "image/png" || p.Prompt != prompt || p.Frames != 9 ||
		p.Width != 16 || p.Height != 16 || p.Steps != 2 || p.Guide == nil || *p.Guide != 1.5 {
		t.Errorf("the job the page submitted: %s", body)
	}

	// The jobs list shows the job with its prompt, as text.
	row := `document.querySelector('#jobs-body tr[data-id="` + id + `"]')`
	waitJS(t, ctx, row+` !== null && `+row+`.textContent.includes('completed')`, "the job in the jobs list")
	if txt := eval[string](t, ctx, row+`.textContent`); !strings.Contains(txt, prompt) || !strings.Contains(txt, "16×16") {
		t.Errorf("jobs list row %q lacks the prompt or the size", txt)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#injected').length`); n != 0 {
		t.Errorf("the prompt's markup became %d elements on the page", n)
	}

	// A prompt the guard blocks: the reason is shown and no job is made.
	blocked := "a soldier stabs a prisoner to death, graphic"
	run(t, ctx, "submit a blocked prompt",
		chromedp.SetValue(chromedp.CSS("#prompt"), blocked),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('cond').value = ''`),
		chromedp.Click(chromedp.CSS("#submit")),
	)
	waitJS(t, ctx, `!document.getElementById('blocked').hidden`, "the blocked prompt's reason")
	reason := eval[string](t, ctx, `document.getElementById('blocked-reason').textContent`)
	if !strings.Contains(reason, "pre-guard") || len(reason) < len("pre-guard: x") {
		t.Errorf("blocked reason %q, want the pre-guard's findings", reason)
	}
	if !eval[bool](t, ctx, `document.getElementById('result').hidden`) {
		t.Error("a blocked prompt left a video on show")
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	status, _, body = get(t, base+"/v1/videos", token)
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil || len(list.Data) != 1 || list.Data[0].ID != id {
		t.Errorf("GET /v1/videos after the blocked prompt: %d %v: %s (want only %s)", status, err, body, id)
	}

	// Past jobs come a page (10) at a time, newest first: after 10 more jobs the first is on
	// the second page, and opening it from there shows its video again.
	for i := range 10 {
		req := `{"model": "tiny-v2w", "prompt": "a ball rolls, take ` + strconv.Itoa(i) + `", "frames": 9, "resolution": "16x16", "steps": 1}`
		if status, body := post(t, base+"/v1/videos", token, req); status != http.StatusAccepted {
			t.Fatalf("POST /v1/videos: %d: %s", status, body)
		}
	}
	run(t, ctx, "refresh the jobs list", chromedp.Click(chromedp.CSS("#jobs-refresh")))
	waitJS(t, ctx, `document.querySelectorAll('#jobs-body tr').length === 10 && !document.getElementById('jobs-more').hidden`,
		"a first page of 10 jobs and a button for older ones")
	if eval[bool](t, ctx, row+` !== null`) {
		t.Error("the first job is on the first page of 11")
	}
	run(t, ctx, "show older jobs", chromedp.Click(chromedp.CSS("#jobs-more")))
	waitJS(t, ctx, `document.querySelectorAll('#jobs-body tr').length === 11 && document.getElementById('jobs-more').hidden`,
		"the second page: the first job, and no more")
	run(t, ctx, "open the first job", chromedp.Click(chromedp.CSS(`#jobs-body tr[data-id="`+id+`"] button`)))
	waitJS(t, ctx, `document.getElementById('job-id').textContent === '`+id+`' && !document.getElementById('result').hidden`,
		"the first job's video, opened from the list")
	if shown := eval[string](t, ctx, media+`.dataset.contentUrl`); shown != contentURL {
		t.Errorf("opening the job shows %q, want %q", shown, contentURL)
	}

	// A long job is cancelled from the page while it waits or runs: 1000 steps of 33 frames at
	// 128x128 (several seconds here; a 16x16 one finished in under a second, before the click).
	run(t, ctx, "submit a long job",
		chromedp.SetValue(chromedp.CSS("#frames"), "33"),
		chromedp.SetValue(chromedp.CSS("#width"), "128"),
		chromedp.SetValue(chromedp.CSS("#height"), "128"),
		chromedp.SetValue(chromedp.CSS("#prompt"), "a ball rolls for a long time"),
		chromedp.SetValue(chromedp.CSS("#steps"), "1000"),
		chromedp.Click(chromedp.CSS("#submit")),
	)
	waitJS(t, ctx, `/^(queued|running)/.test(document.getElementById('job-status').textContent) && !document.getElementById('cancel').hidden`,
		"the long job under way")
	long := eval[string](t, ctx, `document.getElementById('job-id').textContent`)
	run(t, ctx, "cancel it", chromedp.Click(chromedp.CSS("#cancel")))
	waitJS(t, ctx, `document.getElementById('job-status').textContent === 'cancelled' && document.getElementById('cancel').hidden`,
		"the job cancelled")
	if msg := eval[string](t, ctx, `document.getElementById('error').textContent`); !strings.Contains(msg, "cancelled") {
		t.Errorf("a cancelled job says %q", msg)
	}
	if status, _, body := get(t, base+"/v1/videos/"+long, token); status != http.StatusOK || !strings.Contains(string(body), `"status": "cancelled"`) {
		t.Errorf("GET /v1/videos/%s after the page cancelled it: %d: %s", long, status, body)
	}
}

// startTestServer serves the committed tiny model with one API key, and returns its URL.
func startTestServer(t *testing.T, token string) string {
	t.Helper()
	reports := t.TempDir()
	if err := os.WriteFile(filepath.Join(reports, "serve.md"), []byte("# wfm serve\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New(serve.Config{
		Models:     []string{"../diffusion/pretrained/tiny-v2w"},
		DataDir:    t.TempDir(),
		ReportsDir: reports,
		Workers:    1,
		MaxQueue:   16,
		APIKeys:    []serve.APIKey{{Name: "browser", Token: token}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(withPagePolicy(srv.Handler()))
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return ts.URL
}

// pagePolicy is the Content-Security-Policy the page keeps to: its own scripts, styles and API
// only, media from blob: URLs (the videos it fetches with the key), no inline code.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' blob:; " +
	"img-src 'self' blob: data:; media-src 'self' blob:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// withPagePolicy sends pagePolicy with every response that has no policy of its own, so that
// the test fails (a console error) when the page breaks it.
func withPagePolicy(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if w.Header().Get("Content-Security-Policy") == "" {
			w.Header().Set("Content-Security-Policy", pagePolicy)
		}
		h.ServeHTTP(w, r)
	})
}

func writeTestPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(16 * x), G: uint8(16 * y), B: 128, A: 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// run runs browser actions, failing the test with what the page shows when one fails.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, pageState(ctx))
	}
}

// waitJS waits (up to 30 s) for a JavaScript condition on the page.
func waitJS(t *testing.T, ctx context.Context, cond, what string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v\n%s", what, err, pageState(ctx))
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v\n%s", expr, err, pageState(ctx))
	}
	return v
}

// pageState is what the page's status lines say, for failure messages.
func pageState(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`['model-info', 'job-status', 'blocked-reason', 'error', 'jobs-empty']
		.map(id => id + ': ' + document.getElementById(id).textContent).join('\n')`))
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return "page state: " + err.Error()
	}
	return s
}

func post(t *testing.T, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, data
}

func get(t *testing.T, url, token string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), body
}
