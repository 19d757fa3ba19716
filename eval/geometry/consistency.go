package geometry

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/wfm-platform/wfm/video"
)

// SuccessCriteria define when the relative pose of a frame pair counts as
// estimated (see the package documentation).
type SuccessCriteria struct {
	// MinInliers is the least number of RANSAC inliers.
	MinInliers int
	// MinInlierRatio is the least fraction of matches that are inliers.
	MinInlierRatio float64
	// MinFrontFraction is the least fraction of inliers that the chosen
	// decomposition puts in front of both cameras (known intrinsics only).
	MinFrontFraction float64
	// MaxRotationDeg and MaxTranslationDeg bound the rotation error and the
	// translation-direction error against ground truth (when given).
	MaxRotationDeg, MaxTranslationDeg float64
}

// DefaultSuccessCriteria: at least 15 inliers making up at least a quarter of
// the matches, 90% of them in front of both cameras, and against ground truth
// a rotation error below 5 degrees and a translation direction within 30
// degrees.
func DefaultSuccessCriteria() SuccessCriteria {
	return SuccessCriteria{MinInliers: 15, MinInlierRatio: 0.25, MinFrontFraction: 0.9, MaxRotationDeg: 5, MaxTranslationDeg: 30}
}

// Options configures ConsistencyOfClipWith.
type Options struct {
	Detector DetectorOptions
	Match    MatchOptions
	RANSAC   RANSACOptions
	Success  SuccessCriteria
	// Truth optionally holds the world-to-camera pose of every frame; with
	// intrinsics, pose success is then also judged against the true relative
	// motion (without them there is no estimated motion to compare).
	Truth []Pose
}

// DefaultOptions returns the options ConsistencyOfClip uses for frames of the
// given size.
func DefaultOptions(width, height int) Options {
	return Options{
		Detector: DefaultDetectorOptions(width, height),
		Match:    DefaultMatchOptions(),
		RANSAC:   DefaultRANSACOptions(),
		Success:  DefaultSuccessCriteria(),
	}
}

// PairConsistency is the measurement of one pair of consecutive frames.
type PairConsistency struct {
	// From and To are the frame indices (To = From + 1).
	From, To int
	// Keypoints found in each frame, mutual ratio-test matches, and RANSAC
	// inliers among them.
	Keypoints1, Keypoints2 int
	Matches, Inliers       int
	// Estimated is false when no fundamental matrix could be fitted (too few
	// matches or a degenerate configuration); the Sampson values are then NaN.
	Estimated bool
	// F is the fundamental matrix the Sampson error is measured against
	// (x2' F x1 = 0, unit norm): the RANSAC estimate, or with intrinsics the
	// one of the essential matrix, K^-T E K^-1.
	F Mat3
	// MeanSampson and MedianSampson are the mean and median Sampson distance,
	// in pixels, of the inlier correspondences under F.
	MeanSampson, MedianSampson float64
	// MeanSampsonMatches is the mean Sampson distance of all matches under F.
	MeanSampsonMatches float64
	// Pose is the estimated relative motion (unit translation), set when
	// intrinsics were given and the essential matrix decomposed;
	// FrontFraction is the share of inliers in front of both cameras.
	Pose          *Pose
	FrontFraction float64
	// RotationErrorDeg and TranslationErrorDeg compare Pose with the ground
	// truth when it was given (NaN otherwise, or for translation when the
	// true camera did not move).
	RotationErrorDeg, TranslationErrorDeg float64
	// PoseOK says whether the pair meets the success criteria.
	PoseOK bool
}

// ClipConsistency is the 3-D consistency of a clip: its frame pairs and their
// aggregates.
type ClipConsistency struct {
	Width, Height int
	Pairs         []PairConsistency
	// EstimatedPairs counts the pairs with a fundamental matrix.
	EstimatedPairs int
	// MeanSampson is the mean over estimated pairs of their mean Sampson
	// distance; MedianSampson the median over estimated pairs of their median.
	// Both are NaN when no pair was estimated.
	MeanSampson, MedianSampson float64
	// PoseSuccessRate is the fraction of all pairs with PoseOK.
	PoseSuccessRate float64
	// MeanInliers is the mean number of inliers over all pairs.
	MeanInliers float64
}

