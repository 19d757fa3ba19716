package curate

import (
	"fmt"
	"math"
	"sort"

	"github.com/wfm-platform/wfm/video"
)

// Splitter cuts a decoded source video into candidate clips (spans of frames). Splitting only
// looks at one source, so it runs wherever that source is decoded.
type Splitter interface {
	// Split returns the shots of c in order, and the transitions found between them.
	Split(c *video.Clip) ([]Span, []Transition)
}

// Transition is a boundary between two shots. A hard cut has Start == End: the frame index
// where the new shot begins. A gradual transition (a fade through a flat frame) covers frames
// [Start, End) that belong to neither shot.
type Transition struct {
	Kind  string  `json:"kind"` // "cut" or "fade"
	Start int     `json:"start"`
	End   int     `json:"end"`
	Score float64 `json:"score"`
}

// ShotDetector finds shot boundaries from frame-to-frame changes.
//
// For every pair of consecutive frames it computes, at analysis scale:
//   - the colour-histogram distance: half the L1 distance between 4x4x4-bin joint RGB
//     histograms, in [0, 1] (histogram differencing, Zhang, Kankanhalli and Smoliar,
//     "Automatic partitioning of full-motion video", Multimedia Systems 1(1), 1993);
//   - the edge change ratio: with E_t the Sobel edge pixels of frame t and E'_t those
//     dilated by two pixels, ECR = max(|E_t \ E'_{t-1}| / |E_t|, |E_{t-1} \ E'_t| / |E_{t-1}|)
//     (Zabih, Miller and Mai, "A feature-based algorithm for detecting and classifying scene
//     breaks", ACM Multimedia 1995);
//   - the layout change: the mean absolute difference of 8x8-block luma means, over 255.
//
// The score is their weighted sum. A hard cut is a score that is a local maximum within
// two frames, at least MinScore, and at least K standard deviations above the mean of the
// scores in a window of Window frames on each side (the adaptive threshold: a shot full of
// motion has high scores everywhere and needs a larger jump to cut; Yeo and Liu, "Rapid scene
// analysis on compressed video", IEEE TCSVT 5(6), 1995, use the same local-window test).
//
// Fades are found first, because during a fade every score is high and edges vanish: a run of
// flat frames (luma standard deviation below FlatStd and mean luma near black or white, the
// frame a fade passes through) is extended on each side for as long as the mean luma keeps
// moving towards it or the contrast keeps falling towards it (the fade-out), and the reverse
// after it (the fade-in), up to maxFadeFrames. Those frames belong to no shot, and no hard cut
// is looked for inside them. Dissolves (cross-fades between two shots) are not detected.
type ShotDetector struct {
	Window    int     // frames on each side of the adaptive threshold window (default 12)
	K         float64 // standard deviations above the local mean (default 3)
	MinScore  float64 // absolute floor of a cut score (default 0.2)
	MinGap    int     // fewest frames between two cuts (default 4)
	FlatStd   float64 // luma standard deviation of a flat (fade) frame (default 4)
	WHist     float64 // weight of the histogram distance (default 0.4)
	WEdge     float64 // weight of the edge change ratio (default 0.2)
	WLayout   float64 // weight of the layout change (default 0.4)
	EdgeLevel float64 // Sobel magnitude of an edge pixel, on 0..255 luma (default 48)
}

// DefaultShotDetector returns the detector with the documented defaults.
func DefaultShotDetector() ShotDetector {
	return ShotDetector{Window: 12, K: 3, MinScore: 0.2, MinGap: 4, FlatStd: 4, WHist: 0.4, WEdge: 0.2, WLayout: 0.4, EdgeLevel: 48}
}

// frameFeatures are what the detector keeps of one frame.
type frameFeatures struct {
	hist   [64]float32
	edges  []bool
	dilate []bool
	nEdge  int
	layout []float32
	std    float64
	mean   float64
}

