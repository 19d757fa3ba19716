package autoregressive

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/weights"
)

// fullConfig is tiny with every option on: GQA, QK norm, YaRN, the absolute position
// embedding, cross-attention and two Medusa heads.
func fullConfig() Config {
	cfg, _ := Preset("tiny")
	cfg.CrossAttn, cfg.TextDim, cfg.AbsPosEmb, cfg.MedusaHeads = true, 8, true, 2
	cfg.YaRNScale, cfg.YaRNOriginalT, cfg.YaRNBetaFast, cfg.YaRNBetaSlow = 2, 2, 4, 1
	return cfg
}

// randomizeWeights gives every variable of store seeded values large enough that attention
// is far from uniform and every part of the model moves the logits: weight matrices and
// embeddings N(0, 0.3²), norm scales 1 + N(0, 0.1²), biases N(0, 0.1²) (the Medusa layers
// start at zero otherwise). A test that compares two computations then sees any difference.
func randomizeWeights(t *testing.T, store *model.Store, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	for v := range store.IterVariables() {
		if !v.Trainable {
			continue
		}
		vals := testutil.RandomFloats(rng, v.Shape().Size())
		name := v.Path()[strings.LastIndex(v.Path(), "/")+1:]
		for i := range vals {
			switch name {
			case "scale":
				vals[i] = 1 + 0.1*vals[i]
			case "biases":
				vals[i] *= 0.1
			default:
				vals[i] *= 0.3
			}
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(vals, v.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
	}
}

// NumParams counts exactly the variables a built model creates, with every option off and on.
func TestNumParamsMatchesVariables(t *testing.T) {
	tiny, _ := Preset("tiny")
	full := fullConfig()
	full.HeadDim = 24 // explicit head width, queries wider than d_model
	for name, cfg := range map[string]Config{"tiny": tiny, "all options": full} {
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		store := testutil.NewStore(1)
		grid := Grid{T: 1, H: 2, W: 2}
		ids := make([][]int32, 1)
		ids[0] = make([]int32, 4)
		fullForward(t, store, m, grid, ids, make([]float32, 2*cfg.TextDim), 2, []float32{1, 1})
		var got int64
		for v := range store.IterVariables() {
			if v.Trainable { // not the random generator's state
				got += int64(v.Shape().Size())
			}
		}
		if want := cfg.NumParams(); got != want {
			t.Errorf("%s: built %d parameters, NumParams says %d", name, got, want)
		}
	}
	if n := tiny.NumParams(); n < 80_000 || n > 120_000 {
		t.Errorf("tiny has %d parameters, want about 100k", n)
	}
}

// The published shapes count within 10% of the sizes in the model names (4B, 5B, 12B, 13B):
// names round, and the counts here are the layer shapes of cosmos-predict1's configs.
func TestPublishedPresetSizes(t *testing.T) {
	for name, want := range PublishedParams {
		cfg, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		got := float64(cfg.NumParams())
		if d := math.Abs(got/want - 1); d > 0.10 {
			t.Errorf("%s: %.3gB parameters, %.1f%% from the published %.0fB", name, got/1e9, 100*d, want/1e9)
		}
	}
	// The V2W models are their base plus cross-attention: strictly larger.
	for base, v2w := range map[string]string{"4b": "5b-v2w", "12b": "13b-v2w"} {
		b, _ := Preset(base)
		v, _ := Preset(v2w)
		if v.NumParams() <= b.NumParams() {
			t.Errorf("%s (%d) is not larger than %s (%d)", v2w, v.NumParams(), base, b.NumParams())
		}
	}
}

// Changing a token changes no logit before it (causality), and does change the logits at and
// after it.
func TestForwardIsCausal(t *testing.T) {
	cfg := fullConfig()
	m, _ := New(cfg)
	grid := Grid{T: 2, H: 2, W: 2}
	rng := rand.New(rand.NewPCG(3, 3))
	ids := randomIDs(rng, 1, grid.Tokens(), cfg.VocabSize)
	text := testutil.RandomFloats(rng, 2*cfg.TextDim)
	store := testutil.NewStore(2)
	fullForward(t, store, m, grid, ids, text, 2, []float32{1, 1})
	randomizeWeights(t, store, 9)
	a, _ := fullForward(t, store, m, grid, ids, text, 2, []float32{1, 1})
	const changed = 5
	ids[0][changed] = (ids[0][changed] + 1) % int32(cfg.VocabSize)
	b, _ := fullForward(t, store, m, grid, ids, text, 2, []float32{1, 1})
	v := cfg.VocabSize
	for i := range grid.Tokens() {
		d := testutil.MaxAbsDiff(fullRow(a, grid.Tokens(), v, 0, i), fullRow(b, grid.Tokens(), v, 0, i))
		if i < changed && d != 0 {
			t.Errorf("position %d changed by %g when token %d changed", i, d, changed)
		}
		if i >= changed && d < 1e-3 {
			t.Errorf("position %d did not change (%g) when token %d changed", i, d, changed)
		}
	}
}

// Loss is the mean cross-entropy of the targets after the condition tokens, computed here
// from Forward's logits in float64.
func TestLossMatchesForward(t *testing.T) {
	cfg, _ := Preset("tiny")
	m, _ := New(cfg)
	grid := Grid{T: 2, H: 2, W: 2}
	l, v := grid.Tokens(), cfg.VocabSize
	rng := rand.New(rand.NewPCG(4, 4))
	ids := randomIDs(rng, 2, l, v)
	store := testutil.NewStore(3)
	fullForward(t, store, m, grid, ids, nil, 0, nil)
	randomizeWeights(t, store, 4)
	logits, _ := fullForward(t, store, m, grid, ids, nil, 0, nil)
	flat := append(append([]int32(nil), ids[0]...), ids[1]...)
	for _, cond := range []int{0, 1, 4} {
		exec, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, x *graph.Node) *graph.Node {
			return m.Loss(scope, x, grid, nil, nil, cond)
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Call(tensors.FromFlatDataAndDimensions(flat, 2, l))
		if err != nil {
			t.Fatal(err)
		}
		got := float64(tensors.MustCopyFlatData[float32](out[0])[0])
		var sum float64
		n := 0
		for b := range 2 {
			for target := max(cond, 1); target < l; target++ {
				row := fullRow(logits, l, v, b, target-1)
				mx := math.Inf(-1)
				for _, x := range row {
					mx = max(mx, float64(x))
				}
				var z float64
				for _, x := range row {
					z += math.Exp(float64(x) - mx)
				}
				sum += mx + math.Log(z) - float64(row[ids[b][target]])
				n++
			}
		}
		if want := sum / float64(n); math.Abs(got-want) > 1e-4*max(1, want) {
			t.Errorf("condition tokens %d: loss %g, want %g", cond, got, want)
		}
		exec.Finalize()
	}
}

// A saved model loads with its config and weights, and gives the same logits.
func TestSaveLoadModel(t *testing.T) {
	cfg := fullConfig()
	m, _ := New(cfg)
	grid := Grid{T: 1, H: 2, W: 2}
	ids := [][]int32{{1, 2, 3, 4}}
	text := make([]float32, 2*cfg.TextDim)
	mask := []float32{1, 1}
	store := testutil.NewStore(5)
	fullForward(t, store, m, grid, ids, text, 2, mask)
	randomizeWeights(t, store, 6)
	want, _ := fullForward(t, store, m, grid, ids, text, 2, mask)
	dir := t.TempDir()
	if err := SaveModel(dir, cfg, store, false); err != nil {
		t.Fatal(err)
	}
	loaded, got, err := LoadModel(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if got != cfg {
		t.Errorf("config %+v, saved %+v", got, cfg)
	}
	weights.Require(loaded, dir)
	logits, _ := fullForward(t, loaded, m, grid, ids, text, 2, mask)
	if d := testutil.MaxAbsDiff(logits, want); d != 0 {
		t.Errorf("loaded model's logits differ by %g", d)
	}

	// A config that does not validate is refused, naming the field.
	bad := filepath.Join(dir, "model.json")
	raw, _ := os.ReadFile(bad)
	if err := os.WriteFile(bad, []byte(strings.Replace(string(raw), `"num_kv_heads": 2`, `"num_kv_heads": 3`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadModel(dir, false)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "num_kv_heads" {
		t.Errorf("bad config: got %v, want a ConfigError on num_kv_heads", err)
	}
	if _, _, err := LoadModel(filepath.Join(dir, "missing"), false); err == nil {
		t.Error("a missing folder loaded")
	}
}

// Loss trains: in a training graph every variable the loss uses gets a nonzero gradient
// (through GQA, QK norm, YaRN RoPE, the position embedding and the masked cross-attention),
// and plain gradient descent on one batch lowers the loss.
func TestLossTrains(t *testing.T) {
	cfg := fullConfig()
	cfg.MedusaHeads = 0
	m, _ := New(cfg)
	grid := Grid{T: 2, H: 2, W: 2}
	rng := rand.New(rand.NewPCG(12, 12))
	ids := randomIDs(rng, 2, grid.Tokens(), cfg.VocabSize)
	flat := append(append([]int32(nil), ids[0]...), ids[1]...)
	text := testutil.RandomFloats(rng, 2*2*cfg.TextDim)
	mask := []float32{1, 1, 1, 0}
	store := testutil.NewStore(12)
	var zeroGrad []string
	exec, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, x, txt, msk *graph.Node) (*graph.Node, *graph.Node) {
		g := x.Graph()
		store.SetTraining(g, true)
		loss := m.Loss(scope, x, grid, txt, msk, 2)
		var vars []*model.Variable
		var values []*graph.Node
		for v := range store.IterVariables() {
			if v.Trainable {
				vars = append(vars, v)
				values = append(values, v.ValueGraph(g))
			}
		}
		grads := graph.Gradient(loss, values...)
		norms := make([]*graph.Node, len(grads))
		for i, v := range vars {
			norms[i] = graph.ReduceAllMax(graph.Abs(grads[i]))
			v.SetValueGraph(graph.Sub(values[i], graph.MulScalar(grads[i], 0.5)))
		}
		return loss, graph.Stack(norms, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	args := []any{tensors.FromFlatDataAndDimensions(flat, 2, grid.Tokens()),
		tensors.FromFlatDataAndDimensions(text, 2, 2, cfg.TextDim), tensors.FromFlatDataAndDimensions(mask, 2, 2)}
	var first, last float32
	for step := range 30 {
		out, err := exec.Call(args...)
		if err != nil {
			t.Fatal(err)
		}
		last = tensors.MustCopyFlatData[float32](out[0])[0]
		if step == 0 {
			first = last
			i := 0
			for v := range store.IterVariables() {
				if v.Trainable {
					if tensors.MustCopyFlatData[float32](out[1])[i] == 0 {
						zeroGrad = append(zeroGrad, v.Path())
					}
					i++
				}
			}
		}
	}
	if len(zeroGrad) > 0 {
		t.Errorf("variables with zero gradient: %v", zeroGrad)
	}
	if !(last < 0.75*first) {
		t.Errorf("loss went from %g to %g in 30 steps", first, last)
	}
}
