package tokenizer

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestPointConvOut checks Config.PointConvOut: the decoder's conv_out_1 becomes a 1x1x1
// convolution (a third of the (3,1,1) one's weights), everything else keeps its shape, and the
// official export carries it under the same key and loads back into the same configuration.
func TestPointConvOut(t *testing.T) {
	b := testBackend()
	shapes := func(cfg Config) map[string][]int {
		store, err := InitStore(b, mustNew(t, cfg), 1)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]int{}
		for v := range store.IterVariables() {
			out[v.Path()] = slices.Clone(v.Shape().Dimensions)
		}
		return out
	}
	wide := shortcutConfig(true)
	narrow := wide
	narrow.PointConvOut = true
	ws, ns := shapes(wide), shapes(narrow)
	const key = "/decoder/conv_out_1/weights"
	p := 3 * 4 * 4 * 4
	if !slices.Equal(ws[key], []int{3, 1, 1, p, p}) || !slices.Equal(ns[key], []int{1, 1, 1, p, p}) {
		t.Errorf("%s: %v without point_conv_out, %v with; want [3 1 1 %d %d] and [1 1 1 %d %d]", key, ws[key], ns[key], p, p, p, p)
	}
	if len(ws) != len(ns) {
		t.Errorf("%d variables without point_conv_out, %d with", len(ws), len(ns))
	}
	for path, dims := range ws {
		if path != key && !slices.Equal(ns[path], dims) {
			t.Errorf("%s: %v with point_conv_out, %v without", path, ns[path], dims)
		}
	}
	store, err := InitStore(b, mustNew(t, narrow), 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "narrow.safetensors")
	if err := ExportOfficial(store, narrow, path); err != nil {
		t.Fatal(err)
	}
	_, cfg, err := LoadWeights(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.PointConvOut || !SameModel(cfg, narrow) {
		t.Errorf("loaded config %+v, want %+v", cfg, narrow)
	}
}
