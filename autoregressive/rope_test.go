package autoregressive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// ropeSplit gives height and width hd/6·2 channels and time the rest (cosmos-predict1's
// dim_h = dim // 6 * 2).
func TestRopeSplit(t *testing.T) {
	for _, c := range []struct{ hd, dt, dh int }{{128, 44, 42}, {16, 8, 4}, {12, 4, 4}, {64, 24, 20}} {
		dt, dh, dw := ropeSplit(c.hd)
		if dt != c.dt || dh != c.dh || dw != c.dh {
			t.Errorf("ropeSplit(%d) = %d, %d, %d; want %d, %d, %d", c.hd, dt, dh, dw, c.dt, c.dh, c.dh)
		}
	}
}

// YaRN keeps frequencies above 2π·beta_fast/L, divides those below 2π·beta_slow/L by the
// scale, and ramps between; the expected values are worked by hand from that rule.
func TestYaRNFrequencies(t *testing.T) {
	f := axisFrequencies(16, 10000) // 1, 0.316, 0.1, 0.0316, ...
	got := yarnFrequencies(f, 2, 64, 4, 1)
	low, high := 2*math.Pi/64, 2*math.Pi*4/64 // 0.098, 0.393
	keep := (f[1] - low) / (high - low)
	want := []float64{f[0], f[1] * ((1-keep)/2 + keep), f[2] * ((1-(f[2]-low)/(high-low))/2 + (f[2]-low)/(high-low)), f[3] / 2}
	for i, w := range want {
		if math.Abs(got[i]-w) > 1e-15 {
			t.Errorf("frequency %d: got %g, want %g", i, got[i], w)
		}
	}
	for i := 4; i < len(f); i++ {
		if got[i] != f[i]/2 {
			t.Errorf("low frequency %d: got %g, want %g (halved)", i, got[i], f[i]/2)
		}
	}
	if one := yarnFrequencies(f, 1, 64, 4, 1); testutil.MaxAbsDiff(toF32(one), toF32(f)) != 0 {
		t.Error("scale 1 changed the frequencies")
	}
}

func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// The model with YaRN scale 1 is the model without YaRN: same frequencies, magnitude 1 and
// bit-identical logits.
func TestYaRNScaleOneIsPlainRoPE(t *testing.T) {
	plain := fullConfig()
	plain.YaRNScale, plain.YaRNOriginalT, plain.YaRNBetaFast, plain.YaRNBetaSlow = 0, 0, 0, 0
	one := fullConfig()
	one.YaRNScale = 1
	if err := one.Validate(); err != nil {
		t.Fatal(err)
	}
	if one.ropeMagnitude() != 1 {
		t.Errorf("magnitude %g at scale 1", one.ropeMagnitude())
	}
	grid := Grid{T: 4, H: 2, W: 2}
	rng := rand.New(rand.NewPCG(8, 8))
	ids := randomIDs(rng, 1, grid.Tokens(), plain.VocabSize)
	text := testutil.RandomFloats(rng, 2*plain.TextDim)
	store := testutil.NewStore(8)
	mp, _ := New(plain)
	fullForward(t, store, mp, grid, ids, text, 2, nil2(2))
	randomizeWeights(t, store, 8)
	a, _ := fullForward(t, store, mp, grid, ids, text, 2, nil2(2))
	m1, _ := New(one)
	b, _ := fullForward(t, store, m1, grid, ids, text, 2, nil2(2))
	if d := testutil.MaxAbsDiff(a, b); d != 0 {
		t.Errorf("YaRN scale 1 changed the logits by %g", d)
	}
	// Scale 2 does change them (the test can fail).
	m2, _ := New(fullConfig())
	c, _ := fullForward(t, store, m2, grid, ids, text, 2, nil2(2))
	if d := testutil.MaxAbsDiff(a, c); d < 1e-3 {
		t.Errorf("YaRN scale 2 changed the logits by only %g", d)
	}
}

