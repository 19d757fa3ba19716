package tokendecoder_test

import (
	"context"
	"fmt"

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

// Decoding a clip's DV ids with a trained decoder folder, and measuring both decodes.
func ExampleDecoder_Decode() {
	b, _, err := backend.Open("")
	if err != nil {
		panic(err)
	}
	defer b.Finalize()
	d, err := tokendecoder.Open(b, "/work/runs/diffdec")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	var clip *video.Clip // 17 frames at the decoder's size
	ctx := context.Background()
	ids, err := d.EncodeIDs(ctx, clip)
	if err != nil {
		panic(err)
	}
	out, err := d.Decode(ctx, ids, tokendecoder.DecodeOptions{Seed: 1, Steps: 35})
	if err != nil {
		panic(err)
	}
	q, _ := d.Compare(ctx, []*video.Clip{clip}, tokendecoder.DecodeOptions{Seed: 1}, nil)
	fmt.Println(out.Frames, q.DVPSNR, q.DiffusionPSNR)
}
