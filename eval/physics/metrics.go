package physics

import "math"

// MaskIoU returns the mean intersection-over-union, over the objects visible in truth (at least
// one pixel of their ID), between pred and truth masks of one frame; ok is false when no object
// is visible. An object missing from pred scores 0.
func MaskIoU(pred, truth []uint8, ids []uint8) (iou float64, ok bool) {
	var inter, union, seen [256]int
	for i, t := range truth {
		p := pred[i]
		seen[t]++
		if p == t {
			inter[t]++
			union[t]++
		} else {
			union[t]++
			union[p]++
		}
	}
	n := 0
	for _, id := range ids {
		if seen[id] == 0 {
			continue
		}
		iou += float64(inter[id]) / float64(union[id])
		n++
	}
	if n == 0 {
		return 0, false
	}
	return iou / float64(n), true
}

// Centroid returns the centroid, in pixel coordinates (x right, y down, pixel (col, row)
// centred at (col+0.5, row+0.5)), of the largest 4-connected region of label id in a
// width-wide mask, so that a few stray pixels of the same colour elsewhere do not drag it; ok
// is false when the label is absent. scratch, when it has len(mask) entries, is reused.
func Centroid(mask []uint8, width int, id uint8, scratch []int32) (x, y float64, ok bool) {
	if len(scratch) != len(mask) {
		scratch = make([]int32, len(mask))
	}
	for i := range scratch {
		scratch[i] = -1
	}
	var stack []int
	bestN := 0
	for start, m := range mask {
		if m != id || scratch[start] >= 0 {
			continue
		}
		var sx, sy float64
		n := 0
		stack = append(stack[:0], start)
		scratch[start] = int32(start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r, c := i/width, i%width
			sx += float64(c) + 0.5
			sy += float64(r) + 0.5
			n++
			for _, j := range [4]int{i - 1, i + 1, i - width, i + width} {
				switch {
				case j < 0 || j >= len(mask), j == i-1 && c == 0, j == i+1 && c == width-1:
					continue
				}
				if mask[j] == id && scratch[j] < 0 {
					scratch[j] = int32(start)
					stack = append(stack, j)
				}
			}
		}
		if n > bestN {
			bestN, x, y = n, sx/float64(n), sy/float64(n)
		}
	}
	return x, y, bestN > 0
}

// cappedPSNR keeps identical frames (infinite PSNR) finite for averages and JSON.
func cappedPSNR(v float64) float64 {
	if math.IsInf(v, 1) || v > MaxPSNR {
		return MaxPSNR
	}
	return v
}

// MaxPSNR is the value an identical frame scores, in dB: PSNR is infinite there, and 100 dB is
// far above anything 8-bit video reaches otherwise (one code off in one sample of a 32x32 frame
// is 78 dB).
const MaxPSNR = 100.0
