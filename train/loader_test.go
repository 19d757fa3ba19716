package train

import (
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// indexLoader serves n examples whose single feature is the example's index, and a second
// input holding twice the index, so a batch shows which rows it took.
func indexLoader(t *testing.T, n, batchSize int, seed uint64) *SliceLoader {
	t.Helper()
	ids := make([]int32, n)
	doubled := make([]float32, 2*n)
	for i := range n {
		ids[i] = int32(i)
		doubled[2*i], doubled[2*i+1] = float32(2*i), float32(2*i)
	}
	l, err := NewSliceLoader(batchSize, seed,
		tensors.FromFlatDataAndDimensions(ids, n), tensors.FromFlatDataAndDimensions(doubled, n, 2))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// nextIDs returns the example indices of the next batch, checking both inputs agree.
func nextIDs(t *testing.T, l *SliceLoader) []int {
	t.Helper()
	batch, err := l.Next()
	if err != nil {
		t.Fatal(err)
	}
	ids := tensors.MustCopyFlatData[int32](batch[0])
	doubled := tensors.MustCopyFlatData[float32](batch[1])
	out := make([]int, len(ids))
	for i, id := range ids {
		if doubled[2*i] != float32(2*id) || doubled[2*i+1] != float32(2*id) {
			t.Fatalf("row %d: inputs disagree: id %d, second input %v", i, id, doubled[2*i:2*i+2])
		}
		out[i] = int(id)
	}
	return out
}

func TestSliceLoaderEpochs(t *testing.T) {
	const n, bs = 10, 3 // 3 batches per epoch, one example left out each epoch
	l := indexLoader(t, n, bs, 5)
	var orders [][]int
	for epoch := range 4 {
		var seen []int
		for range n / bs {
			if l.Epoch() != epoch && len(seen) > 0 {
				t.Fatalf("epoch %d changed midway", epoch)
			}
			seen = append(seen, nextIDs(t, l)...)
		}
		if l.Epoch() != epoch {
			t.Fatalf("Epoch() = %d, want %d", l.Epoch(), epoch)
		}
		sorted := slices.Sorted(slices.Values(seen))
		if len(slices.Compact(sorted)) != n/bs*bs {
			t.Fatalf("epoch %d repeated an example: %v", epoch, seen)
		}
		orders = append(orders, seen)
	}
	if slices.Equal(orders[0], orders[1]) && slices.Equal(orders[1], orders[2]) {
		t.Errorf("the order does not change between epochs: %v", orders[0])
	}
	other := indexLoader(t, n, bs, 6)
	if slices.Equal(nextIDs(t, other), orders[0][:bs]) && slices.Equal(nextIDs(t, other), orders[0][bs:2*bs]) {
		t.Errorf("seeds 5 and 6 give the same order")
	}
}

// TestSliceLoaderRestore saves the state at every position of a few epochs and checks a new
// loader restored from it yields what the original yields next.
func TestSliceLoaderRestore(t *testing.T) {
	const n, bs = 7, 2
	l := indexLoader(t, n, bs, 9)
	for pos := range 12 {
		state, err := l.State()
		if err != nil {
			t.Fatal(err)
		}
		r := indexLoader(t, n, bs, 1234) // the seed is overridden by the state
		if err := r.Restore(state); err != nil {
			t.Fatalf("position %d: %v", pos, err)
		}
		for k := range 5 {
			want, got := nextIDs(t, l), nextIDs(t, r)
			if !slices.Equal(got, want) {
				t.Fatalf("position %d, batch %d after restore: %v, want %v", pos, k, got, want)
			}
		}
		// Put l back where it was, then advance by one batch.
		if err := l.Restore(state); err != nil {
			t.Fatal(err)
		}
		nextIDs(t, l)
	}
}

func TestSliceLoaderErrors(t *testing.T) {
	x := tensors.FromFlatDataAndDimensions(make([]float32, 12), 6, 2)
	bad := []struct {
		name   string
		bs     int
		inputs []*tensors.Tensor
	}{
		{"no inputs", 2, nil},
		{"scalar", 1, []*tensors.Tensor{tensors.FromScalar(float32(1))}},
		{"batch too large", 7, []*tensors.Tensor{x}},
		{"batch zero", 0, []*tensors.Tensor{x}},
		{"count mismatch", 2, []*tensors.Tensor{x, tensors.FromFlatDataAndDimensions(make([]float32, 5), 5)}},
	}
	for _, tc := range bad {
		if _, err := NewSliceLoader(tc.bs, 1, tc.inputs...); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	l, err := NewSliceLoader(2, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewSliceLoader(3, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	state, _ := other.State()
	for _, s := range [][]byte{state, []byte(`{`), []byte(`{"examples":6,"batch_size":2,"epoch":0,"index":9,"pcg":""}`),
		[]byte(`{"examples":6,"batch_size":2,"epoch":0,"index":0,"pcg":"AAAA"}`)} {
		if err := l.Restore(s); err == nil {
			t.Errorf("Restore(%s): no error", s)
		}
	}
}
