package autoregressive

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// committedDV is the committed tiny DV tokenizer (8x temporal, 16x spatial, 64,000 ids).
const committedDV = "../tokenizer/pretrained/dv8x16x16-tiny.safetensors"

// tinyModelDir writes a model folder of the tiny preset over the committed DV tokenizer's ids
// with seeded random weights (and heads Medusa heads at their zero start), trained, as
// training.json says, on 17-frame 32x32 clips (3 latent frames of 2x2 tokens).
func tinyModelDir(t testing.TB, heads int) string {
	t.Helper()
	cfg, _ := Preset("tiny")
	cfg = cfg.WithVocab(64000)
	cfg.MedusaHeads = heads
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := testutil.NewStore(5)
	if tt, ok := t.(*testing.T); ok {
		fullForward(tt, store, m, Grid{T: 1, H: 1, W: 1}, [][]int32{{0}}, nil, 0, nil) // creates the variables
	}
	codec, id, err := OpenDVTokenizer(testutil.Backend(), committedDV, 1)
	if err != nil {
		t.Fatal(err)
	}
	codec.Close()
	dir := t.TempDir()
	info := TrainInfo{Tokenizer: id, Stage: Stage{Number: 1, Frames: 3, CondFrames: 1}, Grid: Grid{T: 3, H: 2, W: 2}, FPS: 16}
	if err := SaveModelFolder(dir, cfg, store, false, info); err != nil {
		t.Fatal(err)
	}
	return dir
}

// squareClip is frames frames of 32x32 at 16 fps: grey, with a red square moving right by
// speed pixels a frame from x0.
func squareClip(t testing.TB, frames, x0, speed int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, 32, 32, 16)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		px := c.Frame(f)
		for i := range px {
			px[i] = 128
		}
		for y := 12; y < 20; y++ {
			for x := x0 + speed*f; x < x0+speed*f+8 && x < 32; x++ {
				px[(y*32+x)*3], px[(y*32+x)*3+1], px[(y*32+x)*3+2] = 220, 40, 40
			}
		}
	}
	return c
}

