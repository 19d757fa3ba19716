package tokenizer

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
)

// movingSquares returns n seeded clips of frames frames at size x size: a bright square moving
// one pixel per frame over a horizontal gradient.
func movingSquares(t testing.TB, n, frames, size int) []*video.Clip {
	t.Helper()
	var clips []*video.Clip
	for i := range n {
		c, err := video.NewClip(frames, size, size, 8)
		if err != nil {
			t.Fatal(err)
		}
		for f := range frames {
			for y := range size {
				for x := range size {
					g := uint8(x * 255 / size)
					r, gg, b := g, uint8(40+10*i), 255-g
					sx, sy := (i*3+f)%size, (i*5+f/2)%size
					if x >= sx && x < sx+size/4 && y >= sy && y < sy+size/4 {
						r, gg, b = 250, 220, 30
					}
					c.Set(f, y, x, r, gg, b)
				}
			}
		}
		clips = append(clips, c)
	}
	return clips
}

func TestReconstructionLoss(t *testing.T) {
	clips := movingSquares(t, 2, 3, 16)
	x, err := clipsTensor(clips)
	if err != nil {
		t.Fatal(err)
	}
	shifted := movingSquares(t, 2, 3, 16)
	for i := range shifted[0].Pix {
		shifted[0].Pix[i] = uint8(min(255, int(shifted[0].Pix[i])+20))
	}
	y, _ := clipsTensor(shifted)
	for _, structural := range []string{StructuralSSIM, StructuralGradient, StructuralNone} {
		opts := LossOptions{L1: 1, Structural: structural, StructuralWeight: 0.5, Temporal: 0.5}
		outs, _ := run(t, 1, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			a, b := PixelsToModel(in[0], dtypes.Float32), PixelsToModel(in[1], dtypes.Float32)
			return []*graph.Node{ReconstructionLoss(a, a, opts), ReconstructionLoss(b, a, opts),
				ReconstructionLoss(b, a, LossOptions{L1: 1, Structural: StructuralNone})}
		}, x, y)
		same, differ, l1 := outs[0].Value().(float32), outs[1].Value().(float32), outs[2].Value().(float32)
		if math.Abs(float64(same)) > 1e-6 {
			t.Errorf("%s: loss of a perfect reconstruction = %v, want 0", structural, same)
		}
		// Clip 0 of two is brighter by 20/127.5 where it is not saturated: L1 at most 0.0784/2.
		if l1 <= 0 || l1 > 20/127.5/2+1e-6 {
			t.Errorf("%s: L1 term = %v, want in (0, %v]", structural, l1, 20/127.5/2)
		}
		// A constant brightness shift leaves frame differences and gradients unchanged except at
		// saturated pixels; SSIM drops through the luminance term.
		if structural == StructuralSSIM && differ <= l1 {
			t.Errorf("ssim: loss %v should exceed its L1 term %v", differ, l1)
		}
	}
}

