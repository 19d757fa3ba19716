package textenc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/textenc/spm"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/weights"
)

// TrainOptions describe the masked-token training of an encoder (see TrainMasked).
type TrainOptions struct {
	Captions    int     // corpus size, from SyntheticCaptions
	CaptionSeed uint64  // seed of SyntheticCaptions
	Copies      int     // differently masked copies of each caption
	MaskRate    float64 // fraction of tokens (</s> excluded) to predict, at least one per caption
	BatchSize   int
	UseEMA      bool // export the moving average of the weights (train.Config.EMADecay > 0)
	Logger      *slog.Logger
}

// DefaultTrainOptions trains on 4000 captions, 4 masked copies each, BERT's 15% masking.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Captions: 4000, CaptionSeed: 1, Copies: 4, MaskRate: 0.15, BatchSize: 32}
}

// MaskedConfig returns the architecture of a preset trained with tok: its vocabulary is the
// tokenizer's plus one mask piece (id tok.VocabSize()), as T5 appends its <extra_id_N>
// sentinels after the SentencePiece vocabulary.
func MaskedConfig(preset string, tok *spm.Model) (Config, error) {
	cfg, err := Preset(preset)
	if err != nil {
		return cfg, err
	}
	cfg.VocabSize = tok.VocabSize() + 1
	return cfg, cfg.Validate()
}

// TrainMasked trains a T5 encoder of architecture cfg (from MaskedConfig) to predict masked
// tokens of the synthetic captions (Devlin et al. 2019, "BERT", §3.1: of the chosen tokens 80%
// become the mask piece, 10% a random piece, 10% stay) through a head tied to the embedding
// table, logits = h·sharedᵀ. T5 1.0 scales its tied head by 1/sqrt(d_model); at width 64 that
// kept the logits so small that a first 1200-step run reached only 13% held-out accuracy, so
// the head is unscaled, as T5 1.1's untied head is. This is the
// encoder-only counterpart of T5's span corruption (Raffel et al. 2020, §3.3), which needs a
// decoder: the encoder learns contextual token features of colours, objects, counts and
// motions, what a text-conditioned world model needs from a caption. It runs the shared loop
// (train.Run: checkpoints in tc.Dir, exact resume, metrics.jsonl) and returns the trained
// encoder (EMA weights with opts.UseEMA), of length BuiltinMaxLen.
func TrainMasked(ctx context.Context, b compute.Backend, cfg Config, tok *spm.Model, tc train.Config, opts TrainOptions) (*train.Result, *Model, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Captions < opts.BatchSize || opts.Copies < 1 || !(opts.MaskRate > 0 && opts.MaskRate < 1) {
		return nil, nil, fmt.Errorf("textenc: train options %+v: need captions >= batch, copies >= 1, 0 < mask rate < 1", opts)
	}
	if cfg.VocabSize != tok.VocabSize()+1 {
		return nil, nil, fmt.Errorf("textenc: vocabulary %d is not the tokenizer's %d plus the mask piece", cfg.VocabSize, tok.VocabSize())
	}
	captions, err := SyntheticCaptions(opts.Captions, opts.CaptionSeed)
	if err != nil {
		return nil, nil, err
	}
	data, seq, err := maskedExamples(captions, tok, opts, tc.Seed)
	if err != nil {
		return nil, nil, err
	}
	opts.Logger.Info("textenc: masked-token corpus", "captions", len(captions), "examples", data[0].Shape().Dim(0), "length", seq)
	loader, err := train.NewSliceLoader(opts.BatchSize, tc.Seed, data...)
	if err != nil {
		return nil, nil, err
	}
	store := model.NewStore()
	res, err := train.Run(ctx, b, store, maskedLoss(cfg), loader, tc,
		train.WithModelConfig(cfg), train.WithLogger(opts.Logger))
	if err != nil {
		return res, nil, err
	}
	exported, err := train.ExportStore(store, opts.UseEMA)
	if err != nil {
		return res, nil, err
	}
	m, err := New(cfg, tok, "trained", WithBackend(b), WithMaxLen(BuiltinMaxLen))
	if err != nil {
		return res, nil, err
	}
	for v := range exported.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return res, nil, err
		}
		if _, err := m.store.CreateVariable(v.Path(), value); err != nil {
			return res, nil, err
		}
	}
	return res, m, nil
}

