package tokenizer

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// testBackend is the shared pure-Go test backend (internal/testutil).
var testBackend = testutil.Backend

// runFloat builds fn once, runs it on a float32 tensor of the given dims and returns the flat
// output with its dims.
func runFloat(t *testing.T, fn func(*graph.Node) *graph.Node, data []float32, dims ...int) ([]float32, []int) {
	t.Helper()
	out, err := graph.ExecOnce(testBackend(), fn, tensors.FromFlatDataAndDimensions(data, dims...))
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out), out.Shape().Dimensions
}

func randomData(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.Float64()*2 - 1)
	}
	return out
}

// refVolume is a channels-first block [c][d0][d1][d2] in float64 for the reference transform.
type refVolume struct {
	c    int
	d    [3]int
	data []float64
}

func (v refVolume) at(c, i, j, k int) int { return ((c*v.d[0]+i)*v.d[1]+j)*v.d[2] + k }

// haar1D is the reference's stride-2 convolution pair along axis (0..2): low = (a+b)/√2,
// high = (a-b)/√2 with a the first element of each pair.
func (v refVolume) haar1D(axis int) (low, high refVolume) {
	d := v.d
	d[axis] /= 2
	low = refVolume{c: v.c, d: d, data: make([]float64, v.c*d[0]*d[1]*d[2])}
	high = refVolume{c: v.c, d: d, data: make([]float64, len(low.data))}
	for c := range v.c {
		for i := range d[0] {
			for j := range d[1] {
				for k := range d[2] {
					idx := [3]int{i, j, k}
					idx[axis] *= 2
					a := v.data[v.at(c, idx[0], idx[1], idx[2])]
					idx[axis]++
					b := v.data[v.at(c, idx[0], idx[1], idx[2])]
					low.data[low.at(c, i, j, k)] = (a + b) / math.Sqrt2
					high.data[low.at(c, i, j, k)] = (a - b) / math.Sqrt2
				}
			}
		}
	}
	return low, high
}

// refLevel follows Patcher3D._dwt / Patcher._dwt: filter along the axes in order, each filter
// splitting every band into (low, high) in place, concatenate the bands on channels and rescale.
func (v refVolume) refLevel(axes []int, rescale float64) refVolume {
	bands := []refVolume{v}
	for _, axis := range axes {
		var next []refVolume
		for _, b := range bands {
			low, high := b.haar1D(axis)
			next = append(next, low, high)
		}
		bands = next
	}
	out := refVolume{c: v.c * len(bands), d: bands[0].d}
	for _, b := range bands {
		for _, x := range b.data {
			out.data = append(out.data, x/rescale)
		}
	}
	return out
}

// refPatch is an independent plain-Go port of the reference semantics for channels-last input
// [b, d0, d1, d2, c] (images use d0 = 1): video repeats the first frame and filters T, H, W with
// rescale 2√2; images filter W then H with rescale 2. It returns channels-last output and dims.
func refPatch(x []float32, dims []int, p int, video bool) ([]float64, []int) {
	b, c := dims[0], dims[4]
	var out []float64
	var outDims []int
	for bi := range b {
		v := refVolume{c: c, d: [3]int{dims[1], dims[2], dims[3]}}
		v.data = make([]float64, c*dims[1]*dims[2]*dims[3])
		for i := range dims[1] {
			for j := range dims[2] {
				for k := range dims[3] {
					for ci := range c {
						v.data[v.at(ci, i, j, k)] = float64(x[(((bi*dims[1]+i)*dims[2]+j)*dims[3]+k)*c+ci])
					}
				}
			}
		}
		axes, rescale := []int{0, 1, 2}, 2*math.Sqrt2
		if video {
			frame := v.data[:0:0]
			for ci := range c {
				plane := v.data[v.at(ci, 0, 0, 0):v.at(ci, 1, 0, 0)]
				for range p - 1 {
					frame = append(frame, plane...)
				}
				frame = append(frame, v.data[v.at(ci, 0, 0, 0):v.at(ci+1, 0, 0, 0)]...)
			}
			v.d[0] += p - 1
			v.data = frame
		} else {
			axes, rescale = []int{2, 1}, 2
		}
		for level := 1; level < p; level *= 2 {
			v = v.refLevel(axes, rescale)
		}
		for i := range v.d[0] {
			for j := range v.d[1] {
				for k := range v.d[2] {
					for ci := range v.c {
						out = append(out, v.data[v.at(ci, i, j, k)])
					}
				}
			}
		}
		outDims = []int{b, v.d[0], v.d[1], v.d[2], v.c}
	}
	return out, outDims
}

