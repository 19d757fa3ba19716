package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// loaderDataset writes 17 samples as shards of 7, 7 and 3 and returns their paths.
func loaderDataset(t *testing.T) ([]string, []testSample) {
	t.Helper()
	dir := t.TempDir()
	samples := makeSamples(17, 21)
	ix := writeDataset(t, dir, "ld", samples, WriterOptions{MaxSamples: 7})
	if len(ix.Shards) != 3 {
		t.Fatalf("%d shards, want 3", len(ix.Shards))
	}
	return ix.Paths(dir), samples
}

func take(t *testing.T, l *Loader, n int) []*Sample {
	t.Helper()
	out := make([]*Sample, n)
	for i := range out {
		s, err := l.Next()
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		out[i] = s
	}
	return out
}

func keys(ss []*Sample) []string {
	k := make([]string, len(ss))
	for i, s := range ss {
		k[i] = s.Key
	}
	return k
}

func TestLoaderEpochs(t *testing.T) {
	paths, samples := loaderDataset(t)
	want := make([]string, len(samples))
	byKey := map[string]testSample{}
	for i, s := range samples {
		want[i] = s.key
		byKey[s.key] = s
	}
	for _, buffer := range []int{0, 1, 5, 100} {
		l, err := NewLoader(paths, LoaderOptions{Seed: 9, ShuffleBuffer: buffer})
		if err != nil {
			t.Fatal(err)
		}
		var orders [][]string
		for epoch := range 3 {
			got := take(t, l, len(samples))
			for _, s := range got {
				if d := sameSample(s, byKey[s.Key]); d != "" {
					t.Fatal(d)
				}
			}
			k := keys(got)
			orders = append(orders, k)
			sorted := slices.Sorted(slices.Values(k))
			if !slices.Equal(sorted, want) {
				t.Fatalf("buffer %d, epoch %d yields %v, not every sample once", buffer, epoch, k)
			}
		}
		if slices.Equal(orders[0], orders[1]) && slices.Equal(orders[1], orders[2]) {
			t.Errorf("buffer %d: three epochs in the same order %v", buffer, orders[0])
		}
		if buffer > 1 && slices.Equal(orders[0], want) {
			t.Errorf("buffer %d: epoch 0 not shuffled", buffer)
		}
	}
	// Same seed, same sequence; another seed, another.
	seq := func(seed uint64) []string {
		l, err := NewLoader(paths, LoaderOptions{Seed: seed, ShuffleBuffer: 4})
		if err != nil {
			t.Fatal(err)
		}
		return keys(take(t, l, 40))
	}
	if a, b := seq(1), seq(1); !slices.Equal(a, b) {
		t.Fatalf("seed 1 gave %v then %v", a, b)
	}
	if a, b := seq(1), seq(2); slices.Equal(a, b) {
		t.Fatalf("seeds 1 and 2 gave the same sequence %v", a)
	}
}

