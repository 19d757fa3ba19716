package diffusion

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
)

// RopeSplit returns how a head of width hd is shared among the three axes by the 3-D RoPE
// (VideoRopePosition3DEmb): height and width get hd/6·2 channels each, time the rest.
func RopeSplit(hd int) (dt, dh, dw int) {
	dh = hd / 6 * 2
	return hd - 2*dh, dh, dh
}

// ropeFrequencies returns the n/2 rotation frequencies of an axis with n channels and NTK
// extrapolation ratio r: f_i = 1/θ^(2i/n) with θ = 10000·r^(n/(n-2)).
func ropeFrequencies(n int, r float64) []float64 {
	theta := 10000 * math.Pow(r, float64(n)/float64(n-2))
	f := make([]float64, n/2)
	for i := range f {
		f[i] = 1 / math.Pow(theta, float64(2*i)/float64(n))
	}
	return f
}

// RopeAngles returns the rotation angles of the 3-D RoPE for a t×h×w grid of tokens (in that
// order, time slowest), [B, t·h·w, hd]. Per token the first hd/2 angles are
// [time angles | height angles | width angles] and the second hd/2 repeat them, the layout
// rotate-half RoPE pairs channel i with i+hd/2 in (cosmos-predict1 VideoRopePosition3DEmb with
// TransformerEngine's apply_rotary_pos_emb). The temporal position of frame k is
// k·BaseFPS/fps[b] (FPS-aware: the same wall-clock time gets the same angle at any frame
// rate); fps nil means images, position k.
func RopeAngles(c Config, g *graph.Graph, t, h, w int, fps *graph.Node, batch int) *graph.Node {
	dt, dh, dw := RopeSplit(c.HeadDim())
	ft, fh, fw := ropeFrequencies(dt, c.RopeT), ropeFrequencies(dh, c.RopeH), ropeFrequencies(dw, c.RopeW)
	outer := func(n int, f []float64) []float32 {
		out := make([]float32, n*len(f))
		for p := range n {
			for i, v := range f {
				out[p*len(f)+i] = float32(float64(p) * v)
			}
		}
		return out
	}
	at := graph.Reshape(graph.Const(g, outer(t, ft)), 1, t, 1, 1, dt/2)
	if fps != nil {
		fps = graph.ConvertDType(fps, dtypes.Float32)
		at = graph.Mul(at, graph.Reshape(graph.MulScalar(graph.Inverse(fps), c.BaseFPS), batch, 1, 1, 1, 1))
	}
	at = graph.BroadcastToDims(at, batch, t, h, w, dt/2)
	ah := graph.BroadcastToDims(graph.Reshape(graph.Const(g, outer(h, fh)), 1, 1, h, 1, dh/2), batch, t, h, w, dh/2)
	aw := graph.BroadcastToDims(graph.Reshape(graph.Const(g, outer(w, fw)), 1, 1, 1, w, dw/2), batch, t, h, w, dw/2)
	half := graph.Concatenate([]*graph.Node{at, ah, aw}, -1)
	full := graph.Concatenate([]*graph.Node{half, half}, -1)
	return graph.Reshape(full, batch, t*h*w, c.HeadDim())
}

// ApplyRope rotates x [B, L, heads, hd] by angles [B, L, hd] (the same for every head):
// x·cos θ + rotate_half(x)·sin θ with rotate_half([x1, x2]) = [-x2, x1], so channel pair
// (i, i+hd/2) turns by angle θ_i. A query at position p and a key at q then score
// Σ Re(q̃ conj(k̃) e^{i(θ_p-θ_q)}): the score depends on positions only through their offset.
func ApplyRope(x, angles *graph.Node) *graph.Node {
	b, l, hd := angles.Shape().Dim(0), angles.Shape().Dim(1), angles.Shape().Dim(2)
	cos := graph.ConvertDType(graph.Reshape(graph.Cos(angles), b, l, 1, hd), x.DType())
	sin := graph.ConvertDType(graph.Reshape(graph.Sin(angles), b, l, 1, hd), x.DType())
	x1 := graph.SliceAxis(x, -1, graph.AxisRange(0, hd/2))
	x2 := graph.SliceAxis(x, -1, graph.AxisRange(hd/2, hd))
	rotated := graph.Concatenate([]*graph.Node{graph.Neg(x2), x1}, -1)
	return graph.Add(graph.Mul(x, cos), graph.Mul(rotated, sin))
}
