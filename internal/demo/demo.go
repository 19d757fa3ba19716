// Package demo is the platform's end-to-end smoke run, the job `wfm demo` runs on a fresh
// machine: it trains a small causal transformer, with the shared training loop, to predict the
// motion of a ball bouncing between two walls, then lets the model roll the motion out on its
// own from a short prefix and renders truth and prediction side by side as video.
//
// The world is deliberately one-dimensional and discrete so the run takes a minute on a laptop
// CPU: a ball on P cells moves v cells a frame (|v| in 1..3) and reflects off the walls. The
// token at frame t is the ball's cell. Predicting the next token needs the velocity (from the
// last two tokens) and the walls (a learned fact), the same kind of physical regularity the
// world models of later packages learn from pixels. Re-running resumes from the newest
// checkpoint in the output folder.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/nn"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"

	"github.com/wfm-platform/wfm/internal/dirlock"
)

// Options configure a demo run.
type Options struct {
	Out      string // output folder; training state lives in Out/train
	Steps    int    // training steps
	Cells    int    // positions the ball can take (the vocabulary)
	Frames   int    // frames per sequence
	Examples int    // training sequences
	Prefix   int    // frames given to the model before it rolls out on its own
	Seed     uint64
	Progress bool
}

// DefaultOptions is the configuration `wfm demo` runs.
func DefaultOptions() Options {
	return Options{Out: "out/demo", Steps: 400, Cells: 24, Frames: 32, Examples: 2048, Prefix: 4, Seed: 1, Progress: true}
}

// Report is what a demo run measured.
type Report struct {
	Steps        int      `json:"steps"`
	ResumedFrom  int      `json:"resumed_from"`
	FirstLoss    float64  `json:"first_loss"`
	FinalLoss    float64  `json:"final_loss"`
	UniformLoss  float64  `json:"uniform_loss"`        // ln(Cells): the loss of knowing nothing
	NextFrameAcc float64  `json:"next_frame_accuracy"` // teacher-forced, held-out sequences
	RolloutAcc   float64  `json:"rollout_accuracy"`    // free-running after Prefix frames
	TrainSeconds float64  `json:"train_seconds"`
	MetricsPath  string   `json:"metrics"`
	PlotPath     string   `json:"loss_plot"`
	Checkpoint   string   `json:"checkpoint"`
	VideoPaths   []string `json:"videos"`
}

// ModelConfig is the transformer the demo trains.
func ModelConfig(o Options) nn.TransformerConfig {
	return nn.TransformerConfig{VocabSize: o.Cells, MaxSeqLen: o.Frames, DModel: 64, NumLayers: 2, NumHeads: 4,
		FFNDim: 256, MLP: nn.MLPGELU, Norm: nn.NormLayer, NormEpsilon: nn.DefaultNormEpsilon, Bias: true}
}

// Bounce simulates n sequences of a ball on cells positions, seeded.
func Bounce(n, frames, cells int, seed uint64) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, 0xb0_0c_e5))
	out := make([][]int32, n)
	for i := range out {
		p := rng.IntN(cells)
		v := 1 + rng.IntN(3)
		if rng.IntN(2) == 0 {
			v = -v
		}
		seq := make([]int32, frames)
		for t := range seq {
			seq[t] = int32(p)
			p, v = step(p, v, cells)
		}
		out[i] = seq
	}
	return out
}

// step moves the ball one frame: elastic reflection off walls at -0.5 and cells-0.5, so a ball
// at the wall cell bounces back to the cell it came from.
func step(p, v, cells int) (int, int) {
	p += v
	for p < 0 || p >= cells {
		if p < 0 {
			p = -p - 1
		} else {
			p = 2*cells - 1 - p
		}
		v = -v
	}
	return p, v
}

func lossFn(cfg nn.TransformerConfig) train.LossFn {
	return func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		seq := batch[0]
		t := seq.Shape().Dim(1)
		inputs := graph.Slice(seq, graph.AxisRange(), graph.AxisRange(0, t-1))
		targets := graph.Slice(seq, graph.AxisRange(), graph.AxisRange(1, t))
		return nn.CrossEntropy(nn.TransformerLM(scope, cfg, inputs), targets)
	}
}

