// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

package gobackend

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/compute/support/humanize"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// FunctionExecutable contains pre-compiled execution information for any function.
// This is used for both the main function and closures, unifying their execution model.
type FunctionExecutable struct {
	Backend *Backend
	Builder *Builder

	// Function is the source Function this was compiled from.
	Function *Function

	// NumNodesToProcess is the max(outputs.idx)+1.
	// Arrays are sized to this to allow direct idx indexing.
	NumNodesToProcess int

	// Schedule represents the order in which nodes should be executed.
	// This should be optimized to minimize the latency/temporary memory.
	Schedule []int

	// NumUses tracks how many times each node's result is used (indexed by idx).
	NumUses []int

	// Dependents maps each node (by idx) to the list of dependent node idxs.
	Dependents [][]int

	// OutputNodes are the nodes that produce the function's outputs.
	OutputNodes []*Node

	// MaxInputs is the maximum number of inputs any node has.
	MaxInputs int

	// skipIfCachedConstant optionally maps intermediate constant-subgraph node indices to a
	// *ConstantData. Once its CachedForm() is populated, executing the intermediate node can be skipped.
	skipIfCachedConstant []*ConstantData

	// ExecutionBuffersPool allows reuse of execution buffers.
	ExecutionBuffersPool sync.Pool

	// profileRuns counts top-level executions of this FunctionExecutable when GOMLX_OP_PROFILE is enabled.
	profileRuns atomic.Int64
}

// newFunctionExecutable creates a FunctionExecutable for the given function.
// The function must have Return() called (f.returned == true).
func newFunctionExecutable(f *Function) (*FunctionExecutable, error) {
	if !f.IsReturned {
		return nil, errors.Errorf("function must have Return() called before compilation")
	}

	// Calculate numNodesToProcess from outputs.
	// This has the benefit of immediately discarding nodes with idx > max(outputs.idx),
	// meaning nodes that outputs don't depend on.
	var numNodesToProcess int
	for _, output := range f.Outputs {
		numNodesToProcess = max(numNodesToProcess, output.Index+1)
	}

	fe := &FunctionExecutable{
		Backend:           f.RawBuilder.Backend,
		Builder:           f.RawBuilder,
		Function:          f,
		OutputNodes:       f.Outputs,
		NumNodesToProcess: numNodesToProcess,
		NumUses:           make([]int, numNodesToProcess),
		Dependents:        make([][]int, numNodesToProcess),
	}

	// Fold static zero-size ops into OpTypeConstant and rewire dynamic zero-size ops
	// directly to their dynamic-axis defining nodes before counting uses/dependents (DCE).
	foldZeroSizeNodes(f, numNodesToProcess)

	// Find max inputs (the maximum number of inputs any single node has),
	// including for captured inputs, and count uses/dependents
	for nodeIdx := range numNodesToProcess {
		node := f.Nodes[nodeIdx]
		// Total inputs = regular inputs + all captured inputs across closures
		totalCaptured := 0
		for _, closureCaptures := range node.CapturedInputs {
			totalCaptured += len(closureCaptures)
		}
		totalInputs := len(node.Inputs) + totalCaptured
		fe.MaxInputs = max(fe.MaxInputs, totalInputs)
	}

	// Recursively count uses for each node starting from outputs.
	for _, output := range f.Outputs {
		fe.countNodeUsesAndDependents(output)
	}

	// Fuse single-consumer FusedDense(ActivationNone) + FusedActivation(cfg) pairs
	// into a single FusedDense(cfg) with a zero-cost pass-through FusedActivation(None).
	fe.fuseSingleConsumerDenseActivations()

	// Fuse single-consumer Add(x, residual) + FusedLayerNorm pairs into FusedLayerNorm
	// with an extra residual input, eliminating the intermediate Add node and buffer.
	if fe.fuseSingleConsumerResidualAddIntoLayerNorm() {
		clear(fe.NumUses)
		for i := range fe.Dependents {
			fe.Dependents[i] = fe.Dependents[i][:0]
		}
		for _, output := range f.Outputs {
			fe.countNodeUsesAndDependents(output)
		}
	}

	// Fuse sibling FusedDense projections sharing the same activation input x
	// (e.g., gate_proj + up_proj, or q_proj + k_proj + v_proj) into a single
	// multi-output OpTypeFusedDense node so LHS is read/packed once and M=1
	// decode runs all siblings in a single SaturateUpTo parallel wave.
	if fe.fuseSiblingFusedDenseNodes() {
		if err := f.DAGSort(); err != nil {
			return nil, errors.WithMessage(err, "DAG sorting after sibling FusedDense fusion failed")
		}
		numNodesToProcess = 0
		for _, output := range f.Outputs {
			numNodesToProcess = max(numNodesToProcess, output.Index+1)
		}
		fe.NumNodesToProcess = numNodesToProcess
		fe.NumUses = make([]int, numNodesToProcess)
		fe.Dependents = make([][]int, numNodesToProcess)
		fe.MaxInputs = 0
		for nodeIdx := range numNodesToProcess {
			node := f.Nodes[nodeIdx]
			totalCaptured := 0
			for _, closureCaptures := range node.CapturedInputs {
				totalCaptured += len(closureCaptures)
			}
			fe.MaxInputs = max(fe.MaxInputs, len(node.Inputs)+totalCaptured)
		}
		for _, output := range f.Outputs {
			fe.countNodeUsesAndDependents(output)
		}
	}

	if err := fe.setupConstantSubgraphCaching(); err != nil {
		return nil, err
	}

	// Group sibling FusedQuantizedDense projections (e.g., attention Q/K/V or SwiGLU gate/up)
	// sharing the same x input node and identical activation quantization parameters so x is
	// quantized once per step instead of once per sibling projection.
	fe.bindSharedQuantizedDenseActivations()

	// Initialize execution buffers pool
	fe.ExecutionBuffersPool = sync.Pool{
		New: func() any {
			return &funcExecBuffers{
				results:       make([]*Buffer, numNodesToProcess),
				numUsed:       make([]atomic.Int32, numNodesToProcess),
				owned:         make([]bool, numNodesToProcess),
				remainingDeps: make([]atomic.Int32, numNodesToProcess),
				readyQueue:    make(chan int, numNodesToProcess+10),
			}
		},
	}

	fe.InitSchedule()

	if klog.V(1).Enabled() {
		estMem := fe.EstimatedTemporaryMemory()
		var memStr string
		if estMem == int64(shapes.DynamicDim) {
			memStr = "dynamic (unknown at compile time)"
		} else {
			memStr = humanize.Bytes(estMem)
		}
		klog.Infof("* Compiling function %q: estimated max temporary memory: %s\n",
			fe.Function.Name(), memStr)
	}
	return fe, nil
}

// countNodeUsesAndDependents recursively counts how many times a node is used.
// It tracks both regular inputs and captured inputs (for closure-calling ops).
func (fe *FunctionExecutable) countNodeUsesAndDependents(node *Node) {
	nodeIdx := node.Index
	fe.NumUses[nodeIdx]++
	if fe.NumUses[nodeIdx] == 1 {
		// On the first visit, recursively traverse inputs of the node.
		for _, input := range node.Inputs {
			fe.Dependents[input.Index] = append(fe.Dependents[input.Index], nodeIdx)
			fe.countNodeUsesAndDependents(input)
		}
		// Also track captured inputs for closure-calling ops (If, While, Sort, etc.).
		// This ensures captured values are properly tracked in the dependency graph
		// so they can be freed when no longer needed.
		for _, closureCaptures := range node.CapturedInputs {
			for _, capturedInput := range closureCaptures {
				fe.Dependents[capturedInput.Index] = append(fe.Dependents[capturedInput.Index], nodeIdx)
				fe.countNodeUsesAndDependents(capturedInput)
			}
		}
	}
}

