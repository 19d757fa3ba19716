package bench

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/nn"
)

// newGoBackend starts the pure-Go backend as wfm does (backend.GoConfig: ops run one at a time).
func newGoBackend(tb testing.TB) compute.Backend {
	tb.Helper()
	b, err := backend.NewGo()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(b.Finalize)
	return b
}

func tinyConfig(tb testing.TB) nn.TransformerConfig {
	tb.Helper()
	cfg, err := nn.TransformerPreset("tiny")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func TestRunTransformerStep(t *testing.T) {
	cfg := tinyConfig(t)
	const batch, seq, steps, warmup = 2, 12, 4, 1
	res, err := RunTransformerStep(context.Background(), newGoBackend(t), cfg, batch, seq, steps, warmup)
	if err != nil {
		t.Fatal(err)
	}
	if res.Backend != "go" || res.SIMD != backend.SIMD || res.Config != cfg {
		t.Errorf("backend %q simd %v config %+v; want go, %v, the tiny preset", res.Backend, res.SIMD, res.Config, backend.SIMD)
	}
	if res.Batch != batch || res.SeqLen != seq || res.Steps != steps || res.Warmup != warmup {
		t.Errorf("shape fields %d/%d/%d/%d, want %d/%d/%d/%d", res.Batch, res.SeqLen, res.Steps, res.Warmup, batch, seq, steps, warmup)
	}
	if res.Params != cfg.Params() || res.StepFLOPs != cfg.TrainStepFLOPs(batch, seq) {
		t.Errorf("params %d flops %g, want %d and %g", res.Params, res.StepFLOPs, cfg.Params(), cfg.TrainStepFLOPs(batch, seq))
	}
	if !(res.MinStepSeconds > 0 && res.MinStepSeconds <= res.MedianStepSeconds && res.MedianStepSeconds <= res.MaxStepSeconds &&
		res.MinStepSeconds <= res.MeanStepSeconds && res.MeanStepSeconds <= res.MaxStepSeconds) {
		t.Errorf("inconsistent step times: min %g median %g mean %g max %g",
			res.MinStepSeconds, res.MedianStepSeconds, res.MeanStepSeconds, res.MaxStepSeconds)
	}
	if want := res.StepFLOPs / res.MedianStepSeconds / 1e9; math.Abs(res.GFLOPS-want) > 1e-9*want {
		t.Errorf("GFLOPS %g, want StepFLOPs/median/1e9 = %g", res.GFLOPS, want)
	}
	if want := batch * seq / res.MedianStepSeconds; math.Abs(res.TokensPerSecond-want) > 1e-9*want {
		t.Errorf("tokens/s %g, want %g", res.TokensPerSecond, want)
	}
	if res.CompileSeconds <= 0 {
		t.Errorf("compile seconds %g", res.CompileSeconds)
	}
	// The synthetic tokens are uniform, so the untrained loss is about ln(vocab); Adam steps on the
	// fixed batch then lower it.
	if lnV := math.Log(float64(cfg.VocabSize)); math.Abs(res.FirstLoss-lnV) > 0.3 {
		t.Errorf("first loss %.3f, want about ln(%d) = %.3f", res.FirstLoss, cfg.VocabSize, lnV)
	}
	if !(res.LastLoss < res.FirstLoss) {
		t.Errorf("loss did not fall over %d steps: %.4f -> %.4f", 1+warmup+steps, res.FirstLoss, res.LastLoss)
	}
}

func TestRunTransformerStepArguments(t *testing.T) {
	cfg := tinyConfig(t)
	b := newGoBackend(t)
	for _, tc := range []struct {
		name                      string
		batch, seq, steps, warmup int
	}{
		{"batch", 0, 8, 1, 0},
		{"seq", 1, 0, 1, 0},
		{"seq", 1, cfg.MaxSeqLen + 1, 1, 0},
		{"steps", 1, 8, 0, 0},
		{"warmup", 1, 8, 1, -1},
	} {
		_, err := RunTransformerStep(context.Background(), b, cfg, tc.batch, tc.seq, tc.steps, tc.warmup)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Name != tc.name {
			t.Errorf("batch=%d seq=%d steps=%d warmup=%d: error %v, want an ArgumentError for %s",
				tc.batch, tc.seq, tc.steps, tc.warmup, err, tc.name)
		}
	}
	bad := cfg
	bad.NumHeads = 5
	var ce *nn.ConfigError
	if _, err := RunTransformerStep(context.Background(), b, bad, 1, 8, 1, 0); !errors.As(err, &ce) {
		t.Errorf("invalid config: error %v, want an nn.ConfigError", err)
	}
}

func TestRunTransformerStepCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := RunTransformerStep(ctx, newGoBackend(t), tinyConfig(t), 1, 8, 3, 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestStepTimesFill(t *testing.T) {
	for _, tc := range []struct {
		times                  []float64
		median, mean, min, max float64
	}{
		{[]float64{2}, 2, 2, 2, 2},
		{[]float64{3, 1, 2}, 2, 2, 1, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 2.5, 1, 4},
		{[]float64{1, 1, 10}, 1, 4, 1, 10},
	} {
		var r StepTimes
		r.fill(timing{first: 3, last: 1, compile: 7, times: tc.times}, 8e9)
		if r.MedianStepSeconds != tc.median || r.MeanStepSeconds != tc.mean || r.MinStepSeconds != tc.min || r.MaxStepSeconds != tc.max {
			t.Errorf("%v: median %g mean %g min %g max %g; want %g %g %g %g", tc.times,
				r.MedianStepSeconds, r.MeanStepSeconds, r.MinStepSeconds, r.MaxStepSeconds, tc.median, tc.mean, tc.min, tc.max)
		}
		if r.GFLOPS != 8/tc.median || r.FirstLoss != 3 || r.LastLoss != 1 || r.CompileSeconds != 7 {
			t.Errorf("%v: GFLOPS %g, losses %g %g, compile %g; want %g, 3 1, 7", tc.times, r.GFLOPS, r.FirstLoss, r.LastLoss, r.CompileSeconds, 8/tc.median)
		}
	}
}

func TestSyntheticBatch(t *testing.T) {
	const vocab, batch, seq = 7, 3, 5
	tokens, targets := syntheticBatch(vocab, batch, seq)
	in, out := tokensOf(t, tokens), tokensOf(t, targets)
	for b := range batch {
		for i := range seq {
			if v := in[b*seq+i]; v < 0 || v >= vocab {
				t.Fatalf("token %d out of range", v)
			}
			if i+1 < seq && out[b*seq+i] != in[b*seq+i+1] {
				t.Fatalf("row %d: target %d is not the next token", b, i)
			}
		}
	}
	again, _ := syntheticBatch(vocab, batch, seq)
	for i, v := range tokensOf(t, again) {
		if v != in[i] {
			t.Fatal("synthetic batch is not deterministic")
		}
	}
}

// BenchmarkTransformerStep times one training step per iteration on the Go backend and reports
// effective GFLOP/s and tokens/s.
func BenchmarkTransformerStep(b *testing.B) {
	for _, shape := range []struct {
		preset     string
		batch, seq int
	}{{"tiny", 8, 16}, {"bench-10m", 4, 256}} {
		b.Run(shape.preset, func(b *testing.B) {
			cfg, err := nn.TransformerPreset(shape.preset)
			if err != nil {
				b.Fatal(err)
			}
			step, err := newTransformerStep(newGoBackend(b), cfg, shape.batch, shape.seq)
			if err != nil {
				b.Fatal(err)
			}
			defer step.close()
			if _, err := step.run(); err != nil { // compile
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := step.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(cfg.TrainStepFLOPs(shape.batch, shape.seq)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(float64(shape.batch*shape.seq*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func tokensOf(t *testing.T, x *tensors.Tensor) []int32 {
	t.Helper()
	v, err := tensors.CopyFlatData[int32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRunMatMul(t *testing.T) {
	const m, k, n, steps = 3, 4, 5, 2
	res, err := RunMatMul(context.Background(), newGoBackend(t), m, k, n, steps)
	if err != nil {
		t.Fatal(err)
	}
	// The product's sum, computed here in float64 from the same fill pattern, once per call
	// (the untimed compile call plus the timed ones).
	x, y := make([]float32, m*k), make([]float32, k*n)
	fill(x, 1)
	fill(y, 2)
	var want float64
	for i := range m {
		for j := range n {
			for l := range k {
				want += float64(x[i*k+l]) * float64(y[l*n+j])
			}
		}
	}
	want *= steps + 1
	if got := float64(res.checksumForTiming); math.Abs(got-want) > 1e-4*math.Max(1, math.Abs(want)) {
		t.Fatalf("checksum %g, want %g: the timed graph is not the product", got, want)
	}
	if res.Shape != "[3,4]x[4,5]" || res.Steps != steps {
		t.Errorf("shape %q steps %d", res.Shape, res.Steps)
	}
	if wantG := 2 * m * k * n / res.MedianSeconds / 1e9; math.Abs(res.GFLOPS-wantG) > 1e-9*wantG {
		t.Errorf("GFLOPS %g, want %g", res.GFLOPS, wantG)
	}
	var ae *ArgumentError
	if _, err := RunMatMul(context.Background(), newGoBackend(t), 0, 1, 1, 1); !errors.As(err, &ae) {
		t.Errorf("zero size: err = %v, want *ArgumentError", err)
	}
}
