package tokenizer

import (
	"context"
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
	return MeasureContext(context.Background(), want, got)
}

// measureChunk is the number of frames MeasureContext measures between checks of its context.
const measureChunk = 16

// MeasureContext is Measure, stopping with ctx.Err() when ctx is done (checked every
// measureChunk frames of SSIM, the slow part); the result is Measure's, bit for bit.
func MeasureContext(ctx context.Context, want, got []*video.Clip) (Quality, error) {
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
		var per []float64
		for start := 0; start < want[i].Frames; start += measureChunk {
			if err := ctx.Err(); err != nil {
				return Quality{}, err
			}
			end := min(start+measureChunk, want[i].Frames)
			p, _, err := quality.SSIM(*want[i].Slice(start, end), *got[i].Slice(start, end), quality.Options{})
			if err != nil {
				return Quality{}, fmt.Errorf("tokenizer: reconstruction %d: %w", i, err)
			}
			per = append(per, p...)
		}
		var s float64 // the mean as quality.SSIM takes it
		for _, v := range per {
			s += v
		}
		s /= float64(len(per))
		ssim += s * float64(want[i].Frames)
		frames += want[i].Frames
	}
	return Quality{PSNR: sq.PSNR(), SSIM: ssim / float64(frames)}, nil
}
