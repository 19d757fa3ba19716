package torchfile

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keep every allocation a fuzzed input can cause small.
var fuzzLimits = Limits{MaxPickleBytes: 1 << 20, MaxStack: 1 << 12, MaxMemo: 1 << 12, MaxValues: 1 << 16, MaxDepth: 64, MaxTensorBytes: 1 << 20}

var fixtures = []string{"testdata/state_dict.pt", "testdata/checkpoint.pt", "testdata/torchscript.jit"}

// fixturePickles returns the data.pkl of each fixture.
func fixturePickles(f *testing.F) [][]byte {
	var out [][]byte
	for _, name := range fixtures {
		zr, err := zip.OpenReader(name)
		if err != nil {
			f.Fatal(err)
		}
		rc, err := zr.Open("archive/data.pkl")
		if err != nil {
			f.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			f.Fatal(err)
		}
		zr.Close()
		out = append(out, b)
	}
	return out
}

// FuzzUnpickle runs the unpickler and the tensor naming on arbitrary bytes, with every storage
// the pickle names present and zero-filled: it must return a value or an error, never panic.
func FuzzUnpickle(f *testing.F) {
	for _, p := range fixturePickles(f) {
		f.Add(p)
	}
	f.Add(oneTensor(6, 0, []int32{2, 3}, []int32{1, 2}))
	f.Add(newPK().op(opEmptyDict, opBinPut, 0).str("self").op(opBinGet, 0, opSetItem, opStop).b)
	f.Add(newPK().global("os", "system").str("true").op(opTuple1, opReduce).stop())
	f.Fuzz(func(t *testing.T, data []byte) {
		l := fuzzLimits.withDefaults()
		in := &interpreter{limits: l, storages: map[string]*storage{}}
		u := &unpickler{data: data, limits: l, call: in.call, persistent: in.persistent}
		root, err := u.run()
		if err != nil {
			return
		}
		budget := l.MaxTensorBytes
		for _, s := range in.storages {
			n := s.numel * int64(s.dtype.Size())
			if budget -= n; budget < 0 {
				return
			}
			s.data = make([]byte, n)
		}
		w := &walker{file: &File{byName: map[string]*Tensor{}}, limits: l, visited: map[any]bool{}, visits: 4*len(data) + 1024, budget: budget}
		if w.walk("", root, 0) != nil {
			return
		}
		for _, tn := range w.file.tensors {
			if len(tn.Data) != tn.NumElements()*tn.DType.Size() {
				t.Fatalf("%s: %d bytes for shape %v of %s", tn.Name, len(tn.Data), tn.Shape, tn.DType)
			}
		}
	})
}

// FuzzOpen opens arbitrary bytes written to a temporary file.
func FuzzOpen(f *testing.F) {
	for _, name := range fixtures {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)*3/4])
	}
	f.Add(archive(f, oneTensor(6, 1, []int32{2, 2}, []int32{1, 2}), member{"0", f32bytes(0, 1, 2, 3, 4, 5)}))
	f.Add([]byte{opProto, 2, opNone, opStop})
	path := filepath.Join(f.TempDir(), "fuzz.pt")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		file, err := OpenLimits(path, fuzzLimits)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error %T %v is not a *FormatError", err, err)
			}
			return
		}
		for _, tn := range file.Tensors() {
			if len(tn.Data) != tn.NumElements()*tn.DType.Size() {
				t.Fatalf("%s: %d bytes for shape %v", tn.Name, len(tn.Data), tn.Shape)
			}
		}
		// Read over memory must agree with Open over the file.
		mem, err := Read(bytes.NewReader(data), int64(len(data)), path, fuzzLimits)
		if err != nil || len(mem.Tensors()) != len(file.Tensors()) {
			t.Fatalf("Read disagrees with Open: %v", err)
		}
	})
}