// maskedExamples tokenizes the captions and returns [N, L] tensors: input ids (masked), padding
// mask, target ids and the weight of each position in the loss (1 where a token was chosen).
func maskedExamples(captions []string, tok *spm.Model, opts TrainOptions, seed uint64) ([]*tensors.Tensor, int, error) {
	maskID := int32(tok.VocabSize())
	var toks [][]int32
	longest := 0
	for _, c := range captions {
		ids := tok.Encode(c)
		if len(ids) > BuiltinMaxLen-1 {
			ids = ids[:BuiltinMaxLen-1]
		}
		row := make([]int32, 0, len(ids)+1)
		for _, id := range ids {
			row = append(row, int32(id))
		}
		toks = append(toks, append(row, int32(tok.EOSID())))
		longest = max(longest, len(row)+1)
	}
	seq := min(BuiltinMaxLen, (longest+runBucket-1)/runBucket*runBucket)
	n := len(toks) * opts.Copies
	ids, targets := make([]int32, n*seq), make([]int32, n*seq)
	mask, weight := make([]float32, n*seq), make([]float32, n*seq)
	rng := rand.New(rand.NewPCG(seed, 0x7465787465)) // "textenc"
	firstNormal := 3                                 // after <pad>, </s>, <unk>
	for copyIdx := range opts.Copies {
		for i, row := range toks {
			base := (copyIdx*len(toks) + i) * seq
			body := len(row) - 1 // </s> is never masked
			k := max(1, int(math.Round(opts.MaskRate*float64(body))))
			chosen := rng.Perm(body)[:min(k, body)]
			for j, id := range row {
				ids[base+j], targets[base+j], mask[base+j] = id, id, 1
			}
			for _, j := range chosen {
				weight[base+j] = 1
				switch r := rng.Float64(); {
				case r < 0.8:
					ids[base+j] = maskID
				case r < 0.9:
					ids[base+j] = int32(firstNormal + rng.IntN(tok.VocabSize()-firstNormal))
				}
			}
		}
	}
	return []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(ids, n, seq),
		tensors.FromFlatDataAndDimensions(mask, n, seq),
		tensors.FromFlatDataAndDimensions(targets, n, seq),
		tensors.FromFlatDataAndDimensions(weight, n, seq),
	}, seq, nil
}

// maskedLoss is the mean cross-entropy of the chosen tokens, batch = ids, mask, targets, weight.
func maskedLoss(cfg Config) train.LossFn {
	return func(scope *model.Scope, batch []*graph.Node) *graph.Node {
		h, table := cfg.forward(scope, batch[0], batch[1])
		logits := graph.DotGeneral(h, []int{2}, nil, table, []int{1}, nil) // [B, L, V]
		top := graph.StopGradient(graph.ReduceAndKeep(logits, graph.ReduceMax, -1))
		lse := graph.Add(graph.Log(graph.ReduceSum(graph.Exp(graph.Sub(logits, top)), -1)), graph.Squeeze(top, -1))
		picked := graph.ReduceSum(graph.Mul(logits, graph.OneHot(batch[2], cfg.VocabSize, dtypes.Float32)), -1)
		w := batch[3]
		return graph.Div(graph.ReduceAllSum(graph.Mul(graph.Sub(lse, picked), w)), graph.ReduceAllSum(w))
	}
}

