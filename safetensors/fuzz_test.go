package safetensors

import (
	"bytes"
	"encoding/binary"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fuzzLimits keep each fuzz input cheap while still exercising every limit check.
var fuzzLimits = Limits{MaxHeaderBytes: 1 << 16, MaxTensors: 64, MaxRank: 8, MaxNameBytes: 256, MaxMetadataEntries: 16}

func addSeeds(f *testing.F, add func(file []byte)) {
	for _, seed := range []uint64{1, 2} {
		var buf bytes.Buffer
		if err := Encode(&buf, roundTripSet(seed)[:12], roundTripMetadata); err != nil {
			f.Fatal(err)
		}
		add(buf.Bytes())
	}
	for _, h := range hostileFiles {
		add(h.file)
	}
}

// checkHeader asserts the invariants of a header ParseHeader accepted.
func checkHeader(t *testing.T, h *Header, headerLen int, fileSize int64) {
	if h.DataOffset != int64(8+headerLen) {
		t.Fatalf("DataOffset %d for a %d-byte header", h.DataOffset, headerLen)
	}
	pos := h.DataOffset
	names := map[string]bool{}
	for _, ti := range h.Tensors {
		if ti.Offset != pos {
			t.Fatalf("%q at %d, want %d: tensors must tile the data section", ti.Name, ti.Offset, pos)
		}
		if n, ok := ByteLength(ti.DType, ti.Shape); !ok || n != ti.Length {
			t.Fatalf("%q: length %d, shape says %d", ti.Name, ti.Length, n)
		}
		if names[ti.Name] || ti.Name == metadataKey {
			t.Fatalf("duplicate or reserved name %q", ti.Name)
		}
		names[ti.Name] = true
		pos += ti.Length
	}
	if pos != fileSize {
		t.Fatalf("tensors end at %d in a %d-byte file", pos, fileSize)
	}
}

// FuzzParseHeader feeds arbitrary headers and data-section sizes to ParseHeader. It must never
// panic; what it accepts must satisfy the format's invariants, and re-encoding it must give a
// header that parses to the same tensors and metadata.
func FuzzParseHeader(f *testing.F) {
	addSeeds(f, func(file []byte) {
		if len(file) < 8 {
			f.Add(file, uint32(0))
			return
		}
		n := min(binary.LittleEndian.Uint64(file), uint64(len(file)-8))
		f.Add(file[8:8+n], uint32(len(file)-8-int(n)))
	})
	f.Fuzz(func(t *testing.T, header []byte, dataLen uint32) {
		fileSize := int64(8+len(header)) + int64(dataLen)
		h, err := ParseHeader(header, fileSize, fuzzLimits)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error %v is a %T, not a *FormatError", err, err)
			}
			return
		}
		checkHeader(t, h, len(header), fileSize)
		if dataLen > 1<<16 {
			return
		}
		ts := make([]Tensor, len(h.Tensors))
		for i, ti := range h.Tensors {
			ts[i] = Tensor{Name: ti.Name, DType: ti.DType, Shape: ti.Shape, Data: make([]byte, ti.Length)}
		}
		var buf bytes.Buffer
		if err := Encode(&buf, ts, h.Metadata); err != nil {
			t.Fatalf("re-encoding an accepted header: %v", err)
		}
		raw := buf.Bytes()
		n := binary.LittleEndian.Uint64(raw)
		h2, err := ParseHeader(raw[8:8+n], int64(len(raw)), fuzzLimits)
		if err != nil {
			t.Fatalf("re-encoded header rejected: %v", err)
		}
		if !maps.Equal(h.Metadata, h2.Metadata) && len(h.Metadata)+len(h2.Metadata) > 0 {
			t.Fatalf("metadata %q became %q", h.Metadata, h2.Metadata)
		}
		if !sameTensors(h.Tensors, h2.Tensors) {
			t.Fatalf("tensors %+v became %+v", h.Tensors, h2.Tensors)
		}
	})
}

// sameTensors compares names, dtypes, shapes and lengths, ignoring placement.
func sameTensors(a, b []TensorInfo) bool {
	if len(a) != len(b) {
		return false
	}
	byName := map[string]TensorInfo{}
	for _, t := range a {
		byName[t.Name] = t
	}
	for _, t := range b {
		o, ok := byName[t.Name]
		if !ok || o.DType != t.DType || !slices.Equal(o.Shape, t.Shape) || o.Length != t.Length {
			return false
		}
	}
	return true
}

// FuzzOpen writes arbitrary bytes to a file and opens it: Open must never panic, and every
// tensor of a file it accepts must read back with exactly its length.
func FuzzOpen(f *testing.F) {
	addSeeds(f, func(file []byte) { f.Add(file) })
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, file []byte) {
		path := filepath.Join(dir, "fuzz.safetensors")
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		sf, err := OpenWithLimits(path, fuzzLimits)
		if err != nil {
			if fe, ok := err.(*FormatError); !ok || fe.Path != path {
				t.Fatalf("error %v (%T) is not a *FormatError naming the file", err, err)
			}
			return
		}
		defer sf.Close()
		checkHeader(t, sf.header, int(sf.header.DataOffset-8), int64(len(file)))
		ts, err := sf.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, tensor := range ts {
			info, _ := sf.Info(tensor.Name)
			if int64(len(tensor.Data)) != info.Length || !bytes.Equal(tensor.Data, file[info.Offset:info.Offset+info.Length]) {
				t.Fatalf("%q: read %d bytes, want the %d at offset %d", tensor.Name, len(tensor.Data), info.Length, info.Offset)
			}
		}
	})
}
