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

// FuzzSampleReader feeds arbitrary bytes to the sample grouping reader: it must never panic,
// must end in io.EOF or a *FormatError, and must respect its limits.
func FuzzSampleReader(f *testing.F) {
	var shard bytes.Buffer
	dir := f.TempDir()
	w, err := NewShardWriter(dir, "fz", WriterOptions{})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range makeSamples(4, 1) {
		if err := w.Write(s.key, s.parts); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	for name, data := range dirFiles(f, dir) {
		if name == "fz-000000.tar" {
			shard.Write(data)
		}
	}
	f.Add(shard.Bytes())
	f.Add(shard.Bytes()[:1500])
	f.Add(buildTar(f, []entry{{name: "a.json", data: "1"}, {name: "b.json", data: "2"}, {name: "a.png", data: "3"}}))
	f.Add(buildTar(f, []entry{{name: "../x.json", data: "1"}}))
	f.Add(buildTar(f, []entry{{name: "a.y4m", size: 1 << 40}}))
	f.Add([]byte{})
	lim := Limits{MaxPartBytes: 4096, MaxSampleBytes: 8192, MaxParts: 8, MaxSamples: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewSampleReader(bytes.NewReader(data), "fuzz.tar", lim)
		for n := 0; ; n++ {
			s, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) || fe.Shard != "fuzz.tar" {
					t.Fatalf("error %v is not a FormatError naming the shard", err)
				}
				return
			}
			if n >= lim.MaxSamples || len(s.Parts) > lim.MaxParts {
				t.Fatalf("sample %d with %d parts passed the limits", n, len(s.Parts))
			}
			total := 0
			for ext, p := range s.Parts {
				if _, _, err := splitName(s.Key + "." + ext); err != nil {
					t.Fatalf("accepted the name %q: %v", s.Key+"."+ext, err)
				}
				total += len(p)
			}
			if total > int(lim.MaxSampleBytes) {
				t.Fatalf("sample of %d bytes passed the limit", total)
			}
		}
	})
}

// FuzzLoaderRestore feeds arbitrary states to Loader.Restore: it must never panic, and a
// loader that accepted a state must go on yielding samples or errors, never panics.
func FuzzLoaderRestore(f *testing.F) {
	dir := f.TempDir()
	w, err := NewShardWriter(dir, "fr", WriterOptions{MaxSamples: 3})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range makeSamples(7, 4) {
		if err := w.Write(s.key, s.parts); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	ix := w.Index()
	paths := ix.Paths(dir)
	opts := LoaderOptions{Seed: 3, ShuffleBuffer: 2}
	l, err := NewLoader(paths, opts)
	if err != nil {
		f.Fatal(err)
	}
	for range 5 {
		state, err := l.State()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(state)
		if _, err := l.Next(); err != nil {
			f.Fatal(err)
		}
	}
	f.Add([]byte(`{"shards":["fr-000000.tar","fr-000001.tar","fr-000002.tar"],"shuffle_buffer":2,"order":[2,1,0],"pos":3,"offset":99,"buffer":[{"shard":0,"index":0,"key":"s00000"},{"shard":0,"index":0,"key":"s00000"}]}`))
	f.Fuzz(func(t *testing.T, state []byte) {
		l, err := NewLoader(paths, opts)
		if err != nil {
			t.Fatal(err)
		}
		if l.Restore(state) != nil {
			return
		}
		for range 10 {
			if _, err := l.Next(); err != nil {
				return
			}
		}
	})
}

// FuzzReadIndex: any bytes as PREFIX-index.json give an index whose shards are all well named,
// or an error naming the file; never a panic.
func FuzzReadIndex(f *testing.F) {
	f.Add([]byte(`{"format":"wfm-webdataset/1","prefix":"p","shards":[{"name":"p-000000.tar","samples":1,"bytes":10,"sha256":"00"}],"complete":true}`))
	f.Add([]byte(`{"format":"wfm-webdataset/1","prefix":"p","shards":[]}`))
	f.Add([]byte(`{"complete":false}`))
	f.Add([]byte(`[]`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, IndexName("p")), data, 0o644); err != nil {
			t.Fatal(err)
		}
		ix, err := ReadIndex(dir, "p")
		if err != nil {
			if !strings.Contains(err.Error(), "p-index.json") {
				t.Errorf("error does not name the index: %v", err)
			}
			return
		}
		for i, s := range ix.Shards {
			if s.Name != ShardName("p", i) || s.Samples < 1 || s.Bytes < 0 {
				t.Errorf("shard %d accepted as %+v", i, s)
			}
		}
	})
}
