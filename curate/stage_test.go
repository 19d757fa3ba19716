package curate

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func TestDecodeStage(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c := movingSquare(t, 1, 0)
	good := filepath.Join(dir, "good.y4m")
	if err := video.Write(ctx, good, c, video.Options{}); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.y4m")
	if err := os.WriteFile(junk, []byte("YUV4MPEG2 W64 H64 F16:1 C444\nFRAME\n\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		stage  DecodeStage
		path   string
		kind   string
		w, h   int
		frames int
	}{
		{"source size", DecodeStage{}, good, "", 64, 64, 12},
		{"scaled while decoding", DecodeStage{Target: Target{Width: 32, Height: 16}}, good, "", 32, 16, 12},
		{"over the byte limit", DecodeStage{Options: video.Options{Limits: video.Limits{MaxBytes: 5 * 32 * 32 * 3}},
			Target: Target{Short: 32}}, good, "too_large", 0, 0, 0},
		{"truncated", DecodeStage{}, junk, "truncated", 0, 0, 0},
		{"missing", DecodeStage{}, filepath.Join(dir, "nope.y4m"), "missing", 0, 0, 0},
	}
	for _, tc := range tests {
		d, q, err := tc.stage.Decode(ctx, NewSource(tc.path))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.kind != "" {
			if q == nil || q.Kind != tc.kind || q.Reason == "" {
				t.Errorf("%s: quarantine %+v, want kind %s", tc.name, q, tc.kind)
			}
			continue
		}
		if q != nil || d.Clip.Width != tc.w || d.Clip.Height != tc.h || d.Clip.Frames != tc.frames || d.Info.Width != 64 {
			t.Errorf("%s: %v %+v", tc.name, d.Clip, q)
		}
	}
}
