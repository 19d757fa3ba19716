package dataset

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readAllFrom drains r and returns the keys read and the error that stopped it (nil at EOF).
func readAllFrom(r *Reader) ([]string, error) {
	defer r.Close()
	var keys []string
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			return keys, nil
		}
		if err != nil {
			return keys, err
		}
		keys = append(keys, s.Key)
	}
}

func TestIndexMarkedCompleteOnlyByClose(t *testing.T) {
	dir := t.TempDir()
	samples := makeSamples(7, 3)
	w, err := NewShardWriter(dir, "cp", WriterOptions{MaxSamples: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples[:4] {
		if err := w.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	// Mid-run (and after a crash here): one shard listed, not complete.
	ix, err := ReadIndex(dir, "cp")
	if err != nil || ix.Complete || len(ix.Shards) != 1 {
		t.Fatalf("mid-run index %+v, %v: want 1 shard, not complete", ix, err)
	}
	_, err = OpenDir(dir, "cp", Limits{})
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), IndexName("cp")) {
		t.Fatalf("OpenDir of an incomplete dataset: %v, want ErrIncomplete naming the index", err)
	}
	r, err := OpenDirWith(dir, "cp", Limits{}, OpenOptions{AllowIncomplete: true})
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := readAllFrom(r); err != nil || len(keys) != 3 {
		t.Fatalf("AllowIncomplete read %v, %v: want the 3 samples of the complete shard", keys, err)
	}
	// The interrupted run is resumed and finished: now complete.
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	w, err = NewShardWriter(dir, "cp", WriterOptions{MaxSamples: 3, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples[w.Samples():] {
		if err := w.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err := ReadIndex(dir, "cp"); err != nil || !ix.Complete || ix.Samples() != 7 {
		t.Fatalf("finished index %+v, %v", ix, err)
	}
	r, err = OpenDir(dir, "cp", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := readAllFrom(r); err != nil || len(keys) != 7 {
		t.Fatalf("read %d samples, %v; want 7", len(keys), err)
	}
}

func TestIndexWithoutCompleteFieldIsLegacyComplete(t *testing.T) {
	dir := t.TempDir()
	writeDataset(t, dir, "lg", makeSamples(4, 1), WriterOptions{MaxSamples: 2})
	path := filepath.Join(dir, IndexName("lg"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	legacy := strings.Replace(string(data), `,
  "complete": true`, "", 1)
	if legacy == string(data) {
		t.Fatalf("index has no complete field to strip:\n%s", data)
	}
	if err := os.WriteFile(path, []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	if ix, err := ReadIndex(dir, "lg"); err != nil || !ix.Complete {
		t.Fatalf("legacy index %+v, %v: want complete", ix, err)
	}
	if _, err := OpenDir(dir, "lg", Limits{}); err != nil {
		t.Fatal(err)
	}
}

func TestTruncatedShardRefusedAtOpen(t *testing.T) {
	dir := t.TempDir()
	ix := writeDataset(t, dir, "tr", makeSamples(6, 2), WriterOptions{MaxSamples: 2})
	shard := filepath.Join(dir, ix.Shards[1].Name)
	if err := os.Truncate(shard, ix.Shards[1].Bytes-1024); err != nil {
		t.Fatal(err)
	}
	for _, h := range []HashCheck{HashFirstUse, HashAll, HashNever} {
		_, err := OpenDirWith(dir, "tr", Limits{}, OpenOptions{Hash: h})
		if !errors.Is(err, ErrShardMismatch) || !strings.Contains(err.Error(), shard) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("hash %d: %v, want ErrShardMismatch naming %s", h, err, shard)
		}
	}
	if err := os.Remove(shard); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDir(dir, "tr", Limits{}); !errors.Is(err, ErrShardMismatch) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing shard: %v", err)
	}
}

// corruptByte flips one byte in the data of the shard at path, keeping its size.
func corruptByte(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x55
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptShardRefusedBeforeItsSamples(t *testing.T) {
	dir := t.TempDir()
	ix := writeDataset(t, dir, "cr", makeSamples(6, 4), WriterOptions{MaxSamples: 2})
	shard := filepath.Join(dir, ix.Shards[2].Name)
	// A byte inside the first part's data (after its 512-byte header): the tar still parses,
	// so without the index the damage would go unnoticed.
	corruptByte(t, shard, 512+3)

	// Default: opens (sizes match), reads the good shards, stops at the bad one before any of
	// its samples.
	r, err := OpenDir(dir, "cr", Limits{})
	if err != nil {
		t.Fatalf("sizes match, the open should succeed: %v", err)
	}
	keys, err := readAllFrom(r)
	if !errors.Is(err, ErrShardMismatch) || !strings.Contains(err.Error(), shard) || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("read: %v, want ErrShardMismatch naming %s", err, shard)
	}
	if len(keys) != 4 {
		t.Errorf("read %d samples before the corrupt shard, want the 4 of the good ones", len(keys))
	}
	// HashAll finds it at open.
	if _, err := OpenDirWith(dir, "cr", Limits{}, OpenOptions{Hash: HashAll}); !errors.Is(err, ErrShardMismatch) || !strings.Contains(err.Error(), shard) {
		t.Errorf("HashAll open: %v", err)
	}
	// HashNever reads it (the caller asked for sizes only).
	r, err = OpenDirWith(dir, "cr", Limits{}, OpenOptions{Hash: HashNever})
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := readAllFrom(r); err != nil || len(keys) != 6 {
		t.Errorf("HashNever read %d, %v", len(keys), err)
	}
	// The loader checks too.
	d, err := OpenDataset(dir, "cr", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := d.Loader(LoaderOptions{Seed: 1, ShuffleBuffer: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := l.Next(); err != nil {
			if !errors.Is(err, ErrShardMismatch) {
				t.Fatalf("loader: %v, want ErrShardMismatch", err)
			}
			break
		}
		if i > 6 {
			t.Fatal("the loader went through the corrupt shard")
		}
	}
}

func TestShardHashedOnceWhenUnchanged(t *testing.T) {
	dir := t.TempDir()
	ix := writeDataset(t, dir, "once", makeSamples(4, 5), WriterOptions{MaxSamples: 2})
	for range 2 {
		r, err := OpenDir(dir, "once", Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if keys, err := readAllFrom(r); err != nil || len(keys) != 4 {
			t.Fatalf("read %d, %v", len(keys), err)
		}
	}
	// A change after verification (same size, new modification time) is hashed again.
	shard := filepath.Join(dir, ix.Shards[0].Name)
	corruptByte(t, shard, 512+1)
	st, _ := os.Stat(shard)
	if err := os.Chtimes(shard, st.ModTime().Add(2e9), st.ModTime().Add(2e9)); err != nil {
		t.Fatal(err)
	}
	r, err := OpenDir(dir, "once", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAllFrom(r); !errors.Is(err, ErrShardMismatch) {
		t.Errorf("a shard changed after its first verification: %v", err)
	}
}

func TestNoIndex(t *testing.T) {
	dir := t.TempDir()
	writeDataset(t, dir, "ni", makeSamples(4, 6), WriterOptions{MaxSamples: 2})
	if err := os.Remove(filepath.Join(dir, IndexName("ni"))); err != nil {
		t.Fatal(err)
	}
	r, err := OpenDir(dir, "ni", Limits{})
	if err != nil {
		t.Fatalf("shards without an index are read by name: %v", err)
	}
	if keys, err := readAllFrom(r); err != nil || len(keys) != 4 {
		t.Fatalf("read %d, %v", len(keys), err)
	}
	if _, err := OpenDirWith(dir, "ni", Limits{}, OpenOptions{RequireIndex: true}); !errors.Is(err, ErrNoIndex) {
		t.Errorf("RequireIndex: %v", err)
	}
}
