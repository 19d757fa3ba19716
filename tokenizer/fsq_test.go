package tokenizer

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func mustFSQ(t *testing.T, levels ...int) *FSQ {
	t.Helper()
	q, err := NewFSQ(levels)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestFSQBasis checks the place values: cumulative products of the levels before each channel.
func TestFSQBasis(t *testing.T) {
	for _, tc := range []struct {
		q     *FSQ
		basis []int
		vocab int
	}{
		{NewCosmosFSQ(), []int{1, 8, 64, 512, 2560, 12800}, 64000},
		{mustFSQ(t, 5, 5, 5), []int{1, 5, 25}, 125},
		{mustFSQ(t, 2, 3, 4), []int{1, 2, 6}, 24},
	} {
		if !slices.Equal(tc.q.Basis(), tc.basis) || tc.q.VocabSize() != tc.vocab || tc.q.Dim() != len(tc.basis) {
			t.Errorf("levels %v: basis %v vocab %d dim %d, want %v, %d, %d", tc.q.Levels(), tc.q.Basis(),
				tc.q.VocabSize(), tc.q.Dim(), tc.basis, tc.vocab, len(tc.basis))
		}
	}
}

// TestFSQAllIDsRoundTrip maps every id to its code and back, in the graph and in plain Go, and
// checks every code lies on the grid {(d - L/2)/(L/2) : d = 0..L-1}.
func TestFSQAllIDsRoundTrip(t *testing.T) {
	for _, q := range []*FSQ{NewCosmosFSQ(), mustFSQ(t, 5, 5, 5), mustFSQ(t, 2, 3, 4)} {
		levels, v, d := q.Levels(), q.VocabSize(), q.Dim()
		ids := make([]int32, v)
		for i := range ids {
			ids[i] = int32(i)
		}
		outs, err := graph.ExecOnceN(testBackend(), func(ids *graph.Node) []*graph.Node {
			codes := q.IDsToCodes(ids)
			return []*graph.Node{codes, q.CodesToIDs(codes)}
		}, tensors.FromFlatDataAndDimensions(ids, v))
		if err != nil {
			t.Fatal(err)
		}
		codes := tensors.MustCopyFlatData[float32](outs[0])
		back := tensors.MustCopyFlatData[int32](outs[1])
		if !slices.Equal(outs[0].Shape().Dimensions, []int{v, d}) || !slices.Equal(back, ids) {
			t.Fatalf("levels %v: codes shape %v, ids did not round trip", levels, outs[0].Shape().Dimensions)
		}
		for id := range v {
			code := codes[id*d : (id+1)*d]
			for i, c := range code {
				hw := float32(levels[i] / 2)
				digit := c*hw + hw
				if digit != float32(math.Round(float64(digit))) || digit < 0 || int(digit) >= levels[i] {
					t.Fatalf("levels %v id %d: channel %d code %g is off the grid", levels, id, i, c)
				}
			}
			plain, err := q.IDToCode(id)
			if err != nil || !slices.Equal(plain, code) {
				t.Fatalf("levels %v id %d: IDToCode %v (%v), graph %v", levels, id, plain, err, code)
			}
			if got, err := q.CodeToID(plain); err != nil || got != id {
				t.Fatalf("levels %v id %d: CodeToID gives %d (%v)", levels, id, got, err)
			}
		}
	}
}

// refQuantize is the quantizer's formula in float64, written from the FSQ paper's appendix A.1
// as Cosmos adapts it: round_half_even(tanh(z + atanh(o/h))·h - o) / (L/2), h = (L-1)(1.001)/2,
// o = 0.5 for even L. It also returns the distance of the bounded value to a rounding tie.
func refQuantize(z float64, level int) (code, tieDistance float64) {
	h := float64(level-1) * 1.001 / 2
	o := 0.0
	if level%2 == 0 {
		o = 0.5
	}
	b := math.Tanh(z+math.Atanh(o/h))*h - o
	return math.RoundToEven(b) / float64(level/2), math.Abs(b - math.Floor(b) - 0.5)
}

// TestFSQQuantize checks quantized values against refQuantize, that they lie on the grid, and that
// the graph and plain-Go ids agree.
func TestFSQQuantize(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, q := range []*FSQ{NewCosmosFSQ(), mustFSQ(t, 5, 5, 5)} {
		levels, d := q.Levels(), q.Dim()
		const n = 500
		z := make([]float32, n*d)
		for i := range z {
			z[i] = float32(rng.NormFloat64() * 2)
		}
		outs, err := graph.ExecOnceN(testBackend(), func(z *graph.Node) []*graph.Node {
			codes := q.Quantize(z)
			return []*graph.Node{codes, q.CodesToIDs(codes)}
		}, tensors.FromFlatDataAndDimensions(z, n, d))
		if err != nil {
			t.Fatal(err)
		}
		codes := tensors.MustCopyFlatData[float32](outs[0])
		ids := tensors.MustCopyFlatData[int32](outs[1])
		for row := range n {
			for i := range d {
				want, tie := refQuantize(float64(z[row*d+i]), levels[i])
				if got := codes[row*d+i]; float64(got) != want && tie > 1e-4 {
					t.Fatalf("levels %v: Quantize(%g) = %g, want %g", levels, z[row*d+i], got, want)
				}
			}
			id, err := q.CodeToID(codes[row*d : (row+1)*d])
			if err != nil || id != int(ids[row]) {
				t.Fatalf("levels %v: code %v: CodeToID %d (%v), graph id %d", levels, codes[row*d:(row+1)*d], id, err, ids[row])
			}
		}
	}
}

// TestFSQHandValues: bound(0) = 0 so z = 0 gives digits L/2, id 4+4·8+4·64+2·512+2·2560+2·12800
// = 32036; a large z saturates at digit L-1 (bound → (L-1)·1.0005 - offset, rounding to L-1-L/2),
// id 63999; a large negative z gives digit 0, id 0.
func TestFSQHandValues(t *testing.T) {
	q := NewCosmosFSQ()
	for _, tc := range []struct {
		z    float32
		code []float32
		id   int32
	}{
		{0, []float32{0, 0, 0, 0, 0, 0}, 32036},
		{1e4, []float32{0.75, 0.75, 0.75, 1, 1, 1}, 63999},
		{-1e4, []float32{-1, -1, -1, -1, -1, -1}, 0},
	} {
		z := []float32{tc.z, tc.z, tc.z, tc.z, tc.z, tc.z}
		outs, err := graph.ExecOnceN(testBackend(), func(z *graph.Node) []*graph.Node {
			codes := q.Quantize(z)
			return []*graph.Node{codes, q.CodesToIDs(codes)}
		}, tensors.FromFlatDataAndDimensions(z, 1, 6))
		if err != nil {
			t.Fatal(err)
		}
		codes, ids := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[int32](outs[1])
		if !slices.Equal(codes, tc.code) || ids[0] != tc.id {
			t.Errorf("z=%g: code %v id %d, want %v id %d", tc.z, codes, ids[0], tc.code, tc.id)
		}
	}
}

// TestRoundSTE checks rounding (ties to even, like torch.round) and that the gradient of RoundSTE
// is the identity and that of Quantize is bound'(z)/(L/2) = halfL·(1 - tanh²(z + shift))/(L/2).
func TestRoundSTE(t *testing.T) {
	x := []float32{-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.2, -3.7}
	wantRound := []float32{-2, -2, 0, 0, 2, 2, 0, -4}
	c := []float32{1, 2, 3, 4, 5, 6, 7, 8}
	outs, err := graph.ExecOnceN(testBackend(), func(x, c *graph.Node) []*graph.Node {
		y := RoundSTE(x)
		return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(graph.Mul(y, c)), x)[0]}
	}, tensors.FromFlatDataAndDimensions(x, len(x)), tensors.FromFlatDataAndDimensions(c, len(c)))
	if err != nil {
		t.Fatal(err)
	}
	if got := tensors.MustCopyFlatData[float32](outs[0]); !slices.Equal(got, wantRound) {
		t.Errorf("RoundSTE(%v) = %v, want %v", x, got, wantRound)
	}
	if got := tensors.MustCopyFlatData[float32](outs[1]); !slices.Equal(got, c) {
		t.Errorf("gradient of Σ c·RoundSTE(x) = %v, want c = %v", got, c)
	}

	q := NewCosmosFSQ()
	levels := q.Levels()
	z := []float32{0, 0.3, -0.8, 1.5, -2, 0.05}
	grad, err := graph.ExecOnce(testBackend(), func(z *graph.Node) *graph.Node {
		return graph.Gradient(graph.ReduceAllSum(q.Quantize(z)), z)[0]
	}, tensors.FromFlatDataAndDimensions(z, 1, 6))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](grad)
	for i, l := range levels {
		h := float64(l-1) * 1.001 / 2
		o := 0.0
		if l%2 == 0 {
			o = 0.5
		}
		th := math.Tanh(float64(z[i]) + math.Atanh(o/h))
		want := h * (1 - th*th) / float64(l/2)
		if math.Abs(float64(got[i])-want) > 1e-5 {
			t.Errorf("d Quantize/dz channel %d at z=%g: %g, want %g", i, z[i], got[i], want)
		}
	}
}

