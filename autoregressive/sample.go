package autoregressive

import (
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Sampling says how the next token is chosen from a row of logits. The zero value is greedy
// decoding (argmax). With Temperature > 0 a token is drawn from softmax(logits/Temperature),
// restricted first to the TopK most likely tokens (Fan et al. 2018,
// https://arxiv.org/abs/1805.04833) and then to the smallest set of them whose probability
// reaches TopP (nucleus sampling, Holtzman et al. 2019, https://arxiv.org/abs/1904.09751).
type Sampling struct {
	Temperature float64 `json:"temperature"` // 0: greedy
	TopK        int     `json:"top_k"`       // 0: no limit
	TopP        float64 `json:"top_p"`       // 0 or 1: no limit
}

// Greedy reports whether s always picks the most likely token.
func (s Sampling) Greedy() bool { return s.Temperature == 0 }

// Validate checks the ranges, naming the field that is out of range.
func (s Sampling) Validate() error {
	switch {
	case s.Temperature < 0 || math.IsNaN(s.Temperature) || math.IsInf(s.Temperature, 0):
		return fmt.Errorf("autoregressive: sampling temperature %v: want a finite value >= 0 (0 is greedy)", s.Temperature)
	case s.TopK < 0:
		return fmt.Errorf("autoregressive: sampling top_k %d: want >= 0 (0 keeps every token)", s.TopK)
	case s.TopP < 0 || s.TopP > 1 || math.IsNaN(s.TopP):
		return fmt.Errorf("autoregressive: sampling top_p %v: want a value in [0, 1] (0 and 1 keep every token)", s.TopP)
	}
	return nil
}

// Sampler draws tokens by a [Sampling] rule from its own seeded generator, so one video's
// tokens depend only on its seed and logits, never on which other videos share its batch:
// give each batch row its own Sampler.
type Sampler struct {
	s   Sampling
	rng *rand.Rand
	// scratch, reused between calls
	idx  []int
	prob []float64
}

// NewSampler returns a Sampler for s seeded with seed. It panics if s is invalid (check it with
// Validate where s comes from a user).
func NewSampler(s Sampling, seed uint64) *Sampler {
	if err := s.Validate(); err != nil {
		panic(err)
	}
	return &Sampler{s: s, rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

// Next returns the chosen token of one row of logits.
func (sm *Sampler) Next(logits []float32) int32 {
	if sm.s.Greedy() {
		return Argmax(logits)
	}
	// Candidate set: every token, or the TopK largest, in decreasing order of logit when a
	// truncation needs the order.
	sm.idx = sm.idx[:0]
	switch {
	case sm.s.TopK > 0 && sm.s.TopK < len(logits):
		sm.idx = topK(logits, sm.s.TopK, sm.idx)
	default:
		for i := range logits {
			sm.idx = append(sm.idx, i)
		}
		if sm.s.TopP > 0 && sm.s.TopP < 1 {
			sort.SliceStable(sm.idx, func(a, b int) bool { return logits[sm.idx[a]] > logits[sm.idx[b]] })
		}
	}
	// Softmax over the candidates at the temperature, stabilized by the largest logit.
	maxL := math.Inf(-1)
	for _, i := range sm.idx {
		maxL = math.Max(maxL, float64(logits[i]))
	}
	sm.prob = sm.prob[:0]
	total := 0.0
	for _, i := range sm.idx {
		p := math.Exp((float64(logits[i]) - maxL) / sm.s.Temperature)
		sm.prob = append(sm.prob, p)
		total += p
	}
	n := len(sm.idx)
	if sm.s.TopP > 0 && sm.s.TopP < 1 {
		// The candidates are sorted: keep the shortest prefix whose mass reaches TopP.
		acc := 0.0
		for k, p := range sm.prob {
			acc += p
			if acc >= sm.s.TopP*total {
				n = k + 1
				break
			}
		}
		total = acc
	}
	u := sm.rng.Float64() * total
	for k := range n {
		u -= sm.prob[k]
		if u < 0 {
			return int32(sm.idx[k])
		}
	}
	return int32(sm.idx[n-1]) // rounding left u just above zero
}

// Argmax returns the index of the largest logit (the first one on ties), the greedy choice.
func Argmax(logits []float32) int32 {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	return int32(best)
}

// topK appends to dst the indices of the k largest logits, largest first (ties: lower index
// first), in O(V log k).
func topK(logits []float32, k int, dst []int) []int {
	h := &minHeap{logits: logits}
	for i := range logits {
		if h.Len() < k {
			heap.Push(h, i)
		} else if h.less(h.idx[0], i) {
			h.idx[0] = i
			heap.Fix(h, 0)
		}
	}
	out := dst[:0]
	out = append(out, h.idx...)
	sort.Slice(out, func(a, b int) bool { return h.less(out[b], out[a]) })
	return out
}

// minHeap keeps the k best indices seen so far with the worst at the root.
type minHeap struct {
	logits []float32
	idx    []int
}

// less orders index a below index b: a smaller logit, or on ties a larger index.
func (h *minHeap) less(a, b int) bool {
	if h.logits[a] != h.logits[b] {
		return h.logits[a] < h.logits[b]
	}
	return a > b
}
func (h *minHeap) Len() int           { return len(h.idx) }
func (h *minHeap) Less(i, j int) bool { return h.less(h.idx[i], h.idx[j]) }
func (h *minHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *minHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *minHeap) Pop() any {
	n := len(h.idx) - 1
	x := h.idx[n]
	h.idx = h.idx[:n]
	return x
}
