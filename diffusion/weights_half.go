package diffusion

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/weights"
)

// SaveWeightsAs is SaveWeights with the float32 variables stored as dt: Float16 or BFloat16
// halve the file (for models committed to the repository or shipped), Float32 is SaveWeights.
// LoadWeights converts half-precision variables back to the model's compute dtype. Float16
// keeps about 3 significant digits; weights smaller than its smallest normal value (6.1e-5) may
// become zero.
func SaveWeightsAs(path string, store *model.Store, cfg Config, useEMA bool, dt dtypes.DType) error {
	if dt == dtypes.Float32 {
		return SaveWeights(path, store, cfg, useEMA)
	}
	if dt != dtypes.Float16 && dt != dtypes.BFloat16 {
		return fmt.Errorf("diffusion: save %s: weights dtype %s: want float32, float16 or bfloat16", path, dt)
	}
	export, err := train.ExportStore(store, useEMA)
	if err != nil {
		return fmt.Errorf("diffusion: export %s: %w", path, err)
	}
	half, err := convertStore(export, dtypes.Float32, dt)
	if err != nil {
		return fmt.Errorf("diffusion: save %s: %w", path, err)
	}
	if err := weights.SaveStore(path, half, cfg); err != nil {
		return fmt.Errorf("diffusion: save %s: %w", path, err)
	}
	return nil
}

// convertStore copies store with every variable of dtype from converted to dtype to (host-side;
// float32, float16 and bfloat16 only); other variables are copied as they are.
func convertStore(store *model.Store, from, to dtypes.DType) (*model.Store, error) {
	out := model.NewStore()
	for path, value := range store.IterParams() {
		out.SetParam(path, value)
	}
	for v := range store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Path(), err)
		}
		if value.DType() == from && from != to {
			f32, err := toFloat32(value)
			if err != nil {
				return nil, fmt.Errorf("variable %s: %w", v.Path(), err)
			}
			if value, err = fromFloat32(f32, value.Shape().Dimensions, to); err != nil {
				return nil, fmt.Errorf("variable %s: %w", v.Path(), err)
			}
		} else if value, err = value.LocalClone(); err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Path(), err)
		}
		nv, err := out.CreateVariable(v.Path(), value)
		if err != nil {
			return nil, err
		}
		nv.SetTrainable(v.Trainable)
	}
	return out, nil
}

func toFloat32(t *tensors.Tensor) ([]float32, error) {
	switch t.DType() {
	case dtypes.Float32:
		return tensors.CopyFlatData[float32](t)
	case dtypes.Float16:
		return widen[float16.Float16](t)
	case dtypes.BFloat16:
		return widen[bfloat16.BFloat16](t)
	}
	return nil, fmt.Errorf("dtype %s is not a float32, float16 or bfloat16", t.DType())
}

// widen copies a half-precision tensor's values out as float32.
func widen[T interface {
	float16.Float16 | bfloat16.BFloat16
	Float32() float32
}](t *tensors.Tensor) ([]float32, error) {
	h, err := tensors.CopyFlatData[T](t)
	out := make([]float32, len(h))
	for i, v := range h {
		out[i] = v.Float32()
	}
	return out, err
}

func fromFloat32(v []float32, dims []int, dt dtypes.DType) (*tensors.Tensor, error) {
	switch dt {
	case dtypes.Float32:
		return tensors.FromFlatDataAndDimensions(v, dims...), nil
	case dtypes.Float16:
		return tensors.FromFlatDataAndDimensions(float16.FromFloat32s(v...), dims...), nil
	case dtypes.BFloat16:
		return tensors.FromFlatDataAndDimensions(bfloat16.FromFloat32s(v...), dims...), nil
	}
	return nil, fmt.Errorf("dtype %s is not float32, float16 or bfloat16", dt)
}

// halfToCompute converts the half-precision variables of store (a model saved by SaveWeightsAs)
// to the compute dtype of cfg; a store without them is returned as is.
func halfToCompute(store *model.Store, cfg Config) (*model.Store, error) {
	want := cfg.ComputeDType()
	for _, half := range []dtypes.DType{dtypes.Float16, dtypes.BFloat16} {
		if half == want || !hasDType(store, half) {
			continue
		}
		var err error
		if store, err = convertStore(store, half, want); err != nil {
			return nil, err
		}
	}
	return store, nil
}

// hasDType reports whether any variable of store has dtype dt.
func hasDType(store *model.Store, dt dtypes.DType) bool {
	for v := range store.IterVariables() {
		if v.DType() == dt {
			return true
		}
	}
	return false
}
