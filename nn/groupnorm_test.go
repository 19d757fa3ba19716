package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// gnDims is the [B, T, H, W, C] shape of the GroupNorm tests.
var gnDims = []int{2, 3, 4, 5, 6}

// gnInput returns seeded input whose frames each have their own mean and spread, so a norm over
// the wrong axes would not come out at zero mean and unit variance per frame.
func gnInput(rng *rand.Rand) []float32 {
	frame := gnDims[2] * gnDims[3] * gnDims[4]
	x := randomFloats(rng, gnDims[0]*gnDims[1]*frame)
	for f := range gnDims[0] * gnDims[1] {
		for i := f * frame; i < (f+1)*frame; i++ {
			x[i] = x[i]*float32(1+f) + float32(3*f-5)
		}
	}
	return x
}

func TestGroupNorm1PerFrameStatistics(t *testing.T) {
	x := gnInput(rand.New(rand.NewPCG(21, 22)))
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			got, dims := runGraph(t, newStore(1), mode.training, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				return []*graph.Node{GroupNorm1PerFrame(scope.In("norm"), in[0], DefaultGroupNormEpsilon)}
			}, tensors.FromFlatDataAndDimensions(x, gnDims...))
			if !slices.Equal(dims[0], gnDims) {
				t.Fatalf("output shape %v, want %v", dims[0], gnDims)
			}
			// At initialization (scale 1, offset 0) every (b, t) slice over H, W, C has mean 0 and
			// variance var/(var+eps), within 1e-5 of 1 for these inputs (var >= ~0.5).
			frame := gnDims[2] * gnDims[3] * gnDims[4]
			for f := range gnDims[0] * gnDims[1] {
				var mean, sq float64
				for _, v := range got[0][f*frame : (f+1)*frame] {
					mean += float64(v) / float64(frame)
					sq += float64(v) * float64(v) / float64(frame)
				}
				if variance := sq - mean*mean; math.Abs(mean) > 1e-5 || math.Abs(variance-1) > 1e-4 {
					t.Errorf("frame %d (b=%d, t=%d): mean %g, variance %g, want 0 and 1",
						f, f/gnDims[1], f%gnDims[1], mean, variance)
				}
			}
		})
	}
}

// TestGroupNorm1PerFrameAffine sets a non-trivial scale and offset and compares with the formula.
func TestGroupNorm1PerFrameAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	x := gnInput(rng)
	c := gnDims[4]
	scale, offset := randomFloats(rng, c), randomFloats(rng, c)
	const eps = 1e-3 // large enough that leaving it out would show
	store := newStore(1)
	scope := store.RootScope().In("norm")
	for name, v := range map[string][]float32{ScaleName: scale, OffsetName: offset} {
		if _, err := scope.CreateVariable(name, tensors.FromFlatDataAndDimensions(v, c)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := runGraph(t, store, false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{GroupNorm1PerFrame(scope.In("norm"), in[0], eps)}
	}, tensors.FromFlatDataAndDimensions(x, gnDims...))
	frame := gnDims[2] * gnDims[3] * c
	want := make([]float32, len(x))
	for f := range gnDims[0] * gnDims[1] {
		values := x[f*frame : (f+1)*frame]
		var mean, variance float64
		for _, v := range values {
			mean += float64(v) / float64(frame)
		}
		for _, v := range values {
			variance += (float64(v) - mean) * (float64(v) - mean) / float64(frame)
		}
		for i, v := range values {
			ch := i % c
			want[f*frame+i] = float32((float64(v)-mean)/math.Sqrt(variance+eps)*float64(scale[ch]) + float64(offset[ch]))
		}
	}
	if d := maxAbsDiff(got[0], want); d > 1e-4 {
		t.Errorf("max |GroupNorm1PerFrame - formula| = %g", d)
	}
}

// TestGroupNorm1PerFrameIsCausal changes the last frame of every video and checks that only that
// frame's output changes.
func TestGroupNorm1PerFrameIsCausal(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	x := gnInput(rng)
	x2 := slices.Clone(x)
	frame := gnDims[2] * gnDims[3] * gnDims[4]
	last := gnDims[1] - 1
	for b := range gnDims[0] {
		start := (b*gnDims[1] + last) * frame
		copy(x2[start:start+frame], randomFloats(rng, frame))
	}
	got, _ := runGraph(t, newStore(1), false, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		norm := scope.In("norm")
		return []*graph.Node{GroupNorm1PerFrame(norm, in[0], DefaultGroupNormEpsilon), GroupNorm1PerFrame(norm, in[1], DefaultGroupNormEpsilon)}
	}, tensors.FromFlatDataAndDimensions(x, gnDims...), tensors.FromFlatDataAndDimensions(x2, gnDims...))
	for b := range gnDims[0] {
		for tt := range gnDims[1] {
			start := (b*gnDims[1] + tt) * frame
			d := maxAbsDiff(got[0][start:start+frame], got[1][start:start+frame])
			if changed := d != 0; changed != (tt == last) {
				t.Errorf("b=%d t=%d: output changed by %g, want a change only in frame %d", b, tt, d, last)
			}
		}
	}
}
