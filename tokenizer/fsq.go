package tokenizer

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// CosmosFSQLevels returns the FSQ levels of the Cosmos discrete tokenizers (DV*, DI*):
// [8, 8, 8, 5, 5, 5], a vocabulary of 64,000 ids.
func CosmosFSQLevels() []int { return []int{8, 8, 8, 5, 5, 5} }

// fsqBoundEps widens the tanh bound slightly so that the extreme levels are reached by finite
// inputs (FSQuantizer.bound, eps=1e-3, as in Mentzer et al. 2023, appendix A.1).
const fsqBoundEps = 1e-3

// FSQ is a finite scalar quantizer (Mentzer et al. 2023, "Finite Scalar Quantization: VQ-VAE Made
// Simple", arXiv:2309.15505) following Cosmos-Tokenizer's FSQuantizer: each of the Dim() channels
// is bounded with tanh and rounded to one of its levels; a code is the vector of those values
// normalized to [-1, 1], and its id is a mixed-radix number with the first channel least
// significant. An FSQ is immutable and safe for concurrent use.
type FSQ struct {
	levels []int
	basis  []int // basis[i] = levels[0]·...·levels[i-1]
	// Per channel: halfWidth = L/2 (integer division), the code scale; halfL = (L-1)(1+eps)/2,
	// the tanh amplitude; offset = 0.5 for even L, so the bounded value is centred between
	// the L/2-th and (L/2+1)-th integers; shift = atanh(offset/halfL), so bound(0) = 0.
	halfWidth, halfL, offset, shift []float64
	vocab                           int
}

// LevelsError reports FSQ levels that cannot form a quantizer.
type LevelsError struct {
	Levels []int
	Reason string
}

func (e *LevelsError) Error() string {
	return fmt.Sprintf("tokenizer: FSQ levels %v: %s", e.Levels, e.Reason)
}

// IDRangeError reports a token id outside [0, vocabulary size).
type IDRangeError struct {
	ID, VocabSize int
}

func (e *IDRangeError) Error() string {
	return fmt.Sprintf("tokenizer: FSQ id %d outside [0, %d)", e.ID, e.VocabSize)
}

// CodeError reports a code vector that is not a point of the FSQ grid.
type CodeError struct {
	Channel int // -1 when the length is wrong
	Value   float32
	Reason  string
}

func (e *CodeError) Error() string {
	if e.Channel < 0 {
		return "tokenizer: FSQ code: " + e.Reason
	}
	return fmt.Sprintf("tokenizer: FSQ code channel %d value %g: %s", e.Channel, e.Value, e.Reason)
}

// NewFSQ returns the quantizer for levels (each at least 2; the vocabulary, their product, must
// fit an int32 so ids can be int32 tensors).
func NewFSQ(levels []int) (*FSQ, error) {
	if len(levels) == 0 {
		return nil, &LevelsError{Levels: levels, Reason: "no levels"}
	}
	q := &FSQ{levels: slices.Clone(levels), vocab: 1}
	for _, l := range levels {
		if l < 2 {
			return nil, &LevelsError{Levels: q.levels, Reason: fmt.Sprintf("level %d is below 2", l)}
		}
		if q.vocab > math.MaxInt32/l {
			return nil, &LevelsError{Levels: q.levels, Reason: "vocabulary does not fit int32"}
		}
		q.basis = append(q.basis, q.vocab)
		q.vocab *= l
		halfL := float64(l-1) * (1 + fsqBoundEps) / 2
		offset := 0.0
		if l%2 == 0 {
			offset = 0.5
		}
		q.halfWidth = append(q.halfWidth, float64(l/2))
		q.halfL = append(q.halfL, halfL)
		q.offset = append(q.offset, offset)
		q.shift = append(q.shift, math.Atanh(offset/halfL))
	}
	return q, nil
}

// NewCosmosFSQ returns the quantizer of the Cosmos discrete tokenizers ([CosmosFSQLevels]).
func NewCosmosFSQ() *FSQ {
	q, err := NewFSQ(CosmosFSQLevels())
	if err != nil {
		panic(err) // The constant levels are valid.
	}
	return q
}

// Dim is the number of channels a code has.
func (q *FSQ) Dim() int { return len(q.levels) }

// VocabSize is the number of distinct codes (ids are 0..VocabSize()-1).
func (q *FSQ) VocabSize() int { return q.vocab }

// Levels returns a copy of the levels per channel.
func (q *FSQ) Levels() []int { return slices.Clone(q.levels) }

// Basis returns a copy of the mixed-radix place values: id = Σ digit[i]·Basis()[i].
func (q *FSQ) Basis() []int { return slices.Clone(q.basis) }

// perChannel returns values as a constant of z's dtype, shaped to broadcast over z's last axis.
func (q *FSQ) perChannel(z *graph.Node, values []float64) *graph.Node {
	return alongLastAxis(z, graph.ConvertDType(graph.Const(z.Graph(), values), z.DType()))
}

