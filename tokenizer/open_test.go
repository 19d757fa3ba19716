package tokenizer

import (
	"errors"
	"testing"

	"github.com/wfm-platform/wfm/internal/testutil"
)

func TestOpen(t *testing.T) {
	const weights = "pretrained/cv4x4x4-tiny.safetensors"
	for _, tc := range []struct {
		name        string
		path        string
		opts        CodecOptions
		window      int
		optionsErr  bool
		otherErr    bool
		windowsOf17 int
	}{
		{name: "defaults", path: weights, window: 9, windowsOf17: 2},
		{name: "window 5", path: weights, opts: CodecOptions{Window: 5}, window: 5, windowsOf17: 4},
		{name: "default overlap of a tile", path: weights, opts: CodecOptions{Tile: 32, Overlap: DefaultOverlap}, window: 9, windowsOf17: 2},
		{name: "window 6", path: weights, opts: CodecOptions{Window: 6}, optionsErr: true},
		{name: "overlap not below the tile", path: weights, opts: CodecOptions{Tile: 8, Overlap: 8}, optionsErr: true},
		{name: "missing file", path: "pretrained/none.safetensors", otherErr: true},
	} {
		c, err := Open(testutil.Backend(), tc.path, nil, tc.opts)
		var oerr *OptionsError
		switch {
		case tc.optionsErr || tc.otherErr:
			if err == nil || errors.As(err, &oerr) != tc.optionsErr {
				t.Errorf("%s: error %v, want an *OptionsError: %v", tc.name, err, tc.optionsErr)
			}
			continue
		case err != nil:
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Window() != tc.window || c.Windows(17) != tc.windowsOf17 || c.Config().Name != "cv4x4x4-tiny" {
			t.Errorf("%s: window %d, %d windows of 17 frames, config %q", tc.name, c.Window(), c.Windows(17), c.Config().Name)
		}
		if tc.opts.Overlap == DefaultOverlap && c.opts.Overlap != 8 {
			t.Errorf("%s: overlap %d, want 8", tc.name, c.opts.Overlap)
		}
		if !SameModel(c.Config(), c.Config()) {
			t.Errorf("%s: a config is not the same model as itself", tc.name)
		}
		c.Close()
	}
}