// FusedDenseActivationTarget is implemented by nodeFusedDense so compile-time graph
// optimization can fuse a single-consumer FusedDense(ActivationNone) + FusedActivation(cfg)
// pair when no VJP or other node references the intermediate pre-activation output.
type FusedDenseActivationTarget interface {
	TryFuseActivation(cfg compute.ActivationConfig) bool
}

// FusedActivationSource is implemented by nodeFusedActivation so compile-time graph
// optimization can inspect its ActivationConfig and mark it as fused (no-op pass-through)
// once absorbed into its input FusedDense node.
type FusedActivationSource interface {
	ActivationConfig() compute.ActivationConfig
	MarkFusedIntoInput()
}

// fuseSingleConsumerDenseActivations fuses FusedDense(ActivationNone) -> FusedActivation(cfg)
// when the FusedDense node has only a single consumer (the FusedActivation node) and is not
// a function output (so no FusedActivationVJP or other node ever reads the pre-activation tensor).
func (fe *FunctionExecutable) fuseSingleConsumerDenseActivations() {
	for nodeIdx := range fe.NumNodesToProcess {
		if fe.NumUses[nodeIdx] == 0 {
			continue
		}
		actNode := fe.Function.Nodes[nodeIdx]
		if actNode.OpType != compute.OpTypeFusedActivation || len(actNode.Inputs) != 1 {
			continue
		}
		denseNode := actNode.Inputs[0]
		if denseNode.OpType != compute.OpTypeFusedDense && denseNode.OpType != compute.OpTypeFusedQuantizedDense {
			continue
		}
		// Ensure actNode is the sole consumer of denseNode (and denseNode is not in fe.OutputNodes).
		if fe.NumUses[denseNode.Index] != 1 || len(fe.Dependents[denseNode.Index]) != 1 || fe.Dependents[denseNode.Index][0] != nodeIdx {
			continue
		}
		actSource, ok1 := actNode.Data.(FusedActivationSource)
		denseTarget, ok2 := denseNode.Data.(FusedDenseActivationTarget)
		if !ok1 || !ok2 {
			continue
		}
		if denseTarget.TryFuseActivation(actSource.ActivationConfig()) {
			actSource.MarkFusedIntoInput()
		}
	}
}

// FusedDenseMultiSibling is implemented by nodeFusedDense so compile-time graph
// optimization can identify sibling FusedDense projections sharing the same activation
// input x (e.g., gate_proj + up_proj or q_proj + k_proj + v_proj) and merge them into
// a single multi-output OpTypeFusedDense node.
type FusedDenseMultiSibling interface {
	MultiDenseShareKey() (key string, ok bool)
}

// BuildFusedMultiDenseDataFn constructs the multi-output Node.Data for a fused group
// of sibling FusedDense nodes sharing node.Inputs[0] (x). Registered by fusedops/dense.
var BuildFusedMultiDenseDataFn func(siblings []*Node, weightInputSlots, biasInputSlots []int) any

// fuseSiblingFusedDenseNodes merges groups of >= 2 live single-output FusedDense nodes
// that share the same non-constant activation input xNode and compatible MatMul key
// (layout, dtype, contracting size) into a single multi-output OpTypeFusedDense node.
// Each original sibling node is converted in-place into a select-output node so all
// downstream consumers and function outputs remain valid without rewiring.
func (fe *FunctionExecutable) fuseSiblingFusedDenseNodes() bool {
	if BuildFusedMultiDenseDataFn == nil {
		return false
	}
	f := fe.Function
	fusedAny := false

	// Snapshot original node count because fusing appends new leader nodes to f.Nodes.
	origCount := fe.NumNodesToProcess
	for srcIdx := range origCount {
		deps := fe.Dependents[srcIdx]
		if len(deps) < 2 {
			continue
		}
		srcNode := f.Nodes[srcIdx]
		if srcNode == nil || srcNode.IsConstant() {
			continue
		}

		var groups map[string][]*Node
		var groupOrder []string
		var seenBuf [8]int
		seen := seenBuf[:0]
		for _, depIdx := range deps {
			if depIdx < 0 || depIdx >= origCount || fe.NumUses[depIdx] == 0 {
				continue
			}
			if slices.Contains(seen, depIdx) {
				continue
			}
			seen = append(seen, depIdx)

			depNode := f.Nodes[depIdx]
			if depNode == nil ||
				depNode.OpType != compute.OpTypeFusedDense ||
				depNode.IsMultiOutputs() ||
				depNode.IsNodeSelectOutput ||
				depNode.Function != f ||
				len(depNode.CapturedInputs) > 0 ||
				len(depNode.Inputs) < 2 ||
				depNode.Inputs[0] != srcNode {
				continue
			}
			// Avoid degenerate self-inputs where weight or bias is the same node as x.
			selfInput := false
			for _, in := range depNode.Inputs[1:] {
				if in == srcNode {
					selfInput = true
					break
				}
			}
			if selfInput {
				continue
			}

			sib, ok := depNode.Data.(FusedDenseMultiSibling)
			if !ok {
				continue
			}
			key, ok := sib.MultiDenseShareKey()
			if !ok {
				continue
			}
			if groups == nil {
				groups = make(map[string][]*Node, 2)
			}
			if _, exists := groups[key]; !exists {
				groupOrder = append(groupOrder, key)
			}
			groups[key] = append(groups[key], depNode)
		}

		for _, key := range groupOrder {
			group := groups[key]
			if len(group) < 2 {
				continue
			}
			slices.SortFunc(group, func(a, b *Node) int {
				return a.Index - b.Index
			})

			// Filter out any sibling whose non-x inputs transitively depend on another
			// sibling in the group, guaranteeing the merged multi-output node is cycle-free.
			group = filterCycleFreeSiblingGroup(f, group)
			if len(group) < 2 {
				continue
			}

			leaderInputs := make([]*Node, 0, 1+2*len(group))
			leaderInputs = append(leaderInputs, srcNode)
			weightSlots := make([]int, len(group))
			biasSlots := make([]int, len(group))
			multiShapes := make([]shapes.Shape, len(group))
			for i, sib := range group {
				weightSlots[i] = len(leaderInputs)
				leaderInputs = append(leaderInputs, sib.Inputs[1])
				if len(sib.Inputs) > 2 {
					biasSlots[i] = len(leaderInputs)
					leaderInputs = append(leaderInputs, sib.Inputs[2])
				} else {
					biasSlots[i] = -1
				}
				multiShapes[i] = sib.Shape
			}

			multiData := BuildFusedMultiDenseDataFn(group, weightSlots, biasSlots)
			if multiData == nil {
				continue
			}

			leaderNode := &Node{
				Builder:            f.RawBuilder,
				OpType:             compute.OpTypeFusedDense,
				Index:              len(f.Nodes),
				Shape:              shapes.Invalid(),
				Inputs:             leaderInputs,
				Function:           f,
				Data:               multiData,
				MultiOutputsShapes: multiShapes,
				MultiOutputsNodes:  slices.Clone(group),
			}
			f.Nodes = append(f.Nodes, leaderNode)

			for i, sib := range group {
				sib.Inputs = []*Node{leaderNode}
				sib.IsNodeSelectOutput = true
				sib.SelectOutputIdx = i
				sib.Data = nil
			}
			fusedAny = true
		}
	}
	return fusedAny
}

