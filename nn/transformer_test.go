package nn

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// testConfigs covers both MLP kinds, both norms, QK-norm and biases on tiny shapes.
func testConfigs(t *testing.T) map[string]TransformerConfig {
	t.Helper()
	tiny, err := TransformerPreset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	llama := tiny
	llama.MLP, llama.Norm, llama.QKNorm, llama.Bias = MLPSwiGLU, NormRMS, true, false
	llama.FFNDim = 48
	return map[string]TransformerConfig{"tiny": tiny, "tiny-swiglu-rms-qknorm": llama}
}

// lmLogits runs TransformerLM on tokens [batch, seq] in the given mode and returns the logits.
func lmLogits(t *testing.T, store *model.Store, cfg TransformerConfig, training bool, tokens []int32, batch, seq int) ([]float32, []int) {
	t.Helper()
	out, dims := runGraph(t, store, training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{TransformerLM(scope, cfg, in[0])}
	}, tensors.FromFlatDataAndDimensions(tokens, batch, seq))
	return out[0], dims[0]
}

func TestTransformerLMShapesAndModes(t *testing.T) {
	for name, cfg := range testConfigs(t) {
		t.Run(name, func(t *testing.T) {
			const batch = 3
			seq := cfg.MaxSeqLen - 3 // shorter than the position table
			tokens := randomTokens(rand.New(rand.NewPCG(1, 1)), batch, seq, cfg.VocabSize)
			store := newStore(7)
			inference, dims := lmLogits(t, store, cfg, false, tokens, batch, seq)
			if want := []int{batch, seq, cfg.VocabSize}; !slices.Equal(dims, want) {
				t.Fatalf("logits shape %v, want %v", dims, want)
			}
			for i, v := range inference {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("logit %d is %v", i, v)
				}
			}
			// The training graph (decomposed ops) computes the same function on the same weights.
			training, _ := lmLogits(t, store, cfg, true, tokens, batch, seq)
			if d := maxAbsDiff(inference, training); d > 1e-4 {
				t.Errorf("max |inference - training| logits = %g", d)
			}
		})
	}
}

func TestTransformerLMIsCausal(t *testing.T) {
	for name, cfg := range testConfigs(t) {
		for _, mode := range modes {
			t.Run(name+"/"+mode.name, func(t *testing.T) {
				const batch = 2
				seq := cfg.MaxSeqLen
				rng := rand.New(rand.NewPCG(2, 3))
				tokens := randomTokens(rng, batch, seq, cfg.VocabSize)
				store := newStore(11)
				base, _ := lmLogits(t, store, cfg, mode.training, tokens, batch, seq)
				v := cfg.VocabSize
				for _, pos := range []int{0, seq / 2, seq - 1} {
					changed := slices.Clone(tokens)
					for b := range batch {
						changed[b*seq+pos] = (changed[b*seq+pos] + 1 + int32(rng.IntN(v-1))) % int32(v)
					}
					got, _ := lmLogits(t, store, cfg, mode.training, changed, batch, seq)
					for b := range batch {
						row := func(x []float32, p int) []float32 { return x[(b*seq+p)*v : (b*seq+p+1)*v] }
						for p := range pos {
							if d := maxAbsDiff(row(base, p), row(got, p)); d > 1e-6 {
								t.Fatalf("changing token %d changed the logits at earlier position %d by %g", pos, p, d)
							}
						}
						if d := maxAbsDiff(row(base, pos), row(got, pos)); d < 1e-4 {
							t.Fatalf("changing token %d left its own logits unchanged (max diff %g)", pos, d)
						}
					}
				}
			})
		}
	}
}

func TestParamsMatchVariables(t *testing.T) {
	for name, cfg := range testConfigs(t) {
		t.Run(name, func(t *testing.T) {
			store := newStore(1)
			lmLogits(t, store, cfg, false, make([]int32, cfg.MaxSeqLen), 1, cfg.MaxSeqLen)
			var total int64
			for v := range store.IterVariables() {
				if v.Trainable {
					total += int64(v.Shape().Size())
				}
			}
			if got := cfg.Params(); got != total {
				t.Errorf("Params() = %d, the model created %d trainable values", got, total)
			}
		})
	}
}

