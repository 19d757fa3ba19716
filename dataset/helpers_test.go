package dataset

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testSample is a sample the tests write and expect back.
type testSample struct {
	key   string
	parts map[string][]byte
}

// makeSamples draws n samples with binary parts of sizes around the 512-byte tar block
// boundaries, from a seeded generator.
func makeSamples(n int, seed uint64) []testSample {
	rng := rand.New(rand.NewPCG(seed, 1))
	sizes := []int{0, 1, 100, 511, 512, 513, 1500}
	out := make([]testSample, n)
	for i := range out {
		parts := map[string][]byte{
			"json": fmt.Appendf(nil, `{"i":%d}`, i),
			"y4m":  randomBytes(rng, sizes[rng.IntN(len(sizes))]),
		}
		if i%3 == 0 {
			parts["mask.png"] = randomBytes(rng, sizes[rng.IntN(len(sizes))])
		}
		out[i] = testSample{key: fmt.Sprintf("s%05d", i), parts: parts}
	}
	return out
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// writeDataset writes samples with opts into dir and returns the index.
func writeDataset(t *testing.T, dir, prefix string, samples []testSample, opts WriterOptions) Index {
	t.Helper()
	w, err := NewShardWriter(dir, prefix, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		if err := w.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.Index()
}

// sameSample reports how got differs from want, or "".
func sameSample(got *Sample, want testSample) string {
	if got.Key != want.key {
		return fmt.Sprintf("key %q, want %q", got.Key, want.key)
	}
	if len(got.Parts) != len(want.parts) {
		return fmt.Sprintf("sample %q has %d parts, want %d", got.Key, len(got.Parts), len(want.parts))
	}
	for ext, data := range want.parts {
		if !bytes.Equal(got.Parts[ext], data) {
			return fmt.Sprintf("sample %q part %q differs (%d bytes, want %d)", got.Key, ext, len(got.Parts[ext]), len(data))
		}
	}
	return ""
}

// dirFiles returns the names and contents of the files in dir.
func dirFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

func removeFile(dir, name string) error { return os.Remove(filepath.Join(dir, name)) }

func sortedKeys(m map[string][]byte) []string {
	k := make([]string, 0, len(m))
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}
