// Package safetensors reads and writes the safetensors file format, the format in which
// Hugging Face, PyTorch and JAX tools exchange model weights, so that the platform's checkpoints
// open in Python and official checkpoints open here. It has no GoMLX dependency: tensors are
// names, dtypes, shapes and little-endian row-major bytes (package weights maps them to GoMLX).
//
// # Format
//
// The format is specified by the reference implementation, github.com/huggingface/safetensors
// (safetensors/src/tensor.rs), and its README. A file is:
//
//  1. N, the header length: an unsigned 64-bit little-endian integer (8 bytes);
//  2. the header: N bytes of UTF-8 JSON, an object mapping each tensor name to
//     {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, plus an optional
//     "__metadata__" entry mapping strings to strings. Offsets are relative to the start of the
//     data section, end exclusive;
//  3. the data section: the tensors' bytes, which must tile it exactly: no hole, no overlap, no
//     trailing byte.
//
// # Reading
//
// Open reads and validates only the header; File.Read then reads one tensor's bytes with one
// ReadAt, so a File is cheap to open and safe to read from several goroutines. ParseHeader is
// the pure validator behind Open; it enforces what the reference reader enforces and, through
// Limits, bounds what a hostile header can make it allocate: every size is checked before
// anything of that size is allocated, and products of dimensions are checked for overflow.
// Problems with the bytes are reported as *FormatError naming the file and, when it is about one
// tensor, the tensor.
//
// # Writing
//
// WriteFile and WriteFileFrom write atomically (a temporary file, fsynced, then renamed; see
// internal/atomicfile). As the reference writer does, the header is padded with spaces to a
// multiple of 8 bytes and tensors are placed by decreasing element size (then by name), so that
// each one starts at a multiple of its element size. Readers accept any order.
package safetensors
