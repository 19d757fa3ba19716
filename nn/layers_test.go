package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// refLinear computes x·Wᵀ + b for x [n, in], w [out, in], b [out] (nil for none).
func refLinear(x []float32, n, in int, w []float32, out int, b []float32) []float32 {
	y := make([]float32, n*out)
	for r := range n {
		for o := range out {
			var s float64
			for i := range in {
				s += float64(x[r*in+i]) * float64(w[o*in+i])
			}
			if b != nil {
				s += float64(b[o])
			}
			y[r*out+o] = float32(s)
		}
	}
	return y
}

func TestLinear(t *testing.T) {
	const n, in, out = 6, 5, 3
	for _, mode := range modes {
		for _, useBias := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/bias=%v", mode.name, useBias), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, 2))
				x := randomFloats(rng, n*in)
				store := newStore(3)
				got, dims := runGraph(t, store, mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					return []*graph.Node{Linear(scope.In("lin"), in[0], out, useBias)}
				}, tensors.FromFlatDataAndDimensions(x, 2, 3, in))
				if want := []int{2, 3, out}; fmt.Sprint(dims[0]) != fmt.Sprint(want) {
					t.Fatalf("output shape %v, want %v", dims[0], want)
				}
				w, wDims := variableValues(t, store, "/lin/weights")
				if fmt.Sprint(wDims) != fmt.Sprint([]int{out, in}) {
					t.Fatalf("weights shape %v, want [%d %d] (output-major)", wDims, out, in)
				}
				var b []float32
				if useBias {
					b, _ = variableValues(t, store, "/lin/biases")
				} else if store.GetVariable("/lin/biases") != nil {
					t.Fatal("biases created without useBias")
				}
				if d := maxAbsDiff(got[0], refLinear(x, n, in, w, out, b)); d > 1e-5 {
					t.Errorf("max |Linear - x·Wᵀ+b| = %g", d)
				}
			})
		}
	}
}

func TestNorms(t *testing.T) {
	const rows, dim, eps = 4, 8, 1e-5
	rng := rand.New(rand.NewPCG(4, 5))
	x := randomFloats(rng, rows*dim)
	for i := range x {
		x[i] = 3*x[i] + 2 // away from zero mean and unit scale, so normalization has work to do
	}
	// References from the definitions (scale 1 and offset 0 at initialization).
	refLayer := make([]float32, len(x))
	refRMS := make([]float32, len(x))
	for r := range rows {
		row := x[r*dim : (r+1)*dim]
		var mean, sq float64
		for _, v := range row {
			mean += float64(v) / dim
			sq += float64(v) * float64(v) / dim
		}
		var variance float64
		for _, v := range row {
			variance += (float64(v) - mean) * (float64(v) - mean) / dim
		}
		for i, v := range row {
			refLayer[r*dim+i] = float32((float64(v) - mean) / math.Sqrt(variance+eps))
			refRMS[r*dim+i] = float32(float64(v) / math.Sqrt(sq+eps))
		}
	}
	for _, mode := range modes {
		for _, tc := range []struct {
			kind NormKind
			want []float32
		}{{NormLayer, refLayer}, {NormRMS, refRMS}} {
			t.Run(fmt.Sprintf("%s/%s", mode.name, tc.kind), func(t *testing.T) {
				got, _ := runGraph(t, newStore(1), mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					return []*graph.Node{Norm(scope.In("norm"), tc.kind, in[0], eps)}
				}, tensors.FromFlatDataAndDimensions(x, rows, dim))
				if d := maxAbsDiff(got[0], tc.want); d > 1e-5 {
					t.Errorf("max |%s - reference| = %g", tc.kind, d)
				}
			})
		}
		// LayerNormNoAffine is the same LayerNorm without variables (fused outside training).
		got, _ := runGraph(t, newStore(1), mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			return []*graph.Node{LayerNormNoAffine(scope, in[0], eps)}
		}, tensors.FromFlatDataAndDimensions(x, rows, dim))
		if d := maxAbsDiff(got[0], refLayer); d > 1e-5 {
			t.Errorf("%s: max |LayerNormNoAffine - reference| = %g", mode.name, d)
		}
	}
}

