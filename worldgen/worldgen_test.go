package worldgen

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/prompt"
	"github.com/wfm-platform/wfm/video"
)

// physModel is the committed physics Video2World model (diffusion/pretrained/README.md): its
// model.json names the tokenizer relative to the repository root, and records its own end of
// the schedule (sample_sigma_min 3), guidance (sample_guidance 0) and frame rate (data_fps 16).
const physModel = "../diffusion/pretrained/phys-v2w"

// goBackend starts the pure-Go backend for one test.
func goBackend(t *testing.T) compute.Backend {
	t.Helper()
	b, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// openPhys opens the committed model on b.
func openPhys(t *testing.T, b compute.Backend, opts Options) *Pipeline {
	t.Helper()
	opts.Backend = b
	p, err := Open(physModel, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// ballClip is a seeded clip of frames frames at 16x16: a red square on grey, moving right.
func ballClip(t *testing.T, frames int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, 16, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		px := c.Frame(f)
		for i := range px {
			px[i] = 128
		}
		for y := 6; y < 10; y++ {
			for x := 2 + f; x < 6+f; x++ {
				px[(y*16+x)*3], px[(y*16+x)*3+1], px[(y*16+x)*3+2] = 220, 40, 40
			}
		}
	}
	return c
}

// TestGenerate runs the committed model at 16x16 pixels (one token per latent frame) with two
// steps: the settings it resolves against the model, the condition frames it keeps, the guard
// verdicts, and the requests it refuses.
func TestGenerate(t *testing.T) {
	p := openPhys(t, goBackend(t), Options{})
	if p.Config().Name != "tiny-v2w+custom" || p.TextEncoder() != diffusion.TextEncoderBuiltin {
		t.Fatalf("model %s, text encoder %s", p.Config().Name, p.TextEncoder())
	}
	base := Request{Prompt: "a red ball rolls to the right", NegativePrompt: DefaultNegativePrompt,
		Input: ballClip(t, 1), Frames: 5, Width: 16, Height: 16, Seed: 1, Steps: 2}
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(*Request)
		// want: condition frames kept, evaluations, guidance, sigma_min
		cond, evals     int
		guidance, sigma float64
	}{
		{"video2world, the model's settings", func(*Request) {}, 1, 2, 0, 3},
		{"text2world", func(r *Request) { r.Input = nil }, 0, 2, 0, 3},
		{"all five input frames, of nine", func(r *Request) { r.Input, r.Frames = ballClip(t, 5), 9 }, 5, 2, 0, 3},
		{"three input frames round down to one", func(r *Request) { r.Input, r.CondFrames = ballClip(t, 5), 3 }, 1, 2, 0, 3},
		{"heun, guidance 1, sigma_min 0.5", func(r *Request) { r.Sampler, r.Guidance, r.SigmaMin = diffusion.SamplerHeun, new(1.0), 0.5 }, 1, 3, 1, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			tc.change(&r)
			clip, rep, err := p.Generate(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if clip.Frames != r.Frames || clip.Width != 16 || clip.Height != 16 || clip.FPS != 16 {
				t.Errorf("clip %d frames %dx%d at %g fps, want %d 16x16 at the model's 16", clip.Frames, clip.Width, clip.Height, clip.FPS, r.Frames)
			}
			if rep.CondFrames != tc.cond || rep.Evaluations != tc.evals || rep.Guidance != tc.guidance || rep.SigmaMin != tc.sigma {
				t.Errorf("report: %d condition frames, %d evaluations, guidance %g, sigma_min %g; want %d, %d, %g, %g",
					rep.CondFrames, rep.Evaluations, rep.Guidance, rep.SigmaMin, tc.cond, tc.evals, tc.guidance, tc.sigma)
			}
			if !slices.Equal(rep.LatentShape, []int{1 + (r.Frames-1)/4, 4, 4, 16}) || rep.Seed != 1 || rep.Model != "tiny-v2w+custom" || !(rep.SamplingSeconds > 0) {
				t.Errorf("report %+v", rep)
			}
			// The pre-guard checked the prompt, the post-guard the video.
			if !rep.GuardrailsRun || len(rep.Guardrails) != 2 || rep.Guardrails[0].Stage != "pre-guard" ||
				rep.Guardrails[1].Stage != "post-guard" || !rep.Guardrails[1].Allowed {
				t.Errorf("guardrails %+v", rep.Guardrails)
			}
			// The condition frames come back close to the input (through the tokenizer).
			if tc.cond > 0 && (rep.CondPSNR == nil || *rep.CondPSNR < 22) { // measured 25.4 to 25.9 dB
				t.Errorf("condition frames back at %v dB", rep.CondPSNR)
			} else if tc.cond > 0 {
				t.Logf("condition frames back at %.2f dB", *rep.CondPSNR)
			}
		})
	}

	// Same seed, same video; another seed, another.
	a, _, errA := p.Generate(ctx, base)
	b, _, errB := p.Generate(ctx, base)
	other := base
	other.Seed = 2
	c, _, errC := p.Generate(ctx, other)
	if err := errors.Join(errA, errB, errC); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Pix, b.Pix) || bytes.Equal(a.Pix, c.Pix) {
		t.Error("generation does not follow the seed")
	}

	// Requests the model cannot take are the caller's error (ErrInvalid), before sampling.
	for _, tc := range []struct {
		name   string
		change func(*Request)
	}{
		{"4 frames", func(r *Request) { r.Frames = 4 }},
		{"width 20", func(r *Request) { r.Width = 20 }},
		{"unknown sampler", func(r *Request) { r.Sampler = "nope" }},
		{"negative steps", func(r *Request) { r.Steps = -1 }},
		{"as many condition frames as frames", func(r *Request) { r.Input = ballClip(t, 5) }},
		{"negative fps", func(r *Request) { r.FPS = -1 }},
	} {
		r := base
		tc.change(&r)
		r.Started = func(Report) { t.Errorf("%s: sampling started", tc.name) }
		if clip, _, err := p.Generate(ctx, r); !errors.Is(err, ErrInvalid) || clip != nil {
			t.Errorf("%s: %v, want ErrInvalid", tc.name, err)
		}
	}

	// A blocked prompt gives a *BlockedError and no clip; the report holds the verdict.
	r := base
	r.Prompt = "a soldier stabs a prisoner to death, graphic"
	clip, rep, err := p.Generate(ctx, r)
	var blocked *BlockedError
	if !errors.As(err, &blocked) || clip != nil || blocked.Verdict.Allowed || blocked.Verdict.Stage != "pre-guard" ||
		len(rep.Guardrails) != 1 || rep.Guardrails[0].Allowed {
		t.Errorf("blocked prompt: %v, clip %v, report %+v", err, clip != nil, rep)
	}

	// Concurrent calls on one pipeline take turns and give what one call gives.
	var wg sync.WaitGroup
	clips := make([]*video.Clip, 3)
	errs := make([]error, 3)
	for i := range clips {
		wg.Go(func() { clips[i], _, errs[i] = p.Generate(ctx, base) })
	}
	wg.Wait()
	for i := range clips {
		if errs[i] != nil || !bytes.Equal(clips[i].Pix, a.Pix) {
			t.Errorf("concurrent call %d: %v", i, errs[i])
		}
	}
}

