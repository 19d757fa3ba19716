package tokenizer

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/safetensors"
)

// ExportOfficialHalf is [ExportOfficial] with every tensor stored as IEEE 754 binary16 (F16,
// rounded to nearest, ties to even): half the size, which is how the small trained weights in
// tokenizer/pretrained stay under the repository's file-size limit. binary16 keeps 11
// significant bits (relative error at most 2⁻¹¹), more than bfloat16's 8, and the weights of a
// trained tokenizer lie well inside its range (6·10⁻⁸ to 65504). [ImportOfficial] (and so
// [LoadWeights]) widens F16 back to float32.
func ExportOfficialHalf(store *model.Store, cfg Config, path string) error {
	tmp, err := os.CreateTemp(dirOf(path), ".export-*.safetensors")
	if err != nil {
		return fmt.Errorf("tokenizer: export %s: %w", path, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := ExportOfficial(store, cfg, tmp.Name()); err != nil {
		return err
	}
	f, err := safetensors.Open(tmp.Name())
	if err != nil {
		return err
	}
	defer f.Close()
	ts, err := f.ReadAll()
	if err != nil {
		return err
	}
	for i, t := range ts {
		if t.DType != safetensors.F32 {
			continue
		}
		half := make([]byte, len(t.Data)/2)
		for j := range len(t.Data) / 4 {
			v := math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*j:]))
			binary.LittleEndian.PutUint16(half[2*j:], float32ToHalf(v))
		}
		ts[i].DType, ts[i].Data = safetensors.F16, half
	}
	return safetensors.WriteFile(path, ts, f.Metadata())
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}

// float32ToHalf rounds f to the nearest IEEE 754 binary16 value (ties to even): 1 sign bit, 5
// exponent bits (bias 15), 10 fraction bits. Values beyond the largest finite half (65504, up to
// the rounding midpoint) become infinities, values below half the smallest subnormal (2⁻²⁵)
// signed zeros; NaN stays NaN.
func float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign
		}
		// Subnormal half: value / 2⁻²⁴, from the 24-bit significand shifted by 14-e.
		m := mant | 0x800000
		shift := uint(14 - e)
		half := m >> shift
		rem, mid := m&(1<<shift-1), uint32(1)<<(shift-1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(e)<<10 | mant>>13
	if rem := mant & 0x1fff; rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // a carry into the exponent is the correct rounding, up to infinity
	}
	return sign | uint16(half)
}
