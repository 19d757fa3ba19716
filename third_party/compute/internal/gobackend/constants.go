// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

package gobackend

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// ConstantData holds the underlying buffer and any derived cached form for an OpTypeConstant node.
// A ConstantData instance can be shared across multiple Functions and Builders on the same Backend
// when Capabilities.SharedConstants is true.
//
// Separating ConstantData from Buffer keeps Buffer a pure storage container without any knowledge
// of constant semantics or graph-level optimizations.
type ConstantData struct {
	backend *Backend
	shape   shapes.Shape

	// rawBuffer holds the original constant tensor data (exact size, not pooled).
	// Once the constant is transformed into cachedForm (and all consumers use that cachedForm),
	// rawBuffer is atomically set to nil so the original backing slice can be garbage-collected.
	rawBuffer atomic.Pointer[Buffer]

	// isRawBufferPinned is set to true if any compiled graph uses this constant in an uncached
	// operation (e.g., Gather, LayerNorm, or multiple incompatible layouts) or if the buffer was
	// borrowed without donation (donate == false), preventing rawBuffer release.
	isRawBufferPinned bool

	// isExternalRaw is true when this ConstantData was created via NewConstantDataFromBuffer with
	// donate == false (meaning the caller retains ownership of the backing memory, so caching
	// adds memory without freeing the caller's raw weights).
	isExternalRaw bool

	// mu protects slow-path initialization of cachedForm and compile-time updates to
	// cachedFormSignature and isRawBufferPinned. Fast-path reads of cachedForm during
	// execution use atomic loads without locking mu.
	mu sync.Mutex

	// cachedForm holds a shared derived representation (opaque any; e.g., pre-packed GEMM panels [][]T
	// in DotGeneral) for this constant. Read lock-free via CachedForm() and populated once via GetOrSetCachedForm().
	// Stored as atomic.Pointer[any] so releasing an off-heap constant arena chunk can safely reset it to nil.
	cachedForm atomic.Pointer[any]

	// cachedFormSignature records the canonical signature of the constant sub-graph and consumer parameters
	// that produced cachedForm.
	cachedFormSignature string

	// forceCache indicates that a consumer op should populate cachedForm on the first execution
	// (e.g., even for small batch sizes in DotGeneral, unless ForceSmallVariant is active in tests).
	forceCache atomic.Bool

	// liveBuilders tracks active (un-finalized) Builders/Executables referencing this ConstantData.
	// Protected by mu.
	liveBuilders map[*Builder]struct{}

	// arenaChunks lists off-heap constantArenaChunks backing cachedForm. Protected by mu.
	arenaChunks []*constantArenaChunk

	// arenaReleased is set when cachedForm was cleared because all referencing builders/executables
	// were finalized and the donated rawBuffer had already been freed. Protected by mu.
	arenaReleased bool
}

// NewConstantData creates a new ConstantData with an exact-sized, non-pooled buffer copied from flat.
func NewConstantData(backend *Backend, shape shapes.Shape, flat any) (*ConstantData, error) {
	if backend.IsFinalized() {
		return nil, errors.WithStack(ErrBackendAlreadyFinalized)
	}
	buf := NewBuffer(shape)
	dtypes.CopyAnySlice(buf.Flat, flat)
	cd := &ConstantData{
		backend: backend,
		shape:   shape.Clone(),
	}
	cd.rawBuffer.Store(buf)
	return cd, nil
}

