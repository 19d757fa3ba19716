package torchfile

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/wfm-platform/wfm/safetensors"
)

// storageDTypes maps the storage classes that torch.save and torch.jit.save name in a
// persistent id (torch/storage.py, _LegacyStorage subclasses; UntypedStorage holds raw bytes) to
// element types, spelled as in safetensors.
var storageDTypes = map[string]safetensors.DType{
	"DoubleStorage":        safetensors.F64,
	"FloatStorage":         safetensors.F32,
	"HalfStorage":          safetensors.F16,
	"BFloat16Storage":      safetensors.BF16,
	"LongStorage":          safetensors.I64,
	"IntStorage":           safetensors.I32,
	"ShortStorage":         safetensors.I16,
	"CharStorage":          safetensors.I8,
	"ByteStorage":          safetensors.U8,
	"BoolStorage":          safetensors.BOOL,
	"Float8_e4m3fnStorage": safetensors.F8_E4M3,
	"Float8_e5m2Storage":   safetensors.F8_E5M2,
	"UntypedStorage":       safetensors.U8,
}

// storage is one archive member of raw elements, named by a persistent id
// ('storage', torch.<Type>Storage, key, location, numel); its bytes are read on first use.
type storage struct {
	dtype safetensors.DType
	key   string
	numel int64
	data  []byte
}

// tensorRef is a view of a storage, as torch._utils._rebuild_tensor_v2 describes it: an offset
// and strides in elements. Its bounds have been checked against the storage's numel.
type tensorRef struct {
	st      *storage
	offset  int64
	shape   []int
	strides []int64
	numel   int64
	out     *Tensor // the materialized tensor, shared by every name that refers to this view
}

// interpreter gives the unpickler its torch-specific meaning: it resolves persistent ids to
// storages and implements the few allow-listed constructors. It never imports or calls
// anything named in the file.
type interpreter struct {
	limits   Limits
	storages map[string]*storage
}

func (in *interpreter) persistent(pid any) (any, error) {
	t, ok := pid.(tuple)
	if !ok || len(t) != 5 || t[0] != "storage" {
		return nil, fmt.Errorf("persistent id %s is not ('storage', type, key, location, numel)", kind(pid))
	}
	g, ok := t[1].(*global)
	if !ok || g.module != "torch" {
		return nil, errors.New("persistent id names no torch storage class")
	}
	dt, ok := storageDTypes[g.name]
	if !ok {
		return nil, fmt.Errorf("unsupported storage type torch.%s", g.name)
	}
	key, ok1 := t[2].(string)
	numel, ok2 := t[4].(int64)
	if !ok1 || !ok2 || key == "" || numel < 0 {
		return nil, errors.New("persistent id with a malformed key or element count")
	}
	if hi, lo := bits.Mul64(uint64(numel), uint64(dt.Size())); hi != 0 || lo > uint64(in.limits.MaxTensorBytes) {
		return nil, fmt.Errorf("storage %s of %d elements exceeds the limit of %d bytes", key, numel, in.limits.MaxTensorBytes)
	}
	if s, ok := in.storages[key]; ok {
		if s.dtype != dt || s.numel != numel {
			return nil, fmt.Errorf("storage %s is named with two different types or sizes", key)
		}
		return s, nil
	}
	s := &storage{dtype: dt, key: key, numel: numel}
	in.storages[key] = s
	return s, nil
}

// call implements the allow-listed globals. Any other global called with REDUCE or NEWOBJ
// (a TorchScript "__torch__.*" module class, or something hostile such as os.system) yields an
// inert *object recording its arguments.
func (in *interpreter) call(g *global, args tuple) (any, error) {
	switch g.module + "." + g.name {
	case "collections.OrderedDict", "builtins.dict":
		return newOrderedDict(args)
	case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
		return in.rebuildTensor(args)
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
		// (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor.
		if len(args) < 1 {
			return nil, errors.New("no tensor argument")
		}
		if _, ok := args[0].(*tensorRef); !ok {
			return nil, fmt.Errorf("argument is a %s, not a tensor", kind(args[0]))
		}
		return args[0], nil
	case "torch._tensor._rebuild_from_type_v2":
		// (func, new_type, args, state), torch/_tensor.py: the tensor is func(*args); the
		// subclass new_type is dropped. func must itself be allow-listed.
		if len(args) != 4 {
			return nil, errors.New("expected (func, type, args, state)")
		}
		f, ok1 := args[0].(*global)
		a, ok2 := args[2].(tuple)
		if !ok1 || !ok2 || f.module != "torch._utils" {
			return nil, errors.New("func is not a torch._utils rebuild function")
		}
		return in.call(f, a)
	case "torch.jit._pickle.restore_type_tag":
		// (value, type string), torch/jit/_pickle.py: the tag only restores a static type.
		if len(args) != 2 {
			return nil, errors.New("expected (value, type)")
		}
		return args[0], nil
	case "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_tensorlist",
		"torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist":
		if len(args) != 1 {
			return nil, errors.New("expected one list")
		}
		if _, ok := args[0].(*list); !ok {
			return nil, fmt.Errorf("argument is a %s, not a list", kind(args[0]))
		}
		return args[0], nil
	}
	if g.module == "torch._utils" && strings.HasPrefix(g.name, "_rebuild_") {
		// A tensor kind this reader does not know (quantized, sparse, nested, ...): fail
		// rather than drop a tensor silently.
		return nil, errors.New("unsupported tensor kind")
	}
	return &object{class: g, args: args}, nil
}

