package quality_test

import (
	"fmt"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// Score a two-frame prediction against its reference: the first frame is
// exact, the second has every sample off by 4.
func Example() {
	ref, _ := video.NewClip(2, 32, 32, 24)
	for i := range ref.Pix {
		ref.Pix[i] = uint8(64 + (i*7)%128)
	}
	pred := ref.Clone()
	second := pred.Frame(1)
	for i := range second {
		second[i] += 4
	}
	psnr, _, _ := quality.PSNR(*pred, *ref)
	ssim, mean, _ := quality.SSIM(*pred, *ref, quality.Options{Luma: true})
	fmt.Printf("PSNR per frame: %.2f dB, %.2f dB\n", psnr[0], psnr[1])
	fmt.Printf("SSIM per frame: %.4f, %.4f (mean %.4f)\n", ssim[0], ssim[1], mean)
	// Output:
	// PSNR per frame: +Inf dB, 36.09 dB
	// SSIM per frame: 1.0000, 0.9995 (mean 0.9998)
}
