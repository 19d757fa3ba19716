package curate

import (
	"context"
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// Motion measures how much a clip moves by block matching on luma at analysis scale: each
// 8x8 block of frame t is searched for in frame t-1 within +-4 pixels by the sum of absolute
// differences (exhaustive block matching, the motion estimator of MPEG-era encoders; see
// Jain and Jain, "Displacement measurement and its application in interframe image coding",
// IEEE Trans. Communications 29(12), 1981). Flat blocks (luma standard deviation under 2)
// have no reliable match and count as still. Motion is the mean displacement over all blocks
// and frame pairs. The global (camera) displacement of a frame pair is the whole-frame shift
// that matches best (globalShift), and Shakiness is the mean length of the change of that
// global vector from one frame pair to the next: a steady pan has a constant global vector and scores 0,
// a hand-held jitter flips it every frame. Both are in pixels per frame at a 64-pixel short
// side, so they do not depend on the clip's resolution.
func Motion(c *video.Clip) (motion, shakiness float64) {
	if c.Frames < 2 {
		return 0, 0
	}
	const block, radius = 8, 4
	scale := float64(analysisSide) / float64(min(analysisSize(c.Width, c.Height)))
	prev := lumaOf(c, 0)
	var sum float64
	var count int
	var globals [][2]float64
	for t := 1; t < c.Frames; t++ {
		cur := lumaOf(c, t)
		for by := 0; by+block <= cur.h; by += block {
			for bx := 0; bx+block <= cur.w; bx += block {
				count++
				if blockStd(cur, bx, by, block) < 2 {
					continue
				}
				best, bdx, bdy := float32(math.MaxFloat32), 0, 0
				for dy := -radius; dy <= radius; dy++ {
					for dx := -radius; dx <= radius; dx++ {
						if bx+dx < 0 || by+dy < 0 || bx+dx+block > cur.w || by+dy+block > cur.h {
							continue
						}
						var sad float32
						for y := range block {
							row := cur.v[(by+y)*cur.w+bx : (by+y)*cur.w+bx+block]
							prow := prev.v[(by+dy+y)*prev.w+bx+dx : (by+dy+y)*prev.w+bx+dx+block]
							for x, v := range row {
								d := v - prow[x]
								if d < 0 {
									d = -d
								}
								sad += d
							}
							if sad > best {
								break // cannot win any more
							}
						}
						// Prefer the shorter vector on ties, so flat-ish blocks stay still.
						if sad < best || (sad == best && dx*dx+dy*dy < bdx*bdx+bdy*bdy) {
							best, bdx, bdy = sad, dx, dy
						}
					}
				}
				sum += math.Hypot(float64(bdx), float64(bdy))
			}
		}
		globals = append(globals, globalShift(prev, cur, globalRadius))
		prev = cur
	}
	if count > 0 {
		motion = sum / float64(count) * scale
	}
	for i := 1; i < len(globals); i++ {
		shakiness += math.Hypot(globals[i][0]-globals[i-1][0], globals[i][1]-globals[i-1][1])
	}
	if len(globals) > 1 {
		shakiness = shakiness / float64(len(globals)-1) * scale
	}
	return motion, shakiness
}

// globalRadius is the largest camera displacement globalShift looks for, in analysis pixels.
const globalRadius = 8

// globalShift finds the displacement (dx, dy), |dx|, |dy| <= r, that best maps the central
// part of cur (a margin of r left out) onto prev by mean absolute difference: the motion of
// the whole picture, which is the camera's when the background fills most of the frame. It
// searches coarse to fine (Lucas-Kanade-style pyramids, Bouguet 2001): the full range on
// frames halved twice, then +-1 pixel around the doubled estimate at each finer level.
func globalShift(prev, cur plane, r int) [2]float64 {
	levels := [][2]plane{{prev, cur}}
	for l := 0; l < 2 && levels[l][1].w >= 16 && levels[l][1].h >= 16; l++ {
		levels = append(levels, [2]plane{halve(levels[l][0]), halve(levels[l][1])})
	}
	top := len(levels) - 1
	gx, gy := bestShift(levels[top][0], levels[top][1], 0, 0, max(1, r>>top), max(1, r>>top))
	for l := top - 1; l >= 0; l-- {
		gx, gy = bestShift(levels[l][0], levels[l][1], 2*gx, 2*gy, 1, r>>l)
	}
	return [2]float64{float64(gx), float64(gy)}
}

// bestShift searches shifts within +-r of (cx, cy), never beyond margin, for the smallest sum
// of absolute differences over the frame inside the margin. Ties go to the shorter vector.
func bestShift(prev, cur plane, cx, cy, r, margin int) (int, int) {
	margin = min(margin, (cur.w-1)/4, (cur.h-1)/4)
	best, bx, by := float32(math.MaxFloat32), 0, 0
	for dy := max(-margin, cy-r); dy <= min(margin, cy+r); dy++ {
		for dx := max(-margin, cx-r); dx <= min(margin, cx+r); dx++ {
			var sad float32
			for y := margin; y < cur.h-margin; y++ {
				row, prow := cur.v[y*cur.w:(y+1)*cur.w], prev.v[(y+dy)*prev.w:(y+dy+1)*prev.w]
				for x := margin; x < cur.w-margin; x++ {
					d := row[x] - prow[x+dx]
					if d < 0 {
						d = -d
					}
					sad += d
				}
			}
			if sad < best || (sad == best && dx*dx+dy*dy < bx*bx+by*by) {
				best, bx, by = sad, dx, dy
			}
		}
	}
	return bx, by
}

// halve box-averages a plane to half its size.
func halve(p plane) plane {
	w, h := p.w/2, p.h/2
	out := plane{w: w, h: h, v: make([]float32, w*h)}
	for y := range h {
		for x := range w {
			out.v[y*w+x] = (p.at(2*x, 2*y) + p.at(2*x+1, 2*y) + p.at(2*x, 2*y+1) + p.at(2*x+1, 2*y+1)) / 4
		}
	}
	return out
}

func blockStd(p plane, bx, by, n int) float64 {
	var s, ss float64
	for y := range n {
		for x := range n {
			v := float64(p.at(bx+x, by+y))
			s += v
			ss += v * v
		}
	}
	m := s / float64(n*n)
	return math.Sqrt(math.Max(0, ss/float64(n*n)-m*m))
}

// Quality measures sharpness and exposure on up to eight evenly spaced frames at analysis
// scale. Sharpness is the variance of the 4-neighbour Laplacian of luma, the focus measure
// Pech-Pacheco et al. proposed ("Diatom autofocusing in brightfield microscopy", ICPR 2000)
// and Pertuz, Puig and Garcia found among the most reliable ("Analysis of focus measure
// operators for shape-from-focus", Pattern Recognition 46(5), 2013). Exposure is the fraction
// of luma samples that are not clipped (<= 4 or >= 251), times a weight that falls linearly to
// 0 as the mean luma approaches black or white from the mid-tones (mean within [48, 208]
// weighs 1). Quality combines them: min(1, sharpness/SharpRef) * exposure.
func Quality(c *video.Clip) (sharpness, exposure, brightness float64) {
	n := min(8, c.Frames)
	var clipped, total float64
	for i := range n {
		t := i * c.Frames / n
		p := lumaOf(c, t)
		var lap []float32
		for y := 1; y < p.h-1; y++ {
			for x := 1; x < p.w-1; x++ {
				lap = append(lap, p.at(x-1, y)+p.at(x+1, y)+p.at(x, y-1)+p.at(x, y+1)-4*p.at(x, y))
			}
		}
		_, sd := meanStd(lap)
		sharpness += sd * sd
		m, _ := meanStd(p.v)
		brightness += m
		for _, v := range p.v {
			if v <= 4 || v >= 251 {
				clipped++
			}
		}
		total += float64(len(p.v))
	}
	sharpness /= float64(n)
	brightness /= float64(n)
	w := 1.0
	switch {
	case brightness < 48:
		w = brightness / 48
	case brightness > 208:
		w = (255 - brightness) / 47
	}
	return sharpness, (1 - clipped/total) * w, brightness
}

// SharpRef is the Laplacian variance taken as fully sharp by the quality score. A 64-px frame
// of the synthetic world with crisp object edges is around 100-400; a box-blurred one under 20.
const SharpRef = 50

// FilterConfig holds the filter thresholds; a zero threshold turns its test off.
type FilterConfig struct {
	MotionMin    float64 `json:"motion_min"`    // drop clips moving less (px/frame at 64 px)
	ShakinessMax float64 `json:"shakiness_max"` // drop clips shaking more
	QualityMin   float64 `json:"quality_min"`   // drop clips of lower quality (0..1)
	MinSide      int     `json:"min_side"`      // drop sources whose short side is smaller
	MinSeconds   float64 `json:"min_seconds"`   // drop clips shorter than this
}

// FilterStage scores every clip (motion, shakiness, sharpness, exposure, duration) and drops
// those outside the thresholds, recording all scores either way.
type FilterStage struct{ Config FilterConfig }

// Name implements ClipStage.
func (FilterStage) Name() string { return "filter" }

// Process implements ClipStage.
func (f FilterStage) Process(_ context.Context, it *Item) error {
	c := it.Clip
	s := &it.Scores
	s.Duration = float64(c.Frames) / c.FPS
	s.Motion, s.Shakiness = Motion(c)
	s.Sharpness, s.Exposure, s.Brightness = Quality(c)
	s.Quality = math.Min(1, s.Sharpness/SharpRef) * s.Exposure
	cfg := f.Config
	switch {
	case cfg.MinSide > 0 && min(it.SrcWidth, it.SrcHeight) < cfg.MinSide:
		it.Drop = &Drop{Stage: "filter", Reason: "too_small", Detail: fmt.Sprintf("source %dx%d, short side under %d", it.SrcWidth, it.SrcHeight, cfg.MinSide)}
	case cfg.MinSeconds > 0 && s.Duration < cfg.MinSeconds:
		it.Drop = &Drop{Stage: "filter", Reason: "too_short", Detail: fmt.Sprintf("%.2f s < %.2f s", s.Duration, cfg.MinSeconds)}
	case cfg.MotionMin > 0 && s.Motion < cfg.MotionMin:
		it.Drop = &Drop{Stage: "filter", Reason: "static", Detail: fmt.Sprintf("motion %.3f < %.3f", s.Motion, cfg.MotionMin)}
	case cfg.ShakinessMax > 0 && s.Shakiness > cfg.ShakinessMax:
		it.Drop = &Drop{Stage: "filter", Reason: "shaky", Detail: fmt.Sprintf("shakiness %.3f > %.3f", s.Shakiness, cfg.ShakinessMax)}
	case cfg.QualityMin > 0 && s.Quality < cfg.QualityMin:
		it.Drop = &Drop{Stage: "filter", Reason: "low_quality", Detail: fmt.Sprintf("quality %.3f < %.3f (sharpness %.1f, exposure %.2f)", s.Quality, cfg.QualityMin, s.Sharpness, s.Exposure)}
	}
	return nil
}
