package nn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// refCausalConv3D is a direct convolution written from CausalConv3D's definition: x [B, T, H, W,
// C], w [kt, kh, kw, C, out], b [out], time padded on the left with kt-st copies of frame 0,
// space zero-padded by pad ([[top, bottom], [left, right]]); float64 accumulation.
func refCausalConv3D(x []float32, xd [5]int, w, b []float32, out int, kernel, stride [3]int, pad [2][2]int) ([]float32, [5]int) {
	B, T, H, W, C := xd[0], xd[1], xd[2], xd[3], xd[4]
	timePad := kernel[0] - stride[0]
	yd := [5]int{B, (T+timePad-kernel[0])/stride[0] + 1,
		(H+pad[0][0]+pad[0][1]-kernel[1])/stride[1] + 1, (W+pad[1][0]+pad[1][1]-kernel[2])/stride[2] + 1, out}
	y := make([]float32, yd[0]*yd[1]*yd[2]*yd[3]*yd[4])
	i := 0
	for bi := range B {
		for to := range yd[1] {
			for ho := range yd[2] {
				for wo := range yd[3] {
					for o := range out {
						s := float64(b[o])
						for dt := range kernel[0] {
							t := max(to*stride[0]+dt-timePad, 0) // replicate frame 0 on the left
							for dh := range kernel[1] {
								h := ho*stride[1] + dh - pad[0][0]
								for dw := range kernel[2] {
									ww := wo*stride[2] + dw - pad[1][0]
									if h < 0 || h >= H || ww < 0 || ww >= W {
										continue // zero padding
									}
									for c := range C {
										xv := x[(((bi*T+t)*H+h)*W+ww)*C+c]
										wv := w[(((dt*kernel[1]+dh)*kernel[2]+dw)*C+c)*out+o]
										s += float64(xv) * float64(wv)
									}
								}
							}
						}
						y[i] = float32(s)
						i++
					}
				}
			}
		}
	}
	return y, yd
}

// convCases are the convolutions the Cosmos tokenizer uses, on x [2, 5, 6, 5, 3] with 4 output
// channels. The output sizes are worked out by hand from PyTorch's Conv3d formula
// floor((in + padding - kernel)/stride) + 1, with time padding kt - st.
var convCases = []struct {
	name           string
	kernel, stride [3]int
	opts           []CausalConvOption
	pad            [2][2]int
	wantDims       [5]int
}{
	// T: 5+2-3+1 = 5; H: 6+2-3+1 = 6; W: 5+2-3+1 = 5.
	{"k333", [3]int{3, 3, 3}, [3]int{1, 1, 1}, nil, [2][2]int{{1, 1}, {1, 1}}, [5]int{2, 5, 6, 5, 4}},
	{"k133", [3]int{1, 3, 3}, [3]int{1, 1, 1}, nil, [2][2]int{{1, 1}, {1, 1}}, [5]int{2, 5, 6, 5, 4}},
	// T: 5+2-3+1 = 5, no spatial padding for a 1x1 spatial kernel.
	{"k311", [3]int{3, 1, 1}, [3]int{1, 1, 1}, nil, [2][2]int{}, [5]int{2, 5, 6, 5, 4}},
	{"k111", [3]int{1, 1, 1}, [3]int{1, 1, 1}, nil, [2][2]int{}, [5]int{2, 5, 6, 5, 4}},
	// H: (6+2-3)/2+1 = 3; W: (5+2-3)/2+1 = 3.
	{"k133/s122", [3]int{1, 3, 3}, [3]int{1, 2, 2}, nil, [2][2]int{{1, 1}, {1, 1}}, [5]int{2, 5, 3, 3, 4}},
	// Cosmos's spatial downsample padding: H: (6+1-3)/2+1 = 3; W: (5+1-3)/2+1 = 2.
	{"k133/s122/pad0101", [3]int{1, 3, 3}, [3]int{1, 2, 2}, []CausalConvOption{WithSpatialPadding(0, 1, 0, 1)},
		[2][2]int{{0, 1}, {0, 1}}, [5]int{2, 5, 3, 2, 4}},
	// Time stride 2 pads one copy of frame 0: T: (5+1-3)/2+1 = 2.
	{"k311/s211", [3]int{3, 1, 1}, [3]int{2, 1, 1}, nil, [2][2]int{}, [5]int{2, 2, 6, 5, 4}},
}

