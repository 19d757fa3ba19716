package video

import (
	"image/color"
	"math/rand/v2"
)

// Palette design by median cut (P. Heckbert, "Color image quantization for frame buffer
// display", SIGGRAPH 1982): start with one box around all sample colours, repeatedly split
// the box that matters most (pixel count times its longest side) at the median of its
// longest side, and give each final box the mean colour of its samples. Splits are made
// between distinct values, so a set of at most n distinct colours comes out exactly.

// maxPaletteSamples bounds the pixels median cut looks at; larger clips are sampled.
const maxPaletteSamples = 1 << 17

// paletteSamples returns the pixels of clip as colours: all of them when there are at most
// maxPaletteSamples, else that many drawn uniformly with a fixed seed (so the palette, and
// the GIF, are deterministic).
func paletteSamples(clip *Clip) [][3]uint8 {
	n := len(clip.Pix) / Channels
	if n <= maxPaletteSamples {
		s := make([][3]uint8, n)
		for i := range s {
			s[i] = [3]uint8(clip.Pix[3*i : 3*i+3])
		}
		return s
	}
	rng := rand.New(rand.NewPCG(0x9e3779b97f4a7c15, uint64(n)))
	s := make([][3]uint8, maxPaletteSamples)
	for i := range s {
		p := rng.IntN(n)
		s[i] = [3]uint8(clip.Pix[3*p : 3*p+3])
	}
	return s
}

// colorBox is a run of samples and the bounds of their colours.
type colorBox struct {
	samples  [][3]uint8
	lo, hi   [3]uint8
	axis     int // channel with the largest range
	priority int // len(samples) * range along axis; 0 when the box is one colour
}

func newColorBox(s [][3]uint8) colorBox {
	b := colorBox{samples: s, lo: [3]uint8{255, 255, 255}}
	for _, c := range s {
		for k := range 3 {
			b.lo[k] = min(b.lo[k], c[k])
			b.hi[k] = max(b.hi[k], c[k])
		}
	}
	for k := range 3 {
		if int(b.hi[k])-int(b.lo[k]) > int(b.hi[b.axis])-int(b.lo[b.axis]) {
			b.axis = k
		}
	}
	b.priority = len(s) * (int(b.hi[b.axis]) - int(b.lo[b.axis]))
	return b
}

// split partitions the box at the median of its longest side, choosing the threshold among
// the values present so that both halves are non-empty.
func (b colorBox) split() (colorBox, colorBox) {
	k := b.axis
	var hist [256]int
	for _, c := range b.samples {
		hist[c[k]]++
	}
	// Threshold t puts values <= t on the left; t ranges over [lo, hi) so neither side is
	// empty, and the left count closest to half wins.
	best, bestDiff, left := int(b.lo[k]), len(b.samples)+1, 0
	for t := int(b.lo[k]); t < int(b.hi[k]); t++ {
		left += hist[t]
		if d := abs(2*left - len(b.samples)); d < bestDiff {
			best, bestDiff = t, d
		}
	}
	s := b.samples
	i := 0
	for j := range s {
		if int(s[j][k]) <= best {
			s[i], s[j] = s[j], s[i]
			i++
		}
	}
	return newColorBox(s[:i]), newColorBox(s[i:])
}

func (b colorBox) mean() color.RGBA {
	var sum [3]int
	for _, c := range b.samples {
		sum[0], sum[1], sum[2] = sum[0]+int(c[0]), sum[1]+int(c[1]), sum[2]+int(c[2])
	}
	n := len(b.samples)
	return color.RGBA{uint8((sum[0] + n/2) / n), uint8((sum[1] + n/2) / n), uint8((sum[2] + n/2) / n), 0xff}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// medianCut returns a palette of at most n colours for samples (which it reorders).
func medianCut(samples [][3]uint8, n int) color.Palette {
	boxes := []colorBox{newColorBox(samples)}
	for len(boxes) < n {
		top := 0
		for i, b := range boxes {
			if b.priority > boxes[top].priority {
				top = i
			}
		}
		if boxes[top].priority == 0 {
			break
		}
		a, b := boxes[top].split()
		boxes[top] = a
		boxes = append(boxes, b)
	}
	p := make(color.Palette, len(boxes))
	for i, b := range boxes {
		p[i] = b.mean()
	}
	return p
}