// NewConstantDataFromBuffer creates a ConstantData backed by buf without copying its data.
//
// If donate is true, ownership of buf's backing storage is transferred to ConstantData and buf is
// invalidated via markDonated. If donate is false, ConstantData shares the backing slice while keeping
// its own Buffer descriptor (so neither caller buf.Finalize() nor ConstantData raw-buffer release
// mutates the other's handle).
func NewConstantDataFromBuffer(backend *Backend, buf *Buffer, donate bool) (*ConstantData, error) {
	if backend.IsFinalized() {
		return nil, errors.WithStack(ErrBackendAlreadyFinalized)
	}
	if err := buf.Check(); err != nil {
		return nil, errors.WithMessage(err, "ConstantFromBuffer")
	}
	adopted := buf.shallowClone()
	adopted.RawBackend = backend
	adopted.InUse = true
	adopted.isUserFed = true
	adopted.isDonated = false
	if donate {
		buf.markDonated()
		AdviseHugePages(adopted.RawBytes)
	}
	cd := &ConstantData{
		backend:           backend,
		shape:             adopted.RawShape.Clone(),
		isRawBufferPinned: !donate,
		isExternalRaw:     !donate,
	}
	cd.rawBuffer.Store(adopted)
	return cd, nil
}

// NewAnonymousConstantData creates a ConstantData container without a single backing rawBuffer
// (isRawBufferPinned = true), used by ops like DotGeneral when an input is a composite constant expression.
func NewAnonymousConstantData() *ConstantData {
	cd := &ConstantData{
		isRawBufferPinned: true,
	}
	cd.forceCache.Store(true)
	return cd
}

// Backend returns the Backend that owns this ConstantData.
func (cd *ConstantData) Backend() *Backend {
	if cd == nil {
		return nil
	}
	return cd.backend
}

// Shape returns the shape of this constant.
func (cd *ConstantData) Shape() shapes.Shape {
	if cd == nil {
		return shapes.Invalid()
	}
	return cd.shape
}

// Buffer returns the raw Buffer, or nil if it has been released after caching a derived form.
func (cd *ConstantData) Buffer() *Buffer {
	if cd == nil {
		return nil
	}
	return cd.rawBuffer.Load()
}

// CachedForm returns the shared derived cached representation, or nil if none has been set.
// It performs a lock-free atomic load.
func (cd *ConstantData) CachedForm() any {
	if cd == nil {
		return nil
	}
	ptr := cd.cachedForm.Load()
	if ptr == nil {
		return nil
	}
	return *ptr
}

// GetOrSetCachedForm returns the cached representation cast to T if already present (via a lock-free atomic load).
// Otherwise, it locks cd.mu, re-checks that cachedForm is still nil, calls computeFn() to build the
// cached representation, stores it in cachedForm, releases rawBuffer (if !isRawBufferPinned), and unlocks cd.mu.
func GetOrSetCachedForm[T any](cd *ConstantData, computeFn func() T) T {
	var zero T
	if cd == nil {
		return zero
	}
	if ptr := cd.cachedForm.Load(); ptr != nil {
		if typed, ok := (*ptr).(T); ok {
			return typed
		}
		return zero
	}
	cd.mu.Lock()
	defer cd.mu.Unlock()
	if ptr := cd.cachedForm.Load(); ptr != nil {
		if typed, ok := (*ptr).(T); ok {
			return typed
		}
		return zero
	}
	typed := computeFn()
	if !reflect.ValueOf(&typed).Elem().IsZero() {
		var boxed any = typed
		cd.cachedForm.Store(&boxed)
		if !cd.isRawBufferPinned {
			// Clear the atomic pointer so GC can reclaim the buffer once any
			// concurrent readers that already loaded it finish; do not mutate
			// oldBuf fields in place because concurrent first-run readers may
			// still be reading them.
			if oldBuf := cd.rawBuffer.Swap(nil); oldBuf != nil && cd.backend != nil &&
				cd.backend.UseConstantArena && cd.backend.constantArena != nil {
				freed := int64(len(oldBuf.RawBytes))
				if freed == 0 {
					freed = cd.shape.ByteSize()
				}
				cd.backend.constantArena.recordReleasedDonatedBytes(freed)
			}
		}
	}
	return typed
}

// ForceCache reports whether populating cachedForm is forced on the first execution.
func (cd *ConstantData) ForceCache() bool {
	return cd != nil && cd.forceCache.Load()
}

// IsExternalRaw reports whether this ConstantData borrows backing memory without donation
// (created via NewConstantDataFromBuffer with donate == false).
func (cd *ConstantData) IsExternalRaw() bool {
	return cd != nil && cd.isExternalRaw
}

