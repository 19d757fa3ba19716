package textenc

import (
	"context"
	"testing"

	"github.com/wfm-platform/wfm/internal/testutil"
)

func TestHashEncoder(t *testing.T) {
	e, err := NewHashEncoder(8, 4)
	if err != nil {
		t.Fatal(err)
	}
	emb, mask, err := e.Encode(context.Background(), []string{"A red ball", "red", "", "one two three four five"})
	if err != nil {
		t.Fatal(err)
	}
	v, m := testutil.Flat(emb), testutil.Flat(mask)
	row := func(b, k int) []float32 { return v[(b*4+k)*8 : (b*4+k+1)*8] }
	if testutil.MaxAbsDiff(row(0, 1), row(1, 0)) != 0 {
		t.Error("the same word gives different vectors")
	}
	if testutil.MaxAbsDiff(row(0, 0), row(0, 1)) == 0 {
		t.Error("different words give the same vector")
	}
	for _, x := range v[2*4*8 : 3*4*8] {
		if x != 0 {
			t.Fatal("the empty prompt is not zeros")
		}
	}
	if m[0] != 1 || m[3] != 0 || m[3*4+3] != 1 {
		t.Errorf("mask %v", m)
	}
	if _, err := NewHashEncoder(0, 1); err == nil {
		t.Error("dim 0 accepted")
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"A red ball falls.", "", "é-Ü 12 ab_cd", "\xff\xfe"} {
		f.Add(s)
	}
	e, _ := NewHashEncoder(4, 3)
	f.Fuzz(func(t *testing.T, s string) {
		emb, mask, err := e.Encode(context.Background(), []string{s})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range testutil.Flat(mask) {
			if m == 1 {
				n++
			}
		}
		if want := min(3, len(Words(s))); n != want || len(testutil.Flat(emb)) != 12 {
			t.Errorf("%q: %d tokens masked, want %d", s, n, want)
		}
	})
}
