package diffusion

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/safetensors"
)

// TestSaveWeightsFloat16 saves a model in float16, checks the file holds F16 tensors at about
// half the float32 file's size, and that LoadWeights gives float32 variables within float16
// rounding of the originals (relative 2⁻¹¹; values under float16's smallest normal, 6.1e-5,
// may flush to zero).
func TestSaveWeightsFloat16(t *testing.T) {
	c := mustPreset(t, "tiny-v2w")
	m := mustNew(t, c)
	store := newStore(5)
	runOn(t, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{m.Denoise(scope, in[0], in[1], Conditioning{Context: in[2], FPS: in[3]})}
	}, randn(1, 1, 2, 2, 2, 16), full(1, 1), randn(2, 1, 2, c.ContextDim), full(24, 1))
	dir := t.TempDir()
	f32, f16 := filepath.Join(dir, "f32.safetensors"), filepath.Join(dir, "f16.safetensors")
	if err := SaveWeights(f32, store, c, false); err != nil {
		t.Fatal(err)
	}
	if err := SaveWeightsAs(f16, store, c, false, dtypes.Float16); err != nil {
		t.Fatal(err)
	}
	s32, _ := os.Stat(f32)
	s16, _ := os.Stat(f16)
	if ratio := float64(s16.Size()) / float64(s32.Size()); ratio > 0.55 || ratio < 0.45 {
		t.Errorf("float16 file is %.2f of the float32 one", ratio)
	}
	f, err := safetensors.Open(f16)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range f.Names() {
		if info, _ := f.Info(name); info.DType != safetensors.F16 {
			t.Errorf("%s stored as %s", name, info.DType)
		}
	}
	f.Close()
	a, _, err := LoadWeights(f32, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := LoadWeights(f16, false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for v := range a.IterVariables() {
		w := b.GetVariable(v.Path())
		if w == nil || w.DType() != dtypes.Float32 {
			t.Fatalf("variable %s missing or not float32 after loading float16", v.Path())
		}
		x, y := tensors.MustCopyFlatData[float32](v.MustValue()), tensors.MustCopyFlatData[float32](w.MustValue())
		for i := range x {
			if math.Abs(float64(x[i]-y[i])) > 1e-3*math.Abs(float64(x[i]))+6.2e-5 {
				t.Fatalf("%s[%d]: %g after float16, want %g", v.Path(), i, y[i], x[i])
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no variables")
	}
	if err := SaveWeightsAs(f16, store, c, false, dtypes.Int32); err == nil {
		t.Error("int32 weights accepted")
	}
}