// EqualNodeData implements NodeDataComparable for ConstantData.
func (cd *ConstantData) EqualNodeData(other NodeDataComparable) bool {
	if cd == other {
		return true
	}
	o, ok := other.(*ConstantData)
	if !ok || o == nil || cd == nil {
		return false
	}
	if !cd.shape.Equal(o.shape) {
		return false
	}
	b1 := cd.rawBuffer.Load()
	b2 := o.rawBuffer.Load()
	if b1 == nil || b2 == nil {
		return false
	}
	byteSize := int(cd.shape.ByteSize())
	if byteSize == 0 {
		return true
	}
	if len(b1.RawBytes) >= byteSize && len(b2.RawBytes) >= byteSize {
		if unsafe.SliceData(b1.RawBytes) == unsafe.SliceData(b2.RawBytes) {
			return true
		}
		return bytes.Equal(b1.RawBytes[:byteSize], b2.RawBytes[:byteSize])
	}
	return compareFlatData(b1.Flat, b2.Flat)
}

// ConstantCacheNodeData is implemented by op Node.Data types in sub-packages
// (for example, DotGeneral, FusedDense, and FusedQuantizedDense caching pre-packed weight panels)
// that transform constant inputs into ConstantData.cachedForm on first execution
// and never read the raw constant input buffer again once cached.
type ConstantCacheNodeData interface {
	// CacheSignature returns a non-empty canonical string describing how inputIdx is transformed/cached,
	// or "" if inputIdx is not cached by this node.
	CacheSignature(inputIdx int) string

	// BindConstantData binds the shared ConstantData to inputIdx so the op reads/writes its cachedForm.
	BindConstantData(inputIdx int, cd *ConstantData)

	// IsInputCached reports whether inputIdx uses a cached form that has already been populated.
	IsInputCached(inputIdx int) bool
}

// ConditionalConstantCacheNodeData is an optional extension of ConstantCacheNodeData
// for ops whose caching decision depends on policy rules and whether the constant's raw
// backing memory will actually be freed once cached (e.g. QuantizedCacheBalanced in
// FusedQuantizedDense), or whose supporting inputs (such as scale/zero-point) depend on
// whether the primary weight input was cached first.
type ConditionalConstantCacheNodeData interface {
	ConstantCacheNodeData

	// ConstantCachePriority returns 0 for primary inputs (such as weight matrices) and > 0 for
	// secondary/supporting inputs (such as weight scales/zero-points) whose caching signature
	// or decision depends on whether the primary input was cached first.
	ConstantCachePriority(inputIdx int) int

	// ShouldCacheInput reports whether inputIdx should be cached given cd and whether
	// cd's raw backing memory will be freed once cached (willFreeRaw).
	ShouldCacheInput(inputIdx int, cd *ConstantData, willFreeRaw bool) bool
}

// constantCacheTerminal represents a consumer node input slot where a constant transformation
// sub-graph terminates in a ConstantCacheNodeData op (such as DotGeneral or FusedDense).
// For example, in Const(W) -> Transpose -> DotGeneral(lhs, rhs), the DotGeneral node at
// inputSlot=1 (rhs) is the terminal consumer of the constant sub-graph rooted at Const(W).
type constantCacheTerminal struct {
	// node is the consumer node whose Data implements ConstantCacheNodeData.
	node *Node

	// inputSlot is the index in node.Inputs that receives the (possibly transformed) constant.
	inputSlot int

	// sig is the full canonical signature combining the constant sub-graph expression from
	// the source OpTypeConstant to inputSlot with node's CacheSignature(inputSlot).
	sig string
}

