package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/serve"
	"github.com/wfm-platform/wfm/serve/client"
	"github.com/wfm-platform/wfm/video"
)

func startServer(t *testing.T, cfg serve.Config) *client.Client {
	t.Helper()
	cfg.Models = []string{"../../diffusion/pretrained/tiny-v2w"}
	cfg.DataDir = t.TempDir()
	cfg.Backend = testutil.Backend()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := serve.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		s.Close()
	})
	key := ""
	if len(cfg.APIKeys) > 0 {
		key = cfg.APIKeys[0].Token
	}
	return client.New(hs.URL, key)
}

func tiny(prompt string, seed uint64) serve.VideoParams {
	return serve.VideoParams{Prompt: prompt, Frames: 9, Resolution: "32x32", Steps: 2, Seed: &seed}
}

// TestClient: every call of the client against a running server.
func TestClient(t *testing.T) {
	const token = "client-test-token-0123456789"
	c := startServer(t, serve.Config{APIKeys: []serve.APIKey{{Name: "c", Token: token}}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if h, err := c.Health(ctx); err != nil || h.Status != "ok" {
		t.Fatalf("health %+v %v", h, err)
	}
	models, err := c.Models(ctx)
	if err != nil || len(models.Data) != 1 {
		t.Fatalf("models %+v %v", models, err)
	}
	v, err := c.CreateVideo(ctx, tiny("a red ball rolls", 5), nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen []float64
	done, err := c.Events(ctx, v.ID, func(v *serve.Video) { seen = append(seen, v.Progress) })
	if err != nil || done.Status != serve.StatusCompleted || len(seen) < 2 || seen[len(seen)-1] != 1 {
		t.Fatalf("events: %v %+v %v", err, done, seen)
	}
	y4m, ct, err := c.Content(ctx, v.ID, "y4m")
	if err != nil || ct != "video/x-yuv4mpeg" {
		t.Fatal(err, ct)
	}
	clip, err := video.DecodeY4M(strings.NewReader(string(y4m)), "content", video.Options{})
	if err != nil || clip.Frames != 9 {
		t.Fatal(err)
	}
	tokens, err := c.Tokenize(ctx, "", y4m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := c.Detokenize(ctx, "", "y4m", tokens)
	if err != nil || len(back) != len(y4m) {
		t.Fatalf("detokenize: %v, %d bytes for %d", err, len(back), len(y4m))
	}
	verdict, err := c.GuardPrompt(ctx, "a man k1lls a guard")
	if err != nil || verdict.Allowed {
		t.Fatalf("guard: %+v %v", verdict, err)
	}
	_, err = c.CreateVideo(ctx, tiny("a man k1lls a guard", 1), nil)
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 422 || e.Code != serve.CodeBlocked {
		t.Fatalf("blocked submission: %v", err)
	}
	list, err := c.Videos(ctx, "", 10)
	if err != nil || len(list.Data) != 1 || list.Data[0].ID != v.ID {
		t.Fatalf("list %+v %v", list, err)
	}
	if reports, err := c.Reports(ctx); err != nil || reports.Object != "list" || len(reports.Data) != 0 {
		t.Fatalf("reports (none given): %+v %v", reports, err)
	}
	if d, err := c.Cancel(ctx, v.ID); err != nil || !d.Deleted {
		t.Fatalf("delete the finished job: %+v %v", d, err)
	}
	if _, err := c.Video(ctx, v.ID); !errors.As(err, &e) || e.Status != 404 {
		t.Fatalf("the deleted job: %v", err)
	}
	bad := client.New(c.BaseURL, "wrong-token-000000000000")
	if _, err := bad.Models(ctx); !errors.As(err, &e) || e.Status != 401 {
		t.Fatalf("wrong key: %v", err)
	}
}

// TestLoad: a small load test loses and duplicates nothing, and a full queue only slows it.
func TestLoad(t *testing.T) {
	c := startServer(t, serve.Config{MaxQueue: 2, RateLimit: -1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := client.Load(ctx, c, client.LoadOptions{Clients: 6, Jobs: 12,
		Params: func(i int) serve.VideoParams { return tiny("a ball", uint64(i)) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 12 || rep.Completed != 12 || rep.Lost != 0 || rep.Duplicated != 0 || rep.Listed != 12 ||
		rep.Unacknowledged != 0 || rep.P50Seconds <= 0 || rep.P99Seconds < rep.P50Seconds {
		t.Fatalf("%+v", rep)
	}
	if rep.Retries == 0 {
		t.Errorf("6 clients on a queue of 2 were never told to retry: %+v", rep)
	}
}
