package serve

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func fakeJob(prompt string) map[string]any {
	return map[string]any{"prompt": prompt, "frames": 2, "resolution": "16x16", "seed": 1}
}

// waitStarted waits until the fake model has begun the job with the given prompt.
func waitStarted(t *testing.T, prompt string) {
	t.Helper()
	select {
	case p := <-fakeStarted:
		if p != prompt {
			t.Fatalf("started %q, want %q", p, prompt)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("job %q did not start", prompt)
	}
}

// TestQueueFullAndCancel: with one worker busy and MaxQueue 2 waiting, a third submission gets
// 429 with a Retry-After; cancelling a queued job frees its slot at once, cancelling the
// running one ends it cancelled; the rest complete.
func TestQueueFullAndCancel(t *testing.T) {
	resetFake()
	ts := startServer(t, Config{Models: []string{"fake:m"}, MaxQueue: 2})
	run, _ := ts.submit(t, fakeJob("running"))
	waitStarted(t, "running")
	q1, r1 := ts.submit(t, fakeJob("q1"))
	q2, r2 := ts.submit(t, fakeJob("q2"))
	if r1.StatusCode != 202 || r2.StatusCode != 202 {
		t.Fatalf("queued: %d %d", r1.StatusCode, r2.StatusCode)
	}
	_, full := ts.submit(t, fakeJob("over"))
	if full.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the queue: %d, want 429", full.StatusCode)
	}
	if ra, err := strconv.Atoi(full.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", full.Header.Get("Retry-After"))
	}
	var c Video
	ts.do(t, "DELETE", "/v1/videos/"+q1.ID, "", nil, &c)
	if c.Status != StatusCancelled {
		t.Fatalf("cancelled queued job: %s", c.Status)
	}
	if _, r := ts.submit(t, fakeJob("q3")); r.StatusCode != 202 {
		t.Fatalf("after a cancel the queue has room: %d", r.StatusCode)
	}
	stream, err := http.Get(ts.URL + "/v1/videos/" + run.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	ts.do(t, "DELETE", "/v1/videos/"+run.ID, "", nil, &c)
	events, err := readEvents(stream.Body)
	stream.Body.Close()
	if err != nil || len(events) == 0 || events[len(events)-1].Status != StatusCancelled {
		t.Fatalf("the event stream of the cancelled running job: %v %+v", err, events)
	}
	if got := ts.wait(t, run.ID); got.Status != StatusCancelled || got.Error == nil || got.Error.Code != CodeCancelled {
		t.Fatalf("cancelled running job: %+v", got)
	}
	waitStarted(t, "q2")
	releaseFake()
	if got := ts.wait(t, q2.ID); got.Status != StatusCompleted || got.Attempts != 1 {
		t.Fatalf("q2: %+v", got)
	}
	if r := ts.do(t, "GET", "/v1/videos/"+run.ID+"/content?format=y4m", "", nil, nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("content of a cancelled job: %d, want 409", r.StatusCode)
	}
}

// TestDeadline: a job whose timeout passes while it runs, or while it waits, fails with
// deadline_exceeded.
func TestDeadline(t *testing.T) {
	resetFake()
	ts := startServer(t, Config{Models: []string{"fake:m"}})
	p := fakeJob("slow")
	p["timeout_seconds"] = 0.5
	v, _ := ts.submit(t, p)
	waitStarted(t, "slow")
	w := fakeJob("waiting")
	w["timeout_seconds"] = 0.2
	waiting, _ := ts.submit(t, w)
	for _, c := range []struct {
		id, msg string
	}{{v.ID, "while it ran"}, {waiting.ID, "before the job started"}} {
		got := ts.wait(t, c.id)
		if got.Status != StatusFailed || got.Error == nil || got.Error.Code != CodeDeadlineExceeded || !strings.Contains(got.Error.Message, c.msg) {
			t.Fatalf("%+v %+v", got, got.Error)
		}
	}
}

// TestRestartRequeues: a server closed with a job running and one queued leaves both
// unfinished in the database; the next server on the same data folder runs them, and serves
// the job finished before as it was.
func TestRestartRequeues(t *testing.T) {
	resetFake()
	dir := t.TempDir()
	releaseFake()
	ts := startServer(t, Config{Models: []string{"fake:m"}, DataDir: dir})
	done, _ := ts.submit(t, fakeJob("done"))
	<-fakeStarted
	ts.wait(t, done.ID)
	resetFake()
	running, _ := ts.submit(t, fakeJob("running"))
	waitStarted(t, "running")
	queued, _ := ts.submit(t, fakeJob("queued"))
	ts.stop()

	releaseFake()
	ts2 := startServer(t, Config{Models: []string{"fake:m"}, DataDir: dir})
	for _, id := range []string{running.ID, queued.ID} {
		if got := ts2.wait(t, id); got.Status != StatusCompleted || got.Attempts < 1 {
			t.Fatalf("%s after restart: %+v", id, got)
		}
	}
	if got := ts2.wait(t, running.ID); got.Attempts != 2 {
		t.Fatalf("the interrupted job ran %d times, want 2", got.Attempts)
	}
	var first Video
	ts2.do(t, "GET", "/v1/videos/"+done.ID, "", nil, &first)
	if first.Status != StatusCompleted || first.Attempts != 1 {
		t.Fatalf("finished job after restart: %+v", first)
	}
	if r := ts2.do(t, "GET", "/v1/videos/"+done.ID+"/content?format=y4m", "", nil, nil); r.StatusCode != 200 {
		t.Fatalf("content after restart: %d", r.StatusCode)
	}
}

// TestListPages: GET /v1/videos pages newest first through every job exactly once.
func TestListPages(t *testing.T) {
	resetFake()
	releaseFake()
	ts := startServer(t, Config{Models: []string{"fake:m"}, MaxQueue: 10})
	want := map[string]bool{}
	var order []string
	for i := range 5 {
		v, _ := ts.submit(t, fakeJob("job "+strconv.Itoa(i)))
		want[v.ID] = true
		order = append(order, v.ID)
	}
	var seen []string
	after := ""
	for range 10 {
		var page VideoList
		path := "/v1/videos?limit=2"
		if after != "" {
			path += "&after=" + after
		}
		ts.do(t, "GET", path, "", nil, &page)
		for _, v := range page.Data {
			seen = append(seen, v.ID)
		}
		if !page.HasMore {
			break
		}
		after = page.LastID
	}
	if len(seen) != 5 {
		t.Fatalf("listed %d jobs, want 5: %v", len(seen), seen)
	}
	for i, id := range seen {
		if id != order[4-i] {
			t.Fatalf("page order %v, want newest first of %v", seen, order)
		}
	}
	if r := ts.do(t, "GET", "/v1/videos?after=../../etc", "", nil, nil); r.StatusCode != 400 {
		t.Fatalf("bad cursor: %d", r.StatusCode)
	}
	for _, bad := range []string{"nope", "vid_" + "00000000000000000000000000000000", "vid_%2e%2e%2f%2e%2e%2fetc%2fpasswd000000000000"} {
		var e errorBody
		if r := ts.do(t, "GET", "/v1/videos/"+bad, "", nil, &e); r.StatusCode != 404 || e.Error.Code != "not_found" {
			t.Fatalf("GET %s: %d %+v", bad, r.StatusCode, e)
		}
	}
}

// TestDeleteFinished: DELETE of a finished job removes its record, its videos and its
// condition upload; the job is gone from the list, and a second DELETE is 404.
func TestDeleteFinished(t *testing.T) {
	resetFake()
	releaseFake()
	dir := t.TempDir()
	ts := startServer(t, Config{Models: []string{"fake:m"}, DataDir: dir})
	body, ct := multipartBody(t, fakeJob("kept a moment"), testPNG(t, 16, 16), "")
	var v Video
	if r := ts.do(t, "POST", "/v1/videos", ct, body, &v); r.StatusCode != 202 {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	ts.wait(t, v.ID)
	if r := ts.do(t, "GET", "/v1/videos/"+v.ID+"/content?format=gif", "", nil, nil); r.StatusCode != 200 {
		t.Fatalf("content: %d", r.StatusCode)
	}
	files := func() []string {
		var out []string
		for _, sub := range []string{"videos", "inputs"} {
			m, _ := filepath.Glob(filepath.Join(dir, sub, v.ID+"*"))
			out = append(out, m...)
		}
		return out
	}
	if f := files(); len(f) != 3 { // the upload, the Y4M and the GIF
		t.Fatalf("before the delete: %v", f)
	}
	var d Video
	if r := ts.do(t, "DELETE", "/v1/videos/"+v.ID, "", nil, &d); r.StatusCode != 200 || !d.Deleted || d.Status != StatusCompleted {
		t.Fatalf("delete: %d %+v", r.StatusCode, d)
	}
	if f := files(); len(f) != 0 {
		t.Fatalf("files left after the delete: %v", f)
	}
	if r := ts.do(t, "GET", "/v1/videos/"+v.ID, "", nil, nil); r.StatusCode != 404 {
		t.Fatalf("get after the delete: %d", r.StatusCode)
	}
	if r := ts.do(t, "DELETE", "/v1/videos/"+v.ID, "", nil, nil); r.StatusCode != 404 {
		t.Fatalf("second delete: %d", r.StatusCode)
	}
	var list VideoList
	ts.do(t, "GET", "/v1/videos", "", nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("the list still has %d jobs", len(list.Data))
	}
}