// setupConstantSubgraphCaching is called once during compilation (from newFunctionExecutable).
// It inspects all reachable OpTypeConstant nodes in fe.Function and analyzes how each constant is consumed:
//   - Constants are processed in two passes: pass 0 handles primary constants (priority 0),
//     and pass 1 handles secondary-only constants (priority > 0, such as weight scales/zero-points
//     whose caching depends on whether the associated weight was cached in pass 0).
//   - It verifies whether all uses of the constant flow exclusively through a deterministic constant
//     transformation sub-graph (e.g., Transpose, Reshape, ConvertDType) into ConstantCacheNodeData consumers
//     (e.g., DotGeneral, FusedDense, or FusedQuantizedDense) with a single canonical signature.
//   - If a shared donated ConstantData was already compiled and optimized in an earlier graph with a
//     different signature (and its raw buffer was released or scheduled for release), it returns a
//     compile-time error immediately.
//   - It binds the ConstantData to the terminal consumer nodes (via BindConstantData) and records any
//     intermediate constant-subgraph nodes in fe.skipIfCachedConstant.
//
// The actual computation of cachedForm (and release of rawBuffer) happens lazily on the first execution
// when the consumer op calls ConstantData.GetOrSetCachedForm.
func (fe *FunctionExecutable) setupConstantSubgraphCaching() error {
	f := fe.Function
	var pass0, pass1 []*Node
	for nodeIdx := range fe.NumNodesToProcess {
		constNode := f.Nodes[nodeIdx]
		if constNode == nil || constNode.OpType != compute.OpTypeConstant || fe.NumUses[nodeIdx] == 0 {
			continue
		}
		cd, ok := constNode.Data.(*ConstantData)
		if !ok {
			continue
		}
		fe.Builder.registerConstantUser(cd)
		if fe.constantFeedsSecondaryOnly(constNode) {
			pass1 = append(pass1, constNode)
		} else {
			pass0 = append(pass0, constNode)
		}
	}
	for _, constNode := range pass0 {
		if err := fe.setupSingleConstantCaching(constNode); err != nil {
			return err
		}
	}
	for _, constNode := range pass1 {
		if err := fe.setupSingleConstantCaching(constNode); err != nil {
			return err
		}
	}
	return nil
}

// constantFeedsSecondaryOnly reports whether all direct or transitive ConditionalConstantCacheNodeData
// terminals reached from constNode have ConstantCachePriority(slot) > 0 (and there is at least one).
func (fe *FunctionExecutable) constantFeedsSecondaryOnly(constNode *Node) bool {
	f := fe.Function
	visited := make(map[int]bool)
	queue := []*Node{constNode}
	visited[constNode.Index] = true
	foundSecondary := false

	for len(queue) > 0 {
		curr := queue[0]
		queue = queue[1:]
		for _, depIdx := range fe.Dependents[curr.Index] {
			depNode := f.Nodes[depIdx]
			if depNode == nil {
				continue
			}
			_, isCacher := depNode.Data.(ConstantCacheNodeData)
			cond, isCond := depNode.Data.(ConditionalConstantCacheNodeData)
			for slot, inNode := range depNode.Inputs {
				if inNode != curr {
					continue
				}
				if isCacher {
					if isCond && cond.ConstantCachePriority(slot) > 0 {
						foundSecondary = true
					} else {
						return false
					}
				} else if depNode.IsConstant() && !depNode.Shape.IsDynamic() && !depNode.IsMultiOutputs() && len(depNode.CapturedInputs) == 0 {
					if !visited[depNode.Index] {
						visited[depNode.Index] = true
						queue = append(queue, depNode)
					}
				}
			}
		}
	}
	return foundSecondary
}

