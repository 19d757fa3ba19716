package weights

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/safetensors"
)

// MetadataNonTrainable is the safetensors metadata key under which SaveStore lists, as a JSON
// array of tensor names, the variables that are not trainable (optimizer moments, step
// counters, RNG state). LoadStore gives the variables it creates the same Trainable flag.
const MetadataNonTrainable = "wfm.non_trainable"

// TensorName returns the stable on-disk name of the variable at the absolute scope path
// variablePath: the path without its leading "/", so "/block_0/attn/q/weights" is stored as
// "block_0/attn/q/weights". GoMLX scope names cannot contain "/", so the mapping is reversible
// (see VariablePath).
func TensorName(variablePath string) string {
	return strings.TrimPrefix(variablePath, model.ScopeSeparator)
}

// VariablePath is the inverse of TensorName.
func VariablePath(tensorName string) string {
	return model.ScopeSeparator + tensorName
}

// ConfigPath returns where SaveStore writes the JSON config for the weights file at path: path
// with its ".safetensors" suffix replaced by ".json" ("model.safetensors" -> "model.json"), or
// path + ".json" when it has no such suffix.
func ConfigPath(path string) string {
	return strings.TrimSuffix(path, ".safetensors") + ".json"
}

// SaveStore writes every variable of store, trainable or not, to the safetensors file path, by
// TensorName, and config (unless nil) as indented JSON to ConfigPath(path). Both writes are
// atomic; the config is written first, so a weights file is never newer than its config.
// Variable values are streamed to disk without an extra copy; the store must not be changed
// (for instance by a training step) until SaveStore returns. Every variable must have a value.
func SaveStore(path string, store *model.Store, config any) error {
	if !hostIsLittleEndian {
		return fmt.Errorf("weights: save %s: big-endian hosts are not supported", path)
	}
	var srcs []safetensors.TensorSource
	nonTrainable := []string{}
	for v := range store.IterVariables() {
		name := TensorName(v.Path())
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("weights: save %s: variable %q: %w", path, v.Path(), err)
		}
		dt, ok := toSafetensors[value.DType()]
		if !ok {
			return fmt.Errorf("weights: save %s: variable %q: dtype %s has no safetensors equivalent", path, v.Path(), value.DType())
		}
		srcs = append(srcs, safetensors.TensorSource{
			Name:      name,
			DType:     dt,
			Shape:     dimensions(value.Shape()),
			WriteData: func(w io.Writer) error { return writeTensorBytes(w, value) },
		})
		if !v.Trainable {
			nonTrainable = append(nonTrainable, name)
		}
	}
	slices.Sort(nonTrainable)
	list, err := json.Marshal(nonTrainable)
	if err != nil {
		return fmt.Errorf("weights: save %s: %w", path, err)
	}
	meta := map[string]string{MetadataNonTrainable: string(list)}

	if config != nil {
		data, err := json.MarshalIndent(config, "", "  ")
		if err != nil {
			return fmt.Errorf("weights: save %s: config: %w", path, err)
		}
		if err := atomicfile.WriteFile(ConfigPath(path), append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("weights: save config: %w", err)
		}
	}
	if err := safetensors.WriteFileFrom(path, srcs, meta); err != nil {
		return fmt.Errorf("weights: save: %w", err)
	}
	return nil
}

func writeTensorBytes(w io.Writer, t *tensors.Tensor) error {
	var werr error
	err := t.ConstBytes(func(data []byte) { _, werr = w.Write(data) })
	if err != nil {
		return err
	}
	return werr
}

// LoadStore reads the safetensors file path into store: each tensor sets the value of the
// variable at VariablePath(name), which is created when the store has none (not trainable when
// listed under MetadataNonTrainable). An existing variable must have the tensor's exact dtype
// and shape. All names, dtypes and shapes are checked before any value changes, so a mismatch
// leaves the store untouched; only an I/O error while reading the data can leave it partly
// loaded. Variables of the store that the file does not hold keep their values.
func LoadStore(path string, store *model.Store) error {
	f, err := safetensors.Open(path)
	if err != nil {
		return fmt.Errorf("weights: load: %w", err)
	}
	defer f.Close()

	nonTrainable := map[string]bool{}
	if list, ok := f.Metadata()[MetadataNonTrainable]; ok {
		var names []string
		if err := json.Unmarshal([]byte(list), &names); err != nil {
			return fmt.Errorf("weights: load %s: metadata %q: %w", path, MetadataNonTrainable, err)
		}
		for _, n := range names {
			nonTrainable[n] = true
		}
	}

	names := f.Names()
	for _, name := range names {
		info, _ := f.Info(name)
		dt, ok := toGoMLX[info.DType]
		if !ok {
			return fmt.Errorf("weights: load %s: tensor %q: dtype %s has no GoMLX equivalent", path, name, info.DType)
		}
		v := store.GetVariable(VariablePath(name))
		if v == nil {
			continue
		}
		if want := shapes.Make(dt, info.Shape...); !v.Shape().Equal(want) {
			return fmt.Errorf("weights: load %s: variable %q is %s in the store but %s in the file", path, v.Path(), v.Shape(), want)
		}
	}
	for _, name := range names {
		info, _ := f.Info(name)
		value, err := newGoMLXTensor(name, info.DType, info.Shape, func(data []byte) error { return f.ReadInto(name, data) })
		if err != nil {
			return fmt.Errorf("weights: load %s: %w", path, err)
		}
		vpath := VariablePath(name)
		if v := store.GetVariable(vpath); v != nil {
			if err := v.SetValue(value); err != nil {
				return fmt.Errorf("weights: load %s: variable %q: %w", path, vpath, err)
			}
			continue
		}
		v, err := store.CreateVariable(vpath, value)
		if err != nil {
			return fmt.Errorf("weights: load %s: %w", path, err)
		}
		v.SetTrainable(!nonTrainable[name])
	}
	return nil
}

// ReadConfig decodes the JSON config saved beside the weights file path (see ConfigPath) into
// config, which must be a pointer. A path ending in ".json" is read as is. Unknown fields are an
// error, so that a config of one model is not silently read as another's.
func ReadConfig(path string, config any) error {
	jsonPath := path
	if !strings.HasSuffix(path, ".json") {
		jsonPath = ConfigPath(path)
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		return fmt.Errorf("weights: read config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(config); err != nil {
		return fmt.Errorf("weights: read config %s: %w", jsonPath, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("weights: read config %s: data after the JSON value", jsonPath)
	}
	return nil
}
