package tokenizer

import (
	"math"
	"testing"
)

// halfValue is the exact value of the binary16 bits h (finite h only), from its definition.
func halfValue(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, frac := int(h>>10)&0x1f, float64(h&0x3ff)
	if exp == 0 {
		return sign * frac * math.Pow(2, -24)
	}
	return sign * (1 + frac/1024) * math.Pow(2, float64(exp-15))
}

// TestFloat32ToHalf checks every finite binary16 value converts back to itself, and that the
// midpoints between neighbours round to the even one.
func TestFloat32ToHalf(t *testing.T) {
	for h := range uint32(1 << 16) {
		h := uint16(h)
		if h&0x7c00 == 0x7c00 {
			continue // infinities and NaNs
		}
		v := halfValue(h)
		if got := float32ToHalf(float32(v)); got != h && !(v == 0 && got&0x7fff == 0) {
			t.Fatalf("%#04x (%g) -> %#04x", h, v, got)
		}
		if h&0x7fff == 0x7bff {
			continue // the largest finite: its upper midpoint rounds to infinity
		}
		mid := (v + halfValue(h+1)) / 2 // exact in float32: 12 significant bits
		want := h
		if h&1 == 1 {
			want = h + 1
		}
		if got := float32ToHalf(float32(mid)); got != want {
			t.Fatalf("midpoint of %#04x and %#04x (%g) -> %#04x, want %#04x", h, h+1, mid, got, want)
		}
	}
	for _, tc := range []struct {
		in   float32
		want uint16
	}{
		{65520, 0x7c00}, {-1e10, 0xfc00}, {float32(math.Inf(1)), 0x7c00}, {1e-10, 0},
		{float32(math.Pow(2, -25)), 0}, {float32(math.Pow(2, -25) * 1.5), 1}, {1, 0x3c00}, {-2, 0xc000},
	} {
		if got := float32ToHalf(tc.in); got != tc.want {
			t.Errorf("float32ToHalf(%g) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
	if got := float32ToHalf(float32(math.NaN())); got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
		t.Errorf("NaN -> %#04x", got)
	}
}