func (fe *FunctionExecutable) setupSingleConstantCaching(constNode *Node) error {
	cd := constNode.Data.(*ConstantData)
	canReleaseRaw, sig, terminals, intermediateIdxs := fe.analyzeConstantCaching(constNode)

	cd.mu.Lock()
	if cd.arenaReleased && cd.Buffer() == nil {
		optSig := cd.cachedFormSignature
		cd.mu.Unlock()
		return errors.Errorf(
			"the donated variable/constant (shape %s, %s) was previously freed when all builders/executables using its constant_arena were finalized; recreate the constant or avoid finalizing all referencing executables before compiling a new graph",
			cd.shape, optSig)
	}
	alreadyCachedMatching := sig != "" && cd.CachedForm() != nil && cd.cachedFormSignature == sig

	// Apply per-terminal conditional caching decisions (e.g., QuantizedCacheBalanced).
	// If cd already has a matching CachedForm populated from an earlier graph, reuse it
	// immediately without re-checking extra memory cost.
	if len(terminals) > 0 && !alreadyCachedMatching {
		willFreeRaw := canReleaseRaw && !cd.isRawBufferPinned && !cd.isExternalRaw
		active := terminals[:0]
		rejected := false
		for _, term := range terminals {
			if cond, ok := term.node.Data.(ConditionalConstantCacheNodeData); ok {
				if !cond.ShouldCacheInput(term.inputSlot, cd, willFreeRaw) {
					rejected = true
					continue
				}
			}
			active = append(active, term)
		}
		if rejected {
			canReleaseRaw = false
			intermediateIdxs = nil
			// If some terminals accepted assuming willFreeRaw==true while others rejected
			// (pinning rawBuffer), re-check the remaining terminals with willFreeRaw==false.
			if willFreeRaw && len(active) > 0 {
				rechecked := active[:0]
				for _, term := range active {
					if cond, ok := term.node.Data.(ConditionalConstantCacheNodeData); ok {
						if !cond.ShouldCacheInput(term.inputSlot, cd, false) {
							continue
						}
					}
					rechecked = append(rechecked, term)
				}
				active = rechecked
			}
		}
		terminals = active
		if len(terminals) == 0 {
			sig = ""
		}
	}

	if !canReleaseRaw {
		if !cd.isRawBufferPinned && (cd.cachedFormSignature != "" || cd.Buffer() == nil) {
			optSig := cd.cachedFormSignature
			cd.mu.Unlock()
			return errors.Errorf(
				"the variable/constant (shape %s) was optimized in a first compilation (%s), and now is being compiled in a different way but can't be recovered; if you plan to have different graphs, please use different Exec objects and don't donate the model.Store",
				cd.shape, optSig)
		}
		cd.isRawBufferPinned = true
		// Even when rawBuffer must be kept (e.g., non-donated constant or shared with Gather),
		// if all cached consumers share a single compatible signature sig, cache and share the
		// derived representation alongside rawBuffer (Option B).
		if sig != "" && len(terminals) > 0 && (cd.cachedFormSignature == "" || cd.cachedFormSignature == sig) {
			cd.cachedFormSignature = sig
			for _, term := range terminals {
				cacher := term.node.Data.(ConstantCacheNodeData)
				cacher.BindConstantData(term.inputSlot, cd)
			}
			cd.forceCache.Store(true)
		}
		cd.mu.Unlock()
		return nil
	}

	// canReleaseRaw == true with canonical signature sig.
	if cd.cachedFormSignature != "" && cd.cachedFormSignature != sig {
		if cd.isRawBufferPinned && cd.Buffer() != nil {
			// Raw buffer is still pinned and available (e.g., non-donated constant), so
			// incompatible consumers simply stay uncached and read rawBuffer directly.
			cd.mu.Unlock()
			return nil
		}
		optSig := cd.cachedFormSignature
		cd.mu.Unlock()
		return errors.Errorf(
			"the variable/constant (shape %s) was optimized in a first compilation (%s), and now is being compiled in a different way (%s) but can't be recovered; if you plan to have different graphs, please use different Exec objects and don't donate the model.Store",
			cd.shape, optSig, sig)
	}

	cd.cachedFormSignature = sig
	for _, term := range terminals {
		cacher := term.node.Data.(ConstantCacheNodeData)
		cacher.BindConstantData(term.inputSlot, cd)
	}
	cd.forceCache.Store(true)
	cd.mu.Unlock()

	if len(intermediateIdxs) > 0 {
		if fe.skipIfCachedConstant == nil {
			fe.skipIfCachedConstant = make([]*ConstantData, fe.NumNodesToProcess)
		}
		for _, interIdx := range intermediateIdxs {
			fe.skipIfCachedConstant[interIdx] = cd
		}
	}
	return nil
}

