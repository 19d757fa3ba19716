package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// allDTypes lists every supported dtype, in no particular order.
var allDTypes = []DType{BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64}

// randomTensor returns a tensor of the given dtype and shape filled with seeded random bytes
// (BOOL gets 0 or 1).
func randomTensor(rng *rand.Rand, name string, d DType, shape ...int) Tensor {
	n, ok := ByteLength(d, shape)
	if !ok {
		panic("bad test shape")
	}
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(rng.Uint32())
		if d == BOOL {
			data[i] &= 1
		}
	}
	return Tensor{Name: name, DType: d, Shape: shape, Data: data}
}

func le32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

func le64(vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func le16(vs ...uint16) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// specialTensors are bit patterns a float conversion would lose: NaNs with payloads (quiet and
// signalling, both signs), -0, infinities, the smallest and largest subnormals.
func specialTensors() []Tensor {
	return []Tensor{
		{Name: "f32/special", DType: F32, Shape: []int{9}, Data: le32(
			0x7fc00001, // quiet NaN, payload 1
			0xffa00005, // negative signalling NaN with payload
			0x7f800001, // signalling NaN, payload 1
			0x80000000, // -0
			0x00000001, // smallest subnormal
			0x807fffff, // largest negative subnormal
			0x7f800000, // +Inf
			0xff800000, // -Inf
			math.Float32bits(-1.5),
		)},
		{Name: "f64/special", DType: F64, Shape: []int{5}, Data: le64(
			0x7ff8000000000123, 0xfff0000000000001, 0x8000000000000000, 0x0000000000000001, 0x000fffffffffffff,
		)},
		{Name: "f16/special", DType: F16, Shape: []int{4}, Data: le16(0x7e01, 0x8000, 0x0001, 0xfc00)},
		{Name: "bf16/special", DType: BF16, Shape: []int{4}, Data: le16(0x7fc1, 0x8000, 0x0001, 0xff81)},
	}
}

// roundTripSet is a set of tensors of every dtype and several ranks, including empty tensors
// and scalars.
func roundTripSet(seed uint64) []Tensor {
	rng := rand.New(rand.NewPCG(seed, 1))
	var ts []Tensor
	for _, d := range allDTypes {
		ts = append(ts,
			randomTensor(rng, "block_0/"+string(d)+"/matrix", d, 3, 5),
			randomTensor(rng, "block_0/"+string(d)+"/scalar", d),
			randomTensor(rng, "block_0/"+string(d)+"/empty", d, 4, 0, 2),
			randomTensor(rng, "block_1/"+string(d)+"/rank4", d, 2, 1, 3, 2),
		)
	}
	return append(ts, specialTensors()...)
}

var roundTripMetadata = map[string]string{
	"format":  "wfm",
	"config":  `{"dim": 64, "note": "<quoted> & \"escaped\"\n"}`,
	"unicode": "vidéo — 世界",
	"":        "empty key",
}

func TestRoundTripIsBitExact(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		ts := roundTripSet(seed)
		path := filepath.Join(t.TempDir(), "rt.safetensors")
		if err := WriteFile(path, ts, roundTripMetadata); err != nil {
			t.Fatal(err)
		}
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := f.Metadata(); !maps.Equal(got, roundTripMetadata) {
			t.Errorf("metadata %q, want %q", got, roundTripMetadata)
		}
		var wantNames []string
		for _, w := range ts {
			wantNames = append(wantNames, w.Name)
		}
		slices.Sort(wantNames)
		if got := f.Names(); !slices.Equal(got, wantNames) {
			t.Fatalf("names %q, want %q", got, wantNames)
		}
		for _, w := range ts {
			got, err := f.Read(w.Name)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType != w.DType || !slices.Equal(got.Shape, w.Shape) || !bytes.Equal(got.Data, w.Data) {
				t.Errorf("%s: read %s%v % x, want %s%v % x", w.Name, got.DType, got.Shape, got.Data, w.DType, w.Shape, w.Data)
			}
			if got.Shape == nil {
				t.Errorf("%s: scalar shape is nil, want []int{}", w.Name)
			}
			info, ok := f.Info(w.Name)
			if !ok || info.Length != int64(len(w.Data)) || info.Offset%int64(w.DType.Size()) != 0 {
				t.Errorf("%s: info %+v, want length %d aligned to %d", w.Name, info, len(w.Data), w.DType.Size())
			}
		}
		// Encode writes the very bytes WriteFile does.
		var buf bytes.Buffer
		if err := Encode(&buf, ts, roundTripMetadata); err != nil {
			t.Fatal(err)
		}
		onDisk, _ := os.ReadFile(path)
		if !bytes.Equal(buf.Bytes(), onDisk) {
			t.Errorf("seed %d: Encode and WriteFile disagree", seed)
		}
	}
}

func TestNoTensorsAndNoMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.safetensors")
	if err := WriteFile(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	// {} padded to 8 bytes, after the 8-byte length.
	if want := "\x08\x00\x00\x00\x00\x00\x00\x00{}      "; string(raw) != want {
		t.Fatalf("file %q, want %q", raw, want)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Names()) != 0 || f.Metadata() != nil {
		t.Errorf("names %q metadata %q, want none", f.Names(), f.Metadata())
	}
}

// TestLayoutFollowsSpec checks the written bytes with encoding/json rather than with this
// package's own parser: length prefix, space padding to a multiple of 8, metadata first,
// tensors by decreasing element size then name, contiguous offsets covering the data section.
func TestLayoutFollowsSpec(t *testing.T) {
	ts := roundTripSet(7)
	var buf bytes.Buffer
	if err := Encode(&buf, ts, roundTripMetadata); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	n := binary.LittleEndian.Uint64(raw[:8])
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	header := raw[8 : 8+n]
	trimmed := bytes.TrimRight(header, " ")
	if len(header)-len(trimmed) >= 8 || trimmed[len(trimmed)-1] != '}' {
		t.Errorf("header padding: %q", header[len(trimmed)-1:])
	}
	if !bytes.HasPrefix(header, []byte(`{"__metadata__":{`)) {
		t.Errorf("header does not start with the metadata: %.40q", header)
	}
	var parsed map[string]json.RawMessage
	if err := json.Unmarshal(header, &parsed); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		DType       DType    `json:"dtype"`
		Shape       []int    `json:"shape"`
		DataOffsets [2]int64 `json:"data_offsets"`
	}
	byName := map[string]Tensor{}
	for _, w := range ts {
		byName[w.Name] = w
	}
	var order []string
	entries := map[string]entry{}
	for name, msg := range parsed {
		if name == "__metadata__" {
			var m map[string]string
			if err := json.Unmarshal(msg, &m); err != nil || !maps.Equal(m, roundTripMetadata) {
				t.Errorf("metadata %q (%v)", m, err)
			}
			continue
		}
		var e entry
		if err := json.Unmarshal(msg, &e); err != nil {
			t.Fatal(err)
		}
		entries[name] = e
		order = append(order, name)
	}
	if len(order) != len(ts) {
		t.Fatalf("%d entries, want %d", len(order), len(ts))
	}
	// The expected placement: by decreasing element size, then by name.
	slices.SortFunc(order, func(a, b string) int {
		if sa, sb := byName[a].DType.Size(), byName[b].DType.Size(); sa != sb {
			return sb - sa
		}
		return strings.Compare(a, b)
	})
	var pos int64
	data := raw[8+n:]
	for _, name := range order {
		e, w := entries[name], byName[name]
		if e.DType != w.DType || !slices.Equal(e.Shape, w.Shape) {
			t.Errorf("%s: header %s%v, want %s%v", name, e.DType, e.Shape, w.DType, w.Shape)
		}
		if e.DataOffsets[0] != pos || e.DataOffsets[1]-e.DataOffsets[0] != int64(len(w.Data)) {
			t.Errorf("%s: offsets %v at position %d, %d bytes", name, e.DataOffsets, pos, len(w.Data))
		}
		if !bytes.Equal(data[e.DataOffsets[0]:e.DataOffsets[1]], w.Data) {
			t.Errorf("%s: data differs", name)
		}
		pos = e.DataOffsets[1]
	}
	if pos != int64(len(data)) {
		t.Errorf("tensors cover %d bytes of a %d-byte data section", pos, len(data))
	}
}

