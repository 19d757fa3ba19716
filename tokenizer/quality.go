package tokenizer

import (
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/eval/fidelity"
	"github.com/wfm-platform/wfm/video"
)

// SSIM is the mean structural similarity of two clips of the same size: the SSIM index of
// Wang et al. 2004 (11x11 Gaussian window, σ 1.5, K1 0.01, K2 0.03, L 255) on each RGB channel
// of each frame, averaged over channels and frames. It is package eval/fidelity's SSIM, which
// equals scikit-image's structural_similarity(a, b, channel_axis=-1, gaussian_weights=True,
// sigma=1.5, use_sample_covariance=False, data_range=255); the tests here check the mean over
// frames against values scikit-image computed. Frames must be at least 11 pixels on each side.
func SSIM(a, b *video.Clip) (float64, error) {
	if a == nil || b == nil {
		return 0, fmt.Errorf("tokenizer: SSIM of a nil clip")
	}
	_, mean, err := fidelity.SSIM(*a, *b, fidelity.Options{})
	if err != nil {
		return 0, fmt.Errorf("tokenizer: SSIM: %w", err)
	}
	return mean, nil
}

// Quality holds the reconstruction quality of clips against their originals: PSNR in dB (8-bit
// peak, [video.PSNR] over all clips' samples at once) and the mean [SSIM].
type Quality struct {
	PSNR float64 `json:"psnr_db"`
	SSIM float64 `json:"ssim"`
}

// Measure returns the quality of the reconstructions got against the originals want, clip by
// clip (same sizes). PSNR pools the squared error of every sample of every clip; SSIM is the
// mean over clips weighted by their frame counts.
func Measure(want, got []*video.Clip) (Quality, error) {
	if len(want) != len(got) || len(want) == 0 {
		return Quality{}, fmt.Errorf("tokenizer: measuring %d reconstructions against %d clips", len(got), len(want))
	}
	var sq float64
	var samples, frames int
	var ssim float64
	for i := range want {
		if err := want[i].Validate(); err != nil {
			return Quality{}, err
		}
		if !want[i].SameSize(got[i]) {
			return Quality{}, fmt.Errorf("tokenizer: reconstruction %d is %v, its clip %v", i, got[i], want[i])
		}
		for j, x := range want[i].Pix {
			d := float64(x) - float64(got[i].Pix[j])
			sq += d * d
		}
		samples += len(want[i].Pix)
		s, err := SSIM(want[i], got[i])
		if err != nil {
			return Quality{}, err
		}
		ssim += s * float64(want[i].Frames)
		frames += want[i].Frames
	}
	q := Quality{PSNR: math.Inf(1), SSIM: ssim / float64(frames)}
	if sq > 0 {
		q.PSNR = 10 * math.Log10(255*255/(sq/float64(samples)))
	}
	return q, nil
}