// ErrShortClip is returned for clips with fewer than two frames.
var ErrShortClip = errors.New("clip has fewer than two frames")

// ConsistencyOfClip measures every pair of consecutive frames of c with the
// default options. K, when not nil, are the camera intrinsics: the pose is
// then recovered from the essential matrix and the Sampson error measured
// against the fundamental matrix of that essential matrix.
func ConsistencyOfClip(c video.Clip, K *Intrinsics) (ClipConsistency, error) {
	return ConsistencyOfClipWith(c, K, DefaultOptions(c.Width, c.Height))
}

// ConsistencyOfClipWith is ConsistencyOfClip with explicit options. Frames
// and pairs are processed in parallel; pair i uses RANSAC seed
// opt.RANSAC.Seed + i, so results do not depend on the number of cores.
func ConsistencyOfClipWith(c video.Clip, K *Intrinsics, opt Options) (ClipConsistency, error) {
	if err := c.Validate(); err != nil {
		return ClipConsistency{}, fmt.Errorf("geometry: consistency: %w", err)
	}
	if c.Frames < 2 {
		return ClipConsistency{}, fmt.Errorf("geometry: consistency of %v: %w", &c, ErrShortClip)
	}
	if K != nil {
		if err := K.Validate(); err != nil {
			return ClipConsistency{}, err
		}
	}
	if opt.Truth != nil && len(opt.Truth) != c.Frames {
		return ClipConsistency{}, fmt.Errorf("geometry: consistency: %d true poses for %d frames", len(opt.Truth), c.Frames)
	}
	feats := make([]*Features, c.Frames)
	parallelFor(c.Frames, func(t int) { feats[t] = Detect(GrayFrame(&c, t), opt.Detector) })
	pairs := make([]PairConsistency, c.Frames-1)
	parallelFor(len(pairs), func(i int) {
		o := opt.RANSAC
		o.Seed += uint64(i)
		var rel *Pose
		if opt.Truth != nil {
			r := RelativePose(opt.Truth[i], opt.Truth[i+1])
			rel = &r
		}
		pairs[i] = measurePair(feats[i], feats[i+1], K, opt.Match, o, opt.Success, rel)
		pairs[i].From, pairs[i].To = i, i+1
	})
	return summarize(c.Width, c.Height, pairs), nil
}