func nil2(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// Far beyond the original context (16 latent frames for a model trained on 2), the attention
// scores and logits stay finite, and the rotated queries keep their norm times YaRN's
// magnitude.
func TestYaRNBeyondContextIsFinite(t *testing.T) {
	cfg := fullConfig() // YaRN: original T 2, scale 2
	cfg.MaxT = 16
	m, _ := New(cfg)
	grid := Grid{T: 16, H: 1, W: 2}
	rng := rand.New(rand.NewPCG(9, 9))
	ids := randomIDs(rng, 1, grid.Tokens(), cfg.VocabSize)
	store := testutil.NewStore(9)
	text := testutil.RandomFloats(rng, 2*cfg.TextDim)
	fullForward(t, store, m, grid, ids, text, 2, nil2(2))
	randomizeWeights(t, store, 9)
	logits, medusa := fullForward(t, store, m, grid, ids, text, 2, nil2(2))
	for _, v := range append(medusa, logits) {
		for i, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("logit %d is %g at a grid of %d frames", i, x, grid.T)
			}
		}
	}

	// Rotation preserves a head's norm up to the magnitude, at every position of the grid.
	hd := cfg.HeadWidth()
	q := testutil.Randn(1, 1, grid.Tokens(), 1, hd)
	out := graph.MustExecOnce(testutil.Backend(), func(x *graph.Node) *graph.Node {
		pos := graph.Iota(x.Graph(), shapesInt32(grid.Tokens()), 0)
		cos, sin := cfg.ropeCosSin(pos, grid)
		return applyRope(x, cos, sin)
	}, q)
	in, rot := testutil.Flat(q), tensors.MustCopyFlatData[float32](out)
	for p := range grid.Tokens() {
		var n0, n1 float64
		for c := range hd {
			n0 += float64(in[p*hd+c]) * float64(in[p*hd+c])
			n1 += float64(rot[p*hd+c]) * float64(rot[p*hd+c])
		}
		if r := math.Sqrt(n1 / n0); math.Abs(r-cfg.ropeMagnitude()) > 1e-5 {
			t.Errorf("position %d: norm ratio %g, want the magnitude %g", p, r, cfg.ropeMagnitude())
		}
	}
}

// The RoPE score of a query and a key depends on their positions only through the offset along
// each axis: shifting both by the same (t, h, w) leaves it unchanged.
func TestRopeScoreDependsOnOffset(t *testing.T) {
	cfg, _ := Preset("tiny")
	grid := Grid{T: 4, H: 4, W: 4}
	hd := cfg.HeadWidth()
	at := func(t, h, w int) int32 { return int32((t*grid.H+h)*grid.W + w) }
	// Pairs (query position, key position); the second pair is the first shifted by (1, 2, 1).
	positions := []int32{at(1, 0, 2), at(0, 1, 0), at(2, 2, 3), at(1, 3, 1)}
	qk := testutil.Randn(2, 1, 2, 1, hd) // one query vector and one key vector
	out := graph.MustExecOnce(testutil.Backend(), func(x, pos *graph.Node) *graph.Node {
		cos, sin := cfg.ropeCosSin(pos, grid)
		q, k := graph.SliceAxis(x, 1, graph.AxisRange(0, 1)), graph.SliceAxis(x, 1, graph.AxisRange(1, 2))
		r := applyRope(graph.Concatenate([]*graph.Node{q, k, q, k}, 1), cos, sin) // q@p0, k@p1, q@p2, k@p3
		at := func(i int) *graph.Node { return graph.SliceAxis(r, 1, graph.AxisRange(i, i+1)) }
		dot := func(i, j int) *graph.Node { return graph.ReduceAllSum(graph.Mul(at(i), at(j))) }
		return graph.Stack([]*graph.Node{dot(0, 1), dot(2, 3), dot(0, 3)}, 0)
	}, qk, positions)
	s := tensors.MustCopyFlatData[float32](out)
	if math.Abs(float64(s[0]-s[1])) > 1e-5*max(1, math.Abs(float64(s[0]))) {
		t.Errorf("shifted pair scores %g, original %g", s[1], s[0])
	}
	if math.Abs(float64(s[0]-s[2])) < 1e-4 {
		t.Errorf("a different offset scores the same %g: the test cannot fail", s[0])
	}
}

// The absolute position embedding is [sin | cos] per axis at the token's (t, h, w).
func TestPositionEmbedding(t *testing.T) {
	const dim = 24 // dt 8, dh = dw 8
	grid := Grid{T: 2, H: 3, W: 4}
	out := graph.MustExecOnce(testutil.Backend(), func(g *graph.Graph) *graph.Node {
		return positionEmbedding(graph.Iota(g, shapesInt32(grid.Tokens()), 0), grid, dim)
	})
	e := tensors.MustCopyFlatData[float32](out)
	for p := range grid.Tokens() {
		tt, h, w := p/(grid.H*grid.W), (p/grid.W)%grid.H, p%grid.W
		row := e[p*dim : (p+1)*dim]
		want := map[int]float64{0: math.Sin(float64(tt)), 4: math.Cos(float64(tt)), 8: math.Sin(float64(h)),
			12: math.Cos(float64(h)), 16: math.Sin(float64(w)), 20: math.Cos(float64(w)),
			17: math.Sin(float64(w) * math.Pow(10000, -2.0/8))}
		for c, v := range want {
			if math.Abs(float64(row[c])-v) > 1e-6 {
				t.Errorf("position %d (t %d, h %d, w %d) channel %d: %g, want %g", p, tt, h, w, c, row[c], v)
			}
		}
	}
}

func shapesInt32(n int) shapes.Shape { return shapes.Make(dtypes.Int32, n) }
