package worldgen

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
)

// TestPhysicsOpenModel opens the committed model through the physics benchmark's registry, as
// any Go program importing worldgen can, and checks its predictions: the frames asked for, at the
// condition's size and rate, the same for the same seed and different for another.
func TestPhysicsOpenModel(t *testing.T) {
	// With no options: the model's own sampling settings (35 multistep evaluations).
	p, err := physics.OpenModel("diffusion:" + physModel)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "diffusion:"+filepath.Clean(physModel) {
		t.Errorf("name %q", p.Name())
	}
	cond := ballClip(t, 9)
	if out, err := p.Predict(context.Background(), physics.Request{Cond: cond, Caption: "a red ball rolls", Frames: 4, Seed: 1}); err != nil || out.Frames != 4 {
		t.Errorf("predict with the model's settings: %v", err)
	}
	p.(io.Closer).Close()

	p, err = physics.OpenModel("diffusion:"+physModel, physics.ModelOptions{Backend: "go", Steps: 2, Sampler: diffusion.SamplerEuler})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(io.Closer).Close()
	for _, tc := range []struct {
		name         string
		cond         *video.Clip
		frames       int
		seed         uint64
		sameAsFirst  bool
		otherOfFirst bool
	}{
		{"nine condition frames", cond, 4, 1, true, false},
		{"again, same seed", cond, 4, 1, true, false},
		{"another seed", cond, 4, 2, false, true},
		{"one condition frame", cond.Slice(0, 1), 2, 1, false, false},
		{"four condition frames: the last one is used", cond.Slice(0, 4), 3, 1, false, false},
	} {
		out, err := p.Predict(context.Background(), physics.Request{Cond: tc.cond, Caption: "a red ball rolls", Frames: tc.frames, Seed: tc.seed})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.Frames != tc.frames || out.Width != 16 || out.Height != 16 || out.FPS != 16 {
			t.Errorf("%s: %d frames %dx%d at %g fps, want %d 16x16 at 16", tc.name, out.Frames, out.Width, out.Height, out.FPS, tc.frames)
		}
		if tc.sameAsFirst || tc.otherOfFirst {
			first, _ := p.Predict(context.Background(), physics.Request{Cond: cond, Caption: "a red ball rolls", Frames: 4, Seed: 1})
			if same := bytes.Equal(out.Pix, first.Pix); same != tc.sameAsFirst {
				t.Errorf("%s: same prediction as seed 1: %v", tc.name, same)
			}
		}
	}
}

// TestPhysicsOpenModelRefuses: a Text2World model cannot be conditioned on frames, and bad
// sampling settings are refused before the model loads.
func TestPhysicsOpenModelRefuses(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	t2w := t.TempDir()
	js, err := os.ReadFile(filepath.Join(physModel, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	js = bytes.Replace(js, []byte(`"video2world": true`), []byte(`"video2world": false`), 1)
	js = bytes.Replace(js, []byte(`"residual_condition": true`), []byte(`"residual_condition": false`), 1)
	js = bytes.Replace(js, []byte(`"tokenizer/`), []byte(`"`+root+`/tokenizer/`), 1)
	if err := os.WriteFile(filepath.Join(t2w, "model.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "diffusion/pretrained/phys-v2w", diffusion.WeightsFile), filepath.Join(t2w, diffusion.WeightsFile)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec string
		opts physics.ModelOptions
		want string
	}{
		{t2w, physics.ModelOptions{Backend: "go"}, "Video2World"},
		{"diffusion:" + physModel, physics.ModelOptions{Backend: "go", Sampler: "nope"}, "unknown sampler"},
		{"diffusion:" + physModel, physics.ModelOptions{Backend: "nope"}, "unknown backend"},
	} {
		if p, err := physics.OpenModel(tc.spec, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenModel(%q, %+v): %v, want an error with %q", tc.spec, tc.opts, err, tc.want)
			if p != nil {
				p.(io.Closer).Close()
			}
		}
	}
}