func parallelFor(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// MatchFeatures matches the features of two images and returns the matched
// positions, x1[k] in the first image corresponding to x2[k] in the second.
func MatchFeatures(a, b *Features, opt MatchOptions) (x1, x2 []Point) {
	for _, m := range MatchDescriptors(a.Descriptors, b.Descriptors, opt) {
		ka, kb := a.Keypoints[m.I], b.Keypoints[m.J]
		x1 = append(x1, Point{ka.X, ka.Y})
		x2 = append(x2, Point{kb.X, kb.Y})
	}
	return x1, x2
}

// measurePair matches two frames, fits F by RANSAC and, with intrinsics,
// the essential matrix and relative pose.
func measurePair(a, b *Features, K *Intrinsics, mo MatchOptions, ro RANSACOptions, sc SuccessCriteria, truth *Pose) PairConsistency {
	p := PairConsistency{
		Keypoints1: len(a.Keypoints), Keypoints2: len(b.Keypoints),
		MeanSampson: math.NaN(), MedianSampson: math.NaN(), MeanSampsonMatches: math.NaN(),
		RotationErrorDeg: math.NaN(), TranslationErrorDeg: math.NaN(),
	}
	x1, x2 := MatchFeatures(a, b, mo)
	p.Matches = len(x1)
	var F Mat3
	var inl []bool
	var err error
	if K == nil {
		F, inl, err = FundamentalRANSAC(x1, x2, ro)
		if err != nil {
			return p
		}
	} else {
		var E Mat3
		E, inl, err = EssentialRANSAC(x1, x2, *K, *K, ro)
		if err != nil {
			return p
		}
		F = FundamentalFromEssential(E, *K, *K)
		pose, front, err := RecoverPose(E, *K, *K, x1, x2, inl)
		if err == nil {
			// Refine on the inliers, then once more on the inliers of the
			// refined model.
			thr := ro.Threshold
			for range 2 {
				pose = RefinePose(pose, *K, *K, x1, x2, inl)
				F = FundamentalFromEssential(EssentialFromPose(pose), *K, *K)
				for i := range x1 {
					inl[i] = SampsonError(F, x1[i], x2[i]) < thr
				}
			}
			// Refinement keeps the direction of t up to sign; keep the sign
			// that puts more points in front of both cameras.
			front = FrontFraction(pose, *K, *K, x1, x2, inl)
			flip := Pose{R: pose.R, T: Vec3{X: -pose.T.X, Y: -pose.T.Y, Z: -pose.T.Z}}
			if ff := FrontFraction(flip, *K, *K, x1, x2, inl); ff > front {
				pose, front = flip, ff
			}
			p.Pose, p.FrontFraction = &pose, front
		}
	}
	p.Estimated = true
	p.F = F
	for _, ok := range inl {
		if ok {
			p.Inliers++
		}
	}
	okInliers := p.Inliers >= sc.MinInliers && float64(p.Inliers) >= sc.MinInlierRatio*float64(p.Matches)
	p.PoseOK = okInliers
	if K != nil {
		p.PoseOK = okInliers && p.Pose != nil && p.FrontFraction >= sc.MinFrontFraction
	}
	if truth != nil && p.Pose != nil {
		p.RotationErrorDeg = RotationErrorDeg(p.Pose.R, truth.R)
		tn := truth.T.Norm()
		if tn > 1e-9 {
			p.TranslationErrorDeg = DirectionErrorDeg(p.Pose.T, truth.T)
		}
		p.PoseOK = p.PoseOK && p.RotationErrorDeg <= sc.MaxRotationDeg &&
			(math.IsNaN(p.TranslationErrorDeg) || p.TranslationErrorDeg <= sc.MaxTranslationDeg)
	}
	var errs []float64
	var all float64
	for i := range x1 {
		e := SampsonError(p.F, x1[i], x2[i])
		all += e
		if inl[i] {
			errs = append(errs, e)
		}
	}
	p.MeanSampsonMatches = all / float64(len(x1))
	if len(errs) > 0 {
		p.MeanSampson = mean(errs)
		p.MedianSampson = Median(errs)
	}
	return p
}

func summarize(w, h int, pairs []PairConsistency) ClipConsistency {
	cc := ClipConsistency{Width: w, Height: h, Pairs: pairs, MeanSampson: math.NaN(), MedianSampson: math.NaN()}
	var means, medians []float64
	var ok, inl int
	for _, p := range pairs {
		if p.PoseOK {
			ok++
		}
		inl += p.Inliers
		if p.Estimated && !math.IsNaN(p.MeanSampson) {
			cc.EstimatedPairs++
			means = append(means, p.MeanSampson)
			medians = append(medians, p.MedianSampson)
		}
	}
	if len(means) > 0 {
		cc.MeanSampson = mean(means)
		cc.MedianSampson = Median(medians)
	}
	cc.PoseSuccessRate = float64(ok) / float64(len(pairs))
	cc.MeanInliers = float64(inl) / float64(len(pairs))
	return cc
}

// Summary aggregates clips the way the Cosmos benchmark reports them.
type Summary struct {
	Clips int
	// MedianSampson is the median over clips of their MeanSampson (clips
	// without any estimated pair are left out; NaN if none is left).
	MedianSampson float64
	// PoseSuccessRate pools the pairs of all clips.
	PoseSuccessRate float64
}

// Summarize returns the median over videos of the per-video Sampson error and
// the pooled pose-success rate.
func Summarize(clips []ClipConsistency) Summary {
	s := Summary{Clips: len(clips), MedianSampson: math.NaN()}
	var v []float64
	var ok, n int
	for _, c := range clips {
		if !math.IsNaN(c.MeanSampson) {
			v = append(v, c.MeanSampson)
		}
		for _, p := range c.Pairs {
			n++
			if p.PoseOK {
				ok++
			}
		}
	}
	if len(v) > 0 {
		s.MedianSampson = Median(v)
	}
	if n > 0 {
		s.PoseSuccessRate = float64(ok) / float64(n)
	}
	return s
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// Median returns the median of v (the mean of the two middle values for an
// even count), NaN for an empty slice. v is not modified.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.SortFunc(s, cmp.Compare[float64])
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
