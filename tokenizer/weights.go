package tokenizer

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/torchfile"
	"github.com/wfm-platform/wfm/weights"
)

// Metadata keys ExportOfficial writes into the safetensors header.
const (
	// MetadataFormat is the Hugging Face convention for the layout of the tensors; "pt" says
	// PyTorch layout.
	MetadataFormat = "format"
	// MetadataConfig holds the tokenizer Config as JSON; its "name" is the preset name.
	MetadataConfig = "wfm.tokenizer.config"
)

// CheckpointError reports a checkpoint file that does not fit a tokenizer: a missing, misshapen
// or unconvertible tensor, or a store that lacks a variable of the model.
type CheckpointError struct {
	Path   string // the checkpoint file
	Key    string // the Cosmos state-dict key concerned, "" for the file as a whole
	Reason string
}

func (e *CheckpointError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("tokenizer: checkpoint %s: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("tokenizer: checkpoint %s: %s: %s", e.Path, e.Key, e.Reason)
}

// torchFromOurs permutes a convolution kernel from our [kt, kh, kw, in, out] to PyTorch's
// Conv3d [out, in, kt, kh, kw]; oursFromTorch is its inverse.
var (
	torchFromOurs = []int{4, 3, 0, 1, 2}
	oursFromTorch = []int{2, 3, 4, 1, 0}
)

// officialVariable is one variable the tokenizer creates: its store path, its checkpoint key
// and its shape in our layout.
type officialVariable struct {
	path, key string
	dims      []int
}

// officialVariables lists the variables the tokenizer of cfg creates, by checkpoint key. It
// builds (compiles, never runs) Encode and Decode on the pure-Go backend over a scratch store
// with the smallest valid video, [1, 1+t, s, s, InChannels]: the model code itself is the one
// source of which variables exist and of their shapes, so no second description of the
// architecture can drift from it. Variables get no value: their initializers only run on
// execution.
func officialVariables(cfg Config) ([]officialVariable, error) {
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	b, err := backend.NewGo()
	if err != nil {
		return nil, err
	}
	scratch := model.NewStore()
	exec, err := model.NewExec(b, scratch, func(scope *model.Scope, x *graph.Node) *graph.Node {
		latent, _ := m.Encode(scope, x)
		return m.Decode(scope, latent)
	})
	if err != nil {
		return nil, fmt.Errorf("tokenizer.%s: build graph: %w", cfg.Name, err)
	}
	defer exec.Finalize()
	s := cfg.SpatialCompression
	if _, err := exec.Compile(shapes.Make(dtypes.Float32, 1, 1+cfg.TemporalCompression, s, s, cfg.InChannels)); err != nil {
		return nil, fmt.Errorf("tokenizer.%s: build graph: %w", cfg.Name, err)
	}
	var vars []officialVariable
	for v := range scratch.IterVariables() {
		key, ok := CheckpointName(v.Path())
		if !ok {
			panic(fmt.Sprintf("tokenizer.%s: variable %q has no checkpoint name", cfg.Name, v.Path()))
		}
		vars = append(vars, officialVariable{path: v.Path(), key: key, dims: slices.Clone(v.Shape().Dimensions)})
	}
	slices.SortFunc(vars, func(a, b officialVariable) int { return strings.Compare(a.key, b.key) })
	return vars, nil
}

// ExportOfficial writes the tokenizer variables of store (a store holding the variables of the
// tokenizer built from cfg, at the root scope) to path as a safetensors file in the layout of
// the official Cosmos-Tokenizer state dicts: each tensor under its CheckpointName key, float32,
// convolution kernels transposed to PyTorch's [out, in, kt, kh, kw], norm scales/offsets and
// biases as they are (1-D). Other variables of the store (optimizer state) are not written.
// The metadata holds MetadataFormat "pt" and the Config as JSON under MetadataConfig. The write
// is atomic.
func ExportOfficial(store *model.Store, cfg Config, path string) error {
	vars, err := officialVariables(cfg)
	if err != nil {
		return err
	}
	out := make([]safetensors.Tensor, 0, len(vars))
	for _, ov := range vars {
		bad := func(format string, args ...any) error {
			return &CheckpointError{Path: path, Key: ov.key, Reason: fmt.Sprintf(format, args...)}
		}
		v := store.GetVariable(ov.path)
		if v == nil {
			return bad("the store has no variable %s", ov.path)
		}
		value, err := v.Value()
		if err != nil {
			return bad("variable %s: %v", ov.path, err)
		}
		t, err := weights.TensorFromGoMLX(ov.key, value)
		if err != nil {
			return bad("%v", err)
		}
		if t.DType != safetensors.F32 || !slices.Equal(t.Shape, ov.dims) {
			return bad("variable %s is %s%v, the model needs F32%v", ov.path, t.DType, t.Shape, ov.dims)
		}
		if len(t.Shape) == 5 {
			t.Shape, t.Data = permute(t.Data, 4, t.Shape, torchFromOurs)
		}
		out = append(out, t)
	}
	conf, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("tokenizer: export %s: %w", path, err)
	}
	meta := map[string]string{MetadataFormat: "pt", MetadataConfig: string(conf)}
	return safetensors.WriteFile(path, out, meta)
}

