package video

import (
	"testing"
)

func TestYUVKnownColours(t *testing.T) {
	// Expected codes from the defining equations: JFIF/T.871 for full range, BT.601-7
	// section 2.5.3 for limited range (red there is the textbook (81, 90, 240)).
	tests := []struct {
		name      string
		rng       ColorRange
		r, g, b   uint8
		y, cb, cr uint8
	}{
		{"full black", RangeFull, 0, 0, 0, 0, 128, 128},
		{"full white", RangeFull, 255, 255, 255, 255, 128, 128},
		// Y = .299*255 = 76.2; Cb = 128 - .168736*255 = 85.0; Cr = 128 + 127.5, clipped.
		{"full red", RangeFull, 255, 0, 0, 76, 85, 255},
		// Y = .114*255 = 29.1; Cb = 128 + 127.5, clipped; Cr = 128 - .081312*255 = 107.3.
		{"full blue", RangeFull, 0, 0, 255, 29, 255, 107},
		{"limited black", RangeLimited, 0, 0, 0, 16, 128, 128},
		{"limited white", RangeLimited, 255, 255, 255, 235, 128, 128},
		{"limited red", RangeLimited, 255, 0, 0, 81, 90, 240},
		// Y = 16 + 219*.587 = 144.6; Cb = 128 - 112*.331264/.5 = 53.8; Cr = 128 - 112*.418688/.5 = 34.2.
		{"limited green", RangeLimited, 0, 255, 0, 145, 54, 34},
	}
	for _, tt := range tests {
		y, cb, cr := make([]uint8, 1), make([]uint8, 1), make([]uint8, 1)
		rgbToYUV(matrixFor(tt.rng), []uint8{tt.r, tt.g, tt.b}, 1, 1, 1, 1, y, cb, cr)
		if y[0] != tt.y || cb[0] != tt.cb || cr[0] != tt.cr {
			t.Errorf("%s: got (%d, %d, %d), want (%d, %d, %d)", tt.name, y[0], cb[0], cr[0], tt.y, tt.cb, tt.cr)
		}
	}
}

// TestYUV444RoundTripError bounds the RGB error of RGB -> Y'CbCr -> RGB over a lattice of
// colours. The bound follows from rounding: each code is off by at most 1/2, and the largest
// inverse coefficient is 1.772 (B from Cb) in full range, 1.772*255/224 = 2.02 in limited
// range, plus 255/219 = 1.16 from Y; plus the final rounding.
func TestYUV444RoundTripError(t *testing.T) {
	for _, tt := range []struct {
		rng    ColorRange
		maxErr int
	}{{RangeFull, 2}, {RangeLimited, 3}} {
		m := matrixFor(tt.rng)
		worst := 0
		var rgb, back [3]uint8
		y, cb, cr := make([]uint8, 1), make([]uint8, 1), make([]uint8, 1)
		for r := 0; r < 256; r += 5 {
			for g := 0; g < 256; g += 3 {
				for b := 0; b < 256; b += 7 {
					rgb = [3]uint8{uint8(r), uint8(g), uint8(b)}
					rgbToYUV(m, rgb[:], 1, 1, 1, 1, y, cb, cr)
					yuvToRGB(m, y, cb, cr, 1, 1, 1, 1, back[:])
					for k := range 3 {
						worst = max(worst, abs(int(back[k])-int(rgb[k])))
					}
				}
			}
		}
		if worst > tt.maxErr {
			t.Errorf("%s range: worst channel error %d, want <= %d", tt.rng, worst, tt.maxErr)
		}
		t.Logf("%s range: worst channel error %d", tt.rng, worst)
	}
}

// TestChromaSubsamplingUniformBlocks: where every chroma block is one colour, 4:2:0 and 4:2:2
// must give exactly what 4:4:4 gives, including the partial blocks at odd edges.
func TestChromaSubsamplingUniformBlocks(t *testing.T) {
	const w, h = 5, 3
	rgb := make([]uint8, w*h*3)
	for y := range h {
		for x := range w {
			// One colour per 2x2 block.
			v := uint8(40*(x/2) + 90*(y/2))
			rgb[(y*w+x)*3], rgb[(y*w+x)*3+1], rgb[(y*w+x)*3+2] = v, 255-v, v/2
		}
	}
	m := matrixFor(RangeFull)
	ref := make([]uint8, len(rgb))
	yp, cb, cr := make([]uint8, w*h), make([]uint8, w*h), make([]uint8, w*h)
	rgbToYUV(m, rgb, w, h, 1, 1, yp, cb, cr)
	yuvToRGB(m, yp, cb, cr, w, h, 1, 1, ref)
	for _, s := range [][2]int{{2, 2}, {2, 1}} {
		cw, ch := (w+s[0]-1)/s[0], (h+s[1]-1)/s[1]
		cb, cr := make([]uint8, cw*ch), make([]uint8, cw*ch)
		got := make([]uint8, len(rgb))
		rgbToYUV(m, rgb, w, h, s[0], s[1], yp, cb, cr)
		yuvToRGB(m, yp, cb, cr, w, h, s[0], s[1], got)
		if string(got) != string(ref) {
			t.Errorf("subsampling %v: got %v, want %v", s, got, ref)
		}
	}
}