// TestLinearGELU: Linear then the exact GELU, fused outside training, from the definition.
func TestLinearGELU(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	x := randomFloats(rng, 3*5)
	for _, mode := range modes {
		got, _ := runGraph(t, newStore(2), mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			return []*graph.Node{LinearGELU(scope.In("fc"), in[0], 4, true), Linear(scope.Shared("fc"), in[0], 4, true)}
		}, tensors.FromFlatDataAndDimensions(x, 3, 5))
		want := make([]float32, len(got[1]))
		for i, v := range got[1] {
			want[i] = float32(float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2)) / 2)
		}
		if d := maxAbsDiff(got[0], want); d > 1e-5 {
			t.Errorf("%s: max |LinearGELU - GELU(Linear)| = %g", mode.name, d)
		}
	}
}

// refAttention computes softmax(q·kᵀ/√d)·v per batch and head, for [b, s, h, d] inputs.
func refAttention(q, k, v []float32, b, seq, h, d int, causal bool) []float32 {
	at := func(x []float32, bi, si, hi, di int) float64 { return float64(x[((bi*seq+si)*h+hi)*d+di]) }
	out := make([]float32, len(q))
	for bi := range b {
		for hi := range h {
			for i := range seq {
				scores := make([]float64, seq)
				maxScore := math.Inf(-1)
				for j := range seq {
					if causal && j > i {
						scores[j] = math.Inf(-1)
						continue
					}
					for di := range d {
						scores[j] += at(q, bi, i, hi, di) * at(k, bi, j, hi, di)
					}
					scores[j] /= math.Sqrt(float64(d))
					maxScore = max(maxScore, scores[j])
				}
				var sum float64
				for j := range scores {
					scores[j] = math.Exp(scores[j] - maxScore)
					sum += scores[j]
				}
				for di := range d {
					var acc float64
					for j := range seq {
						acc += scores[j] / sum * at(v, bi, j, hi, di)
					}
					out[((bi*seq+i)*h+hi)*d+di] = float32(acc)
				}
			}
		}
	}
	return out
}

func TestScaledDotProductAttention(t *testing.T) {
	const b, seq, h, d = 2, 5, 3, 4
	rng := rand.New(rand.NewPCG(6, 7))
	q, k, v := randomFloats(rng, b*seq*h*d), randomFloats(rng, b*seq*h*d), randomFloats(rng, b*seq*h*d)
	for _, mode := range modes {
		for _, causal := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/causal=%v", mode.name, causal), func(t *testing.T) {
				got, dims := runGraph(t, newStore(1), mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					return []*graph.Node{ScaledDotProductAttention(scope, in[0], in[1], in[2], causal)}
				}, tensors.FromFlatDataAndDimensions(q, b, seq, h, d), tensors.FromFlatDataAndDimensions(k, b, seq, h, d),
					tensors.FromFlatDataAndDimensions(v, b, seq, h, d))
				if fmt.Sprint(dims[0]) != fmt.Sprint([]int{b, seq, h, d}) {
					t.Fatalf("output shape %v, want [%d %d %d %d]", dims[0], b, seq, h, d)
				}
				if diff := maxAbsDiff(got[0], refAttention(q, k, v, b, seq, h, d, causal)); diff > 1e-5 {
					t.Errorf("max |attention - reference| = %g", diff)
				}
			})
		}
	}
}

