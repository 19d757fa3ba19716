package tokendecoder

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

const (
	dvPath = "../../tokenizer/pretrained/dv8x8x8-ls-tiny.safetensors"
	cvPath = "../../tokenizer/pretrained/cv8x8x8-ls-tiny.safetensors"
)

// squares returns n clips of 9 frames at 16x16: a bright square moving on a dark background,
// each clip its own position, speed and colour.
func squares(t *testing.T, n int) []*video.Clip {
	t.Helper()
	var out []*video.Clip
	for i := range n {
		c, err := video.NewClip(9, 16, 16, 24)
		if err != nil {
			t.Fatal(err)
		}
		for f := range c.Frames {
			px := c.Frame(f)
			x0, y0 := (i*3+f*(1+i%2))%12, (i*5)%12
			for y := range 16 {
				for x := range 16 {
					o := (y*16 + x) * 3
					px[o], px[o+1], px[o+2] = 20, 30, 40
					if x >= x0 && x < x0+5 && y >= y0 && y < y0+5 {
						px[o], px[o+1], px[o+2] = uint8(200+i*7%50), uint8(100+i*13%100), 60
					}
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func loop(dir string, steps int) train.Config {
	c := train.DefaultConfig()
	c.Steps, c.WarmupSteps, c.LR, c.MinLR = steps, 2, 3e-3, 3e-4
	c.EMADecay, c.CheckpointEvery, c.LogEvery, c.Progress = 0, steps, 1, false
	c.Dir, c.Seed = dir, 7
	return c
}

// TestTrainDecode trains a tiny decoder: the loss falls, the pairs are cached for the next run,
// Decode gives the training size, the same seed the same video and another seed another.
func TestTrainDecode(t *testing.T) {
	b := testutil.Backend()
	clips := squares(t, 8)
	dir := filepath.Join(t.TempDir(), "run")
	res, err := Train(context.Background(), b, clips, TrainOptions{Loop: loop(dir, 40), DVTokenizer: dvPath, CVTokenizer: cvPath,
		Width: 48, Blocks: 1, Heads: 4, BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cached || res.Clips != 8 {
		t.Errorf("result %+v", res)
	}
	ms, err := train.ReadMetrics(res.Run.MetricsPath)
	if err != nil || len(ms) < 20 {
		t.Fatalf("metrics: %d, %v", len(ms), err)
	}
	mean := func(ms []train.Metrics) float64 {
		s := 0.0
		for _, m := range ms {
			s += float64(m.Loss)
		}
		return s / float64(len(ms))
	}
	if a, z := mean(ms[:8]), mean(ms[len(ms)-8:]); !(z < 0.8*a) {
		t.Errorf("loss did not fall: first steps %.4g, last %.4g", a, z)
	}
	res2, err := Train(context.Background(), b, clips, TrainOptions{Loop: loop(filepath.Join(dir), 41), DVTokenizer: dvPath, CVTokenizer: cvPath,
		Width: 48, Blocks: 1, Heads: 4, BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !res2.Cached || res2.Run.ResumedFrom != 40 {
		t.Errorf("second run: cached %v, resumed from %d; want the cache and step 40", res2.Cached, res2.Run.ResumedFrom)
	}

	d, err := Open(b, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	tok, err := d.EncodeIDs(ctx, clips[0])
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Decode(ctx, tok, DecodeOptions{Seed: 1, Steps: 4})
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames != 9 || a.Width != 16 || a.Height != 16 {
		t.Fatalf("decoded %d frames at %dx%d", a.Frames, a.Width, a.Height)
	}
	again, _ := d.Decode(ctx, tok, DecodeOptions{Seed: 1, Steps: 4})
	other, _ := d.Decode(ctx, tok, DecodeOptions{Seed: 2, Steps: 4})
	if string(again.Pix) != string(a.Pix) {
		t.Error("same ids and seed gave another video")
	}
	if string(other.Pix) == string(a.Pix) {
		t.Error("another seed gave the same video")
	}
	q, err := d.Compare(ctx, clips[:2], DecodeOptions{Seed: 1, Steps: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q.Clips != 2 || !(q.DVPSNR > 5 && q.DVPSNR < 60) || math.IsNaN(q.DiffusionPSNR) || !(q.DiffusionSSIM > -1 && q.DiffusionSSIM <= 1) {
		t.Errorf("quality %+v", q)
	}
	t.Logf("quality %+v", q)
}

// TestResidual trains a residual decoder for a few steps: it opens, decodes at the training
// size, and its untrained output stays near the DV decode (the base), unlike the plain
// decoder's.
func TestResidual(t *testing.T) {
	b := testutil.Backend()
	clips := squares(t, 8)
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Train(context.Background(), b, clips, TrainOptions{Loop: loop(dir, 2), DVTokenizer: dvPath, CVTokenizer: cvPath,
		Width: 48, Blocks: 1, Heads: 4, BatchSize: 8, Residual: true}); err != nil {
		t.Fatal(err)
	}
	d, err := Open(b, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !d.Info().Residual || d.Config().ExtraChannels != 4+16 {
		t.Fatalf("info %+v, extra channels %d", d.Info(), d.Config().ExtraChannels)
	}
	ctx := context.Background()
	tok, err := d.EncodeIDs(ctx, clips[1])
	if err != nil {
		t.Fatal(err)
	}
	dv, err := d.DecodeDV(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Decode(ctx, tok, DecodeOptions{Seed: 1, Steps: 1})
	if err != nil {
		t.Fatal(err)
	}
	if out.Frames != 9 || out.Width != 16 {
		t.Fatalf("decoded %d frames at %d wide", out.Frames, out.Width)
	}
	_, p, err := quality.PSNR(*out, *dv)
	if err != nil {
		t.Fatal(err)
	}
	if p < 15 {
		t.Errorf("residual decode is %.1f dB from the DV decode, want near it", p)
	}
	t.Logf("residual decode vs DV decode: %.1f dB", p)
}

// TestOpenRefusesNonDecoder checks Open's error on a folder without a decoder.
func TestOpenRefusesNonDecoder(t *testing.T) {
	if _, err := Open(testutil.Backend(), t.TempDir()); err == nil {
		t.Error("Open of an empty folder succeeded")
	}
}

// TestCommittedDecoder opens the committed decoder (from this package's folder, so its
// tokenizers are found from the recorded repository-relative paths) and decodes a 17-frame
// 64x64 clip's ids at its size, closer to the clip than noise would be.
func TestCommittedDecoder(t *testing.T) {
	d, err := Open(testutil.Backend(), "../../autoregressive/pretrained/diffusion-decoder")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c, err := video.NewClip(17, 64, 64, 16)
	if err != nil {
		t.Fatal(err)
	}
	for f := range 17 {
		px := c.Frame(f)
		for i := range px {
			px[i] = 90
		}
		for y := 20; y < 36; y++ {
			for x := 10 + f; x < 26+f; x++ {
				o := (y*64 + x) * 3
				px[o], px[o+1], px[o+2] = 230, 60, 40
			}
		}
	}
	ctx := context.Background()
	tok, err := d.EncodeIDs(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Decode(ctx, tok, DecodeOptions{Seed: 1, Steps: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, p, err := quality.PSNR(*out, *c)
	if err != nil {
		t.Fatal(err)
	}
	if p < 18 {
		t.Errorf("committed decoder: %.1f dB on a moving square, want at least 18", p)
	}
	t.Logf("committed decoder: %.1f dB", p)
}
