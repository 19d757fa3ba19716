package autoregressive

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wfm-platform/wfm/eval/physics"
)

// TestPhysicsOpenModel opens a tiny model folder through the physics benchmark's registry and
// predicts: the frames asked for at the condition's size and rate, within one window and beyond
// it (rolled out), the same twice.
func TestPhysicsOpenModel(t *testing.T) {
	dir := tinyModelDir(t, 2)
	p, err := physics.OpenModel(ModelKind+":"+dir, physics.ModelOptions{Backend: "go"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(io.Closer).Close()
	if p.Name() != "autoregressive:"+filepath.Clean(dir) {
		t.Errorf("name %q", p.Name())
	}
	cond := squareClip(t, 9, 0, 1)
	var first []byte
	for _, tc := range []struct {
		name   string
		cond   int
		frames int
	}{
		{"nine condition frames", 9, 4},
		{"again", 9, 4},
		{"one condition frame", 1, 3},
		{"five condition frames: the last one is used", 5, 2},
		{"beyond the 25-frame grid: rolled out", 9, 20},
	} {
		out, err := p.Predict(context.Background(), physics.Request{Cond: cond.Slice(0, tc.cond), Caption: "a red square", Frames: tc.frames, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.Frames != tc.frames || out.Width != 32 || out.Height != 32 || out.FPS != 16 {
			t.Errorf("%s: %v, want %d frames of 32x32 at 16 fps", tc.name, out, tc.frames)
		}
		switch tc.name {
		case "nine condition frames":
			first = out.Pix
		case "again":
			if !bytes.Equal(out.Pix, first) {
				t.Errorf("the same request predicted other frames")
			}
		}
	}
	if !slices.Contains(physics.RegisteredModels(), ModelKind) {
		t.Errorf("registered kinds %v", physics.RegisteredModels())
	}
}