// filterCycleFreeSiblingGroup returns the maximal subset of group (sorted by Index)
// for which no member's non-x inputs transitively reach any member of the returned subset.
func filterCycleFreeSiblingGroup(f *Function, group []*Node) []*Node {
	minIdx := group[0].Index
	inGroup := make(map[int]bool, len(group))
	for _, sib := range group {
		inGroup[sib.Index] = true
	}

	valid := make([]*Node, 0, len(group))
	for _, sib := range group {
		dependsOnGroup := false
		var stack []*Node
		for _, in := range sib.Inputs[1:] {
			if in.Function == f && in.Index >= minIdx {
				stack = append(stack, in)
			}
		}
		if len(stack) > 0 {
			visited := make(map[int]bool, 8)
			for len(stack) > 0 {
				curr := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if inGroup[curr.Index] {
					dependsOnGroup = true
					break
				}
				if visited[curr.Index] {
					continue
				}
				visited[curr.Index] = true
				for _, in := range curr.Inputs {
					if in.Function == f && in.Index >= minIdx && !visited[in.Index] {
						stack = append(stack, in)
					}
				}
				for _, captures := range curr.CapturedInputs {
					for _, in := range captures {
						if in.Function == f && in.Index >= minIdx && !visited[in.Index] {
							stack = append(stack, in)
						}
					}
				}
			}
		}
		if dependsOnGroup {
			delete(inGroup, sib.Index)
			continue
		}
		valid = append(valid, sib)
	}
	return valid
}

// FusedLayerNormResidualTarget is implemented by nodeFusedLayerNorm so compile-time graph
// optimization can fuse a single-consumer Add(x, residual) + FusedLayerNorm pair when both
// Add operands have identical shapes and no other node references the intermediate sum.
type FusedLayerNormResidualTarget interface {
	TryFuseResidualInput() bool
}

// FusedQuantizedDenseActShareTarget is implemented by nodeFusedQuantizedDense so compile-time
// graph optimization can group sibling quantized projections (e.g., attention Q/K/V or SwiGLU
// gate/up) consuming the same input x node with identical activation quantization parameters.
type FusedQuantizedDenseActShareTarget interface {
	QuantActShareKey() (key string, ok bool)
	BindSharedQuantActSiblings(siblings []FusedQuantizedDenseActShareTarget)
}

func (fe *FunctionExecutable) bindSharedQuantizedDenseActivations() {
	for srcIdx := range fe.NumNodesToProcess {
		deps := fe.Dependents[srcIdx]
		if len(deps) < 2 {
			continue
		}
		srcNode := fe.Function.Nodes[srcIdx]
		if srcNode == nil {
			continue
		}
		var groups map[string][]FusedQuantizedDenseActShareTarget
		var seenBuf [8]int
		seen := seenBuf[:0]
		for _, depIdx := range deps {
			if depIdx < 0 || depIdx >= fe.NumNodesToProcess || fe.NumUses[depIdx] == 0 {
				continue
			}
			alreadySeen := false
			for _, s := range seen {
				if s == depIdx {
					alreadySeen = true
					break
				}
			}
			if alreadySeen {
				continue
			}
			seen = append(seen, depIdx)

			depNode := fe.Function.Nodes[depIdx]
			if depNode == nil || depNode.OpType != compute.OpTypeFusedQuantizedDense ||
				len(depNode.Inputs) == 0 || depNode.Inputs[0].Index != srcIdx {
				continue
			}
			target, ok := depNode.Data.(FusedQuantizedDenseActShareTarget)
			if !ok {
				continue
			}
			key, ok := target.QuantActShareKey()
			if !ok {
				continue
			}
			if groups == nil {
				groups = make(map[string][]FusedQuantizedDenseActShareTarget, 2)
			}
			groups[key] = append(groups[key], target)
		}
		for _, siblings := range groups {
			if len(siblings) >= 2 {
				siblings[0].BindSharedQuantActSiblings(siblings)
			}
		}
	}
}

// fuseSingleConsumerResidualAddIntoLayerNorm fuses:
//  1. Single-consumer ConvertDType(Half -> Float32) feeding FusedLayerNorm(Float32),
//  2. Single-consumer Add(a, b) feeding FusedLayerNorm (rewiring inputs to [a, gamma?, beta?, b]), and
//  3. Single-consumer ConvertDType(Float32 -> Half) consuming FusedLayerNorm(Float32) when the
//     LayerNorm input is already Half.
//
// It returns true if any node was rewired (so NumUses and Dependents can be recomputed,
// eliminating the absorbed ConvertDType and Add nodes).
func (fe *FunctionExecutable) fuseSingleConsumerResidualAddIntoLayerNorm() bool {
	rewired := false
	for nodeIdx := range fe.NumNodesToProcess {
		if fe.NumUses[nodeIdx] == 0 {
			continue
		}
		lnNode := fe.Function.Nodes[nodeIdx]
		if lnNode.OpType != compute.OpTypeFusedLayerNorm || len(lnNode.Inputs) < 1 {
			continue
		}

		// 1. If lnNode is Float32 and its input x is a single-consumer ConvertDType from Float16/BFloat16,
		// bypass the ConvertDType node so FusedLayerNorm reads the half-precision input directly.
		bypassedConvIdx := -1
		if lnNode.Shape.DType == dtypes.Float32 {
			convIn := lnNode.Inputs[0]
			if convIn.OpType == compute.OpTypeConvertDType && len(convIn.Inputs) == 1 &&
				fe.NumUses[convIn.Index] == 1 && len(fe.Dependents[convIn.Index]) == 1 && fe.Dependents[convIn.Index][0] == nodeIdx {
				srcNode := convIn.Inputs[0]
				if srcNode.Shape.DType == dtypes.Float16 || srcNode.Shape.DType == dtypes.BFloat16 {
					lnNode.Inputs[0] = srcNode
					bypassedConvIdx = convIn.Index
					rewired = true
				}
			}
		}

		// 2. If lnNode's input x is a single-consumer equal-shaped Add(a, b), fuse the residual Add
		// into FusedLayerNorm as an extra trailing input [a, gamma?, beta?, b].
		addNode := lnNode.Inputs[0]
		if addNode.OpType == compute.OpTypeAdd && len(addNode.Inputs) == 2 &&
			fe.NumUses[addNode.Index] == 1 && len(fe.Dependents[addNode.Index]) == 1 &&
			(fe.Dependents[addNode.Index][0] == nodeIdx || fe.Dependents[addNode.Index][0] == bypassedConvIdx) {
			in0, in1 := addNode.Inputs[0], addNode.Inputs[1]
			if in0 != in1 && in0.Shape.DType == in1.Shape.DType && in0.Shape.EqualDimensions(in1.Shape) {
				if lnTarget, ok := lnNode.Data.(FusedLayerNormResidualTarget); ok && lnTarget.TryFuseResidualInput() {
					newInputs := make([]*Node, len(lnNode.Inputs)+1)
					newInputs[0] = in0
					copy(newInputs[1:len(lnNode.Inputs)], lnNode.Inputs[1:])
					newInputs[len(lnNode.Inputs)] = in1
					lnNode.Inputs = newInputs

					totalCaptured := 0
					for _, closureCaptures := range lnNode.CapturedInputs {
						totalCaptured += len(closureCaptures)
					}
					fe.MaxInputs = max(fe.MaxInputs, len(lnNode.Inputs)+totalCaptured)
					rewired = true
				}
			}
		}

		// 3. If lnNode (Float32) now reads a Float16/BFloat16 input and its sole consumer is a
		// ConvertDType back to the same half-precision dtype, fold lnNode into that ConvertDType
		// node so FusedLayerNorm writes the half-precision output directly (and can reuse an owned
		// half-precision input buffer in-place).
		inDType := lnNode.Inputs[0].Shape.DType
		if lnNode.Shape.DType == dtypes.Float32 &&
			(inDType == dtypes.Float16 || inDType == dtypes.BFloat16) &&
			fe.NumUses[nodeIdx] == 1 && len(fe.Dependents[nodeIdx]) == 1 {
			depIdx := fe.Dependents[nodeIdx][0]
			if depIdx >= 0 && depIdx < fe.NumNodesToProcess && fe.NumUses[depIdx] > 0 {
				depNode := fe.Function.Nodes[depIdx]
				if depNode.OpType == compute.OpTypeConvertDType && len(depNode.Inputs) == 1 &&
					depNode.Inputs[0] == lnNode && depNode.Shape.DType == inDType {
					depNode.OpType = compute.OpTypeFusedLayerNorm
					depNode.Inputs = lnNode.Inputs
					depNode.Data = lnNode.Data
					totalCaptured := 0
					for _, closureCaptures := range depNode.CapturedInputs {
						totalCaptured += len(closureCaptures)
					}
					fe.MaxInputs = max(fe.MaxInputs, len(depNode.Inputs)+totalCaptured)
					rewired = true
				}
			}
		}
	}
	return rewired
}