// TestCausalConv3DPathsMatchReference runs both paths on the same variables and checks shapes,
// values against refCausalConv3D, and that the two paths' gradients agree.
func TestCausalConv3DPathsMatchReference(t *testing.T) {
	xd := [5]int{2, 5, 6, 5, 3}
	const out = 4
	for ci, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(ci), 7))
			x := randomFloats(rng, xd[0]*xd[1]*xd[2]*xd[3]*xd[4])
			store := newStore(int64(ci) + 1)
			var yDims []int
			got, _ := runGraph(t, store, true, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				conv := scope.In("conv")
				var outs, losses []*graph.Node
				for _, path := range []ConvPath{ConvPathIm2col, ConvPathNative} {
					y := CausalConv3D(conv, in[0], out, tc.kernel, tc.stride, append(slices.Clone(tc.opts), WithConvPath(path))...)
					yDims = y.Shape().Dimensions
					outs = append(outs, y)
					losses = append(losses, graph.ReduceAllSum(graph.Mul(y, graph.Sin(y)))) // a non-linear loss
				}
				w := conv.GetVariable(WeightsName).NodeValue(in[0].Graph())
				b := conv.GetVariable(BiasesName).NodeValue(in[0].Graph())
				for _, loss := range losses {
					outs = append(outs, graph.Gradient(loss, in[0], w, b)...)
				}
				return outs
			}, tensors.FromFlatDataAndDimensions(x, xd[:]...))
			if fmt.Sprint(yDims) != fmt.Sprint(tc.wantDims[:]) {
				t.Fatalf("output shape %v, want %v", yDims, tc.wantDims)
			}
			w, wDims := variableValues(t, store, "/conv/weights")
			if want := []int{tc.kernel[0], tc.kernel[1], tc.kernel[2], xd[4], out}; fmt.Sprint(wDims) != fmt.Sprint(want) {
				t.Fatalf("weights shape %v, want %v", wDims, want)
			}
			b, _ := variableValues(t, store, "/conv/biases")
			ref, refDims := refCausalConv3D(x, xd, w, b, out, tc.kernel, tc.stride, tc.pad)
			if refDims != tc.wantDims {
				t.Fatalf("reference shape %v, want %v", refDims, tc.wantDims)
			}
			for p, name := range []string{"im2col", "native"} {
				if d := maxAbsDiff(got[p], ref); d > 1e-5 {
					t.Errorf("%s: max |y - direct convolution| = %g", name, d)
				}
			}
			for k, name := range []string{"x", "weights", "biases"} {
				if d := maxAbsDiff(got[2+k], got[5+k]); d > 1e-4 {
					t.Errorf("gradient w.r.t. %s: max |im2col - native| = %g", name, d)
				}
			}
		})
	}
}

