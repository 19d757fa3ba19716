package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func TestPairAndReadVideos(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clip, err := video.NewClip(2, 8, 8, 10)
	if err != nil {
		t.Fatal(err)
	}
	write := func(path string) string {
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := video.Write(ctx, p, clip, video.Options{}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	predA, refA := write("pred/a.y4m"), write("ref/a.y4m")
	write("pred/b.y4m")
	write("ref/b.gif")
	write("onlypred/c.y4m")
	if err := os.WriteFile(filepath.Join(dir, "pred", "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, pred, ref string
		pairs           []string
		err             string
		errIs           error
	}{
		{name: "two videos", pred: predA, ref: refA, pairs: []string{"a"}},
		{name: "two folders, paired by name", pred: filepath.Join(dir, "pred"), ref: filepath.Join(dir, "ref"), pairs: []string{"a", "b"}},
		{name: "a video and a folder", pred: predA, ref: filepath.Join(dir, "ref"), errIs: ErrMixedInputs},
		{name: "no reference", pred: filepath.Join(dir, "onlypred"), ref: filepath.Join(dir, "ref"), err: "no reference"},
		{name: "no videos", pred: empty, ref: filepath.Join(dir, "ref"), err: "no video in"},
		{name: "missing", pred: filepath.Join(dir, "missing.y4m"), ref: refA, err: "missing.y4m"},
	} {
		pairs, err := PairVideos(ctx, tc.pred, tc.ref)
		switch {
		case tc.errIs != nil && !errors.Is(err, tc.errIs), tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v", tc.name, err)
		case tc.errIs == nil && tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case err == nil:
			var names []string
			for _, p := range pairs {
				names = append(names, p.Name)
				if p.Pred.Frames != 2 || p.Ref.Frames != 2 {
					t.Errorf("%s: %s has %d and %d frames", tc.name, p.Name, p.Pred.Frames, p.Ref.Frames)
				}
			}
			if strings.Join(names, ",") != strings.Join(tc.pairs, ",") {
				t.Errorf("%s: pairs %v, want %v", tc.name, names, tc.pairs)
			}
		}
	}
	if clips, err := ReadVideos(ctx, filepath.Join(dir, "pred")); err != nil || len(clips) != 2 || clips[1].Name != "b" {
		t.Errorf("ReadVideos of a folder: %d clips, %v", len(clips), err)
	}
	if clips, err := ReadVideos(ctx, predA); err != nil || len(clips) != 1 || clips[0].Name != "a" {
		t.Errorf("ReadVideos of a video: %d clips, %v", len(clips), err)
	}
	if _, err := ReadVideos(ctx, empty); err == nil || !strings.Contains(err.Error(), "no video in") {
		t.Errorf("ReadVideos of an empty folder: %v", err)
	}
}
