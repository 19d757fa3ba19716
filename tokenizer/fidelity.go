package tokenizer

import (
	"context"
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// RegionError pools the squared differences of the 8-bit samples of chosen pixels (all three
// channels of each) of any number of clip pairs, for one PSNR over all of them, as
// quality.SquaredError does for whole frames. The zero value is empty.
type RegionError struct {
	sum     float64
	samples int
}

// Add adds the samples of the pixels of got against want (clips of the same size) whose entry
// in mask (Frames x Height x Width, one per pixel) is true.
func (e *RegionError) Add(got, want *video.Clip, mask []bool) error {
	if got.Frames != want.Frames || got.Height != want.Height || got.Width != want.Width {
		return fmt.Errorf("tokenizer: region error: clip of %dx%dx%d against %dx%dx%d",
			got.Frames, got.Height, got.Width, want.Frames, want.Height, want.Width)
	}
	if len(mask) != want.Frames*want.Height*want.Width || len(got.Pix) != 3*len(mask) || len(want.Pix) != 3*len(mask) {
		return fmt.Errorf("tokenizer: region error: %d mask entries for %d frames of %dx%d pixels",
			len(mask), want.Frames, want.Height, want.Width)
	}
	for i, in := range mask {
		if !in {
			continue
		}
		for ch := range 3 {
			d := float64(got.Pix[3*i+ch]) - float64(want.Pix[3*i+ch])
			e.sum += d * d
		}
		e.samples += 3
	}
	return nil
}

// Pixels is the number of pixels added.
func (e RegionError) Pixels() int { return e.samples / 3 }

// PSNR is 10 log10(255² / MSE) dB over the pooled samples; +Inf when they are equal, NaN when
// there are none.
func (e RegionError) PSNR() float64 {
	if e.samples == 0 {
		return math.NaN()
	}
	if e.sum == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(e.sum/float64(e.samples)))
}

// BaselineSize returns the frame size height x width a clip of frames frames of h x w pixels
// is shrunk to so that its 8-bit samples number about values (frames·height·width·3 ≈ values),
// keeping the aspect ratio; each side at least 1 and at most the original.
func BaselineSize(values float64, frames, h, w int) (height, width int) {
	side := math.Sqrt(values / float64(3*frames) / float64(h*w)) // the scale factor
	height = min(max(int(math.Round(side*float64(h))), 1), h)
	width = min(max(int(math.Round(side*float64(w))), 1), w)
	return height, width
}

// DownUp returns the bicubic down-and-up baseline of clip: every frame shrunk to height x width
// by area averaging (the antialiased downscale) and brought back to its size by bicubic
// interpolation (Keys' kernel, a = -0.5, pixel centres at half-integers, edges clamped), what a
// codec keeping height·width·3 samples per frame and no model gets.
func DownUp(clip *video.Clip, height, width int) (*video.Clip, error) {
	small, err := video.Resize(clip, height, width, video.ResizeArea)
	if err != nil {
		return nil, err
	}
	return resizeBicubic(small, clip.Height, clip.Width)
}

// keys is the cubic convolution kernel of Keys (1981) with a = -0.5.
func keys(x float64) float64 {
	const a = -0.5
	x = math.Abs(x)
	switch {
	case x <= 1:
		return ((a+2)*x-(a+3))*x*x + 1
	case x < 2:
		return ((a*x-5*a)*x+8*a)*x - 4*a
	}
	return 0
}

// cubicTaps returns, per output index, the 4 source indices (clamped) and weights of a bicubic
// resample from in to out samples.
func cubicTaps(in, out int) (idx [][4]int, wt [][4]float64) {
	idx, wt = make([][4]int, out), make([][4]float64, out)
	s := float64(in) / float64(out)
	for o := range out {
		src := (float64(o)+0.5)*s - 0.5
		base := int(math.Floor(src))
		var sum float64
		for k := range 4 {
			i := base - 1 + k
			w := keys(src - float64(i))
			idx[o][k] = min(max(i, 0), in-1)
			wt[o][k] = w
			sum += w
		}
		for k := range 4 {
			wt[o][k] /= sum
		}
	}
	return idx, wt
}

// resizeBicubic resamples every frame of c to height x width with the Keys kernel, separably
// (rows, then columns), rounding once at the end.
func resizeBicubic(c *video.Clip, height, width int) (*video.Clip, error) {
	out, err := video.NewClip(c.Frames, height, width, c.FPS)
	if err != nil {
		return nil, err
	}
	xi, xw := cubicTaps(c.Width, width)
	yi, yw := cubicTaps(c.Height, height)
	rows := make([]float64, c.Height*width*3) // one frame resampled along x
	for t := range c.Frames {
		src := c.Pix[t*c.Height*c.Width*3 : (t+1)*c.Height*c.Width*3]
		for y := range c.Height {
			for x := range width {
				for ch := range 3 {
					var v float64
					for k := range 4 {
						v += xw[x][k] * float64(src[(y*c.Width+xi[x][k])*3+ch])
					}
					rows[(y*width+x)*3+ch] = v
				}
			}
		}
		dst := out.Pix[t*height*width*3 : (t+1)*height*width*3]
		for y := range height {
			for x := range width {
				for ch := range 3 {
					var v float64
					for k := range 4 {
						v += yw[y][k] * rows[(yi[y][k]*width+x)*3+ch]
					}
					dst[(y*width+x)*3+ch] = uint8(min(max(math.Round(v), 0), 255))
				}
			}
		}
	}
	return out, nil
}