// TestCausalConv3DHandComputed checks the padding on cases small enough to work out by hand.
func TestCausalConv3DHandComputed(t *testing.T) {
	tests := []struct {
		name     string
		kernel   [3]int
		w        []float32 // [kt, kh, kw, 1, 1]
		xDims    []int     // [1, T, H, W, 1]
		x        []float32
		want     []float32
		wantDims []int
	}{
		{
			// Time taps 1, 10, 100 over frames 1, 2, 3 with two copies of frame 0 in front
			// (padded 1, 1, 1, 2, 3), plus bias 0.5:
			// 1+10+100, 1+10+200, 1+20+300.
			name: "first frame replicated", kernel: [3]int{3, 1, 1}, w: []float32{1, 10, 100},
			xDims: []int{1, 3, 1, 1, 1}, x: []float32{1, 2, 3},
			want: []float32{111.5, 211.5, 321.5}, wantDims: []int{1, 3, 1, 1, 1},
		},
		{
			// A 3x3 box sum over a 3x3 frame of ones counts the in-bounds neighbours: 4 at the
			// corners, 6 on the edges, 9 at the centre (plus bias 0.5).
			name: "spatial zeros", kernel: [3]int{1, 3, 3}, w: []float32{1, 1, 1, 1, 1, 1, 1, 1, 1},
			xDims: []int{1, 1, 3, 3, 1}, x: []float32{1, 1, 1, 1, 1, 1, 1, 1, 1},
			want: []float32{4.5, 6.5, 4.5, 6.5, 9.5, 6.5, 4.5, 6.5, 4.5}, wantDims: []int{1, 1, 3, 3, 1},
		},
	}
	for _, tc := range tests {
		for _, path := range []ConvPath{ConvPathIm2col, ConvPathNative} {
			t.Run(tc.name+"/"+path.String(), func(t *testing.T) {
				store := newStore(1)
				scope := store.RootScope().In("conv")
				if _, err := scope.CreateVariable(WeightsName, tensors.FromFlatDataAndDimensions(tc.w, tc.kernel[0], tc.kernel[1], tc.kernel[2], 1, 1)); err != nil {
					t.Fatal(err)
				}
				if _, err := scope.CreateVariable(BiasesName, tensors.FromFlatDataAndDimensions([]float32{0.5}, 1)); err != nil {
					t.Fatal(err)
				}
				got, dims := runGraph(t, store, false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					return []*graph.Node{CausalConv3D(scope.In("conv"), in[0], 1, tc.kernel, [3]int{1, 1, 1}, WithConvPath(path))}
				}, tensors.FromFlatDataAndDimensions(tc.x, tc.xDims...))
				if fmt.Sprint(dims[0]) != fmt.Sprint(tc.wantDims) {
					t.Fatalf("output shape %v, want %v", dims[0], tc.wantDims)
				}
				if d := maxAbsDiff(got[0], tc.want); d > 1e-5 {
					t.Errorf("got %v, want %v", got[0], tc.want)
				}
			})
		}
	}
}

// TestCausalConv3DIsCausal changes the input frames after lastKept and checks that the output
// frames that may only read frames up to lastKept stay the same while the next one changes.
func TestCausalConv3DIsCausal(t *testing.T) {
	tests := []struct {
		name           string
		kernel, stride [3]int
		frames         int
		lastKept       int // input frames > lastKept are changed
		unchanged      int // output frames [0, unchanged) must not change; frame `unchanged` must
	}{
		// Stride 1: output t reads input frames t-2..t.
		{"k333", [3]int{3, 3, 3}, [3]int{1, 1, 1}, 5, 2, 3},
		{"k311", [3]int{3, 1, 1}, [3]int{1, 1, 1}, 5, 0, 1},
		// Time stride 2, one padded frame: output j reads input frames 2j-1..2j+1.
		{"k311/s211", [3]int{3, 1, 1}, [3]int{2, 1, 1}, 7, 3, 2},
	}
	for ti, tc := range tests {
		for _, path := range []ConvPath{ConvPathIm2col, ConvPathNative} {
			t.Run(tc.name+"/"+path.String(), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(ti), 9))
				xd := []int{1, tc.frames, 4, 4, 2}
				frameSize := xd[2] * xd[3] * xd[4]
				x := randomFloats(rng, tc.frames*frameSize)
				x2 := slices.Clone(x)
				copy(x2[(tc.lastKept+1)*frameSize:], randomFloats(rng, (tc.frames-tc.lastKept-1)*frameSize))
				got, dims := runGraph(t, newStore(2), false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
					conv := scope.In("conv")
					return []*graph.Node{
						CausalConv3D(conv, in[0], 3, tc.kernel, tc.stride, WithConvPath(path)),
						CausalConv3D(conv, in[1], 3, tc.kernel, tc.stride, WithConvPath(path)),
					}
				}, tensors.FromFlatDataAndDimensions(x, xd...), tensors.FromFlatDataAndDimensions(x2, xd...))
				outFrame := dims[0][2] * dims[0][3] * dims[0][4]
				if dims[0][1] <= tc.unchanged {
					t.Fatalf("output has %d frames, the test needs more than %d", dims[0][1], tc.unchanged)
				}
				keep := tc.unchanged * outFrame
				if d := maxAbsDiff(got[0][:keep], got[1][:keep]); d != 0 {
					t.Errorf("output frames < %d changed by %g when input frames > %d changed", tc.unchanged, d, tc.lastKept)
				}
				if d := maxAbsDiff(got[0][keep:keep+outFrame], got[1][keep:keep+outFrame]); d == 0 {
					t.Errorf("output frame %d did not change when input frames > %d changed", tc.unchanged, tc.lastKept)
				}
			})
		}
	}
}

