package tokendecoder_test

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion/tokendecoder"
	"github.com/wfm-platform/wfm/video"
)

// The DiT of a decoder for 16-channel CV latents conditioned on 4-level FSQ codes: the codes are
// four more input channels beside the latent and the padding mask.
func ExampleConfig() {
	c, err := tokendecoder.Config(16, 4, 64, 2, 4)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ExtraChannels, c.InChannels(), *c.SampleGuidance)
	// Output: 4 21 0
}

// Decoding a clip's DV ids with the committed decoder, against the DV tokenizer's own decode.
func ExampleDecoder_Decode() {
	b, _, err := backend.Open("")
	if err != nil {
		panic(err)
	}
	defer b.Finalize()
	d, err := tokendecoder.Open(b, filepath.Join("..", "..", "autoregressive", "pretrained", "diffusion-decoder"))
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()
	clip, err := video.Read(ctx, filepath.Join("..", "..", "tokenizer", "testdata", "val_clip.y4m"), video.Options{})
	if err != nil {
		panic(err)
	}
	ids, err := d.EncodeIDs(ctx, clip)
	if err != nil {
		panic(err)
	}
	out, err := d.Decode(ctx, ids, tokendecoder.DecodeOptions{Seed: 1, Steps: 1})
	if err != nil {
		panic(err)
	}
	q, err := d.Compare(ctx, []*video.Clip{clip}, tokendecoder.DecodeOptions{Seed: 1, Steps: 1}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d frames at %dx%d; PSNR above 20 dB with and without the decoder: %v\n",
		out.Frames, out.Width, out.Height, q.DVPSNR > 20 && q.DiffusionPSNR > 20)
	// Output: 17 frames at 64x64; PSNR above 20 dB with and without the decoder: true
}