// funcExecBuffers holds intermediate results during function execution.
type funcExecBuffers struct {
	// results hold the calculated computations at each step (indexed by idx).
	results []*Buffer

	// numUsed tracks how many times each node has been used already.
	// Uses atomic.Int32 to allow safe concurrent reads in ownership checks.
	numUsed []atomic.Int32

	// owned indicates whether the corresponding buffer is owned by the executor.
	//
	// Notice different rows are written by different threads in parallel mode, but since
	// each row is 1 byte, and Go's thread sanitizer has an 8-bytes resolution, it may trigger
	// false race conditions. See discussion in github.com/gomlx/gomlx/issues/387
	//
	// Future: use a []int (int is 64 bits/8 bytes) instead of bool to avoid the issue?
	owned []bool

	// remainingDeps is the number of remaining dependencies for each node.
	// Uses atomic.Int32 to allow lock-free concurrent decrements in parallel execution.
	remainingDeps []atomic.Int32

	// opsExecutionType can be sequential or parallel.
	opsExecutionType OpsExecutionType

	// Sequential execution-only: reused for each op.
	opInputBuffers []*Buffer
	opInputsOwned  []bool

	// Parallel execution only.
	//
	// readyQueue delivers node indices whose remainingDeps have reached zero
	// to executor goroutines. It is closed by stopExecutionFn to signal
	// termination (either normal completion or error).
	//
	// Invariants:
	//   - Exactly-once dispatch: each node index is sent at most once, because
	//     atomic.Int32.Add(-1) on remainingDeps returns 0 for exactly one
	//     goroutine.
	//   - Sends are guarded by readyMu: stopExecutionFn takes the write lock
	//     before closing this channel, so a worker can never send after close.
	//   - Capacity: sized to NumNodesToProcess+10, which exceeds the maximum
	//     number of concurrently ready nodes, so sends never block.
	readyQueue  chan int
	readyMu     sync.RWMutex
	readyClosed bool
}

// Execute runs the compiled function with the given inputs.
// The inputs must match the function's parameters in count and shape.
// capturedInputs are the values captured from parent scopes (for closures).
// donateCaptures indicates which captured inputs can be donated to the closure.
// If donateCaptures is nil, no captured inputs will be donated.
// spec is the shape specialization for the current execution, or nil for static graphs.
func (fe *FunctionExecutable) Execute(backend *Backend, inputs []*Buffer, donate []bool, capturedInputs []*Buffer,
	donateCaptures []bool, spec *ShapeSpecialization) ([]*Buffer, error) {
	// Use function's parameters (not builder.inputs) for proper function/closure support
	funcParams := fe.Function.Parameters
	if len(inputs) != len(funcParams) {
		return nil, errors.Errorf("function expects %d inputs, got %d",
			len(funcParams), len(inputs))
	}

	// Named functions may receive dimensions produced by data-dependent ops
	// in their caller. Bind these parameters before executing shape-only ops.
	if spec == nil {
		bindings, err := extractBindingsFromInputs(funcParams, inputs)
		if err != nil {
			return nil, err
		}
		if len(bindings) > 0 {
			spec, err = specializeFunction(backend, fe.Function.Nodes, bindings)
			if err != nil {
				return nil, err
			}
		}
	}

	// Validate captured inputs count
	if len(capturedInputs) != len(fe.Function.CapturedLocalNodes) {
		return nil, errors.Errorf("function expects %d captured values, got %d",
			len(fe.Function.CapturedLocalNodes), len(capturedInputs))
	}

	// donate defaults to false
	if len(donate) == 0 {
		donate = make([]bool, len(inputs))
	}

	// donateCaptures defaults to false (no donation)
	if len(donateCaptures) == 0 {
		donateCaptures = make([]bool, len(capturedInputs))
	}

	// Get execution buffers from pool and reset
	execBuf := fe.ExecutionBuffersPool.Get().(*funcExecBuffers)
	execBuf.readyQueue = make(chan int, fe.NumNodesToProcess+10)
	execBuf.readyClosed = false
	for i := range fe.NumNodesToProcess {
		execBuf.numUsed[i].Store(0)
		execBuf.owned[i] = false
		execBuf.results[i] = nil
		execBuf.remainingDeps[i].Store(0)
	}

	// Set up parameters from inputs using idx directly
	for i, inputNode := range funcParams {
		inputIdx := inputNode.Index
		if inputIdx >= fe.NumNodesToProcess || fe.NumUses[inputIdx] == 0 {
			if donate[i] {
				backend.PutBuffer(inputs[i])
			}
			continue
		}
		execBuf.results[inputIdx] = inputs[i]
		execBuf.owned[inputIdx] = donate[i]
	}

	// Set up captured values from parent scope.
	// If donateCaptures[i] is true, the closure takes ownership of the buffer.
	for i, captureNode := range fe.Function.CapturedLocalNodes {
		captureIdx := captureNode.Index
		if captureIdx >= fe.NumNodesToProcess || fe.NumUses[captureIdx] == 0 {
			if donateCaptures[i] {
				backend.PutBuffer(capturedInputs[i])
			}
			continue
		}
		execBuf.results[captureIdx] = capturedInputs[i]
		execBuf.owned[captureIdx] = donateCaptures[i]
	}

	// Decide execution mode
	executionMode := backend.OpsExecutionType
	if executionMode == OpsExecutionDynamic {
		if backend.NumLiveExecutions.Load() <= 1 {
			executionMode = OpsExecutionParallel
		} else {
			executionMode = OpsExecutionSequential
		}
	}
	execBuf.opsExecutionType = executionMode

	releaseRemainingOwned := func() {
		for idx, buf := range execBuf.results {
			if buf != nil {
				if execBuf.owned[idx] && buf.InUse {
					backend.PutBuffer(buf)
				}
				execBuf.results[idx] = nil
			}
		}
	}

	// Execute
	var err error
	if executionMode == OpsExecutionSequential {
		err = fe.executeSequentially(backend, execBuf, spec)
	} else {
		err = fe.executeParallel(backend, execBuf, spec)
	}
	if err != nil {
		releaseRemainingOwned()
		fe.ExecutionBuffersPool.Put(execBuf)
		return nil, err
	}
	if isOpProfileEnabled {
		fe.recordOpProfileRun(executionMode)
	}

	// Collect outputs
	outputs := make([]*Buffer, len(fe.OutputNodes))
	for i, outNode := range fe.OutputNodes {
		outIdx := outNode.Index
		outputs[i] = execBuf.results[outIdx]
		if outputs[i] == nil {
			for j := range i {
				backend.PutBuffer(outputs[j])
			}
			releaseRemainingOwned()
			fe.ExecutionBuffersPool.Put(execBuf)
			return nil, errors.Errorf("output %d not computed", i)
		}
		if !execBuf.owned[outIdx] || execBuf.results[outIdx].IsView() {
			// Clone the buffer since we don't own it or it is a zero-copy view over another buffer.
			outputs[i], err = backend.CloneBuffer(execBuf.results[outIdx])
			if err != nil {
				for j := range i {
					backend.PutBuffer(outputs[j])
				}
				releaseRemainingOwned()
				fe.ExecutionBuffersPool.Put(execBuf)
				return nil, err
			}
			if execBuf.owned[outIdx] && execBuf.results[outIdx].IsView() {
				backend.PutBuffer(execBuf.results[outIdx])
			}
		} else {
			// We own this buffer exclusively: donated user inputs were already detached via
			// shallowClone()+markDonated() at Executable.Execute entry, and bufferPool.Get()
			// clears its slot reference on checkout. Return it directly without cloning.
			outputs[i] = execBuf.results[outIdx]
		}
		execBuf.results[outIdx] = nil // Set to nil so it's not put back into the pool in the cleanup loop below.
	}

	// Free any remaining owned buffers that weren't outputs
	releaseRemainingOwned()

	fe.ExecutionBuffersPool.Put(execBuf)
	return outputs, nil
}

