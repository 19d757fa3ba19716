package dataset

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	samples := makeSamples(23, 7)
	ix := writeDataset(t, dir, "rt", samples, WriterOptions{})
	if len(ix.Shards) != 1 || ix.Shards[0].Samples != 23 || ix.Shards[0].FirstKey != "s00000" || ix.Shards[0].LastKey != "s00022" {
		t.Fatalf("index %+v", ix)
	}
	r, err := OpenDir(dir, "rt", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i, want := range samples {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if d := sameSample(got, want); d != "" {
			t.Fatal(d)
		}
		if got.Index != i || got.Shard != filepath.Join(dir, "rt-000000.tar") {
			t.Errorf("sample %d from %s at %d", i, got.Shard, got.Index)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last sample: %v, want io.EOF", err)
	}
}

func TestRollover(t *testing.T) {
	samples := makeSamples(40, 3)
	for _, tc := range []struct {
		name string
		opts WriterOptions
	}{
		{"samples", WriterOptions{MaxSamples: 7}},
		{"bytes", WriterOptions{MaxBytes: 8 << 10}},
		{"both", WriterOptions{MaxSamples: 5, MaxBytes: 6 << 10}},
		// Every sample is bigger than the limit: one shard each.
		{"tiny", WriterOptions{MaxBytes: 1024}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ix := writeDataset(t, dir, "ro", samples, tc.opts)
			next := 0
			for i, sh := range ix.Shards {
				path := filepath.Join(dir, sh.Name)
				if err := VerifyShard(path, sh); err != nil {
					t.Fatal(err)
				}
				if tc.opts.MaxSamples > 0 && sh.Samples > tc.opts.MaxSamples {
					t.Errorf("shard %d has %d samples, limit %d", i, sh.Samples, tc.opts.MaxSamples)
				}
				if tc.opts.MaxBytes > 0 && sh.Bytes > tc.opts.MaxBytes && sh.Samples > 1 {
					t.Errorf("shard %d has %d bytes with %d samples, limit %d", i, sh.Bytes, sh.Samples, tc.opts.MaxBytes)
				}
				if sh.FirstKey != samples[next].key || sh.LastKey != samples[next+sh.Samples-1].key {
					t.Errorf("shard %d keys %s..%s, want %s..%s", i, sh.FirstKey, sh.LastKey, samples[next].key, samples[next+sh.Samples-1].key)
				}
				// A shard that stopped short of the byte limit must have had no room for the next sample.
				if tc.opts.MaxBytes > 0 && i+1 < len(ix.Shards) && (tc.opts.MaxSamples == 0 || sh.Samples < tc.opts.MaxSamples) {
					nextSize := int64(0)
					for _, d := range samples[next+sh.Samples].parts {
						nextSize += 512 + (int64(len(d))+511)/512*512
					}
					if sh.Bytes+nextSize <= tc.opts.MaxBytes {
						t.Errorf("shard %d (%d bytes) closed though the next sample (%d bytes) fit", i, sh.Bytes, nextSize)
					}
				}
				next += sh.Samples
			}
			if next != len(samples) || ix.Samples() != len(samples) {
				t.Fatalf("index holds %d samples, want %d", next, len(samples))
			}
			if len(ix.Shards) < 2 {
				t.Fatalf("only %d shard(s)", len(ix.Shards))
			}
			r := NewReader(ix.Paths(dir), Limits{})
			defer r.Close()
			for _, want := range samples {
				got, err := r.Next()
				if err != nil {
					t.Fatal(err)
				}
				if d := sameSample(got, want); d != "" {
					t.Fatal(d)
				}
			}
		})
	}
}

