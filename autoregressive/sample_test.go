package autoregressive

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSamplingValidate(t *testing.T) {
	for _, tc := range []struct {
		s     Sampling
		field string
	}{
		{Sampling{Temperature: -1}, "temperature"},
		{Sampling{Temperature: math.NaN()}, "temperature"},
		{Sampling{Temperature: math.Inf(1)}, "temperature"},
		{Sampling{Temperature: 1, TopK: -2}, "top_k"},
		{Sampling{Temperature: 1, TopP: 1.5}, "top_p"},
		{Sampling{Temperature: 1, TopP: -0.1}, "top_p"},
	} {
		err := tc.s.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", tc.s, err, tc.field)
		}
	}
	for _, s := range []Sampling{{}, {Temperature: 0.7, TopK: 40, TopP: 0.9}, {Temperature: 1, TopP: 1}} {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", s, err)
		}
	}
}

func randomLogits(rng *rand.Rand, n int) []float32 {
	l := make([]float32, n)
	for i := range l {
		l[i] = float32(rng.NormFloat64() * 2)
	}
	return l
}

func TestGreedyIsArgmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		l := randomLogits(rng, 97)
		want := 0
		for i := range l {
			if l[i] > l[want] {
				want = i
			}
		}
		if got := NewSampler(Sampling{}, 3).Next(l); got != int32(want) {
			t.Fatalf("greedy picked %d, argmax is %d", got, want)
		}
		// Top-1 at any temperature is greedy too.
		if got := NewSampler(Sampling{Temperature: 5, TopK: 1}, 4).Next(l); got != int32(want) {
			t.Fatalf("top_k 1 picked %d, argmax is %d", got, want)
		}
	}
	if got := Argmax([]float32{1, 3, 3, 2}); got != 1 {
		t.Errorf("Argmax breaks ties at %d, want the first (1)", got)
	}
}

func TestTopK(t *testing.T) {
	l := []float32{0.5, 3, -1, 3, 2, 7}
	got := topK(l, 3, nil)
	want := []int{5, 1, 3} // 7, then the tie 3/3 by lower index
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("topK = %v, want %v", got, want)
		}
	}
}

// The empirical frequencies of many draws follow softmax(logits/T) restricted to the kept
// set: the tolerance is 5 standard errors of a binomial proportion over the draws.
func TestSamplingDistribution(t *testing.T) {
	logits := []float32{2, 1.5, 1, 0, -1, -3}
	const draws = 40000
	for _, tc := range []struct {
		name string
		s    Sampling
		keep int // how many of the (already sorted) logits the rule keeps
	}{
		{"temperature", Sampling{Temperature: 0.8}, 6},
		{"top-k", Sampling{Temperature: 1.3, TopK: 3}, 3},
		// At T=1 the probabilities are .46 .28 .17 .06 .02 .00: the first two reach .74 < .8,
		// the first three .91 >= .8, so three are kept.
		{"top-p", Sampling{Temperature: 1, TopP: 0.8}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]float64, len(logits))
			total := 0.0
			for i := range tc.keep {
				want[i] = math.Exp(float64(logits[i]) / tc.s.Temperature)
				total += want[i]
			}
			for i := range want {
				want[i] /= total
			}
			count := make([]int, len(logits))
			sm := NewSampler(tc.s, 11)
			for range draws {
				count[sm.Next(logits)]++
			}
			for i, c := range count {
				p := float64(c) / draws
				se := math.Sqrt(want[i]*(1-want[i])/draws) + 1e-9
				if math.Abs(p-want[i]) > 5*se+1e-12 {
					t.Errorf("token %d drawn with frequency %.4f, want %.4f (5 s.e. = %.4f)", i, p, want[i], 5*se)
				}
			}
		})
	}
}

func TestSamplerSeeded(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := make([][]float32, 200)
	for i := range rows {
		rows[i] = randomLogits(rng, 50)
	}
	s := Sampling{Temperature: 1, TopK: 20, TopP: 0.95}
	run := func(seed uint64) []int32 {
		sm := NewSampler(s, seed)
		out := make([]int32, len(rows))
		for i, r := range rows {
			out[i] = sm.Next(r)
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	same := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs between two samplers with the same seed", i)
		}
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Errorf("seeds 1 and 2 drew the same %d tokens", len(a))
	}
}
