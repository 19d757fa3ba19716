package report

import (
	"context"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"

	"github.com/wfm-platform/wfm/eval"
	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// Metric is a measured value in a result (eval.Metric): NaN and infinities are written to
// JSON as null.
type Metric = eval.Metric

func metrics(v []float64) []Metric {
	out := make([]Metric, len(v))
	for i, x := range v {
		out[i] = Metric(x)
	}
	return out
}

// VideoPair is a predicted video and its reference, read into memory.
type VideoPair struct {
	Name      string
	PredPath  string
	RefPath   string
	Pred, Ref *video.Clip
}

// FidelityVideo is the fidelity of one predicted video.
type FidelityVideo struct {
	Name   string   `json:"name"`
	Pred   string   `json:"pred"`
	Ref    string   `json:"ref"`
	Frames int      `json:"frames"`
	PSNR   Metric   `json:"psnr"` // dB, mean over frames; identical frames count as physics.MaxPSNR
	SSIM   Metric   `json:"ssim"` // mean over frames
	PSNRs  []Metric `json:"psnr_per_frame"`
	SSIMs  []Metric `json:"ssim_per_frame"`
}

// FidelityResult is the fidelity of a set of predicted videos.
type FidelityResult struct {
	Luma   bool            `json:"luma"` // metrics on BT.601 luma instead of RGB
	Videos []FidelityVideo `json:"videos"`
	PSNR   Metric          `json:"psnr"` // mean over videos of their mean
	SSIM   Metric          `json:"ssim"`
	pairs  []VideoPair
}

// MeasureFidelity scores every pair with video/quality's PSNR and SSIM (on luma when luma is
// set, else on RGB). An identical frame's PSNR is infinite; it counts as physics.MaxPSNR
// (100 dB), as in the physical-alignment benchmark, so that means stay finite.
func MeasureFidelity(pairs []VideoPair, luma bool) (*FidelityResult, error) {
	return MeasureFidelityContext(context.Background(), pairs, luma)
}

// MeasureFidelityContext is MeasureFidelity, stopping with ctx.Err() between videos when ctx
// is done.
func MeasureFidelityContext(ctx context.Context, pairs []VideoPair, luma bool) (*FidelityResult, error) {
	res := &FidelityResult{Luma: luma, pairs: pairs}
	opt := quality.Options{Luma: luma}
	var ps, ss []float64
	for _, p := range pairs {
		switch pr, rf := p.Pred, p.Ref; {
		case pr.Frames != rf.Frames:
			return nil, fmt.Errorf("report: %s has %d frames, its reference %s %d: %w", p.PredPath, pr.Frames, p.RefPath, rf.Frames, ErrMismatch)
		case pr.Width != rf.Width || pr.Height != rf.Height:
			return nil, fmt.Errorf("report: %s is %dx%d, its reference %s %dx%d: %w", p.PredPath, pr.Width, pr.Height,
				p.RefPath, rf.Width, rf.Height, ErrMismatch)
		}
	}
	for _, p := range pairs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		psnr, _, err := quality.PSNRWithOptions(*p.Pred, *p.Ref, opt)
		if err != nil {
			return nil, fmt.Errorf("report: fidelity of %s against %s: %w", p.PredPath, p.RefPath, err)
		}
		ssim, sm, err := quality.SSIM(*p.Pred, *p.Ref, opt)
		if err != nil {
			return nil, fmt.Errorf("report: fidelity of %s against %s: %w", p.PredPath, p.RefPath, err)
		}
		for i, v := range psnr {
			psnr[i] = min(v, physics.MaxPSNR)
		}
		pm := meanFinite(psnr)
		res.Videos = append(res.Videos, FidelityVideo{Name: p.Name, Pred: p.PredPath, Ref: p.RefPath, Frames: p.Pred.Frames,
			PSNR: Metric(pm), SSIM: Metric(sm), PSNRs: metrics(psnr), SSIMs: metrics(ssim)})
		ps, ss = append(ps, pm), append(ss, sm)
	}
	res.PSNR, res.SSIM = Metric(meanFinite(ps)), Metric(meanFinite(ss))
	return res, nil
}

// meanFinite averages the finite values (NaN when there are none).
func meanFinite(v []float64) float64 {
	var s, n float64
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / n
}