// TestCausalConv3DAutoPath checks which path each option builds on the Go backend: the default
// (im2col there) has no convolution op, the forced native path has one.
func TestCausalConv3DAutoPath(t *testing.T) {
	if !isGoBackend(testBackend()) {
		t.Fatalf("test backend %q not recognized as the Go backend", testBackend().Name())
	}
	for _, tc := range []struct {
		path     ConvPath
		wantConv bool
	}{{ConvPathAuto, false}, {ConvPathIm2col, false}, {ConvPathNative, true}} {
		g := graph.NewGraph(testBackend(), "conv_"+tc.path.String())
		x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 2, 3, 4, 4, 2))
		y := CausalConv3D(newStore(1).RootScope().In("conv"), x, 3, [3]int{3, 3, 3}, [3]int{1, 1, 1}, WithConvPath(tc.path))
		seen := map[*graph.Node]bool{}
		var hasConv func(n *graph.Node) bool
		hasConv = func(n *graph.Node) bool {
			if seen[n] {
				return false
			}
			seen[n] = true
			return n.Type() == graph.NodeTypeConvGeneral || slices.ContainsFunc(n.Inputs(), hasConv)
		}
		if got := hasConv(y); got != tc.wantConv {
			t.Errorf("path %s: graph has ConvGeneral = %v, want %v", tc.path, got, tc.wantConv)
		}
		g.Finalize()
	}
}

// BenchmarkCausalConv3D times forward+backward of a (1,3,3) convolution, 64 to 64 channels, on
// [1, 5, 32, 32, 64] for each path on the Go backend.
func BenchmarkCausalConv3D(b *testing.B) {
	xd := []int{1, 5, 32, 32, 64}
	const out = 64
	kernel := [3]int{1, 3, 3}
	// 2 FLOPs per multiply-accumulate; backward costs twice the forward (input and weight grads).
	flops := 3 * 2.0 * float64(xd[1]*xd[2]*xd[3]) * float64(kernel[0]*kernel[1]*kernel[2]*xd[4]*out)
	x := tensors.FromFlatDataAndDimensions(randomFloats(rand.New(rand.NewPCG(1, 1)), xd[1]*xd[2]*xd[3]*xd[4]), xd...)
	for _, path := range []ConvPath{ConvPathIm2col, ConvPathNative} {
		b.Run(path.String(), func(b *testing.B) {
			exec, err := model.NewExec(testBackend(), newStore(1), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				scope.Store().SetTraining(in[0].Graph(), true)
				conv := scope.In("conv")
				y := CausalConv3D(conv, in[0], out, kernel, [3]int{1, 1, 1}, WithConvPath(path))
				w := conv.GetVariable(WeightsName).NodeValue(in[0].Graph())
				return graph.Gradient(graph.ReduceAllSum(y), in[0], w)
			})
			if err != nil {
				b.Fatal(err)
			}
			defer exec.Finalize()
			run := func() {
				outs, err := exec.Call(x)
				if err != nil {
					b.Fatal(err)
				}
				for _, o := range outs {
					o.FinalizeAll()
				}
			}
			run() // compile
			iterations := 0
			for b.Loop() {
				run()
				iterations++
			}
			b.ReportMetric(flops*float64(iterations)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