// TestParameterNames pins the checkpoint names and shapes documented in doc.go.
func TestParameterNames(t *testing.T) {
	cfg := testConfigs(t)["tiny-swiglu-rms-qknorm"]
	store := newStore(1)
	lmLogits(t, store, cfg, false, make([]int32, 4), 1, 4)
	d, v, f, hd := cfg.DModel, cfg.VocabSize, cfg.FFNDim, cfg.HeadDim()
	want := map[string][]int{
		"/token_embed/embeddings":      {v, d},
		"/pos_embed/embeddings":        {cfg.MaxSeqLen, d},
		"/block_0/norm1/scale":         {d},
		"/block_0/attn/query/weights":  {d, d},
		"/block_0/attn/key/weights":    {d, d},
		"/block_0/attn/value/weights":  {d, d},
		"/block_0/attn/output/weights": {d, d},
		"/block_0/attn/q_norm/scale":   {hd},
		"/block_0/attn/k_norm/scale":   {hd},
		"/block_1/norm2/scale":         {d},
		"/block_1/mlp/gate/weights":    {f, d},
		"/block_1/mlp/up/weights":      {f, d},
		"/block_1/mlp/down/weights":    {d, f},
		"/final_norm/scale":            {d},
		"/lm_head/weights":             {v, d},
	}
	for path, dims := range want {
		variable := store.GetVariable(path)
		if variable == nil {
			t.Errorf("missing variable %s", path)
			continue
		}
		if got := variable.Shape().Dimensions; !slices.Equal(got, dims) {
			t.Errorf("%s: shape %v, want %v", path, got, dims)
		}
	}
	gelu := testConfigs(t)["tiny"]
	store = newStore(1)
	lmLogits(t, store, gelu, false, make([]int32, 4), 1, 4)
	for path, dims := range map[string][]int{
		"/block_0/norm1/offset":      {gelu.DModel},
		"/block_0/attn/query/biases": {gelu.DModel},
		"/block_0/mlp/fc1/weights":   {gelu.FFNDim, gelu.DModel},
		"/block_0/mlp/fc1/biases":    {gelu.FFNDim},
		"/block_0/mlp/fc2/weights":   {gelu.DModel, gelu.FFNDim},
		"/final_norm/offset":         {gelu.DModel},
	} {
		if variable := store.GetVariable(path); variable == nil || !slices.Equal(variable.Shape().Dimensions, dims) {
			t.Errorf("%s: got %v, want shape %v", path, variable, dims)
		}
	}
}

// TestTrainingReducesLossOnCopyTask trains on sequences whose second half repeats the first, with
// Adam, and checks that the next-token loss falls well below its starting value (ln vocab).
func TestTrainingReducesLossOnCopyTask(t *testing.T) {
	for name, cfg := range testConfigs(t) {
		t.Run(name, func(t *testing.T) {
			const batch, half, steps = 8, 8, 40
			rng := rand.New(rand.NewPCG(5, 8))
			inputs := make([]int32, 0, batch*(2*half-1))
			targets := make([]int32, 0, batch*(2*half-1))
			for range batch {
				seq := make([]int32, 2*half)
				for i := range half {
					seq[i] = int32(rng.IntN(cfg.VocabSize))
					seq[half+i] = seq[i]
				}
				inputs = append(inputs, seq[:2*half-1]...)
				targets = append(targets, seq[1:]...)
			}
			store := newStore(3)
			adam := optimizer.Adam().LearningRate(1e-2).Done()
			exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, tokens, next *graph.Node) *graph.Node {
				g := tokens.Graph()
				scope.Store().SetTraining(g, true)
				loss := CrossEntropy(TransformerLM(scope, cfg, tokens), next)
				adam.UpdateGraph(scope, g, loss)
				return loss
			})
			if err != nil {
				t.Fatal(err)
			}
			defer exec.Finalize()
			in := tensors.FromFlatDataAndDimensions(inputs, batch, 2*half-1)
			out := tensors.FromFlatDataAndDimensions(targets, batch, 2*half-1)
			var first, last float32
			for step := range steps {
				res, err := exec.Call(in, out)
				if err != nil {
					t.Fatal(err)
				}
				last = tensors.ToScalar[float32](res[0])
				if step == 0 {
					first = last
				}
			}
			// At initialization the logits are near zero, so the loss is close to ln(vocab).
			if math.Abs(float64(first)-math.Log(float64(cfg.VocabSize))) > 0.3 {
				t.Errorf("initial loss %.3f, want about ln(%d) = %.3f", first, cfg.VocabSize, math.Log(float64(cfg.VocabSize)))
			}
			if last > 0.6*first {
				t.Errorf("loss went from %.3f to %.3f in %d steps, want below %.3f", first, last, steps, 0.6*first)
			}
		})
	}
}

