package torchfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/wfm-platform/wfm/safetensors"
)

// Kind says which writer produced an archive.
type Kind int

const (
	// StateDict is an archive written by torch.save: data.pkl holds any picklable object,
	// typically an OrderedDict of tensors or a dict of them.
	StateDict Kind = iota
	// TorchScript is an archive written by torch.jit.save: it also holds constants.pkl and the
	// module code under code/, and data.pkl holds the module object graph.
	TorchScript
)

func (k Kind) String() string {
	if k == TorchScript {
		return "TorchScript"
	}
	return "state dict"
}

// Tensor is one named tensor of an archive, with its elements in row-major order.
type Tensor struct {
	// Name is the dotted path of the tensor in the pickled object: dict keys, module attribute
	// names and list indices joined by ".", as in "encoder.conv_in.conv1.weight".
	Name  string
	DType safetensors.DType
	Shape []int
	// Data holds the elements, little-endian. It may share memory with the Data of other
	// tensors that are views of the same storage in the file, and must not be modified.
	Data []byte
}

// NumElements returns the product of t's dimensions (1 for a scalar).
func (t *Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is a PyTorch archive read into memory. It holds no open file.
type File struct {
	Kind    Kind
	tensors []*Tensor
	byName  map[string]*Tensor
}

// Tensors returns the archive's tensors in the order their names were first met in the pickle.
func (f *File) Tensors() []*Tensor { return f.tensors }

// Tensor returns the tensor with the given name.
func (f *File) Tensor(name string) (*Tensor, bool) {
	t, ok := f.byName[name]
	return t, ok
}

// Open reads the PyTorch archive at path with DefaultLimits.
func Open(path string) (*File, error) { return OpenLimits(path, Limits{}) }

// OpenLimits reads the PyTorch archive at path within the given limits.
func OpenLimits(path string, l Limits) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	return Read(fh, st.Size(), path, l)
}

// Read reads a PyTorch archive of the given size from r. name is used in errors only.
func Read(r io.ReaderAt, size int64, name string, l Limits) (*File, error) {
	l = l.withDefaults()
	fail := func(member, format string, a ...any) error {
		return &FormatError{Path: name, Member: member, Reason: fmt.Sprintf(format, a...)}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		head := make([]byte, 2)
		if n, _ := r.ReadAt(head, 0); n == 2 && head[0] == opProto {
			return nil, fail("", "legacy torch.save format (PyTorch before 1.6, a bare pickle) is not supported; re-save it with a newer PyTorch")
		}
		return nil, fail("", "not a zip archive: %v", err)
	}
	members := map[string]*zip.File{}
	prefix := ""
	for _, zf := range zr.File {
		members[zf.Name] = zf
		if dir, base := path.Split(zf.Name); base == "data.pkl" && strings.Count(dir, "/") == 1 && prefix == "" {
			prefix = dir
		}
	}
	if prefix == "" {
		return nil, fail("", "no <archive>/data.pkl member: not written by torch.save or torch.jit.save")
	}
	f := &File{Kind: StateDict, byName: map[string]*Tensor{}}
	if members[prefix+"constants.pkl"] != nil {
		f.Kind = TorchScript
	}
	if bo := members[prefix+"byteorder"]; bo != nil {
		b, err := readMember(bo, 16, size)
		if err != nil {
			return nil, fail(bo.Name, "%v", err)
		}
		if string(b) != "little" {
			return nil, fail(bo.Name, "byte order %q is not supported (only little)", b)
		}
	}
	pklName := prefix + "data.pkl"
	pkl, err := readMember(members[pklName], int64(l.MaxPickleBytes), size)
	if err != nil {
		return nil, fail(pklName, "%v", err)
	}
	in := &interpreter{limits: l, storages: map[string]*storage{}}
	u := &unpickler{data: pkl, limits: l, call: in.call, persistent: in.persistent}
	root, err := u.run()
	if err != nil {
		return nil, fail(pklName, "%v", err)
	}
	budget := l.MaxTensorBytes
	for _, key := range slices.Sorted(maps.Keys(in.storages)) {
		s := in.storages[key]
		member := prefix + "data/" + s.key
		zf := members[member]
		if zf == nil {
			return nil, fail(member, "storage %s is missing", s.key)
		}
		if zf.Method != zip.Store {
			// torch.save and torch.jit.save store records uncompressed (and 64-byte aligned, so
			// they can be mapped); refusing compression keeps memory within the file's size.
			return nil, fail(member, "storage is compressed (zip method %d); torch writes storages uncompressed", zf.Method)
		}
		want := s.numel * int64(s.dtype.Size())
		if zf.UncompressedSize64 != uint64(want) {
			return nil, fail(member, "storage has %d bytes; data.pkl declares %d elements of %s (%d bytes)", zf.UncompressedSize64, s.numel, s.dtype, want)
		}
		if budget -= want; budget < 0 {
			return nil, fail(member, "tensor data exceeds the limit of %d bytes", l.MaxTensorBytes)
		}
		if s.data, err = readMember(zf, want, size); err != nil {
			return nil, fail(member, "%v", err)
		}
	}
	read := l.MaxTensorBytes - budget
	w := &walker{file: f, limits: l, visited: map[any]bool{}, visits: 4*len(pkl) + 1024, budget: min(budget, copyBudget(read))}
	if err := w.walk("", root, 0); err != nil {
		return nil, fail(pklName, "%v", err)
	}
	return f, nil
}

