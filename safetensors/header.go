package safetensors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// metadataKey is the reserved header entry holding the free-form string metadata.
const metadataKey = "__metadata__"

// prefixBytes is the size of the little-endian u64 header length that starts every file.
const prefixBytes = 8

// TensorInfo describes where one tensor lives in a file.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int
	// Offset is absolute: the position in the file of the tensor's first byte (8 + N + begin,
	// where begin is the header's data_offsets[0], relative to the data section).
	Offset int64
	// Length is the tensor's size in bytes, prod(Shape) * DType.Size().
	Length int64
}

// Header is a parsed and validated safetensors header.
type Header struct {
	// Metadata is the "__metadata__" map, nil when the header has none.
	Metadata map[string]string
	// Tensors are in data-section order: by offset, ties (empty tensors) by name.
	Tensors []TensorInfo
	// DataOffset is the absolute position of the data section, 8 + N.
	DataOffset int64
}

// ParseHeader parses and validates the JSON header b (the N bytes after the 8-byte length) of a
// file of fileSize bytes in total. It checks everything the reference reader checks
// (huggingface/safetensors, Metadata::validate and read_metadata in safetensors/src/tensor.rs):
// the header starts with '{' and is UTF-8 JSON, every dtype is known, every shape's element
// count times the dtype size is the tensor's byte span without overflow, offsets are in bounds
// with end >= begin, and the tensors tile the data section exactly, with no hole, overlap or
// trailing byte. It also rejects duplicate keys, which the reference's JSON decoder resolves
// silently to the last one. Unknown fields inside a tensor entry are ignored, as the reference
// ignores them. lim bounds what a hostile header can make it allocate. Errors are *FormatError
// with an empty Path.
func ParseHeader(b []byte, fileSize int64, lim Limits) (*Header, error) {
	lim = lim.withDefaults()
	n := int64(len(b))
	if n > lim.MaxHeaderBytes {
		return nil, formatErrorf("header is %d bytes, over the limit of %d", n, lim.MaxHeaderBytes)
	}
	if fileSize < prefixBytes || fileSize-prefixBytes < n {
		return nil, formatErrorf("file is %d bytes, too short for the 8-byte length and a %d-byte header", fileSize, n)
	}
	if n == 0 || b[0] != '{' {
		return nil, formatErrorf("header does not start with '{'")
	}
	if !utf8.Valid(b) {
		return nil, formatErrorf("header is not valid UTF-8")
	}
	p := headerParser{dec: json.NewDecoder(bytes.NewReader(b)), lim: lim}
	p.dec.UseNumber()
	h, spans, err := p.parse()
	if err != nil {
		return nil, err
	}
	h.DataOffset = prefixBytes + n
	if err := layOut(h, spans, fileSize-h.DataOffset); err != nil {
		return nil, err
	}
	return h, nil
}

// span is a tensor's data_offsets, relative to the data section.
type span struct{ begin, end uint64 }

