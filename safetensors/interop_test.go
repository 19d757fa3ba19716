package safetensors

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	nlp "github.com/nlpodyssey/safetensors"
)

// nlpDTypes are the dtypes github.com/nlpodyssey/safetensors, an independent Go port of the
// reference implementation, knows (it has no F8 types).
var nlpDTypes = map[DType]nlp.DType{
	BOOL: nlp.BOOL, U8: nlp.U8, I8: nlp.I8, I16: nlp.I16, U16: nlp.U16, F16: nlp.F16, BF16: nlp.BF16,
	I32: nlp.I32, U32: nlp.U32, F32: nlp.F32, F64: nlp.F64, I64: nlp.I64, U64: nlp.U64,
}

func nlpCompatible(ts []Tensor) []Tensor {
	return slices.DeleteFunc(slices.Clone(ts), func(t Tensor) bool { _, ok := nlpDTypes[t.DType]; return !ok })
}

func TestIndependentReaderReadsOurFiles(t *testing.T) {
	ts := nlpCompatible(roundTripSet(5))
	var buf bytes.Buffer
	if err := Encode(&buf, ts, roundTripMetadata); err != nil {
		t.Fatal(err)
	}
	loaded, err := nlp.Deserialize(buf.Bytes())
	if err != nil {
		t.Fatalf("nlpodyssey/safetensors rejects our file: %v", err)
	}
	_, meta, err := nlp.ReadMetadata(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := meta.Metadata(); !maps.Equal(got, roundTripMetadata) {
		t.Errorf("metadata %q, want %q", got, roundTripMetadata)
	}
	if loaded.Len() != len(ts) {
		t.Fatalf("%d tensors, want %d", loaded.Len(), len(ts))
	}
	for _, w := range ts {
		view, ok := loaded.Tensor(w.Name)
		if !ok {
			t.Fatalf("tensor %q missing", w.Name)
		}
		if view.DType() != nlpDTypes[w.DType] || !slices.Equal(view.Shape(), u64s(w.Shape)) || !bytes.Equal(view.Data(), w.Data) {
			t.Errorf("%s: read %s%v, want %s%v (or data differs)", w.Name, view.DType(), view.Shape(), w.DType, w.Shape)
		}
	}
}

func TestWeReadIndependentWritersFiles(t *testing.T) {
	// Its NewTensorView counts a scalar (shape []) as 0 elements where the reference counts 1,
	// so scalars are left out of this direction.
	ts := slices.DeleteFunc(nlpCompatible(roundTripSet(6)), func(t Tensor) bool { return len(t.Shape) == 0 })
	views := map[string]nlp.TensorView{}
	for _, w := range ts {
		v, err := nlp.NewTensorView(nlpDTypes[w.DType], u64s(w.Shape), w.Data)
		if err != nil {
			t.Fatal(err)
		}
		views[w.Name] = v
	}
	raw, err := nlp.Serialize(views, roundTripMetadata)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nlp.safetensors")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatalf("we reject nlpodyssey/safetensors's file: %v", err)
	}
	defer f.Close()
	if got := f.Metadata(); !maps.Equal(got, roundTripMetadata) {
		t.Errorf("metadata %q, want %q", got, roundTripMetadata)
	}
	for _, w := range ts {
		got, err := f.Read(w.Name)
		if err != nil {
			t.Fatal(err)
		}
		if got.DType != w.DType || !slices.Equal(got.Shape, w.Shape) || !bytes.Equal(got.Data, w.Data) {
			t.Errorf("%s: read %s%v, want %s%v (or data differs)", w.Name, got.DType, got.Shape, w.DType, w.Shape)
		}
	}
}

func u64s(dims []int) []uint64 {
	out := make([]uint64, len(dims))
	for i, d := range dims {
		out[i] = uint64(d)
	}
	return out
}

// pythonReport is what testdata/check_safetensors.py prints.
type pythonReport struct {
	Metadata map[string]string `json:"metadata"`
	Tensors  map[string]struct {
		DType  DType   `json:"dtype"`
		Shape  []int   `json:"shape"`
		SHA256 *string `json:"sha256"`
	} `json:"tensors"`
}

func runPythonCheck(t *testing.T, mode, path string) pythonReport {
	t.Helper()
	out, err := exec.Command("python3", "testdata/check_safetensors.py", mode, path).Output()
	if err != nil {
		t.Fatalf("check_safetensors.py %s: %v", mode, err)
	}
	var r pythonReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("check_safetensors.py output %q: %v", out, err)
	}
	return r
}

