package autoregressive

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
)

// ropeSplit is how a head of width hd is shared among the axes of the 3-D RoPE (and the
// channels of the 3-D position embedding): height and width get hd/6·2 channels each, time the
// rest (cosmos-predict1 RotaryPositionEmbedding, rope_dim "3D"; the same split as the DiT's).
func ropeSplit(hd int) (dt, dh, dw int) {
	dh = hd / 6 * 2
	return hd - 2*dh, dh, dh
}

// axisFrequencies are the n/2 rotation frequencies of an axis with n channels, θ^(-2i/n).
func axisFrequencies(n int, theta float64) []float64 {
	f := make([]float64, n/2)
	for i := range f {
		f[i] = math.Pow(theta, -float64(2*i)/float64(n))
	}
	return f
}

// yarnFrequencies rescales frequencies f for a context scale times longer than origLen
// positions (YaRN, Peng et al. 2023, https://arxiv.org/abs/2309.00071, in the form of Llama 3.1
// and cosmos-predict1's get_scale_factors): a frequency below 2π·betaSlow/origLen (fewer than
// betaSlow turns over the original context) is divided by scale, one above 2π·betaFast/origLen
// is kept, and the factor ramps linearly between. scale <= 1 returns f unchanged.
func yarnFrequencies(f []float64, scale float64, origLen int, betaFast, betaSlow float64) []float64 {
	out := make([]float64, len(f))
	if scale <= 1 {
		copy(out, f)
		return out
	}
	low := 2 * math.Pi * betaSlow / float64(origLen)
	high := 2 * math.Pi * betaFast / float64(origLen)
	for i, v := range f {
		keep := min(max((v-low)/(high-low), 0), 1)
		out[i] = v * ((1-keep)/scale + keep)
	}
	return out
}

// ropeFrequencies are the frequencies of the time, height and width axes: θ^(-2i/n) per axis
// of n channels, the temporal ones stretched by YaRN when the config sets it. cosmos-predict1
// also rescales the spatial axes of its 12B model; here only time grows beyond training, so
// space keeps plain RoPE.
func (c Config) ropeFrequencies() (ft, fh, fw []float64) {
	dt, dh, dw := ropeSplit(c.HeadWidth())
	ft = axisFrequencies(dt, c.RopeTheta)
	if c.YaRNScale > 1 {
		ft = yarnFrequencies(ft, c.YaRNScale, c.YaRNOriginalT, c.YaRNBetaFast, c.YaRNBetaSlow)
	}
	return ft, axisFrequencies(dh, c.RopeTheta), axisFrequencies(dw, c.RopeTheta)
}

// ropeMagnitude is YaRN's attention temperature, 0.1·ln(scale) + 1 (1 without YaRN): it
// multiplies the cosines and sines, so queries and keys each grow by it (cosmos-predict1's
// mscale), keeping the attention entropy of the longer context close to the trained one.
func (c Config) ropeMagnitude() float64 {
	if c.YaRNScale <= 1 {
		return 1
	}
	return 0.1*math.Log(c.YaRNScale) + 1
}

// gridCoordinates returns the (t, h, w) coordinates, float32 [L] each, of the flattened grid
// positions p (int32 [L]): t = p/(H·W), h = (p/W) mod H, w = p mod W.
func gridCoordinates(positions *graph.Node, grid Grid) (t, h, w *graph.Node) {
	hw := int32(grid.H * grid.W)
	f := func(n *graph.Node) *graph.Node { return graph.ConvertDType(n, dtypes.Float32) }
	t = f(graph.Div(positions, graph.Scalar(positions.Graph(), dtypes.Int32, hw)))
	inFrame := graph.Rem(positions, graph.Scalar(positions.Graph(), dtypes.Int32, hw))
	h = f(graph.Div(inFrame, graph.Scalar(positions.Graph(), dtypes.Int32, int32(grid.W))))
	w = f(graph.Rem(inFrame, graph.Scalar(positions.Graph(), dtypes.Int32, int32(grid.W))))
	return t, h, w
}

// outer is coordinate [L] times frequencies, [L, len(freqs)].
func outer(coord *graph.Node, freqs []float64) *graph.Node {
	f32 := make([]float32, len(freqs))
	for i, v := range freqs {
		f32[i] = float32(v)
	}
	return graph.Mul(graph.InsertAxes(coord, -1), graph.InsertAxes(graph.Const(coord.Graph(), f32), 0))
}

// ropeCosSin returns the cosines and sines, [L, hd] each, of the 3-D RoPE at the flattened grid
// positions (int32 [L]). The first hd/2 angles of a token are [time | height | width] and the
// second hd/2 repeat them, the rotate-half layout (TransformerEngine's apply_rotary_pos_emb,
// cosmos-predict1 RotaryPositionEmbeddingPytorchV2) that pairs channel i with i+hd/2.
func (c Config) ropeCosSin(positions *graph.Node, grid Grid) (cos, sin *graph.Node) {
	ft, fh, fw := c.ropeFrequencies()
	t, h, w := gridCoordinates(positions, grid)
	half := graph.Concatenate([]*graph.Node{outer(t, ft), outer(h, fh), outer(w, fw)}, -1)
	angles := graph.Concatenate([]*graph.Node{half, half}, -1)
	m := c.ropeMagnitude()
	return graph.MulScalar(graph.Cos(angles), m), graph.MulScalar(graph.Sin(angles), m)
}

// applyRope rotates x [B, L, heads, hd] by cos, sin [L, hd] (the same for every batch row and
// head): x·cos + rotate_half(x)·sin with rotate_half([x1, x2]) = [-x2, x1]. A query at
// position p and a key at q then score through their offset p-q alone.
func applyRope(x, cos, sin *graph.Node) *graph.Node {
	l, hd := cos.Shape().Dim(0), cos.Shape().Dim(1)
	cos = graph.ConvertDType(graph.Reshape(cos, 1, l, 1, hd), x.DType())
	sin = graph.ConvertDType(graph.Reshape(sin, 1, l, 1, hd), x.DType())
	x1 := graph.SliceAxis(x, -1, graph.AxisRange(0, hd/2))
	x2 := graph.SliceAxis(x, -1, graph.AxisRange(hd/2, hd))
	rotated := graph.Concatenate([]*graph.Node{graph.Neg(x2), x1}, -1)
	return graph.Add(graph.Mul(x, cos), graph.Mul(rotated, sin))
}

// positionEmbedding is the parameter-free absolute 3-D position embedding, [L, dim], at the
// flattened grid positions: per axis [sin | cos] of position·10000^(-2i/n) over n channels,
// the axes in the order time, height, width with ropeSplit's channel counts
// (cosmos-predict1 SinCosPosEmbAxisTE, get_1d_sincos_pos_embed_from_grid).
func positionEmbedding(positions *graph.Node, grid Grid, dim int) *graph.Node {
	dt, dh, dw := ropeSplit(dim)
	t, h, w := gridCoordinates(positions, grid)
	var parts []*graph.Node
	for _, a := range []struct {
		coord *graph.Node
		n     int
	}{{t, dt}, {h, dh}, {w, dw}} {
		angles := outer(a.coord, axisFrequencies(a.n, 10000))
		parts = append(parts, graph.Sin(angles), graph.Cos(angles))
	}
	return graph.Concatenate(parts, -1)
}