func TestNewFSQRejectsBadLevels(t *testing.T) {
	for _, levels := range [][]int{nil, {1, 5}, {8, 0}, {-3}, {1 << 16, 1 << 16}} {
		q, err := NewFSQ(levels)
		var le *LevelsError
		if q != nil || !errors.As(err, &le) {
			t.Errorf("NewFSQ(%v) = %v, %v; want a *LevelsError", levels, q, err)
		}
	}
}

func TestFSQPlainGoRejectsBadInput(t *testing.T) {
	q := NewCosmosFSQ()
	for _, id := range []int{-1, 64000, math.MaxInt} {
		var re *IDRangeError
		if _, err := q.IDToCode(id); !errors.As(err, &re) || re.ID != id {
			t.Errorf("IDToCode(%d): %v, want an *IDRangeError", id, err)
		}
	}
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name    string
		code    []float32
		channel int
	}{
		{"short", []float32{0, 0, 0}, -1},
		{"off the grid", []float32{0, 0.3, 0, 0, 0, 0}, 1},     // 0.3·4 + 4 = 5.2
		{"past the top level", []float32{1, 0, 0, 0, 0, 0}, 0}, // even L = 8 stops at 0.75
		{"below the grid", []float32{0, 0, 0, 0, 0, -1.5}, 5},
		{"NaN", []float32{0, 0, nan, 0, 0, 0}, 2},
		{"infinite", []float32{0, 0, 0, float32(math.Inf(1)), 0, 0}, 3},
	} {
		var ce *CodeError
		if _, err := q.CodeToID(tc.code); !errors.As(err, &ce) || ce.Channel != tc.channel {
			t.Errorf("%s: CodeToID(%v): %v, want a *CodeError on channel %d", tc.name, tc.code, err, tc.channel)
		}
	}
}
