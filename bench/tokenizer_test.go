package bench

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/tokenizer"
)

func tokenizerPreset(tb testing.TB, name string) tokenizer.Config {
	tb.Helper()
	c, err := tokenizer.Preset(name)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestRunTokenizer times both formulations on small videos, with random weights and with the
// committed cv4x4x4-tiny weights, and checks the result's fields.
func TestRunTokenizer(t *testing.T) {
	b := newGoBackend(t)
	trained, cv4, err := tokenizer.LoadWeights(filepath.Join("..", "tokenizer", "pretrained", "cv4x4x4-tiny.safetensors"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg    tokenizer.Config
		store  *model.Store
		shape  TokenizerShape
		latent []int
	}{
		{tokenizerPreset(t, "cv8x8x8-tiny"), nil, TokenizerShape{Batch: 2, Frames: 9, Height: 16, Width: 24}, []int{2, 2, 3, 16}},
		{tokenizerPreset(t, "dv8x16x16-tiny"), nil, TokenizerShape{Batch: 1, Frames: 1, Height: 16, Width: 32}, []int{1, 1, 2}},
		{cv4, trained, TokenizerShape{Batch: 1, Frames: 5, Height: 8, Width: 8}, []int{2, 2, 2, 16}},
	} {
		const reps, warmup = 3, 1
		res, err := RunTokenizer(context.Background(), b, tc.cfg, tc.store, tc.shape, reps, warmup)
		if err != nil {
			t.Fatalf("%s: %v", tc.cfg.Name, err)
		}
		if res.Backend != "go" || res.Shape != tc.shape || res.Reps != reps || res.Warmup != warmup ||
			res.Config.Name != tc.cfg.Name || res.GOMAXPROCS < 1 || res.RandomWeights != (tc.store == nil) {
			t.Errorf("%s: result fields %+v", tc.cfg.Name, res)
		}
		if !slices.Equal(res.LatentDims, tc.latent) {
			t.Errorf("%s: latent dims %v, want %v", tc.cfg.Name, res.LatentDims, tc.latent)
		}
		if res.Params < 100_000 || tc.store != nil && res.Params != tokenizerParams(tc.store) {
			t.Errorf("%s: %d params", tc.cfg.Name, res.Params)
		}
		for name, ct := range map[string]CodecTimes{"encode": res.Encode, "decode": res.Decode} {
			if !(ct.CompileSeconds > 0 && ct.MinSeconds > 0 && ct.MinSeconds <= ct.MedianSeconds && ct.MedianSeconds <= ct.MaxSeconds &&
				ct.MinSeconds <= ct.MeanSeconds && ct.MeanSeconds <= ct.MaxSeconds) {
				t.Errorf("%s %s: inconsistent times %+v", tc.cfg.Name, name, ct)
			}
			frames := float64(tc.shape.Batch * tc.shape.Frames)
			if ct.SecondsPerClip != ct.MedianSeconds/float64(tc.shape.Batch) || ct.MSPerFrame != 1000*ct.MedianSeconds/frames {
				t.Errorf("%s %s: %g s per clip, %g ms per frame, for a median of %g s over %g frames",
					tc.cfg.Name, name, ct.SecondsPerClip, ct.MSPerFrame, ct.MedianSeconds, frames)
			}
		}
	}
}

func TestRunTokenizerRejectsBadArguments(t *testing.T) {
	c := tokenizerPreset(t, "cv8x8x8-tiny")
	ok := TokenizerShape{Batch: 1, Frames: 9, Height: 8, Width: 8}
	bad := c
	bad.ChannelsMult = nil
	for name, tc := range map[string]struct {
		shape       TokenizerShape
		reps, warmp int
	}{
		"batch":     {TokenizerShape{Batch: 0, Frames: 9, Height: 8, Width: 8}, 1, 0},
		"frames":    {TokenizerShape{Batch: 1, Frames: 8, Height: 8, Width: 8}, 1, 0},
		"no frames": {TokenizerShape{Batch: 1, Frames: 0, Height: 8, Width: 8}, 1, 0},
		"height":    {TokenizerShape{Batch: 1, Frames: 9, Height: 12, Width: 8}, 1, 0},
		"width":     {TokenizerShape{Batch: 1, Frames: 9, Height: 8, Width: 0}, 1, 0},
		"reps":      {ok, 0, 0},
		"warmup":    {ok, 1, -1},
		"too large": {TokenizerShape{Batch: 1 << 10, Frames: 1025, Height: 1024, Width: 1024}, 1, 0},
	} {
		_, err := RunTokenizer(context.Background(), newGoBackend(t), c, nil, tc.shape, tc.reps, tc.warmp)
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v, want an *ArgumentError", name, err)
		}
	}
	var ce *tokenizer.ConfigError
	if _, err := RunTokenizer(context.Background(), newGoBackend(t), bad, nil, ok, 1, 0); !errors.As(err, &ce) {
		t.Errorf("config without channels_mult: error %v, want a *tokenizer.ConfigError", err)
	}
}

// cancelAfter is a context whose Err reports cancellation from its n-th call on.
type cancelAfter struct {
	context.Context
	n, calls int
}

func (c *cancelAfter) Err() error {
	if c.calls++; c.calls >= c.n {
		return context.Canceled
	}
	return nil
}

// TestRunTokenizerCancel cancels before the first call and between repetitions (the checks
// are counted: one before building, one before each direction and one before each later call).
func TestRunTokenizerCancel(t *testing.T) {
	b := newGoBackend(t)
	cfg := tokenizerPreset(t, "cv8x8x8-tiny")
	shape := TokenizerShape{Batch: 1, Frames: 9, Height: 8, Width: 8}
	for _, n := range []int{1, 4, 12} {
		ctx := &cancelAfter{Context: context.Background(), n: n}
		if _, err := RunTokenizer(ctx, b, cfg, nil, shape, 5, 1); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled at check %d: error %v, want context.Canceled", n, err)
		}
		if ctx.calls != n {
			t.Errorf("cancelled at check %d: went on to check %d", n, ctx.calls)
		}
	}
}