// executeSequentially executes nodes one after another in topological order.
func (fe *FunctionExecutable) executeSequentially(backend *Backend, execBuf *funcExecBuffers, spec *ShapeSpecialization) error {
	// Pre-allocate input buffers for reuse
	execBuf.opInputBuffers = make([]*Buffer, fe.MaxInputs)
	execBuf.opInputsOwned = make([]bool, fe.MaxInputs)
	defer func() {
		execBuf.opInputBuffers = nil
		execBuf.opInputsOwned = nil
	}()

	for _, nodeIdx := range fe.Schedule {
		if execBuf.results[nodeIdx] != nil {
			// Already computed (parameter)
			continue
		}
		if fe.NumUses[nodeIdx] == 0 {
			// Not used by any output: this effectively performs a dead code elimination (DCE).
			continue
		}

		node := fe.Function.Nodes[nodeIdx]
		if spec != nil {
			node = spec.resolvedNodes[nodeIdx]
		}
		if err := fe.executeNode(backend, node, execBuf, spec); err != nil {
			return err
		}
	}
	return nil
}

// nodeCompleted records completion of nodeIdx and its sub-outputs (for multi-output ops),
// updates dependencies of dependent nodes, enqueues newly ready nodes, and checks if execution is done.
// If a dependent node becomes ready and localContinuation is not nil and currently -1,
// it sets *localContinuation to the first ready dependent so the caller executor can immediately
// continue executing it locally without routing through the channel. Any additional ready
// dependents (when a graph branches) are enqueued to readyQueue and spawned as on-demand
// inter-op tasks via spawnBranchExecutorFn.
//
// Dependency tracking and local continuations are lock-free; readyQueue sends
// use readyMu so they cannot race with stopExecutionFn closing the channel. The
// function operates in three phases:
//  1. Atomic dependency decrements — uses atomic.Int32.Add(-1) on remainingDeps to determine
//     which dependent nodes have all their inputs satisfied (newReady).
//  2. Dispatch ready nodes — sets localContinuation for the first ready node and sends any
//     additional ready nodes to readyQueue (spawning an on-demand branch executor).
//     This MUST happen before phase 3, which may close the channel.
//  3. Atomic completion count — increments the completed counter atomically. If the total
//     reaches expected, calls stopExecutionFn to close readyQueue and signal termination.
//
// Memory ordering: the atomic Add on remainingDeps provides happens-before edges that guarantee
// result writes from producer goroutines are visible to consumer goroutines (per Go's memory model).
func (fe *FunctionExecutable) nodeCompleted(execBuf *funcExecBuffers, nodeIdx int,
	completed *atomic.Int32, expected int32, stopExecutionFn func(), spawnBranchExecutorFn func(),
	localContinuation *int, spec *ShapeSpecialization) {
	node := fe.Function.Nodes[nodeIdx]
	if spec != nil {
		node = spec.resolvedNodes[nodeIdx]
	}

	// Phase 1: Lock-free dependency tracking using atomic decrements.
	// Collect dependent nodes whose remaining dependency count has reached zero.
	var newReady []int
	if node.IsMultiOutputs() {
		// Handle multi-output nodes: update dependents of each output.
		for _, outputNode := range node.MultiOutputsNodes {
			outputIdx := outputNode.Index
			if outputIdx >= fe.NumNodesToProcess || fe.NumUses[outputIdx] == 0 {
				continue
			}
			for _, depIdx := range fe.Dependents[outputIdx] {
				if execBuf.remainingDeps[depIdx].Add(-1) == 0 {
					newReady = append(newReady, depIdx)
				}
			}
		}
	} else {
		// Single output node.
		for _, depIdx := range fe.Dependents[nodeIdx] {
			if execBuf.remainingDeps[depIdx].Add(-1) == 0 {
				newReady = append(newReady, depIdx)
			}
		}
	}

	// Phase 2: Dispatch ready nodes. Local continuations do not use readyQueue,
	// so only additional ready nodes need the channel lock.
	var queued []int
	for _, depIdx := range newReady {
		if localContinuation != nil && *localContinuation == -1 {
			*localContinuation = depIdx
		} else {
			queued = append(queued, depIdx)
		}
	}
	if len(queued) > 0 {
		execBuf.readyMu.RLock()
		if execBuf.readyClosed {
			execBuf.readyMu.RUnlock()
			return
		}
		for _, depIdx := range queued {
			execBuf.readyQueue <- depIdx
			if spawnBranchExecutorFn != nil {
				spawnBranchExecutorFn()
			}
		}
		execBuf.readyMu.RUnlock()
	}

	// Phase 3: Atomic completion tracking.
	// Compute total increment: 1 for the executed node itself, plus 1 for each
	// active multi-output sub-node (which are "completed" by their parent).
	increment := int32(1)
	if node.IsMultiOutputs() {
		for _, outputNode := range node.MultiOutputsNodes {
			if outputNode.Index < fe.NumNodesToProcess && fe.NumUses[outputNode.Index] > 0 {
				increment++
			}
		}
	}
	if completed.Add(increment) >= expected {
		stopExecutionFn()
	}
}

