package torchfile

// Limits bound what a reader accepts, so that a hostile or corrupt file cannot make it allocate
// unbounded memory or time. The unpickler's memory is bounded by MaxPickleBytes (strings are
// checked against the bytes left before they are copied) plus a small multiple of MaxValues
// (every slot of every container was first pushed on the stack);
// tensor bytes are allocated only after the sizes declared in the pickle have been checked
// against the archive's member sizes and MaxTensorBytes. A zero field takes its value from
// DefaultLimits.
type Limits struct {
	// MaxPickleBytes bounds the length of data.pkl.
	MaxPickleBytes int
	// MaxStack bounds the unpickler's stack depth and its number of open MARKs.
	MaxStack int
	// MaxMemo bounds the number of memo entries.
	MaxMemo int
	// MaxValues bounds the number of values the unpickler pushes in all.
	MaxValues int
	// MaxDepth bounds the nesting of containers and modules when tensors are named.
	MaxDepth int
	// MaxRank bounds the number of dimensions of one tensor.
	MaxRank int
	// MaxTensorBytes bounds the bytes read from storages plus the bytes of strided copies
	// (views that are not one run of their storage). Strided copies are further bounded by
	// twice the storage bytes plus 64 MiB, so that stride-0 views of a few elements cannot
	// make a small file allocate much.
	MaxTensorBytes int64
}

// DefaultLimits are the limits Open uses. MaxRank is NumPy's NPY_MAXDIMS (64 since NumPy 2.0);
// MaxTensorBytes (64 GiB) admits the Cosmos tokenizer checkpoints (under 1 GB each) many times
// over. The others are far beyond
// what torch.save or torch.jit.save write for any real model.
var DefaultLimits = Limits{
	MaxPickleBytes: 1 << 27,
	MaxStack:       1 << 20,
	MaxMemo:        1 << 22,
	MaxValues:      1 << 23,
	MaxDepth:       256,
	MaxRank:        64,
	MaxTensorBytes: 1 << 36,
}

// withDefaults returns l with each zero (or negative) field replaced by its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxPickleBytes <= 0 {
		l.MaxPickleBytes = d.MaxPickleBytes
	}
	if l.MaxStack <= 0 {
		l.MaxStack = d.MaxStack
	}
	if l.MaxMemo <= 0 {
		l.MaxMemo = d.MaxMemo
	}
	if l.MaxValues <= 0 {
		l.MaxValues = d.MaxValues
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxRank <= 0 {
		l.MaxRank = d.MaxRank
	}
	if l.MaxTensorBytes <= 0 {
		l.MaxTensorBytes = d.MaxTensorBytes
	}
	return l
}