// Export writes m as a Hugging Face-style model folder that Load reads: config.json, the
// tokenizer model bytes as spiece.model, and the encoder's tensors under their Hugging Face
// names in model.safetensors (float32). Each file is written atomically.
func Export(dir string, m *Model, tokenizerModel []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("textenc: export %s: %w", dir, err)
	}
	var ts []safetensors.Tensor
	for name := range m.cfg.variableShapes() {
		v := m.store.GetVariable(VariablePath(name))
		if v == nil {
			return fmt.Errorf("textenc: export %s: the encoder has no variable %s", dir, name)
		}
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("textenc: export %s: %s: %w", dir, name, err)
		}
		t, err := weights.TensorFromGoMLX(name, value)
		if err != nil {
			return fmt.Errorf("textenc: export %s: %w", dir, err)
		}
		ts = append(ts, t)
	}
	if err := safetensors.WriteFile(filepath.Join(dir, WeightsFile), ts, map[string]string{"format": "pt"}); err != nil {
		return fmt.Errorf("textenc: export %s: %w", dir, err)
	}
	conf, err := hfConfigJSON(m.cfg, m.tok)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, ConfigFile), conf, 0o644); err != nil {
		return fmt.Errorf("textenc: export %s: %w", dir, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, TokenizerFile), tokenizerModel, 0o644); err != nil {
		return fmt.Errorf("textenc: export %s: %w", dir, err)
	}
	return nil
}

// hfConfigJSON is cfg as a Hugging Face T5 config.json (architecture T5EncoderModel).
func hfConfigJSON(cfg Config, tok *spm.Model) ([]byte, error) {
	if tok.EOSID() < 0 {
		return nil, errors.New("textenc: tokenizer has no </s>")
	}
	_, gated, _ := cfg.feedForward()
	act := strings.TrimPrefix(cfg.FeedForwardProj, "gated-")
	if gated && act == "gelu" {
		act = "gelu_new"
	}
	return []byte(fmt.Sprintf(`{
 "architectures": ["T5EncoderModel"],
 "model_type": "t5",
 "vocab_size": %d,
 "d_model": %d,
 "d_kv": %d,
 "d_ff": %d,
 "num_layers": %d,
 "num_heads": %d,
 "relative_attention_num_buckets": %d,
 "relative_attention_max_distance": %d,
 "layer_norm_epsilon": %g,
 "feed_forward_proj": %q,
 "dense_act_fn": %q,
 "is_gated_act": %t,
 "pad_token_id": %d,
 "eos_token_id": %d
}
`, cfg.VocabSize, cfg.DModel, cfg.DKV, cfg.DFF, cfg.NumLayers, cfg.NumHeads, cfg.NumBuckets, cfg.MaxDistance,
		cfg.Epsilon, cfg.FeedForwardProj, act, gated, max(tok.PadID(), 0), tok.EOSID())), nil
}

// MaskedAccuracy is the fraction of chosen tokens of the captions (masked as in TrainMasked,
// with opts and seed) that the tied head of m predicts exactly: how much of a caption the
// encoder recovers from its context. m's vocabulary must include the mask piece. It runs on m's
// backend.
func MaskedAccuracy(m *Model, captions []string, opts TrainOptions, seed uint64) (float64, error) {
	if m.cfg.VocabSize != m.tok.VocabSize()+1 {
		return 0, fmt.Errorf("textenc: encoder vocabulary %d has no mask piece after the tokenizer's %d", m.cfg.VocabSize, m.tok.VocabSize())
	}
	opts.Copies = 1
	data, _, err := maskedExamples(captions, m.tok, opts, seed)
	if err != nil {
		return 0, err
	}
	exec, err := model.NewExec(m.backend, m.store, func(scope *model.Scope, ids, mask, targets, weight *graph.Node) *graph.Node {
		h, table := m.cfg.forward(scope, ids, mask)
		pred := graph.ArgMax(graph.DotGeneral(h, []int{2}, nil, table, []int{1}, nil), -1, dtypes.Int32)
		hit := graph.ConvertDType(graph.Equal(pred, targets), dtypes.Float32)
		return graph.Div(graph.ReduceAllSum(graph.Mul(hit, weight)), graph.ReduceAllSum(weight))
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	m.mu.Lock()
	out, err := exec.Call(data[0], data[1], data[2], data[3])
	m.mu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("textenc: masked accuracy: %w", err)
	}
	return float64(tensors.MustCopyFlatData[float32](out[0])[0]), nil
}
