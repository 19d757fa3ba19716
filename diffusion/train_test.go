package diffusion

import (
	"context"
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/train"
)

// trainTensors returns n tiny training examples: latents [n, 3, 4, 4, 16], context, fps, padding.
func trainTensors(n int, c Config) []*tensors.Tensor {
	return []*tensors.Tensor{randn(1, n, 3, 4, 4, 16), randn(2, n, 2, c.ContextDim), full(24, n), full(0, n, 4, 4)}
}

func TestTrainRunsAndResumes(t *testing.T) {
	for _, name := range []string{"tiny", "tiny-v2w"} {
		c := mustPreset(t, name)
		m := mustNew(t, c)
		loss, err := m.TrainLoss(DefaultTrainOptions())
		if err != nil {
			t.Fatal(err)
		}
		video, err := train.NewSliceLoader(2, 1, trainTensors(4, c)...)
		if err != nil {
			t.Fatal(err)
		}
		image, err := train.NewSliceLoader(2, 2, randn(3, 4, 1, 4, 4, 16), randn(4, 4, 2, c.ContextDim), full(0, 4, 4, 4))
		if err != nil {
			t.Fatal(err)
		}
		cfg := train.DefaultConfig()
		cfg.Steps, cfg.WarmupSteps, cfg.LR, cfg.CheckpointEvery, cfg.LogEvery = 3, 1, 1e-3, 3, 1
		cfg.Dir = t.TempDir()
		res, err := train.Run(context.Background(), testBackend(), newStore(1), loss, &JointLoader{Video: video, Image: image}, cfg,
			train.WithModelConfig(c))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Step != 3 || math.IsNaN(float64(res.Loss)) || res.Checkpoint == "" {
			t.Errorf("%s: result %+v", name, res)
		}
		// A second run in the same folder resumes from the checkpoint (loader state included).
		cfg.Steps = 4
		res, err = train.Run(context.Background(), testBackend(), newStore(1), loss, &JointLoader{Video: video, Image: image}, cfg,
			train.WithModelConfig(c))
		if err != nil || res.ResumedFrom != 3 || res.Step != 4 {
			t.Errorf("%s: resumed run %+v, %v", name, res, err)
		}
	}
}

// TestTrainLearns checks that a few dozen steps on one fixed latent lower the EDM loss: the
// network learns the data (loss measured on the same σ draws is not possible here, so the mean
// of the last steps is compared with the first steps').
func TestTrainLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("training run")
	}
	c := mustPreset(t, "tiny")
	m := mustNew(t, c)
	opts := DefaultTrainOptions()
	opts.TextDropout = 0
	loss, _ := m.TrainLoss(opts)
	data := trainTensors(2, c)
	loader, _ := train.NewSliceLoader(2, 1, data...)
	cfg := train.DefaultConfig()
	cfg.Steps, cfg.WarmupSteps, cfg.LR, cfg.EMADecay, cfg.Schedule = 60, 5, 3e-3, 0, train.ScheduleConstant
	tr, err := train.NewTrainer(testBackend(), newStore(1), loss, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var first, last float64
	for i := range cfg.Steps {
		batch, _ := loader.Next()
		st, err := tr.TrainStep(batch)
		if err != nil {
			t.Fatal(err)
		}
		if i < 10 {
			first += float64(st.Loss) / 10
		}
		if i >= cfg.Steps-10 {
			last += float64(st.Loss) / 10
		}
	}
	if !(last < 0.8*first) {
		t.Errorf("loss did not fall: first steps %.3f, last steps %.3f", first, last)
	}
	t.Logf("mean loss: first 10 steps %.3f, last 10 steps %.3f", first, last)
}

