package nn

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// MLPKind names a feed-forward variant in configs.
type MLPKind string

// Feed-forward variants.
const (
	// MLPGELU is fc2(GELU(fc1(x))), the transformer feed-forward of Vaswani et al. 2017 with the
	// exact GELU of Hendrycks and Gimpel 2016 (https://arxiv.org/abs/1606.08415), as in GPT-2.
	MLPGELU MLPKind = "gelu"
	// MLPSwiGLU is down(SiLU(gate(x)) ⊙ up(x)), the gated unit of Shazeer 2020
	// (https://arxiv.org/abs/2002.05202), as in LLaMA.
	MLPSwiGLU MLPKind = "swiglu"
)

// Sub-scope names used by [MLPBuilder].
const (
	FC1Name  = "fc1"  // GELU: Linear [hidden, dim]
	FC2Name  = "fc2"  // GELU: Linear [dim, hidden]
	GateName = "gate" // SwiGLU: Linear [hidden, dim]
	UpName   = "up"   // SwiGLU: Linear [hidden, dim]
	DownName = "down" // SwiGLU: Linear [dim, hidden]
)

// MLPBuilder configures a position-wise feed-forward layer; create it with [MLP], set options,
// and call Done.
type MLPBuilder struct {
	scope     *model.Scope
	x         *graph.Node
	hiddenDim int
	kind      MLPKind
	bias      bool
}

// MLP is a two-layer (GELU) or gated (SwiGLU) feed-forward network over the last axis of x,
// with hiddenDim inner units; the output has x's shape. Defaults: GELU, with biases.
//
// Variables under scope: GELU fc1, fc2; SwiGLU gate, up, down (each a [Linear]).
func MLP(scope *model.Scope, x *graph.Node, hiddenDim int) *MLPBuilder {
	return &MLPBuilder{scope: scope, x: x, hiddenDim: hiddenDim, kind: MLPGELU, bias: true}
}

// Kind selects the variant ([MLPGELU] or [MLPSwiGLU]).
func (b *MLPBuilder) Kind(kind MLPKind) *MLPBuilder {
	b.kind = kind
	return b
}

// Bias sets whether the linear layers have biases. Default true.
func (b *MLPBuilder) Bias(useBias bool) *MLPBuilder {
	b.bias = useBias
	return b
}

// Done builds the layer and returns its output.
func (b *MLPBuilder) Done() *graph.Node {
	dim := b.x.Shape().Dim(-1)
	switch b.kind {
	case MLPGELU:
		h := linear(b.scope.In(FC1Name), b.x, b.hiddenDim, b.bias, activation.TypeGelu)
		return Linear(b.scope.In(FC2Name), h, dim, b.bias)
	case MLPSwiGLU:
		gate := linear(b.scope.In(GateName), b.x, b.hiddenDim, b.bias, activation.TypeSilu)
		up := Linear(b.scope.In(UpName), b.x, b.hiddenDim, b.bias)
		return Linear(b.scope.In(DownName), graph.Mul(gate, up), dim, b.bias)
	default:
		panic(fmt.Sprintf("nn.MLP: unknown kind %q (want %q or %q)", b.kind, MLPGELU, MLPSwiGLU))
	}
}

// mlpParams is the number of learned values of an MLP of width dim and hidden width hidden.
func mlpParams(kind MLPKind, dim, hidden int, bias bool) int64 {
	d, h := int64(dim), int64(hidden)
	if kind == MLPSwiGLU {
		n := 3 * d * h
		if bias {
			n += 2*h + d
		}
		return n
	}
	n := 2 * d * h
	if bias {
		n += h + d
	}
	return n
}
