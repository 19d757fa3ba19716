package nn

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// ConvPath selects how [CausalConv3D] computes its convolution. Both paths use the same
// variables and compute the same function; they differ only in speed per backend.
type ConvPath int

const (
	// ConvPathAuto picks ConvPathIm2col on the pure-Go backend and ConvPathNative elsewhere.
	ConvPathAuto ConvPath = iota
	// ConvPathIm2col gathers the kt·kh·kw shifted views of the padded input, concatenates them
	// on the channel axis and runs one matrix multiplication ("im2col" by slices). On the Go
	// backend this runs at matmul speed: the team measured about 26 GFLOP/s for it against
	// 0.5 GFLOP/s for GoMLX's ConvGeneral, whose Go kernel is a direct loop.
	ConvPathIm2col
	// ConvPathNative calls GoMLX's convolution (graph.Convolve, ConvGeneral), which XLA lowers to
	// cuDNN on GPUs.
	ConvPathNative
)

// String names the path, for test names and logs.
func (p ConvPath) String() string {
	switch p {
	case ConvPathAuto:
		return "auto"
	case ConvPathIm2col:
		return "im2col"
	case ConvPathNative:
		return "native"
	default:
		return fmt.Sprintf("ConvPath(%d)", int(p))
	}
}

// CausalConvOption configures [CausalConv3D].
type CausalConvOption func(*causalConvConfig)

type causalConvConfig struct {
	path       ConvPath
	spatialPad *[2][2]int // [[top, bottom], [left, right]]; nil for "same" (kh/2, kw/2)
}

// WithConvPath forces the implementation of the convolution (the default is ConvPathAuto).
func WithConvPath(path ConvPath) CausalConvOption {
	return func(c *causalConvConfig) { c.path = path }
}

// WithSpatialPadding replaces the default "same" spatial zero padding (kh/2 rows above and below,
// kw/2 columns left and right) with explicit amounts. Cosmos's hybrid spatial downsample uses
// (0, 1, 0, 1): it pads one zero row below and one zero column right, then runs a (1,3,3)
// stride-2 convolution with no padding of its own.
func WithSpatialPadding(top, bottom, left, right int) CausalConvOption {
	return func(c *causalConvConfig) { c.spatialPad = &[2][2]int{{top, bottom}, {left, right}} }
}

// CausalConv3D is a 3-D convolution over channels-last video x [B, T, H, W, C] that never looks
// at future frames, the CausalConv3d of NVIDIA's Cosmos tokenizer (Cosmos-Tokenizer,
// modules/layers3d.py):
//
//   - Time is padded on the left with kt - st copies of the first frame (kt the kernel's time
//     size, st the time stride), so output frame j sees input frames up to j·st + st - 1 and
//     no later. For stride 1 that is kt-1 copies and output frame t depends on frames ≤ t only.
//     For the (3,1,1) kernel with time stride 2 that Cosmos's temporal downsample uses, it is
//     one copy; the reference's downsample block replicates the first frame once more before
//     calling the convolution, which is the caller's business here.
//   - Space is zero-padded "same" (kh/2 and kw/2 on each side) unless [WithSpatialPadding] says
//     otherwise.
//   - The output is [B, (T+kt-st-kt)/st+1, (H+pads-kh)/sh+1, (W+pads-kw)/sw+1, outChannels],
//     with integer division, as PyTorch's Conv3d computes it.
//
// kernel is (kt, kh, kw) and stride is (st, sh, sw); kt must be at least st. Variables under scope:
//
//	weights  [kt, kh, kw, in, out]  (time, height, width, input channel, output channel)
//	biases   [out]                  (zeros)
//
// The weights are in GoMLX's channels-last kernel layout; PyTorch's Conv3d.weight is
// [out, in, kt, kh, kw], so an importer transposes it with axes (2, 3, 4, 1, 0). Weights take
// the scope's initializer (GoMLX's default He initializer reads this layout's fan-in as
// kt·kh·kw·in).
//
// The two implementations ([ConvPath]) share these variables; by default the pure-Go backend
// gets im2col-by-slices and every other backend GoMLX's convolution.
func CausalConv3D(scope *model.Scope, x *graph.Node, outChannels int, kernel, stride [3]int,
	opts ...CausalConvOption) *graph.Node {
	cfg := causalConvConfig{}
	for _, opt := range opts {
		opt(&cfg)
	}
	if x.Rank() != 5 {
		exceptions.Panicf("nn.CausalConv3D: input must be [B, T, H, W, C], got %s", x.Shape())
	}
	if outChannels <= 0 {
		exceptions.Panicf("nn.CausalConv3D: outChannels must be > 0, got %d", outChannels)
	}
	for i := range 3 {
		if kernel[i] < 1 || stride[i] < 1 {
			exceptions.Panicf("nn.CausalConv3D: kernel %v and stride %v must be >= 1", kernel, stride)
		}
	}
	if kernel[0] < stride[0] {
		exceptions.Panicf("nn.CausalConv3D: time kernel %d smaller than time stride %d leaves frames unread",
			kernel[0], stride[0])
	}
	pad := [2][2]int{{kernel[1] / 2, kernel[1] / 2}, {kernel[2] / 2, kernel[2] / 2}}
	if cfg.spatialPad != nil {
		pad = *cfg.spatialPad
	}
	for _, p := range pad {
		if p[0] < 0 || p[1] < 0 {
			exceptions.Panicf("nn.CausalConv3D: negative spatial padding %v", pad)
		}
	}

	g := x.Graph()
	inChannels := x.Shape().Dim(-1)
	w := scope.VariableWithShape(WeightsName,
		shapes.Make(x.DType(), kernel[0], kernel[1], kernel[2], inChannels, outChannels)).NodeValue(g)
	b := scope.WithInitializer(initializer.Zero).VariableWithShape(BiasesName,
		shapes.Make(x.DType(), outChannels)).NodeValue(g)

	x = replicateFirstFrame(x, kernel[0]-stride[0])
	dims := x.Shape().Dimensions
	for i, p := range pad {
		if dims[2+i]+p[0]+p[1] < kernel[1+i] {
			exceptions.Panicf("nn.CausalConv3D: input %s with spatial padding %v is smaller than kernel %v",
				x.Shape(), pad, kernel)
		}
	}

	path := cfg.path
	if path == ConvPathAuto {
		path = ConvPathNative
		if isGoBackend(g.Backend()) {
			path = ConvPathIm2col
		}
	}
	var y *graph.Node
	switch path {
	case ConvPathIm2col:
		y = convIm2col(x, w, kernel, stride, pad)
	case ConvPathNative:
		y = graph.Convolve(x, w).StridePerAxis(stride[:]...).
			PaddingPerDim([][2]int{{0, 0}, pad[0], pad[1]}).Done()
	default:
		exceptions.Panicf("nn.CausalConv3D: unknown convolution path %s", path)
	}
	return graph.Add(y, graph.ExpandLeftToRank(b, 5))
}

