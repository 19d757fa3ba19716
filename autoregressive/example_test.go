package autoregressive_test

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/internal/testutil"
)

// Build the tiny model, run a forward pass over a 2×2×2 token grid, then decode greedily with
// the key/value cache: prefill one condition frame (4 tokens), then one token per step.
func Example() {
	cfg, _ := autoregressive.Preset("tiny")
	m, err := autoregressive.New(cfg)
	if err != nil {
		panic(err)
	}
	store := testutil.NewStore(1) // a trained model: autoregressive.LoadModel(dir, true)
	grid := autoregressive.Grid{T: 2, H: 2, W: 2}

	forward, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, ids *graph.Node) *graph.Node {
		logits, _ := m.Forward(scope, ids, grid, nil, nil)
		return logits
	})
	if err != nil {
		panic(err)
	}
	out, err := forward.Call(tensors.FromValue([][]int32{{1, 2, 3, 4, 5, 6, 7, 8}}))
	if err != nil {
		panic(err)
	}
	fmt.Println("forward logits:", out[0].Shape().Dimensions)

	dec, err := autoregressive.NewDecoder(testutil.Backend(), store, m, 1, grid)
	if err != nil {
		panic(err)
	}
	defer dec.Close()
	logits, err := dec.Prefill([][]int32{{1, 2, 3, 4}})
	if err != nil {
		panic(err)
	}
	var generated []int32
	for dec.Len() < grid.Tokens() {
		row := logits.Row(0, logits.Len-1)
		next := int32(slices.Index(row, slices.Max(row))) // greedy
		generated = append(generated, next)
		if logits, err = dec.Step([][]int32{{next}}); err != nil {
			panic(err)
		}
	}
	fmt.Println("generated:", len(generated), "tokens; cache holds", dec.Len(), "of", dec.Capacity())
	// Output:
	// forward logits: [1 8 64]
	// generated: 4 tokens; cache holds 8 of 8
}
