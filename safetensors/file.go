package safetensors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/wfm-platform/wfm/internal/regfile"
)

// ErrNoTensor is returned (wrapped) by File.Read and File.ReadInto for a name the file does not hold.
var ErrNoTensor = errors.New("no such tensor")

// File is an open safetensors file whose header has been read and validated. Its tensors are
// read on demand, each with one ReadAt, so a File may be read from several goroutines at once.
type File struct {
	path   string
	f      *os.File
	header *Header
	byName map[string]int
	names  []string
}

// Open opens path and reads and validates its header with DefaultLimits.
func Open(path string) (*File, error) {
	return OpenWithLimits(path, Limits{})
}

// OpenWithLimits opens path and reads and validates its header (see ParseHeader) within lim.
// It reads only the first 8 + N bytes; tensor data is read by Read.
func OpenWithLimits(path string, lim Limits) (*File, error) {
	lim = lim.withDefaults()
	f, err := regfile.Open(path) // a FIFO or device is refused instead of blocking the reader
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	h, err := readHeader(f, lim)
	if err != nil {
		_ = f.Close()
		if _, ok := err.(*FormatError); !ok {
			return nil, fmt.Errorf("safetensors: %s: %w", path, err)
		}
		return nil, withPath(err, path)
	}
	sf := &File{path: path, f: f, header: h, byName: make(map[string]int, len(h.Tensors))}
	for i, t := range h.Tensors {
		sf.byName[t.Name] = i
		sf.names = append(sf.names, t.Name)
	}
	slices.Sort(sf.names)
	return sf, nil
}

func readHeader(f *os.File, lim Limits) (*Header, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size < prefixBytes {
		return nil, formatErrorf("file is %d bytes, shorter than the 8-byte header length", size)
	}
	var prefix [prefixBytes]byte
	if _, err := f.ReadAt(prefix[:], 0); err != nil {
		return nil, fmt.Errorf("read header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > uint64(lim.MaxHeaderBytes) {
		return nil, formatErrorf("header length %d is over the limit of %d", n, lim.MaxHeaderBytes)
	}
	if n > uint64(size-prefixBytes) {
		return nil, formatErrorf("header length %d runs past the end of the %d-byte file", n, size)
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, prefixBytes); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	return ParseHeader(buf, size, lim)
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Metadata returns a copy of the header's "__metadata__" map (nil when it has none).
func (f *File) Metadata() map[string]string { return maps.Clone(f.header.Metadata) }

// Names returns the tensor names, sorted.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Infos returns a description of every tensor, in data-section order.
func (f *File) Infos() []TensorInfo {
	out := make([]TensorInfo, len(f.header.Tensors))
	for i, t := range f.header.Tensors {
		out[i] = t
		out[i].Shape = slices.Clone(t.Shape)
	}
	return out
}

// Info describes the tensor called name; ok is false when the file has none.
func (f *File) Info(name string) (info TensorInfo, ok bool) {
	i, ok := f.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	info = f.header.Tensors[i]
	info.Shape = slices.Clone(info.Shape)
	return info, true
}

// Read reads the tensor called name: only its own bytes are read from the file.
func (f *File) Read(name string) (Tensor, error) {
	info, ok := f.Info(name)
	if !ok {
		return Tensor{}, f.noTensor(name)
	}
	data := make([]byte, info.Length)
	if err := f.readAt(info, data); err != nil {
		return Tensor{}, err
	}
	return Tensor{Name: name, DType: info.DType, Shape: info.Shape, Data: data}, nil
}

// ReadInto reads the bytes of the tensor called name into dst, which must be exactly its
// Length long: a caller can read straight into a tensor it allocated itself.
func (f *File) ReadInto(name string, dst []byte) error {
	i, ok := f.byName[name]
	if !ok {
		return f.noTensor(name)
	}
	info := f.header.Tensors[i]
	if int64(len(dst)) != info.Length {
		return fmt.Errorf("safetensors: %s: read tensor %s into %d bytes, want %d", f.path, quote(name), len(dst), info.Length)
	}
	return f.readAt(info, dst)
}

func (f *File) noTensor(name string) error {
	return fmt.Errorf("safetensors: %s: %w: %s", f.path, ErrNoTensor, quote(name))
}

func (f *File) readAt(info TensorInfo, dst []byte) error {
	if _, err := f.f.ReadAt(dst, info.Offset); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("safetensors: %s: read tensor %s: %w", f.path, quote(info.Name), err)
	}
	return nil
}

// ReadAll reads every tensor, sorted by name.
func (f *File) ReadAll() ([]Tensor, error) {
	out := make([]Tensor, 0, len(f.names))
	for _, name := range f.names {
		t, err := f.Read(name)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