// ImportOfficial reads the Cosmos-Tokenizer weights at path into store, creating the variables
// of the tokenizer built from cfg (or setting them, when the store has them already). It reads
// a safetensors file (".safetensors") or a PyTorch archive (any other name: ".pt" state dicts,
// ".jit" TorchScript modules, through torchfile). Each tensor is found by its CheckpointName
// key, converted from F32, F16, BF16 or F64 to float32, its convolution kernels transposed from
// [out, in, kt, kh, kw] to our [kt, kh, kw, in, out], and its shape checked against the model.
//
// The tokenizer has two halves: the encoder ("encoder.*" and "quant_conv.*") and the decoder
// ("post_quant_conv.*" and "decoder.*"), shipped separately as encoder.jit and decoder.jit. A
// file may hold one half or both; every key of a half it holds any key of must be present, and
// a file holding neither is an error. Variables of a half the file lacks are left as they are.
//
// Keys the model does not use are returned, sorted, as unused: the reference builds and saves
// convolutions its forward pass never runs (see [Tokenizer]). A key that is not a model key
// as is but becomes one when its first dotted segment is removed is read as that key, for
// archives that nest the state dict one module deeper. The key names of TorchScript archives are
// checked (parity_test.go) against the archives that torch.jit.trace and torch.jit.save
// (PyTorch 1.13) write for the reference's own encoder_jit and decoder_jit modules, not against
// the released .jit files themselves.
//
// All keys, shapes and dtypes are checked before any variable changes, so an error leaves the
// store as it was.
func ImportOfficial(path string, cfg Config, store *model.Store) (unused []string, err error) {
	vars, err := officialVariables(cfg)
	if err != nil {
		return nil, err
	}
	src, err := openCheckpoint(path)
	if err != nil {
		return nil, err
	}
	expected := make(map[string]bool, len(vars))
	for _, ov := range vars {
		expected[ov.key] = true
	}
	byKey := map[string]*torchfile.Tensor{}
	var others []*torchfile.Tensor
	for _, t := range src {
		if expected[t.Name] {
			byKey[t.Name] = t
		} else {
			others = append(others, t)
		}
	}
	// A second pass, so that a name present as is always wins over a stripped one.
	for _, t := range others {
		_, rest, ok := strings.Cut(t.Name, ".")
		if _, taken := byKey[rest]; ok && expected[rest] && !taken {
			byKey[rest] = t
			continue
		}
		unused = append(unused, t.Name)
	}
	slices.Sort(unused)

	halves := map[bool]bool{} // isEncoderHalf -> the file holds some key of it
	for key := range byKey {
		halves[encoderHalf(key)] = true
	}
	if len(byKey) == 0 {
		return unused, &CheckpointError{Path: path, Reason: fmt.Sprintf("no tensor of tokenizer %s (%d tensors, none with a known key)", cfg.Name, len(src))}
	}
	type pending struct {
		ov    officialVariable
		value safetensors.Tensor
	}
	var todo []pending
	for _, ov := range vars {
		bad := func(format string, args ...any) error {
			return &CheckpointError{Path: path, Key: ov.key, Reason: fmt.Sprintf(format, args...)}
		}
		if !halves[encoderHalf(ov.key)] {
			continue
		}
		t, ok := byKey[ov.key]
		if !ok {
			return unused, bad("missing (the model needs %v)", ov.dims)
		}
		want := ov.dims
		if len(want) == 5 {
			want = permuteDims(want, torchFromOurs)
		}
		if !slices.Equal(t.Shape, want) {
			return unused, bad("shape %v, the model needs %v", t.Shape, want)
		}
		f, err := t.Float32s()
		if err != nil {
			return unused, bad("%v", err)
		}
		data := make([]byte, 4*len(f))
		for i, x := range f {
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(x))
		}
		shape := slices.Clone(t.Shape)
		if len(shape) == 5 {
			shape, data = permute(data, 4, shape, oursFromTorch)
		}
		todo = append(todo, pending{ov, safetensors.Tensor{Name: ov.key, DType: safetensors.F32, Shape: shape, Data: data}})
	}
	for _, p := range todo {
		if v := store.GetVariable(p.ov.path); v != nil && !slices.Equal(v.Shape().Dimensions, p.ov.dims) {
			return unused, &CheckpointError{Path: path, Key: p.ov.key,
				Reason: fmt.Sprintf("the store's variable %s is %s, the model needs %v", p.ov.path, v.Shape(), p.ov.dims)}
		}
	}
	for _, p := range todo {
		value, err := weights.TensorToGoMLX(p.value)
		if err != nil {
			return unused, &CheckpointError{Path: path, Key: p.ov.key, Reason: err.Error()}
		}
		if v := store.GetVariable(p.ov.path); v != nil {
			err = v.SetValue(value)
		} else {
			_, err = store.CreateVariable(p.ov.path, value)
		}
		if err != nil {
			return unused, &CheckpointError{Path: path, Key: p.ov.key, Reason: err.Error()}
		}
	}
	return unused, nil
}

