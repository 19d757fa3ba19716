package safetensors

// DType names an element type exactly as it is spelled in a safetensors header.
type DType string

// The element types this package reads and writes. Their spellings and sizes follow the
// reference implementation (huggingface/safetensors, safetensors/src/tensor.rs, enum Dtype).
// F8_E4M3 is the "fn" variant (finite, no infinities), the one PyTorch calls float8_e4m3fn.
const (
	BOOL    DType = "BOOL"
	U8      DType = "U8"
	I8      DType = "I8"
	F8_E5M2 DType = "F8_E5M2"
	F8_E4M3 DType = "F8_E4M3"
	I16     DType = "I16"
	U16     DType = "U16"
	F16     DType = "F16"
	BF16    DType = "BF16"
	I32     DType = "I32"
	U32     DType = "U32"
	F32     DType = "F32"
	I64     DType = "I64"
	U64     DType = "U64"
	F64     DType = "F64"
)

// dtypeSizes maps each supported DType to its size in bytes.
var dtypeSizes = map[DType]int{
	BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
	I16: 2, U16: 2, F16: 2, BF16: 2,
	I32: 4, U32: 4, F32: 4,
	I64: 8, U64: 8, F64: 8,
}

// Size returns the number of bytes of one element, or 0 if d is not a supported dtype.
// The sub-byte types of the reference implementation (F4, F6_E2M3, F6_E3M2) and F8_E8M0 are not
// supported: Size returns 0 for them and readers reject files that use them.
func (d DType) Size() int { return dtypeSizes[d] }

// Valid reports whether d is a dtype this package supports.
func (d DType) Valid() bool { return d.Size() > 0 }