// alongLastAxis reshapes the vector c to [1, ..., 1, len(c)] with the rank of z.
func alongLastAxis(z, c *graph.Node) *graph.Node {
	dims := make([]int, z.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[len(dims)-1] = c.Shape().Dim(0)
	return graph.Reshape(c, dims...)
}

func (q *FSQ) checkLast(fn string, z *graph.Node) {
	if z.Rank() == 0 || z.Shape().Dim(-1) != len(q.levels) || !z.DType().IsFloat() {
		exceptions.Panicf("tokenizer.FSQ.%s: want float [..., %d], got %s", fn, len(q.levels), z.Shape())
	}
}

// Bound maps z [..., Dim()] into each channel's open interval around its levels:
// tanh(z + shift)·halfL - offset, which is 0 at z = 0 (FSQuantizer.bound).
func (q *FSQ) Bound(z *graph.Node) *graph.Node {
	q.checkLast("Bound", z)
	y := graph.Tanh(graph.Add(z, q.perChannel(z, q.shift)))
	return graph.Sub(graph.Mul(y, q.perChannel(z, q.halfL)), q.perChannel(z, q.offset))
}

// Quantize returns the code of z [..., Dim()]: round(Bound(z)) / (L/2) per channel, values in
// [-1, 1] (even levels stop at 1 - 2/L), with the straight-through gradient of [RoundSTE]
// (FSQuantizer.quantize).
func (q *FSQ) Quantize(z *graph.Node) *graph.Node {
	q.checkLast("Quantize", z)
	return graph.Div(RoundSTE(q.Bound(z)), q.perChannel(z, q.halfWidth))
}

// CodesToIDs maps codes [..., Dim()] (as [FSQ.Quantize] returns them) to int32 ids [...]:
// Σ (code·(L/2) + L/2)·basis (FSQuantizer.codes_to_indices). The digits are rounded before the
// sum, so codes off the grid by float noise still map to the nearest id.
func (q *FSQ) CodesToIDs(codes *graph.Node) *graph.Node {
	q.checkLast("CodesToIDs", codes)
	hw := q.perChannel(codes, q.halfWidth)
	digits := graph.ConvertDType(graph.Round(graph.Add(graph.Mul(codes, hw), hw)), dtypes.Int32)
	basis := make([]int32, len(q.basis))
	for i, b := range q.basis {
		basis[i] = int32(b)
	}
	return graph.ReduceSum(graph.Mul(digits, alongLastAxis(digits, graph.Const(codes.Graph(), basis))), -1)
}

// IDsToCodes maps integer ids [...] in [0, VocabSize()) to float32 codes [..., Dim()]:
// digit = (id / basis) mod L, code = (digit - L/2) / (L/2) (FSQuantizer.indices_to_codes).
// Out-of-range ids give codes of id mod VocabSize(); validate untrusted ids with [FSQ.IDToCode].
func (q *FSQ) IDsToCodes(ids *graph.Node) *graph.Node {
	if !ids.DType().IsInt() {
		exceptions.Panicf("tokenizer.FSQ.IDsToCodes: want integer ids, got %s", ids.Shape())
	}
	g := ids.Graph()
	basis := make([]int32, len(q.basis))
	levels := make([]int32, len(q.levels))
	for i := range q.levels {
		basis[i], levels[i] = int32(q.basis[i]), int32(q.levels[i])
	}
	x := graph.ExpandAxes(graph.ConvertDType(ids, dtypes.Int32), -1)
	digits := graph.Rem(graph.Div(x, alongLastAxis(x, graph.Const(g, basis))), alongLastAxis(x, graph.Const(g, levels)))
	f := graph.ConvertDType(digits, dtypes.Float32)
	hw := q.perChannel(f, q.halfWidth)
	return graph.Div(graph.Sub(f, hw), hw)
}

// RoundSTE rounds x to the nearest integer (ties to even, like torch.round) in the forward pass
// and passes the gradient through unchanged: x + StopGradient(round(x) - x).
func RoundSTE(x *graph.Node) *graph.Node {
	return graph.Add(x, graph.StopGradient(graph.Sub(graph.Round(x), x)))
}

// IDToCode returns the code of id, the plain-Go counterpart of [FSQ.IDsToCodes].
func (q *FSQ) IDToCode(id int) ([]float32, error) {
	if id < 0 || id >= q.vocab {
		return nil, &IDRangeError{ID: id, VocabSize: q.vocab}
	}
	code := make([]float32, len(q.levels))
	for i, l := range q.levels {
		digit := (id / q.basis[i]) % l
		code[i] = float32((float64(digit) - q.halfWidth[i]) / q.halfWidth[i])
	}
	return code, nil
}

// CodeToID returns the id of code, the plain-Go counterpart of [FSQ.CodesToIDs]. Unlike the graph
// version it rejects values that are not within 1e-3 of a grid point.
func (q *FSQ) CodeToID(code []float32) (int, error) {
	if len(code) != len(q.levels) {
		return 0, &CodeError{Channel: -1, Reason: fmt.Sprintf("has %d channels, want %d", len(code), len(q.levels))}
	}
	id := 0
	for i, v := range code {
		d := float64(v)*q.halfWidth[i] + q.halfWidth[i]
		digit := math.RoundToEven(d)
		if math.IsNaN(d) || math.Abs(d-digit) > 1e-3 {
			return 0, &CodeError{Channel: i, Value: v, Reason: "not on the grid"}
		}
		if digit < 0 || digit >= float64(q.levels[i]) {
			return 0, &CodeError{Channel: i, Value: v, Reason: fmt.Sprintf("outside the %d levels", q.levels[i])}
		}
		id += int(digit) * q.basis[i]
	}
	return id, nil
}