// Bounds on the animations of a report, which dominate its size: at most MaxAnimations of
// them, each clip cut to its first MaxAnimationFrames frames and scaled down (area averaging)
// to fit MaxAnimationSide pixels.
const (
	MaxAnimations      = 8
	MaxAnimationFrames = 64
	MaxAnimationSide   = 192
)

// thumbnail returns a copy of c within the animation bounds.
func thumbnail(c *video.Clip) (*video.Clip, error) {
	c = c.Slice(0, min(c.Frames, MaxAnimationFrames)).Clone()
	if c.Width <= MaxAnimationSide && c.Height <= MaxAnimationSide {
		return c, nil
	}
	f := float64(MaxAnimationSide) / float64(max(c.Width, c.Height))
	return video.Resize(c, max(1, int(float64(c.Height)*f)), max(1, int(float64(c.Width)*f)), video.ResizeArea)
}

// Fidelity lays out a fidelity result: the table, per-frame PSNR and SSIM plots, and
// prediction/reference animations of the first MaxAnimations videos.
func Fidelity(res *FidelityResult) (*Document, error) {
	space := "RGB"
	if res.Luma {
		space = "BT.601 luma"
	}
	doc := &Document{Title: "Visual fidelity", Summary: []string{fmt.Sprintf(
		"%d predicted video(s) against their references: PSNR (8-bit peak, %s; identical frames count as 100 dB) and SSIM (Gaussian 11x11 window, sigma 1.5, K1 0.01, K2 0.03, Wang et al. 2004; %s). Mean over videos: PSNR %s dB, SSIM %s.",
		len(res.Videos), space, space, Num(float64(res.PSNR), 2), Num(float64(res.SSIM), 4))}}
	t := &Table{Head: []string{"video", "frames", "PSNR dB", "SSIM", "prediction", "reference"}}
	var psnr, ssim []Series
	for _, v := range res.Videos {
		t.Rows = append(t.Rows, []string{v.Name, fmt.Sprint(v.Frames), Num(float64(v.PSNR), 2), Num(float64(v.SSIM), 4), v.Pred, v.Ref})
		ps, ss := Series{Name: v.Name}, Series{Name: v.Name}
		for i := range v.PSNRs {
			ps.X, ps.Y = append(ps.X, float64(i)), append(ps.Y, float64(v.PSNRs[i]))
			ss.X, ss.Y = append(ss.X, float64(i)), append(ss.Y, float64(v.SSIMs[i]))
		}
		if len(psnr) < MaxAnimations { // a legend of hundreds of lines says nothing
			psnr, ssim = append(psnr, ps), append(ssim, ss)
		}
	}
	doc.NewSection("Per video").Add(t)
	pf, err := LinePlot("PSNR per frame", "frame", "PSNR (dB)", psnr, 4.5*vg.Inch, 3*vg.Inch)
	if err != nil {
		return nil, err
	}
	sf, err := LinePlot("SSIM per frame", "frame", "SSIM", ssim, 4.5*vg.Inch, 3*vg.Inch)
	if err != nil {
		return nil, err
	}
	sec := doc.NewSection("Per frame")
	if len(res.Videos) > MaxAnimations {
		sec.Add(Text(fmt.Sprintf("The first %d videos of %d.", MaxAnimations, len(res.Videos))))
	}
	sec.Add(Figures{pf, sf})
	var figs Figures
	for i, p := range res.pairs {
		if i == MaxAnimations {
			break
		}
		pred, err := thumbnail(p.Pred)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", p.Name, err)
		}
		ref, err := thumbnail(p.Ref)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", p.Name, err)
		}
		pred.FPS = ref.FPS // shown at the reference's rate; a folder of PNGs carries none
		grid, err := video.Grid([]*video.Clip{pred, ref}, []string{"pred", "ref"}, video.GridOptions{Columns: 2, Gap: 2,
			Background: color.RGBA{R: 255, G: 255, B: 255, A: 255}, LabelColor: color.RGBA{A: 255}})
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", p.Name, err)
		}
		f, err := GIF(p.Name, grid, max(1, MaxAnimationSide/max(1, pred.Width)))
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	if len(figs) > 0 {
		doc.NewSection("Prediction and reference").Add(figs)
	}
	return doc, nil
}
