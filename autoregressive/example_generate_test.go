package autoregressive_test

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
)

// Open a model folder and continue two videos at once from 9 condition frames: sampled with a
// seed per video, then greedily with and without the Medusa heads (the same tokens).
//
// The folder here holds an untrained tiny model with 2 Medusa heads over the committed DV
// tokenizer's ids; a trained one comes from Train (wfm train autoregressive) and TrainMedusa
// (wfm train medusa).
func ExampleGenerator_Generate() {
	dir, err := os.MkdirTemp("", "ar-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	writeUntrainedModel(dir)

	g, err := autoregressive.Open(testutil.Backend(), dir, autoregressive.Options{})
	if err != nil {
		panic(err)
	}
	defer g.Close()
	a, b := movingSquare(0), movingSquare(12)
	req := autoregressive.GenerateRequest{
		Videos:     []autoregressive.Video{{Input: a, Prompt: "a red square slides right", Seed: 1}, {Input: b, Seed: 2}},
		CondFrames: 9, // or 1
		Sampling:   autoregressive.Sampling{Temperature: 1, TopK: 50},
	}
	r, err := g.Generate(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d videos of %d frames at %dx%d; %d condition tokens and %d new tokens each on a %dx%dx%d grid\n",
		len(r.Clips), r.Clips[0].Frames, r.Clips[0].Width, r.Clips[0].Height, r.CondTokens, r.NewTokens, r.Grid.T, r.Grid.H, r.Grid.W)

	req.Sampling = autoregressive.Sampling{} // greedy
	plain, err := g.Generate(context.Background(), req)
	if err != nil {
		panic(err)
	}
	req.Medusa = true
	medusa, err := g.Generate(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Println("Medusa gives the plain tokens:", slices.Equal(plain.IDs[0], medusa.IDs[0]) && slices.Equal(plain.IDs[1], medusa.IDs[1]))
	// Output:
	// 2 videos of 17 frames at 32x32; 8 condition tokens and 4 new tokens each on a 3x2x2 grid
	// Medusa gives the plain tokens: true
}

// writeUntrainedModel writes a model folder Open reads: the tiny preset over the DV tokenizer's
// 64,000 ids, 2 Medusa heads, "trained" on 17-frame 32x32 clips.
func writeUntrainedModel(dir string) {
	cfg, _ := autoregressive.Preset("tiny")
	cfg = cfg.WithVocab(64000)
	cfg.MedusaHeads = 2
	m, err := autoregressive.New(cfg)
	if err != nil {
		panic(err)
	}
	store := testutil.NewStore(1)
	exec, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, ids *graph.Node) []*graph.Node {
		logits, medusa := m.Forward(scope, ids, autoregressive.Grid{T: 1, H: 1, W: 1}, nil, nil)
		return append([]*graph.Node{logits}, medusa...)
	})
	if err != nil {
		panic(err)
	}
	if _, err := exec.Call(tensors.FromValue([][]int32{{0}})); err != nil { // creates the variables
		panic(err)
	}
	codec, tok, err := autoregressive.OpenDVTokenizer(testutil.Backend(), dvTokenizer, 1)
	if err != nil {
		panic(err)
	}
	codec.Close()
	info := autoregressive.TrainInfo{Tokenizer: tok, Grid: autoregressive.Grid{T: 3, H: 2, W: 2}, FPS: 16,
		Stage: autoregressive.Stage{Number: 1, Frames: 3, CondFrames: 1}}
	if err := autoregressive.SaveModelFolder(dir, cfg, store, false, info); err != nil {
		panic(err)
	}
}

// movingSquare is 9 frames of 32x32: a red square on grey moving right from x0.
func movingSquare(x0 int) *video.Clip {
	c, _ := video.NewClip(9, 32, 32, 16)
	for f := range 9 {
		px := c.Frame(f)
		for i := range px {
			px[i] = 128
		}
		for y := 12; y < 20; y++ {
			for x := x0 + f; x < min(x0+f+8, 32); x++ {
				px[(y*32+x)*3], px[(y*32+x)*3+1], px[(y*32+x)*3+2] = 220, 40, 40
			}
		}
	}
	return c
}
