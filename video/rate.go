package video

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// fpsRatio expresses a frame rate as num/den for container headers: whole rates as n/1, the
// NTSC family (24000/1001, 30000/1001, 60000/1001, ...) exactly, anything else by the
// continued-fraction convergent closest to it with a denominator up to 1001000.
func fpsRatio(fps float64) (num, den int) {
	if n := math.Round(fps); math.Abs(fps-n) < 1e-9*fps {
		return int(n), 1
	}
	if k := math.Round(fps * 1001 / 1000); math.Abs(fps-k*1000/1001) < 1e-9*fps {
		return int(k) * 1000, 1001
	}
	// Convergents h/k of the continued fraction of fps (Khinchin, "Continued Fractions", ch. 1).
	h0, h1, k0, k1 := 0, 1, 1, 0
	x := fps
	for {
		a := math.Floor(x)
		h2, k2 := int(a)*h1+h0, int(a)*k1+k0
		if k2 > 1001000 {
			break
		}
		h0, h1, k0, k1 = h1, h2, k1, k2
		frac := x - a
		if frac < 1e-12 || math.Abs(float64(h1)/float64(k1)-fps) < 1e-12*fps {
			break
		}
		x = 1 / frac
	}
	return h1, k1
}

// parseRate parses an ffprobe rate such as "30000/1001" or "25/1"; it returns 0 for "0/0"
// (unknown) and an error for anything malformed.
func parseRate(s string) (float64, error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		b = "1"
	}
	num, err1 := strconv.ParseInt(a, 10, 64)
	den, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || num < 0 || den < 0 {
		return 0, fmt.Errorf("frame rate %q", s)
	}
	if num == 0 || den == 0 {
		return 0, nil
	}
	return float64(num) / float64(den), nil
}
