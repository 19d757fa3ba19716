package torchfile

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/safetensors"
)

// Float32s returns t's elements converted to float32. F32, F16 (IEEE 754 binary16), BF16 (the
// upper half of a binary32) and F64 (rounded to nearest) are converted; other dtypes are an error.
func (t *Tensor) Float32s() ([]float32, error) {
	n := t.NumElements()
	if n*t.DType.Size() != len(t.Data) {
		return nil, fmt.Errorf("torchfile: tensor %s: %d bytes for %d elements of %s", t.Name, len(t.Data), n, t.DType)
	}
	out := make([]float32, n)
	d := t.Data
	switch t.DType {
	case safetensors.F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))
		}
	case safetensors.BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(d[2*i:])) << 16)
		}
	case safetensors.F16:
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(d[2*i:]))
		}
	case safetensors.F64:
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(d[8*i:])))
		}
	default:
		return nil, fmt.Errorf("torchfile: tensor %s: cannot convert %s to float32", t.Name, t.DType)
	}
	return out, nil
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly: 1 sign bit, 5 exponent bits
// (bias 15), 10 fraction bits; subnormals are normalized, infinities and NaNs keep their class.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac * 2^-24, exact in float32
		v := float32(frac) * 0x1p-24
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