func TestMLP(t *testing.T) {
	const rows, dim, hidden = 3, 4, 6
	rng := rand.New(rand.NewPCG(8, 9))
	x := randomFloats(rng, rows*dim)
	geluRef := func(v float32) float32 { return float32(float64(v) * 0.5 * (1 + math.Erf(float64(v)/math.Sqrt2))) }
	siluRef := func(v float32) float32 { return float32(float64(v) / (1 + math.Exp(-float64(v)))) }
	for _, kind := range []MLPKind{MLPGELU, MLPSwiGLU} {
		for _, mode := range modes {
			t.Run(fmt.Sprintf("%s/%s", mode.name, kind), func(t *testing.T) {
				store := newStore(2)
				got, _ := runGraph(t, store, mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					return []*graph.Node{MLP(scope.In("mlp"), in[0], hidden).Kind(kind).Done()}
				}, tensors.FromFlatDataAndDimensions(x, rows, dim))
				param := func(layer, name string) []float32 {
					v, _ := variableValues(t, store, "/mlp/"+layer+"/"+name)
					return v
				}
				var want []float32
				if kind == MLPGELU {
					h := refLinear(x, rows, dim, param(FC1Name, WeightsName), hidden, param(FC1Name, BiasesName))
					for i := range h {
						h[i] = geluRef(h[i])
					}
					want = refLinear(h, rows, hidden, param(FC2Name, WeightsName), dim, param(FC2Name, BiasesName))
				} else {
					gate := refLinear(x, rows, dim, param(GateName, WeightsName), hidden, param(GateName, BiasesName))
					up := refLinear(x, rows, dim, param(UpName, WeightsName), hidden, param(UpName, BiasesName))
					for i := range gate {
						gate[i] = siluRef(gate[i]) * up[i]
					}
					want = refLinear(gate, rows, hidden, param(DownName, WeightsName), dim, param(DownName, BiasesName))
				}
				// The Go backend's fused GELU (inference) uses a vectorized erf: about 1e-5 off.
				if d := maxAbsDiff(got[0], want); d > 3e-5 {
					t.Errorf("max |MLP - reference| = %g", d)
				}
			})
		}
	}
}

func TestCrossEntropy(t *testing.T) {
	const n, classes = 6, 7
	rng := rand.New(rand.NewPCG(10, 11))
	logits := randomFloats(rng, n*classes)
	for i := range logits {
		logits[i] *= 4 // spread the logits so the max-shift matters
	}
	targets := make([]int32, n)
	var want float64
	for r := range n {
		targets[r] = int32(rng.IntN(classes))
		row := logits[r*classes : (r+1)*classes]
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v))
		}
		want += (math.Log(sum) - float64(row[targets[r]])) / n
	}
	got, dims := runGraph(t, newStore(1), false, func(_ *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{CrossEntropy(in[0], in[1])}
	}, tensors.FromFlatDataAndDimensions(logits, 2, 3, classes), tensors.FromFlatDataAndDimensions(targets, 2, 3))
	if len(dims[0]) != 0 {
		t.Fatalf("loss shape %v, want scalar", dims[0])
	}
	if math.Abs(float64(got[0][0])-want) > 1e-5 {
		t.Errorf("CrossEntropy = %v, want %v", got[0][0], want)
	}
}

func TestEmbeddings(t *testing.T) {
	ids := []int32{3, 0, 3, 1, 2, 0}
	store := newStore(5)
	got, dims := runGraph(t, store, false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		x := Embedding(scope.In("tok"), in[0], 4, 5, dtypes.Float32)
		return []*graph.Node{x, PositionEmbedding(scope.In("pos"), x, 7)}
	}, tensors.FromFlatDataAndDimensions(ids, 2, 3))
	if fmt.Sprint(dims[0]) != "[2 3 5]" || fmt.Sprint(dims[1]) != "[2 3 5]" {
		t.Fatalf("shapes %v, %v; want [2 3 5] twice", dims[0], dims[1])
	}
	table, _ := variableValues(t, store, "/tok/embeddings")
	positions, posDims := variableValues(t, store, "/pos/embeddings")
	if fmt.Sprint(posDims) != "[7 5]" {
		t.Fatalf("position table shape %v, want [7 5]", posDims)
	}
	for i, id := range ids {
		seqPos := i % 3
		for c := range 5 {
			lookup := table[int(id)*5+c]
			if got[0][i*5+c] != lookup {
				t.Fatalf("token %d channel %d: got %v, want table row %d value %v", i, c, got[0][i*5+c], id, lookup)
			}
			if want := lookup + positions[seqPos*5+c]; math.Abs(float64(got[1][i*5+c]-want)) > 1e-6 {
				t.Fatalf("token %d channel %d with position: got %v, want %v", i, c, got[1][i*5+c], want)
			}
		}
	}
}
