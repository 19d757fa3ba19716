package worldgen

import (
	"context"
	"errors"
	"testing"

	"github.com/wfm-platform/wfm/world/synth"
)

// TestEvaluateDenoiser measures the committed model's denoiser on a few synthetic clips, and
// refuses requests it cannot take.
func TestEvaluateDenoiser(t *testing.T) {
	o := synth.DefaultOptions()
	o.Out, o.Prefix, o.N, o.Frames, o.Width, o.Height, o.Seed = t.TempDir(), "val", 2, 9, 16, 16, 3
	if _, err := synth.Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
	p, err := Open(physModel, Options{NoGuardrails: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	good := DenoiseRequest{Data: o.Out, Prefix: "val", Frames: 9, Width: 16, Height: 16, MaxClips: 2, CondFrames: 1,
		Sigmas: []float64{0.1, 10}, Seed: 1}
	for _, tc := range []struct {
		name    string
		edit    func(*DenoiseRequest)
		invalid bool
	}{
		{"one condition frame", func(*DenoiseRequest) {}, false},
		{"five condition frames", func(r *DenoiseRequest) { r.CondFrames = 5 }, false},
		{"condition frames not 1+k·t", func(r *DenoiseRequest) { r.CondFrames = 2 }, true},
		{"as many condition frames as frames", func(r *DenoiseRequest) { r.CondFrames = 9 }, true},
		{"no noise levels", func(r *DenoiseRequest) { r.Sigmas = nil }, true},
		{"no clips", func(r *DenoiseRequest) { r.MaxClips = 0 }, true},
	} {
		r := good
		tc.edit(&r)
		var calls int
		r.Progress = func(done, total int) { calls++ }
		rep, err := p.EvaluateDenoiser(context.Background(), r)
		if tc.invalid {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: error %v, want ErrInvalid", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if rep.Clips != 2 || calls != 2 || len(rep.Levels) != 2 || rep.LatentCondFrames != 1+(r.CondFrames-1)/4 {
			t.Errorf("%s: %d clips, %d progress calls, %d levels, %d latent condition frames", tc.name, rep.Clips, calls, len(rep.Levels), rep.LatentCondFrames)
		}
		if l := rep.Levels; !(l[0].Model < l[1].Model) || l[0].CopyLast != l[1].CopyLast {
			t.Errorf("%s: levels %+v", tc.name, l)
		}
	}
}
