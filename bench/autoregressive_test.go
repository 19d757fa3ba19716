package bench

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/wfm-platform/wfm/autoregressive"
)

func tinyAR(tb testing.TB) autoregressive.Config {
	tb.Helper()
	c, err := autoregressive.Preset("tiny")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// The benchmark decodes the asked-for tokens on the chosen grid, its figures agree with each
// other, and the same seed gives the same greedy tokens (checksum) on a second run.
func TestAutoregressive(t *testing.T) {
	c := tinyAR(t)
	b := newGoBackend(t)
	shape := ARShape{Batch: 2, Context: 5, New: 7}
	res, err := Autoregressive(context.Background(), b, c, shape, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	// 12 tokens fit one 4x4 frame of the tiny grid (max 4x4x4).
	if want := (autoregressive.Grid{T: 1, H: 4, W: 4}); res.Shape.Grid != want {
		t.Errorf("grid %+v, want %+v", res.Shape.Grid, want)
	}
	if res.Backend != "go" || res.Params != c.NumParams() || res.Shape.Batch != 2 || res.Shape.New != 7 || res.Medusa != nil {
		t.Errorf("result fields %+v", res)
	}
	if !(res.PrefillSeconds > 0 && res.DecodeSeconds > 0 && res.MedianMsPerStep > 0) {
		t.Fatalf("times %+v", res.ARTimes)
	}
	if want := 14 / res.DecodeSeconds; math.Abs(res.DecodeTokensPerSecond-want) > 1e-9*want {
		t.Errorf("decode tokens/s %g, want batch x new / decode seconds = %g", res.DecodeTokensPerSecond, want)
	}
	if want := 1000 * res.DecodeSeconds / 7; math.Abs(res.MsPerToken-want) > 1e-9*want {
		t.Errorf("ms/token %g, want %g", res.MsPerToken, want)
	}
	if want := 10 / res.PrefillSeconds; math.Abs(res.PrefillTokensPerSecond-want) > 1e-9*want {
		t.Errorf("prefill tokens/s %g, want %g", res.PrefillTokensPerSecond, want)
	}
	// The same seed gives the same greedy tokens (after more warmup steps than fit the cache
	// beside the context: the warmup is capped at New); an explicit grid is used as given.
	same, err := Autoregressive(context.Background(), b, c, ARShape{Batch: 2, Context: 5, New: 7, Grid: res.Shape.Grid}, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if same.Checksum != res.Checksum || same.Warmup != 7 {
		t.Errorf("greedy output of the same seed: checksum %d then %d (warmup %d)", res.Checksum, same.Checksum, same.Warmup)
	}
	grid := autoregressive.Grid{T: 2, H: 3, W: 2}
	other, err := Autoregressive(context.Background(), b, c, ARShape{Batch: 2, Context: 5, New: 7, Grid: grid}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if other.Shape.Grid != grid {
		t.Errorf("grid %+v, want the given %+v", other.Shape.Grid, grid)
	}
}

// A model with cross-attention decodes with random text (512 tokens unless set).
func TestAutoregressiveCrossAttention(t *testing.T) {
	c := tinyAR(t)
	c.CrossAttn, c.TextDim, c.AbsPosEmb = true, 8, true
	res, err := Autoregressive(context.Background(), newGoBackend(t), c, ARShape{Batch: 1, Context: 3, New: 2, TextLen: 5}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Shape.TextLen != 5 || res.Params != c.NumParams() || !(res.DecodeTokensPerSecond > 0) {
		t.Errorf("result %+v", res)
	}
}

// With Medusa heads the benchmark decodes the same tokens plain and speculatively: the same
// output, consistent counts.
func TestAutoregressiveMedusa(t *testing.T) {
	c := tinyAR(t)
	const heads, batch, ctxLen, newTokens = 3, 2, 4, 20
	res, err := Autoregressive(context.Background(), newGoBackend(t), c, ARShape{Batch: batch, Context: ctxLen, New: newTokens}, 1, heads)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Medusa
	if m == nil {
		t.Fatal("no Medusa result")
	}
	if !m.SameTokens {
		t.Error("greedy Medusa output differs from plain greedy output")
	}
	if m.Heads != heads || m.Calls < 1 || m.Calls > newTokens || m.Accepted > m.Guessed || m.Guessed > heads*newTokens {
		t.Errorf("counts %+v", m)
	}
	if want := float64(newTokens) / float64(m.Calls); m.MeanAcceptance != want {
		t.Errorf("mean acceptance %g, want new/calls = %g", m.MeanAcceptance, want)
	}
	// Every call but the prefill gives 1 + its accepted guesses.
	if m.Calls-1+m.Accepted != newTokens-1 {
		t.Errorf("%d calls with %d accepted guesses do not make %d tokens", m.Calls, m.Accepted, newTokens)
	}
	if want := m.TokensPerSecond / m.PlainTokensPerSecond; !(m.Speedup > 0) || math.Abs(m.Speedup-want) > 1e-9*want {
		t.Errorf("speedup %g, want %g", m.Speedup, want)
	}
	if res.Config.MedusaHeads != 0 || res.Params != c.NumParams() {
		t.Errorf("the plain decode's config %+v", res.Config)
	}
}

func TestAutoregressiveRejectsBadArguments(t *testing.T) {
	c := tinyAR(t)
	ok := ARShape{Batch: 1, Context: 2, New: 2}
	for name, tc := range map[string]struct {
		shape          ARShape
		warmup, medusa int
	}{
		"batch":          {ARShape{Context: 2, New: 2}, 1, 0},
		"context":        {ARShape{Batch: 1, New: 2}, 1, 0},
		"new":            {ARShape{Batch: 1, Context: 2}, 1, 0},
		"warmup":         {ok, 0, 0},
		"text length":    {ARShape{Batch: 1, Context: 2, New: 2, TextLen: -1}, 1, 0},
		"medusa":         {ok, 1, -1},
		"over max grid":  {ARShape{Batch: 1, Context: 60, New: 5}, 1, 0},
		"grid too small": {ARShape{Batch: 1, Context: 4, New: 5, Grid: autoregressive.Grid{T: 1, H: 2, W: 4}}, 1, 0},
		"grid too large": {ARShape{Batch: 1, Context: 4, New: 5, Grid: autoregressive.Grid{T: 1, H: 8, W: 4}}, 1, 0},
	} {
		_, err := Autoregressive(context.Background(), newGoBackend(t), c, tc.shape, tc.warmup, tc.medusa)
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v, want an *ArgumentError", name, err)
		}
	}
}

func TestARGrid(t *testing.T) {
	c := tinyAR(t) // max 4x4x4
	for _, tc := range []struct {
		tokens int
		want   autoregressive.Grid
	}{{1, autoregressive.Grid{T: 1, H: 4, W: 4}}, {16, autoregressive.Grid{T: 1, H: 4, W: 4}}, {17, autoregressive.Grid{T: 2, H: 4, W: 4}}, {64, autoregressive.Grid{T: 4, H: 4, W: 4}}} {
		got, err := ARGrid(c, tc.tokens)
		if err != nil || got != tc.want {
			t.Errorf("ARGrid(%d) = %+v, %v; want %+v", tc.tokens, got, err, tc.want)
		}
	}
	if _, err := ARGrid(c, 65); err == nil {
		t.Error("ARGrid(65) of a 64-token model: no error")
	}
}
