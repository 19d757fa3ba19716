package video

import (
	"fmt"
	"math"
)

// PSNR is the peak signal-to-noise ratio between two clips of the same size, in dB, over all
// frames, pixels and channels at once: 10*log10(255^2 / MSE), with MSE the mean squared
// difference of the 8-bit samples (the usual definition, e.g. Huynh-Thu and Ghanbari, "Scope
// of validity of PSNR in image/video quality assessment", Electronics Letters 44(13), 2008).
// Identical clips give +Inf. Frame rates are not compared.
func PSNR(a, b *Clip) (float64, error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	if err := b.Validate(); err != nil {
		return 0, err
	}
	if !a.SameSize(b) {
		return 0, fmt.Errorf("video: PSNR of clips of different sizes: %v and %v", a, b)
	}
	var sum uint64
	for i, x := range a.Pix {
		d := int64(x) - int64(b.Pix[i])
		sum += uint64(d * d)
	}
	if sum == 0 {
		return math.Inf(1), nil
	}
	mse := float64(sum) / float64(len(a.Pix))
	return 10 * math.Log10(255*255/mse), nil
}