func (d ShotDetector) features(c *video.Clip, t int) frameFeatures {
	rgb := rgbOf(c, t)
	w, h := rgb[0].w, rgb[0].h
	var f frameFeatures
	lum := plane{w: w, h: h, v: make([]float32, w*h)}
	for i := range lum.v {
		r, g, b := rgb[0].v[i], rgb[1].v[i], rgb[2].v[i]
		lum.v[i] = 0.299*r + 0.587*g + 0.114*b
		bin := min(int(r)/64, 3)*16 + min(int(g)/64, 3)*4 + min(int(b)/64, 3)
		f.hist[bin]++
	}
	for i := range f.hist {
		f.hist[i] /= float32(w * h)
	}
	f.mean, f.std = meanStd(lum.v)
	f.edges = make([]bool, w*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			gx := lum.at(x+1, y-1) + 2*lum.at(x+1, y) + lum.at(x+1, y+1) - lum.at(x-1, y-1) - 2*lum.at(x-1, y) - lum.at(x-1, y+1)
			gy := lum.at(x-1, y+1) + 2*lum.at(x, y+1) + lum.at(x+1, y+1) - lum.at(x-1, y-1) - 2*lum.at(x, y-1) - lum.at(x+1, y-1)
			if math.Hypot(float64(gx), float64(gy)) > d.EdgeLevel {
				f.edges[y*w+x] = true
				f.nEdge++
			}
		}
	}
	const r = 2
	f.dilate = make([]bool, w*h)
	for y := range h {
		for x := range w {
			if !f.edges[y*w+x] {
				continue
			}
			for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
				for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
					f.dilate[yy*w+xx] = true
				}
			}
		}
	}
	f.layout = make([]float32, 64)
	var cnt [64]float32
	for y := range h {
		for x := range w {
			b := (y*8/h)*8 + x*8/w
			f.layout[b] += lum.v[y*w+x]
			cnt[b]++
		}
	}
	for i := range f.layout {
		if cnt[i] > 0 {
			f.layout[i] /= cnt[i]
		}
	}
	return f
}

// flat reports whether a frame is the black or white frame a fade passes through: almost no
// contrast, and a mean luma within 24 codes of black or white (a flat mid-grey frame is a dull
// shot, not a fade).
func (d ShotDetector) flat(f *frameFeatures) bool {
	return f.std < d.FlatStd && (f.mean < 24 || f.mean > 231)
}

// pairScore is the weighted change score between consecutive frames a and b.
func (d ShotDetector) pairScore(a, b *frameFeatures) float64 {
	var hd float64
	for i := range a.hist {
		hd += math.Abs(float64(a.hist[i] - b.hist[i]))
	}
	hd /= 2
	var ecr float64
	if a.nEdge > 0 && b.nEdge > 0 {
		in, out := 0, 0
		for i := range b.edges {
			if b.edges[i] && !a.dilate[i] {
				in++
			}
			if a.edges[i] && !b.dilate[i] {
				out++
			}
		}
		ecr = math.Max(float64(in)/float64(b.nEdge), float64(out)/float64(a.nEdge))
	} else if a.nEdge+b.nEdge > 0 {
		ecr = 1
	}
	var ld float64
	for i := range a.layout {
		ld += math.Abs(float64(a.layout[i] - b.layout[i]))
	}
	ld /= float64(len(a.layout)) * 255
	// The layout term saturates at a quarter of full scale: a change that large is a new shot.
	ld = math.Min(1, ld*4)
	return d.WHist*hd + d.WEdge*ecr + d.WLayout*ld
}

// Detect returns the transitions of c and the per-frame scores (scores[t] compares frames t-1
// and t; scores[0] is 0).
func (d ShotDetector) Detect(c *video.Clip) ([]Transition, []float64) {
	n := c.Frames
	feats := make([]frameFeatures, n)
	for t := range n {
		feats[t] = d.features(c, t)
	}
	scores := make([]float64, n)
	for t := 1; t < n; t++ {
		scores[t] = d.pairScore(&feats[t-1], &feats[t])
	}
	var trans []Transition
	inFade := make([]bool, n)
	for t := 0; t < n; {
		if !d.flat(&feats[t]) {
			t++
			continue
		}
		a, b := t, t
		for b < n && d.flat(&feats[b]) {
			b++
		}
		t = b
		// Extend over the fade-out before the flat run and the fade-in after it.
		// Fading to or from black the mean luma rises away from the flat run, fading to or from
		// white it falls; the contrast rises either way.
		sign := 1.0
		if feats[t-1].mean > 127 {
			sign = -1
		}
		ramp := func(near, far *frameFeatures) bool {
			return sign*(far.mean-near.mean) > fadeMeanStep || far.std > near.std+fadeStdStep
		}
		for a > 0 && t-1-a < maxFadeFrames && ramp(&feats[a], &feats[a-1]) {
			a--
		}
		for end := b; b < n && b-end < maxFadeFrames && ramp(&feats[b-1], &feats[b]); {
			b++
		}
		for i := a; i < b; i++ {
			inFade[i] = true
		}
		if a > 0 && b < n {
			trans = append(trans, Transition{Kind: "fade", Start: a, End: b, Score: 1})
		} else {
			// A fade from or to black at the very start or end trims the video without a boundary.
			trans = append(trans, Transition{Kind: "trim", Start: a, End: b})
		}
	}
	var cuts []Transition
	for t := 1; t < n; t++ {
		s := scores[t]
		if s < d.MinScore || inFade[t] || inFade[t-1] {
			continue
		}
		peak := true
		for u := max(1, t-2); u <= min(n-1, t+2); u++ {
			if u != t && (scores[u] > s || (scores[u] == s && u < t)) {
				peak = false
			}
		}
		if !peak {
			continue
		}
		var win []float64
		for u := max(1, t-d.Window); u <= min(n-1, t+d.Window); u++ {
			if u < t-1 || u > t+1 {
				win = append(win, scores[u])
			}
		}
		m, sd := meanStd64(win)
		if len(win) > 0 && s < m+d.K*sd {
			continue
		}
		cuts = append(cuts, Transition{Kind: "cut", Start: t, End: t, Score: s})
	}
	// Enforce MinGap: of two cuts closer than that, the weaker goes.
	sort.SliceStable(cuts, func(i, j int) bool { return cuts[i].Score > cuts[j].Score })
	var kept []Transition
	for _, c := range cuts {
		ok := true
		for _, k := range kept {
			if abs(c.Start-k.Start) < d.MinGap {
				ok = false
			}
		}
		if ok {
			kept = append(kept, c)
		}
	}
	trans = append(trans, kept...)
	sort.Slice(trans, func(i, j int) bool { return trans[i].Start < trans[j].Start })
	return trans, scores
}