var patchCases = []struct {
	name  string
	video bool
	p     int
	dims  []int // video [B, 1+T, H, W, C]; images [B, H, W, C]
	want  []int
}{
	{"video p1", true, 1, []int{1, 3, 2, 2, 2}, []int{1, 3, 2, 2, 2}},
	{"video p2", true, 2, []int{2, 5, 4, 6, 3}, []int{2, 3, 2, 3, 24}},
	{"video p4", true, 4, []int{1, 9, 8, 8, 3}, []int{1, 3, 2, 2, 192}},
	{"video p4 one frame", true, 4, []int{1, 1, 4, 8, 1}, []int{1, 1, 1, 2, 64}},
	{"image p1", false, 1, []int{1, 2, 2, 3}, []int{1, 2, 2, 3}},
	{"image p2", false, 2, []int{2, 4, 6, 3}, []int{2, 2, 3, 12}},
	{"image p4", false, 4, []int{1, 8, 4, 3}, []int{1, 2, 1, 48}},
}

func patchFns(video bool, p int) (patch, unpatch func(*graph.Node) *graph.Node) {
	if video {
		return func(x *graph.Node) *graph.Node { return HaarPatch3D(x, p) },
			func(z *graph.Node) *graph.Node { return HaarUnpatch3D(z, p) }
	}
	return func(x *graph.Node) *graph.Node { return HaarPatch2D(x, p) },
		func(z *graph.Node) *graph.Node { return HaarUnpatch2D(z, p) }
}

// TestHaarPatchMatchesReference checks shapes and values against refPatch, a loop-by-loop port
// of the reference's sequence of 1-D filters, and that the inverse reconstructs the input.
func TestHaarPatchMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range patchCases {
		t.Run(tc.name, func(t *testing.T) {
			n := 1
			for _, d := range tc.dims {
				n *= d
			}
			x := randomData(rng, n)
			patch, unpatch := patchFns(tc.video, tc.p)
			got, gotDims := runFloat(t, patch, x, tc.dims...)
			if !slices.Equal(gotDims, tc.want) {
				t.Fatalf("patched shape %v, want %v", gotDims, tc.want)
			}
			refDims := tc.dims
			if !tc.video {
				refDims = []int{tc.dims[0], 1, tc.dims[1], tc.dims[2], tc.dims[3]}
			}
			want, _ := refPatch(x, refDims, tc.p, tc.video)
			for i := range want {
				if math.Abs(float64(got[i])-want[i]) > 1e-5 {
					t.Fatalf("coefficient %d = %g, reference %g", i, got[i], want[i])
				}
			}
			back, backDims := runFloat(t, unpatch, got, gotDims...)
			if !slices.Equal(backDims, tc.dims) {
				t.Fatalf("unpatched shape %v, want %v", backDims, tc.dims)
			}
			for i := range x {
				if math.Abs(float64(back[i]-x[i])) > 1e-5 {
					t.Fatalf("round trip element %d = %g, want %g", i, back[i], x[i])
				}
			}
		})
	}
}

