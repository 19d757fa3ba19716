package geometry

import "math"

// MatchOptions configures descriptor matching.
type MatchOptions struct {
	// Ratio is Lowe's ratio test: the best distance must be below Ratio times
	// the second best, in both directions (Lowe, IJCV 2004, section 7.1).
	Ratio float64
	// MaxDistance is the largest Hamming distance accepted, in bits.
	MaxDistance int
}

// DefaultMatchOptions returns ratio 0.8 (Lowe's value) and at most 64 of 256
// differing bits.
func DefaultMatchOptions() MatchOptions { return MatchOptions{Ratio: 0.8, MaxDistance: 64} }

// Match pairs keypoint I of the first image with keypoint J of the second.
type Match struct {
	I, J     int
	Distance int
}

// MatchDescriptors returns the mutual nearest neighbours under Hamming
// distance that pass the ratio test both ways and the distance cap, in order
// of I. Brute force: every pair of descriptors is compared.
func MatchDescriptors(a, b []Descriptor, opt MatchOptions) []Match {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	const none = math.MaxInt
	bestA := make([]int, len(a)) // best index in b for each of a
	d1A := make([]int, len(a))
	d2A := make([]int, len(a))
	bestB := make([]int, len(b))
	d1B := make([]int, len(b))
	d2B := make([]int, len(b))
	for i := range a {
		d1A[i], d2A[i], bestA[i] = none, none, -1
	}
	for j := range b {
		d1B[j], d2B[j], bestB[j] = none, none, -1
	}
	for i := range a {
		for j := range b {
			d := Hamming(&a[i], &b[j])
			if d < d1A[i] {
				d2A[i], d1A[i], bestA[i] = d1A[i], d, j
			} else if d < d2A[i] {
				d2A[i] = d
			}
			if d < d1B[j] {
				d2B[j], d1B[j], bestB[j] = d1B[j], d, i
			} else if d < d2B[j] {
				d2B[j] = d
			}
		}
	}
	pass := func(d1, d2 int) bool {
		return d2 == none || float64(d1) < opt.Ratio*float64(d2)
	}
	var m []Match
	for i, j := range bestA {
		if j < 0 || bestB[j] != i || d1A[i] > opt.MaxDistance {
			continue
		}
		if !pass(d1A[i], d2A[i]) || !pass(d1B[j], d2B[j]) {
			continue
		}
		m = append(m, Match{I: i, J: j, Distance: d1A[i]})
	}
	return m
}