// Run trains (or resumes), evaluates and renders.
func Run(ctx context.Context, backend compute.Backend, o Options) (*Report, error) {
	if o.Cells < 4 || o.Frames < o.Prefix+2 || o.Prefix < 2 || o.Examples < 1 || o.Steps < 1 {
		return nil, fmt.Errorf("demo: invalid options %+v", o)
	}
	// One writer per output folder: a second demo on it is refused, naming the first.
	lock, err := dirlock.Acquire(o.Out, "wfm demo")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer lock.Release()
	cfg := ModelConfig(o)
	data := tensors.FromValue(Bounce(o.Examples, o.Frames, o.Cells, o.Seed))
	loader, err := train.NewSliceLoader(64, o.Seed, data)
	if err != nil {
		return nil, err
	}
	tc := train.DefaultConfig()
	tc.Steps, tc.LR, tc.MinLR, tc.WarmupSteps = o.Steps, 3e-3, 1e-4, min(50, o.Steps/5)
	tc.CheckpointEvery, tc.LogEvery = max(1, o.Steps/4), 5
	// An EMA horizon of about a tenth of the run: long enough to smooth, short enough to follow.
	tc.EMADecay = min(0.999, max(0.9, 1-10/float64(o.Steps)))
	tc.Dir, tc.Seed, tc.Progress = filepath.Join(o.Out, "train"), o.Seed, o.Progress
	store := model.NewStore()
	start := time.Now()
	res, err := train.Run(ctx, backend, store, lossFn(cfg), loader, tc, train.WithModelConfig(cfg))
	if err != nil {
		return nil, err
	}
	r := &Report{Steps: res.Step, ResumedFrom: res.ResumedFrom, TrainSeconds: time.Since(start).Seconds(),
		MetricsPath: res.MetricsPath, PlotPath: res.PlotPath, Checkpoint: res.Checkpoint}
	r.UniformLoss = math.Log(float64(o.Cells))
	history, err := train.ReadMetrics(res.MetricsPath)
	if err != nil {
		return nil, err
	}
	if len(history) == 0 {
		return nil, errors.New("demo: training logged no step")
	}
	r.FirstLoss, r.FinalLoss = float64(history[0].Loss), float64(history[len(history)-1].Loss)

	eval, err := train.ExportStore(store, true)
	if err != nil {
		return nil, err
	}
	held := Bounce(16, o.Frames, o.Cells, o.Seed+1_000_003)
	pred, err := newPredictor(backend, eval, cfg, o.Frames)
	if err != nil {
		return nil, err
	}
	defer pred.Finalize()
	if r.NextFrameAcc, err = pred.teacherForcedAccuracy(held); err != nil {
		return nil, err
	}
	rollouts, err := pred.rollout(held, o.Prefix)
	if err != nil {
		return nil, err
	}
	r.RolloutAcc = matchFraction(held, rollouts, o.Prefix)
	r.VideoPaths, err = renderComparison(ctx, o, held[:4], rollouts[:4])
	if err != nil {
		return nil, err
	}
	return r, nil
}

func matchFraction(truth, pred [][]int32, from int) float64 {
	var ok, n int
	for i := range truth {
		for t := from; t < len(truth[i]); t++ {
			n++
			if truth[i][t] == pred[i][t] {
				ok++
			}
		}
	}
	return float64(ok) / float64(n)
}

// renderComparison writes the held-out truth above the model's rollout as a labelled grid, as
// a GIF (always) and an MP4 (when ffmpeg is present).
func renderComparison(ctx context.Context, o Options, truth, pred [][]int32) ([]string, error) {
	var clips []*video.Clip
	var labels []string
	for i := range truth {
		for _, pair := range []struct {
			seq   []int32
			label string
		}{{truth[i], fmt.Sprintf("truth %d", i)}, {pred[i], fmt.Sprintf("model %d", i)}} {
			c, err := RenderBounce(pair.seq, o.Cells, o.Prefix)
			if err != nil {
				return nil, err
			}
			clips = append(clips, c)
			labels = append(labels, pair.label)
		}
	}
	grid, err := video.Grid(clips, labels, video.GridOptions{Columns: 2})
	if err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(o.Out, "rollout.gif")}
	if video.FFmpegAvailable(video.Options{}) {
		paths = append(paths, filepath.Join(o.Out, "rollout.mp4"))
	}
	for _, p := range paths {
		if err := video.Write(ctx, p, grid, video.Options{PadOdd: true}); err != nil {
			return nil, err
		}
	}
	return paths, nil
}
