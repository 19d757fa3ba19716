package diffusion

import (
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// TestExtraChannels checks Config.ExtraChannels: the parameter count includes the wider patch
// embedding, the output depends on the extra input, and TrainLoss takes the five-tensor batch.
func TestExtraChannels(t *testing.T) {
	c := mustPreset(t, "tiny")
	c.ExtraChannels = 4
	if got, want := int64(buildGraphOnlyExtra(t, c).NumParameters()), c.ParamCount(); got != want {
		t.Errorf("built graph has %d parameters, ParamCount says %d", got, want)
	}
	if bad := c; true {
		bad.ExtraChannels = -1
		if bad.Validate() == nil {
			t.Error("ExtraChannels -1 validated")
		}
	}
	m := mustNew(t, c)
	store := newStore(3)
	fwd := func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{m.Forward(scope, Inputs{X: in[0], Timestep: in[1], Context: in[2], FPS: in[3], Extra: in[4]})}
	}
	x, ts, ctx, fps := randn(1, 1, 2, 4, 4, 16), randn(2, 1), full(0, 1, 1, c.ContextDim), full(24, 1)
	a := runOn(t, store, fwd, x, ts, ctx, fps, randn(5, 1, 2, 4, 4, 4))[0]
	b := runOn(t, store, fwd, x, ts, ctx, fps, randn(6, 1, 2, 4, 4, 4))[0]
	if d := maxAbsDiff(a, b); d < 1e-4 {
		t.Errorf("output does not depend on the extra channels (max diff %g)", d)
	}
	loss, err := m.TrainLoss(TrainOptions{PStd: 1})
	if err != nil {
		t.Fatal(err)
	}
	l := runOn(t, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{loss(scope, in)}
	}, randn(7, 2, 2, 4, 4, 16), full(0, 2, 1, c.ContextDim), full(24, 2), full(0, 2, 4, 4), randn(8, 2, 2, 4, 4, 4))[0]
	if len(l) != 1 || !(l[0] > 0) {
		t.Errorf("loss %v", l)
	}
}

func buildGraphOnlyExtra(t *testing.T, c Config) *model.Store {
	t.Helper()
	m := mustNew(t, c)
	store := model.NewStore()
	g := graph.NewGraph(testBackend(), "shape-only")
	defer g.Finalize()
	model.SetStore(g, store)
	p := func(name string, dims ...int) *graph.Node {
		return graph.Parameter(g, name, shapes.Make(dtypes.Float32, dims...))
	}
	m.Forward(store.RootScope(), Inputs{X: p("x", 1, 1, 2, 2, 16), Timestep: p("t", 1), Context: p("ctx", 1, 1, c.ContextDim),
		FPS: p("fps", 1), Extra: p("extra", 1, 1, 2, 2, c.ExtraChannels)})
	return store
}
