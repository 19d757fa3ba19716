package tokenizer_test

import (
	"context"
	"fmt"
	"log"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// Encode a clip into continuous latents with the committed 4x4x4 tokenizer and decode it back.
// The codec cuts the clip into windows of 9 frames (CodecOptions.Window; the default, 1+2t).
func Example() {
	b, _, err := backend.Open("go")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Finalize()
	codec, err := tokenizer.Open(b, "pretrained/cv4x4x4-tiny.safetensors", nil, tokenizer.CodecOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer codec.Close()
	clip, err := video.Read(context.Background(), "testdata/val_clip.y4m", video.Options{})
	if err != nil {
		log.Fatal(err)
	}

	tok, err := codec.Encode(clip, nil) // tokenizer.SaveTokens writes tok to a file
	if err != nil {
		log.Fatal(err)
	}
	back, err := codec.Decode(tok, nil)
	if err != nil {
		log.Fatal(err)
	}
	q, err := tokenizer.Measure([]*video.Clip{clip}, []*video.Clip{back})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d frames %dx%d -> latents [windows T h w C] %v -> %d frames %dx%d; PSNR above 30 dB: %v\n",
		clip.Frames, clip.Width, clip.Height, tok.Dims, back.Frames, back.Width, back.Height, q.PSNR > 30)
	// Output: 17 frames 64x64 -> latents [windows T h w C] [2 3 16 16 16] -> 17 frames 64x64; PSNR above 30 dB: true
}

// The bicubic baseline at a tokenizer's budget: a 17-frame 64x64 clip kept as a 3x8x8x16 latent
// (CV8x8x8's 3,072 floats) against the same clip shrunk to as many samples and brought back.
func ExampleDownUp() {
	clip, err := video.Read(context.Background(), "testdata/val_clip.y4m", video.Options{})
	if err != nil {
		log.Fatal(err)
	}
	h, w := tokenizer.BaselineSize(3*8*8*16, clip.Frames, clip.Height, clip.Width)
	back, err := tokenizer.DownUp(clip, h, w)
	if err != nil {
		log.Fatal(err)
	}
	var whole tokenizer.RegionError
	everywhere := make([]bool, clip.Frames*clip.Height*clip.Width)
	for i := range everywhere {
		everywhere[i] = true
	}
	if err := whole.Add(back, clip, everywhere); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("kept %dx%d pixels per frame; PSNR between 15 and 40 dB: %v\n", h, w, whole.PSNR() > 15 && whole.PSNR() < 40)
	// Output: kept 8x8 pixels per frame; PSNR between 15 and 40 dB: true
}
