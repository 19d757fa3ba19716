package textenc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/textenc/spm"
	"github.com/wfm-platform/wfm/torchfile"
)

// Encoder turns captions into per-token embeddings for text conditioning.
//
// Encode returns emb [B, MaxLen(), Dim()] float32 and mask [B, MaxLen()] float32 for B texts:
// row b holds text b's tokens (its SentencePiece ids, truncated to MaxLen()-1, then </s>) from
// position 0, mask 1 on them and 0 after, and emb is exactly 0 on padded positions, as Cosmos
// feeds its diffusion model zero-padded T5 embeddings. Implementations are safe for concurrent
// use.
type Encoder interface {
	Encode(ctx context.Context, texts []string) (emb, mask *tensors.Tensor, err error)
	Dim() int
	MaxLen() int
}

// File names in a model folder, those of a Hugging Face T5 checkpoint.
const (
	ConfigFile    = "config.json"
	TokenizerFile = "spiece.model"
	WeightsFile   = "model.safetensors"
	// WeightsIndexFile lists the shards of a sharded checkpoint (T5-XXL), by tensor name.
	WeightsIndexFile = "model.safetensors.index.json"
)

// DefaultMaxLen is the text length of a loaded T5: Cosmos's 512 tokens.
const DefaultMaxLen = 512

// runBucket: a batch runs at its longest text's length rounded up to a multiple of this (at
// most MaxLen), so short captions do not pay for 512 positions, while few graphs get compiled.
// The result is the same: padded keys get exactly zero attention weight.
const runBucket = 16

// Model is a T5 encoder with its tokenizer, ready to encode text. It implements Encoder.
type Model struct {
	cfg     Config
	tok     *spm.Model
	maxLen  int
	id      string
	backend compute.Backend
	store   *model.Store
	exec    *model.Exec
	mu      sync.Mutex // serializes exec calls
}

// Option configures Load and New.
type Option func(*options)

type options struct {
	backend compute.Backend
	maxLen  int
}

// WithBackend runs the encoder on b instead of the pure-Go backend.
func WithBackend(b compute.Backend) Option { return func(o *options) { o.backend = b } }

// WithMaxLen sets the padded text length (tokens, </s> included).
func WithMaxLen(n int) Option { return func(o *options) { o.maxLen = n } }

// Load reads a T5 encoder from a Hugging Face model folder: config.json, spiece.model, and
// model.safetensors (or the shards model.safetensors.index.json lists). Tensors are read by
// their Hugging Face names (see Forward and HFName), F32, F16, BF16 or F64, converted to
// float32; names the encoder does not use (a decoder, lm_head) are ignored, and
// "encoder.embed_tokens.weight" stands in for a missing "shared.weight". The default length
// is DefaultMaxLen.
func Load(dir string, opts ...Option) (*Model, error) {
	cfg, err := ReadConfig(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, err
	}
	tok, err := spm.Load(filepath.Join(dir, TokenizerFile))
	if err != nil {
		return nil, fmt.Errorf("textenc: load %s: %w", dir, err)
	}
	files, err := weightFiles(dir)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("textenc: load %s: %w", dir, err)
		}
		// The cache key's model id: the absolute path, size and time of each weights file, so
		// that replacing a file invalidates cached embeddings without hashing gigabytes.
		abs, _ := filepath.Abs(f)
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", abs, st.Size(), st.ModTime().UnixNano())
	}
	id := "t5:" + hex.EncodeToString(h.Sum(nil))[:32]
	m, err := New(cfg, tok, id, append([]Option{WithMaxLen(DefaultMaxLen)}, opts...)...)
	if err != nil {
		return nil, err
	}
	if err := m.loadWeights(files); err != nil {
		return nil, err
	}
	return m, nil
}

// weightFiles returns the safetensors files of a model folder.
func weightFiles(dir string) ([]string, error) {
	single := filepath.Join(dir, WeightsFile)
	if _, err := os.Stat(single); err == nil {
		return []string{single}, nil
	}
	index := filepath.Join(dir, WeightsIndexFile)
	data, err := os.ReadFile(index)
	if err != nil {
		return nil, fmt.Errorf("textenc: load %s: neither %s nor %s: %w", dir, WeightsFile, WeightsIndexFile, err)
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("textenc: %s: %w", index, err)
	}
	var files []string
	for _, f := range idx.WeightMap {
		if filepath.Base(f) != f || f == "" {
			return nil, fmt.Errorf("textenc: %s: shard name %q is not a plain file name", index, f)
		}
		if p := filepath.Join(dir, f); !slices.Contains(files, p) {
			files = append(files, p)
		}
	}
	slices.Sort(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("textenc: %s: no shards", index)
	}
	return files, nil
}

