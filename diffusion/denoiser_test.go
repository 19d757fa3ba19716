package diffusion

import (
	"context"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// initStore returns a store holding initialized tiny weights for m (one forward pass creates
// and initializes them).
func initStore(t *testing.T, m *DiT, seed int64) *model.Store {
	t.Helper()
	store := newStore(seed)
	c := m.Config()
	runOn(t, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{m.Forward(scope, Inputs{X: in[0], Timestep: in[1], Context: in[2], FPS: in[3]})}
	}, randn(1, 1, 3, 4, 4, 16), full(0, 1), randn(2, 1, 2, c.ContextDim), full(24, 1))
	return store
}

func newTestDenoiser(t *testing.T, name string) (*Denoiser, Config) {
	t.Helper()
	m := mustNew(t, mustPreset(t, name))
	s, err := NewDenoiser(testBackend(), initStore(t, m, 5), m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, m.Config()
}

func testRequest(c Config, seed uint64) Request {
	return Request{Frames: 3, Height: 4, Width: 4, FPS: 24, Context: flat(randn(9, 2, c.ContextDim)),
		Seed: seed, Options: SampleOptions{Steps: 3}}
}

func TestGenerateDeterministic(t *testing.T) {
	s, c := newTestDenoiser(t, "tiny")
	ctx := context.Background()
	a, err := s.Generate(ctx, testRequest(c, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Generate(ctx, testRequest(c, 1))
	other, _ := s.Generate(ctx, testRequest(c, 2))
	if d := maxAbsDiff(a, b); d != 0 {
		t.Errorf("same seed, outputs differ by %g", d)
	}
	if d := maxAbsDiff(a, other); d < 1e-3 {
		t.Errorf("different seeds give the same output (%g)", d)
	}
}

func TestGenerateVideo2WorldKeepsConditionFrames(t *testing.T) {
	s, c := newTestDenoiser(t, "tiny-v2w")
	for _, sampler := range SamplerNames() {
		r := testRequest(c, 3)
		r.Options.Sampler = sampler
		r.Condition = flat(randn(4, 1, 3, 4, 4, 16))
		r.CondFrames = 2
		r.Guidance = 2
		got, err := s.Generate(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		n := 2 * 4 * 4 * 16
		if d := maxAbsDiff(got[:n], r.Condition[:n]); d != 0 {
			t.Errorf("%s: condition frames changed by %g", sampler, d)
		}
		if d := maxAbsDiff(got[n:], r.Condition[n:]); d < 1e-3 {
			t.Errorf("%s: generated frame equals the condition latent", sampler)
		}
	}
}

// TestGuidanceZeroIsConditional: with g = 0 the guided sampler is the conditional model; the
// batched cond/uncond path with uncond = cond and any g gives the same result, and a different
// negative prompt with g ≠ 0 changes it.
func TestGuidanceZeroIsConditional(t *testing.T) {
	s, c := newTestDenoiser(t, "tiny")
	ctx := context.Background()
	r := testRequest(c, 4)
	r.Uncond = flat(randn(10, 2, c.ContextDim))
	cond, err := s.Generate(ctx, r) // Guidance 0
	if err != nil {
		t.Fatal(err)
	}
	same := r
	same.Guidance, same.Uncond = 5, r.Context
	batched, err := s.Generate(ctx, same)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(cond, batched); d > 1e-4 {
		t.Errorf("g=0 and uncond=cond differ by %g", d)
	}
	guided := r
	guided.Guidance = 5
	g5, err := s.Generate(ctx, guided)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(cond, g5); d < 1e-3 {
		t.Errorf("guidance with a negative prompt changes nothing (%g)", d)
	}
}

func TestGenerateRejectsBadRequests(t *testing.T) {
	s, c := newTestDenoiser(t, "tiny")
	for name, mutate := range map[string]func(r *Request){
		"text2world with frames": func(r *Request) { r.CondFrames = 1; r.Condition = make([]float32, 3*4*4*16) },
		"bad context":            func(r *Request) { r.Context = r.Context[:5] },
		"no fps":                 func(r *Request) { r.FPS = 0 },
		"bad sampler":            func(r *Request) { r.Options.Sampler = "ddim" },
		"all frames given":       func(r *Request) { r.CondFrames = 3 },
	} {
		r := testRequest(c, 1)
		mutate(&r)
		if _, err := s.Generate(context.Background(), r); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