// analyzeConstantCaching checks if all uses of constNode in fe.Function flow exclusively through
// deterministic constant-only operations into cached slots of ConstantCacheNodeData nodes with
// an identical sub-graph + cache signature.
// If constNode has both cached uses (sharing a single signature sig) and uncached uses,
// canReleaseRaw is false while sig and terminals are still returned so Option B (keep raw + cache derived form) works.
func (fe *FunctionExecutable) analyzeConstantCaching(constNode *Node) (
	canReleaseRaw bool, sig string, terminals []constantCacheTerminal, intermediateIdxs []int,
) {
	f := fe.Function
	visited := make(map[int]bool)
	queue := []*Node{constNode}
	visited[constNode.Index] = true
	hasUncachedUse := false

	for len(queue) > 0 {
		curr := queue[0]
		queue = queue[1:]

		// If curr is also a direct output of the function, its raw/uncached value is needed.
		if fe.NumUses[curr.Index] != len(fe.Dependents[curr.Index]) {
			hasUncachedUse = true
		}
		if len(fe.Dependents[curr.Index]) == 0 {
			hasUncachedUse = true
			continue
		}

		seenDep := make(map[int]bool, len(fe.Dependents[curr.Index]))
		for _, depIdx := range fe.Dependents[curr.Index] {
			if seenDep[depIdx] {
				continue
			}
			seenDep[depIdx] = true
			depNode := f.Nodes[depIdx]
			if depNode == nil {
				hasUncachedUse = true
				continue
			}

			// Captured uses in closures cannot be skipped via cached constant form.
			for _, captures := range depNode.CapturedInputs {
				for _, capNode := range captures {
					if capNode == curr {
						hasUncachedUse = true
					}
				}
			}

			cacher, isCacher := depNode.Data.(ConstantCacheNodeData)
			for slot, inNode := range depNode.Inputs {
				if inNode != curr {
					continue
				}
				if isCacher {
					cacheSig := cacher.CacheSignature(slot)
					if cacheSig == "" {
						hasUncachedUse = true
						continue
					}
					exprSig, ok := constantSubgraphExprSignature(curr, constNode)
					if !ok {
						hasUncachedUse = true
						continue
					}
					fullSig := exprSig + "->" + cacheSig
					terminals = append(terminals, constantCacheTerminal{
						node:      depNode,
						inputSlot: slot,
						sig:       fullSig,
					})
				} else {
					// Intermediate node must be a single-output, static-shape, constant-only transform.
					if !depNode.IsConstant() || depNode.Shape.IsDynamic() || depNode.IsMultiOutputs() || len(depNode.CapturedInputs) > 0 {
						hasUncachedUse = true
						continue
					}
					if !visited[depNode.Index] {
						visited[depNode.Index] = true
						intermediateIdxs = append(intermediateIdxs, depNode.Index)
						queue = append(queue, depNode)
					}
				}
			}
		}
	}

	if len(terminals) == 0 {
		return false, "", nil, nil
	}
	sig = terminals[0].sig
	for _, t := range terminals[1:] {
		if t.sig != sig {
			return false, "", nil, nil
		}
	}
	if hasUncachedUse {
		return false, sig, terminals, nil
	}

	// Also ensure any other non-constant ancestors of intermediateIdxs (e.g., in binary constant ops)
	// are exclusively used within this constant sub-graph and are included in intermediateIdxs.
	for i := 0; i < len(intermediateIdxs); i++ {
		interNode := f.Nodes[intermediateIdxs[i]]
		for _, inNode := range interNode.Inputs {
			if inNode.OpType == compute.OpTypeConstant || visited[inNode.Index] {
				continue
			}
			if !inNode.IsConstant() || inNode.Shape.IsDynamic() || inNode.IsMultiOutputs() || len(inNode.CapturedInputs) > 0 {
				return false, sig, terminals, nil
			}
			if fe.NumUses[inNode.Index] != len(fe.Dependents[inNode.Index]) {
				return false, sig, terminals, nil
			}
			visited[inNode.Index] = true
			intermediateIdxs = append(intermediateIdxs, inNode.Index)
		}
	}
	// Verify that every node in visited (except constNode) only feeds nodes in visited or terminals.
	terminalNodeSet := make(map[int]bool, len(terminals))
	for _, t := range terminals {
		terminalNodeSet[t.node.Index] = true
	}
	for _, interIdx := range intermediateIdxs {
		for _, depIdx := range fe.Dependents[interIdx] {
			if !visited[depIdx] && !terminalNodeSet[depIdx] {
				return false, sig, terminals, nil
			}
		}
	}

	return true, sig, terminals, intermediateIdxs
}

