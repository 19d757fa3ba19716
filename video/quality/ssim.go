package quality

import "math"

// gaussianTaps are the 11 normalised weights of scipy.ndimage's 1-D Gaussian
// kernel for sigma 1.5 and radius 5: exp(-x^2 / (2 sigma^2)) / sum.
var gaussianTaps = func() [2*WindowRadius + 1]float64 {
	var k [2*WindowRadius + 1]float64
	var sum float64
	for i := range k {
		x := float64(i - WindowRadius)
		k[i] = math.Exp(-0.5 / (Sigma * Sigma) * x * x)
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}()

// ssimWork holds the scratch buffers of one image size. Filtering is "valid":
// only window positions wholly inside the image are computed, which are the
// only ones the mean uses.
type ssimWork struct {
	w, h   int
	ow, oh int
	rows   [5][]float64 // horizontal pass: h x ow for x, y, xx, yy, xy
}

func newSSIMWork(w, h int) *ssimWork {
	s := &ssimWork{w: w, h: h, ow: w - 2*WindowRadius, oh: h - 2*WindowRadius}
	for i := range s.rows {
		s.rows[i] = make([]float64, h*s.ow)
	}
	return s
}

// ssim returns the mean SSIM index of x and y (w x h, row-major).
func (s *ssimWork) ssim(x, y []float64, dataRange float64) float64 {
	k := &gaussianTaps
	// Horizontal pass of the five moment images.
	for r := 0; r < s.h; r++ {
		xr, yr := x[r*s.w:(r+1)*s.w], y[r*s.w:(r+1)*s.w]
		o := r * s.ow
		for c := 0; c < s.ow; c++ {
			var mx, my, mxx, myy, mxy float64
			for i, wt := range k {
				a, b := xr[c+i], yr[c+i]
				mx += wt * a
				my += wt * b
				mxx += wt * (a * a)
				myy += wt * (b * b)
				mxy += wt * (a * b)
			}
			s.rows[0][o+c] = mx
			s.rows[1][o+c] = my
			s.rows[2][o+c] = mxx
			s.rows[3][o+c] = myy
			s.rows[4][o+c] = mxy
		}
	}
	c1 := (K1 * dataRange) * (K1 * dataRange)
	c2 := (K2 * dataRange) * (K2 * dataRange)
	var total float64
	for r := 0; r < s.oh; r++ {
		for c := 0; c < s.ow; c++ {
			var m [5]float64
			for i, wt := range k {
				o := (r+i)*s.ow + c
				for j := range m {
					m[j] += wt * s.rows[j][o]
				}
			}
			ux, uy := m[0], m[1]
			vx := m[2] - ux*ux
			vy := m[3] - uy*uy
			vxy := m[4] - ux*uy
			total += ((2*ux*uy + c1) * (2*vxy + c2)) / ((ux*ux + uy*uy + c1) * (vx + vy + c2))
		}
	}
	return total / float64(s.ow*s.oh)
}
