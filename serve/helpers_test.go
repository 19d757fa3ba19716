package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// tinyModel is the committed model the tests run, and tinyJob a request it answers in a
// fraction of a second.
const tinyModel = "../diffusion/pretrained/tiny-v2w"

func tinyJob(seed uint64) map[string]any {
	return map[string]any{"prompt": "a red ball rolls to the left", "frames": 9, "resolution": "32x32", "steps": 2, "seed": seed}
}

// fakeGate controls the "fake" model kind: each job waits for a value on release (or for its
// context), then returns a 2-frame 16x16 clip.
var (
	fakeMu      sync.Mutex
	fakeRelease = make(chan struct{})
	fakeStarted = make(chan string, 100)
)

type fakeModel struct{ name string }

func (f *fakeModel) Info() ModelInfo {
	return ModelInfo{Name: f.name, Video2World: true, SizeMultiple: 16, TemporalCompression: 1, MaxWidth: 64, MaxHeight: 64, MaxFrames: 9}
}

func (f *fakeModel) Check(p VideoParams, hasInput bool) error {
	if p.Width > 64 || p.Height > 64 || p.Frames > 9 {
		return invalidf("too big")
	}
	return nil
}

func (f *fakeModel) Generate(ctx context.Context, j Job) (*video.Clip, worldgen.Report, error) {
	rep := worldgen.Report{Model: f.name, Evaluations: 2, Seed: *j.Params.Seed}
	fakeStarted <- j.Params.Prompt
	j.Progress(1, 2)
	fakeMu.Lock()
	release := fakeRelease
	fakeMu.Unlock()
	select {
	case <-release:
	case <-ctx.Done():
		return nil, rep, ctx.Err()
	}
	j.Progress(2, 2)
	c, err := video.NewClip(2, 16, 16, 8)
	return c, rep, err
}

func (f *fakeModel) Close() error { return nil }

func init() {
	RegisterKind("fake", func(dir string, _ OpenOptions) (Generator, error) { return &fakeModel{name: dir}, nil })
}

// releaseFake lets every waiting and future fake job finish; resetFake makes them wait again.
func releaseFake() {
	fakeMu.Lock()
	defer fakeMu.Unlock()
	select {
	case <-fakeRelease:
	default:
		close(fakeRelease)
	}
}

func resetFake() {
	fakeMu.Lock()
	defer fakeMu.Unlock()
	fakeRelease = make(chan struct{})
	for len(fakeStarted) > 0 {
		<-fakeStarted
	}
}

// testServer is a Server behind an httptest server.
type testServer struct {
	*Server
	URL string
	hs  *httptest.Server
	key string
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Backend == nil {
		cfg.Backend = testutil.Backend()
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = -1 // tests poll fast; TestRateLimit sets its own
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	ts := &testServer{Server: s, URL: hs.URL, hs: hs}
	if len(cfg.APIKeys) > 0 {
		ts.key = cfg.APIKeys[0].Token
	}
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	if ts.hs != nil {
		ts.hs.CloseClientConnections()
		ts.hs.Close()
		ts.hs = nil
		ts.Server.Close()
	}
}

// do sends a request with the server's key and decodes a JSON answer into out (when not nil).
func (ts *testServer) do(t *testing.T, method, path, contentType string, body []byte, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if ts.key != "" {
		req.Header.Set("Authorization", "Bearer "+ts.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp
}

func (ts *testServer) submit(t *testing.T, params map[string]any) (*Video, *http.Response) {
	t.Helper()
	body, _ := json.Marshal(params)
	var v Video
	resp := ts.do(t, "POST", "/v1/videos", "application/json", body, &v)
	return &v, resp
}

// wait polls job id until it is finished.
func (ts *testServer) wait(t *testing.T, id string) *Video {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var v Video
		if resp := ts.do(t, "GET", "/v1/videos/"+id, "", nil, &v); resp.StatusCode != 200 {
			t.Fatalf("get %s: %d", id, resp.StatusCode)
		}
		if v.Finished() {
			return &v
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s did not finish", id)
	return nil
}

// readEvents reads an event stream's "video" events until it ends.
func readEvents(r io.Reader) ([]Video, error) {
	var out []Video
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var v Video
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return out, err
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return out, err
	}
	return out, nil
}