// runExecutor loops executing nodes until the readyQueue is closed (for the main caller)
// or empty (for on-demand branch executors), or an error occurs.
// When executing a node unlocks another node, it preferentially continues executing it
// locally without routing through the channel.
func (fe *FunctionExecutable) runExecutor(backend *Backend, execBuf *funcExecBuffers, spec *ShapeSpecialization,
	completed *atomic.Int32, expected int32, stopExecutionFn func(), spawnBranchExecutorFn func(),
	appendErrorFn func(error), isBranchWorker bool) {
	currNode := -1

	for {
		if currNode == -1 {
			var ok bool
			if isBranchWorker {
				// On-demand branch workers never block passively on an empty readyQueue:
				// once their branch finishes or merges and no ready nodes remain in the queue,
				// they return immediately to the scheduler pool.
				select {
				case currNode, ok = <-execBuf.readyQueue:
				default:
					return
				}
			} else {
				currNode, ok = <-execBuf.readyQueue
			}
			if !ok {
				// readyQueue closed: computation completed or errored out.
				return
			}
		}

		nodeIdx := currNode
		currNode = -1

		node := fe.Function.Nodes[nodeIdx]
		if spec != nil {
			node = spec.resolvedNodes[nodeIdx]
		}

		var execErr error
		if execBuf.results[nodeIdx] == nil && fe.NumUses[nodeIdx] > 0 {
			execErr = fe.executeNode(backend, node, execBuf, spec)
		}

		if execErr != nil {
			appendErrorFn(execErr)
			return
		}

		// Update dependents. If currNode is still -1, nodeCompleted will set it if a dependent is ready.
		fe.nodeCompleted(execBuf, nodeIdx, completed, expected, stopExecutionFn, spawnBranchExecutorFn, &currNode, spec)
	}
}

// executeParallel executes nodes concurrently across on-demand inter-op worker executors.
// When an executor finishes a node and only one dependent becomes ready, it continues executing it
// directly on the same goroutine (preserving CPU cache locality), only pushing to the ready channel
// and submitting an on-demand inter-op task when branching causes multiple nodes to become ready simultaneously.
func (fe *FunctionExecutable) executeParallel(backend *Backend, execBuf *funcExecBuffers, spec *ShapeSpecialization) error {
	var (
		collectErrors   []error
		errMu           sync.Mutex
		wg              sync.WaitGroup
		expected        int32
		completed       atomic.Int32
		activeExecutors atomic.Int32
		stopExecutionFn func()
	)

	stopExecutionFn = sync.OnceFunc(func() {
		execBuf.readyMu.Lock()
		execBuf.readyClosed = true
		close(execBuf.readyQueue)
		execBuf.readyMu.Unlock()
	})

	appendErrorFn := func(err error) {
		errMu.Lock()
		collectErrors = append(collectErrors, err)
		errMu.Unlock()
		stopExecutionFn()
	}

	// Count expected nodes and initialize dependencies.
	// Dependencies include both regular inputs and captured inputs.
	var initialReady []int
	for _, nodeIdx := range fe.Schedule {
		if fe.NumUses[nodeIdx] > 0 {
			expected++
			node := fe.Function.Nodes[nodeIdx]
			totalCaptured := 0
			for _, closureCaptures := range node.CapturedInputs {
				totalCaptured += len(closureCaptures)
			}
			depCount := int32(len(node.Inputs) + totalCaptured)
			execBuf.remainingDeps[nodeIdx].Store(depCount)
			if depCount == 0 {
				initialReady = append(initialReady, nodeIdx)
			}
		}
	}

	if expected == 0 {
		return nil
	}

	// Determine maximum number of concurrent inter-op executor goroutines:
	// Use backend.NumExecutors, but cap it at EffectiveParallelism and at least 1.
	maxExecutors := backend.NumExecutors
	if maxExecutors <= 0 {
		maxExecutors = DefaultNumExecutors
	}
	if backend.Scheduler != nil {
		maxExecutors = min(maxExecutors, backend.Scheduler.EffectiveParallelism())
	}
	maxExecutors = max(maxExecutors, 1)

	// The caller goroutine counts as 1 active executor.
	activeExecutors.Store(1)

	var spawnBranchExecutorFn func()
	spawnBranchExecutorFn = func() {
		if backend.Scheduler == nil || !backend.Scheduler.IsEnabled() {
			return
		}
		for {
			curr := activeExecutors.Load()
			if int(curr) >= maxExecutors {
				return
			}
			if activeExecutors.CompareAndSwap(curr, curr+1) {
				break
			}
		}
		wg.Add(1)
		submitted := backend.Scheduler.SubmitInterOp(func() {
			defer func() {
				activeExecutors.Add(-1)
				wg.Done()
			}()
			fe.runExecutor(backend, execBuf, spec, &completed, expected, stopExecutionFn, spawnBranchExecutorFn, appendErrorFn, true)
		})
		if !submitted {
			activeExecutors.Add(-1)
			wg.Done()
		}
	}

	// Enqueue initial ready nodes and spawn branch executors if there are multiple roots.
	for i, nodeIdx := range initialReady {
		execBuf.readyQueue <- nodeIdx
		if i > 0 {
			spawnBranchExecutorFn()
		}
	}

	// Run the current caller goroutine as the primary executor.
	fe.runExecutor(backend, execBuf, spec, &completed, expected, stopExecutionFn, spawnBranchExecutorFn, appendErrorFn, false)

	// Wait for all background branch executors to finish.
	wg.Wait()

	if len(collectErrors) > 0 {
		return collectErrors[0]
	}
	return nil
}

