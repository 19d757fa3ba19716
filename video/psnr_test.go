package video

import (
	"fmt"
	"math"
)

// psnr is video/quality's PooledPSNR for this package's own tests, which cannot import
// video/quality (it imports video): 10 log10(255^2 / MSE) over every sample, +Inf when equal.
func psnr(a, b *Clip) (float64, error) {
	if !a.SameSize(b) {
		return 0, fmt.Errorf("psnr of %v and %v", a, b)
	}
	var sum float64
	for i, x := range a.Pix {
		d := float64(x) - float64(b.Pix[i])
		sum += d * d
	}
	if sum == 0 {
		return math.Inf(1), nil
	}
	return 10 * math.Log10(255*255/(sum/float64(len(a.Pix)))), nil
}
