package tokenizer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// TestPretrainedQuality round-trips testdata/val_clip.y4m (17 frames of 64x64 from the
// synthetic validation split, wfm synth --seed 7, not trained on) through the committed tiny
// weights in pretrained/ and checks their quality has not regressed: the floors are the values
// measured when the weights were committed (see pretrained/README.md), less 0.5 dB and 0.02.
// A change to the architecture that breaks these weights fails here: retrain them with the
// commands in pretrained/README.md.
func TestPretrainedQuality(t *testing.T) {
	clip, err := video.Read(context.Background(), "testdata/val_clip.y4m", video.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		psnr, ssim float64
	}{
		{"cv8x8x8-tiny", pretrainedFloorCV.psnr, pretrainedFloorCV.ssim},
		{"dv8x16x16-tiny", pretrainedFloorDV.psnr, pretrainedFloorDV.ssim},
		{"cv4x4x4-tiny", pretrainedFloorCV4.psnr, pretrainedFloorCV4.ssim},
		{"cv8x8x8-ls-tiny", pretrainedFloorCV8LS.psnr, pretrainedFloorCV8LS.ssim},
		{"dv8x8x8-ls-tiny", pretrainedFloorDV8LS.psnr, pretrainedFloorDV8LS.ssim},
		{"dv4x4x4-ls-tiny", pretrainedFloorDV4LS.psnr, pretrainedFloorDV4LS.ssim},
	} {
		store, cfg, err := LoadWeights(filepath.Join("pretrained", tc.name+".safetensors"), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.Name != tc.name {
			t.Errorf("%s: config %q", tc.name, cfg.Name)
		}
		m := mustNew(t, cfg)
		c, err := NewCodec(testBackend(), m, store, CodecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.Encode(clip, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decode(tok, nil)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		q, err := Measure([]*video.Clip{clip}, []*video.Clip{got})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: PSNR %.2f dB, SSIM %.4f", tc.name, q.PSNR, q.SSIM)
		if q.PSNR < tc.psnr || q.SSIM < tc.ssim {
			t.Errorf("%s: PSNR %.2f dB, SSIM %.4f; want at least %.2f dB, %.4f", tc.name, q.PSNR, q.SSIM, tc.psnr, tc.ssim)
		}
	}
}

// Floors of TestPretrainedQuality: the values measured on 2026-11-25 with the committed weights
// (cv8x8x8-tiny 24.06 dB, SSIM 0.7619; dv8x16x16-tiny 22.85 dB, 0.6436; cv4x4x4-tiny, the
// linear-shortcut tokenizer of the physics world model, 39.17 dB, 0.9851) less 0.5 dB and 0.02.
var (
	pretrainedFloorCV4 = struct{ psnr, ssim float64 }{38.67, 0.9651}
	pretrainedFloorCV  = struct{ psnr, ssim float64 }{23.56, 0.7419}
	pretrainedFloorDV  = struct{ psnr, ssim float64 }{22.35, 0.6236}
)

// Floors of the linear-shortcut tokenizers committed on 2026-12-08 (pretrained/README.md),
// measured the same way: cv8x8x8-ls-tiny 34.25 dB, SSIM 0.9350; dv8x8x8-ls-tiny 28.75 dB,
// 0.7965; dv4x4x4-ls-tiny 30.06 dB, 0.8836; less 0.5 dB and 0.02.
var (
	pretrainedFloorCV8LS = struct{ psnr, ssim float64 }{33.75, 0.9150}
	pretrainedFloorDV8LS = struct{ psnr, ssim float64 }{28.25, 0.7765}
	pretrainedFloorDV4LS = struct{ psnr, ssim float64 }{29.56, 0.8636}
)
