package diffusion

import (
	"context"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/train"
)

// benchLatent is the latent of a 33-frame 64×64 video under CV8x8x8: 5×8×8×16.
var benchLatent = [3]int{5, 8, 8}

// BenchmarkTrainStep measures one training step of the tiny DiT (batch 2, 33 frames at 64×64,
// Video2World) and reports effective GFLOP/s from the analytic matmul count (3× forward).
func BenchmarkTrainStep(b *testing.B) {
	for _, name := range []string{"tiny-v2w", "small-v2w"} {
		b.Run(name, func(b *testing.B) {
			c := mustPreset(b, name)
			m := mustNew(b, c)
			loss, _ := m.TrainLoss(DefaultTrainOptions())
			const batch = 2
			lt, lh, lw := benchLatent[0], benchLatent[1], benchLatent[2]
			data := []*tensors.Tensor{randn(1, batch, lt, lh, lw, 16), randn(2, batch, 8, c.ContextDim), full(24, batch), full(0, batch, lh, lw)}
			cfg := train.DefaultConfig()
			cfg.Steps, cfg.WarmupSteps = 1<<30, 1
			tr, err := train.NewTrainer(testBackend(), newStore(1), loss, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tr.TrainStep(data); err != nil { // compile
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				if _, err := tr.TrainStep(data); err != nil {
					b.Fatal(err)
				}
			}
			sec := time.Since(start).Seconds() / float64(b.N)
			flops := 3 * float64(c.ForwardFLOPs(batch, lt, lh, lw, 8))
			b.ReportMetric(flops/sec/1e9, "GFLOP/s")
			b.ReportMetric(float64(c.ParamCount()), "params")
		})
	}
}

// BenchmarkSampleStep measures sampling evaluations per second of the tiny DiT on a 33-frame
// 64×64 latent with guidance (a batch of two per evaluation), as wfm generate runs them.
func BenchmarkSampleStep(b *testing.B) {
	c := mustPreset(b, "tiny-v2w")
	m := mustNew(b, c)
	store := newStore(1)
	loss, _ := m.TrainLoss(DefaultTrainOptions())
	cfg := train.DefaultConfig()
	cfg.Steps, cfg.WarmupSteps = 1, 1
	tr, _ := train.NewTrainer(testBackend(), store, loss, cfg)
	lt, lh, lw := benchLatent[0], benchLatent[1], benchLatent[2]
	if _, err := tr.TrainStep([]*tensors.Tensor{randn(1, 1, lt, lh, lw, 16), randn(2, 1, 8, c.ContextDim), full(24, 1), full(0, 1, lh, lw)}); err != nil {
		b.Fatal(err)
	}
	weights, err := train.ExportStore(store, false)
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewDenoiser(testBackend(), weights, m)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := Request{Frames: lt, Height: lh, Width: lw, FPS: 24, Context: flat(randn(3, 8, c.ContextDim)), Guidance: 7,
		Options: SampleOptions{Steps: 1}}
	if _, err := s.Generate(context.Background(), r); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if _, err := s.Generate(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "evals/s")
}