// Fidelity is the reconstruction quality of a tokenizer on clips with ground-truth object masks
// (see [MeasureFidelity]), beside the bicubic down-and-up baseline at the same budget.
type Fidelity struct {
	Clips int `json:"clips"`
	// Tokens is the number of latent positions (ids of a discrete tokenizer, latent vectors of a
	// continuous one) per clip, and Values the numbers they hold: latent floats (continuous) or
	// ids (discrete).
	Tokens int `json:"tokens_per_clip"`
	Values int `json:"values_per_clip"`
	// Vocab is the discrete tokenizer's vocabulary (0 for a continuous one).
	Vocab int `json:"vocab,omitempty"`
	// BudgetSamples is the number of 8-bit samples per clip the baseline keeps: Values for a
	// continuous tokenizer (a float per sample), and the ids' bits / 8 (ids·log2(Vocab)/8)
	// for a discrete one.
	BudgetSamples float64 `json:"budget_samples"`
	// PSNR is over every sample of every clip, ObjectPSNR over the samples of the pixels inside
	// the object masks (pooled; NaN when no clip has one), SSIM the frame-weighted mean.
	PSNR       float64 `json:"psnr_db"`
	ObjectPSNR float64 `json:"object_psnr_db"`
	SSIM       float64 `json:"ssim"`
	// ObjectFraction is the fraction of the pixels inside the masks.
	ObjectFraction float64 `json:"object_fraction"`
	// Baseline is DownUp to BaselineHeight x BaselineWidth, BaselineSize of BudgetSamples.
	BaselineHeight     int     `json:"baseline_height"`
	BaselineWidth      int     `json:"baseline_width"`
	BaselinePSNR       float64 `json:"baseline_psnr_db"`
	BaselineObjectPSNR float64 `json:"baseline_object_psnr_db"`
	BaselineSSIM       float64 `json:"baseline_ssim"`
}

// MeasureFidelity round-trips every clip through codec and measures the reconstructions
// against the clips: PSNR over whole frames and over the pixels inside masks[i] (one bool per
// pixel of clip i, Frames x Height x Width; nil: none), SSIM, and the same for the bicubic
// down-and-up baseline ([DownUp]) at the tokenizer's budget (Fidelity.BudgetSamples, from the
// tokens of the first clip). The clips must all have one size.
func MeasureFidelity(ctx context.Context, codec *Codec, clips []*video.Clip, masks [][]bool) (Fidelity, error) {
	if len(clips) == 0 || len(masks) != len(clips) {
		return Fidelity{}, fmt.Errorf("tokenizer: fidelity of %d clips with %d masks", len(clips), len(masks))
	}
	f := Fidelity{Clips: len(clips)}
	var tok, base RegionError
	var want, got, downUp []*video.Clip
	var inside, pixels int
	for i, clip := range clips {
		if clip.Frames != clips[0].Frames || clip.Height != clips[0].Height || clip.Width != clips[0].Width {
			return Fidelity{}, fmt.Errorf("tokenizer: fidelity: clip %d is %dx%dx%d, clip 0 %dx%dx%d", i,
				clip.Frames, clip.Height, clip.Width, clips[0].Frames, clips[0].Height, clips[0].Width)
		}
		rt, err := codec.RoundTripContext(ctx, clip, nil)
		if err != nil {
			return Fidelity{}, fmt.Errorf("tokenizer: fidelity: clip %d: %w", i, err)
		}
		if i == 0 {
			f.Tokens = 1
			for _, d := range rt.Tokens.Dims[:4] { // [windows, 1+k, h, w] (and the channels of a latent)
				f.Tokens *= d
			}
			if q := codec.m.FSQ(); q != nil {
				f.Vocab = q.VocabSize()
				f.Values = f.Tokens
				f.BudgetSamples = float64(f.Tokens) * math.Log2(float64(f.Vocab)) / 8
			} else {
				f.Values = f.Tokens * codec.m.cfg.LatentChannels
				f.BudgetSamples = float64(f.Values)
			}
			f.BaselineHeight, f.BaselineWidth = BaselineSize(f.BudgetSamples, clip.Frames, clip.Height, clip.Width)
		}
		du, err := DownUp(clip, f.BaselineHeight, f.BaselineWidth)
		if err != nil {
			return Fidelity{}, err
		}
		mask := masks[i]
		if mask == nil {
			mask = make([]bool, clip.Frames*clip.Height*clip.Width)
		}
		if err := tok.Add(rt.Decoded, clip, mask); err != nil {
			return Fidelity{}, fmt.Errorf("tokenizer: fidelity: clip %d: %w", i, err)
		}
		if err := base.Add(du, clip, mask); err != nil {
			return Fidelity{}, fmt.Errorf("tokenizer: fidelity: clip %d: %w", i, err)
		}
		for _, in := range mask {
			if in {
				inside++
			}
		}
		pixels += len(mask)
		want, got, downUp = append(want, clip), append(got, rt.Decoded), append(downUp, du)
	}
	q, err := MeasureContext(ctx, want, got)
	if err != nil {
		return Fidelity{}, err
	}
	b, err := MeasureContext(ctx, want, downUp)
	if err != nil {
		return Fidelity{}, err
	}
	f.PSNR, f.SSIM, f.ObjectPSNR = q.PSNR, q.SSIM, tok.PSNR()
	f.BaselinePSNR, f.BaselineSSIM, f.BaselineObjectPSNR = b.PSNR, b.SSIM, base.PSNR()
	f.ObjectFraction = float64(inside) / float64(pixels)
	return f, nil
}
