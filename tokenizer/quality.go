package tokenizer

import (
	"fmt"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// Quality holds the reconstruction quality of clips against their originals: PSNR in dB (8-bit
// peak, pooled over every sample of every clip, [quality.SquaredError]) and SSIM, the mean over
// frames of [quality.SSIM] on the RGB channels (Wang et al. 2004, 11x11 Gaussian window, σ 1.5,
// as scikit-image's structural_similarity with gaussian_weights=True).
type Quality struct {
	PSNR float64 `json:"psnr_db"`
	SSIM float64 `json:"ssim"`
}

// Measure returns the quality of the reconstructions got against the originals want, clip by
// clip (same sizes, frames at least 11 pixels on each side). PSNR pools the squared error of
// every sample of every clip; SSIM is the mean over clips weighted by their frame counts.
func Measure(want, got []*video.Clip) (Quality, error) {
	if len(want) != len(got) || len(want) == 0 {
		return Quality{}, fmt.Errorf("tokenizer: measuring %d reconstructions against %d clips", len(got), len(want))
	}
	var sq quality.SquaredError
	var frames int
	var ssim float64
	for i := range want {
		if err := sq.Add(got[i], want[i]); err != nil {
			return Quality{}, fmt.Errorf("tokenizer: reconstruction %d: %w", i, err)
		}
		_, s, err := quality.SSIM(*want[i], *got[i], quality.Options{})
		if err != nil {
			return Quality{}, fmt.Errorf("tokenizer: reconstruction %d: %w", i, err)
		}
		ssim += s * float64(want[i].Frames)
		frames += want[i].Frames
	}
	return Quality{PSNR: sq.PSNR(), SSIM: ssim / float64(frames)}, nil
}