// pythonFixed rebuilds the tensors FIXED in testdata/check_safetensors.py writes.
func pythonFixed() []Tensor {
	var f32 []uint32
	for i := range 12 {
		f32 = append(f32, math.Float32bits(float32(i)*0.5-1))
	}
	return []Tensor{
		{Name: "f32", DType: F32, Shape: []int{3, 4}, Data: le32(f32...)},
		{Name: "f64/scalar", DType: F64, Shape: []int{}, Data: le64(math.Float64bits(3.25))},
		// 1, -0, 65504 (largest half), 2^-24 (smallest subnormal half).
		{Name: "f16", DType: F16, Shape: []int{4}, Data: le16(0x3c00, 0x8000, 0x7bff, 0x0001)},
		{Name: "i64", DType: I64, Shape: []int{3}, Data: le64(uint64(1<<64-1<<62), 0, 1<<62+1)},
		{Name: "i32", DType: I32, Shape: []int{2, 3}, Data: le32(1<<32-3, 1<<32-2, 1<<32-1, 0, 1, 2)},
		{Name: "u16", DType: U16, Shape: []int{3}, Data: le16(0, 1, 65535)},
		{Name: "i8", DType: I8, Shape: []int{2}, Data: []byte{0x80, 0x7f}},
		{Name: "u8/empty", DType: U8, Shape: []int{0, 3}, Data: []byte{}},
		{Name: "bool", DType: BOOL, Shape: []int{2, 2}, Data: []byte{1, 0, 0, 1}},
	}
}

// TestPythonSafetensors checks our files against the reference implementation through its
// Python binding, both ways. It needs python3 with safetensors and numpy.
func TestPythonSafetensors(t *testing.T) {
	if err := exec.Command("python3", "-c", "import safetensors, numpy").Run(); err != nil {
		t.Skip("python3 with safetensors and numpy is not available")
	}
	t.Run("python reads ours", func(t *testing.T) {
		ts := roundTripSet(8)
		path := filepath.Join(t.TempDir(), "ours.safetensors")
		if err := WriteFile(path, ts, roundTripMetadata); err != nil {
			t.Fatal(err)
		}
		r := runPythonCheck(t, "read", path)
		if !maps.Equal(r.Metadata, roundTripMetadata) {
			t.Errorf("metadata %q, want %q", r.Metadata, roundTripMetadata)
		}
		if len(r.Tensors) != len(ts) {
			t.Errorf("python sees %d tensors, want %d", len(r.Tensors), len(ts))
		}
		for _, w := range ts {
			got, ok := r.Tensors[w.Name]
			if !ok || got.DType != w.DType || !slices.Equal(got.Shape, w.Shape) {
				t.Errorf("%s: python sees %+v, want %s%v", w.Name, got, w.DType, w.Shape)
				continue
			}
			numpyHasDType := w.DType != BF16 && w.DType != F8_E4M3 && w.DType != F8_E5M2
			sum := sha256.Sum256(w.Data)
			switch {
			case got.SHA256 != nil && *got.SHA256 != hex.EncodeToString(sum[:]):
				t.Errorf("%s: python's checksum differs", w.Name)
			case got.SHA256 == nil && numpyHasDType:
				t.Errorf("%s: python could not load a %s tensor", w.Name, w.DType)
			}
		}
	})
	t.Run("we read python's", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "python.safetensors")
		r := runPythonCheck(t, "write", path)
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if want := map[string]string{"writer": "python", "note": "cross-check"}; !maps.Equal(f.Metadata(), want) {
			t.Errorf("metadata %q, want %q", f.Metadata(), want)
		}
		want := pythonFixed()
		if len(f.Names()) != len(want) {
			t.Errorf("names %q, want %d tensors", f.Names(), len(want))
		}
		for _, w := range want {
			got, err := f.Read(w.Name)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType != w.DType || !slices.Equal(got.Shape, w.Shape) || !bytes.Equal(got.Data, w.Data) {
				t.Errorf("%s: read %s%v % x, want %s%v % x", w.Name, got.DType, got.Shape, got.Data, w.DType, w.Shape, w.Data)
			}
			sum := sha256.Sum256(got.Data)
			if p := r.Tensors[w.Name].SHA256; p == nil || *p != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: python's checksum differs from the bytes we read", w.Name)
			}
		}
	})
}
