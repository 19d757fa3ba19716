package report

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"

	"github.com/wfm-platform/wfm/eval/geometry"
	"github.com/wfm-platform/wfm/video"
)

// NamedClip is a video read into memory with its name and path.
type NamedClip struct {
	Name, Path string
	Clip       *video.Clip
}

// ConsistencyVideo is the 3-D consistency of one video.
type ConsistencyVideo struct {
	Name           string   `json:"name"`
	Path           string   `json:"path"`
	Frames         int      `json:"frames"`
	Pairs          int      `json:"pairs"`
	EstimatedPairs int      `json:"estimated_pairs"`
	MeanSampson    Metric   `json:"mean_sampson_px"`
	MedianSampson  Metric   `json:"median_sampson_px"`
	PoseSuccess    Metric   `json:"pose_success_rate"`
	MeanInliers    Metric   `json:"mean_inliers"`
	PairSampson    []Metric `json:"pair_mean_sampson_px"` // per consecutive frame pair
	PairInliers    []int    `json:"pair_inliers"`
	// Detail is geometry's full measurement: every pair's matches, fundamental matrix and pose.
	Detail geometry.ClipConsistency `json:"detail"`
}

// ConsistencyResult is the 3-D consistency of a set of videos, summarized as the Cosmos
// benchmark reports it (geometry.Summarize).
type ConsistencyResult struct {
	Intrinsics    *geometry.Intrinsics `json:"intrinsics,omitempty"`
	Videos        []ConsistencyVideo   `json:"videos"`
	MedianSampson Metric               `json:"median_sampson_px"` // median over videos of their mean
	PoseSuccess   Metric               `json:"pose_success_rate"` // pooled over all pairs
	clips         []NamedClip
}

// MeasureConsistency runs geometry.ConsistencyOfClip on every video.
func MeasureConsistency(clips []NamedClip, K *geometry.Intrinsics) (*ConsistencyResult, error) {
	return MeasureConsistencyContext(context.Background(), clips, K)
}

// MeasureConsistencyContext is MeasureConsistency, stopping with ctx.Err() between videos when
// ctx is done.
func MeasureConsistencyContext(ctx context.Context, clips []NamedClip, K *geometry.Intrinsics) (*ConsistencyResult, error) {
	res := &ConsistencyResult{Intrinsics: K, clips: clips}
	var all []geometry.ClipConsistency
	for _, c := range clips {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cc, err := geometry.ConsistencyOfClip(*c.Clip, K)
		if err != nil {
			return nil, fmt.Errorf("report: consistency of %s: %w", c.Path, err)
		}
		all = append(all, cc)
		v := ConsistencyVideo{Name: c.Name, Path: c.Path, Frames: c.Clip.Frames, Pairs: len(cc.Pairs),
			EstimatedPairs: cc.EstimatedPairs, MeanSampson: Metric(cc.MeanSampson), MedianSampson: Metric(cc.MedianSampson),
			PoseSuccess: Metric(cc.PoseSuccessRate), MeanInliers: Metric(cc.MeanInliers), Detail: cc}
		for _, p := range cc.Pairs {
			v.PairSampson = append(v.PairSampson, Metric(p.MeanSampson))
			v.PairInliers = append(v.PairInliers, p.Inliers)
		}
		res.Videos = append(res.Videos, v)
	}
	s := geometry.Summarize(all)
	res.MedianSampson, res.PoseSuccess = Metric(s.MedianSampson), Metric(s.PoseSuccessRate)
	return res, nil
}

