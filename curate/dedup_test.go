package curate

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func unit(v []float32) []float32 { normalize(v, 1); return v }

func TestDedupDropsExactAndNearKeepsDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, d = 40, 32
	var keys []string
	var emb [][]float32
	base := make([][]float32, n)
	for i := range n {
		v := make([]float32, d)
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		base[i] = unit(v)
	}
	add := func(key string, v []float32) {
		keys = append(keys, key)
		emb = append(emb, v)
	}
	for i := range n {
		add(string(rune('a'+i/26))+string(rune('a'+i%26)), base[i])
	}
	// Plant an exact copy of clip 3 and a near copy (cosine distance about 0.002) of clip 7.
	add("zz_exact", append([]float32(nil), base[3]...))
	near := append([]float32(nil), base[7]...)
	for j := range near {
		near[j] += float32(rng.NormFloat64()) * 0.01
	}
	add("zz_near", unit(near))
	dups, assign := Dedup(keys, emb, DedupConfig{Eps: 0.01, Seed: 1})
	want := []Duplicate{{Key: "zz_exact", Of: keys[3]}, {Key: "zz_near", Of: keys[7]}}
	if len(dups) != 2 {
		t.Fatalf("duplicates %+v", dups)
	}
	for i, d := range dups {
		if d.Key != want[i].Key || d.Of != want[i].Of || d.Distance > 0.01 {
			t.Errorf("duplicate %+v, want %+v", d, want[i])
		}
	}
	// Seeded: the same clustering every time.
	_, again := Dedup(keys, emb, DedupConfig{Eps: 0.01, Seed: 1})
	if !reflect.DeepEqual(assign, again) {
		t.Error("k-means is not deterministic")
	}
	if dups, _ := Dedup(keys, emb, DedupConfig{Eps: 0}); len(dups) != 0 {
		t.Error("eps 0 deduplicated")
	}
}

func TestEmbedIsUnitAndSeparatesClips(t *testing.T) {
	a, b := movingSquare(t, 1, 0), movingSquare(t, 0, 2)
	ea, eb := Embed(a), Embed(b)
	if n := dot(ea, ea); n < 0.999 || n > 1.001 {
		t.Errorf("|e|^2 = %v", n)
	}
	if d := 1 - dot(ea, Embed(a.Clone())); d > 1e-6 {
		t.Errorf("same clip at distance %v", d)
	}
	if d := 1 - dot(ea, eb); d < 0.05 {
		t.Errorf("different motion at distance %v", d)
	}
}
