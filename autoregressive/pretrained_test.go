package autoregressive_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// TestPretrainedPhysAR guards the committed model (pretrained/phys-ar, its recipe in
// pretrained/reproduce.sh): it loads with the tokenizer it records, continues a held-out
// physics clip from 9 frames with Medusa giving the plain greedy tokens in fewer calls, and its
// continuation's PSNR against the true frames stays above a floor set 1.5 dB under the value
// measured when it was committed (28.84 dB over the 8 new frames of the 17-frame clip,
// 2026-12-08).
func TestPretrainedPhysAR(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and runs the committed model")
	}
	g, err := autoregressive.Open(testutil.Backend(), filepath.Join("pretrained", "phys-ar"), autoregressive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	clip, err := video.Read(t.Context(), filepath.Join("..", "tokenizer", "testdata", "val_clip.y4m"), video.Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := autoregressive.GenerateRequest{Videos: []autoregressive.Video{{Input: clip, Seed: 1}}, CondFrames: 9, Frames: 17}
	plain, err := g.Generate(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	req.Medusa = true
	medusa, err := g.Generate(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plain.IDs[0], medusa.IDs[0]) {
		t.Error("greedy Medusa tokens differ from plain greedy decoding")
	}
	if medusa.Calls >= plain.Calls {
		t.Errorf("Medusa took %d decoder calls, plain %d: the heads guess nothing", medusa.Calls, plain.Calls)
	}
	_, psnr, err := quality.PSNR(*plain.Clips[0].Slice(9, 17), *clip.Slice(9, 17))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("phys-ar continuation of val_clip from 9 frames: %.2f dB over 8 frames; %d plain calls, %d Medusa calls", psnr, plain.Calls, medusa.Calls)
	if psnr < 28.84-1.5 {
		t.Errorf("continuation PSNR %.2f dB, below the committed model's floor %.2f dB", psnr, 28.84-1.5)
	}
}
