package dataset

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// testClip is a frames-long 16x16 clip whose pixels encode (frame, seed).
func testClip(t *testing.T, frames int, seed uint8) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, 16, 16, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Pix {
		c.Pix[i] = uint8(i/(16*16*3))*20 + seed
	}
	return c
}

func y4mBytes(t *testing.T, c *video.Clip) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := video.EncodeY4M(&buf, c, video.Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadVideos checks the reader every trainer shares: y4m and mp4 parts, captions, videos
// shorter than MinFrames skipped, ErrStop, and the errors a broken sample gives.
func TestReadVideos(t *testing.T) {
	dir := t.TempDir()
	samples := []testSample{
		{"a", map[string][]byte{"y4m": y4mBytes(t, testClip(t, 6, 1)), "json": []byte(`{"captions":["first","second"]}`)}},
		{"b", map[string][]byte{"y4m": y4mBytes(t, testClip(t, 3, 2))}}, // too short
		{"c", map[string][]byte{"y4m": y4mBytes(t, testClip(t, 5, 3)), "json": []byte(`{"key":"c"}`)}},
	}
	if video.FFmpegAvailable(video.Options{}) {
		mp4 := filepath.Join(t.TempDir(), "d.mp4")
		if err := video.Write(context.Background(), mp4, testClip(t, 8, 4), video.Options{}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(mp4)
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, testSample{"d", map[string][]byte{"mp4": data, "json": []byte(`{"captions":["mp4"]}`)}})
	} else {
		t.Log("no ffmpeg: the mp4 sample is left out")
	}
	writeDataset(t, dir, "v", samples, WriterOptions{})

	type got struct {
		key, caption string
		frames       int
	}
	var all []got
	err := ReadVideos(context.Background(), dir, "v", VideoOptions{MinFrames: 4, Verify: true}, func(s *VideoSample) error {
		all = append(all, got{s.Key, s.Caption(), s.Clip.Frames})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{"a", "first", 6}, {"c", "", 5}}
	if len(samples) == 4 {
		want = append(want, got{"d", "mp4", 8})
	}
	if len(all) != len(want) {
		t.Fatalf("read %v, want %v", all, want)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Errorf("video %d: %v, want %v", i, all[i], want[i])
		}
	}

	n := 0
	if err := ReadVideos(context.Background(), dir, "v", VideoOptions{}, func(*VideoSample) error {
		n++
		return ErrStop
	}); err != nil || n != 1 {
		t.Errorf("ErrStop after one video: %d videos, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ReadVideos(ctx, dir, "v", VideoOptions{}, func(*VideoSample) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}

	for _, tc := range []struct {
		name  string
		parts map[string][]byte
		want  string
	}{
		{"no video", map[string][]byte{"png": {1}, "json": []byte("{}")}, "has no video"},
		{"bad json", map[string][]byte{"y4m": y4mBytes(t, testClip(t, 5, 5)), "json": []byte(`{"captions":"one"}`)}, "bad json"},
		{"bad y4m", map[string][]byte{"y4m": []byte("YUV4MPEG2 W8")}, "x.y4m"},
	} {
		bad := t.TempDir()
		writeDataset(t, bad, "v", []testSample{{"x", tc.parts}}, WriterOptions{})
		err := ReadVideos(context.Background(), bad, "v", VideoOptions{}, func(*VideoSample) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestReadVideosVerify checks that Verify hashes every shard when the reader is opened: a shard
// whose bytes changed (same size) is refused before any video is returned, while the default
// (HashFirstUse) would only notice when reading that shard.
func TestReadVideosVerify(t *testing.T) {
	dir := t.TempDir()
	var samples []testSample
	for i, key := range []string{"a", "b", "c"} {
		samples = append(samples, testSample{key, map[string][]byte{"y4m": y4mBytes(t, testClip(t, 5, uint8(i)))}})
	}
	ix := writeDataset(t, dir, "v", samples, WriterOptions{MaxSamples: 1})
	if len(ix.Shards) != 3 {
		t.Fatalf("%d shards, want 3", len(ix.Shards))
	}
	last := filepath.Join(dir, ix.Shards[2].Name)
	data, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	data[600] ^= 0xff // inside the first part's content, after its 512-byte header
	if err := os.WriteFile(last, data, 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = ReadVideos(context.Background(), dir, "v", VideoOptions{Verify: true}, func(*VideoSample) error {
		n++
		return nil
	})
	if !errors.Is(err, ErrShardMismatch) || n != 0 {
		t.Errorf("Verify: %d videos, then %v; want ErrShardMismatch before any", n, err)
	}
}