// TestLoaderExactResume checks that a loader restored from the state taken after K samples
// yields the same next M samples (keys and bytes) as the loader that was not interrupted.
func TestLoaderExactResume(t *testing.T) {
	paths, _ := loaderDataset(t)
	const m = 25
	opts := LoaderOptions{Seed: 77, ShuffleBuffer: 5}
	ref, err := NewLoader(paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	reference := take(t, ref, 60+m)
	// 17 samples an epoch in shards of 7, 7, 3 through a buffer of 5: after K outputs K+4
	// samples have been pulled (until all 17 are, at K = 13). K = 0 is before any read; 1 and
	// 9 leave a shard partly consumed whatever the shard order; 13 to 16 have the stream
	// exhausted and the buffer draining; 17 is exactly the epoch boundary; 18 and 20 just
	// after it; 52 and 60 are in later epochs.
	for _, k := range []int{0, 1, 3, 9, 13, 14, 15, 16, 17, 18, 20, 52, 60} {
		t.Run(fmt.Sprint("K=", k), func(t *testing.T) {
			l, err := NewLoader(paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			take(t, l, k)
			state, err := l.State()
			if err != nil {
				t.Fatal(err)
			}
			cont := take(t, l, m)
			fresh, err := NewLoader(paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			take(t, fresh, 4) // a loader elsewhere in the sequence is moved, not rebuilt
			if err := fresh.Restore(state); err != nil {
				t.Fatal(err)
			}
			again, err := fresh.State()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, state) {
				t.Fatalf("state after Restore\n%s\ndiffers from the saved\n%s", again, state)
			}
			resumed := take(t, fresh, m)
			for i := range m {
				want := reference[k+i]
				for _, got := range []*Sample{cont[i], resumed[i]} {
					if got.Key != want.Key || len(got.Parts) != len(want.Parts) {
						t.Fatalf("sample %d after K: %q, want %q", i, got.Key, want.Key)
					}
					for ext, data := range want.Parts {
						if !bytes.Equal(got.Parts[ext], data) {
							t.Fatalf("sample %d after K (%q): part %q differs", i, want.Key, ext)
						}
					}
				}
			}
		})
	}
}

func TestLoaderRestoreRejects(t *testing.T) {
	paths, _ := loaderDataset(t)
	l, err := NewLoader(paths, LoaderOptions{Seed: 1, ShuffleBuffer: 4})
	if err != nil {
		t.Fatal(err)
	}
	take(t, l, 9)
	state, err := l.State()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(*loaderState)) []byte {
		var st loaderState
		if err := json.Unmarshal(state, &st); err != nil {
			t.Fatal(err)
		}
		f(&st)
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		state []byte
		opts  LoaderOptions
		paths []string
	}{
		{"garbage", []byte("{"), LoaderOptions{ShuffleBuffer: 4}, paths},
		{"other buffer", state, LoaderOptions{ShuffleBuffer: 5}, paths},
		{"other shards", state, LoaderOptions{ShuffleBuffer: 4}, paths[:2]},
		{"order not a permutation", edit(func(s *loaderState) { s.Order = []int{0, 0, 1} }), LoaderOptions{ShuffleBuffer: 4}, paths},
		{"buffer index out of range", edit(func(s *loaderState) { s.Buffer[0].Index = 99 }), LoaderOptions{ShuffleBuffer: 4}, paths},
		{"buffer key changed", edit(func(s *loaderState) { s.Buffer[0].Key = "zzz" }), LoaderOptions{ShuffleBuffer: 4}, paths},
		{"bad generator", edit(func(s *loaderState) { s.PCG = []byte("x") }), LoaderOptions{ShuffleBuffer: 4}, paths},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewLoader(tc.paths, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Restore(tc.state); err == nil {
				t.Fatal("Restore accepted the state")
			}
		})
	}
	// Too large an offset shows up when the shard is reopened.
	r, err := NewLoader(paths, LoaderOptions{ShuffleBuffer: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Restore(edit(func(s *loaderState) { s.Offset = 50; s.Buffer = nil })); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "consumed") {
		t.Fatalf("reopening past the end of a shard: %v", err)
	}
}

func TestLoaderEmptyDataset(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "e-000000.tar")
	if err := os.WriteFile(empty, make([]byte, 1024), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := NewLoader([]string{empty}, LoaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Next(); err == nil {
		t.Fatal("a loader over an empty shard returned a sample")
	}
	if _, err := NewLoader(nil, LoaderOptions{}); err == nil {
		t.Fatal("a loader over no shards was created")
	}
}

// trainLoader is train.Loader's method set, restated to keep this package's tests off the
// training package.
type trainLoader interface {
	Next() ([]*tensors.Tensor, error)
	State() ([]byte, error)
	Restore(state []byte) error
}

func TestTensorLoader(t *testing.T) {
	paths, _ := loaderDataset(t)
	// Each sample becomes the length of its y4m part and the first byte of its json.
	decode := func(batch []*Sample) ([]*tensors.Tensor, error) {
		lengths := make([]int32, len(batch))
		first := make([]uint8, len(batch))
		for i, s := range batch {
			lengths[i] = int32(len(s.Parts["y4m"]))
			first[i] = s.Parts["json"][0]
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(lengths, len(batch)), tensors.FromFlatDataAndDimensions(first, len(batch))}, nil
	}
	newLoader := func() trainLoader {
		l, err := NewLoader(paths, LoaderOptions{Seed: 5, ShuffleBuffer: 6})
		if err != nil {
			t.Fatal(err)
		}
		return NewTensorLoader(l, 4, decode)
	}
	values := func(tl trainLoader, n int) [][]int32 {
		var out [][]int32
		for range n {
			b, err := tl.Next()
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != 2 || b[0].Shape().Dimensions[0] != 4 {
				t.Fatalf("batch %v", b)
			}
			v, err := tensors.CopyFlatData[int32](b[0])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	a := newLoader()
	values(a, 3)
	state, err := a.State()
	if err != nil {
		t.Fatal(err)
	}
	want := values(a, 5) // crosses the epoch boundary at sample 17
	b := newLoader()
	if err := b.Restore(state); err != nil {
		t.Fatal(err)
	}
	got := values(b, 5)
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("batch %d after restore %v, want %v", i, got[i], want[i])
		}
	}
}