// Consistency lays out a consistency result: the summary, the per-video table, the Sampson
// error of every frame pair, and keypoint matches of the first pair of the first MaxAnimations
// videos.
func Consistency(res *ConsistencyResult) (*Document, error) {
	k := "unknown intrinsics: fundamental matrix by RANSAC"
	if res.Intrinsics != nil {
		k = fmt.Sprintf("intrinsics fx %g, fy %g, cx %g, cy %g: essential matrix", res.Intrinsics.Fx, res.Intrinsics.Fy, res.Intrinsics.Cx, res.Intrinsics.Cy)
	}
	doc := &Document{Title: "3-D consistency", Summary: []string{
		fmt.Sprintf("%d video(s); keypoints matched between consecutive frames, %s (package eval/geometry). Sampson error in pixels: mean per frame pair over inliers, mean over pairs per video, median over videos; pose success pooled over all pairs.", len(res.Videos), k),
		fmt.Sprintf("Median Sampson error %s px, pose success %s%%.", Num(float64(res.MedianSampson), 3), Num(100*float64(res.PoseSuccess), 1)),
	}}
	t := &Table{Head: []string{"video", "frames", "pairs estimated", "mean Sampson px", "median Sampson px", "pose success", "mean inliers"}}
	var series []Series
	for _, v := range res.Videos {
		t.Rows = append(t.Rows, []string{v.Name, fmt.Sprint(v.Frames), fmt.Sprintf("%d/%d", v.EstimatedPairs, v.Pairs),
			Num(float64(v.MeanSampson), 3), Num(float64(v.MedianSampson), 3), Num(100*float64(v.PoseSuccess), 1) + "%", Num(float64(v.MeanInliers), 1)})
		s := Series{Name: v.Name}
		for i, e := range v.PairSampson {
			s.X, s.Y = append(s.X, float64(i)), append(s.Y, float64(e))
		}
		if len(series) < MaxAnimations { // a legend of hundreds of lines says nothing
			series = append(series, s)
		}
	}
	doc.NewSection("Per video").Add(t)
	f, err := LinePlot("Sampson error per frame pair", "pair (frame t, t+1)", "mean Sampson error (px)", series, 5*vg.Inch, 3*vg.Inch)
	if err != nil {
		return nil, err
	}
	sec := doc.NewSection("Per frame pair")
	if len(res.Videos) > MaxAnimations {
		sec.Add(Text(fmt.Sprintf("The first %d videos of %d.", MaxAnimations, len(res.Videos))))
	}
	sec.Add(f)
	var figs Figures
	for i, c := range res.clips {
		if i == MaxAnimations || c.Clip.Frames < 2 {
			break
		}
		img, n, inl := MatchImage(c.Clip, 0, 1)
		fig, err := PNG(fmt.Sprintf("%s, frames 0 and 1: %d matches, %d RANSAC inliers (green; outliers red)", c.Name, n, inl), img)
		if err != nil {
			return nil, err
		}
		fig.Width, fig.Pixelated = img.Bounds().Dx()*max(1, 384/img.Bounds().Dx()), true
		figs = append(figs, fig)
	}
	if len(figs) > 0 {
		doc.NewSection("Keypoint matches").Add(figs)
	}
	return doc, nil
}

// MatchImage draws frames a and b of c side by side with a line for every keypoint match
// (geometry.Detect, geometry.MatchFeatures with default options), green for the inliers of a
// RANSAC fundamental matrix and red for the others. It returns the image, the number of matches
// and of inliers.
func MatchImage(c *video.Clip, a, b int) (*image.RGBA, int, int) {
	w, h := c.Width, c.Height
	img := image.NewRGBA(image.Rect(0, 0, 2*w, h))
	for i, t := range []int{a, b} {
		fr := c.Image(t)
		for y := range h {
			for x := range w {
				img.Set(x+i*w, y, fr.At(x, y))
			}
		}
	}
	opt := geometry.DefaultDetectorOptions(w, h)
	fa, fb := geometry.Detect(geometry.GrayFrame(c, a), opt), geometry.Detect(geometry.GrayFrame(c, b), opt)
	x1, x2 := geometry.MatchFeatures(fa, fb, geometry.DefaultMatchOptions())
	var inliers []bool
	if len(x1) >= 8 {
		if _, in, err := geometry.FundamentalRANSAC(x1, x2, geometry.DefaultRANSACOptions()); err == nil {
			inliers = in
		}
	}
	n := 0
	for i := range x1 {
		col := color.RGBA{R: 230, G: 40, B: 40, A: 255}
		if inliers != nil && inliers[i] {
			col = color.RGBA{R: 40, G: 220, B: 60, A: 255}
			n++
		}
		drawLine(img, x1[i].X, x1[i].Y, x2[i].X+float64(w), x2[i].Y, col)
	}
	return img, len(x1), n
}

// drawLine draws a one-pixel line between two points (pixel centres at integer coordinates)
// by stepping along its longer axis.
func drawLine(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	steps := int(math.Ceil(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))))
	for i := 0; i <= steps; i++ {
		f := 0.0
		if steps > 0 {
			f = float64(i) / float64(steps)
		}
		img.SetRGBA(int(math.Round(x0+f*(x1-x0))), int(math.Round(y0+f*(y1-y0))), c)
	}
}
