package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/nn"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/train"
)

// soakTimeout bounds the whole soak: a scheduling deadlock shows up as a hang, which the test
// turns into a failure with every goroutine's stack.
const soakTimeout = 4 * time.Minute

// TestConcurrentSchedulingSoak trains the reference transformer, a tiny DiT and a tiny tokenizer
// for hundreds of steps each on the Go backend with backend.GoConfig (ops of a graph scheduled
// concurrently), the three models at the same time from three goroutines, so that both the
// scheduling inside one execution and executions running side by side are exercised. compute
// v0.1.6 deadlocked here (every pool worker parked waiting for a free worker), which is why wfm
// once ran ops sequentially. Losses must stay finite and every step must finish before
// soakTimeout.
func TestConcurrentSchedulingSoak(t *testing.T) {
	steps := 300
	if testing.Short() {
		steps = 30
	}
	b, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()

	type job struct {
		name string
		step func() (float64, error)
	}
	transformer, err := soakTransformer(b)
	if err != nil {
		t.Fatal(err)
	}
	dit, err := soakDiT(b)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := soakTokenizer(b)
	if err != nil {
		t.Fatal(err)
	}
	jobs := []job{{"transformer", transformer}, {"dit", dit}, {"tokenizer", tok}}

	done := make(chan struct{})
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			first := math.NaN()
			for i := range steps {
				loss, err := j.step()
				if err != nil {
					errs <- fmt.Errorf("%s step %d: %w", j.name, i, err)
					return
				}
				if math.IsNaN(loss) || math.IsInf(loss, 0) {
					errs <- fmt.Errorf("%s step %d: loss %v", j.name, i, loss)
					return
				}
				if i == 0 {
					first = loss
				}
				if i == steps-1 && !testing.Short() && !(loss < first) {
					errs <- fmt.Errorf("%s: loss went from %.4f to %.4f in %d steps: not training", j.name, first, loss, steps)
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	start := time.Now()
	select {
	case <-done:
	case <-time.After(soakTimeout):
		buf := make([]byte, 1<<22)
		n := runtime.Stack(buf, true)
		t.Fatalf("soak did not finish in %s (a scheduling deadlock?); goroutines:\n%s", soakTimeout, buf[:n])
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d steps of each of %d models, concurrently, in %.1f s", steps, len(jobs), time.Since(start).Seconds())
}

// soakTransformer is the reference transformer's training step (preset tiny, 8 x 16 tokens).
func soakTransformer(b compute.Backend) (func() (float64, error), error) {
	cfg, err := nn.TransformerPreset("tiny")
	if err != nil {
		return nil, err
	}
	s, err := newTransformerStep(b, cfg, 8, cfg.MaxSeqLen)
	if err != nil {
		return nil, err
	}
	return s.run, nil
}

// soakDiT is the DiT's training step (preset tiny-v2w, batch 2, latent 2x4x4) through the
// shared trainer: EDM loss, clipping, AdamW, EMA.
func soakDiT(b compute.Backend) (func() (float64, error), error) {
	c, err := diffusion.Preset("tiny-v2w")
	if err != nil {
		return nil, err
	}
	m, err := diffusion.New(c)
	if err != nil {
		return nil, err
	}
	loss, err := m.TrainLoss(diffusion.DefaultTrainOptions())
	if err != nil {
		return nil, err
	}
	tr, err := newSoakTrainer(b, loss, 1e-3)
	if err != nil {
		return nil, err
	}
	const bt, lt, lh, lw, ctx = 2, 2, 4, 4, 4
	rng := rand.New(rand.NewPCG(dataSeed, 9))
	batch := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(normals(rng, bt*lt*lh*lw*c.LatentChannels), bt, lt, lh, lw, c.LatentChannels),
		tensors.FromFlatDataAndDimensions(normals(rng, bt*ctx*c.ContextDim), bt, ctx, c.ContextDim),
		tensors.FromFlatDataAndDimensions(constants(24, bt), bt),
		tensors.FromFlatDataAndDimensions(constants(0, bt*lh*lw), bt, lh, lw),
	}
	return trainerStep(tr, batch), nil
}

// soakTokenizer is a tiny continuous tokenizer's training step (4x4x4 compression, 5 frames of
// 16x16, batch 2): reconstruction loss through encoder and decoder.
func soakTokenizer(b compute.Backend) (func() (float64, error), error) {
	cfg := tokenizer.Config{Name: "cv4x4x4-soak", InChannels: 3, OutChannels: 3, Channels: 8, ChannelsMult: []int{1, 2},
		NumResBlocks: 1, PatchSize: 4, SpatialCompression: 4, TemporalCompression: 4, ZChannels: 8, LatentChannels: 8}
	m, err := tokenizer.New(cfg)
	if err != nil {
		return nil, err
	}
	tr, err := newSoakTrainer(b, m.TrainingLoss(tokenizer.DefaultLossOptions(), dtypes.Float32), 1e-3)
	if err != nil {
		return nil, err
	}
	const bt, frames, h, w = 2, 5, 16, 16
	rng := rand.New(rand.NewPCG(dataSeed, 11))
	pixels := make([]uint8, bt*frames*h*w*3)
	for i := range pixels {
		pixels[i] = uint8(rng.IntN(256))
	}
	batch := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(pixels, bt, frames, h, w, 3)}
	return trainerStep(tr, batch), nil
}

func newSoakTrainer(b compute.Backend, loss train.LossFn, lr float64) (*train.Trainer, error) {
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(dataSeed))
	tcfg := train.DefaultConfig()
	tcfg.Steps, tcfg.WarmupSteps, tcfg.LR = 1<<30, 1, lr
	return train.NewTrainer(b, store, loss, tcfg)
}

func trainerStep(tr *train.Trainer, batch []*tensors.Tensor) func() (float64, error) {
	return func() (float64, error) {
		st, err := tr.TrainStep(batch)
		return float64(st.Loss), err
	}
}
