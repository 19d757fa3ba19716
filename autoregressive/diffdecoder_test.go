package autoregressive

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/diffusion/tokendecoder"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
)

const (
	committedDV8 = "../tokenizer/pretrained/dv8x8x8-ls-tiny.safetensors"
	committedCV8 = "../tokenizer/pretrained/cv8x8x8-ls-tiny.safetensors"
)

// TestGenerateDiffusionDecoder generates with Options.DiffusionDecoder: a tiny model over the
// 8x8x8 DV tokenizer's ids and a decoder trained for a few steps on 17-frame 16x16 clips. The
// videos have the request's size, a seed repeats its video, and a length the decoder was not
// trained on is refused as invalid.
func TestGenerateDiffusionDecoder(t *testing.T) {
	b := testutil.Backend()
	cfg, _ := Preset("tiny")
	cfg = cfg.WithVocab(990)
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := testutil.NewStore(5)
	fullForward(t, store, m, Grid{T: 1, H: 1, W: 1}, [][]int32{{0}}, nil, 0, nil)
	codec, id, err := OpenDVTokenizer(b, committedDV8, 1)
	if err != nil {
		t.Fatal(err)
	}
	codec.Close()
	dir := t.TempDir()
	info := TrainInfo{Tokenizer: id, Stage: Stage{Number: 1, Frames: 3, CondFrames: 1}, Grid: Grid{T: 3, H: 2, W: 2}, FPS: 16}
	if err := SaveModelFolder(dir, cfg, store, false, info); err != nil {
		t.Fatal(err)
	}
	var clips []*video.Clip
	for i := range 4 {
		c := squareClip(t, 17, i*3, 1)
		small, err := video.NewClip(17, 16, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		for f := range 17 { // the top-left quarter
			for y := range 16 {
				copy(small.Frame(f)[y*48:(y+1)*48], c.Frame(f)[(y*32)*3:(y*32+16)*3])
			}
		}
		clips = append(clips, small)
	}
	loop := train.DefaultConfig()
	loop.Steps, loop.WarmupSteps, loop.EMADecay, loop.CheckpointEvery, loop.Progress = 4, 1, 0, 4, false
	loop.Dir = filepath.Join(t.TempDir(), "dec")
	if _, err := tokendecoder.Train(context.Background(), b, clips, tokendecoder.TrainOptions{Loop: loop, DVTokenizer: committedDV8,
		CVTokenizer: committedCV8, Width: 48, Blocks: 1, Heads: 4, BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	g, err := Open(b, dir, Options{NoGuardrails: true, Tokenizer: committedDV8, DiffusionDecoder: loop.Dir, DiffusionSteps: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	req := GenerateRequest{Videos: []Video{{Input: clips[0], Seed: 3}, {Input: clips[0], Seed: 3}}, Width: 16, Height: 16}
	r, err := g.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Clips) != 2 || r.Clips[0].Frames != 17 || r.Clips[0].Width != 16 || r.Clips[0].Height != 16 {
		t.Fatalf("clips %d, first %dx%dx%d", len(r.Clips), r.Clips[0].Frames, r.Clips[0].Width, r.Clips[0].Height)
	}
	if string(r.Clips[0].Pix) != string(r.Clips[1].Pix) {
		t.Error("the same seed and ids gave two videos")
	}
	req.Frames = 9
	if _, err := g.Generate(context.Background(), req); !errors.Is(err, ErrInvalid) {
		t.Errorf("9 frames with a 17-frame decoder: %v, want ErrInvalid", err)
	}
}