// isGoBackend reports whether backend is GoMLX's pure-Go backend (String "go"; its Name is
// "Go Backend").
func isGoBackend(backend compute.Backend) bool {
	return backend != nil && backend.String() == gobackend.BackendName
}

// replicateFirstFrame prepends n copies of frame 0 of x [B, T, H, W, C] along time.
func replicateFirstFrame(x *graph.Node, n int) *graph.Node {
	if n == 0 {
		return x
	}
	dims := x.Shape().Dimensions
	first := graph.SliceAxis(x, 1, graph.AxisRange(0, 1))
	copies := graph.BroadcastToDims(first, dims[0], n, dims[2], dims[3], dims[4])
	return graph.Concatenate([]*graph.Node{copies, x}, 1)
}

// convIm2col convolves x [B, T, H, W, C] (time already padded) with w [kt, kh, kw, C, out]:
// zero-pads space, takes the kt·kh·kw strided views of the input each kernel tap reads,
// concatenates them on channels in (dt, dh, dw, c) order, which is w's row-major order once
// reshaped to [kt·kh·kw·C, out], and multiplies once.
func convIm2col(x, w *graph.Node, kernel, stride [3]int, pad [2][2]int) *graph.Node {
	if pad != [2][2]int{} {
		x = graph.Pad(x, graph.ScalarZero(x.Graph(), x.DType()),
			compute.PadAxis{}, compute.PadAxis{},
			compute.PadAxis{Start: pad[0][0], End: pad[0][1]},
			compute.PadAxis{Start: pad[1][0], End: pad[1][1]},
			compute.PadAxis{}) // all five axes: GoMLX's Pad gradient mishandles omitted trailing axes
	}
	dims := x.Shape().Dimensions
	var outDims [3]int
	for i := range 3 {
		outDims[i] = (dims[1+i]-kernel[i])/stride[i] + 1
	}
	taps := make([]*graph.Node, 0, kernel[0]*kernel[1]*kernel[2])
	for dt := range kernel[0] {
		for dh := range kernel[1] {
			for dw := range kernel[2] {
				offsets := [3]int{dt, dh, dw}
				specs := make([]graph.SliceAxisSpec, 5)
				specs[0] = graph.AxisRange()
				for i := range 3 {
					end := offsets[i] + (outDims[i]-1)*stride[i] + 1
					specs[1+i] = graph.AxisRange(offsets[i], end).Stride(stride[i])
				}
				specs[4] = graph.AxisRange()
				taps = append(taps, graph.Slice(x, specs...))
			}
		}
	}
	patches := taps[0]
	if len(taps) > 1 {
		patches = graph.Concatenate(taps, -1)
	}
	k := w.Shape().Dimensions
	rows := dims[0] * outDims[0] * outDims[1] * outDims[2]
	y := graph.MatMul(graph.Reshape(patches, rows, -1), graph.Reshape(w, k[0]*k[1]*k[2]*k[3], k[4]))
	return graph.Reshape(y, dims[0], outDims[0], outDims[1], outDims[2], k[4])
}