// TestBFloat16 builds the network in bfloat16 (variables and activations) and takes three
// training steps: losses and gradient norms stay finite, the weights are bfloat16, and the
// normal-initialized tables are not zero (GoMLX's RandomNormalFn leaves bfloat16 variables at
// zero, which made the second step's loss NaN).
func TestBFloat16(t *testing.T) {
	c := mustPreset(t, "tiny-v2w")
	c.DType = "bfloat16"
	m := mustNew(t, c)
	loss, _ := m.TrainLoss(DefaultTrainOptions())
	cfg := train.DefaultConfig()
	cfg.Steps, cfg.WarmupSteps = 3, 1
	store := newStore(1)
	tr, err := train.NewTrainer(testBackend(), store, loss, cfg)
	if err != nil {
		t.Fatal(err)
	}
	finite := func(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }
	for i := range cfg.Steps {
		st, err := tr.TrainStep(trainTensors(2, c))
		if err != nil {
			t.Fatal(err)
		}
		if !finite(st.Loss) || !finite(st.GradNorm) {
			t.Fatalf("step %d: loss %g, gradient norm %g", i+1, st.Loss, st.GradNorm)
		}
	}
	v := store.GetVariable("/blocks/block0/blocks/2/block/layer1/weights")
	if v == nil || v.Shape().DType.String() != "BFloat16" {
		t.Fatalf("MLP weights: %v", v)
	}
	for _, path := range []string{"/extra_pos_embedder/pos_emb_t", "/t_embedder/1/linear_1/weights"} {
		v := store.GetVariable(path)
		if v == nil {
			t.Fatalf("no variable %s", path)
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		f, err := toFloat32(val)
		if err != nil {
			t.Fatal(err)
		}
		var ss float64
		for _, x := range f {
			ss += float64(x) * float64(x)
		}
		if rms := math.Sqrt(ss / float64(len(f))); rms < 0.01 || rms > 0.04 {
			t.Errorf("%s: RMS %.4g, want about the initializer's 0.02", path, rms)
		}
	}
}

// TestVideo2WorldLearnsToUseCondition trains the tiny Video2World model on a copy task (every
// video is one random frame repeated) and checks that its denoiser then uses the condition
// frame: at σ = 3 its error on the generated frames with the frame given is well below its
// error without it.
func TestVideo2WorldLearnsToUseCondition(t *testing.T) {
	if testing.Short() {
		t.Skip("training run")
	}
	c := mustPreset(t, "tiny-v2w")
	m := mustNew(t, c)
	opts := DefaultTrainOptions()
	opts.CondFrames, opts.TextDropout = []int{1}, 0
	loss, _ := m.TrainLoss(opts)
	const n, tt, h, w = 32, 3, 2, 2
	frame := h * w * 16
	base := flat(randn(11, n, 1, h, w, 16))
	lat := make([]float32, 0, n*tt*frame)
	for i := range n {
		for range tt {
			for _, v := range base[i*frame : (i+1)*frame] {
				lat = append(lat, 0.5*v)
			}
		}
	}
	loader, _ := train.NewSliceLoader(8, 1, tensorOf(lat, n, tt, h, w, 16), full(0, n, 2, c.ContextDim), full(24, n), full(0, n, h, w))
	cfg := train.DefaultConfig()
	cfg.Steps, cfg.WarmupSteps, cfg.LR, cfg.EMADecay = 200, 20, 3e-3, 0
	store := newStore(1)
	tr, _ := train.NewTrainer(testBackend(), store, loss, cfg)
	for range cfg.Steps {
		b, _ := loader.Next()
		if _, err := tr.TrainStep(b); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := train.ExportStore(store, false)
	if err != nil {
		t.Fatal(err)
	}
	const sigma = 3
	gt := tensorOf(lat[:8*tt*frame], 8, tt, h, w, 16)
	errWith := func(given float32) float64 {
		mask := make([]float32, 8*tt)
		for i := range 8 {
			mask[i*tt] = given
		}
		outs := runOn(t, ws, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			x := graph.Add(in[0], graph.MulScalar(in[1], sigma))
			cond := Conditioning{Context: in[2], FPS: in[3], ConditionMask: in[4], ConditionLatent: in[0],
				AugmentedLatent: in[0], AugmentSigma: in[5]}
			return []*graph.Node{m.Denoise(scope, x, graph.MulScalar(graph.OnesLike(in[3]), sigma), cond)}
		}, gt, randn(99, 8, tt, h, w, 16), full(0, 8, 2, c.ContextDim), full(24, 8), tensorOf(mask, 8, tt), full(0.001, 8))
		var e float64
		g := flat(gt)
		for i := range 8 {
			for j := i*tt*frame + frame; j < (i+1)*tt*frame; j++ {
				d := float64(outs[0][j] - g[j])
				e += d * d
			}
		}
		return e / float64(8*(tt-1)*frame)
	}
	with, without := errWith(1), errWith(0)
	t.Logf("σ=%d: MSE on generated frames %.4f with the condition frame, %.4f without", sigma, with, without)
	if !(with < 0.5*without) {
		t.Errorf("the condition frame does not help: MSE %.4f with, %.4f without", with, without)
	}
}
