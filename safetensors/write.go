package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// Tensor is one named tensor with its bytes: little-endian elements in row-major order.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// TensorSource is a tensor whose bytes are written on demand, so that large tensors can go to
// disk without first being copied into a Tensor. WriteData must write exactly
// prod(Shape) * DType.Size() bytes, little-endian and row-major.
type TensorSource struct {
	Name      string
	DType     DType
	Shape     []int
	WriteData func(w io.Writer) error
}

// WriteFile writes ts and metadata (may be nil) to path as a safetensors file, atomically: a
// reader sees either the previous file or the complete new one (see internal/atomicfile).
func WriteFile(path string, ts []Tensor, metadata map[string]string) error {
	srcs, err := sources(ts)
	if err != nil {
		return withPath(err, path)
	}
	return WriteFileFrom(path, srcs, metadata)
}

// WriteFileFrom is WriteFile for tensors whose bytes come from callbacks.
func WriteFileFrom(path string, srcs []TensorSource, metadata map[string]string) error {
	plan, err := planFile(srcs, metadata)
	if err != nil {
		return withPath(err, path)
	}
	err = atomicfile.Write(path, 0o644, plan.write)
	return withPath(err, path)
}

// Encode writes ts and metadata (may be nil) to w in the safetensors format.
//
// Layout: the 8-byte little-endian header length N; the JSON header, padded with spaces so that
// N is a multiple of 8 as the reference writer does; then the tensors' bytes, back to back.
// Tensors are placed by decreasing element size, ties by name. The reference writer
// (huggingface/safetensors, prepare() in safetensors/src/tensor.rs) sorts by decreasing dtype
// alignment too, though it breaks ties between dtypes of one size by dtype before name; either
// way, since the data section starts at a multiple of 8, every tensor starts at a multiple of
// its element size, so a reader may map it in place. The header lists "__metadata__" first (when metadata is not
// empty), then the tensors in data order; the keys of metadata are sorted.
func Encode(w io.Writer, ts []Tensor, metadata map[string]string) error {
	srcs, err := sources(ts)
	if err != nil {
		return err
	}
	plan, err := planFile(srcs, metadata)
	if err != nil {
		return err
	}
	return plan.write(w)
}

// sources wraps ts as TensorSources, checking that each has as many bytes as its shape needs.
func sources(ts []Tensor) ([]TensorSource, error) {
	srcs := make([]TensorSource, len(ts))
	for i, t := range ts {
		srcs[i] = TensorSource{Name: t.Name, DType: t.DType, Shape: t.Shape, WriteData: func(w io.Writer) error {
			_, err := w.Write(t.Data)
			return err
		}}
		if err := checkSource(srcs[i]); err != nil {
			return nil, err
		}
		if want, _ := ByteLength(t.DType, t.Shape); int64(len(t.Data)) != want {
			return nil, tensorErrorf(t.Name, "has %d bytes of data, but %s%v needs %d", len(t.Data), t.DType, t.Shape, want)
		}
	}
	return srcs, nil
}

// filePlan is a validated file layout: the padded header and the tensors in data order.
type filePlan struct {
	header  []byte
	order   []TensorSource
	lengths []int64
}

func planFile(srcs []TensorSource, metadata map[string]string) (*filePlan, error) {
	seen := make(map[string]bool, len(srcs))
	lengths := make(map[string]int64, len(srcs))
	for _, s := range srcs {
		if err := checkSource(s); err != nil {
			return nil, err
		}
		if seen[s.Name] {
			return nil, tensorErrorf(s.Name, "appears twice")
		}
		seen[s.Name] = true
		lengths[s.Name], _ = ByteLength(s.DType, s.Shape)
	}
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, formatErrorf("%s entry %s is not valid UTF-8", metadataKey, quote(k))
		}
	}
	order := slices.Clone(srcs)
	slices.SortFunc(order, func(a, b TensorSource) int {
		if a.DType.Size() != b.DType.Size() {
			return b.DType.Size() - a.DType.Size()
		}
		return strings.Compare(a.Name, b.Name)
	})

	var hdr bytes.Buffer
	hdr.WriteByte('{')
	if len(metadata) > 0 {
		writeJSONString(&hdr, metadataKey)
		hdr.WriteString(":{")
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				hdr.WriteByte(',')
			}
			writeJSONString(&hdr, k)
			hdr.WriteByte(':')
			writeJSONString(&hdr, metadata[k])
		}
		hdr.WriteByte('}')
	}
	plan := &filePlan{order: order, lengths: make([]int64, len(order))}
	var offset int64
	for i, s := range order {
		if i > 0 || len(metadata) > 0 {
			hdr.WriteByte(',')
		}
		writeJSONString(&hdr, s.Name)
		fmt.Fprintf(&hdr, `:{"dtype":"%s","shape":[`, s.DType)
		for j, d := range s.Shape {
			if j > 0 {
				hdr.WriteByte(',')
			}
			fmt.Fprintf(&hdr, "%d", d)
		}
		n := lengths[s.Name]
		fmt.Fprintf(&hdr, `],"data_offsets":[%d,%d]}`, offset, offset+n)
		plan.lengths[i] = n
		offset += n
	}
	hdr.WriteByte('}')
	for hdr.Len()%prefixBytes != 0 {
		hdr.WriteByte(' ')
	}
	if int64(hdr.Len()) > DefaultLimits.MaxHeaderBytes {
		return nil, formatErrorf("header would be %d bytes, over the readers' limit of %d", hdr.Len(), DefaultLimits.MaxHeaderBytes)
	}
	plan.header = hdr.Bytes()
	return plan, nil
}

func checkSource(s TensorSource) error {
	if s.Name == metadataKey {
		return tensorErrorf(s.Name, "name is reserved for metadata")
	}
	if !utf8.ValidString(s.Name) {
		return tensorErrorf(s.Name, "name is not valid UTF-8")
	}
	if !s.DType.Valid() {
		return tensorErrorf(s.Name, "unknown or unsupported dtype %s", quote(string(s.DType)))
	}
	for _, d := range s.Shape {
		if d < 0 {
			return tensorErrorf(s.Name, "negative dimension in shape %v", s.Shape)
		}
	}
	if _, ok := ByteLength(s.DType, s.Shape); !ok {
		return tensorErrorf(s.Name, "size of %s%v overflows", s.DType, s.Shape)
	}
	if s.WriteData == nil {
		return tensorErrorf(s.Name, "has no WriteData")
	}
	return nil
}

// writeJSONString writes s as a JSON string without escaping <, > and & (which encoding/json
// would turn into \u003c and the like: valid, but harder to read in a header dump).
func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // encoding a Go string cannot fail
	}
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
}

func (p *filePlan) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var prefix [prefixBytes]byte
	binary.LittleEndian.PutUint64(prefix[:], uint64(len(p.header)))
	if _, err := bw.Write(prefix[:]); err != nil {
		return err
	}
	if _, err := bw.Write(p.header); err != nil {
		return err
	}
	for i, s := range p.order {
		cw := &countingWriter{w: bw}
		if err := s.WriteData(cw); err != nil {
			return err
		}
		if cw.n != p.lengths[i] {
			return tensorErrorf(s.Name, "wrote %d bytes of data, but %s%v needs %d", cw.n, s.DType, s.Shape, p.lengths[i])
		}
	}
	return bw.Flush()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