// New returns an encoder of architecture cfg with tokenizer tok and no weights yet: its
// variables start at their initial values (random, seeded). id names the weights in cache
// keys. The default length is 64.
func New(cfg Config, tok *spm.Model, id string, opts ...Option) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("textenc: %w", err)
	}
	if tok.VocabSize() > cfg.VocabSize {
		return nil, fmt.Errorf("textenc: tokenizer has %d pieces, the model's vocabulary %d", tok.VocabSize(), cfg.VocabSize)
	}
	if tok.EOSID() < 0 {
		return nil, errors.New("textenc: tokenizer has no </s> piece")
	}
	o := options{maxLen: 64}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxLen < 2 {
		return nil, fmt.Errorf("textenc: max length %d, must be >= 2", o.maxLen)
	}
	if o.backend == nil {
		b, err := backend.NewGo()
		if err != nil {
			return nil, err
		}
		o.backend = b
	}
	m := &Model{cfg: cfg, tok: tok, maxLen: o.maxLen, id: id, backend: o.backend, store: model.NewStore()}
	m.store.SetParam(model.ParamInitialSeed, int64(1))
	exec, err := model.NewExec(o.backend, m.store, func(scope *model.Scope, ids, mask *graph.Node) *graph.Node {
		out := cfg.Forward(scope, ids, mask)
		return graph.Mul(out, graph.InsertAxes(mask, -1))
	})
	if err != nil {
		return nil, fmt.Errorf("textenc: %w", err)
	}
	m.exec = exec
	return m, nil
}

// tensorSource is a safetensors file, on disk (*safetensors.File) or in memory (memTensors).
type tensorSource interface {
	Names() []string
	Info(name string) (safetensors.TensorInfo, bool)
	Read(name string) (safetensors.Tensor, error)
	Close() error
	Path() string
}

// loadWeights sets every variable of the encoder from the safetensors files.
func (m *Model) loadWeights(files []string) error {
	var srcs []tensorSource
	defer func() {
		for _, s := range srcs {
			s.Close()
		}
	}()
	for _, path := range files {
		f, err := safetensors.Open(path)
		if err != nil {
			return fmt.Errorf("textenc: %w", err)
		}
		srcs = append(srcs, f)
	}
	return m.loadTensors(srcs)
}