// dotGeneralFLOPs sums 2·MACs over the DotGeneral nodes of g, reading each node's contracting axes
// from its description. The count is independent of TransformerConfig's formula: it sees only
// the matmuls actually built.
func dotGeneralFLOPs(t *testing.T, g *graph.Graph) (flops float64, count int) {
	t.Helper()
	axesRE := regexp.MustCompile(`lhsContractingAxes=\[([0-9 ]*)\]`)
	for _, n := range g.Nodes() {
		if n.Type() != graph.NodeTypeDotGeneral {
			continue
		}
		m := axesRE.FindStringSubmatch(n.String())
		if m == nil {
			t.Fatalf("cannot read the contracting axes of %s", n)
		}
		contracted := 1
		for _, field := range strings.Fields(m[1]) {
			axis, err := strconv.Atoi(field)
			if err != nil {
				t.Fatal(err)
			}
			contracted *= n.Inputs()[0].Shape().Dim(axis)
		}
		flops += 2 * float64(n.Shape().Size()) * float64(contracted)
		count++
	}
	return flops, count
}

func TestTrainStepFLOPsMatchesGraph(t *testing.T) {
	// Without fused ops every matmul is a DotGeneral node (a fused Dense hides its product).
	t.Setenv(graph.FusionEnv, "false")
	for name, cfg := range testConfigs(t) {
		t.Run(name, func(t *testing.T) {
			const batch, seq = 2, 12
			inShape := shapes.Make(dtypes.Int32, batch, seq)
			compile := func(fn func(scope *model.Scope, tokens, targets *graph.Node) []*graph.Node) *graph.Graph {
				exec, err := model.NewExec(testBackend(), newStore(1), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					scope.Store().SetTraining(in[0].Graph(), true)
					return fn(scope, in[0], in[1])
				})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(exec.Finalize)
				g, err := exec.Compile(inShape, inShape)
				if err != nil {
					t.Fatal(err)
				}
				return g
			}
			forward := compile(func(scope *model.Scope, tokens, _ *graph.Node) []*graph.Node {
				return []*graph.Node{TransformerLM(scope, cfg, tokens)}
			})
			gotForward, n := dotGeneralFLOPs(t, forward)
			mlpMatmuls := 2
			if cfg.MLP == MLPSwiGLU {
				mlpMatmuls = 3
			}
			if want := cfg.NumLayers*(4+mlpMatmuls+2) + 1; n != want {
				t.Errorf("forward graph has %d matmuls, want %d", n, want)
			}
			if want := cfg.ForwardFLOPs(batch, seq); gotForward != want {
				t.Errorf("forward graph matmul FLOPs = %g, ForwardFLOPs = %g", gotForward, want)
			}
			step := compile(func(scope *model.Scope, tokens, targets *graph.Node) []*graph.Node {
				loss := CrossEntropy(TransformerLM(scope, cfg, tokens), targets)
				return append([]*graph.Node{loss}, scope.BuildTrainableVariablesGradientsGraph(loss)...)
			})
			gotStep, _ := dotGeneralFLOPs(t, step)
			if want := cfg.TrainStepFLOPs(batch, seq); gotStep != want {
				t.Errorf("forward+gradient graph matmul FLOPs = %g, TrainStepFLOPs = %g", gotStep, want)
			}
		})
	}
}