// TestGenerate opens a tiny model folder and generates batches: the condition tokens are the
// input's, each video's tokens do not depend on its batch mates, a seed repeats its video,
// Medusa decoding gives plain decoding's tokens, and the guardrails run.
func TestGenerate(t *testing.T) {
	dir := tinyModelDir(t, 2)
	g, err := Open(testutil.Backend(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ctx := context.Background()
	a, b, c := squareClip(t, 9, 0, 1), squareClip(t, 9, 10, 2), squareClip(t, 9, 20, -1)
	sampling := Sampling{Temperature: 1, TopK: 40}
	gen := func(medusa bool, videos ...Video) *GenerateResult {
		t.Helper()
		r, err := g.Generate(ctx, GenerateRequest{Videos: videos, CondFrames: 9, Sampling: sampling, Medusa: medusa})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ab := gen(false, Video{Input: a, Prompt: "a red square slides", Seed: 1}, Video{Input: b, Seed: 2})
	if len(ab.Clips) != 2 || ab.Grid != (Grid{T: 3, H: 2, W: 2}) || ab.CondTokens != 8 || ab.NewTokens != 4 || ab.NewFrames != 8 ||
		ab.Calls != 4 || ab.AcceptanceLength != 1 || !(ab.TokensPerSecond > 0) || !(ab.FramesPerSecond > 0) {
		t.Fatalf("result %+v", ab)
	}
	for i, clip := range ab.Clips {
		if clip.Frames != 17 || clip.Width != 32 || clip.Height != 32 || clip.FPS != 16 {
			t.Errorf("clip %d: %v", i, clip)
		}
	}
	// The guards ran: two prompts, two videos.
	if !ab.GuardrailsRun || len(ab.Guardrails) != 4 {
		t.Errorf("%d guard verdicts, run %v", len(ab.Guardrails), ab.GuardrailsRun)
	}
	// The condition tokens are the tokenizer's ids of the input frames.
	codec, err := g.codec(17)
	if err != nil {
		t.Fatal(err)
	}
	padded, _ := video.NewClip(17, 32, 32, 16)
	for f := range 17 {
		copy(padded.Frame(f), a.Frame(min(f, 8)))
	}
	want, err := codec.Encode(padded, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ab.IDs[0][:8], want.IDs[:8]) {
		t.Errorf("condition tokens %v, the tokenizer's %v", ab.IDs[0][:8], want.IDs[:8])
	}
	// Video a beside another mate, and alone: the same tokens and pixels.
	ac := gen(false, Video{Input: a, Prompt: "a red square slides", Seed: 1}, Video{Input: c, Seed: 3})
	alone := gen(false, Video{Input: a, Seed: 1})
	if !slices.Equal(ab.IDs[0], ac.IDs[0]) || !slices.Equal(ab.IDs[0], alone.IDs[0]) || !bytes.Equal(ab.Clips[0].Pix, alone.Clips[0].Pix) {
		t.Errorf("video a: %v beside b, %v beside c, %v alone", ab.IDs[0], ac.IDs[0], alone.IDs[0])
	}
	// Another seed samples another video; Medusa decoding gives the same tokens.
	if other := gen(false, Video{Input: a, Seed: 9}); slices.Equal(other.IDs[0], alone.IDs[0]) {
		t.Errorf("seeds 1 and 9 gave the same tokens %v", other.IDs[0])
	}
	med := gen(true, Video{Input: a, Prompt: "a red square slides", Seed: 1}, Video{Input: b, Seed: 2})
	if !slices.Equal(med.IDs[0], ab.IDs[0]) || !slices.Equal(med.IDs[1], ab.IDs[1]) || med.Guessed == 0 {
		t.Errorf("Medusa %v, plain %v (%d guesses)", med.IDs, ab.IDs, med.Guessed)
	}

	// A blocked prompt gives a *worldgen.BlockedError and no clip.
	r, err := g.Generate(ctx, GenerateRequest{Videos: []Video{{Input: a}, {Input: b, Prompt: "a soldier stabs a prisoner to death, graphic"}}})
	var blocked *worldgen.BlockedError
	if !errors.As(err, &blocked) || r.Clips != nil || len(r.Guardrails) != 2 || r.Guardrails[1].Allowed {
		t.Errorf("blocked prompt: %v, %+v", err, r)
	}
	// Requests the model cannot take wrap ErrInvalid; a cancelled context stops the decoding.
	for name, req := range map[string]GenerateRequest{
		"no videos":          {},
		"5 condition frames": {Videos: []Video{{Input: a}}, CondFrames: 5},
		"too long":           {Videos: []Video{{Input: a}}, Frames: 33},
		"too short an input": {Videos: []Video{{Input: a.Slice(0, 1)}}, CondFrames: 9},
		"odd size":           {Videos: []Video{{Input: a}}, Width: 24, Height: 32},
		"bad sampling":       {Videos: []Video{{Input: a}}, Sampling: Sampling{TopP: 2}},
	} {
		if _, err := g.Generate(ctx, req); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	_, err = g.Generate(cctx, GenerateRequest{Videos: []Video{{Input: a}}, Progress: func(done, total int) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Open refuses a model without Medusa heads for Medusa decoding, and another tokenizer than the
// model's.
func TestOpenRefuses(t *testing.T) {
	dir := tinyModelDir(t, 0)
	g, err := Open(testutil.Backend(), dir, Options{NoGuardrails: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Generate(context.Background(), GenerateRequest{Videos: []Video{{Input: squareClip(t, 1, 0, 1)}}, Medusa: true}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Medusa without heads: %v", err)
	}
	// The same tensors with one more metadata entry: other bytes, another tokenizer.
	f, err := safetensors.Open(committedDV)
	if err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, info := range f.Infos() {
		x, err := f.Read(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, x)
	}
	meta := f.Metadata()
	meta["note"] = "a copy"
	f.Close()
	other := filepath.Join(t.TempDir(), "dv.safetensors")
	if err := safetensors.WriteFile(other, ts, meta); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(testutil.Backend(), dir, Options{Tokenizer: other}); !errors.Is(err, ErrInvalid) {
		t.Errorf("another tokenizer: %v", err)
	}
	if _, err := Open(testutil.Backend(), t.TempDir(), Options{}); err == nil {
		t.Error("an empty folder opened")
	}
}
