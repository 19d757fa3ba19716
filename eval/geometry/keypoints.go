package geometry

import (
	"cmp"
	"math"
	"slices"
)

// Keypoint is a detected corner. X and Y are in level-0 pixels (pixel centres
// at integers); Level is the pyramid level it was found on, Scale that level's
// down-scaling factor, Angle the patch orientation in radians (intensity
// centroid) and Response the Harris corner measure that ranked it.
type Keypoint struct {
	X, Y     float64
	Level    int
	Scale    float64
	Angle    float64
	Response float64
}

// DetectorOptions configures keypoint detection.
type DetectorOptions struct {
	// MaxKeypoints caps the keypoints of an image, shared among the levels in
	// proportion to their areas; the strongest Harris responses are kept.
	MaxKeypoints int
	// FASTThreshold is the intensity difference (0..255 scale) of the FAST
	// segment test.
	FASTThreshold float32
	// Levels and ScaleFactor shape the image pyramid (ORB uses 8 and 1.2).
	Levels      int
	ScaleFactor float64
	// PatchRadius is the radius of the orientation and descriptor patch, in
	// level pixels (ORB uses 15, a 31-pixel patch).
	PatchRadius int
	// HarrisK is the k of the Harris measure det(M) - k trace(M)^2.
	HarrisK float64
}

// DefaultDetectorOptions scales the detector to an image: a patch radius of
// one tenth of the shorter side, between 7 and 15 pixels, and as many
// pyramid levels (up to 4, factor 1.2) as leave room for a few patches.
func DefaultDetectorOptions(width, height int) DetectorOptions {
	side := min(width, height)
	r := min(max(side/10, 7), 15)
	levels := 1
	for levels < 4 && float64(side)/math.Pow(1.2, float64(levels)) >= float64(8*r) {
		levels++
	}
	return DetectorOptions{
		MaxKeypoints:  max(150, min(2000, width*height/32)),
		FASTThreshold: 12,
		Levels:        levels,
		ScaleFactor:   1.2,
		PatchRadius:   r,
		HarrisK:       0.04,
	}
}

// fastCircle is the Bresenham circle of radius 3 used by FAST (Rosten and
// Drummond 2006), clockwise from the top.
var fastCircle = [16][2]int{
	{0, -3}, {1, -3}, {2, -2}, {3, -1}, {3, 0}, {3, 1}, {2, 2}, {1, 3},
	{0, 3}, {-1, 3}, {-2, 2}, {-3, 1}, {-3, 0}, {-3, -1}, {-2, -2}, {-1, -3},
}

// isFAST9 reports whether 9 contiguous circle pixels are all brighter than
// p+t or all darker than p-t.
func isFAST9(g *Gray, x, y int, t float32) bool {
	p := g.at(x, y)
	hi, lo := p+t, p-t
	// Any arc of 9 of the 16 pixels contains at least two of the four compass
	// points, so fewer than two bright (dark) compass points rules it out.
	var nb, nd int
	for i := 0; i < 16; i += 4 {
		v := g.at(x+fastCircle[i][0], y+fastCircle[i][1])
		if v > hi {
			nb++
		} else if v < lo {
			nd++
		}
	}
	if nb < 2 && nd < 2 {
		return false
	}
	var cls [16]int8
	for i, o := range fastCircle {
		v := g.at(x+o[0], y+o[1])
		if v > hi {
			cls[i] = 1
		} else if v < lo {
			cls[i] = -1
		}
	}
	for _, want := range [2]int8{1, -1} {
		run := 0
		for i := range 16 + 8 {
			if cls[i%16] == want {
				run++
				if run >= 9 {
					return true
				}
			} else {
				run = 0
			}
		}
	}
	return false
}

// gradients holds central-difference derivatives of a level image.
type gradients struct {
	w, h   int
	ix, iy []float32
}

func newGradients(g *Gray) *gradients {
	d := &gradients{w: g.Width, h: g.Height, ix: make([]float32, len(g.Pix)), iy: make([]float32, len(g.Pix))}
	for y := 1; y < g.Height-1; y++ {
		for x := 1; x < g.Width-1; x++ {
			i := y*g.Width + x
			d.ix[i] = 0.5 * (g.Pix[i+1] - g.Pix[i-1])
			d.iy[i] = 0.5 * (g.Pix[i+g.Width] - g.Pix[i-g.Width])
		}
	}
	return d
}

// harrisRadius is the half-width of the 7x7 structure-tensor window (ORB's
// Harris block size).
const harrisRadius = 3