func TestWriteRejectsBadTensors(t *testing.T) {
	good := Tensor{Name: "w", DType: F32, Shape: []int{2}, Data: make([]byte, 8)}
	tests := []struct {
		name string
		ts   []Tensor
		meta map[string]string
		want string
	}{
		{"duplicate name", []Tensor{good, good}, nil, `tensor "w": appears twice`},
		{"reserved name", []Tensor{{Name: "__metadata__", DType: U8, Shape: []int{}, Data: []byte{1}}}, nil, "reserved"},
		{"unknown dtype", []Tensor{{Name: "x", DType: "F4", Shape: []int{2}, Data: []byte{1}}}, nil, `unknown or unsupported dtype "F4"`},
		{"negative dimension", []Tensor{{Name: "x", DType: U8, Shape: []int{-1}}}, nil, "negative dimension"},
		{"short data", []Tensor{{Name: "x", DType: F32, Shape: []int{2}, Data: make([]byte, 7)}}, nil, "has 7 bytes of data, but F32[2] needs 8"},
		{"overflow", []Tensor{{Name: "x", DType: F64, Shape: []int{1 << 31, 1 << 31, 4}}}, nil, "overflows"},
		{"invalid UTF-8 name", []Tensor{{Name: "\xff", DType: U8, Shape: []int{}, Data: []byte{1}}}, nil, "not valid UTF-8"},
		{"invalid UTF-8 metadata", []Tensor{good}, map[string]string{"k": "\xfe"}, "not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Encode(io.Discard, tc.ts, tc.meta)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want a *FormatError containing %q", err, tc.want)
			}
		})
	}
}

func TestWriteDataMustMatchShape(t *testing.T) {
	for _, n := range []int{3, 5} {
		src := TensorSource{Name: "x", DType: F32, Shape: []int{1}, WriteData: func(w io.Writer) error {
			_, err := w.Write(make([]byte, n))
			return err
		}}
		path := filepath.Join(t.TempDir(), "x.safetensors")
		err := WriteFileFrom(path, []TensorSource{src}, nil)
		if err == nil || !strings.Contains(err.Error(), "needs 4") || !strings.Contains(err.Error(), path) {
			t.Errorf("wrote %d bytes: error %v, want one naming the file and the 4 bytes needed", n, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("failed write left %s behind", path)
		}
	}
}

func TestFailedWriteKeepsPreviousFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.safetensors")
	old := []Tensor{{Name: "a", DType: U8, Shape: []int{1}, Data: []byte{42}}}
	if err := WriteFile(path, old, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	boom := errors.New("device lost")
	src := TensorSource{Name: "b", DType: U8, Shape: []int{1}, WriteData: func(io.Writer) error { return boom }}
	if err := WriteFileFrom(path, []TensorSource{src}, nil); !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	after, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if !bytes.Equal(before, after) || len(entries) != 1 {
		t.Errorf("previous file changed or temporary file left: %d entries", len(entries))
	}
}

func TestReadErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.safetensors")
	ts := []Tensor{{Name: "a", DType: F32, Shape: []int{4}, Data: []byte("0123456789abcdef")}}
	if err := WriteFile(path, ts, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read("b"); !errors.Is(err, ErrNoTensor) || !strings.Contains(err.Error(), path) {
		t.Errorf("missing tensor: %v", err)
	}
	into := make([]byte, 16)
	if err := f.ReadInto("a", into[:15]); err == nil || !strings.Contains(err.Error(), "into 15 bytes, want 16") {
		t.Errorf("ReadInto a short buffer: %v", err)
	}
	if err := f.ReadInto("b", into); !errors.Is(err, ErrNoTensor) {
		t.Errorf("ReadInto a missing tensor: %v", err)
	}
	if err := f.ReadInto("a", into); err != nil || !bytes.Equal(into, ts[0].Data) {
		t.Errorf("ReadInto: %v", err)
	}
	// The file shrinks after Open: the read must fail, not return short data.
	if err := os.Truncate(path, 8+8); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read("a"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated file: %v, want unexpected EOF", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "absent.safetensors")); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "absent.safetensors") {
		t.Errorf("absent file: %v", err)
	}
}

func TestConcurrentReads(t *testing.T) {
	ts := roundTripSet(11)
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := WriteFile(path, ts, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < len(ts); i += 4 {
				got, err := f.Read(ts[i].Name)
				if err != nil || !bytes.Equal(got.Data, ts[i].Data) {
					t.Errorf("%s: %v", ts[i].Name, err)
				}
			}
		})
	}
	wg.Wait()
}
