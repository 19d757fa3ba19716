package bench

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/nn"
)

// runReplica runs the PyTorch replica bench/torch/SCRIPT with args and --json, and decodes its
// JSON output into out.
func runReplica(t *testing.T, py, script string, out any, args ...string) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("torch", script))
	if err != nil {
		t.Fatal(err)
	}
	data, err := exec.Command(py, append([]string{path, "--json"}, args...)...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %v: %v\n%s", script, args, err, stderr)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s %v: %v\n%s", script, args, err, data)
	}
}

// transformerReplica runs bench/torch/transformer_bench.py with args and decodes its JSON output.
func transformerReplica(t *testing.T, py string, out any, args ...string) {
	t.Helper()
	runReplica(t, py, "transformer_bench.py", out, args...)
}

// goTransformerVariables builds nn.TransformerLM for cfg on the Go backend (one token) and returns
// its trainable variables' paths and shapes.
func goTransformerVariables(t *testing.T, cfg nn.TransformerConfig) map[string][]int {
	t.Helper()
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(dataSeed))
	exec, err := model.NewExec(newGoBackend(t), store, func(scope *model.Scope, tokens *graph.Node) *graph.Node {
		return nn.TransformerLM(scope, cfg, tokens)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	outs, err := exec.Call(tensors.FromFlatDataAndDimensions([]int32{0}, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	outs[0].FinalizeAll()
	vars := map[string][]int{}
	for v := range store.IterVariables() {
		if v.Trainable {
			vars[v.Path()] = slices.Clone(v.Shape().Dimensions)
		}
	}
	return vars
}

// TestTorchTransformerReplica keeps bench/torch/transformer_bench.py, the PyTorch replica of the
// step `wfm bench` times, in step with nn.TransformerLM: its presets must be ours, its parameters
// ours by path and shape, and its step must report our parameter count and TrainStepFLOPs. It
// also reads a configuration in `wfm bench --json`'s layout (QK-norm, GELU with RMSNorm, no
// biases: the branches the presets leave out). Skipped without a python3 that has torch (CI).
func TestTorchTransformerReplica(t *testing.T) {
	py := torchPython()
	if py == "" {
		t.Skip("no python3 with torch")
	}
	type listing struct {
		Params []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
		} `json:"params"`
		Total  int64                `json:"total"`
		Config nn.TransformerConfig `json:"config"`
		Name   string               `json:"name"`
	}
	type stepResult struct {
		Params     int64   `json:"params"`
		StepFLOPs  float64 `json:"step_flops"`
		ConfigName string  `json:"config_name"`
		Median     float64 `json:"median_step_s"`
		FirstLoss  float64 `json:"first_loss"`
	}
	checkListing := func(t *testing.T, cfg nn.TransformerConfig, got listing) {
		t.Helper()
		if got.Config != cfg {
			t.Errorf("replica config %+v, ours %+v", got.Config, cfg)
		}
		if got.Total != cfg.Params() {
			t.Errorf("replica has %d parameters, Params() = %d", got.Total, cfg.Params())
		}
		want := goTransformerVariables(t, cfg)
		seen := map[string]bool{}
		for _, p := range got.Params {
			seen[p.Name] = true
			if dims, ok := want[p.Name]; !ok {
				t.Errorf("replica parameter %s %v: no such variable in ours", p.Name, p.Shape)
			} else if !slices.Equal(dims, p.Shape) {
				t.Errorf("%s: replica shape %v, ours %v", p.Name, p.Shape, dims)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(want)) {
			if !seen[name] {
				t.Errorf("variable %s %v missing from the replica", name, want[name])
			}
		}
	}
	checkStep := func(t *testing.T, cfg nn.TransformerConfig, name string, args ...string) {
		t.Helper()
		const batch, seq = 2, 8
		var got stepResult
		transformerReplica(t, py, &got, append(args, "--batch", "2", "--seq", "8", "--steps", "1", "--warmup", "0",
			"--device", "cpu", "--threads", "1")...)
		if want := cfg.TrainStepFLOPs(batch, seq); got.Params != cfg.Params() || got.StepFLOPs != want {
			t.Errorf("replica step: %d params, %g step FLOPs; ours %d and %g", got.Params, got.StepFLOPs, cfg.Params(), want)
		}
		if got.ConfigName != name || !(got.Median > 0) || !(got.FirstLoss > 0) {
			t.Errorf("replica step result %+v", got)
		}
	}

	for _, name := range nn.TransformerPresetNames() {
		t.Run(name, func(t *testing.T) {
			cfg, err := nn.TransformerPreset(name)
			if err != nil {
				t.Fatal(err)
			}
			var got listing
			transformerReplica(t, py, &got, "--preset", name, "--print-params", "--device", "cpu")
			checkListing(t, cfg, got)
			if name == "tiny" || name == "bench-10m" {
				checkStep(t, cfg, name, "--preset", name)
			}
		})
	}

	t.Run("config", func(t *testing.T) {
		cfg, err := nn.TransformerPreset("tiny")
		if err != nil {
			t.Fatal(err)
		}
		cfg.MLP, cfg.Norm, cfg.QKNorm, cfg.Bias, cfg.FFNDim = nn.MLPGELU, nn.NormRMS, true, false, 48
		// The layout of `wfm bench --json`: the configuration is result.config.
		data, err := json.Marshal(map[string]any{"preset": "custom", "result": Result{Config: cfg}})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "bench.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var got listing
		transformerReplica(t, py, &got, "--config", path, "--print-params", "--device", "cpu")
		checkListing(t, cfg, got)
		checkStep(t, cfg, "custom", "--config", path)
	})
}