func TestDeterministicBytes(t *testing.T) {
	samples := makeSamples(30, 11)
	a, b := t.TempDir(), t.TempDir()
	writeDataset(t, a, "det", samples, WriterOptions{MaxSamples: 8})
	writeDataset(t, b, "det", samples, WriterOptions{MaxSamples: 8})
	fa, fb := dirFiles(t, a), dirFiles(t, b)
	if len(fa) != 5 { // 4 shards + index
		t.Fatalf("%d files, want 5", len(fa))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestResumeAfterInterruption(t *testing.T) {
	samples := makeSamples(20, 5)
	opts := WriterOptions{MaxSamples: 4}
	dir := t.TempDir()
	w1, err := NewShardWriter(dir, "rs", opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples[:10] {
		if err := w1.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	// The run dies here: shard 2 is half written (its temporary file is open) and a stray
	// temporary file of an earlier crash lies around. Releasing w1 at the end only frees its
	// goroutine.
	t.Cleanup(func() { w1.fail(errors.New("test over")) })
	stray := filepath.Join(dir, ".rs-000002.tar.tmp-12345")
	if err := os.WriteFile(stray, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths, err := ShardPaths(dir, "rs")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("after the interruption the dataset lists %v, want the 2 complete shards", paths)
	}
	if _, err := os.Stat(filepath.Join(dir, "rs-000002.tar")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the incomplete shard is visible: %v", err)
	}
	if _, err := NewShardWriter(dir, "rs", opts); err == nil {
		t.Fatal("a writer without Resume accepted a folder holding the dataset")
	}
	w2, err := NewShardWriter(dir, "rs", WriterOptions{MaxSamples: 4, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if w2.Samples() != 8 {
		t.Fatalf("resume at sample %d, want 8", w2.Samples())
	}
	for name := range dirFiles(t, dir) {
		if strings.Contains(name, ".tmp-") {
			t.Errorf("temporary file %s left after resuming", name)
		}
	}
	for _, s := range samples[w2.Samples():] {
		if err := w2.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	ref := t.TempDir()
	writeDataset(t, ref, "rs", samples, opts)
	got, want := dirFiles(t, dir), dirFiles(t, ref)
	if len(got) != len(want) {
		t.Fatalf("resumed run left %d files, uninterrupted %d", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs between the resumed and the uninterrupted run", name)
		}
	}

	// A shard changed after it was indexed stops a resume.
	if err := os.WriteFile(filepath.Join(dir, "rs-000001.tar"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewShardWriter(dir, "rs", WriterOptions{Resume: true}); err == nil || !strings.Contains(err.Error(), "rs-000001.tar") {
		t.Fatalf("resume over a damaged shard: %v", err)
	}
}

func TestWriterRejects(t *testing.T) {
	ok := map[string][]byte{"json": []byte("{}")}
	for _, tc := range []struct {
		name  string
		key   string
		parts map[string][]byte
	}{
		{"empty key", "", ok},
		{"dot in key", "a.b", ok},
		{"slash in key", "a/b", ok},
		{"backslash in key", `a\b`, ok},
		{"traversal key", "..", ok},
		{"control byte", "a\nb", ok},
		{"no parts", "a", nil},
		{"empty ext", "a", map[string][]byte{"": nil}},
		{"leading dot ext", "a", map[string][]byte{".png": nil}},
		{"double dot ext", "a", map[string][]byte{"mask..png": nil}},
		{"slash ext", "a", map[string][]byte{"x/y": nil}},
		{"name too long", strings.Repeat("k", 96), map[string][]byte{"json": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := NewShardWriter(t.TempDir(), "rej", WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(tc.key, tc.parts); err == nil {
				t.Fatalf("Write(%q) accepted", tc.key)
			}
			// The writer stays usable after refusing a sample.
			if err := w.Write("good", ok); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
	w, err := NewShardWriter(t.TempDir(), "dup", WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write("a", ok); err != nil {
		t.Fatal(err)
	}
	if err := w.Write("a", ok); err == nil {
		t.Fatal("a key written twice into one shard was accepted")
	}
	if _, err := NewShardWriter(t.TempDir(), "bad.prefix", WriterOptions{}); err == nil {
		t.Fatal("a prefix with a dot was accepted")
	}
}

func TestAbortDropsTheOpenShard(t *testing.T) {
	samples := makeSamples(10, 3)
	whole := t.TempDir()
	want := writeDataset(t, whole, "ab", samples, WriterOptions{MaxSamples: 4})

	dir := t.TempDir()
	w, err := NewShardWriter(dir, "ab", WriterOptions{MaxSamples: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples[:6] { // one complete shard, two samples into the next
		if err := w.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // ab-000000.tar and the index, no temporary file
		t.Fatalf("after Abort the folder holds %d entries: %v", len(entries), entries)
	}
	w, err = NewShardWriter(dir, "ab", WriterOptions{MaxSamples: 4, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if w.Samples() != 4 {
		t.Fatalf("resuming after Abort starts at sample %d, want 4", w.Samples())
	}
	for _, s := range samples[4:] {
		if err := w.Write(s.key, s.parts); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.Index(); len(got.Shards) != len(want.Shards) {
		t.Fatalf("shards %d, want %d", len(got.Shards), len(want.Shards))
	}
	for i, sh := range want.Shards {
		if w.Index().Shards[i].SHA256 != sh.SHA256 {
			t.Errorf("shard %d differs from the uninterrupted run", i)
		}
	}
}