// ConstantIdentitySignature builds a canonical pointer-stable signature for a constant
// expression node. Unlike constantSubgraphExprSignature, it identifies OpTypeConstant leaves
// strictly by their *ConstantData pointer (never dereferencing cd.Buffer()), so the signature
// remains identical before and after rawBuffer is released across multiple graph compilations.
func ConstantIdentitySignature(node *Node) (string, bool) {
	if node == nil {
		return "", false
	}
	if node.OpType == compute.OpTypeConstant {
		cd, ok := node.Data.(*ConstantData)
		if !ok || cd == nil {
			return "", false
		}
		return fmt.Sprintf("Const(%s,%p)", cd.shape, cd), true
	}
	if !node.IsConstant() || node.Shape.IsDynamic() || node.IsMultiOutputs() || len(node.CapturedInputs) > 0 {
		return "", false
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s(%s", node.OpType, node.Shape)
	if dataSig := nodeDataSignature(node.Data); dataSig != "" {
		fmt.Fprintf(&sb, ",data=%s", dataSig)
	}
	sb.WriteString(",in=[")
	for i, in := range node.Inputs {
		if i > 0 {
			sb.WriteString(",")
		}
		inSig, ok := ConstantIdentitySignature(in)
		if !ok {
			return "", false
		}
		sb.WriteString(inSig)
	}
	sb.WriteString("])")
	return sb.String(), true
}

// constantSubgraphExprSignature builds a canonical string representation of the constant expression
// tree rooted at node with respect to targetConst.
func constantSubgraphExprSignature(node, targetConst *Node) (string, bool) {
	if node == nil {
		return "", false
	}
	if node == targetConst {
		return fmt.Sprintf("SELF(%s)", node.Shape), true
	}
	if node.OpType == compute.OpTypeConstant {
		cd, ok := node.Data.(*ConstantData)
		if !ok || cd == nil {
			return "", false
		}
		// Include small scalar/vector constant values in signature if available.
		if buf := cd.Buffer(); buf != nil && cd.shape.Size() <= 16 {
			return fmt.Sprintf("Const(%s=%v)", cd.shape, buf.Flat), true
		}
		return fmt.Sprintf("Const(%s,%p)", cd.shape, cd), true
	}
	if !node.IsConstant() || node.Shape.IsDynamic() || node.IsMultiOutputs() || len(node.CapturedInputs) > 0 {
		return "", false
	}

	var sb strings.Builder
	fmt.Fprintf(&sb, "%s(%s", node.OpType, node.Shape)
	if dataSig := nodeDataSignature(node.Data); dataSig != "" {
		fmt.Fprintf(&sb, ",data=%s", dataSig)
	}
	sb.WriteString(",in=[")
	for i, in := range node.Inputs {
		if i > 0 {
			sb.WriteString(",")
		}
		inSig, ok := constantSubgraphExprSignature(in, targetConst)
		if !ok {
			return "", false
		}
		sb.WriteString(inSig)
	}
	sb.WriteString("])")
	return sb.String(), true
}

func nodeDataSignature(data any) string {
	if data == nil {
		return ""
	}
	switch v := data.(type) {
	case []int:
		return fmt.Sprintf("%v", v)
	case int:
		return fmt.Sprintf("%d", v)
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprintf("%+v", v)
	}
}