// TestHaarPatchHandComputed checks small cases worked out by hand from the definition
// coefficient = (1/2ⁿ)·Σ ±x over a block (sign - on the second element along each high axis).
func TestHaarPatchHandComputed(t *testing.T) {
	// Video p=2 on [1, 3, 2, 2, 1] gives [1, 2, 1, 1, 8]: latent frame 0 is input frame 0 alone,
	// latent frame 1 is frames 1 and 2.
	video := func(f func(t, h, w int) float32) []float32 {
		var x []float32
		for ti := range 3 {
			for h := range 2 {
				for w := range 2 {
					x = append(x, f(ti, h, w))
				}
			}
		}
		return x
	}
	image := func(hs, ws int, f func(h, w int) float32) []float32 {
		var x []float32
		for h := range hs {
			for w := range ws {
				x = append(x, f(h, w))
			}
		}
		return x
	}
	for _, tc := range []struct {
		name  string
		video bool
		p     int
		dims  []int
		x     []float32
		want  []float32
	}{
		{"video constant: mean in band lll", true, 2, []int{1, 3, 2, 2, 1},
			video(func(_, _, _ int) float32 { return 0.7 }),
			[]float32{0.7, 0, 0, 0, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 0, 0, 0}},
		{"video ramp in W: band llh = 1", true, 2, []int{1, 3, 2, 2, 1},
			video(func(_, _, w int) float32 { return float32(w) }),
			[]float32{0.5, -0.5, 0, 0, 0, 0, 0, 0, 0.5, -0.5, 0, 0, 0, 0, 0, 0}},
		{"video ramp in H: band lhl = 2", true, 2, []int{1, 3, 2, 2, 1},
			video(func(_, h, _ int) float32 { return float32(h) }),
			[]float32{0.5, 0, -0.5, 0, 0, 0, 0, 0, 0.5, 0, -0.5, 0, 0, 0, 0, 0}},
		{"video step in T: band hll = 4, first frame alone", true, 2, []int{1, 3, 2, 2, 1},
			video(func(ti, _, _ int) float32 { return []float32{5, 0, 1}[ti] }),
			[]float32{5, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, -0.5, 0, 0, 0}},
		{"image ramp in W: band 2", false, 2, []int{1, 2, 2, 1},
			image(2, 2, func(_, w int) float32 { return float32(w) }), []float32{0.5, 0, -0.5, 0}},
		{"image ramp in H: band 1", false, 2, []int{1, 2, 2, 1},
			image(2, 2, func(h, _ int) float32 { return float32(h) }), []float32{0.5, -0.5, 0, 0}},
		// Two levels, x = w over 4 columns: level 1 gives blocks (ll 0.5, w-high -0.5) and
		// (ll 2.5, w-high -0.5); level 2 on channel ll: mean 1.5, w-high (0.5-2.5)/2 = -1 at
		// channel 2·4+0; on channel w-high: mean -0.5 at channel 0·4+2.
		{"image two levels", false, 4, []int{1, 4, 4, 1},
			image(4, 4, func(_, w int) float32 { return float32(w) }),
			[]float32{1.5, 0, -0.5, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			patch, _ := patchFns(tc.video, tc.p)
			got, _ := runFloat(t, patch, tc.x, tc.dims...)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d coefficients, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if math.Abs(float64(got[i]-tc.want[i])) > 1e-6 {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// perturbLater returns a copy of x [B, frames, ...] with every frame but the first shifted.
func perturbLater(rng *rand.Rand, x []float32, batch, frames int) []float32 {
	y := slices.Clone(x)
	per := len(x) / (batch * frames)
	for b := range batch {
		for i := (b*frames + 1) * per; i < (b+1)*frames*per; i++ {
			y[i] += float32(rng.Float64() + 0.1)
		}
	}
	return y
}

// TestHaarPatchCausal perturbs every frame but the first and checks that the first output frame
// is unchanged bit for bit while the others change, for the patcher and for its inverse.
func TestHaarPatchCausal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range []int{2, 4} {
		patch, unpatch := patchFns(true, p)
		for _, tc := range []struct {
			name string
			fn   func(*graph.Node) *graph.Node
			dims []int
		}{
			{"patch", patch, []int{2, 1 + 2*p, 4, 4, 3}},
			{"unpatch", unpatch, []int{2, 3, 4 / p, 4 / p, 3 * p * p * p}},
		} {
			n := 1
			for _, d := range tc.dims {
				n *= d
			}
			x := randomData(rng, n)
			y := perturbLater(rng, x, tc.dims[0], tc.dims[1])
			outX, outDims := runFloat(t, tc.fn, x, tc.dims...)
			outY, _ := runFloat(t, tc.fn, y, tc.dims...)
			per := len(outX) / (outDims[0] * outDims[1])
			for b := range outDims[0] {
				first, end := b*outDims[1]*per, (b+1)*outDims[1]*per
				if !slices.Equal(outX[first:first+per], outY[first:first+per]) {
					t.Errorf("p=%d %s: first frame of batch %d changed when later frames did", p, tc.name, b)
				}
				if slices.Equal(outX[first+per:end], outY[first+per:end]) {
					t.Errorf("p=%d %s: later frames of batch %d did not change", p, tc.name, b)
				}
			}
		}
	}
}

func TestHaarPatchRejectsBadShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(*graph.Node) *graph.Node
		dims []int
	}{
		{"patch size 3", func(x *graph.Node) *graph.Node { return HaarPatch3D(x, 3) }, []int{1, 4, 3, 3, 1}},
		{"frames not 1+4k", func(x *graph.Node) *graph.Node { return HaarPatch3D(x, 4) }, []int{1, 4, 4, 4, 1}},
		{"width not a multiple", func(x *graph.Node) *graph.Node { return HaarPatch2D(x, 2) }, []int{1, 4, 3, 1}},
		{"image given to video", func(x *graph.Node) *graph.Node { return HaarPatch3D(x, 2) }, []int{1, 4, 4, 1}},
		{"channels not 8k", func(x *graph.Node) *graph.Node { return HaarUnpatch3D(x, 2) }, []int{1, 2, 2, 2, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 1
			for _, d := range tc.dims {
				n *= d
			}
			_, err := graph.ExecOnce(testBackend(), tc.fn, tensors.FromFlatDataAndDimensions(make([]float32, n), tc.dims...))
			if err == nil || !strings.Contains(err.Error(), "tokenizer.") {
				t.Fatalf("shape %v: got error %v, want the patcher's shape panic", tc.dims, err)
			}
		})
	}
}

// BenchmarkHaarPatch3D times the Cosmos p=4 patcher and its inverse on a 17-frame 256×256 clip,
// the temporal window the reference CLI uses.
func BenchmarkHaarPatch3D(b *testing.B) {
	dims := []int{1, 17, 256, 256, 3}
	x := tensors.FromFlatDataAndDimensions(randomData(rand.New(rand.NewPCG(7, 8)), 17*256*256*3), dims...)
	exec, err := graph.NewExec(testBackend(), func(x *graph.Node) *graph.Node {
		return HaarUnpatch3D(HaarPatch3D(x, 4), 4)
	})
	if err != nil {
		b.Fatal(err)
	}
	defer exec.Finalize()
	for b.Loop() {
		outs, err := exec.Call(x)
		if err != nil {
			b.Fatal(err)
		}
		outs[0].FinalizeAll()
	}
}
