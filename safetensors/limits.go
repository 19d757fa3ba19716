package safetensors

// Limits bound what a reader accepts, so that a hostile or corrupt file cannot make it allocate
// unbounded memory: parsing a header allocates at most a small multiple of its length (a
// dimension costs 8 bytes of memory for at least 2 bytes of JSON), and tensor data is only
// allocated once its size has been checked against the file's. A zero field takes its value
// from DefaultLimits.
type Limits struct {
	// MaxHeaderBytes bounds the JSON header length N (the file's first 8 bytes).
	MaxHeaderBytes int64
	// MaxTensors bounds the number of tensors in the header.
	MaxTensors int
	// MaxRank bounds the number of dimensions of one tensor.
	MaxRank int
	// MaxNameBytes bounds the length of a tensor name and of a metadata key. Metadata values
	// are bounded only by MaxHeaderBytes (they may hold JSON documents).
	MaxNameBytes int
	// MaxMetadataEntries bounds the number of "__metadata__" entries.
	MaxMetadataEntries int
}

// DefaultLimits are the limits Open uses. MaxHeaderBytes is the reference implementation's
// MAX_HEADER_SIZE (100,000,000 bytes, huggingface/safetensors, safetensors/src/tensor.rs); MaxRank
// is NumPy's NPY_MAXDIMS (64 since NumPy 2.0). The others are far beyond any real checkpoint.
var DefaultLimits = Limits{
	MaxHeaderBytes:     100_000_000,
	MaxTensors:         1 << 20,
	MaxRank:            64,
	MaxNameBytes:       1 << 16,
	MaxMetadataEntries: 1 << 16,
}

// withDefaults returns l with each zero (or negative) field replaced by its default.
func (l Limits) withDefaults() Limits {
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultLimits.MaxHeaderBytes
	}
	if l.MaxTensors <= 0 {
		l.MaxTensors = DefaultLimits.MaxTensors
	}
	if l.MaxRank <= 0 {
		l.MaxRank = DefaultLimits.MaxRank
	}
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = DefaultLimits.MaxNameBytes
	}
	if l.MaxMetadataEntries <= 0 {
		l.MaxMetadataEntries = DefaultLimits.MaxMetadataEntries
	}
	return l
}
