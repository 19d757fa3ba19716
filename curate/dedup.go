package curate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// DedupConfig configures semantic deduplication.
type DedupConfig struct {
	// Eps is the cosine distance (1 - cosine similarity) under which two clips are duplicates.
	// 0 turns deduplication off. Cosmos's curator uses 0.01 with its learned embedding; with
	// Embed, re-encoded and down-scaled copies in the test corpus measured at most 0.038 and
	// distinct clips at least 0.065, hence the command's default of 0.05.
	Eps float64 `json:"eps"`
	// Clusters is k of k-means; 0 picks ceil(sqrt(n/2)), which keeps both the k-means cost
	// (n*k) and the pairwise comparisons inside clusters (about n*n/k) near n^1.5.
	Clusters int    `json:"clusters"`
	Seed     uint64 `json:"seed"`
	Iters    int    `json:"iters"` // Lloyd iterations at most (default 50)
}

// Duplicate records a clip dropped by deduplication and the clip it duplicates.
type Duplicate struct {
	Key      string  `json:"key"`
	Of       string  `json:"of"`
	Distance float64 `json:"cosine_distance"`
	Cluster  int     `json:"cluster"`
}

// Dedup finds near-duplicate clips the way SemDeDup does (Abbas et al., "SemDeDup:
// Data-efficient learning at web-scale through semantic deduplication", arXiv:2303.09540):
// spherical k-means over the unit embeddings (k-means++ seeding from a PCG generator seeded
// with cfg.Seed, then Lloyd iterations on cosine similarity) splits the clips into clusters,
// and within each cluster every pair closer than Eps in cosine distance is a duplicate. Of a
// group of duplicates the clip that comes first in keys is kept (SemDeDup keeps the one
// farthest from the centroid; keeping the first makes the choice independent of the
// clustering and prefers the earliest source), and each dropped clip names the kept clip it
// is closest to. keys must be sorted and unique; emb[i] is the unit embedding of keys[i].
// Duplicates that k-means puts in different clusters are missed, the known price of the
// method; larger clusters (smaller k) miss fewer.
func Dedup(keys []string, emb [][]float32, cfg DedupConfig) ([]Duplicate, []int) {
	n := len(keys)
	if n == 0 || cfg.Eps <= 0 {
		return nil, make([]int, n)
	}
	k := cfg.Clusters
	if k <= 0 {
		k = int(math.Ceil(math.Sqrt(float64(n) / 2)))
	}
	k = max(1, min(k, n))
	assign := kmeans(emb, k, cfg.Seed, cfg.Iters)
	members := make([][]int, k)
	for i, c := range assign {
		members[c] = append(members[c], i)
	}
	var dups []Duplicate
	for c, m := range members {
		var kept []int
		for _, i := range m { // in key order, since i ascends
			best, bestD := -1, math.Inf(1)
			for _, j := range kept {
				if d := 1 - dot(emb[i], emb[j]); d < bestD {
					best, bestD = j, d
				}
			}
			if best >= 0 && bestD < cfg.Eps {
				dups = append(dups, Duplicate{Key: keys[i], Of: keys[best], Distance: max(0, bestD), Cluster: c})
				continue
			}
			kept = append(kept, i)
		}
	}
	sort.Slice(dups, func(a, b int) bool { return dups[a].Key < dups[b].Key })
	return dups, assign
}

// kmeans clusters unit vectors by cosine similarity and returns each vector's cluster.
func kmeans(x [][]float32, k int, seed uint64, iters int) []int {
	if iters <= 0 {
		iters = 50
	}
	n, d := len(x), len(x[0])
	rng := rand.New(rand.NewPCG(seed, 0x6b6d65616e73))
	// k-means++ (Arthur and Vassilvitskii, SODA 2007): each next centre is drawn with
	// probability proportional to its squared distance to the nearest centre so far.
	cent := make([][]float32, 0, k)
	cent = append(cent, append([]float32(nil), x[rng.IntN(n)]...))
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	for len(cent) < k {
		last := cent[len(cent)-1]
		var total float64
		for i := range x {
			dist[i] = math.Min(dist[i], math.Max(0, 2-2*dot(x[i], last)))
			total += dist[i]
		}
		if total == 0 {
			break // fewer distinct points than k
		}
		r := rng.Float64() * total
		pick := n - 1
		for i, v := range dist {
			if r -= v; r < 0 {
				pick = i
				break
			}
		}
		cent = append(cent, append([]float32(nil), x[pick]...))
	}
	assign := make([]int, n)
	for it := range iters {
		changed := false
		for i := range x {
			best, bestS := 0, math.Inf(-1)
			for c := range cent {
				if s := dot(x[i], cent[c]); s > bestS {
					best, bestS = c, s
				}
			}
			if assign[i] != best || it == 0 {
				changed = changed || assign[i] != best
				assign[i] = best
			}
		}
		if !changed && it > 0 {
			break
		}
		sums := make([][]float64, len(cent))
		for c := range sums {
			sums[c] = make([]float64, d)
		}
		for i, c := range assign {
			for j, v := range x[i] {
				sums[c][j] += float64(v)
			}
		}
		for c := range cent {
			var norm float64
			for _, v := range sums[c] {
				norm += v * v
			}
			if norm == 0 {
				continue // an empty cluster keeps its centre
			}
			norm = math.Sqrt(norm)
			for j := range cent[c] {
				cent[c][j] = float32(sums[c][j] / norm)
			}
		}
	}
	return assign
}

func dot(a, b []float32) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("curate: embeddings of length %d and %d", len(a), len(b)))
	}
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