// TestGenerateUpsampledWithoutGuardrails rewrites the prompt with the built-in upsampler, with
// the guardrails off: no verdicts.
func TestGenerateUpsampledWithoutGuardrails(t *testing.T) {
	p := openPhys(t, goBackend(t), Options{NoGuardrails: true, Upsampler: prompt.Builtin()})
	clip, rep, err := p.Generate(context.Background(), Request{Prompt: "a red ball drops from 2 m", Frames: 1, Width: 16, Height: 16, Steps: 1})
	if err != nil {
		t.Fatal(err)
	}
	if clip.Frames != 1 || rep.Upsampler != "builtin" || rep.UpsampledPrompt == "" || rep.UpsampledPrompt == rep.Prompt ||
		rep.GuardrailsRun || len(rep.Guardrails) != 0 {
		t.Errorf("report %+v", rep)
	}
	if _, _, err := p.Generate(context.Background(), Request{Prompt: " ", Frames: 1, Width: 16, Height: 16}); !errors.Is(err, ErrInvalid) {
		t.Errorf("upsampling an empty prompt: %v", err)
	}
}

// TestOpenModelFolder opens models whose config records their tokenizer relative to the model
// folder, relative to a folder above it (the repository root, as the committed models do), and
// overridden, from another working directory; and refuses what it cannot open.
func TestOpenModelFolder(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	b := goBackend(t)
	js, err := os.ReadFile(filepath.Join(root, "diffusion/pretrained/phys-v2w/model.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A model folder holding its tokenizer, model.json naming it "tok.safetensors".
	local := t.TempDir()
	tokJSON := bytes.Replace(js, []byte(`"tokenizer/pretrained/cv4x4x4-tiny.safetensors"`), []byte(`"tok.safetensors"`), 1)
	for name, data := range map[string][]byte{"model.json": tokJSON} {
		if err := os.WriteFile(filepath.Join(local, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"model.safetensors": "diffusion/pretrained/phys-v2w/model.safetensors",
		"tok.safetensors":   "tokenizer/pretrained/cv4x4x4-tiny.safetensors",
		"tok.json":          "tokenizer/pretrained/cv4x4x4-tiny.json",
	} {
		if err := os.Symlink(filepath.Join(root, target), filepath.Join(local, link)); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(t.TempDir()) // neither the repository root nor the model folder
	for _, tc := range []struct {
		name, dir string
		opts      Options
		wantTok   string
		wantErr   error
	}{
		{"tokenizer in the model folder", local, Options{}, filepath.Join(local, "tok.safetensors"), nil},
		{"tokenizer relative to the repository root", filepath.Join(root, physModel[3:]), Options{},
			filepath.Join(root, "tokenizer/pretrained/cv4x4x4-tiny.safetensors"), nil},
		{"weights file", filepath.Join(local, "model.safetensors"), Options{}, filepath.Join(local, "tok.safetensors"), nil},
		{"tokenizer given", filepath.Join(root, physModel[3:]), Options{Tokenizer: filepath.Join(local, "tok.safetensors")},
			filepath.Join(local, "tok.safetensors"), nil},
		{"hash text encoder for a builtin model", local, Options{TextEncoder: diffusion.TextEncoderHash}, "", ErrInvalid},
		{"no such text encoder folder", local, Options{TextEncoder: filepath.Join(local, "nope")}, "", ErrInvalid},
		{"no model", filepath.Join(local, "nope"), Options{}, "", os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Backend, tc.opts.NoGuardrails = b, true
			p, err := Open(tc.dir, tc.opts)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("Open: %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if p.Tokenizer() != tc.wantTok {
				t.Errorf("tokenizer %q, want %q", p.Tokenizer(), tc.wantTok)
			}
			clip, _, err := p.Generate(context.Background(), Request{Prompt: "a ball", Input: ballClip(t, 1), Frames: 5, Width: 16, Height: 16, Steps: 1})
			if err != nil || clip.Frames != 5 {
				t.Errorf("generate: %v", err)
			}
		})
	}
}

// TestResolveModelPath resolves recorded paths from the model's folder and the folders above
// it, and leaves presets, absolute and unknown paths alone.
func TestResolveModelPath(t *testing.T) {
	root := t.TempDir()
	model := filepath.Join(root, "models", "m")
	for _, f := range []string{filepath.Join(root, "tok", "cv.safetensors"), filepath.Join(model, "own.safetensors"),
		filepath.Join(model, "model.safetensors"), filepath.Join(root, "models", "t5", "config.json")} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ model, recorded, want string }{
		{model, "own.safetensors", filepath.Join(model, "own.safetensors")},
		{filepath.Join(model, "model.safetensors"), "own.safetensors", filepath.Join(model, "own.safetensors")},
		{model, "tok/cv.safetensors", filepath.Join(root, "tok", "cv.safetensors")},
		{model, "t5", filepath.Join(root, "models", "t5")},
		{model, "preset:cv8x8x8-tiny", "preset:cv8x8x8-tiny"},
		{model, "/abs/x.safetensors", "/abs/x.safetensors"},
		{model, "nowhere/x.safetensors", "nowhere/x.safetensors"},
		{model, "", ""},
	} {
		if got := ResolveModelPath(tc.model, tc.recorded); got != tc.want {
			t.Errorf("ResolveModelPath(%q, %q) = %q, want %q", tc.model, tc.recorded, got, tc.want)
		}
	}
}