// Split implements Splitter: the shots are the frames between transitions.
func (d ShotDetector) Split(c *video.Clip) ([]Span, []Transition) {
	trans, _ := d.Detect(c)
	var shots []Span
	start := 0
	var bounds []Transition
	for _, tr := range trans {
		if tr.Start > start {
			shots = append(shots, Span{start, tr.Start})
		}
		start = max(start, tr.End)
		if tr.Kind != "trim" {
			bounds = append(bounds, tr)
		}
	}
	if start < c.Frames {
		shots = append(shots, Span{start, c.Frames})
	}
	return shots, bounds
}

// StrideSplitter cuts every source into consecutive pieces of Frames frames (the last piece
// keeps what is left), ignoring content: the fixed-stride splitting Cosmos offers next to shot
// detection, for sources known to be one continuous shot.
type StrideSplitter struct{ Frames int }

// Split implements Splitter.
func (s StrideSplitter) Split(c *video.Clip) ([]Span, []Transition) {
	if s.Frames < 1 {
		panic(fmt.Sprintf("curate: stride of %d frames", s.Frames))
	}
	var spans []Span
	for a := 0; a < c.Frames; a += s.Frames {
		spans = append(spans, Span{a, min(c.Frames, a+s.Frames)})
	}
	return spans, nil
}

// LengthPolicy bounds clip lengths in frames: shots shorter than Min are dropped, and shots
// longer than Max are cut into the fewest near-equal pieces of at most Max frames.
type LengthPolicy struct{ Min, Max int }

// Apply returns the clips made from shots, and the shots dropped as too short.
func (p LengthPolicy) Apply(shots []Span) (clips, short []Span) {
	for _, s := range shots {
		if s.Len() < max(1, p.Min) {
			short = append(short, s)
			continue
		}
		if p.Max <= 0 || s.Len() <= p.Max {
			clips = append(clips, s)
			continue
		}
		pieces := (s.Len() + p.Max - 1) / p.Max
		for i := range pieces {
			a := s.Start + i*s.Len()/pieces
			b := s.Start + (i+1)*s.Len()/pieces
			if b-a >= max(1, p.Min) {
				clips = append(clips, Span{a, b})
			} else {
				short = append(short, Span{a, b})
			}
		}
	}
	return clips, short
}

// A fade in progress changes, per frame, the mean luma by more than fadeMeanStep codes (a
// 4-frame fade of a shot of mean 100 moves it by 20 per frame) or the luma standard deviation
// by more than fadeStdStep, and lasts at most maxFadeFrames on each side of the flat frames.
const (
	fadeMeanStep  = 1.5
	fadeStdStep   = 0.5
	maxFadeFrames = 24
)

func meanStd64(v []float64) (float64, float64) {
	if len(v) == 0 {
		return 0, 0
	}
	var s, ss float64
	for _, x := range v {
		s += x
		ss += x * x
	}
	m := s / float64(len(v))
	return m, math.Sqrt(math.Max(0, ss/float64(len(v))-m*m))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