// TestTorchTokenizerReplicaMatchesConfig keeps bench/torch/tokenizer_bench.py, the PyTorch
// replica `wfm bench tokenizer` is compared with, in step with the Go network: for each
// configuration it must build the same parameters, under the checkpoint names of
// tokenizer.CheckpointName, with the same shapes in PyTorch's layout, and so the same count.
func TestTorchTokenizerReplicaMatchesConfig(t *testing.T) {
	py := torchPython()
	if py == "" {
		t.Skip("no python3 with torch")
	}
	raw, err := os.ReadFile(filepath.Join("..", "tokenizer", "pretrained", "cv4x4x4-tiny.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cv4 tokenizer.Config
	if err := json.Unmarshal(raw, &cv4); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("torch", "tokenizer_bench.py"))
	if err != nil {
		t.Fatal(err)
	}
	b := newGoBackend(t)
	// cv4x8x8-tiny has a decoder of its own multipliers, dv8x16x16-tiny FSQ and a spatial-only
	// downsample and upsample.
	for _, cfg := range []tokenizer.Config{cv4, tokenizerPreset(t, "cv8x8x8-tiny"), tokenizerPreset(t, "cv4x8x8-tiny"), tokenizerPreset(t, "dv8x16x16-tiny")} {
		m, err := tokenizer.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		store, err := tokenizer.InitStore(b, m, 1)
		if err != nil {
			t.Fatal(err)
		}
		ours := map[string][]int{}
		for v := range store.IterVariables() {
			key, ok := tokenizer.CheckpointName(v.Path())
			if !ok {
				continue
			}
			dims := v.Shape().Dimensions
			if len(dims) == 5 { // [kt, kh, kw, in, out] -> PyTorch's [out, in, kt, kh, kw]
				dims = []int{dims[4], dims[3], dims[0], dims[1], dims[2]}
			}
			ours[key] = dims
		}
		path := filepath.Join(t.TempDir(), "config.json")
		data, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, script, "--config", path, "--print-params", "--json").Output()
		if err != nil {
			t.Fatalf("%s: tokenizer_bench.py: %v", cfg.Name, err)
		}
		var got struct {
			Params int64            `json:"params"`
			Shapes map[string][]int `json:"shapes"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v\n%s", cfg.Name, err, out)
		}
		if want := tokenizerParams(store); got.Params != want {
			t.Errorf("%s: torch replica has %d parameters, ours %d", cfg.Name, got.Params, want)
		}
		for key, dims := range ours {
			if g, ok := got.Shapes[key]; !ok || !slices.Equal(g, dims) {
				t.Errorf("%s: %s: torch replica %v, ours %v", cfg.Name, key, g, dims)
			}
		}
		for key := range got.Shapes {
			if _, ok := ours[key]; !ok {
				t.Errorf("%s: the torch replica has %s, ours does not", cfg.Name, key)
			}
		}
		t.Logf("%s: %d parameters in %d tensors on both sides", cfg.Name, got.Params, len(ours))
	}
}
