package quality

import (
	"errors"
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// Standard constants of SSIM (Wang et al. 2004, section III-C) and of the 8-bit
// peak used by PSNR.
const (
	// Peak is the data range of 8-bit samples.
	Peak = 255.0
	// K1 and K2 set the stabilising constants C1 = (K1 R)^2 and C2 = (K2 R)^2.
	K1 = 0.01
	K2 = 0.03
	// Sigma is the standard deviation of the Gaussian window, in pixels.
	Sigma = 1.5
	// WindowRadius is the half-width of the 11 x 11 window: int(3.5*Sigma+0.5),
	// scipy.ndimage's default truncation at 3.5 sigma.
	WindowRadius = 5
	// MinSide is the smallest image side SSIM accepts (one full window).
	MinSide = 2*WindowRadius + 1
)

// ErrSizeMismatch is returned when the two inputs differ in size or frame count.
var ErrSizeMismatch = errors.New("inputs differ in size")

// ErrTooSmall is returned for SSIM on images smaller than one window (MinSide).
var ErrTooSmall = errors.New("image smaller than the 11x11 SSIM window")

// ErrEmpty is returned for clips without frames or planes without pixels.
var ErrEmpty = errors.New("no frames or pixels")

// Options selects the colour handling of SSIM and PSNR.
type Options struct {
	// Luma computes the metric on BT.601 luma; otherwise SSIM is the mean of
	// the R, G and B channel values and PSNR pools all samples of the frame.
	Luma bool
}

// Plane is a single-channel image of float64 samples, row-major.
type Plane struct {
	Width, Height int
	Pix           []float64
}

func (p Plane) check(op string) error {
	if p.Width <= 0 || p.Height <= 0 {
		return fmt.Errorf("quality: %s of a %dx%d plane: %w", op, p.Width, p.Height, ErrEmpty)
	}
	if len(p.Pix) != p.Width*p.Height {
		return fmt.Errorf("quality: %s: plane of %dx%d holds %d samples", op, p.Width, p.Height, len(p.Pix))
	}
	return nil
}

// LumaPlane returns the BT.601 luma of frame t of c, unrounded.
func LumaPlane(c *video.Clip, t int) Plane {
	f := c.Frame(t)
	p := Plane{Width: c.Width, Height: c.Height, Pix: make([]float64, c.Width*c.Height)}
	for i := range p.Pix {
		r, g, b := float64(f[3*i]), float64(f[3*i+1]), float64(f[3*i+2])
		p.Pix[i] = 0.299*r + 0.587*g + 0.114*b
	}
	return p
}

// ChannelPlane returns channel ch (0 R, 1 G, 2 B) of frame t of c.
func ChannelPlane(c *video.Clip, t, ch int) Plane {
	f := c.Frame(t)
	p := Plane{Width: c.Width, Height: c.Height, Pix: make([]float64, c.Width*c.Height)}
	for i := range p.Pix {
		p.Pix[i] = float64(f[3*i+ch])
	}
	return p
}

// PSNRImage is 10 log10(dataRange^2 / MSE) in dB between two planes of the
// same size; identical planes give +Inf.
func PSNRImage(x, y Plane, dataRange float64) (float64, error) {
	if err := x.check("PSNR"); err != nil {
		return 0, err
	}
	if err := y.check("PSNR"); err != nil {
		return 0, err
	}
	if x.Width != y.Width || x.Height != y.Height {
		return 0, fmt.Errorf("quality: PSNR of %dx%d and %dx%d planes: %w", x.Width, x.Height, y.Width, y.Height, ErrSizeMismatch)
	}
	if !(dataRange > 0) || math.IsInf(dataRange, 0) {
		return 0, fmt.Errorf("quality: PSNR with data range %v: must be positive and finite", dataRange)
	}
	var sum float64
	for i, a := range x.Pix {
		d := a - y.Pix[i]
		sum += d * d
	}
	return psnrFromMSE(sum/float64(len(x.Pix)), dataRange), nil
}

func psnrFromMSE(mse, dataRange float64) float64 {
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(dataRange*dataRange/mse)
}

// PSNR returns the PSNR of every frame of pred against ref over all RGB
// samples (8-bit peak 255), and their mean.
func PSNR(pred, ref video.Clip) (perFrame []float64, mean float64, err error) {
	return PSNRWithOptions(pred, ref, Options{})
}

// PSNRWithOptions is PSNR on RGB samples or, with opt.Luma, on BT.601 luma.
func PSNRWithOptions(pred, ref video.Clip, opt Options) (perFrame []float64, mean float64, err error) {
	if err := checkClips("PSNR", &pred, &ref); err != nil {
		return nil, 0, err
	}
	perFrame = make([]float64, pred.Frames)
	for t := range perFrame {
		if opt.Luma {
			perFrame[t], err = PSNRImage(LumaPlane(&pred, t), LumaPlane(&ref, t), Peak)
			if err != nil {
				return nil, 0, err
			}
			continue
		}
		a := pred.Frame(t)
		perFrame[t] = psnrFromMSE(float64(sumSquares(a, ref.Frame(t)))/float64(len(a)), Peak)
	}
	return perFrame, meanOf(perFrame), nil
}

// sumSquares is the sum of the squared differences of two equally long runs of 8-bit samples.
func sumSquares(a, b []uint8) uint64 {
	var sum uint64
	for i, x := range a {
		d := int64(x) - int64(b[i])
		sum += uint64(d * d)
	}
	return sum
}

// SquaredError pools the squared differences of the 8-bit samples of any number of clip pairs,
// for one PSNR over all of them (every sample counts the same). The zero value is empty.
type SquaredError struct {
	Sum     uint64 // sum of squared sample differences
	Samples int    // number of samples summed
}

// Add adds every sample of pred against ref, clips of the same size.
func (e *SquaredError) Add(pred, ref *video.Clip) error {
	if pred == nil || ref == nil {
		return fmt.Errorf("quality: PSNR of a nil clip: %w", ErrEmpty)
	}
	if err := pred.Validate(); err != nil {
		return fmt.Errorf("quality: PSNR prediction: %w", err)
	}
	if err := ref.Validate(); err != nil {
		return fmt.Errorf("quality: PSNR reference: %w", err)
	}
	if !pred.SameSize(ref) {
		return fmt.Errorf("quality: PSNR of %v against %v: %w", pred, ref, ErrSizeMismatch)
	}
	e.Sum += sumSquares(pred.Pix, ref.Pix)
	e.Samples += len(pred.Pix)
	return nil
}

// PSNR is 10 log10(255^2 / MSE) dB of the pooled samples; +Inf when they are all equal (or
// there are none).
func (e SquaredError) PSNR() float64 {
	if e.Sum == 0 {
		return math.Inf(1)
	}
	return psnrFromMSE(float64(e.Sum)/float64(e.Samples), Peak)
}

// PooledPSNR is the PSNR of two clips of the same size over all frames, pixels and channels at
// once: 10 log10(255^2 / MSE), with MSE the mean squared difference of all their 8-bit samples
// (the usual definition, e.g. Huynh-Thu and Ghanbari, "Scope of validity of PSNR in image/video
// quality assessment", Electronics Letters 44(13), 2008). Identical clips give +Inf. Frame rates
// are not compared.
func PooledPSNR(pred, ref *video.Clip) (float64, error) {
	var e SquaredError
	if err := e.Add(pred, ref); err != nil {
		return 0, err
	}
	return e.PSNR(), nil
}

// SSIM returns the SSIM of every frame of pred against ref and their mean, on
// luma or averaged over the RGB channels as opt says. Frames must be at least
// 11 x 11.
func SSIM(pred, ref video.Clip, opt Options) (perFrame []float64, mean float64, err error) {
	if err := checkClips("SSIM", &pred, &ref); err != nil {
		return nil, 0, err
	}
	if pred.Width < MinSide || pred.Height < MinSide {
		return nil, 0, fmt.Errorf("quality: SSIM of %dx%d frames: %w", pred.Width, pred.Height, ErrTooSmall)
	}
	perFrame = make([]float64, pred.Frames)
	w := newSSIMWork(pred.Width, pred.Height)
	for t := range perFrame {
		if opt.Luma {
			perFrame[t] = w.ssim(LumaPlane(&pred, t).Pix, LumaPlane(&ref, t).Pix, Peak)
			continue
		}
		var s float64
		for ch := range 3 {
			s += w.ssim(ChannelPlane(&pred, t, ch).Pix, ChannelPlane(&ref, t, ch).Pix, Peak)
		}
		perFrame[t] = s / 3
	}
	return perFrame, meanOf(perFrame), nil
}

// SSIMImage is the mean SSIM of two planes of the same size, at least 11 x 11,
// with the given data range (255 for 8-bit samples).
func SSIMImage(x, y Plane, dataRange float64) (float64, error) {
	if err := x.check("SSIM"); err != nil {
		return 0, err
	}
	if err := y.check("SSIM"); err != nil {
		return 0, err
	}
	if x.Width != y.Width || x.Height != y.Height {
		return 0, fmt.Errorf("quality: SSIM of %dx%d and %dx%d planes: %w", x.Width, x.Height, y.Width, y.Height, ErrSizeMismatch)
	}
	if x.Width < MinSide || x.Height < MinSide {
		return 0, fmt.Errorf("quality: SSIM of %dx%d planes: %w", x.Width, x.Height, ErrTooSmall)
	}
	if !(dataRange > 0) || math.IsInf(dataRange, 0) {
		return 0, fmt.Errorf("quality: SSIM with data range %v: must be positive and finite", dataRange)
	}
	return newSSIMWork(x.Width, x.Height).ssim(x.Pix, y.Pix, dataRange), nil
}

func checkClips(op string, pred, ref *video.Clip) error {
	if err := pred.Validate(); err != nil {
		return fmt.Errorf("quality: %s prediction: %w", op, err)
	}
	if err := ref.Validate(); err != nil {
		return fmt.Errorf("quality: %s reference: %w", op, err)
	}
	if pred.Frames == 0 {
		return fmt.Errorf("quality: %s of an empty clip: %w", op, ErrEmpty)
	}
	if !pred.SameSize(ref) {
		return fmt.Errorf("quality: %s of %v against %v: %w", op, pred, ref, ErrSizeMismatch)
	}
	return nil
}

func meanOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
