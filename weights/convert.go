package weights

import (
	"encoding/binary"
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/safetensors"
)

// toSafetensors maps the GoMLX dtypes that have a safetensors spelling.
var toSafetensors = map[dtypes.DType]safetensors.DType{
	dtypes.Bool:     safetensors.BOOL,
	dtypes.Uint8:    safetensors.U8,
	dtypes.Int8:     safetensors.I8,
	dtypes.Int16:    safetensors.I16,
	dtypes.Uint16:   safetensors.U16,
	dtypes.Float16:  safetensors.F16,
	dtypes.BFloat16: safetensors.BF16,
	dtypes.Int32:    safetensors.I32,
	dtypes.Uint32:   safetensors.U32,
	dtypes.Float32:  safetensors.F32,
	dtypes.Int64:    safetensors.I64,
	dtypes.Uint64:   safetensors.U64,
	dtypes.Float64:  safetensors.F64,
}

var toGoMLX = func() map[safetensors.DType]dtypes.DType {
	m := make(map[safetensors.DType]dtypes.DType, len(toSafetensors))
	for g, s := range toSafetensors {
		m[s] = g
	}
	return m
}()

// hostIsLittleEndian: safetensors data is little-endian and GoMLX tensors hold host-order
// elements, so the byte copies below are only correct on little-endian hosts (amd64, arm64).
var hostIsLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// TensorFromGoMLX copies t into a safetensors.Tensor called name. Tensors held on a device are
// first transferred to the host.
func TensorFromGoMLX(name string, t *tensors.Tensor) (safetensors.Tensor, error) {
	if !hostIsLittleEndian {
		return safetensors.Tensor{}, fmt.Errorf("weights: tensor %q: big-endian hosts are not supported", name)
	}
	if t == nil {
		return safetensors.Tensor{}, fmt.Errorf("weights: tensor %q is nil", name)
	}
	shape := t.Shape()
	dt, ok := toSafetensors[shape.DType]
	if !ok {
		return safetensors.Tensor{}, fmt.Errorf("weights: tensor %q: dtype %s has no safetensors equivalent", name, shape.DType)
	}
	out := safetensors.Tensor{Name: name, DType: dt, Shape: dimensions(shape)}
	err := t.ConstBytes(func(data []byte) {
		out.Data = make([]byte, len(data))
		copy(out.Data, data)
	})
	if err != nil {
		return safetensors.Tensor{}, fmt.Errorf("weights: tensor %q: %w", name, err)
	}
	if out.Data == nil {
		out.Data = []byte{}
	}
	return out, nil
}

// TensorToGoMLX copies t into a new host-memory GoMLX tensor. BOOL elements must be 0 or 1.
func TensorToGoMLX(t safetensors.Tensor) (*tensors.Tensor, error) {
	return newGoMLXTensor(t.Name, t.DType, t.Shape, func(data []byte) error {
		if len(data) != len(t.Data) {
			return fmt.Errorf("%d bytes of data, but %s%v needs %d", len(t.Data), t.DType, t.Shape, len(data))
		}
		copy(data, t.Data)
		return nil
	})
}

// newGoMLXTensor allocates a host tensor for a safetensors tensor called name and has fill
// write its bytes.
func newGoMLXTensor(name string, d safetensors.DType, shape []int, fill func(data []byte) error) (*tensors.Tensor, error) {
	if !hostIsLittleEndian {
		return nil, fmt.Errorf("weights: tensor %q: big-endian hosts are not supported", name)
	}
	dt, ok := toGoMLX[d]
	if !ok {
		return nil, fmt.Errorf("weights: tensor %q: dtype %s has no GoMLX equivalent", name, d)
	}
	if _, ok := safetensors.ByteLength(d, shape); !ok {
		return nil, fmt.Errorf("weights: tensor %q: invalid shape %v", name, shape)
	}
	out := tensors.FromShape(shapes.Make(dt, shape...))
	var fillErr error
	err := out.MutableBytes(func(data []byte) {
		if fillErr = fill(data); fillErr != nil || dt != dtypes.Bool {
			return
		}
		for i, b := range data {
			if b > 1 {
				fillErr = fmt.Errorf("BOOL element %d is %d, not 0 or 1", i, b)
				return
			}
		}
	})
	if err == nil {
		err = fillErr
	}
	if err != nil {
		_ = out.FinalizeAll()
		return nil, fmt.Errorf("weights: tensor %q: %w", name, err)
	}
	return out, nil
}

// dimensions returns the shape's dimensions as a non-nil slice (a scalar is []int{}).
func dimensions(s shapes.Shape) []int {
	return append([]int{}, s.Dimensions...)
}