func TestPresets(t *testing.T) {
	names := TransformerPresetNames()
	if !slices.IsSorted(names) {
		t.Errorf("preset names not sorted: %v", names)
	}
	// Parameter ranges the preset names promise.
	ranges := map[string][2]int64{"tiny": {1, 100_000}, "bench-10m": {9e6, 11e6}, "bench-100m": {90e6, 110e6}}
	for name, r := range ranges {
		cfg, err := TransformerPreset(name)
		if err != nil {
			t.Fatalf("preset %q: %v", name, err)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("preset %q: %v", name, err)
		}
		if p := cfg.Params(); p < r[0] || p > r[1] {
			t.Errorf("preset %q has %d parameters, want within %v", name, p, r)
		}
		data, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var back TransformerConfig
		if err := json.Unmarshal(data, &back); err != nil || back != cfg {
			t.Errorf("preset %q does not survive JSON: %s -> %+v (%v)", name, data, back, err)
		}
	}
	if len(names) != len(ranges) {
		t.Errorf("presets %v, want exactly %d", names, len(ranges))
	}
	_, err := TransformerPreset("bench-1t")
	var unknown *UnknownPresetError
	if !errors.As(err, &unknown) || unknown.Name != "bench-1t" || !strings.Contains(err.Error(), "bench-10m") {
		t.Errorf("unknown preset error = %v, want an UnknownPresetError listing the known names", err)
	}
}

func TestValidate(t *testing.T) {
	base := testConfigs(t)["tiny"]
	for _, tc := range []struct {
		field  string
		mutate func(*TransformerConfig)
	}{
		{"vocab_size", func(c *TransformerConfig) { c.VocabSize = 0 }},
		{"max_seq_len", func(c *TransformerConfig) { c.MaxSeqLen = -1 }},
		{"d_model", func(c *TransformerConfig) { c.DModel = 0 }},
		{"num_layers", func(c *TransformerConfig) { c.NumLayers = 0 }},
		{"num_heads", func(c *TransformerConfig) { c.NumHeads = 0 }},
		{"num_heads", func(c *TransformerConfig) { c.NumHeads = 5 }}, // 32 not divisible by 5
		{"ffn_dim", func(c *TransformerConfig) { c.FFNDim = 0 }},
		{"mlp", func(c *TransformerConfig) { c.MLP = "relu" }},
		{"norm", func(c *TransformerConfig) { c.Norm = "batch" }},
		{"norm_epsilon", func(c *TransformerConfig) { c.NormEpsilon = 0 }},
		{"norm_epsilon", func(c *TransformerConfig) { c.NormEpsilon = math.NaN() }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			cfg := base
			tc.mutate(&cfg)
			err := cfg.Validate()
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Errorf("Validate() = %v, want a ConfigError for %s", err, tc.field)
			}
		})
	}
	if err := base.Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

func TestFLOPsFormula(t *testing.T) {
	// Hand count for d=4, f=8, V=10, L=1, B=1, T=2 (GELU): per token 4·16 + 2·4·8 + 2·2·4 + 4·10
	// = 64 + 64 + 16 + 40 = 184 MACs; 2 tokens, 2 FLOPs per MAC: 736; training ×3: 2208.
	cfg := TransformerConfig{VocabSize: 10, MaxSeqLen: 2, DModel: 4, NumLayers: 1, NumHeads: 1, FFNDim: 8,
		MLP: MLPGELU, Norm: NormLayer, NormEpsilon: 1e-5}
	if got := cfg.ForwardFLOPs(1, 2); got != 736 {
		t.Errorf("ForwardFLOPs = %g, want 736", got)
	}
	if got := cfg.TrainStepFLOPs(1, 2); got != 2208 {
		t.Errorf("TrainStepFLOPs = %g, want 2208", got)
	}
	cfg.MLP = MLPSwiGLU // one more d·f matmul per token: +32 MACs per token, +128 FLOPs
	if got := cfg.ForwardFLOPs(1, 2); got != 864 {
		t.Errorf("SwiGLU ForwardFLOPs = %g, want 864", got)
	}
}
