package tokenizer

import (
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// SSIM constants of Wang, Bovik, Sheikh and Simoncelli 2004, "Image quality assessment: from
// error visibility to structural similarity" (IEEE TIP 13(4)), section III-C: an 11x11 circular
// Gaussian window with standard deviation 1.5, K1 = 0.01, K2 = 0.03, dynamic range L = 255.
const (
	ssimRadius = 5
	ssimSigma  = 1.5
	ssimK1     = 0.01
	ssimK2     = 0.03
)

// ssimWindow is the separable 1-D Gaussian of the SSIM window, normalised to sum 1.
var ssimWindow = func() [2*ssimRadius + 1]float64 {
	var w [2*ssimRadius + 1]float64
	var sum float64
	for i := range w {
		d := float64(i - ssimRadius)
		w[i] = math.Exp(-d * d / (2 * ssimSigma * ssimSigma))
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}()

// SSIM is the mean structural similarity of two clips of the same size: the SSIM index of
// Wang et al. 2004 (11x11 Gaussian window, σ 1.5, K1 0.01, K2 0.03, L 255) computed on each RGB
// channel of each frame, at every position where the window fits inside the frame, and averaged
// over positions, channels and frames. It equals scikit-image's
// structural_similarity(a, b, channel_axis=-1, gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=255) averaged over frames (the tests check this
// against values it computed). Frames must be at least 11 pixels on each side.
func SSIM(a, b *video.Clip) (float64, error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	if err := b.Validate(); err != nil {
		return 0, err
	}
	if !a.SameSize(b) {
		return 0, fmt.Errorf("tokenizer: SSIM of clips of different sizes: %v and %v", a, b)
	}
	const win = 2*ssimRadius + 1
	if a.Height < win || a.Width < win {
		return 0, fmt.Errorf("tokenizer: SSIM needs frames of at least %dx%d pixels, got %dx%d",
			win, win, a.Width, a.Height)
	}
	var total float64
	for t := range a.Frames {
		for ch := range video.Channels {
			total += frameSSIM(a.Frame(t), b.Frame(t), a.Height, a.Width, ch)
		}
	}
	return total / float64(a.Frames*video.Channels), nil
}

// frameSSIM is the mean SSIM of channel ch of two frames [H, W, 3] over the positions where
// the window fits. Means, variances and covariance are Gaussian-weighted (the separable window
// is applied along rows, then columns).
func frameSSIM(fa, fb []uint8, h, w, ch int) float64 {
	c1 := (ssimK1 * 255) * (ssimK1 * 255)
	c2 := (ssimK2 * 255) * (ssimK2 * 255)
	ow := w - 2*ssimRadius
	// Horizontal pass: five moments at every row and valid column.
	row := make([][5]float64, h*ow)
	for y := range h {
		for x := range ow {
			var m [5]float64
			for k, g := range ssimWindow {
				i := (y*w+x+k)*video.Channels + ch
				va, vb := float64(fa[i]), float64(fb[i])
				m[0] += g * va
				m[1] += g * vb
				m[2] += g * va * va
				m[3] += g * vb * vb
				m[4] += g * va * vb
			}
			row[y*ow+x] = m
		}
	}
	var sum float64
	oh := h - 2*ssimRadius
	for y := range oh {
		for x := range ow {
			var m [5]float64
			for k, g := range ssimWindow {
				r := row[(y+k)*ow+x]
				for j := range m {
					m[j] += g * r[j]
				}
			}
			mua, mub := m[0], m[1]
			va, vb, cov := m[2]-mua*mua, m[3]-mub*mub, m[4]-mua*mub
			sum += (2*mua*mub + c1) * (2*cov + c2) / ((mua*mua + mub*mub + c1) * (va + vb + c2))
		}
	}
	return sum / float64(oh*ow)
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
