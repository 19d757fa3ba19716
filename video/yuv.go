package video

// Y'CbCr <-> RGB conversion with the ITU-R BT.601 luma coefficients (Kr = 0.299,
// Kb = 0.114; BT.601-7 section 2.5.1) in either full range (JFIF, ITU-T T.871 section 7) or
// limited range (BT.601-7 section 2.5.3: Y' = 16 + 219*E'y, Cb, Cr = 128 + 224*E'c). The
// arithmetic is 16.16 fixed point with rounding.
//
// Chroma subsampling: to write, each chroma sample is the conversion of the mean RGB of the
// pixels it covers (2x2, 2x1 or 1x1; fewer at an odd edge). To read, each chroma sample is
// repeated over the pixels it covers. Chroma siting (the difference between 420jpeg,
// 420mpeg2 and 420paldv) is not modelled.

const fixShift = 16

// yuvMatrix holds the fixed-point coefficients of one colour range.
type yuvMatrix struct {
	// forward: Y = yOff + (yr R + yg G + yb B); Cb = 128 + (br R + bg G + bb B); Cr = 128 + (rr R + rg G + rb B)
	yOff       int
	yr, yg, yb int
	br, bg, bb int
	rr, rg, rb int
	// inverse: Y' = (Y - yOff) * ys; R = Y' + vr Pr; G = Y' + ug Pb + vg Pr; B = Y' + ub Pb,
	// with Pb = Cb - 128, Pr = Cr - 128.
	ys, vr, ug, vg, ub int
}

func fix(v float64) int {
	if v < 0 {
		return -int(-v*(1<<fixShift) + 0.5)
	}
	return int(v*(1<<fixShift) + 0.5)
}

func newYUVMatrix(r ColorRange) yuvMatrix {
	const kr, kb = 0.299, 0.114
	const kg = 1 - kr - kb
	sy, sc, off := 1.0, 1.0, 0
	if r == RangeLimited {
		sy, sc, off = 219.0/255, 224.0/255, 16
	}
	cb := sc / (2 * (1 - kb)) // Cb = cb * (B - Y)
	cr := sc / (2 * (1 - kr)) // Cr = cr * (R - Y)
	return yuvMatrix{
		yOff: off,
		yr:   fix(sy * kr), yg: fix(sy * kg), yb: fix(sy * kb),
		br: fix(-cb * kr), bg: fix(-cb * kg), bb: fix(cb * (1 - kb)),
		rr: fix(cr * (1 - kr)), rg: fix(-cr * kg), rb: fix(-cr * kb),
		ys: fix(1 / sy),
		vr: fix(1 / cr), ub: fix(1 / cb),
		ug: fix(-kb / kg / cb), vg: fix(-kr / kg / cr),
	}
}

var yuvMatrices = [2]yuvMatrix{newYUVMatrix(RangeFull), newYUVMatrix(RangeLimited)}

func matrixFor(r ColorRange) *yuvMatrix {
	if r == RangeLimited {
		return &yuvMatrices[1]
	}
	return &yuvMatrices[0]
}

const fixHalf = 1 << (fixShift - 1)

func clamp8(v int) uint8 {
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return uint8(v)
}

// rgbToYUV converts one packed RGB frame of w x h pixels into the planes y (w*h), cb and cr
// (cw*ch each, with the subsampling factors sx, sy in {1, 2}); cb and cr are nil for mono.
func rgbToYUV(m *yuvMatrix, rgb []uint8, w, h, sx, sy int, y, cb, cr []uint8) {
	for i, j := 0, 0; j < len(y); i, j = i+3, j+1 {
		r, g, b := int(rgb[i]), int(rgb[i+1]), int(rgb[i+2])
		y[j] = clamp8(m.yOff + (m.yr*r+m.yg*g+m.yb*b+fixHalf)>>fixShift)
	}
	if cb == nil {
		return
	}
	cw := (w + sx - 1) / sx
	for cy := 0; cy*sy < h; cy++ {
		for cx := 0; cx < cw; cx++ {
			var r, g, b, n int
			for yy := cy * sy; yy < min(cy*sy+sy, h); yy++ {
				for xx := cx * sx; xx < min(cx*sx+sx, w); xx++ {
					p := (yy*w + xx) * 3
					r, g, b, n = r+int(rgb[p]), g+int(rgb[p+1]), b+int(rgb[p+2]), n+1
				}
			}
			// Dividing the fixed-point sum by n averages and converts in one rounding step.
			half := n << (fixShift - 1)
			k := cy*cw + cx
			cb[k] = clamp8(128 + floorDiv(m.br*r+m.bg*g+m.bb*b+half, n<<fixShift))
			cr[k] = clamp8(128 + floorDiv(m.rr*r+m.rg*g+m.rb*b+half, n<<fixShift))
		}
	}
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// yuvToRGB is the inverse of rgbToYUV (up to rounding and chroma subsampling).
func yuvToRGB(m *yuvMatrix, y, cb, cr []uint8, w, h, sx, sy int, rgb []uint8) {
	if cb == nil {
		for j, i := 0, 0; j < len(y); j, i = j+1, i+3 {
			v := clamp8(((int(y[j])-m.yOff)*m.ys + fixHalf) >> fixShift)
			rgb[i], rgb[i+1], rgb[i+2] = v, v, v
		}
		return
	}
	cw := (w + sx - 1) / sx
	for row := 0; row < h; row++ {
		crow := (row / sy) * cw
		for x := 0; x < w; x++ {
			j := row*w + x
			k := crow + x/sx
			l := (int(y[j]) - m.yOff) * m.ys
			pb, pr := int(cb[k])-128, int(cr[k])-128
			i := j * 3
			rgb[i] = clamp8((l + m.vr*pr + fixHalf) >> fixShift)
			rgb[i+1] = clamp8((l + m.ug*pb + m.vg*pr + fixHalf) >> fixShift)
			rgb[i+2] = clamp8((l + m.ub*pb + fixHalf) >> fixShift)
		}
	}
}