// executeNode executes a single node and stores its result.
func (fe *FunctionExecutable) executeNode(backend *Backend, node *Node, execBuf *funcExecBuffers, spec *ShapeSpecialization) error {
	nodeIdx := node.Index

	// Handle constants specially
	if node.OpType == compute.OpTypeConstant {
		execBuf.owned[nodeIdx] = false
		execBuf.results[nodeIdx] = node.Data.(*ConstantData).Buffer()
		return nil
	}

	// Skip intermediate nodes in a constant transformation sub-graph once their downstream
	// cached constant form has been populated.
	if fe.skipIfCachedConstant != nil {
		if cd := fe.skipIfCachedConstant[nodeIdx]; cd != nil && cd.CachedForm() != nil {
			execBuf.owned[nodeIdx] = false
			execBuf.results[nodeIdx] = nil
			return nil
		}
	}

	// Note: OpTypeParameter and OpTypeCapturedValue nodes have their results
	// set up in Execute() and should never reach executeNode.
	// We don't check for them here for performance (this is the inner execution loop).

	var profTimer opProfileTimer
	if isOpProfileEnabled {
		profTimer = startOpProfile(execBuf.opsExecutionType)
	}

	// Prepare inputs
	numInputs := len(node.Inputs)
	var (
		inputBuffers []*Buffer
		inputsOwned  []bool
	)
	if execBuf.opInputBuffers != nil {
		inputBuffers = execBuf.opInputBuffers[:numInputs]
		inputsOwned = execBuf.opInputsOwned[:numInputs]
	} else {
		inputBuffers = make([]*Buffer, numInputs)
		inputsOwned = make([]bool, numInputs)
	}

	// Gather inputs. In parallel mode, we do NOT hold a lock here - the dependency
	// tracking ensures inputs are ready. The lock is only used in cleanup.
	for i, input := range node.Inputs {
		inputIdx := input.Index
		inputBuffers[i] = execBuf.results[inputIdx]
		if inputBuffers[i] == nil {
			if cacher, ok := node.Data.(ConstantCacheNodeData); ok && cacher.IsInputCached(i) {
				inputsOwned[i] = false
				continue
			}
			return errors.Errorf("input %d for node %s not computed yet", i, node.OpType)
		}
		if !inputBuffers[i].InUse {
			return errors.Errorf("input %d for node %s has been released already!?", i, node.OpType)
		}
		// Only "own" the input if this is the last use of it.
		// The atomic Load is safe for concurrent access - if we miss ownership,
		// the buffer just won't be reused in-place. The important thing
		// is we don't free the buffer until all users have finished (handled in cleanup).
		inputsOwned[i] = execBuf.owned[inputIdx] &&
			!inputBuffers[i].IsView() &&
			!inputBuffers[i].HasLiveViews() &&
			fe.NumUses[inputIdx]-int(execBuf.numUsed[inputIdx].Load()) == 1
	}

	specializedNode, specErr := specializeNode(backend, node, inputBuffers, spec)
	if specErr != nil {
		return errors.Wrapf(specErr, "specializing node shape for %s", node.OpType)
	}

	node = specializedNode
	// Check for zero-size shape-dependency nodes and closure executors first.
	closureExecutor := NodeClosureExecutors[node.OpType]
	switch {
	case node.IsZeroSizeShapeOnly:
		result, err := backend.GetBuffer(node.Shape)
		if err != nil {
			return err
		}
		execBuf.results[nodeIdx] = result
		execBuf.owned[nodeIdx] = true

	case closureExecutor != nil:
		// Build []ClosureInputs from node.capturedInputs (already grouped per closure).
		closureInputs := make([]ClosureInputs, len(node.CapturedInputs))
		for closureIdx, closureCaptures := range node.CapturedInputs {
			closureInputs[closureIdx] = ClosureInputs{
				Buffers: make([]*Buffer, len(closureCaptures)),
				Owned:   make([]bool, len(closureCaptures)),
			}
			for i, capturedNode := range closureCaptures {
				capturedIdx := capturedNode.Index
				closureInputs[closureIdx].Buffers[i] = execBuf.results[capturedIdx]
				if closureInputs[closureIdx].Buffers[i] == nil {
					return errors.Errorf("captured input %d for closure %d of node %s not computed yet",
						i, closureIdx, node.OpType)
				}
				// Only "own" the captured input if this is the last use of it.
				closureInputs[closureIdx].Owned[i] = execBuf.owned[capturedIdx] &&
					!closureInputs[closureIdx].Buffers[i].IsView() &&
					!closureInputs[closureIdx].Buffers[i].HasLiveViews() &&
					fe.NumUses[capturedIdx]-int(execBuf.numUsed[capturedIdx].Load()) == 1
			}
		}

		outputBuffers, err := closureExecutor(backend, node, inputBuffers, inputsOwned, closureInputs)
		if err != nil {
			return errors.WithMessagef(err, "executing closure op %s", node.OpType)
		}
		if klog.V(1).Enabled() {
			for _, outputBuf := range outputBuffers {
				if err := outputBuf.Check(); err != nil {
					klog.Errorf("executing closure op %s: output buffer %p: %v", node.OpType, outputBuf, err)
				}
			}
		}

		// Check if any captured inputs were consumed (set to nil by the executor).
		// If so, mark execBuf.results as nil to indicate they're no longer available.
		for closureIdx, closureCaptures := range node.CapturedInputs {
			for i, capturedNode := range closureCaptures {
				if closureInputs[closureIdx].Buffers[i] == nil {
					execBuf.results[capturedNode.Index] = nil
				}
			}
		}

		// Write outputs to execBuf (closure ops are always multi-output style), or free those no longer
		// needed.
		for outputIdx, outputBuf := range outputBuffers {
			outputNode := node.MultiOutputsNodes[outputIdx]
			outputNodeIdx := outputNode.Index
			if outputNodeIdx >= fe.NumNodesToProcess || fe.NumUses[outputNodeIdx] == 0 {
				backend.PutBuffer(outputBuf)
				continue
			}
			execBuf.results[outputNodeIdx] = outputBuf
			execBuf.owned[outputNodeIdx] = true
		}

	case node.IsMultiOutputs():
		// Execute the node
		multiExecutor := MultiOutputsNodeExecutors[node.OpType]
		if multiExecutor == nil {
			return errors.Errorf("no multi-output executor for op %s", node.OpType)
		}

		outputBuffers, err := multiExecutor(backend, node, inputBuffers, inputsOwned)
		if err != nil {
			return errors.WithMessagef(err, "executing multi-output %s", node.OpType)
		}
		if klog.V(1).Enabled() {
			for _, outputBuf := range outputBuffers {
				if err := outputBuf.Check(); err != nil {
					klog.Errorf("executing multi-output %s: output buffer %p: %v", node.OpType, outputBuf, err)
				}
			}
		}

		// Write outputs to execBuf (multi-output ops are always multi-output style), or free those no longer
		// needed.
		for outputIdx, outputBuf := range outputBuffers {
			outputNode := node.MultiOutputsNodes[outputIdx]
			outputNodeIdx := outputNode.Index
			if outputNodeIdx >= fe.NumNodesToProcess || fe.NumUses[outputNodeIdx] == 0 {
				// Output of node is not used by any other node, we can immediately release it.
				backend.PutBuffer(outputBuf)
				continue
			}
			execBuf.results[outputNodeIdx] = outputBuf
			execBuf.owned[outputNodeIdx] = true
		}

	default:
		// Single output node:
		executors := nodeExecutors[node.OpType]
		if len(executors) == 0 {
			return errors.Errorf("no executor for op %s", node.OpType)
		}

		var result *Buffer
		var err error

		// Fast path: cached winning executor index (1-based: idx+1).
		cachedIdx := int(node.cachedExecutorIdx.Load())
		if cachedIdx > 0 {
			result, err = executors[cachedIdx-1].executor(backend, node, inputBuffers, inputsOwned)
			if err == ErrFallback {
				node.cachedExecutorIdx.Store(0)
				cachedIdx = 0
			}
		}
		if cachedIdx == 0 {
			for i, entry := range executors {
				result, err = entry.executor(backend, node, inputBuffers, inputsOwned)
				if err == ErrFallback {
					continue
				}
				if err == nil {
					// Cache executor in case of success.
					node.cachedExecutorIdx.Store(int32(i + 1))
				}
				break
			}
		}
		if err != nil {
			return errors.WithMessagef(err, "executing %s", node.OpType)
		}
		if klog.V(1).Enabled() {
			if err := result.Check(); err != nil {
				klog.Errorf("executing single output %s: output buffer %p: %v", node.OpType, result, err)
			}
		}

		// Write result to execBuf (single output node), or free it if not needed.
		execBuf.results[nodeIdx] = result
		execBuf.owned[nodeIdx] = true
	}

	// Update usage counts and free unused buffers.
	// In parallel mode, this is safe without locks:
	//   - numUsed is atomic; only the goroutine whose Add() returns NumUses will free the buffer.
	//   - results[inputIdx] is set to nil only by the last consumer, after all readers have
	//     already copied the pointer into their local inputBuffers.
	for i, input := range node.Inputs {
		inputIdx := input.Index
		if inputBuffers[i] == nil {
			// Input buffer is nil, means it has been consumed by the operation.
			// Mark this input as used and indicate the result is no longer available.
			execBuf.numUsed[inputIdx].Add(1)
			execBuf.results[inputIdx] = nil
			continue
		}
		if !inputBuffers[i].InUse {
			// Sanity check: must be done BEFORE numUsed.Add below. After the Add,
			// another goroutine could become the last consumer and PutBuffer (setting
			// InUse=false), causing a data race on this field.
			return errors.Errorf("input #%d for node %s has been released, but not marked as consumed!?",
				i, node.OpType)
		}
		newCount := execBuf.numUsed[inputIdx].Add(1) // Mark this input as used.
		if int(newCount) == fe.NumUses[inputIdx] {
			if execBuf.owned[inputIdx] {
				// Check if it is reused as one of the outputs -- common for in-place operations, like in exec_binary.go.
				// The contract is that if the input is reused, the operator must set the input buffer to nil in the input slice.
				// If we find the input buffer reused as an output but it is not nil here, it is a bug in the operator implementation.
				if node.IsMultiOutputs() {
					for outIdx, outputNode := range node.MultiOutputsNodes {
						if execBuf.results[outputNode.Index] == inputBuffers[i] {
							return errors.Errorf("op %s (output %d) reused input %d as output but didn't set input to nil in buffer slice", node.OpType, outIdx, i)
						}
					}
				} else if execBuf.results[nodeIdx] == inputBuffers[i] {
					return errors.Errorf("op %s reused input %d as output but didn't set input to nil in buffer slice",
						node.OpType, i)
				}

				// Release the input buffer - all users have finished.
				backend.PutBuffer(inputBuffers[i])
			}
			execBuf.results[inputIdx] = nil
		}
	}
	// Also update usage counts for captured inputs.
	// These are treated as additional inputs for lifetime tracking.
	for _, closureCaptures := range node.CapturedInputs {
		for _, capturedInput := range closureCaptures {
			capturedIdx := capturedInput.Index
			newCount := execBuf.numUsed[capturedIdx].Add(1)
			capturedBuf := execBuf.results[capturedIdx]
			if capturedBuf == nil {
				continue
			}
			if int(newCount) == fe.NumUses[capturedIdx] && execBuf.owned[capturedIdx] {
				// Release the captured buffer - all uses have finished.
				backend.PutBuffer(capturedBuf)
				execBuf.results[capturedIdx] = nil
			}
		}
	}
	clear(inputBuffers)
	if execBuf.opsExecutionType == OpsExecutionSequential {
		// For sequential execution, we store the input buffers and ownership slices
		// to save an allocation for these slices the next time it is executed.
		execBuf.opInputBuffers = inputBuffers
		execBuf.opInputsOwned = inputsOwned
	}
	if backend.ConstantArenaGCThresholdBytes > 0 && backend.constantArena != nil &&
		backend.constantArena.releasedDonatedBytes.Load() >= backend.ConstantArenaGCThresholdBytes {
		backend.constantArena.reclaimReleasedDonatedBytes(
			backend.ConstantArenaGCThresholdBytes,
			backend.NumLiveExecutions.Load(),
		)
	}
	if isOpProfileEnabled {
		fe.recordOpProfileNode(node, execBuf.opsExecutionType, profTimer)
	}
	return nil
}