// harris is the Harris and Stephens (1988) measure det(M) - k tr(M)^2 of the
// structure tensor M summed over a Gaussian-weighted 7x7 window at (x, y).
func (d *gradients) harris(x, y int, k float64) float64 {
	var a, b, c float64
	for dy := -harrisRadius; dy <= harrisRadius; dy++ {
		for dx := -harrisRadius; dx <= harrisRadius; dx++ {
			w := harrisWeights[dy+harrisRadius][dx+harrisRadius]
			i := (y+dy)*d.w + x + dx
			gx, gy := float64(d.ix[i]), float64(d.iy[i])
			a += w * gx * gx
			b += w * gx * gy
			c += w * gy * gy
		}
	}
	return a*c - b*b - k*(a+c)*(a+c)
}

// harrisWeights is a Gaussian window of sigma 1.5 (the integration scale).
var harrisWeights = func() (w [2*harrisRadius + 1][2*harrisRadius + 1]float64) {
	for i := range w {
		for j := range w[i] {
			dx, dy := float64(j-harrisRadius), float64(i-harrisRadius)
			w[i][j] = math.Exp(-(dx*dx + dy*dy) / (2 * 1.5 * 1.5))
		}
	}
	return w
}()

// border is how far keypoints stay from the level-image edge: the descriptor
// patch plus bilinear sampling, and at least the Harris window plus the
// sub-pixel neighbours plus the gradient.
func (o DetectorOptions) border() int { return max(o.PatchRadius+2, harrisRadius+3) }

// detectLevel finds FAST-9 corners of g, keeps the local maxima (3x3) of the
// Harris measure among them, refines each to sub-pixel precision by fitting
// a parabola to the Harris measure along x and along y, and returns the best
// n by response, in level coordinates.
func detectLevel(g *Gray, n int, opt DetectorOptions) []Keypoint {
	b := opt.border()
	if g.Width <= 2*b || g.Height <= 2*b || n <= 0 {
		return nil
	}
	d := newGradients(g)
	score := make([]float64, len(g.Pix))
	for i := range score {
		score[i] = math.Inf(-1)
	}
	var cand [][2]int
	for y := b; y < g.Height-b; y++ {
		for x := b; x < g.Width-b; x++ {
			if isFAST9(g, x, y, opt.FASTThreshold) {
				score[y*g.Width+x] = d.harris(x, y, opt.HarrisK)
				cand = append(cand, [2]int{x, y})
			}
		}
	}
	var kps []Keypoint
	for _, c := range cand {
		x, y := c[0], c[1]
		s := score[y*g.Width+x]
		if s <= 0 {
			continue
		}
		isMax := true
		for dy := -1; dy <= 1 && isMax; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if dx == 0 && dy == 0 {
					continue
				}
				o := score[(y+dy)*g.Width+x+dx]
				// Ties go to the earlier pixel in raster order.
				if o > s || (o == s && (dy < 0 || (dy == 0 && dx < 0))) {
					isMax = false
					break
				}
			}
		}
		if !isMax {
			continue
		}
		kps = append(kps, Keypoint{X: float64(x), Y: float64(y), Response: s})
	}
	slices.SortStableFunc(kps, func(a, b Keypoint) int { return cmp.Compare(b.Response, a.Response) })
	if len(kps) > n {
		kps = kps[:n]
	}
	for i := range kps {
		x, y := int(kps[i].X), int(kps[i].Y)
		s := kps[i].Response
		kps[i].X += parabolaPeak(d.harris(x-1, y, opt.HarrisK), s, d.harris(x+1, y, opt.HarrisK))
		kps[i].Y += parabolaPeak(d.harris(x, y-1, opt.HarrisK), s, d.harris(x, y+1, opt.HarrisK))
	}
	return kps
}

// parabolaPeak is the offset in [-0.5, 0.5] of the vertex of the parabola
// through (-1, a), (0, b), (1, c).
func parabolaPeak(a, b, c float64) float64 {
	den := a - 2*b + c
	if den >= 0 {
		return 0
	}
	return min(max(0.5*(a-c)/den, -0.5), 0.5)
}

// orientation is the angle of the intensity centroid of the disc of radius r
// around (x, y) (Rosin 1999, as used by ORB, Rublee et al. 2011).
func orientation(g *Gray, x, y float64, r int) float64 {
	cx, cy := int(math.Round(x)), int(math.Round(y))
	var m10, m01 float64
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy > r*r {
				continue
			}
			v := float64(g.at(cx+dx, cy+dy))
			m10 += float64(dx) * v
			m01 += float64(dy) * v
		}
	}
	return math.Atan2(m01, m10)
}