// layOut checks that the spans tile a data section of dataSize bytes and fills in the absolute
// offsets of h.Tensors, which it sorts into data order.
func layOut(h *Header, spans []span, dataSize int64) error {
	for i, t := range h.Tensors {
		s := spans[i]
		if s.end < s.begin {
			return tensorErrorf(t.Name, "data_offsets [%d, %d] end before they begin", s.begin, s.end)
		}
		if s.end > uint64(dataSize) {
			return tensorErrorf(t.Name, "data_offsets [%d, %d] run past the end of the %d-byte data section", s.begin, s.end, dataSize)
		}
		if got := s.end - s.begin; got != uint64(t.Length) {
			return tensorErrorf(t.Name, "data_offsets [%d, %d] span %d bytes, but %s%v needs %d", s.begin, s.end, got, t.DType, t.Shape, t.Length)
		}
		h.Tensors[i].Offset = h.DataOffset + int64(s.begin)
	}
	slices.SortFunc(h.Tensors, func(a, b TensorInfo) int {
		if a.Offset != b.Offset {
			return cmpInt64(a.Offset, b.Offset)
		}
		if a.Length != b.Length {
			return cmpInt64(a.Length, b.Length)
		}
		return strings.Compare(a.Name, b.Name)
	})
	pos := h.DataOffset
	for i, t := range h.Tensors {
		switch {
		case t.Offset > pos:
			return tensorErrorf(t.Name, "starts at data offset %d, leaving a hole after data offset %d", t.Offset-h.DataOffset, pos-h.DataOffset)
		case t.Offset < pos:
			return tensorErrorf(t.Name, "data starting at data offset %d overlaps tensor %s", t.Offset-h.DataOffset, quote(h.Tensors[i-1].Name))
		}
		pos += t.Length
	}
	if covered := pos - h.DataOffset; covered != dataSize {
		return formatErrorf("data section is %d bytes but the tensors cover only %d", dataSize, covered)
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// headerParser walks the header's JSON tokens, which lets it see duplicate keys (encoding/json
// silently keeps the last one) and stop as soon as a limit is crossed.
type headerParser struct {
	dec *json.Decoder
	lim Limits
}

func (p *headerParser) parse() (*Header, []span, error) {
	if err := p.expectDelim('{', "header is not a JSON object"); err != nil {
		return nil, nil, err
	}
	h := &Header{}
	var spans []span
	seen := make(map[string]bool)
	for p.dec.More() {
		key, err := p.key(seen, "header")
		if err != nil {
			return nil, nil, err
		}
		if key == metadataKey {
			if h.Metadata, err = p.metadata(); err != nil {
				return nil, nil, err
			}
			continue
		}
		if len(h.Tensors) >= p.lim.MaxTensors {
			return nil, nil, formatErrorf("header has more than %d tensors", p.lim.MaxTensors)
		}
		info, s, err := p.tensor(key)
		if err != nil {
			return nil, nil, err
		}
		h.Tensors = append(h.Tensors, info)
		spans = append(spans, s)
	}
	if err := p.expectDelim('}', "header is not a JSON object"); err != nil {
		return nil, nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, nil, formatErrorf("header has data after its JSON object")
	}
	return h, spans, nil
}

// key reads an object key, rejecting duplicates and over-long keys.
func (p *headerParser) key(seen map[string]bool, where string) (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	key, ok := tok.(string)
	if !ok {
		return "", formatErrorf("%s: expected an object key", where)
	}
	if len(key) > p.lim.MaxNameBytes {
		return "", formatErrorf("%s: key of %d bytes, over the limit of %d", where, len(key), p.lim.MaxNameBytes)
	}
	if seen[key] {
		return "", formatErrorf("%s: duplicate key %s", where, quote(key))
	}
	seen[key] = true
	return key, nil
}

func (p *headerParser) metadata() (map[string]string, error) {
	tok, err := p.token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, formatErrorf("%s is not an object", metadataKey)
	}
	m := make(map[string]string)
	seen := make(map[string]bool)
	for p.dec.More() {
		if len(m) >= p.lim.MaxMetadataEntries {
			return nil, formatErrorf("%s has more than %d entries", metadataKey, p.lim.MaxMetadataEntries)
		}
		key, err := p.key(seen, metadataKey)
		if err != nil {
			return nil, err
		}
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		value, ok := tok.(string)
		if !ok {
			return nil, formatErrorf("%s: value of %s is not a string", metadataKey, quote(key))
		}
		m[key] = value
	}
	if err := p.expectDelim('}', metadataKey+" is not an object"); err != nil {
		return nil, err
	}
	return m, nil
}

// tensor reads one tensor entry {"dtype", "shape", "data_offsets"} and checks that its dtype is
// known and that its byte length fits in an int64.
func (p *headerParser) tensor(name string) (TensorInfo, span, error) {
	info := TensorInfo{Name: name}
	var s span
	if err := p.expectDelim('{', "entry is not an object"); err != nil {
		return info, s, asTensorError(err, name)
	}
	seen := make(map[string]bool)
	for p.dec.More() {
		key, err := p.key(seen, "entry")
		if err != nil {
			return info, s, asTensorError(err, name)
		}
		switch key {
		case "dtype":
			tok, err := p.token()
			if err != nil {
				return info, s, err
			}
			d, ok := tok.(string)
			if !ok {
				return info, s, tensorErrorf(name, "dtype is not a string")
			}
			info.DType = DType(d)
			if !info.DType.Valid() {
				return info, s, tensorErrorf(name, "unknown or unsupported dtype %s", quote(d))
			}
		case "shape":
			dims, err := p.uints("shape", p.lim.MaxRank)
			if err != nil {
				return info, s, asTensorError(err, name)
			}
			info.Shape = make([]int, len(dims))
			for i, d := range dims {
				if d > math.MaxInt {
					return info, s, tensorErrorf(name, "dimension %d is too large", d)
				}
				info.Shape[i] = int(d)
			}
		case "data_offsets":
			offs, err := p.uints("data_offsets", 2)
			if err != nil {
				return info, s, asTensorError(err, name)
			}
			if len(offs) != 2 {
				return info, s, tensorErrorf(name, "data_offsets has %d entries, want 2", len(offs))
			}
			s = span{offs[0], offs[1]}
		default:
			var skipped json.RawMessage
			if err := p.dec.Decode(&skipped); err != nil {
				return info, s, syntaxError(err)
			}
		}
	}
	if err := p.expectDelim('}', "entry is not an object"); err != nil {
		return info, s, asTensorError(err, name)
	}
	for _, k := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[k] {
			return info, s, tensorErrorf(name, "entry has no %q", k)
		}
	}
	length, ok := ByteLength(info.DType, info.Shape)
	if !ok {
		return info, s, tensorErrorf(name, "size of %s%v overflows", info.DType, info.Shape)
	}
	info.Length = length
	return info, s, nil
}