// copyBudget is how many bytes strided copies may take when storageBytes were read: twice the
// storages plus 64 MiB, enough for a transposed copy of every weight, yet a small file cannot
// expand a stride-0 view of one element into a huge allocation.
func copyBudget(storageBytes int64) int64 { return 2*storageBytes + 64<<20 }

// readMember reads a whole archive member of at most max bytes from an archive of archiveSize
// bytes. Memory grows with the bytes actually read, so a member that claims more than the
// archive holds costs no more than the archive.
func readMember(zf *zip.File, max, archiveSize int64) ([]byte, error) {
	if zf == nil {
		return nil, errors.New("member is missing")
	}
	if zf.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("member of %d bytes exceeds the limit of %d", zf.UncompressedSize64, max)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(min(zf.UncompressedSize64, uint64(archiveSize))))
	// Reading to EOF lets archive/zip verify the member's size and CRC-32.
	if _, err := io.Copy(&buf, io.LimitReader(rc, max+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, fmt.Errorf("member exceeds the limit of %d bytes", max)
	}
	return buf.Bytes(), nil
}

// walker names the tensors of an unpickled object graph. Each container and module is entered
// once (so shared sub-graphs and cycles end), and visits bound the work a graph of shared tuples
// could otherwise multiply.
type walker struct {
	file    *File
	limits  Limits
	visited map[any]bool
	visits  int
	budget  int64 // bytes left for strided copies
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func (w *walker) walk(name string, v any, depth int) error {
	if depth > w.limits.MaxDepth {
		return fmt.Errorf("objects nested deeper than %d at %q", w.limits.MaxDepth, name)
	}
	if w.visits--; w.visits < 0 {
		return errors.New("object graph too large for the pickle's size")
	}
	switch v := v.(type) {
	case *tensorRef:
		return w.add(name, v)
	case tuple:
		for i, x := range v {
			if err := w.walk(join(name, strconv.Itoa(i)), x, depth+1); err != nil {
				return err
			}
		}
	case *list, *dict, *object:
		if w.visited[v] {
			return nil
		}
		w.visited[v] = true
		switch v := v.(type) {
		case *list:
			return w.walk(name, tuple(v.items), depth)
		case *dict:
			for i, k := range v.keys {
				var key string
				switch k := k.(type) {
				case string:
					key = k
				case int64:
					key = strconv.FormatInt(k, 10)
				default:
					continue // only str and int keys name tensors
				}
				if err := w.walk(join(name, key), v.vals[i], depth+1); err != nil {
					return err
				}
			}
		case *object:
			// A module's attributes are its BUILD state: a dict, or (dict, slots) for classes
			// with __slots__. Constructor arguments hold no named tensors.
			if st, ok := v.state.(tuple); ok && len(st) == 2 {
				for _, x := range st {
					if err := w.walk(name, x, depth+1); err != nil {
						return err
					}
				}
				return nil
			}
			return w.walk(name, v.state, depth+1)
		}
	}
	return nil
}

func (w *walker) add(name string, t *tensorRef) error {
	if _, dup := w.file.byName[name]; dup {
		return fmt.Errorf("two tensors are named %q", name)
	}
	if t.out == nil {
		if !t.contiguous() {
			if w.budget -= t.numel * int64(t.st.dtype.Size()); w.budget < 0 {
				return fmt.Errorf("tensor %q: strided copies exceed their budget (twice the storage bytes plus 64 MiB, within MaxTensorBytes)", name)
			}
		}
		t.out = &Tensor{DType: t.st.dtype, Shape: t.shape, Data: t.materialize()}
	}
	out := *t.out
	out.Name = name
	w.file.tensors = append(w.file.tensors, &out)
	w.file.byName[name] = &out
	return nil
}
