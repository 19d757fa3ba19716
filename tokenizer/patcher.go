package tokenizer

import (
	"math/bits"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// HaarPatch3D is the Cosmos video patcher: log2(patchSize) levels of the 3-D Haar wavelet transform over a causal video x [B, 1+T, H, W, C].
//
// The first frame is repeated patchSize times in front of the others so that it forms a temporal
// group of its own (Cosmos-Tokenizer Patcher3D._haar), which keeps the transform causal: output
// frame 0 depends on input frame 0 only. T, H and W must be multiples of patchSize, which must be
// a power of two (1, 2, 4, ...; 1 returns x unchanged). The result is
// [B, 1+T/p, H/p, W/p, C·p³] with the sub-band channel layout described in the package doc.
// Shape errors are programmer errors and panic.
func HaarPatch3D(x *graph.Node, patchSize int) *graph.Node {
	levels := patchLevels("HaarPatch3D", patchSize)
	if x.Rank() != 5 {
		exceptions.Panicf("tokenizer.HaarPatch3D: want video [B, T, H, W, C], got %s", x.Shape())
	}
	t, h, w := x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	if (t-1)%patchSize != 0 || h%patchSize != 0 || w%patchSize != 0 {
		exceptions.Panicf("tokenizer.HaarPatch3D: video %s needs 1+k·%d frames and H, W multiples of %d",
			x.Shape(), patchSize, patchSize)
	}
	if patchSize == 1 {
		return x
	}
	first := graph.SliceAxis(x, 1, graph.AxisRange(0, 1))
	parts := make([]*graph.Node, 0, patchSize)
	for range patchSize - 1 {
		parts = append(parts, first)
	}
	x = graph.Concatenate(append(parts, x), 1)
	for range levels {
		x = haarLevel(x, video3DBands)
	}
	return x
}

// HaarUnpatch3D inverts [HaarPatch3D]: z [B, 1+T/p, H/p, W/p, C·p³] -> [B, 1+T, H, W, C]. Like
// the reference (UnPatcher3D._ihaar) it drops the first patchSize-1 reconstructed frames, the
// copies of the first frame, and keeps the last copy.
func HaarUnpatch3D(z *graph.Node, patchSize int) *graph.Node {
	levels := patchLevels("HaarUnpatch3D", patchSize)
	if z.Rank() != 5 || z.Shape().Dim(4)%(patchSize*patchSize*patchSize) != 0 {
		exceptions.Panicf("tokenizer.HaarUnpatch3D: want [B, T, H, W, C·%d], got %s",
			patchSize*patchSize*patchSize, z.Shape())
	}
	if patchSize == 1 {
		return z
	}
	for range levels {
		z = inverseHaarLevel(z, video3DBands)
	}
	return graph.SliceAxis(z, 1, graph.AxisRangeToEnd(patchSize-1))
}

// HaarPatch2D is the Cosmos image patcher (Cosmos-Tokenizer Patcher._haar): log2(patchSize)
// levels of the 2-D Haar transform over images x [B, H, W, C], giving [B, H/p, W/p, C·p²].
// H and W must be multiples of patchSize, a power of two. Its sub-band order differs from the
// video patcher's: see the package doc.
func HaarPatch2D(x *graph.Node, patchSize int) *graph.Node {
	levels := patchLevels("HaarPatch2D", patchSize)
	if x.Rank() != 4 || x.Shape().Dim(1)%patchSize != 0 || x.Shape().Dim(2)%patchSize != 0 {
		exceptions.Panicf("tokenizer.HaarPatch2D: want images [B, H, W, C] with H, W multiples of %d, got %s",
			patchSize, x.Shape())
	}
	for range levels {
		x = haarLevel(x, image2DBands)
	}
	return x
}

// HaarUnpatch2D inverts [HaarPatch2D]: z [B, H/p, W/p, C·p²] -> [B, H, W, C].
func HaarUnpatch2D(z *graph.Node, patchSize int) *graph.Node {
	levels := patchLevels("HaarUnpatch2D", patchSize)
	if z.Rank() != 4 || z.Shape().Dim(3)%(patchSize*patchSize) != 0 {
		exceptions.Panicf("tokenizer.HaarUnpatch2D: want [B, H, W, C·%d], got %s", patchSize*patchSize, z.Shape())
	}
	for range levels {
		z = inverseHaarLevel(z, image2DBands)
	}
	return z
}

// patchLevels returns log2(patchSize), panicking unless patchSize is a power of two.
func patchLevels(fn string, patchSize int) int {
	if patchSize < 1 || patchSize&(patchSize-1) != 0 {
		exceptions.Panicf("tokenizer.%s: patch size %d is not a power of two", fn, patchSize)
	}
	return bits.TrailingZeros(uint(patchSize))
}

// video3DBands and image2DBands give, for each transformed axis (in tensor order), the weight of its low/high
// choice in the sub-band index. Video (Patcher3D._dwt filters T, then H, then W, and concatenates
// in that nesting): band = 4·t + 2·h + w. Image (Patcher._dwt filters W first, then H):
// band = h + 2·w.
var (
	video3DBands = []int{4, 2, 1}
	image2DBands = []int{1, 2}
)

// haarMatrix returns the one-level transform as a tensor [2ⁿ bands, 2, ..., 2 positions] for the
// n axes described by weights: entry = scale · Π over axes of (-1 if the band takes the high
// filter on that axis and the position is the second of the pair, else 1).
func haarMatrix(weights []int, scale float32) ([]float32, []int) {
	n := len(weights)
	numBands := 1 << n
	data := make([]float32, numBands*numBands)
	for band := range numBands {
		for pos := range numBands {
			v := scale
			for i, weight := range weights {
				second := (pos>>(n-1-i))&1 == 1
				if band&weight != 0 && second {
					v = -v
				}
			}
			data[band*numBands+pos] = v
		}
	}
	dims := []int{numBands}
	for range n {
		dims = append(dims, 2)
	}
	return data, dims
}

// haarLevel applies one level of the n-D Haar transform to x [B, d1..dn, C] (n = len(weights)),
// returning [B, d1/2..dn/2, 2ⁿ·C] with channel = band·C + c.
//
// Each 1-D step is the Haar pair (a+b)/√2, (a-b)/√2, and Cosmos divides every level by 2√2
// (video) or 2 (image): the product is an exact 1/2ⁿ, so the low band is the block mean.
func haarLevel(x *graph.Node, weights []int) *graph.Node {
	n := len(weights)
	dims := x.Shape().Dimensions
	b, c := dims[0], dims[n+1]
	split := []int{b}
	var contract, out []int
	for i := range n {
		if dims[1+i]%2 != 0 {
			exceptions.Panicf("tokenizer: Haar level needs even sizes, got %s", x.Shape())
		}
		split = append(split, dims[1+i]/2, 2)
		contract = append(contract, 2+2*i)
		out = append(out, dims[1+i]/2)
	}
	split = append(split, c)
	r := graph.Reshape(x, split...)
	data, mdims := haarMatrix(weights, 1/float32(int(1)<<n))
	m := graph.ConvertDType(graph.Reshape(graph.Const(x.Graph(), data), mdims...), x.DType())
	lhsContract := make([]int, n)
	for i := range n {
		lhsContract[i] = 1 + i
	}
	// [bands, B, d1/2..dn/2, C] -> [B, d1/2..dn/2, bands, C].
	y := graph.DotGeneral(m, lhsContract, nil, r, contract, nil)
	perm := []int{1}
	for i := range n {
		perm = append(perm, 2+i)
	}
	perm = append(perm, 0, n+2)
	y = graph.TransposeAllAxes(y, perm...)
	return graph.Reshape(y, append([]int{b}, append(out, (1<<n)*c)...)...)
}

// inverseHaarLevel undoes haarLevel: z [B, e1..en, 2ⁿ·C] -> [B, 2e1..2en, C]. The forward
// matrix is (1/2ⁿ)·S with S a ±1 matrix and S·Sᵀ = 2ⁿ·I, so the inverse is Sᵀ.
func inverseHaarLevel(z *graph.Node, weights []int) *graph.Node {
	n := len(weights)
	numBands := 1 << n
	dims := z.Shape().Dimensions
	b, k := dims[0], dims[n+1]
	c := k / numBands
	r := graph.Reshape(z, append(append([]int{}, dims[:n+1]...), numBands, c)...)
	data, mdims := haarMatrix(weights, 1)
	m := graph.ConvertDType(graph.Reshape(graph.Const(z.Graph(), data), mdims...), z.DType())
	// [B, e1..en, C, 2, ..., 2] -> [B, e1, 2, ..., en, 2, C].
	y := graph.DotGeneral(r, []int{n + 1}, nil, m, []int{0}, nil)
	perm := []int{0}
	out := []int{b}
	for i := range n {
		perm = append(perm, 1+i, n+2+i)
		out = append(out, 2*dims[1+i])
	}
	perm = append(perm, n+1)
	y = graph.TransposeAllAxes(y, perm...)
	return graph.Reshape(y, append(out, c)...)
}