// loadTensors sets every variable of the encoder from the sources, by Hugging Face name.
func (m *Model) loadTensors(srcs []tensorSource) error {
	need := m.cfg.variableShapes()
	found := map[string]bool{}
	for _, f := range srcs {
		for _, name := range f.Names() {
			target := name
			if name == "encoder.embed_tokens.weight" {
				target = "shared.weight"
				if _, ok := f.Info(target); ok {
					continue
				}
			}
			dims, ok := need[target]
			if !ok || found[target] {
				continue
			}
			t, err := f.Read(name)
			if err != nil {
				return fmt.Errorf("textenc: %w", err)
			}
			if !slices.Equal(t.Shape, dims) {
				return fmt.Errorf("textenc: %s: tensor %s is %v, the model needs %v", f.Path(), name, t.Shape, dims)
			}
			tt := torchfile.Tensor{Name: name, DType: t.DType, Shape: t.Shape, Data: t.Data}
			values, err := tt.Float32s()
			if err != nil {
				return fmt.Errorf("textenc: %s: tensor %s: %w", f.Path(), name, err)
			}
			if err := m.setVariable(target, tensors.FromFlatDataAndDimensions(values, dims...)); err != nil {
				return fmt.Errorf("textenc: %s: %w", f.Path(), err)
			}
			found[target] = true
		}
	}
	var missing []string
	for name := range need {
		if !found[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("textenc: %s: missing %d tensors of the encoder, first %s", srcs[0].Path(), len(missing), missing[0])
	}
	return nil
}

func (m *Model) setVariable(hfName string, value *tensors.Tensor) error {
	path := VariablePath(hfName)
	if v := m.store.GetVariable(path); v != nil {
		return v.SetValue(value)
	}
	_, err := m.store.CreateVariable(path, value)
	return err
}

// variableShapes lists the encoder's tensors by Hugging Face name with their shapes.
func (c Config) variableShapes() map[string][]int {
	d, inner := c.DModel, c.NumHeads*c.DKV
	out := map[string][]int{
		"shared.weight":                   {c.VocabSize, d},
		"encoder.final_layer_norm.weight": {d},
		"encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight": {c.NumBuckets, c.NumHeads},
	}
	_, gated, _ := c.feedForward()
	for i := range c.NumLayers {
		p := fmt.Sprintf("encoder.block.%d.layer.", i)
		for _, n := range []string{"q", "k", "v"} {
			out[p+"0.SelfAttention."+n+".weight"] = []int{inner, d}
		}
		out[p+"0.SelfAttention.o.weight"] = []int{d, inner}
		out[p+"0.layer_norm.weight"] = []int{d}
		out[p+"1.layer_norm.weight"] = []int{d}
		if gated {
			out[p+"1.DenseReluDense.wi_0.weight"] = []int{c.DFF, d}
			out[p+"1.DenseReluDense.wi_1.weight"] = []int{c.DFF, d}
		} else {
			out[p+"1.DenseReluDense.wi.weight"] = []int{c.DFF, d}
		}
		out[p+"1.DenseReluDense.wo.weight"] = []int{d, c.DFF}
	}
	return out
}

// Config returns the encoder's architecture.
func (m *Model) Config() Config { return m.cfg }

// Tokenizer returns the encoder's SentencePiece model.
func (m *Model) Tokenizer() *spm.Model { return m.tok }

// Store returns the variables of the encoder, by the paths VariablePath gives.
func (m *Model) Store() *model.Store { return m.store }

// ID names the weights, for cache keys.
func (m *Model) ID() string { return m.id }

// Dim is the embedding width, d_model.
func (m *Model) Dim() int { return m.cfg.DModel }

// MaxLen is the padded text length in tokens.
func (m *Model) MaxLen() int { return m.maxLen }

// Tokenize returns the T5 ids of text: its SentencePiece ids, at most MaxLen()-1 of them, then
// </s> (Hugging Face's T5Tokenizer with truncation keeps </s> last).
func (m *Model) Tokenize(text string) []int {
	ids := m.tok.Encode(text)
	if len(ids) > m.maxLen-1 {
		ids = ids[:m.maxLen-1]
	}
	return append(ids, m.tok.EOSID())
}

// Encode implements Encoder.
func (m *Model) Encode(ctx context.Context, texts []string) (emb, mask *tensors.Tensor, err error) {
	if len(texts) == 0 {
		return nil, nil, errors.New("textenc: Encode needs at least one text")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	tokens := make([][]int, len(texts))
	longest := 0
	for i, t := range texts {
		tokens[i] = m.Tokenize(t)
		longest = max(longest, len(tokens[i]))
	}
	run := min(m.maxLen, (longest+runBucket-1)/runBucket*runBucket)
	pad := max(m.tok.PadID(), 0)
	ids := make([]int32, len(texts)*run)
	runMask := make([]float32, len(texts)*run)
	fullMask := make([]float32, len(texts)*m.maxLen)
	for b, toks := range tokens {
		for j := range run {
			ids[b*run+j] = int32(pad)
		}
		for j, id := range toks {
			ids[b*run+j], runMask[b*run+j], fullMask[b*m.maxLen+j] = int32(id), 1, 1
		}
	}
	m.mu.Lock()
	out, err := m.exec.Call(tensors.FromFlatDataAndDimensions(ids, len(texts), run),
		tensors.FromFlatDataAndDimensions(runMask, len(texts), run))
	m.mu.Unlock()
	if err != nil {
		return nil, nil, fmt.Errorf("textenc: encode: %w", err)
	}
	values := tensors.MustCopyFlatData[float32](out[0])
	out[0].FinalizeAll()
	d := m.cfg.DModel
	full := make([]float32, len(texts)*m.maxLen*d)
	for b := range texts {
		copy(full[b*m.maxLen*d:], values[b*run*d:(b+1)*run*d])
	}
	return tensors.FromFlatDataAndDimensions(full, len(texts), m.maxLen, d),
		tensors.FromFlatDataAndDimensions(fullMask, len(texts), m.maxLen), nil
}

var _ Encoder = (*Model)(nil)