// newOrderedDict builds a dict from OrderedDict's optional argument, a sequence of pairs.
func newOrderedDict(args tuple) (any, error) {
	d := newDict()
	if len(args) == 0 {
		return d, nil
	}
	var items []any
	switch a := args[0].(type) {
	case *list:
		items = a.items
	case tuple:
		items = a
	default:
		return nil, fmt.Errorf("argument is a %s, not a sequence of pairs", kind(args[0]))
	}
	for _, it := range items {
		var kv []any
		switch p := it.(type) {
		case tuple:
			kv = p
		case *list:
			kv = p.items
		}
		if len(kv) != 2 || !hashable(kv[0]) {
			return nil, errors.New("item is not a (key, value) pair")
		}
		d.set(kv[0], kv[1])
	}
	return d, nil
}

// rebuildTensor checks the view (storage, storage_offset, size, stride, ...) of
// torch._utils._rebuild_tensor_v2 (torch/_utils.py): every element it addresses must lie in
// the storage. Negative strides cannot be produced by PyTorch and are rejected.
func (in *interpreter) rebuildTensor(args tuple) (any, error) {
	if len(args) < 4 {
		return nil, errors.New("expected (storage, offset, size, stride, ...)")
	}
	st, ok := args[0].(*storage)
	if !ok {
		return nil, fmt.Errorf("first argument is a %s, not a storage", kind(args[0]))
	}
	offset, ok := args[1].(int64)
	if !ok || offset < 0 {
		return nil, errors.New("storage offset is not a non-negative int")
	}
	size, ok1 := args[2].(tuple)
	stride, ok2 := args[3].(tuple)
	if !ok1 || !ok2 || len(size) != len(stride) {
		return nil, errors.New("size and stride are not tuples of the same length")
	}
	if len(size) > in.limits.MaxRank {
		return nil, fmt.Errorf("rank %d exceeds the limit of %d", len(size), in.limits.MaxRank)
	}
	t := &tensorRef{st: st, offset: offset, shape: make([]int, len(size)), strides: make([]int64, len(size)), numel: 1}
	last := uint64(offset) // index of the last element addressed, if any
	for i := range size {
		n, ok1 := size[i].(int64)
		s, ok2 := stride[i].(int64)
		if !ok1 || !ok2 || n < 0 || s < 0 {
			return nil, fmt.Errorf("dimension %d has size %v and stride %v; want non-negative ints", i, size[i], stride[i])
		}
		t.shape[i], t.strides[i] = int(n), s
		hi, lo := bits.Mul64(uint64(t.numel), uint64(n))
		if hi != 0 || lo > uint64(in.limits.MaxTensorBytes) {
			return nil, fmt.Errorf("element count exceeds the limit of %d bytes", in.limits.MaxTensorBytes)
		}
		t.numel = int64(lo)
		if n > 0 {
			hi, span := bits.Mul64(uint64(n-1), uint64(s))
			var carry uint64
			last, carry = bits.Add64(last, span, 0)
			if hi != 0 || carry != 0 {
				return nil, errors.New("strides overflow")
			}
		}
	}
	if t.numel > 0 && last >= uint64(st.numel) {
		return nil, fmt.Errorf("view reaches element %d of storage %s, which has %d", last, st.key, st.numel)
	}
	if hi, lo := bits.Mul64(uint64(t.numel), uint64(st.dtype.Size())); hi != 0 || lo > uint64(in.limits.MaxTensorBytes) {
		return nil, fmt.Errorf("tensor of %d elements exceeds the limit of %d bytes", t.numel, in.limits.MaxTensorBytes)
	}
	return t, nil
}

// contiguous reports whether t's strides are the row-major strides of its shape, so that its
// bytes are one run of the storage.
func (t *tensorRef) contiguous() bool {
	want := int64(1)
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != want {
			return false
		}
		want *= int64(t.shape[i])
	}
	return true
}

// materialize returns t's elements in row-major order. A contiguous view is a sub-slice of the
// storage (capacity clipped); any other view is copied element by element.
func (t *tensorRef) materialize() []byte {
	es := int64(t.st.dtype.Size())
	if t.numel == 0 {
		return []byte{}
	}
	if t.contiguous() {
		lo, hi := t.offset*es, (t.offset+t.numel)*es
		return t.st.data[lo:hi:hi]
	}
	out := make([]byte, 0, t.numel*es)
	idx := make([]int, len(t.shape))
	for {
		pos := t.offset
		for d, i := range idx {
			pos += int64(i) * t.strides[d]
		}
		out = append(out, t.st.data[pos*es:(pos+1)*es]...)
		d := len(idx) - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < t.shape[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return out
		}
	}
}