// uints reads a JSON array of at most max non-negative integers; what names it in errors.
func (p *headerParser) uints(what string, max int) ([]uint64, error) {
	if err := p.expectDelim('[', what+" is not an array"); err != nil {
		return nil, err
	}
	var out []uint64
	for p.dec.More() {
		if len(out) >= max {
			return nil, formatErrorf("%s has more than %d entries", what, max)
		}
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, formatErrorf("%s holds a non-number", what)
		}
		v, err := strconv.ParseUint(string(num), 10, 64)
		switch {
		case err == nil:
		case strings.HasPrefix(string(num), "-"):
			return nil, formatErrorf("%s holds negative number %s", what, truncate(string(num)))
		case errors.Is(err, strconv.ErrRange):
			return nil, formatErrorf("%s holds %s, over 2^64-1", what, truncate(string(num)))
		default:
			return nil, formatErrorf("%s holds %s, not an integer", what, truncate(string(num)))
		}
		out = append(out, v)
	}
	if err := p.expectDelim(']', what+" is not an array"); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *headerParser) expectDelim(want json.Delim, reason string) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return formatErrorf("%s", reason)
	}
	return nil
}

func (p *headerParser) token() (json.Token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, syntaxError(err)
	}
	return tok, nil
}

func syntaxError(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return formatErrorf("header is not valid JSON: unexpected end")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return formatErrorf("header is not valid JSON: %v at byte %d", se, se.Offset)
	}
	return formatErrorf("header is not valid JSON: %v", err)
}

// ByteLength returns prod(shape) * d.Size(), the size of a tensor's data, and false if a
// dimension is negative, d is not supported, or the size overflows an int64. Like the reference
// reader it multiplies the dimensions first, so [2^62, 0] is an empty tensor while
// [2^40, 2^40, 0] overflows.
func ByteLength(d DType, shape []int) (int64, bool) {
	if !d.Valid() {
		return 0, false
	}
	n := uint64(1)
	for _, dim := range shape {
		if dim < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(n, uint64(dim))
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	hi, n := bits.Mul64(n, uint64(d.Size()))
	if hi != 0 || n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

func formatErrorf(format string, args ...any) error {
	return &FormatError{Reason: fmt.Sprintf(format, args...)}
}

func tensorErrorf(name, format string, args ...any) error {
	return &FormatError{Tensor: name, Reason: fmt.Sprintf(format, args...)}
}

// asTensorError attributes a header error to tensor name.
func asTensorError(err error, name string) error {
	if fe, ok := err.(*FormatError); ok && fe.Tensor == "" {
		c := *fe
		c.Tensor = name
		return &c
	}
	return err
}

// maxQuoted bounds how much of a name from a file an error message repeats.
const maxQuoted = 200

func truncate(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func quote(s string) string { return strconv.Quote(truncate(s)) }
