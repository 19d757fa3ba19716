package bench

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/autoregressive"
)

// arReplica runs bench/torch/ar_decode_bench.py with args and decodes its JSON output.
func arReplica(t *testing.T, py string, out any, args ...string) {
	t.Helper()
	runReplica(t, py, "ar_decode_bench.py", out, args...)
}

// goARVariables builds autoregressive.Model.Forward for c on the Go backend (one token, one
// text token with cross-attention) and returns its trainable variables' paths and shapes.
func goARVariables(t *testing.T, c autoregressive.Config) map[string][]int {
	t.Helper()
	m, err := autoregressive.New(c)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(dataSeed))
	exec, err := model.NewExec(newGoBackend(t), store, func(scope *model.Scope, ids, text *graph.Node) []*graph.Node {
		if !c.CrossAttn {
			text = nil
		}
		logits, medusa := m.Forward(scope, ids, autoregressive.Grid{T: 1, H: 1, W: 1}, text, nil)
		return append([]*graph.Node{logits}, medusa...)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Call(tensors.FromFlatDataAndDimensions([]int32{0}, 1, 1),
		tensors.FromFlatDataAndDimensions(make([]float32, max(c.TextDim, 1)), 1, 1, max(c.TextDim, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		_ = o.FinalizeAll()
	}
	vars := map[string][]int{}
	for v := range store.IterVariables() {
		if !v.Trainable {
			continue
		}
		vars[v.Path()] = slices.Clone(v.Shape().Dimensions)
	}
	return vars
}

// TestTorchARReplica keeps bench/torch/ar_decode_bench.py, the PyTorch replica of the decode
// loop `wfm bench autoregressive` times, in step with autoregressive.Model: for every preset
// its parameter count is Config.NumParams; for the tiny model with every option on (GQA, a
// head width set apart from d_model, YaRN, the absolute position embedding, cross-attention,
// Medusa heads) its parameters are ours by path and shape; and it decodes the same shape as
// bench.Autoregressive, reporting the same figures. Skipped without a python3 that has torch.
func TestTorchARReplica(t *testing.T) {
	py := torchPython()
	if py == "" {
		t.Skip("no python3 with torch")
	}
	dir := t.TempDir()
	write := func(name string, c autoregressive.Config) string {
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	full := tinyAR(t)
	full.Name, full.HeadDim, full.NumHeads = "full", 24, 4
	full.YaRNScale, full.YaRNOriginalT, full.YaRNBetaFast, full.YaRNBetaSlow = 2, 2, 4, 1
	full.AbsPosEmb, full.CrossAttn, full.TextDim, full.MedusaHeads = true, true, 12, 3
	configs := []autoregressive.Config{full}
	for _, name := range autoregressive.PresetNames() {
		c, err := autoregressive.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, c)
	}
	var args []string
	for _, c := range configs {
		args = append(args, "--config", write(c.Name, c))
	}

	var listing struct {
		Configs []struct {
			Name   string `json:"name"`
			Total  int64  `json:"total"`
			Params []struct {
				Name  string `json:"name"`
				Shape []int  `json:"shape"`
			} `json:"params"`
		} `json:"configs"`
	}
	arReplica(t, py, &listing, append(args, "--print-params")...)
	if len(listing.Configs) != len(configs) {
		t.Fatalf("replica listed %d configurations, want %d", len(listing.Configs), len(configs))
	}
	for i, c := range configs {
		got := listing.Configs[i]
		if got.Name != c.Name || got.Total != c.NumParams() {
			t.Errorf("%s: replica %q has %d parameters, NumParams() = %d", c.Name, got.Name, got.Total, c.NumParams())
		}
		if c.Name != "full" && c.Name != "tiny" {
			continue
		}
		want := goARVariables(t, c)
		seen := map[string]bool{}
		for _, p := range got.Params {
			seen[p.Name] = true
			if dims, ok := want[p.Name]; !ok {
				t.Errorf("%s: replica parameter %s %v: no such variable in ours", c.Name, p.Name, p.Shape)
			} else if !slices.Equal(dims, p.Shape) {
				t.Errorf("%s: %s: replica shape %v, ours %v", c.Name, p.Name, p.Shape, dims)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(want)) {
			if !seen[name] {
				t.Errorf("%s: variable %s %v missing from the replica", c.Name, name, want[name])
			}
		}
	}

	// One decode of the full configuration: the replica picks our grid and reports our figures.
	full.MedusaHeads = 0
	shape := ARShape{Batch: 2, Context: 5, New: 6, TextLen: 3}
	ours, err := Autoregressive(context.Background(), newGoBackend(t), full, shape, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Params int64 `json:"params"`
		Shape  struct {
			Batch, Context, New int
			Grid                autoregressive.Grid `json:"grid"`
			TextLen             int                 `json:"text_len"`
		} `json:"shape"`
		ARTimes
	}
	arReplica(t, py, &got, "--config", write("decode", full), "--batch", "2", "--context", "5", "--new", "6",
		"--text-len", "3", "--warmup", "1", "--threads", "1", "--device", "cpu")
	if got.Params != full.NumParams() || got.Shape.Grid != ours.Shape.Grid || got.Shape.TextLen != 3 ||
		got.Shape.Batch != 2 || got.Shape.Context != 5 || got.Shape.New != 6 {
		t.Errorf("replica decoded %+v with %d parameters; ours %+v with %d", got.Shape, got.Params, ours.Shape, full.NumParams())
	}
	if !(got.PrefillSeconds > 0 && got.DecodeSeconds > 0 && got.MedianMsPerStep > 0) ||
		got.DecodeTokensPerSecond*got.DecodeSeconds < 11.99 || got.DecodeTokensPerSecond*got.DecodeSeconds > 12.01 {
		t.Errorf("replica times %+v", got.ARTimes)
	}
}
