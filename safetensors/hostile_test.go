package safetensors

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawFile assembles a file from a header length, a header and a data section, so tests can
// build files a correct writer never would.
func rawFile(n uint64, header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, n)
	b = append(b, header...)
	return append(b, data...)
}

// withHeader is rawFile with the true header length.
func withHeader(header string, dataLen int) []byte {
	return rawFile(uint64(len(header)), header, make([]byte, dataLen))
}

// hostileFiles are malformed or over-limit files, each with the error it must cause. They also
// seed the fuzz tests.
var hostileFiles = []struct {
	name string
	file []byte
	lim  Limits
	want string // a substring of the error
}{
	{"shorter than the length prefix", []byte{1, 2, 3}, Limits{}, "shorter than the 8-byte header length"},
	{"huge header length", rawFile(1<<62, "{}", nil), Limits{}, "header length 4611686018427387904 is over the limit of 100000000"},
	{"header length past end of file", rawFile(100, "{}", nil), Limits{}, "header length 100 runs past the end of the 10-byte file"},
	{"header over a custom limit", withHeader("{}      ", 0), Limits{MaxHeaderBytes: 4}, "header length 8 is over the limit of 4"},
	{"header starts with a space", withHeader(" {}", 0), Limits{}, "does not start with '{'"},
	{"header is an array", withHeader("[]", 0), Limits{}, "does not start with '{'"},
	{"empty header", withHeader("", 0), Limits{}, "does not start with '{'"},
	{"not JSON", withHeader(`{"a":`, 0), Limits{}, "not valid JSON"},
	{"not JSON, bad token", withHeader(`{"a" 1}`, 0), Limits{}, "not valid JSON"},
	{"trailing comma", withHeader(`{"a":{"dtype":"U8","shape":[],"data_offsets":[0,1]},}`, 1), Limits{}, "not valid JSON"},
	{"invalid UTF-8", withHeader("{\"\xff\":1}", 0), Limits{}, "not valid UTF-8"},
	{"data after the object", withHeader(`{} {}`, 0), Limits{}, "data after its JSON object"},
	{"NUL padding", withHeader("{}\x00\x00\x00\x00\x00\x00", 0), Limits{}, "data after its JSON object"},
	{"unknown dtype", withHeader(`{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}`, 1), Limits{}, `tensor "a": unknown or unsupported dtype "Q8"`},
	{"sub-byte dtype", withHeader(`{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}`, 1), Limits{}, `unknown or unsupported dtype "F4"`},
	{"dtype not a string", withHeader(`{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, 4), Limits{}, "dtype is not a string"},
	{"duplicate tensor", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, 2), Limits{}, `duplicate key "a"`},
	{"duplicate metadata", withHeader(`{"__metadata__":{"k":"1"},"__metadata__":{"k":"2"}}`, 0), Limits{}, `duplicate key "__metadata__"`},
	{"duplicate metadata key", withHeader(`{"__metadata__":{"k":"1","k":"2"}}`, 0), Limits{}, `__metadata__: duplicate key "k"`},
	{"duplicate field", withHeader(`{"a":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}}`, 1), Limits{}, `tensor "a": entry: duplicate key "dtype"`},
	{"missing shape", withHeader(`{"a":{"dtype":"U8","data_offsets":[0,1]}}`, 1), Limits{}, `entry has no "shape"`},
	{"missing dtype", withHeader(`{"a":{"shape":[1],"data_offsets":[0,1]}}`, 1), Limits{}, `entry has no "dtype"`},
	{"missing offsets", withHeader(`{"a":{"dtype":"U8","shape":[1]}}`, 1), Limits{}, `entry has no "data_offsets"`},
	{"entry not an object", withHeader(`{"a":[1]}`, 0), Limits{}, `tensor "a": entry is not an object`},
	{"shape not an array", withHeader(`{"a":{"dtype":"U8","shape":3,"data_offsets":[0,3]}}`, 3), Limits{}, "shape is not an array"},
	{"negative dimension", withHeader(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}`, 0), Limits{}, "shape holds negative number -1"},
	{"fractional dimension", withHeader(`{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}}`, 1), Limits{}, "shape holds 1.5, not an integer"},
	{"exponent dimension", withHeader(`{"a":{"dtype":"U8","shape":[1e2],"data_offsets":[0,100]}}`, 100), Limits{}, "shape holds 1e2, not an integer"},
	{"dimension over u64", withHeader(`{"a":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,1]}}`, 1), Limits{}, "over 2^64-1"},
	{"dimension over int", withHeader(`{"a":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,1]}}`, 1), Limits{}, "dimension 18446744073709551615 is too large"},
	{"string dimension", withHeader(`{"a":{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}}`, 1), Limits{}, "shape holds a non-number"},
	{"shape product overflow", withHeader(`{"a":{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}`, 0), Limits{}, `tensor "a": size of U8[4294967296 4294967296 0] overflows`},
	{"byte size overflow", withHeader(`{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}}`, 0), Limits{}, "overflows"},
	{"byte size over int64", withHeader(`{"a":{"dtype":"U8","shape":[9223372036854775807,2],"data_offsets":[0,0]}}`, 0), Limits{}, "overflows"},
	{"rank over limit", withHeader(`{"a":{"dtype":"U8","shape":[1,1,1,1],"data_offsets":[0,1]}}`, 1), Limits{MaxRank: 3}, "shape has more than 3 entries"},
	{"three offsets", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}`, 1), Limits{}, "data_offsets has more than 2 entries"},
	{"one offset", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1]}}`, 1), Limits{}, "data_offsets has 1 entries, want 2"},
	{"negative offset", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}`, 1), Limits{}, "data_offsets holds negative number"},
	{"end before begin", withHeader(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[2,1]}}`, 2), Limits{}, "data_offsets [2, 1] end before they begin"},
	{"out of bounds", withHeader(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, 3), Limits{}, "data_offsets [0, 4] run past the end of the 3-byte data section"},
	{"huge offsets", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551614,18446744073709551615]}}`, 1), Limits{}, "run past the end"},
	{"span does not match shape", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 4), Limits{}, "data_offsets [0, 4] span 4 bytes, but F32[2] needs 8"},
	{"hole at the start", withHeader(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, 3), Limits{}, `tensor "a": starts at data offset 1, leaving a hole after data offset 0`},
	{"hole between", withHeader(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[3,4]}}`, 4), Limits{}, `tensor "b": starts at data offset 3, leaving a hole after data offset 2`},
	{"overlap", withHeader(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, 3), Limits{}, `tensor "b": data starting at data offset 1 overlaps tensor "a"`},
	{"same bytes twice", withHeader(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}`, 2), Limits{}, `overlaps tensor "a"`},
	{"trailing data", withHeader(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, 3), Limits{}, "data section is 3 bytes but the tensors cover only 2"},
	{"data but no tensors", withHeader(`{}`, 1), Limits{}, "data section is 1 bytes but the tensors cover only 0"},
	{"metadata not an object", withHeader(`{"__metadata__":["a"]}`, 0), Limits{}, "__metadata__ is not an object"},
	{"metadata value not a string", withHeader(`{"__metadata__":{"k":1}}`, 0), Limits{}, `__metadata__: value of "k" is not a string`},
	{"metadata value an object", withHeader(`{"__metadata__":{"k":{"x":"y"}}}`, 0), Limits{}, `value of "k" is not a string`},
	{"too many tensors", withHeader(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`, 0), Limits{MaxTensors: 1}, "more than 1 tensors"},
	{"too many metadata entries", withHeader(`{"__metadata__":{"a":"","b":""}}`, 0), Limits{MaxMetadataEntries: 1}, "more than 1 entries"},
	{"name over limit", withHeader(`{"abcde":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`, 0), Limits{MaxNameBytes: 4}, "key of 5 bytes, over the limit of 4"},
	{"unknown field holding bad JSON", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":[1,}}}`, 1), Limits{}, "not valid JSON"},
}

