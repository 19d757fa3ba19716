package serve

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// TestVideoMatchesWorldgen: a job's video is byte for byte the one a direct worldgen call (what
// wfm generate runs) makes with the same seed and parameters; the event stream reports each
// denoiser evaluation and ends with the completed job; every content format is served.
func TestVideoMatchesWorldgen(t *testing.T) {
	ts := startServer(t, Config{Models: []string{tinyModel}})
	v, resp := ts.submit(t, tinyJob(7))
	if resp.StatusCode != http.StatusAccepted || v.Status != StatusQueued || !ValidID(v.ID) {
		t.Fatalf("submit: %d %+v", resp.StatusCode, v)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/v1/videos/"+v.ID+"/events", nil)
	er, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events, err := readEvents(er.Body)
	er.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Status != StatusCompleted || last.Progress != 1 {
		t.Fatalf("last event: %+v", last)
	}
	done := ts.wait(t, v.ID)
	if done.Report == nil || done.Report.Seed != 7 || done.Seed != 7 || len(done.Report.Guardrails) != 2 {
		t.Fatalf("completed job: %+v", done)
	}
	got := ts.do(t, "GET", "/v1/videos/"+v.ID+"/content?format=y4m", "", nil, nil)
	if got.StatusCode != 200 || got.Header.Get("Content-Type") != "video/x-yuv4mpeg" {
		t.Fatalf("content: %d %s", got.StatusCode, got.Header.Get("Content-Type"))
	}
	var served bytes.Buffer
	served.ReadFrom(got.Body)

	p, err := worldgen.Open(tinyModel, worldgen.Options{Backend: testutil.Backend()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	clip, _, err := p.Generate(context.Background(), worldgen.Request{Prompt: "a red ball rolls to the left",
		NegativePrompt: worldgen.DefaultNegativePrompt, Frames: 9, Width: 32, Height: 32, Seed: 7, Steps: 2})
	if err != nil {
		t.Fatal(err)
	}
	direct := filepath.Join(t.TempDir(), "direct.y4m")
	if err := video.Write(context.Background(), direct, clip, video.Options{}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(direct)
	if !bytes.Equal(served.Bytes(), want) {
		t.Fatalf("served video (%d bytes) differs from worldgen's (%d bytes)", served.Len(), len(want))
	}
	for _, f := range []struct{ format, ct string }{{"gif", "image/gif"}, {"mp4", "video/mp4"}} {
		if f.format == "mp4" && !video.FFmpegAvailable(video.Options{}) {
			continue
		}
		r := ts.do(t, "GET", "/v1/videos/"+v.ID+"/content?format="+f.format, "", nil, nil)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != f.ct {
			t.Errorf("%s: %d %s", f.format, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
}

// TestWorkersAgree: two workers (two compiled instances on one backend) give the same video for
// the same seed, and a condition MP4 is sniffed, decoded through ffmpeg and used.
func TestWorkersAgree(t *testing.T) {
	ts := startServer(t, Config{Models: []string{tinyModel}, Workers: 2})
	a, _ := ts.submit(t, tinyJob(11))
	b, _ := ts.submit(t, tinyJob(11))
	var videos [][]byte
	for _, id := range []string{a.ID, b.ID} {
		if v := ts.wait(t, id); v.Status != StatusCompleted {
			t.Fatalf("%+v", v)
		}
		r := ts.do(t, "GET", "/v1/videos/"+id+"/content?format=y4m", "", nil, nil)
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		videos = append(videos, buf.Bytes())
	}
	if !bytes.Equal(videos[0], videos[1]) {
		t.Fatal("two workers made different videos of the same request")
	}
	if !video.FFmpegAvailable(video.Options{}) {
		t.Skip("no ffmpeg: the MP4 upload is not tested")
	}
	clip, _ := video.NewClip(3, 32, 32, 16)
	for i := range clip.Pix {
		clip.Pix[i] = uint8(i % 251)
	}
	mp4 := filepath.Join(t.TempDir(), "cond.mp4")
	if err := video.Write(context.Background(), mp4, clip, video.Options{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(mp4)
	body, ct := multipartBody(t, tinyJob(2), data, "")
	var v Video
	if r := ts.do(t, "POST", "/v1/videos", ct, body, &v); r.StatusCode != 202 || v.Input != "video/mp4" {
		t.Fatalf("mp4 upload: %d %+v", r.StatusCode, v)
	}
	if done := ts.wait(t, v.ID); done.Status != StatusCompleted || done.Report.CondFrames != 1 {
		t.Fatalf("%+v", done)
	}
}