// encoderHalf reports whether the checkpoint key belongs to the encoder half of the tokenizer.
func encoderHalf(key string) bool {
	return strings.HasPrefix(key, EncoderScope+".") || strings.HasPrefix(key, QuantConvScope+".")
}

// openCheckpoint reads every tensor of the checkpoint at path: a safetensors file when the name
// ends in ".safetensors", a PyTorch archive otherwise. Safetensors tensors are wrapped as
// torchfile tensors for their float32 conversion.
func openCheckpoint(path string) ([]*torchfile.Tensor, error) {
	if !strings.HasSuffix(path, ".safetensors") {
		f, err := torchfile.Open(path)
		if err != nil {
			return nil, err
		}
		return f.Tensors(), nil
	}
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	all, err := f.ReadAll()
	if err != nil {
		return nil, err
	}
	out := make([]*torchfile.Tensor, len(all))
	for i, t := range all {
		out[i] = &torchfile.Tensor{Name: t.Name, DType: t.DType, Shape: t.Shape, Data: t.Data}
	}
	return out, nil
}

// permuteDims returns dims reordered so that out[i] = dims[perm[i]].
func permuteDims(dims, perm []int) []int {
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = dims[p]
	}
	return out
}

// permute transposes the row-major array data of elements of elem bytes and shape dims so that
// axis i of the result is axis perm[i] of the input, and returns the new shape and data.
func permute(data []byte, elem int, dims, perm []int) ([]int, []byte) {
	rank := len(dims)
	inStrides := make([]int, rank)
	for i, s := rank-1, 1; i >= 0; i-- {
		inStrides[i], s = s, s*dims[i]
	}
	outDims := permuteDims(dims, perm)
	strides := permuteDims(inStrides, perm) // input stride of each output axis
	out := make([]byte, len(data))
	idx := make([]int, rank)
	for o := 0; o < len(data)/elem; o++ {
		in := 0
		for i, x := range idx {
			in += x * strides[i]
		}
		copy(out[o*elem:(o+1)*elem], data[in*elem:(in+1)*elem])
		for i := rank - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < outDims[i] {
				break
			}
			idx[i] = 0
		}
	}
	return outDims, out
}