// EstimatedTemporaryMemory estimates the memory used for the function if executed sequentially.
// Returns int64(shapes.DynamicDim) (-1) if any parameter or node in the function has dynamic dimensions,
// since dynamic models cannot have their memory statically estimated at compile time.
//
// It assumes temporary memory is used for every node output (using Shape.ByteSize()),
// and released everytime one node output is no longer needed (its output has been used
// fe.NumUses[nodeIdx] times). It does not actually execute the nodes, just simulates the
// execution to report back the maximum temporary memory live at any time.
func (fe *FunctionExecutable) EstimatedTemporaryMemory() int64 {
	for _, p := range fe.Function.Parameters {
		if p.Shape.IsDynamic() {
			return int64(shapes.DynamicDim)
		}
	}

	var currentMemory int64
	var maxMemory int64
	numUsed := make([]int, fe.NumNodesToProcess)
	computed := make([]bool, fe.NumNodesToProcess)

	// Pre-mark parameters and captured values as computed.
	for _, node := range fe.Function.Parameters {
		if node.Index < fe.NumNodesToProcess {
			computed[node.Index] = true
		}
	}
	for _, node := range fe.Function.CapturedLocalNodes {
		if node.Index < fe.NumNodesToProcess {
			computed[node.Index] = true
		}
	}

	for _, nodeIdx := range fe.Schedule {
		if computed[nodeIdx] {
			continue
		}
		if fe.NumUses[nodeIdx] == 0 {
			continue
		}

		node := fe.Function.Nodes[nodeIdx]

		if node.OpType == compute.OpTypeParameter ||
			node.OpType == compute.OpTypeConstant ||
			node.OpType == compute.OpTypeCapturedValue {
			computed[nodeIdx] = true
			continue
		}

		// Allocate memory for this node's output(s)
		if node.IsMultiOutputs() {
			for _, outputNode := range node.MultiOutputsNodes {
				if outputNode.Index >= fe.NumNodesToProcess || fe.NumUses[outputNode.Index] == 0 {
					continue
				}
				computed[outputNode.Index] = true
				if outputNode.Shape.IsDynamic() {
					return int64(shapes.DynamicDim)
				}
				currentMemory += outputNode.Shape.ByteSize()
			}
		} else {
			computed[nodeIdx] = true
			if node.Shape.IsDynamic() {
				return int64(shapes.DynamicDim)
			}
			currentMemory += node.Shape.ByteSize()
		}

		if currentMemory > maxMemory {
			maxMemory = currentMemory
		}

		// Simulate the release of inputs
		for _, input := range node.Inputs {
			inputIdx := input.Index
			numUsed[inputIdx]++
			if numUsed[inputIdx] == fe.NumUses[inputIdx] {
				inputNode := fe.Function.Nodes[inputIdx]
				if inputNode.OpType != compute.OpTypeParameter &&
					inputNode.OpType != compute.OpTypeConstant &&
					inputNode.OpType != compute.OpTypeCapturedValue &&
					!inputNode.IsMultiOutputs() {
					currentMemory -= inputNode.Shape.ByteSize()
				}
			}
		}

		// Simulate the release of captured inputs
		for _, closureCaptures := range node.CapturedInputs {
			for _, capturedInput := range closureCaptures {
				capturedIdx := capturedInput.Index
				numUsed[capturedIdx]++
				if numUsed[capturedIdx] == fe.NumUses[capturedIdx] {
					capturedNode := fe.Function.Nodes[capturedIdx]
					if capturedNode.OpType != compute.OpTypeParameter &&
						capturedNode.OpType != compute.OpTypeConstant &&
						capturedNode.OpType != compute.OpTypeCapturedValue &&
						!capturedNode.IsMultiOutputs() {
						currentMemory -= capturedNode.Shape.ByteSize()
					}
				}
			}
		}
	}

	return maxMemory
}
