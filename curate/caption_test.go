package curate

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func testItem(t *testing.T) *Item {
	c, err := video.NewClip(8, 16, 24, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Pix {
		c.Pix[i] = uint8(i * 7)
	}
	return &Item{Key: "k_0000", Clip: c, Span: Span{0, 8}, SrcFPS: 8}
}

// fakeVLM is an OpenAI-compatible chat completions endpoint that checks the request and
// answers with the number of images it received.
func fakeVLM(t *testing.T, failFirst int, status int) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		if r.Header.Get("Authorization") != "Bearer sekret" {
			t.Errorf("authorization %q", r.Header.Get("Authorization"))
		}
		if int(n) <= failFirst {
			w.WriteHeader(status)
			io.WriteString(w, `{"error":{"message":"busy"}}`)
			return
		}
		var req struct {
			Model       string  `json:"model"`
			Temperature float64 `json:"temperature"`
			Messages    []struct {
				Role    string `json:"role"`
				Content []struct {
					Type     string `json:"type"`
					Text     string `json:"text"`
					ImageURL struct {
						URL string `json:"url"`
					} `json:"image_url"`
				} `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("body: %v", err)
		}
		images := 0
		for _, part := range req.Messages[0].Content {
			if part.Type != "image_url" {
				continue
			}
			data, ok := strings.CutPrefix(part.ImageURL.URL, "data:image/png;base64,")
			raw, err := base64.StdEncoding.DecodeString(data)
			if !ok || err != nil {
				t.Errorf("image url %.40q", part.ImageURL.URL)
				continue
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil || img.Bounds().Dx() != 24 || img.Bounds().Dy() != 16 {
				t.Errorf("image does not decode to a 24x16 frame: %v", err)
			}
			images++
		}
		if req.Model != "tiny-vlm" || req.Messages[0].Role != "user" || req.Messages[0].Content[0].Type != "text" {
			t.Errorf("request %+v", req)
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{
			"role": "assistant", "content": strings.Repeat("frame ", images) + "seen"}}}})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestOpenAICaptioner(t *testing.T) {
	srv, calls := fakeVLM(t, 1, http.StatusServiceUnavailable)
	c := &OpenAICaptioner{BaseURL: srv.URL + "/v1/", Model: "tiny-vlm", APIKey: "sekret", Frames: 3}
	text, err := c.Caption(context.Background(), testItem(t))
	if err != nil {
		t.Fatal(err)
	}
	if text != "frame frame frame seen" {
		t.Errorf("caption %q", text)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want a retry after the 503", calls.Load())
	}
}

func TestOpenAICaptionerClientErrorIsNotRetried(t *testing.T) {
	srv, calls := fakeVLM(t, 100, http.StatusBadRequest)
	c := &OpenAICaptioner{BaseURL: srv.URL + "/v1", Model: "tiny-vlm", APIKey: "sekret"}
	it := testItem(t)
	if err := (CaptionStage{Captioner: c}).Process(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	if it.Drop == nil || it.Drop.Reason != "caption_error" || !strings.Contains(it.Drop.Detail, "HTTP 400") {
		t.Errorf("drop %+v", it.Drop)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls for a 400", calls.Load())
	}
}

func TestSynthCaptionerPicksOverlappingShot(t *testing.T) {
	dir := t.TempDir()
	vt := VideoTruth{Shots: []ShotTruth{{Span: Span{0, 10}, Captions: []string{"first"}}, {Span: Span{10, 30}, Captions: []string{"second"}}}}
	if err := writeJSON(dir+"/v.shots.json", vt); err != nil {
		t.Fatal(err)
	}
	c := &SynthCaptioner{}
	for _, tc := range []struct {
		span Span
		want string
	}{{Span{0, 8}, "first"}, {Span{8, 20}, "second"}, {Span{12, 30}, "second"}} {
		got, err := c.Caption(context.Background(), &Item{Source: Source{Path: dir + "/v.mp4"}, Span: tc.span})
		if err != nil || got != tc.want {
			t.Errorf("%v: %q, %v", tc.span, got, err)
		}
	}
	if _, err := c.Caption(context.Background(), &Item{Source: Source{Path: dir + "/other.mp4"}, Span: Span{0, 5}}); err == nil {
		t.Error("a video without captions gave no error")
	}
}
