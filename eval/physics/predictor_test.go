package physics

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// ramp returns a frames x 2 x 2 clip whose every sample of frame t is start + t*step.
func ramp(t *testing.T, frames, start, step int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, 2, 2, 16)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		for i := range c.Frame(f) {
			c.Frame(f)[i] = uint8(start + f*step)
		}
	}
	return c
}

func TestBaselinePredictions(t *testing.T) {
	tests := []struct {
		name        string
		p           Predictor
		cond        *video.Clip
		frames      int
		wantPerStep []uint8 // value of every sample of each predicted frame
	}{
		{"copy_last", CopyLast{}, ramp(t, 3, 10, 5), 3, []uint8{20, 20, 20}},
		{"linear", Linear{}, ramp(t, 3, 10, 5), 3, []uint8{25, 30, 35}},
		{"linear_down_clamps", Linear{}, ramp(t, 2, 100, -40), 3, []uint8{20, 0, 0}},
		{"linear_up_clamps", Linear{}, ramp(t, 2, 200, 30), 2, []uint8{255, 255}},
		{"linear_one_frame_is_copy", Linear{}, ramp(t, 1, 77, 0), 2, []uint8{77, 77}},
	}
	for _, tc := range tests {
		out, err := tc.p.Predict(context.Background(), Request{Cond: tc.cond, Caption: "a ball", Frames: tc.frames})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.Frames != tc.frames || out.Width != 2 || out.Height != 2 || out.FPS != 16 {
			t.Fatalf("%s: got %v", tc.name, out)
		}
		for f, want := range tc.wantPerStep {
			for _, v := range out.Frame(f) {
				if v != want {
					t.Errorf("%s frame %d: sample %d, want %d", tc.name, f, v, want)
					break
				}
			}
		}
	}
	for _, p := range []Predictor{CopyLast{}, Linear{}} {
		if _, err := p.Predict(context.Background(), Request{Frames: 2}); err == nil {
			t.Errorf("%s without conditioning frames: no error", p.Name())
		}
		if _, err := p.Predict(context.Background(), Request{Cond: ramp(t, 1, 0, 0), Frames: 0}); err == nil {
			t.Errorf("%s with zero frames: no error", p.Name())
		}
	}
	if _, err := (GroundTruth{}).Predict(context.Background(), Request{Cond: ramp(t, 1, 0, 0), Frames: 1}); err == nil {
		t.Error("ground truth predicted without the truth")
	}
	truth := ramp(t, 2, 3, 1)
	got, err := GroundTruth{}.FromTruth(truth)
	if err != nil || string(got.Pix) != string(truth.Pix) || &got.Pix[0] == &truth.Pix[0] {
		t.Errorf("FromTruth: want an equal copy, err %v", err)
	}
}

type fakeModel struct{ CopyLast }

func (fakeModel) Name() string { return "fake" }

func TestOpenModel(t *testing.T) {
	for _, name := range []string{ModelGroundTruth, ModelCopyLast, ModelLinear} {
		p, err := OpenModel(name)
		if err != nil || p.Name() != name {
			t.Errorf("OpenModel(%q) = %v, %v", name, p, err)
		}
	}
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt-00000100")
	if err := os.Mkdir(ckpt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ckpt, "model.json"), []byte(`{"kind": "wfmtest-diffusion", "width": 32}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// A kind nobody registered: the error says so and can be told apart.
	for _, spec := range []string{ckpt, "wfmtest-diffusion:" + ckpt} {
		_, err := OpenModel(spec)
		var mu *ModelUnavailableError
		if !errors.Is(err, ErrModelUnavailable) || !errors.As(err, &mu) || mu.Kind != "wfmtest-diffusion" ||
			!strings.Contains(err.Error(), "model loading for wfmtest-diffusion not available yet") {
			t.Errorf("OpenModel(%q): %v", spec, err)
		}
	}
	var loaded string
	var got ModelOptions
	RegisterModel("wfmtest-diffusion", func(path string, opts ModelOptions) (Predictor, error) {
		loaded, got = path, opts
		return fakeModel{}, nil
	})
	// The loader gets the options given, else zero options.
	given := ModelOptions{Backend: "go", EMA: true, Steps: 5, Guidance: 1.5, SigmaMin: 2}
	for _, tc := range []struct {
		name string
		opts []ModelOptions
		want ModelOptions
	}{
		{"none", nil, ModelOptions{}},
		{"given", []ModelOptions{given}, given},
	} {
		p, err := OpenModel(ckpt, tc.opts...)
		if err != nil || p.Name() != "fake" || loaded != ckpt || got != tc.want {
			t.Errorf("%s: %v, %v, loaded %q with %+v, want %+v", tc.name, p, err, loaded, got, tc.want)
		}
	}
	RegisterModel("wfmtest-broken", func(string, ModelOptions) (Predictor, error) { return nil, errors.New("bad weights") })
	if _, err := OpenModel("wfmtest-broken:" + ckpt); err == nil || !strings.Contains(err.Error(), "bad weights") {
		t.Errorf("failing loader: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a kind twice did not panic")
		}
	}()
	RegisterModel("wfmtest-diffusion", func(string, ModelOptions) (Predictor, error) { return nil, nil })
}

func TestOpenModelErrors(t *testing.T) {
	dir := t.TempDir()
	noKind := filepath.Join(dir, "plain")
	if err := os.Mkdir(noKind, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(noKind, "model.json"), []byte(`{"width": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	st := filepath.Join(dir, "model.safetensors")
	if err := os.WriteFile(st, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ spec, want string }{
		{"", "empty"},
		{"no-such-model", "not a baseline"},
		{filepath.Join(dir, "missing"), "not a checkpoint"},
		{noKind, `no "kind" field`},
		{st, "cannot tell the model kind"}, // no model.json beside it
	}
	for _, tc := range tests {
		if _, err := OpenModel(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenModel(%q): %v, want %q", tc.spec, err, tc.want)
		}
	}
}

// FuzzCheckpointConfig feeds arbitrary model.json contents to OpenModel: it must return an
// error (no kind is registered under fuzz names) and never panic.
func FuzzCheckpointConfig(f *testing.F) {
	for _, s := range []string{`{"kind":"diffusion"}`, `{"kind":""}`, `{"kind":3}`, `[]`, `null`, ``, `{"kind":"a:b/c"}`, "\xff"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "model.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := OpenModel(dir)
		if err == nil {
			t.Fatalf("config %q loaded %v", data, p)
		}
	})
}
