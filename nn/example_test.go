package nn_test

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/nn"
)

// A TransformerLM built from a preset, run once on a batch of token ids.
func ExampleTransformerLM() {
	cfg, err := nn.TransformerPreset("tiny")
	if err != nil {
		panic(err)
	}
	goBackend, err := backend.NewGo()
	if err != nil {
		panic(err)
	}
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(1))
	exec, err := model.NewExec(goBackend, store, func(scope *model.Scope, tokens *graph.Node) *graph.Node {
		return nn.TransformerLM(scope, cfg, tokens)
	})
	if err != nil {
		panic(err)
	}
	defer exec.Finalize()
	tokens := tensors.FromValue([][]int32{{1, 2, 3, 4}, {5, 6, 7, 8}})
	logits, err := exec.Call1(tokens)
	if err != nil {
		panic(err)
	}
	fmt.Println("logits", logits.Shape().Dimensions)
	fmt.Println("parameters", cfg.Params())
	fmt.Println("first query weights", store.GetVariable("/block_0/attn/query/weights").Shape().Dimensions)
	fmt.Printf("training step: %.0f FLOPs\n", cfg.TrainStepFLOPs(2, 4))
	// Output:
	// logits [2 4 32]
	// parameters 19712
	// first query weights [32 32]
	// training step: 860160 FLOPs
}