func TestHostileFiles(t *testing.T) {
	for _, tc := range hostileFiles {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "hostile.safetensors")
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := OpenWithLimits(path, tc.lim)
			if err == nil {
				f.Close()
				t.Fatalf("opened; want an error containing %q", tc.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Fatalf("error %v (%T), want a *FormatError naming %s", err, err, path)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q, want it to contain %q and the path", err, tc.want)
			}
		})
	}
}

// TestAcceptedEdgeCases lists files a strict reader might wrongly reject: the reference reader
// accepts them all.
func TestAcceptedEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		file  []byte
		names []string
	}{
		{"unpadded empty header", withHeader(`{}`, 0), nil},
		{"whitespace everywhere", withHeader("{ \"a\" :\n{\"dtype\" : \"U8\",\t\"shape\":[ 2 ],\"data_offsets\":[0,2] } }  ", 2), []string{"a"}},
		{"unknown fields ignored", withHeader(`{"a":{"x":{"nested":[1,{"y":null}]},"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, 1), []string{"a"}},
		{"null metadata", withHeader(`{"__metadata__":null}`, 0), nil},
		{"empty tensors share an offset", withHeader(`{"b":{"dtype":"F32","shape":[0,3],"data_offsets":[1,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"c":{"dtype":"U8","shape":[0],"data_offsets":[1,1]}}`, 1), []string{"a", "b", "c"}},
		{"empty name", withHeader(`{"":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}`, 1), []string{""}},
		{"huge empty shape", withHeader(`{"a":{"dtype":"F64","shape":[4611686018427387904,0],"data_offsets":[0,0]}}`, 0), []string{"a"}},
		{"offsets out of name order", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, 2), []string{"a", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := binary.LittleEndian.Uint64(tc.file)
			h, err := ParseHeader(tc.file[8:8+n], int64(len(tc.file)), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Tensors) != len(tc.names) {
				t.Fatalf("%d tensors, want %d", len(h.Tensors), len(tc.names))
			}
			seen := map[string]bool{}
			for _, ti := range h.Tensors {
				seen[ti.Name] = true
			}
			for _, name := range tc.names {
				if !seen[name] {
					t.Errorf("missing tensor %q", name)
				}
			}
		})
	}
}

func TestFormatErrorMessage(t *testing.T) {
	tests := []struct {
		err  FormatError
		want string
	}{
		{FormatError{Reason: "bad"}, "safetensors: bad"},
		{FormatError{Path: "/m.safetensors", Reason: "bad"}, "safetensors: /m.safetensors: bad"},
		{FormatError{Path: "/m.safetensors", Tensor: "w", Reason: "bad"}, `safetensors: /m.safetensors: tensor "w": bad`},
		{FormatError{Tensor: strings.Repeat("é", 150), Reason: "bad"}, `safetensors: tensor "` + strings.Repeat("é", 100) + `...": bad`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.err, got, tc.want)
		}
	}
}
