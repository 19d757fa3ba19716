package noise

import (
	"math"
	"testing"
)

func TestValue2InterpolatesTheLattice(t *testing.T) {
	const seed = 42
	for _, c := range [][2]int64{{0, 0}, {3, -7}, {-100, 5}} {
		// At lattice points the noise is the hashed value itself.
		want := Unit(Hash2(c[0], c[1], seed))
		if got := Value2(float64(c[0]), float64(c[1]), seed); got != want {
			t.Errorf("Value2 at lattice %v = %v, want %v", c, got, want)
		}
	}
	// Between lattice points it stays within the corner values and varies continuously.
	prev := Value2(0, 0.5, seed)
	for i := 1; i <= 1000; i++ {
		x := float64(i) / 1000
		v := Value2(x, 0.5, seed)
		if v < 0 || v >= 1 || math.Abs(v-prev) > 0.01 {
			t.Fatalf("Value2(%v, 0.5) = %v after %v: not continuous in [0, 1)", x, v, prev)
		}
		prev = v
	}
}

func TestHash2SpreadsAndDependsOnEveryInput(t *testing.T) {
	if Hash2(1, 2, 3) == Hash2(2, 1, 3) || Hash2(1, 2, 3) == Hash2(1, 2, 4) {
		t.Fatal("Hash2 ignores an input")
	}
	var sum float64
	const n = 100000
	for i := range int64(n) {
		sum += Unit(Hash2(i, -i, 7))
	}
	if mean := sum / n; math.Abs(mean-0.5) > 0.01 {
		t.Fatalf("mean of Unit(Hash2) = %v, want about 0.5", mean)
	}
}
