package textenc

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/textenc/spm"
)

// builtinFS holds the built-in encoder, a Hugging Face-style model folder made by
// `wfm train textenc` (see TrainBuiltin) with the tokenizer of testdata/make_golden.py.
//
//go:embed builtin/config.json builtin/spiece.model builtin/model.safetensors
var builtinFS embed.FS

// BuiltinMaxLen is the built-in encoder's padded length: every synthetic caption fits.
const BuiltinMaxLen = 64

var builtinModel = sync.OnceValues(func() (*Model, error) { return LoadBuiltin() })

// Default returns the built-in encoder, loaded once and shared: a small T5 encoder
// (BuiltinPreset) trained on the synthetic world's captions, which needs no download. Its
// length is BuiltinMaxLen.
func Default() (*Model, error) { return builtinModel() }

// LoadBuiltin loads a new instance of the built-in encoder (options as for Load).
func LoadBuiltin(opts ...Option) (*Model, error) {
	read := func(name string) ([]byte, error) {
		data, err := builtinFS.ReadFile("builtin/" + name)
		if err != nil {
			return nil, fmt.Errorf("textenc: built-in encoder: %w", err)
		}
		return data, nil
	}
	confData, err := read(ConfigFile)
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(confData)
	if err != nil {
		return nil, fmt.Errorf("textenc: built-in config: %w", err)
	}
	tokData, err := read(TokenizerFile)
	if err != nil {
		return nil, err
	}
	tok, err := spm.Parse(tokData)
	if err != nil {
		return nil, fmt.Errorf("textenc: built-in tokenizer: %w", err)
	}
	weights, err := read(WeightsFile)
	if err != nil {
		return nil, err
	}
	src, err := parseTensors("builtin/"+WeightsFile, weights)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(weights)
	m, err := New(cfg, tok, "builtin:"+hex.EncodeToString(sum[:16]), append([]Option{WithMaxLen(BuiltinMaxLen)}, opts...)...)
	if err != nil {
		return nil, err
	}
	if err := m.loadTensors([]tensorSource{src}); err != nil {
		return nil, err
	}
	return m, nil
}

// memTensors is a safetensors file held in memory.
type memTensors struct {
	path   string
	data   []byte
	header *safetensors.Header
}

// parseTensors validates the safetensors bytes data (named path in errors).
func parseTensors(path string, data []byte) (*memTensors, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("textenc: %s: %d bytes is too short for safetensors", path, len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > uint64(len(data)-8) {
		return nil, fmt.Errorf("textenc: %s: header of %d bytes exceeds the file", path, n)
	}
	h, err := safetensors.ParseHeader(bytes.Clone(data[8:8+n]), int64(len(data)), safetensors.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("textenc: %s: %w", path, err)
	}
	return &memTensors{path: path, data: data, header: h}, nil
}

func (s *memTensors) Path() string { return s.path }
func (s *memTensors) Close() error { return nil }

func (s *memTensors) Names() []string {
	names := make([]string, len(s.header.Tensors))
	for i, t := range s.header.Tensors {
		names[i] = t.Name
	}
	slices.Sort(names)
	return names
}

func (s *memTensors) Info(name string) (safetensors.TensorInfo, bool) {
	for _, t := range s.header.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return safetensors.TensorInfo{}, false
}

func (s *memTensors) Read(name string) (safetensors.Tensor, error) {
	t, ok := s.Info(name)
	if !ok {
		return safetensors.Tensor{}, fmt.Errorf("textenc: %s: no tensor %s", s.path, name)
	}
	return safetensors.Tensor{Name: name, DType: t.DType, Shape: t.Shape, Data: s.data[t.Offset : t.Offset+t.Length]}, nil
}

// BuiltinTokenizer returns the bytes of the built-in encoder's spiece.model.
func BuiltinTokenizer() ([]byte, error) {
	data, err := builtinFS.ReadFile("builtin/" + TokenizerFile)
	if err != nil {
		return nil, fmt.Errorf("textenc: built-in tokenizer: %w", err)
	}
	return data, nil
}