func TestLossOptionsValidate(t *testing.T) {
	if err := DefaultLossOptions().Validate(); err != nil {
		t.Error(err)
	}
	for _, o := range []LossOptions{
		{L1: 1, Structural: "lpips"},
		{L1: -1, Structural: StructuralNone, Temporal: 2},
		{Structural: StructuralSSIM},
	} {
		if o.Validate() == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestTrainResumeAndEval trains cv8x8x8-tiny on 16x16 clips for 2 of 4 steps (StopAt), resumes
// the run to step 4, and checks the loss falls, the held-out PSNR/SSIM are logged at steps 2 and
// 4 and the exported weights reproduce the last evaluation.
func TestTrainResumeAndEval(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	m := mustNew(t, mustPreset(t, "cv8x8x8-tiny"))
	clips := movingSquares(t, 4, 9, 16)
	tc := train.DefaultConfig()
	tc.Dir, tc.Steps, tc.WarmupSteps, tc.LR, tc.EMADecay = t.TempDir(), 4, 0, 3e-3, 0.5
	tc.CheckpointEvery, tc.LogEvery, tc.EvalEvery = 2, 1, 2
	opts := TrainOptions{Loss: DefaultLossOptions(), BatchSize: 2, UseEMA: true, Logger: quietLogger(), StopAt: 2}
	res, _, err := Train(context.Background(), testBackend(), m, clips, clips[:2], tc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Step != 2 || filepath.Base(res.Checkpoint) != train.CheckpointName(2) {
		t.Fatalf("stop at 2: stopped at %d, checkpoint %q", res.Step, res.Checkpoint)
	}
	// At step 2 already: nothing to train, the same weights again; a passed step is an error.
	if res, store, err := Train(context.Background(), testBackend(), m, clips, nil, tc, opts); err != nil || res.Step != 2 || store == nil {
		t.Errorf("stop at 2 with the run at step 2: step %v, store %v, error %v", res, store, err)
	}
	opts.StopAt = 1
	if _, _, err := Train(context.Background(), testBackend(), m, clips, nil, tc, opts); err == nil {
		t.Error("stop at 1 with the run at step 2: no error")
	}
	opts.StopAt = 0
	res, store, err := Train(context.Background(), testBackend(), m, clips, clips[:2], tc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Step != 4 || res.ResumedFrom != 2 || store == nil {
		t.Fatalf("resumed from %d to %d, store %v; want 2 to 4", res.ResumedFrom, res.Step, store)
	}
	hist, err := train.ReadMetrics(res.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	if first, last := hist[0].Loss, hist[len(hist)-1].Loss; !(last < first) {
		t.Errorf("loss went from %v to %v", first, last)
	}
	evals := 0
	for _, h := range hist {
		if p, ok := h.Eval["psnr"]; ok {
			evals++
			if s := h.Eval["ssim"]; !(p > 0) || !(s > -1 && s < 1) {
				t.Errorf("step %d: eval %v", h.Step, h.Eval)
			}
		}
	}
	if evals != 2 {
		t.Errorf("%d evaluations logged, want 2 (steps 2 and 4)", evals)
	}

	// Exported weights reload into a codec that reproduces the evaluation.
	path := filepath.Join(t.TempDir(), "tok.safetensors")
	if err := SaveWeights(path, store, m.Config()); err != nil {
		t.Fatal(err)
	}
	loaded, cfg, err := LoadWeights(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "cv8x8x8-tiny" {
		t.Errorf("config %q read back", cfg.Name)
	}
	q, err := evaluate(testBackend(), m, loaded, clips[:2], 2, dtypes.Float32)
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(hist[len(hist)-1].Eval["psnr"]); math.Abs(q.PSNR-want) > 1e-9 {
		t.Errorf("reloaded weights: PSNR %v, the run logged %v", q.PSNR, want)
	}

}

// TestReadShardClips writes a shard of two y4m clips of 10 frames and reads them back as
// 5-frame windows (one shared frame: 0-4, 4-8 and 5-9 aligned to the end), cropped to 8x8.
func TestReadShardClips(t *testing.T) {
	dir := t.TempDir()
	w, err := dataset.NewShardWriter(dir, "synth", dataset.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := movingSquares(t, 2, 10, 16)
	for i, c := range src {
		var buf bytes.Buffer
		if err := video.EncodeY4M(&buf, c, video.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]string{"a", "b"}[i], map[string][]byte{"y4m": buf.Bytes(), "json": []byte("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	clips, err := ReadShardClips(dir, "synth", ClipOptions{Frames: 5, Size: 16, Crop: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(clips) != 2*3*4 {
		t.Fatalf("%d clips, want 24", len(clips))
	}
	for _, c := range clips {
		if c.Frames != 5 || c.Height != 8 || c.Width != 8 {
			t.Fatalf("clip %v, want 5 frames of 8x8", c)
		}
	}
	if got, err := ReadShardClips(dir, "synth", ClipOptions{Frames: 5, Size: 16, MaxClips: 4}); err != nil || len(got) != 4 {
		t.Errorf("MaxClips 4: %d clips, %v", len(got), err)
	}
	// Resizing: 16x16 to 8x8 whole frames.
	if got, err := ReadShardClips(dir, "synth", ClipOptions{Frames: 10, Size: 8}); err != nil || len(got) != 2 || got[0].Width != 8 {
		t.Errorf("resized: %v, %v", got, err)
	}
	if _, err := ReadShardClips(dir, "synth", ClipOptions{Frames: 5, Size: 16, Crop: 6}); err == nil {
		t.Error("crop 6 of 16: no error")
	}
	if _, err := ReadShardClips(filepath.Join(dir, "missing"), "synth", ClipOptions{Frames: 5, Size: 16}); err == nil {
		t.Error("missing folder: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, "x.y4m"), []byte("YUV4MPEG2 W8"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFolderClips(context.Background(), dir, ClipOptions{Frames: 5, Size: 16}); err == nil {
		t.Error("folder with a broken y4m: no error")
	}
}

// TestTrainStartsLinearShortcutFromFit checks that a fresh run of a linear-shortcut tokenizer
// starts from FitLinearShortcut: one step at a negligible learning rate already reconstructs the
// held-out clips far better than the same run of the model without the shortcut.
func TestTrainStartsLinearShortcutFromFit(t *testing.T) {
	clips := movingSquares(t, 4, 9, 16)
	psnr := func(shortcut bool) float64 {
		t.Helper()
		tc := train.DefaultConfig()
		tc.Dir, tc.Steps, tc.WarmupSteps, tc.LR, tc.MinLR, tc.EMADecay = t.TempDir(), 1, 0, 1e-9, 0, 0
		tc.EvalEvery = 1
		opts := TrainOptions{Loss: DefaultLossOptions(), BatchSize: 2, Logger: quietLogger()}
		res, _, err := Train(context.Background(), testBackend(), mustNew(t, shortcutConfig(shortcut)), clips, clips[:2], tc, opts)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := train.ReadMetrics(res.MetricsPath)
		if err != nil || len(hist) == 0 {
			t.Fatalf("metrics: %v", err)
		}
		return float64(hist[len(hist)-1].Eval["psnr"])
	}
	with, without := psnr(true), psnr(false)
	t.Logf("held-out PSNR after one step: %.2f dB with the fitted shortcut, %.2f dB without", with, without)
	if with < 25 || with < without+10 {
		t.Errorf("PSNR %.2f dB with the shortcut, %.2f dB without: the fit did not start the run", with, without)
	}
}
