// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

//go:build arm64 && goexperiment.simd && go1.27

package neon

// This file is both an implementation for the "f32" tag, and the source for the following alternatives
// (you will find annotations in the form "alt:f32" or "alt:bf16" or "alt:f32|bf16" for both)
//
// - "bf16": Implements the MatMul for BFloat16 -> Float32 dtypes.
// - "f16": Implements the MatMul for Float16 -> Float32 dtypes.
// - "f64": Implements the MatMul for Float64 -> Float64 dtypes.

import (
	"runtime"
	"simd/archsimd"
	"sync/atomic"
	"unsafe"

	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/internal/gobackend/dot"
	"github.com/gomlx/compute/internal/gobackend/dot/matmul"
	"github.com/pkg/errors"
	//alt:bf16 "github.com/gomlx/compute/dtypes/bfloat16"
	//alt:f16 "github.com/gomlx/compute/dtypes/float16"
)

// neonLargeFloat32 implements a cache-tiled, panel-packed matrix multiplication using ARM64 NEON.
func neonLargeFloat32( //alt:f32
	//alt:bf16 func neonLargeBFloat16(
	//alt:f16 func neonLargeFloat16(
	//alt:f64 func neonLargeFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs, rhs []float32, //alt:f32
	//alt:bf16 lhs, rhs []bfloat16.BFloat16,
	//alt:f16 lhs, rhs []float16.Float16,
	//alt:f64 lhs, rhs []float64,
	batchSize, lhsCrossSize, rhsCrossSize, contractingSize int,
	output []float32, //alt:f32|bf16|f16
	//alt:f64 output []float64,
	nodeData *dot.NodeData,
) {
	params := NEONParamsFloat32 //alt:f32
	//alt:bf16 params := NEONParamsBFloat16
	//alt:f16 params := NEONParamsFloat16
	//alt:f64 params := NEONParamsFloat64
	neonLargeWithParamsFloat32(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params) //alt:f32
	//alt:bf16 neonLargeWithParamsBFloat16(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params)
	//alt:f16 neonLargeWithParamsFloat16(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params)
	//alt:f64 neonLargeWithParamsFloat64(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params)
}

// smeLargeFloat32 implements a cache-tiled, panel-packed matrix multiplication using ARM64 SME FMOPA outer products.
func smeLargeFloat32( //alt:f32
	//alt:bf16 func smeLargeBFloat16(
	//alt:f16 func smeLargeFloat16(
	//alt:f64 func smeLargeFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs, rhs []float32, //alt:f32
	//alt:bf16 lhs, rhs []bfloat16.BFloat16,
	//alt:f16 lhs, rhs []float16.Float16,
	//alt:f64 lhs, rhs []float64,
	batchSize, lhsCrossSize, rhsCrossSize, contractingSize int,
	output []float32, //alt:f32|bf16|f16
	//alt:f64 output []float64,
	nodeData *dot.NodeData,
) {
	params := SMEParamsFloat32 //alt:f32
	//alt:bf16 params := SMEParamsBFloat16
	//alt:f16 params := SMEParamsFloat16
	//alt:f64 params := SMEParamsFloat64
	if nodeData == nil || (nodeData.LHSConstantData == nil && nodeData.RHSConstantData == nil) {
		if params.LHSL1KernelRows == 32 && (lhsCrossSize < 32 || rhsCrossSize < 32) { //alt:f32|bf16|f16
			//alt:f64 if params.LHSL1KernelRows == 16 && (lhsCrossSize < 16 || rhsCrossSize < 16) {
			params.LHSL1KernelRows = 16 //alt:f32|bf16|f16
			params.RHSL1KernelCols = 16 //alt:f32|bf16|f16
			params.LHSPanelCrossSize = 32 //alt:f32|bf16|f16
			//alt:f64 params.LHSL1KernelRows = 8
			//alt:f64 params.RHSL1KernelCols = 8
			//alt:f64 params.LHSPanelCrossSize = 32
		}
	}
	neonLargeWithParamsFloat32(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params) //alt:f32
	//alt:bf16 neonLargeWithParamsBFloat16(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params)
	//alt:f16 neonLargeWithParamsFloat16(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params)
	//alt:f64 neonLargeWithParamsFloat64(backend, layout, lhs, rhs, batchSize, lhsCrossSize, rhsCrossSize, contractingSize, output, nodeData, params)
}

func neonLargeWithParamsFloat32( //alt:f32
	//alt:bf16 func neonLargeWithParamsBFloat16(
	//alt:f16 func neonLargeWithParamsFloat16(
	//alt:f64 func neonLargeWithParamsFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs, rhs []float32, //alt:f32
	//alt:bf16 lhs, rhs []bfloat16.BFloat16,
	//alt:f16 lhs, rhs []float16.Float16,
	//alt:f64 lhs, rhs []float64,
	batchSize, lhsCrossSize, rhsCrossSize, contractingSize int,
	output []float32, //alt:f32|bf16|f16
	//alt:f64 output []float64,
	nodeData *dot.NodeData,
	params matmul.CacheParams,
) {
	neonLargeWithParamsAndEpilogueFloat32( //alt:f32
		//alt:bf16 neonLargeWithParamsAndEpilogueBFloat16(
		//alt:f16 neonLargeWithParamsAndEpilogueFloat16(
		//alt:f64 neonLargeWithParamsAndEpilogueFloat64(
		backend, layout, lhs, rhs,
		batchSize, lhsCrossSize, rhsCrossSize, contractingSize,
		output, nodeData, params,
		matmul.Epilogue[float32]{}, //alt:f32|bf16|f16
		//alt:f64 matmul.Epilogue[float64]{},
	)
}

func neonLargeWithParamsAndEpilogueFloat32( //alt:f32
	//alt:bf16 func neonLargeWithParamsAndEpilogueBFloat16(
	//alt:f16 func neonLargeWithParamsAndEpilogueFloat16(
	//alt:f64 func neonLargeWithParamsAndEpilogueFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs, rhs []float32, //alt:f32
	//alt:bf16 lhs, rhs []bfloat16.BFloat16,
	//alt:f16 lhs, rhs []float16.Float16,
	//alt:f64 lhs, rhs []float64,
	batchSize, lhsCrossSize, rhsCrossSize, contractingSize int,
	output []float32, //alt:f32|bf16|f16
	//alt:f64 output []float64,
	nodeData *dot.NodeData,
	params matmul.CacheParams,
	epilogue matmul.Epilogue[float32], //alt:f32|bf16|f16
	//alt:f64 epilogue matmul.Epilogue[float64],
) {
	flops := batchSize * lhsCrossSize * rhsCrossSize * contractingSize
	minFlopsPerWorker := matmul.MinLargeMatMulFlopsPerWorker
	if nodeData != nil && (nodeData.RHSConstantData.CachedForm() != nil || nodeData.LHSConstantData.CachedForm() != nil) {
		minFlopsPerWorker = matmul.MinCachedLargeMatMulFlopsPerWorker
	}
	unscaled := backend.Scheduler.UnscaledParallelism()
	eff := backend.Scheduler.EffectiveParallelism()
	maxWorkers := min(
		unscaled,
		max(1, (flops+minFlopsPerWorker-1)/minFlopsPerWorker),
	)

	lhsBatchStride := lhsCrossSize * contractingSize
	rhsBatchStride := rhsCrossSize * contractingSize
	outputBatchStride := lhsCrossSize * rhsCrossSize

	numKPanels := (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
	isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 16 //alt:f32|bf16|f16
	//alt:f64 isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 8 && params.RHSL1KernelCols >= 8
	hasCachedLHS := nodeData != nil && nodeData.LHSConstantData != nil                                                                                                 //alt:f32|bf16|f64
	useM1Direct := NEONUseAsm && lhsCrossSize == 1 && !hasCachedLHS && (params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16 || params.RHSL1KernelCols == 32) //alt:f32|bf16
	//alt:f64 useM1Direct := NEONUseAsm && lhsCrossSize == 1 && !hasCachedLHS && (params.RHSL1KernelCols == 4 || params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16)
	//alt:f16 useM1Direct := false
	if eff < unscaled {
		flopsPerWorker := minFlopsPerWorker
		if isSMEKernel && !useM1Direct {
			flopsPerWorker = 256 * 1024 * 1024
		}
		maxWorkers = min(
			eff,
			max(1, (flops+flopsPerWorker-1)/flopsPerWorker),
		)
	} else if isSMEKernel && !useM1Direct && maxWorkers > 1 && smeShouldUseSingleWorker(flops, backend.Scheduler.IsWholeChipHeld()) {
		maxWorkers = 1
	}
	// Note: fineNc must NOT depend on maxWorkers (which varies dynamically with smeCallerOnFastCluster()
	// and EffectiveParallelism()), because cachedRHSPanels is persisted on nodeData.RHSConstantData
	// across calls and its panel count (numKPanels * numColPanels) must remain invariant.
	if isSMEKernel {
		fineNc := max(params.RHSL1KernelCols, min(params.RHSPanelCrossSize, 4*params.RHSL1KernelCols))
		fineColPanels := (rhsCrossSize + fineNc - 1) / fineNc
		if batchSize*numKPanels*fineColPanels <= 2048 {
			params.RHSPanelCrossSize = fineNc
		}
	}
	numColPanels := (rhsCrossSize + params.RHSPanelCrossSize - 1) / params.RHSPanelCrossSize
	rhsPanelsPerBatch := numKPanels * numColPanels
	numRowPanels := (lhsCrossSize + params.LHSPanelCrossSize - 1) / params.LHSPanelCrossSize
	lhsPanelsPerBatch := numKPanels * numRowPanels

	var cachedRHSPanels, cachedLHSPanels [][]float32 //alt:f32
	//alt:bf16 var cachedRHSPanels, cachedLHSPanels [][]bfloat16.BFloat16
	//alt:f16 var cachedRHSPanels, cachedLHSPanels [][]float16.Float16
	//alt:f64 var cachedRHSPanels, cachedLHSPanels [][]float64
	if nodeData != nil {
		if nodeData.RHSConstantData != nil {
			cachedRHSPanels = gobackend.GetOrSetCachedForm(nodeData.RHSConstantData, func() [][]float32 { //alt:f32
				//alt:bf16 cachedRHSPanels = gobackend.GetOrSetCachedForm(nodeData.RHSConstantData, func() [][]bfloat16.BFloat16 {
				//alt:f16 cachedRHSPanels = gobackend.GetOrSetCachedForm(nodeData.RHSConstantData, func() [][]float16.Float16 {
				//alt:f64 cachedRHSPanels = gobackend.GetOrSetCachedForm(nodeData.RHSConstantData, func() [][]float64 {
				_, panels := neonPrepackRHSFloat32(backend, layout, rhs, batchSize, rhsCrossSize, contractingSize, params, nodeData.RHSConstantData) //alt:f32
				//alt:bf16 _, panels := neonPrepackRHSBFloat16(backend, layout, rhs, batchSize, rhsCrossSize, contractingSize, params, nodeData.RHSConstantData)
				//alt:f16 _, panels := neonPrepackRHSFloat16(backend, layout, rhs, batchSize, rhsCrossSize, contractingSize, params, nodeData.RHSConstantData)
				//alt:f64 _, panels := neonPrepackRHSFloat64(backend, layout, rhs, batchSize, rhsCrossSize, contractingSize, params, nodeData.RHSConstantData)
				return panels
			})
		}

		if nodeData.LHSConstantData != nil {
			cachedLHSPanels = gobackend.GetOrSetCachedForm(nodeData.LHSConstantData, func() [][]float32 { //alt:f32
				//alt:bf16 cachedLHSPanels = gobackend.GetOrSetCachedForm(nodeData.LHSConstantData, func() [][]bfloat16.BFloat16 {
				//alt:f16 cachedLHSPanels = gobackend.GetOrSetCachedForm(nodeData.LHSConstantData, func() [][]float16.Float16 {
				//alt:f64 cachedLHSPanels = gobackend.GetOrSetCachedForm(nodeData.LHSConstantData, func() [][]float64 {
				_, panels := neonPrepackLHSFloat32(backend, lhs, batchSize, lhsCrossSize, contractingSize, params, nodeData.LHSConstantData) //alt:f32
				//alt:bf16 _, panels := neonPrepackLHSBFloat16(backend, lhs, batchSize, lhsCrossSize, contractingSize, params, nodeData.LHSConstantData)
				//alt:f16 _, panels := neonPrepackLHSFloat16(backend, lhs, batchSize, lhsCrossSize, contractingSize, params, nodeData.LHSConstantData)
				//alt:f64 _, panels := neonPrepackLHSFloat64(backend, lhs, batchSize, lhsCrossSize, contractingSize, params, nodeData.LHSConstantData)
				return panels
			})
		}
	}

	if isSMEKernel && SMEUseHybridNEON && maxWorkers > 1 && batchSize > 1 &&
		lhsCrossSize*rhsCrossSize*contractingSize > 16*1024*1024 &&
		len(cachedLHSPanels) == 0 && len(cachedRHSPanels) == 0 {
		for b := range batchSize {
			neonLargeWithParamsAndEpilogueFloat32( //alt:f32
				//alt:bf16 neonLargeWithParamsAndEpilogueBFloat16(
				//alt:f16 neonLargeWithParamsAndEpilogueFloat16(
				//alt:f64 neonLargeWithParamsAndEpilogueFloat64(
				backend, layout,
				lhs[b*lhsBatchStride:(b+1)*lhsBatchStride],
				rhs[b*rhsBatchStride:(b+1)*rhsBatchStride],
				1, lhsCrossSize, rhsCrossSize, contractingSize,
				output[b*outputBatchStride:(b+1)*outputBatchStride],
				nil, params, epilogue,
			)
		}
		return
	}
	if maxWorkers > 1 {
		neonLargeParallelWithParamsFloat32( //alt:f32
			//alt:bf16 neonLargeParallelWithParamsBFloat16(
			//alt:f16 neonLargeParallelWithParamsFloat16(
			//alt:f64 neonLargeParallelWithParamsFloat64(
			backend, layout, lhs, rhs,
			batchSize, lhsCrossSize, rhsCrossSize, contractingSize,
			output, params, maxWorkers,
			cachedLHSPanels, cachedRHSPanels,
			epilogue,
		)
		return
	}

	needTempOutput := (useM1Direct && rhsCrossSize%params.RHSL1KernelCols != 0) || (!useM1Direct && !isSMEKernel && ((lhsCrossSize%params.LHSL1KernelRows != 0) || (rhsCrossSize%params.RHSL1KernelCols != 0)))
	if len(cachedLHSPanels) == 0 && len(cachedRHSPanels) == 0 {
		if contractingSize < params.PanelContractingSize {
			params.PanelContractingSize = contractingSize
		}
		roundedN := ((rhsCrossSize + params.RHSL1KernelCols - 1) / params.RHSL1KernelCols) * params.RHSL1KernelCols
		if roundedN < params.RHSPanelCrossSize {
			params.RHSPanelCrossSize = max(params.RHSL1KernelCols, roundedN)
		}
	}
	if len(cachedLHSPanels) == 0 {
		roundedM := ((lhsCrossSize + params.LHSL1KernelRows - 1) / params.LHSL1KernelRows) * params.LHSL1KernelRows
		if isSMEKernel && roundedM <= 256 {
			// Coalesce M <= 256 into a single panel on single-worker SME so LHS is packed in 1 call
			// per K-panel and smeLargeKernel* executes all row strips in a single SMSTART/SMSTOP session.
			params.LHSPanelCrossSize = max(params.LHSL1KernelRows, roundedM)
		} else if roundedM < params.LHSPanelCrossSize {
			params.LHSPanelCrossSize = max(params.LHSL1KernelRows, roundedM)
		}
		numKPanels = (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
		numColPanels = (rhsCrossSize + params.RHSPanelCrossSize - 1) / params.RHSPanelCrossSize
		rhsPanelsPerBatch = numKPanels * numColPanels
		numRowPanels = (lhsCrossSize + params.LHSPanelCrossSize - 1) / params.LHSPanelCrossSize
		lhsPanelsPerBatch = numKPanels * numRowPanels
	}

	lhsPanelBufSize := params.LHSPanelCrossSize * params.PanelContractingSize
	lhsAllocPanels := 1
	if numColPanels > 1 {
		lhsAllocPanels = max(1, min(16, numRowPanels*numKPanels))
	}

	if !useM1Direct && isSMEKernel && layout == dot.LayoutNonTransposed && //alt:f32
		params.LHSL1KernelRows == 32 && params.RHSL1KernelCols == 32 && //alt:f32
		contractingSize <= 512 && len(cachedLHSPanels) == 0 && len(cachedRHSPanels) == 0 { //alt:f32
		stripLen := 32 * contractingSize //alt:f32
		scratch, stripBuf, _, scratchOK := GetScratchPair[float32](stripLen, 0) //alt:f32
		if scratchOK { //alt:f32
			defer PutScratchPair(scratch) //alt:f32
			smeCluster := -1 //alt:f32
			useSME := true //alt:f32
			if SMEUseHybridNEON { //alt:f32
				smeCluster, useSME, _ = smeAcquireClusterSingleWorker() //alt:f32
			} //alt:f32
			if useSME { //alt:f32
				lhsIdx := 0 //alt:f32
				rhsIdx := 0 //alt:f32
				outIdx := 0 //alt:f32
				for range batchSize { //alt:f32
					smeDirectNonTransposedFloat32Asm_32x32( //alt:f32
						lhs[lhsIdx:lhsIdx+lhsBatchStride], //alt:f32
						rhs[rhsIdx:rhsIdx+rhsBatchStride], //alt:f32
						output[outIdx:outIdx+outputBatchStride], //alt:f32
						stripBuf, //alt:f32
						lhsCrossSize, rhsCrossSize, contractingSize, //alt:f32
					) //alt:f32
					lhsIdx += lhsBatchStride //alt:f32
					rhsIdx += rhsBatchStride //alt:f32
					outIdx += outputBatchStride //alt:f32
				} //alt:f32
				if smeCluster >= 0 { //alt:f32
					smeReleaseCluster(smeCluster) //alt:f32
				} //alt:f32
				if epilogue.HasWork() { //alt:f32
					outIdx = 0 //alt:f32
					for range batchSize { //alt:f32
						matmul.ApplyEpilogueRows(output[outIdx:outIdx+outputBatchStride], lhsCrossSize, rhsCrossSize, epilogue) //alt:f32
						outIdx += outputBatchStride //alt:f32
					} //alt:f32
				} //alt:f32
				return //alt:f32
			} //alt:f32
		} //alt:f32
	} //alt:f32
	var (
		scratch      *neonScratchBuf
		packedLHSRef *gobackend.Buffer
		packedLHS    []float32 //alt:f32
		//alt:bf16 packedLHS []bfloat16.BFloat16
		//alt:f16 packedLHS []float16.Float16
		//alt:f64 packedLHS []float64
		packedRHSRef *gobackend.Buffer
		packedRHS    []float32 //alt:f32
		//alt:bf16 packedRHS []bfloat16.BFloat16
		//alt:f16 packedRHS []float16.Float16
		//alt:f64 packedRHS []float64
	)
	wantLHSLen := 0
	if !useM1Direct && len(cachedLHSPanels) == 0 {
		wantLHSLen = lhsAllocPanels * lhsPanelBufSize
	}
	wantRHSLen := 0
	if len(cachedRHSPanels) == 0 {
		wantRHSLen = params.PanelContractingSize * params.RHSPanelCrossSize
	}
	if wantLHSLen > 0 || wantRHSLen > 0 {
		var scratchOK bool
		scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[float32](wantLHSLen, wantRHSLen) //alt:f32
		//alt:bf16 scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[bfloat16.BFloat16](wantLHSLen, wantRHSLen)
		//alt:f16 scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[float16.Float16](wantLHSLen, wantRHSLen)
		//alt:f64 scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[float64](wantLHSLen, wantRHSLen)
		if scratchOK {
			defer PutScratchPair(scratch)
		} else {
			if wantLHSLen > 0 {
				var ok bool
				packedLHSRef, packedLHS, ok = GetBuffer[float32](backend, wantLHSLen) //alt:f32
				//alt:bf16 packedLHSRef, packedLHS, ok = GetBuffer[bfloat16.BFloat16](backend, wantLHSLen)
				//alt:f16 packedLHSRef, packedLHS, ok = GetBuffer[float16.Float16](backend, wantLHSLen)
				//alt:f64 packedLHSRef, packedLHS, ok = GetBuffer[float64](backend, wantLHSLen)
				if !ok {
					return
				}
				defer ReleaseBuffer(packedLHSRef)
			}
			if wantRHSLen > 0 {
				var ok bool
				packedRHSRef, packedRHS, ok = GetBuffer[float32](backend, wantRHSLen) //alt:f32
				//alt:bf16 packedRHSRef, packedRHS, ok = GetBuffer[bfloat16.BFloat16](backend, wantRHSLen)
				//alt:f16 packedRHSRef, packedRHS, ok = GetBuffer[float16.Float16](backend, wantRHSLen)
				//alt:f64 packedRHSRef, packedRHS, ok = GetBuffer[float64](backend, wantRHSLen)
				if !ok {
					return
				}
				defer ReleaseBuffer(packedRHSRef)
			}
		}
	}
	var (
		packedOutputRef, accumOutputRef *gobackend.Buffer
		packedOutput, accumOutput       []float32 //alt:f32|bf16|f16
		//alt:f64 packedOutput, accumOutput []float64
	)
	if needTempOutput {
		var ok bool
		packedOutputRef, packedOutput, ok = GetBuffer[float32](backend, params.LHSPanelCrossSize*params.RHSPanelCrossSize) //alt:f32|bf16|f16
		//alt:f64 packedOutputRef, packedOutput, ok = GetBuffer[float64](backend, params.LHSPanelCrossSize*params.RHSPanelCrossSize)
		if !ok {
			return
		}
		defer ReleaseBuffer(packedOutputRef)
		if numKPanels > 1 {
			const maxAccumPanels = 16
			accumOutputRef, accumOutput, ok = GetBuffer[float32](backend, maxAccumPanels*params.LHSPanelCrossSize*params.RHSPanelCrossSize) //alt:f32|bf16|f16
			//alt:f64 accumOutputRef, accumOutput, ok = GetBuffer[float64](backend, maxAccumPanels*params.LHSPanelCrossSize*params.RHSPanelCrossSize)
			if !ok {
				return
			}
			defer ReleaseBuffer(accumOutputRef)
		}
	}
	lhsFlatIdx := 0
	rhsFlatIdx := 0
	outputFlatIdx := 0
	for b := range batchSize {
		var (
			batchLHS, batchRHS               []float32 //alt:f32
			//alt:bf16 batchLHS, batchRHS []bfloat16.BFloat16
			//alt:f16 batchLHS, batchRHS []float16.Float16
			//alt:f64 batchLHS, batchRHS []float64
			batchCachedLHSPanels [][]float32 //alt:f32
			//alt:bf16 batchCachedLHSPanels [][]bfloat16.BFloat16
			//alt:f16 batchCachedLHSPanels [][]float16.Float16
			//alt:f64 batchCachedLHSPanels [][]float64
			batchCachedRHSPanels [][]float32 //alt:f32
			//alt:bf16 batchCachedRHSPanels [][]bfloat16.BFloat16
			//alt:f16 batchCachedRHSPanels [][]float16.Float16
			//alt:f64 batchCachedRHSPanels [][]float64
		)
		if len(cachedLHSPanels) > 0 {
			batchCachedLHSPanels = cachedLHSPanels[b*lhsPanelsPerBatch : (b+1)*lhsPanelsPerBatch]
		} else {
			batchLHS = lhs[lhsFlatIdx : lhsFlatIdx+lhsBatchStride]
		}
		if len(cachedRHSPanels) > 0 {
			batchCachedRHSPanels = cachedRHSPanels[b*rhsPanelsPerBatch : (b+1)*rhsPanelsPerBatch]
		} else {
			batchRHS = rhs[rhsFlatIdx : rhsFlatIdx+rhsBatchStride]
		}
		batchOutput := output[outputFlatIdx : outputFlatIdx+outputBatchStride]
		neonLargeMatrixSliceFloat32( //alt:f32
			//alt:bf16 neonLargeMatrixSliceBFloat16(
			//alt:f16 neonLargeMatrixSliceFloat16(
			//alt:f64 neonLargeMatrixSliceFloat64(
			layout,
			batchLHS, batchRHS, batchOutput,
			lhsCrossSize, rhsCrossSize, contractingSize,
			0, lhsCrossSize, 0, rhsCrossSize,
			params,
			packedLHS, packedRHS, packedOutput,
			accumOutput,
			batchCachedLHSPanels, batchCachedRHSPanels,
			nil, nil,
			!useM1Direct,
			!useM1Direct && isSMEKernel && SMEUseHybridNEON,
			false,
			epilogue,
		)
		lhsFlatIdx += lhsBatchStride
		rhsFlatIdx += rhsBatchStride
		outputFlatIdx += outputBatchStride
	}
}

//go:noinline
func neonLargeParallelWithParamsFloat32( //alt:f32
	//alt:bf16 func neonLargeParallelWithParamsBFloat16(
	//alt:f16 func neonLargeParallelWithParamsFloat16(
	//alt:f64 func neonLargeParallelWithParamsFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs, rhs []float32, //alt:f32
	//alt:bf16 lhs, rhs []bfloat16.BFloat16,
	//alt:f16 lhs, rhs []float16.Float16,
	//alt:f64 lhs, rhs []float64,
	batchSize, lhsCrossSize, rhsCrossSize, contractingSize int,
	output []float32, //alt:f32|bf16|f16
	//alt:f64 output []float64,
	params matmul.CacheParams,
	maxWorkers int,
	cachedLHSPanels, cachedRHSPanels [][]float32, //alt:f32
	//alt:bf16 cachedLHSPanels, cachedRHSPanels [][]bfloat16.BFloat16,
	//alt:f16 cachedLHSPanels, cachedRHSPanels [][]float16.Float16,
	//alt:f64 cachedLHSPanels, cachedRHSPanels [][]float64,
	epilogue matmul.Epilogue[float32], //alt:f32|bf16|f16
	//alt:f64 epilogue matmul.Epilogue[float64],
) {
	if backend.Scheduler.EffectiveParallelism() >= backend.Scheduler.UnscaledParallelism() {
		wholeChip := backend.Scheduler.AcquireWholeChip()
		defer backend.Scheduler.ReleaseWholeChip(wholeChip)
	}

	lhsBatchStride := lhsCrossSize * contractingSize
	rhsBatchStride := rhsCrossSize * contractingSize
	outputBatchStride := lhsCrossSize * rhsCrossSize

	numKPanels := (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
	isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 16 //alt:f32|bf16|f16
	//alt:f64 isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 8 && params.RHSL1KernelCols >= 8
	useM1Direct := NEONUseAsm && lhsCrossSize == 1 && len(cachedLHSPanels) == 0 && (params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16 || params.RHSL1KernelCols == 32) //alt:f32|bf16
	//alt:f64 useM1Direct := NEONUseAsm && lhsCrossSize == 1 && len(cachedLHSPanels) == 0 && (params.RHSL1KernelCols == 4 || params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16)
	//alt:f16 useM1Direct := false
	numColPanels := (rhsCrossSize + params.RHSPanelCrossSize - 1) / params.RHSPanelCrossSize
	rhsPanelsPerBatch := numKPanels * numColPanels
	numRowPanels := (lhsCrossSize + params.LHSPanelCrossSize - 1) / params.LHSPanelCrossSize
	lhsPanelsPerBatch := numKPanels * numRowPanels
	needTempOutput := (useM1Direct && rhsCrossSize%params.RHSL1KernelCols != 0) || (!useM1Direct && !isSMEKernel && ((lhsCrossSize%params.LHSL1KernelRows != 0) || (rhsCrossSize%params.RHSL1KernelCols != 0)))

	var workBuf [1024]matmul.WorkItem
	var workItems []matmul.WorkItem
	coarseEnd := 0
	if !useM1Direct && isSMEKernel && SMEUseHybridNEON && batchSize < maxWorkers {
		workItems, coarseEnd = smeAppendHybridWorkItems(
			workBuf[:0], batchSize, lhsCrossSize, rhsCrossSize, &params, maxWorkers)
	} else {
		workItems = matmul.AppendWorkItems(
			workBuf[:0], batchSize, lhsCrossSize, rhsCrossSize, &params, maxWorkers)
		coarseEnd = len(workItems)
	}
	maxWorkers = min(maxWorkers, len(workItems))

	lhsPanelBufSize := params.LHSPanelCrossSize * params.PanelContractingSize
	lhsAllocPanels := 1
	if numColPanels > 1 {
		lhsAllocPanels = max(1, min(16, numRowPanels*numKPanels))
	}

	// For multi-worker SME+NEON hybrid execution on uncached dynamic inputs, allocate shared panel buffers
	// with per-panel atomic state (0=unpacked, 1=packing, 2=ready) so panels are packed at most once
	// across all 2D work items and shared across SME and NEON workers in L2 cache.
	var (
		sharedLHSBufRef, sharedRHSBufRef *gobackend.Buffer
		sharedLHSPanels, sharedRHSPanels [][]float32 //alt:f32
		//alt:bf16 sharedLHSPanels, sharedRHSPanels [][]bfloat16.BFloat16
		//alt:f16 sharedLHSPanels, sharedRHSPanels [][]float16.Float16
		//alt:f64 sharedLHSPanels, sharedRHSPanels [][]float64
		sharedLHSReadyBuf [2048]atomic.Uint32
		sharedRHSReadyBuf [2048]atomic.Uint32
		sharedLHSReady    []atomic.Uint32
		sharedRHSReady    []atomic.Uint32
	)
	if batchSize < maxWorkers {
		if numRowPanels > 1 && len(cachedRHSPanels) == 0 && batchSize*rhsPanelsPerBatch <= len(sharedRHSReadyBuf) {
			rhsPanelBufSize := params.PanelContractingSize * params.RHSPanelCrossSize
			totalPanels := batchSize * rhsPanelsPerBatch
			var flat []float32 //alt:f32
			//alt:bf16 var flat []bfloat16.BFloat16
			//alt:f16 var flat []float16.Float16
			//alt:f64 var flat []float64
			var ok bool
			sharedRHSBufRef, flat, ok = GetBuffer[float32](backend, totalPanels*rhsPanelBufSize) //alt:f32
			//alt:bf16 sharedRHSBufRef, flat, ok = GetBuffer[bfloat16.BFloat16](backend, totalPanels*rhsPanelBufSize)
			//alt:f16 sharedRHSBufRef, flat, ok = GetBuffer[float16.Float16](backend, totalPanels*rhsPanelBufSize)
			//alt:f64 sharedRHSBufRef, flat, ok = GetBuffer[float64](backend, totalPanels*rhsPanelBufSize)
			if ok {
				defer ReleaseBuffer(sharedRHSBufRef)
				sharedRHSPanels = make([][]float32, totalPanels) //alt:f32
				//alt:bf16 sharedRHSPanels = make([][]bfloat16.BFloat16, totalPanels)
				//alt:f16 sharedRHSPanels = make([][]float16.Float16, totalPanels)
				//alt:f64 sharedRHSPanels = make([][]float64, totalPanels)
				for i := range totalPanels {
					sharedRHSPanels[i] = flat[i*rhsPanelBufSize : (i+1)*rhsPanelBufSize]
				}
				sharedRHSReady = sharedRHSReadyBuf[:totalPanels]
			}
		}
		if !useM1Direct && numColPanels > 1 && isSMEKernel && SMEUseHybridNEON && len(cachedLHSPanels) == 0 && batchSize*lhsPanelsPerBatch <= len(sharedLHSReadyBuf) {
			totalPanels := batchSize * lhsPanelsPerBatch
			var flat []float32 //alt:f32
			//alt:bf16 var flat []bfloat16.BFloat16
			//alt:f16 var flat []float16.Float16
			//alt:f64 var flat []float64
			var ok bool
			sharedLHSBufRef, flat, ok = GetBuffer[float32](backend, totalPanels*lhsPanelBufSize) //alt:f32
			//alt:bf16 sharedLHSBufRef, flat, ok = GetBuffer[bfloat16.BFloat16](backend, totalPanels*lhsPanelBufSize)
			//alt:f16 sharedLHSBufRef, flat, ok = GetBuffer[float16.Float16](backend, totalPanels*lhsPanelBufSize)
			//alt:f64 sharedLHSBufRef, flat, ok = GetBuffer[float64](backend, totalPanels*lhsPanelBufSize)
			if ok {
				defer ReleaseBuffer(sharedLHSBufRef)
				sharedLHSPanels = make([][]float32, totalPanels) //alt:f32
				//alt:bf16 sharedLHSPanels = make([][]bfloat16.BFloat16, totalPanels)
				//alt:f16 sharedLHSPanels = make([][]float16.Float16, totalPanels)
				//alt:f64 sharedLHSPanels = make([][]float64, totalPanels)
				for i := range totalPanels {
					sharedLHSPanels[i] = flat[i*lhsPanelBufSize : (i+1)*lhsPanelBufSize]
				}
				sharedLHSReady = sharedLHSReadyBuf[:totalPanels]
			}
		}
	}

	// Dual-ended atomic queue bounds: upper 32 bits = head index, lower 32 bits = tail index.
	// workItems is tapered into 3 zones: coarse [mc x nc] panels at head (0..coarseEnd),
	// medium [mr x 2*nr] sub-panels in the middle, and fine [mr x nr] single-tile sub-panels at tail.
	//   - Tier A (Cluster 1 SME) pulls from head.
	//   - Tier B (Cluster 0 SME) pulls from head in the first 2/3 of coarseEnd, then switches to tail.
	//   - Tier C/D (Super/P-core NEON) pulls fine 32x32 items from tail.
	//   - Tier E (E-core NEON) is dropped when SMEDropECoreNEON is enabled.
	var bounds atomic.Uint64
	bounds.Store(uint64(uint32(len(workItems))))
	var localSMEWorkers atomic.Int32
	var localFastSMEWorkers atomic.Int32
	var activeClaimers atomic.Int32
	var droppedWorkers atomic.Int32
	var allClaimed atomic.Uint32
	markAllClaimed := func() {
		allClaimed.Store(1)
	}
	slowHeadLimit := (coarseEnd * 2) / 3

	claimItem := func(useSME, isEfficiencyCore, allowYield bool) (int, bool) {
		for {
			b := bounds.Load()
			head := int(b >> 32)
			tail := int(uint32(b))
			rem := tail - head
			if rem <= 0 {
				markAllClaimed()
				return -1, false
			}
			canYield := allowYield && activeClaimers.Load() > 1
			if !useSME {
				smeActive := int(localSMEWorkers.Load())
				if canYield && smeActive > 0 && (rem <= 4*smeActive || (isEfficiencyCore && rem <= 8*smeActive)) {
					return -1, false
				}
				if bounds.CompareAndSwap(b, (uint64(uint32(head))<<32)|uint64(uint32(tail-1))) {
					if rem == 1 {
						markAllClaimed()
					}
					return tail - 1, true
				}
				continue
			} else if isEfficiencyCore {
				// Avoid letting the 6x-slower Efficiency L2 cluster SME unit (~376 GFlops/s)
				// grab coarse tiles in the final third of the matrix when high-performance
				// L2 cluster SME units (~2,262 GFlops/s) are active.
				fastSME := int(localFastSMEWorkers.Load())
				if canYield && fastSME > 0 && rem <= 4*fastSME {
					return -1, false
				}
				if head >= slowHeadLimit {
					if bounds.CompareAndSwap(b, (uint64(uint32(head))<<32)|uint64(uint32(tail-1))) {
						if rem == 1 {
							markAllClaimed()
						}
						return tail - 1, true
					}
					continue
				}
			}
			if bounds.CompareAndSwap(b, (uint64(uint32(head+1))<<32)|uint64(uint32(tail))) {
				if rem == 1 {
					markAllClaimed()
				}
				return head, true
			}
		}
	}

	backend.Scheduler.SaturateUpTo(maxWorkers, func() {
		smeCluster := -1
		useSME := true
		isEfficiencyCore := false
		claimedDecr := false

		releaseMySME := func() {
			if smeCluster >= 0 {
				if !isEfficiencyCore {
					localFastSMEWorkers.Add(-1)
				}
				localSMEWorkers.Add(-1)
				smeReleaseCluster(smeCluster)
				smeCluster = -1
				useSME = false
			}
		}
		refreshSME := func() {
			if useM1Direct || !isSMEKernel || !SMEUseHybridNEON {
				return
			}
			curCl, curEff := smeCurrentCluster()
			if smeCluster >= 0 && smeCluster == curCl {
				return
			}
			if smeCluster >= 0 {
				releaseMySME()
			}
			isEfficiencyCore = curEff
			cl, ok, eff := smeAcquireClusterForWork(len(workItems))
			if ok {
				smeCluster = cl
				useSME = true
				isEfficiencyCore = eff
				localSMEWorkers.Add(1)
				if !isEfficiencyCore {
					localFastSMEWorkers.Add(1)
				}
			} else {
				useSME = false
			}
		}

		if !useM1Direct && isSMEKernel && SMEUseHybridNEON {
			refreshSME()
			shouldDrop := SMEWorkersPerCluster > 0 && !useSME && (SMETwoSMEsOnly || (SMEDropECoreNEON && isEfficiencyCore))
			if shouldDrop && int(droppedWorkers.Add(1)) < maxWorkers {
				for spins := 0; spins < 2048 && localSMEWorkers.Load() == 0 && allClaimed.Load() == 0; spins++ {
					refreshSME()
					if useSME {
						break
					}
				}
				if !useSME {
					for allClaimed.Load() == 0 && localSMEWorkers.Load() > 0 {
					}
					if allClaimed.Load() != 0 {
						releaseMySME()
						return
					}
				}
			}
		}

		activeClaimers.Add(1)
		defer func() {
			releaseMySME()
			if !claimedDecr {
				if activeClaimers.Add(-1) == 0 {
					markAllClaimed()
				}
			}
		}()

		itemIdx, ok := claimItem(useSME, isEfficiencyCore, true)
		if !ok {
			releaseMySME()
			if allClaimed.Load() == 0 && (localSMEWorkers.Load() == 0 || activeClaimers.Load() <= 1) {
				itemIdx, ok = claimItem(useSME, isEfficiencyCore, false)
			}
		}
		if !ok {
			if activeClaimers.Add(-1) == 0 {
				markAllClaimed()
			}
			claimedDecr = true
			for allClaimed.Load() == 0 && localSMEWorkers.Load() > 0 {
			}
			return
		}
		var (
			packedLHSRef *gobackend.Buffer
			packedLHS    []float32 //alt:f32
			//alt:bf16 packedLHS []bfloat16.BFloat16
			//alt:f16 packedLHS []float16.Float16
			//alt:f64 packedLHS []float64
		)
		if !useM1Direct && len(cachedLHSPanels) == 0 && len(sharedLHSPanels) == 0 {
			var ok bool
			packedLHSRef, packedLHS, ok = GetBuffer[float32](backend, lhsAllocPanels*lhsPanelBufSize) //alt:f32
			//alt:bf16 packedLHSRef, packedLHS, ok = GetBuffer[bfloat16.BFloat16](backend, lhsAllocPanels*lhsPanelBufSize)
			//alt:f16 packedLHSRef, packedLHS, ok = GetBuffer[float16.Float16](backend, lhsAllocPanels*lhsPanelBufSize)
			//alt:f64 packedLHSRef, packedLHS, ok = GetBuffer[float64](backend, lhsAllocPanels*lhsPanelBufSize)
			if !ok {
				return
			}
			defer ReleaseBuffer(packedLHSRef)
		}
		var (
			packedRHSRef *gobackend.Buffer
			packedRHS    []float32 //alt:f32
			//alt:bf16 packedRHS []bfloat16.BFloat16
			//alt:f16 packedRHS []float16.Float16
			//alt:f64 packedRHS []float64
		)
		if len(cachedRHSPanels) == 0 && len(sharedRHSPanels) == 0 {
			var ok bool
			packedRHSRef, packedRHS, ok = GetBuffer[float32](backend, params.PanelContractingSize*params.RHSPanelCrossSize) //alt:f32
			//alt:bf16 packedRHSRef, packedRHS, ok = GetBuffer[bfloat16.BFloat16](backend, params.PanelContractingSize*params.RHSPanelCrossSize)
			//alt:f16 packedRHSRef, packedRHS, ok = GetBuffer[float16.Float16](backend, params.PanelContractingSize*params.RHSPanelCrossSize)
			//alt:f64 packedRHSRef, packedRHS, ok = GetBuffer[float64](backend, params.PanelContractingSize*params.RHSPanelCrossSize)
			if !ok {
				return
			}
			defer ReleaseBuffer(packedRHSRef)
		}
		var (
			packedOutputRef, accumOutputRef *gobackend.Buffer
			packedOutput, accumOutput       []float32 //alt:f32|bf16|f16
			//alt:f64 packedOutput, accumOutput []float64
		)
		if needTempOutput {
			var ok bool
			packedOutputRef, packedOutput, ok = GetBuffer[float32](backend, params.LHSPanelCrossSize*params.RHSPanelCrossSize) //alt:f32|bf16|f16
			//alt:f64 packedOutputRef, packedOutput, ok = GetBuffer[float64](backend, params.LHSPanelCrossSize*params.RHSPanelCrossSize)
			if !ok {
				return
			}
			defer ReleaseBuffer(packedOutputRef)
			if numKPanels > 1 {
				maxAccumPanels := min(64, numRowPanels)
				accumRows := params.LHSPanelCrossSize
				if useM1Direct {
					accumRows = 1
				}
				accumOutputRef, accumOutput, ok = GetBuffer[float32](backend, maxAccumPanels*accumRows*params.RHSPanelCrossSize) //alt:f32|bf16|f16
				//alt:f64 accumOutputRef, accumOutput, ok = GetBuffer[float64](backend, maxAccumPanels*accumRows*params.RHSPanelCrossSize)
				if !ok {
					return
				}
				defer ReleaseBuffer(accumOutputRef)
			}
		}
		for {
			item := workItems[itemIdx]
			for batchIdx := item.BatchStart; batchIdx < item.BatchEnd; batchIdx++ {
				var (
					batchLhs, batchRhs               []float32 //alt:f32
					//alt:bf16 batchLhs, batchRhs []bfloat16.BFloat16
					//alt:f16 batchLhs, batchRhs []float16.Float16
					//alt:f64 batchLhs, batchRhs []float64
					batchCachedLHSPanels [][]float32 //alt:f32
					//alt:bf16 batchCachedLHSPanels [][]bfloat16.BFloat16
					//alt:f16 batchCachedLHSPanels [][]float16.Float16
					//alt:f64 batchCachedLHSPanels [][]float64
					batchCachedRHSPanels [][]float32 //alt:f32
					//alt:bf16 batchCachedRHSPanels [][]bfloat16.BFloat16
					//alt:f16 batchCachedRHSPanels [][]float16.Float16
					//alt:f64 batchCachedRHSPanels [][]float64
					batchLHSReady []atomic.Uint32
					batchRHSReady []atomic.Uint32
				)
				if len(cachedLHSPanels) > 0 {
					batchCachedLHSPanels = cachedLHSPanels[batchIdx*lhsPanelsPerBatch : (batchIdx+1)*lhsPanelsPerBatch]
				} else {
					batchLhs = lhs[batchIdx*lhsBatchStride : (batchIdx+1)*lhsBatchStride]
					if len(sharedLHSPanels) > 0 {
						batchCachedLHSPanels = sharedLHSPanels[batchIdx*lhsPanelsPerBatch : (batchIdx+1)*lhsPanelsPerBatch]
						batchLHSReady = sharedLHSReady[batchIdx*lhsPanelsPerBatch : (batchIdx+1)*lhsPanelsPerBatch]
					}
				}
				if len(cachedRHSPanels) > 0 {
					batchCachedRHSPanels = cachedRHSPanels[batchIdx*rhsPanelsPerBatch : (batchIdx+1)*rhsPanelsPerBatch]
				} else {
					batchRhs = rhs[batchIdx*rhsBatchStride : (batchIdx+1)*rhsBatchStride]
					if len(sharedRHSPanels) > 0 {
						batchCachedRHSPanels = sharedRHSPanels[batchIdx*rhsPanelsPerBatch : (batchIdx+1)*rhsPanelsPerBatch]
						batchRHSReady = sharedRHSReady[batchIdx*rhsPanelsPerBatch : (batchIdx+1)*rhsPanelsPerBatch]
					}
				}
				batchOutput := output[batchIdx*outputBatchStride : (batchIdx+1)*outputBatchStride]
				neonLargeMatrixSliceFloat32( //alt:f32
					//alt:bf16 neonLargeMatrixSliceBFloat16(
					//alt:f16 neonLargeMatrixSliceFloat16(
					//alt:f64 neonLargeMatrixSliceFloat64(
					layout,
					batchLhs, batchRhs, batchOutput,
					lhsCrossSize, rhsCrossSize, contractingSize,
					item.LHSRowStart, item.LHSRowEnd, item.RHSColStart, item.RHSColEnd,
					params,
					packedLHS, packedRHS, packedOutput,
					accumOutput,
					batchCachedLHSPanels, batchCachedRHSPanels,
					batchLHSReady, batchRHSReady,
					useSME,
					false,
					false,
					epilogue,
				)
			}
			refreshSME()
			itemIdx, ok = claimItem(useSME, isEfficiencyCore, true)
			if !ok {
				releaseMySME()
				if allClaimed.Load() == 0 && (localSMEWorkers.Load() == 0 || activeClaimers.Load() <= 1) {
					itemIdx, ok = claimItem(useSME, isEfficiencyCore, false)
				}
				if !ok {
					break
				}
			}
		}
		releaseMySME()
		if activeClaimers.Add(-1) == 0 {
			markAllClaimed()
		}
		claimedDecr = true
		for allClaimed.Load() == 0 && localSMEWorkers.Load() > 0 {
		}
	})
}

// neonDispatchKernelFloat32 dispatches to the configured microkernel geometry (8x8, 4x16, or 8x12)
// and implementation (Plan9 assembly or Go archsimd).
func neonDispatchKernelFloat32( //alt:f32
	//alt:bf16 func neonDispatchKernelBFloat16(
	//alt:f16 func neonDispatchKernelFloat16(
	//alt:f64 func neonDispatchKernelFloat64(
	packedLHS, packedRHS []float32, //alt:f32
	//alt:bf16 packedLHS, packedRHS []bfloat16.BFloat16,
	//alt:f16 packedLHS, packedRHS []float16.Float16,
	//alt:f64 packedLHS, packedRHS []float64,
	packedOutput []float32, //alt:f32|bf16|f16
	//alt:f64 packedOutput []float64,
	lhsPanelRows, rhsPanelCols int,
	contractingLen int,
	lhsActiveRows, rhsActiveCols int,
	kernelRows, kernelCols int,
	accumulate bool,
	useSME bool,
) {
	if NEONUseAsm {
		if kernelRows == 8 && kernelCols == 8 { //alt:f32|bf16|f16
			//alt:f64 if kernelRows == 8 && kernelCols == 4 {
			//alt:bf16 if NEONUseBFDOT {
			//alt:bf16 	neonLargeKernelBFloat16BFDOTAsm(
			//alt:bf16 		packedLHS, packedRHS, packedOutput,
			//alt:bf16 		lhsPanelRows, rhsPanelCols,
			//alt:bf16 		contractingLen,
			//alt:bf16 		lhsActiveRows, rhsActiveCols,
			//alt:bf16 		accumulate,
			//alt:bf16 	)
			//alt:bf16 	return
			//alt:bf16 }
			neonLargeKernelFloat32Asm( //alt:f32
				//alt:bf16 neonLargeKernelBFloat16Asm(
				//alt:f16 neonLargeKernelFloat16Asm(
				//alt:f64 neonLargeKernelFloat64Asm(
				packedLHS, packedRHS, packedOutput,
				lhsPanelRows, rhsPanelCols,
				contractingLen,
				lhsActiveRows, rhsActiveCols,
				accumulate,
			)
			return
		}
		if kernelRows == 4 && kernelCols == 16 { //alt:f32|bf16|f16
			//alt:f64 if kernelRows == 4 && kernelCols == 8 {
			//alt:bf16 if NEONUseBFDOT {
			//alt:bf16 	neonLargeKernelBFloat16BFDOTAsm_4x16(
			//alt:bf16 		packedLHS, packedRHS, packedOutput,
			//alt:bf16 		lhsPanelRows, rhsPanelCols,
			//alt:bf16 		contractingLen,
			//alt:bf16 		lhsActiveRows, rhsActiveCols,
			//alt:bf16 		accumulate,
			//alt:bf16 	)
			//alt:bf16 	return
			//alt:bf16 }
			neonLargeKernelFloat32Asm_4x16( //alt:f32
				//alt:bf16 neonLargeKernelBFloat16Asm_4x16(
				//alt:f16 neonLargeKernelFloat16Asm_4x16(
				//alt:f64 neonLargeKernelFloat64Asm_4x8(
				packedLHS, packedRHS, packedOutput,
				lhsPanelRows, rhsPanelCols,
				contractingLen,
				lhsActiveRows, rhsActiveCols,
				accumulate,
			)
			return
		}
		if kernelRows == 8 && kernelCols == 12 { //alt:f32
			neonLargeKernelFloat32Asm_8x12( //alt:f32
				packedLHS, packedRHS, packedOutput, //alt:f32
				lhsPanelRows, rhsPanelCols, //alt:f32
				contractingLen, //alt:f32
				lhsActiveRows, rhsActiveCols, //alt:f32
				accumulate, //alt:f32
			) //alt:f32
			return //alt:f32
		} //alt:f32
		if !useSME {
			neonLargeKernelFromSMEFloat32( //alt:f32
				//alt:bf16 neonLargeKernelFromSMEBFloat16(
				//alt:f16 neonLargeKernelFromSMEFloat16(
				//alt:f64 neonLargeKernelFromSMEFloat64(
				packedLHS, packedRHS, packedOutput,
				lhsPanelRows, rhsPanelCols,
				contractingLen,
				lhsActiveRows, rhsActiveCols,
				kernelRows, kernelCols,
				accumulate,
			)
			return
		}
		//alt:f64 if kernelRows == 8 && kernelCols == 8 {
		//alt:f64 	smeLargeKernelFloat64Asm_8x8(
		//alt:f64 		packedLHS, packedRHS, packedOutput,
		//alt:f64 		lhsPanelRows, rhsPanelCols,
		//alt:f64 		contractingLen,
		//alt:f64 		lhsActiveRows, rhsActiveCols,
		//alt:f64 		accumulate,
		//alt:f64 	)
		//alt:f64 	return
		//alt:f64 }
		if kernelRows == 16 && kernelCols == 16 {
			smeLargeKernelFloat32Asm_16x16( //alt:f32
				//alt:bf16 smeLargeKernelBFloat16Asm_16x16(
				//alt:f16 smeLargeKernelFloat16Asm_16x16(
				//alt:f64 smeLargeKernelFloat64Asm_16x16(
				packedLHS, packedRHS, packedOutput,
				lhsPanelRows, rhsPanelCols,
				contractingLen,
				lhsActiveRows, rhsActiveCols,
				accumulate,
			)
			return
		}
		if kernelRows == 16 && kernelCols == 64 { //alt:f32
			smeLargeKernelFloat32Asm_16x64( //alt:f32
				packedLHS, packedRHS, packedOutput, //alt:f32
				lhsPanelRows, rhsPanelCols, //alt:f32
				contractingLen, //alt:f32
				lhsActiveRows, rhsActiveCols, //alt:f32
				accumulate, //alt:f32
			) //alt:f32
			return //alt:f32
		} //alt:f32
		if kernelRows == 32 && kernelCols == 32 { //alt:f32|bf16|f16
			smeLargeKernelFloat32Asm_32x32( //alt:f32
				//alt:bf16 smeLargeKernelBFloat16Asm_32x32(
				//alt:f16 smeLargeKernelFloat16Asm_32x32(
				packedLHS, packedRHS, packedOutput, //alt:f32|bf16|f16
				lhsPanelRows, rhsPanelCols, //alt:f32|bf16|f16
				contractingLen, //alt:f32|bf16|f16
				lhsActiveRows, rhsActiveCols, //alt:f32|bf16|f16
				accumulate, //alt:f32|bf16|f16
			) //alt:f32|bf16|f16
			return //alt:f32|bf16|f16
		} //alt:f32|bf16|f16
	}

	if kernelRows == 4 && kernelCols == 16 { //alt:f32|bf16|f16
		//alt:f64 if kernelRows == 4 && kernelCols == 8 {
		neonLargeKernelFloat32( //alt:f32
			//alt:bf16 neonLargeKernelBFloat16(
			//alt:f16 neonLargeKernelFloat16(
			//alt:f64 neonLargeKernelFloat64(
			packedLHS, packedRHS, packedOutput,
			lhsPanelRows, rhsPanelCols,
			contractingLen,
			lhsActiveRows, rhsActiveCols,
			accumulate,
		)
		return
	}
	if kernelRows == 8 && kernelCols == 8 { //alt:f32|bf16|f16
		//alt:f64 if kernelRows == 8 && kernelCols == 4 {
		neonLargeKernelFloat32_8x8( //alt:f32
			//alt:bf16 neonLargeKernelBFloat16_8x8(
			//alt:f16 neonLargeKernelFloat16_8x8(
			//alt:f64 neonLargeKernelFloat64_8x4(
			packedLHS, packedRHS, packedOutput,
			lhsPanelRows, rhsPanelCols,
			contractingLen,
			lhsActiveRows, rhsActiveCols,
			accumulate,
		)
		return
	}
	if kernelRows == 8 && kernelCols == 12 { //alt:f32
		neonLargeKernelFloat32_8x12( //alt:f32
			packedLHS, packedRHS, packedOutput, //alt:f32
			lhsPanelRows, rhsPanelCols, //alt:f32
			contractingLen, //alt:f32
			lhsActiveRows, rhsActiveCols, //alt:f32
			accumulate, //alt:f32
		) //alt:f32
		return //alt:f32
	} //alt:f32

	panic(errors.Errorf("unsupported kernel L1 block sizes for neon kernel: lhsL1KernelRows=%d, rhsL1KernelCols=%d",
		kernelRows, kernelCols))
}

// neonLargeMultiFloat32 executes multiple RHS matrix multiplications sharing the same LHS matrix
// using ARM64 NEON, applying each target's epilogue inline per tile.
func neonLargeMultiFloat32( //alt:f32
	//alt:bf16 func neonLargeMultiBFloat16(
	//alt:f16 func neonLargeMultiFloat16(
	//alt:f64 func neonLargeMultiFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs []float32, //alt:f32
	//alt:bf16 lhs []bfloat16.BFloat16,
	//alt:f16 lhs []float16.Float16,
	//alt:f64 lhs []float64,
	batchSize, lhsCrossSize, contractingSize int,
	targets []matmul.MultiRHSTarget[float32, float32], //alt:f32
	//alt:bf16 targets []matmul.MultiRHSTarget[bfloat16.BFloat16, float32],
	//alt:f16 targets []matmul.MultiRHSTarget[float16.Float16, float32],
	//alt:f64 targets []matmul.MultiRHSTarget[float64, float64],
) bool {
	params := NEONParamsFloat32 //alt:f32
	//alt:bf16 params := NEONParamsBFloat16
	//alt:f16 params := NEONParamsFloat16
	//alt:f64 params := NEONParamsFloat64
	return neonLargeMultiWithParamsFloat32(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, false) //alt:f32
	//alt:bf16 return neonLargeMultiWithParamsBFloat16(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, false)
	//alt:f16 return neonLargeMultiWithParamsFloat16(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, false)
	//alt:f64 return neonLargeMultiWithParamsFloat64(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, false)
}

// smeLargeMultiFloat32 executes multiple RHS matrix multiplications sharing the same LHS matrix
// using ARM64 SME, applying each target's epilogue inline per tile.
func smeLargeMultiFloat32( //alt:f32
	//alt:bf16 func smeLargeMultiBFloat16(
	//alt:f16 func smeLargeMultiFloat16(
	//alt:f64 func smeLargeMultiFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs []float32, //alt:f32
	//alt:bf16 lhs []bfloat16.BFloat16,
	//alt:f16 lhs []float16.Float16,
	//alt:f64 lhs []float64,
	batchSize, lhsCrossSize, contractingSize int,
	targets []matmul.MultiRHSTarget[float32, float32], //alt:f32
	//alt:bf16 targets []matmul.MultiRHSTarget[bfloat16.BFloat16, float32],
	//alt:f16 targets []matmul.MultiRHSTarget[float16.Float16, float32],
	//alt:f64 targets []matmul.MultiRHSTarget[float64, float64],
) bool {
	params := SMEParamsFloat32 //alt:f32
	//alt:bf16 params := SMEParamsBFloat16
	//alt:f16 params := SMEParamsFloat16
	//alt:f64 params := SMEParamsFloat64
	return neonLargeMultiWithParamsFloat32(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, true) //alt:f32
	//alt:bf16 return neonLargeMultiWithParamsBFloat16(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, true)
	//alt:f16 return neonLargeMultiWithParamsFloat16(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, true)
	//alt:f64 return neonLargeMultiWithParamsFloat64(backend, layout, lhs, batchSize, lhsCrossSize, contractingSize, targets, params, true)
}

func neonLargeMultiWithParamsFloat32( //alt:f32
	//alt:bf16 func neonLargeMultiWithParamsBFloat16(
	//alt:f16 func neonLargeMultiWithParamsFloat16(
	//alt:f64 func neonLargeMultiWithParamsFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	lhs []float32, //alt:f32
	//alt:bf16 lhs []bfloat16.BFloat16,
	//alt:f16 lhs []float16.Float16,
	//alt:f64 lhs []float64,
	batchSize, lhsCrossSize, contractingSize int,
	targets []matmul.MultiRHSTarget[float32, float32], //alt:f32
	//alt:bf16 targets []matmul.MultiRHSTarget[bfloat16.BFloat16, float32],
	//alt:f16 targets []matmul.MultiRHSTarget[float16.Float16, float32],
	//alt:f64 targets []matmul.MultiRHSTarget[float64, float64],
	params matmul.CacheParams,
	isSMERouter bool,
) bool {
	totalRHSCrossSize := 0
	minRHSCrossSize := 0
	hasPackedCache := false
	mustUseLarge := false
	forcePack := false
	hasConstantData := false
	for i := range targets {
		t := &targets[i]
		totalRHSCrossSize += t.RHSCrossSize
		if i == 0 || t.RHSCrossSize < minRHSCrossSize {
			minRHSCrossSize = t.RHSCrossSize
		}
		if t.NodeData != nil {
			if t.NodeData.LHSConstantData != nil || t.NodeData.RHSConstantData != nil {
				hasConstantData = true
			}
			if t.NodeData.LHSConstantData.CachedForm() != nil || t.NodeData.RHSConstantData.CachedForm() != nil {
				hasPackedCache = true
			}
			if (lhs == nil && t.NodeData.LHSConstantData != nil) || (t.RHS == nil && t.NodeData.RHSConstantData != nil) {
				mustUseLarge = true
			}
			if t.NodeData.LHSConstantData.ForceCache() || t.NodeData.RHSConstantData.ForceCache() {
				forcePack = true
			}
		}
	}
	flops := batchSize * lhsCrossSize * totalRHSCrossSize * contractingSize
	if !mustUseLarge && !matmul.ForceLargeVariant && (matmul.ForceSmallVariant || (!hasPackedCache && !forcePack && flops < matmul.SmallMatMulSizeThreshold)) {
		return false
	}
	if isSMERouter {
		if !mustUseLarge && !matmul.ForceLargeVariant && !hasPackedCache && !forcePack && (flops < SMESmallMatMulSizeThreshold || lhsCrossSize < 8 || minRHSCrossSize < 8) {
			params = NEONParamsFloat32 //alt:f32
			//alt:bf16 params = NEONParamsBFloat16
			//alt:f16 params = NEONParamsFloat16
			//alt:f64 params = NEONParamsFloat64
		} else if !hasConstantData {
			if params.LHSL1KernelRows == 32 && (lhsCrossSize < 32 || minRHSCrossSize < 32) { //alt:f32|bf16|f16
				//alt:f64 if params.LHSL1KernelRows == 16 && (lhsCrossSize < 16 || minRHSCrossSize < 16) {
				params.LHSL1KernelRows = 16   //alt:f32|bf16|f16
				params.RHSL1KernelCols = 16   //alt:f32|bf16|f16
				params.LHSPanelCrossSize = 32 //alt:f32|bf16|f16
				//alt:f64 params.LHSL1KernelRows = 8
				//alt:f64 params.RHSL1KernelCols = 8
				//alt:f64 params.LHSPanelCrossSize = 32
			}
		}
	}

	if len(targets) == 1 {
		t := &targets[0]
		neonLargeWithParamsAndEpilogueFloat32( //alt:f32
			//alt:bf16 neonLargeWithParamsAndEpilogueBFloat16(
			//alt:f16 neonLargeWithParamsAndEpilogueFloat16(
			//alt:f64 neonLargeWithParamsAndEpilogueFloat64(
			backend, layout, lhs, t.RHS,
			batchSize, lhsCrossSize, t.RHSCrossSize, contractingSize,
			t.Output, t.NodeData, params, t.Epilogue,
		)
		return true
	}

	unscaled := backend.Scheduler.UnscaledParallelism()
	eff := backend.Scheduler.EffectiveParallelism()
	isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 16 //alt:f32|bf16|f16
	//alt:f64 isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 8 && params.RHSL1KernelCols >= 8
	useM1Direct := NEONUseAsm && batchSize == 1 && lhsCrossSize == 1 && (params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16 || params.RHSL1KernelCols == 32) //alt:f32|bf16
	//alt:f64 useM1Direct := NEONUseAsm && batchSize == 1 && lhsCrossSize == 1 && (params.RHSL1KernelCols == 4 || params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16)
	//alt:f16 useM1Direct := false
	minFlopsPerWorker := matmul.MinLargeMatMulFlopsPerWorker
	if hasPackedCache {
		minFlopsPerWorker = matmul.MinCachedLargeMatMulFlopsPerWorker
	}
	maxWorkers := min(
		unscaled,
		max(1, (flops+minFlopsPerWorker-1)/minFlopsPerWorker),
	)
	if eff < unscaled {
		flopsPerWorker := minFlopsPerWorker
		if isSMEKernel && !useM1Direct {
			flopsPerWorker = 256 * 1024 * 1024
		}
		maxWorkers = min(
			eff,
			max(1, (flops+flopsPerWorker-1)/flopsPerWorker),
		)
	} else if isSMEKernel && !useM1Direct && maxWorkers > 1 && smeShouldUseSingleWorker(flops, backend.Scheduler.IsWholeChipHeld()) {
		maxWorkers = 1
	}

	numKPanels := (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
	baseRHSPanelCrossSize := params.RHSPanelCrossSize
	fineNc := baseRHSPanelCrossSize
	if isSMEKernel {
		fineNc = max(params.RHSL1KernelCols, min(params.RHSPanelCrossSize, 4*params.RHSL1KernelCols))
	}
	if maxWorkers <= 1 {
		roundedM := ((lhsCrossSize + params.LHSL1KernelRows - 1) / params.LHSL1KernelRows) * params.LHSL1KernelRows
		if isSMEKernel && roundedM <= 256 {
			params.LHSPanelCrossSize = max(params.LHSL1KernelRows, roundedM)
		} else if roundedM < params.LHSPanelCrossSize {
			params.LHSPanelCrossSize = max(params.LHSL1KernelRows, roundedM)
		}
	}
	lhsBatchStride := lhsCrossSize * contractingSize
	lhsPanelBufSize := params.LHSPanelCrossSize * params.PanelContractingSize

	numTargets := len(targets)
	targetParams := make([]matmul.CacheParams, numTargets)
	cachedRHSPanels := make([][][]float32, numTargets) //alt:f32
	//alt:bf16 cachedRHSPanels := make([][][]bfloat16.BFloat16, numTargets)
	//alt:f16 cachedRHSPanels := make([][][]float16.Float16, numTargets)
	//alt:f64 cachedRHSPanels := make([][][]float64, numTargets)
	rhsPanelsPerBatch := make([]int, numTargets)
	needM1TempOutput := false
	needTempOutput := !isSMEKernel && (lhsCrossSize%params.LHSL1KernelRows != 0)
	needPackedRHS := false

	for tIdx := range numTargets {
		t := &targets[tIdx]
		tParams := params
		if isSMEKernel {
			fineColPanels := (t.RHSCrossSize + fineNc - 1) / fineNc
			if batchSize*numKPanels*fineColPanels <= 2048 {
				tParams.RHSPanelCrossSize = fineNc
			}
		}
		targetParams[tIdx] = tParams
		numColPanels := (t.RHSCrossSize + tParams.RHSPanelCrossSize - 1) / tParams.RHSPanelCrossSize
		rhsPanelsPerBatch[tIdx] = numKPanels * numColPanels
		if t.RHSCrossSize%tParams.RHSL1KernelCols != 0 {
			needM1TempOutput = true
			if !isSMEKernel {
				needTempOutput = true
			}
		}
		if t.NodeData != nil && t.NodeData.RHSConstantData != nil {
			rhsSlice := t.RHS
			rhsCross := t.RHSCrossSize
			cachedRHSPanels[tIdx] = gobackend.GetOrSetCachedForm(t.NodeData.RHSConstantData, func() [][]float32 { //alt:f32
				//alt:bf16 cachedRHSPanels[tIdx] = gobackend.GetOrSetCachedForm(t.NodeData.RHSConstantData, func() [][]bfloat16.BFloat16 {
				//alt:f16 cachedRHSPanels[tIdx] = gobackend.GetOrSetCachedForm(t.NodeData.RHSConstantData, func() [][]float16.Float16 {
				//alt:f64 cachedRHSPanels[tIdx] = gobackend.GetOrSetCachedForm(t.NodeData.RHSConstantData, func() [][]float64 {
				_, panels := neonPrepackRHSFloat32(backend, layout, rhsSlice, batchSize, rhsCross, contractingSize, tParams, t.NodeData.RHSConstantData) //alt:f32
				//alt:bf16 _, panels := neonPrepackRHSBFloat16(backend, layout, rhsSlice, batchSize, rhsCross, contractingSize, tParams, t.NodeData.RHSConstantData)
				//alt:f16 _, panels := neonPrepackRHSFloat16(backend, layout, rhsSlice, batchSize, rhsCross, contractingSize, tParams, t.NodeData.RHSConstantData)
				//alt:f64 _, panels := neonPrepackRHSFloat64(backend, layout, rhsSlice, batchSize, rhsCross, contractingSize, tParams, t.NodeData.RHSConstantData)
				return panels
			})
		}
		if len(cachedRHSPanels[tIdx]) == 0 {
			needPackedRHS = true
		}
	}

	if useM1Direct {
		var targetSizesBuf [8]int
		targetSizes := targetSizesBuf[:0]
		for tIdx := range numTargets {
			targetSizes = append(targetSizes, targets[tIdx].RHSCrossSize)
		}
		var m1Buf [256]matmul.MultiRHSM1WorkItem
		m1Items := matmul.AppendMultiRHSM1WorkItems(m1Buf[:0], targetSizes, &targetParams[0], maxWorkers)
		if len(m1Items) == 0 {
			return true
		}
		m1Workers := min(maxWorkers, len(m1Items))
		maxRHSPanelCross := baseRHSPanelCrossSize
		runM1Worker := func(itemIdx int, getNext func() (int, bool)) {
			var (
				packedRHSRef *gobackend.Buffer
				packedRHS    []float32 //alt:f32
				//alt:bf16 packedRHS []bfloat16.BFloat16
				//alt:f16 packedRHS []float16.Float16
				//alt:f64 packedRHS []float64
			)
			if needPackedRHS {
				var ok bool
				packedRHSRef, packedRHS, ok = GetBuffer[float32](backend, params.PanelContractingSize*maxRHSPanelCross) //alt:f32
				//alt:bf16 packedRHSRef, packedRHS, ok = GetBuffer[bfloat16.BFloat16](backend, params.PanelContractingSize*maxRHSPanelCross)
				//alt:f16 packedRHSRef, packedRHS, ok = GetBuffer[float16.Float16](backend, params.PanelContractingSize*maxRHSPanelCross)
				//alt:f64 packedRHSRef, packedRHS, ok = GetBuffer[float64](backend, params.PanelContractingSize*maxRHSPanelCross)
				if !ok {
					return
				}
				defer ReleaseBuffer(packedRHSRef)
			}
			var (
				packedOutputRef, accumOutputRef *gobackend.Buffer
				packedOutput, accumOutput       []float32 //alt:f32|bf16|f16
				//alt:f64 packedOutput, accumOutput []float64
			)
			if needM1TempOutput {
				var ok bool
				if numKPanels > 1 {
					accumOutputRef, accumOutput, ok = GetBuffer[float32](backend, maxRHSPanelCross) //alt:f32|bf16|f16
					//alt:f64 accumOutputRef, accumOutput, ok = GetBuffer[float64](backend, maxRHSPanelCross)
					if !ok {
						return
					}
					defer ReleaseBuffer(accumOutputRef)
				} else {
					packedOutputRef, packedOutput, ok = GetBuffer[float32](backend, maxRHSPanelCross) //alt:f32|bf16|f16
					//alt:f64 packedOutputRef, packedOutput, ok = GetBuffer[float64](backend, maxRHSPanelCross)
					if !ok {
						return
					}
					defer ReleaseBuffer(packedOutputRef)
				}
			}
			for {
				item := m1Items[itemIdx]
				t := &targets[item.TargetIdx]
				neonLargeMatrixSliceFloat32( //alt:f32
					//alt:bf16 neonLargeMatrixSliceBFloat16(
					//alt:f16 neonLargeMatrixSliceFloat16(
					//alt:f64 neonLargeMatrixSliceFloat64(
					layout,
					lhs, t.RHS, t.Output,
					1, t.RHSCrossSize, contractingSize,
					0, 1, item.ColStart, item.ColEnd,
					targetParams[item.TargetIdx],
					nil, packedRHS, packedOutput,
					accumOutput,
					nil, cachedRHSPanels[item.TargetIdx],
					nil, nil,
					false,
					false,
					false,
					t.Epilogue,
				)
				var ok bool
				itemIdx, ok = getNext()
				if !ok {
					return
				}
			}
		}
		if m1Workers <= 1 {
			nextIdx := 1
			runM1Worker(0, func() (int, bool) {
				if nextIdx >= len(m1Items) {
					return 0, false
				}
				idx := nextIdx
				nextIdx++
				return idx, true
			})
			return true
		}
		var nextItem atomic.Int32
		backend.Scheduler.SaturateUpTo(m1Workers, func() {
			first := int(nextItem.Add(1) - 1)
			if first >= len(m1Items) {
				return
			}
			runM1Worker(first, func() (int, bool) {
				idx := int(nextItem.Add(1) - 1)
				if idx >= len(m1Items) {
					return 0, false
				}
				return idx, true
			})
		})
		return true
	}

	var targetSizesBuf [8]int
	targetSizes := targetSizesBuf[:0]
	for tIdx := range numTargets {
		targetSizes = append(targetSizes, targets[tIdx].RHSCrossSize)
	}

	var workBuf [256]matmul.MultiRHSWorkItem
	workItems := matmul.AppendMultiRHS2DWorkItems(
		workBuf[:0], batchSize, lhsCrossSize, targetSizes, &params, maxWorkers)
	if len(workItems) == 0 {
		return true
	}
	maxWorkers = min(maxWorkers, len(workItems))

	maxMPanelsPerSubChunk := max(1, min(4, 16/max(1, numKPanels)))
	lhsAllocPanels := maxMPanelsPerSubChunk * numKPanels

	runWorker := func(itemIdx int, getNext func() (int, bool)) {
		wantLHSLen := lhsAllocPanels * lhsPanelBufSize
		wantRHSLen := 0
		if needPackedRHS {
			wantRHSLen = params.PanelContractingSize * params.RHSPanelCrossSize
		}
		var (
			scratch      *neonScratchBuf
			packedLHSRef *gobackend.Buffer
			packedLHS    []float32 //alt:f32
			//alt:bf16 packedLHS []bfloat16.BFloat16
			//alt:f16 packedLHS []float16.Float16
			//alt:f64 packedLHS []float64
			packedRHSRef *gobackend.Buffer
			packedRHS    []float32 //alt:f32
			//alt:bf16 packedRHS []bfloat16.BFloat16
			//alt:f16 packedRHS []float16.Float16
			//alt:f64 packedRHS []float64
		)
		var scratchOK bool
		scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[float32](wantLHSLen, wantRHSLen) //alt:f32
		//alt:bf16 scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[bfloat16.BFloat16](wantLHSLen, wantRHSLen)
		//alt:f16 scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[float16.Float16](wantLHSLen, wantRHSLen)
		//alt:f64 scratch, packedLHS, packedRHS, scratchOK = GetScratchPair[float64](wantLHSLen, wantRHSLen)
		if scratchOK {
			defer PutScratchPair(scratch)
		} else {
			var ok bool
			packedLHSRef, packedLHS, ok = GetBuffer[float32](backend, wantLHSLen) //alt:f32
			//alt:bf16 packedLHSRef, packedLHS, ok = GetBuffer[bfloat16.BFloat16](backend, wantLHSLen)
			//alt:f16 packedLHSRef, packedLHS, ok = GetBuffer[float16.Float16](backend, wantLHSLen)
			//alt:f64 packedLHSRef, packedLHS, ok = GetBuffer[float64](backend, wantLHSLen)
			if !ok {
				return
			}
			defer ReleaseBuffer(packedLHSRef)
			if wantRHSLen > 0 {
				packedRHSRef, packedRHS, ok = GetBuffer[float32](backend, wantRHSLen) //alt:f32
				//alt:bf16 packedRHSRef, packedRHS, ok = GetBuffer[bfloat16.BFloat16](backend, wantRHSLen)
				//alt:f16 packedRHSRef, packedRHS, ok = GetBuffer[float16.Float16](backend, wantRHSLen)
				//alt:f64 packedRHSRef, packedRHS, ok = GetBuffer[float64](backend, wantRHSLen)
				if !ok {
					return
				}
				defer ReleaseBuffer(packedRHSRef)
			}
		}

		var (
			packedOutputRef, accumOutputRef *gobackend.Buffer
			packedOutput, accumOutput       []float32 //alt:f32|bf16|f16
			//alt:f64 packedOutput, accumOutput []float64
		)
		if needTempOutput {
			var ok bool
			packedOutputRef, packedOutput, ok = GetBuffer[float32](backend, params.LHSPanelCrossSize*params.RHSPanelCrossSize) //alt:f32|bf16|f16
			//alt:f64 packedOutputRef, packedOutput, ok = GetBuffer[float64](backend, params.LHSPanelCrossSize*params.RHSPanelCrossSize)
			if !ok {
				return
			}
			defer ReleaseBuffer(packedOutputRef)
			if numKPanels > 1 {
				accumOutputRef, accumOutput, ok = GetBuffer[float32](backend, maxMPanelsPerSubChunk*params.LHSPanelCrossSize*params.RHSPanelCrossSize) //alt:f32|bf16|f16
				//alt:f64 accumOutputRef, accumOutput, ok = GetBuffer[float64](backend, maxMPanelsPerSubChunk*params.LHSPanelCrossSize*params.RHSPanelCrossSize)
				if !ok {
					return
				}
				defer ReleaseBuffer(accumOutputRef)
			}
		}

		lastBatch, lastSubRowStart, lastSubRowEnd := -1, -1, -1
		for {
			item := workItems[itemIdx]
			for batchIdx := item.BatchStart; batchIdx < item.BatchEnd; batchIdx++ {
				batchLhs := lhs[batchIdx*lhsBatchStride : (batchIdx+1)*lhsBatchStride]
				for subRowStart := item.LHSRowStart; subRowStart < item.LHSRowEnd; {
					subRowEnd := min(item.LHSRowEnd, subRowStart+maxMPanelsPerSubChunk*params.LHSPanelCrossSize)
					lhsPacked := batchIdx == lastBatch && subRowStart == lastSubRowStart && subRowEnd == lastSubRowEnd
					tStart, tEnd := 0, numTargets
					if item.TargetIdx >= 0 {
						tStart, tEnd = item.TargetIdx, item.TargetIdx+1
					}
					for tIdx := tStart; tIdx < tEnd; tIdx++ {
						t := &targets[tIdx]
						rhsCross := t.RHSCrossSize
						if rhsCross == 0 {
							continue
						}
						colStart, colEnd := 0, rhsCross
						if item.TargetIdx >= 0 {
							colStart, colEnd = item.RHSColStart, item.RHSColEnd
						}
						var (
							batchRhs             []float32 //alt:f32
							//alt:bf16 batchRhs []bfloat16.BFloat16
							//alt:f16 batchRhs []float16.Float16
							//alt:f64 batchRhs []float64
							batchCachedRHSPanels [][]float32 //alt:f32
							//alt:bf16 batchCachedRHSPanels [][]bfloat16.BFloat16
							//alt:f16 batchCachedRHSPanels [][]float16.Float16
							//alt:f64 batchCachedRHSPanels [][]float64
						)
						panelsPerB := rhsPanelsPerBatch[tIdx]
						if len(cachedRHSPanels[tIdx]) > 0 {
							batchCachedRHSPanels = cachedRHSPanels[tIdx][batchIdx*panelsPerB : (batchIdx+1)*panelsPerB]
						} else {
							rhsBatchStride := rhsCross * contractingSize
							batchRhs = t.RHS[batchIdx*rhsBatchStride : (batchIdx+1)*rhsBatchStride]
						}
						outBatchStride := lhsCrossSize * rhsCross
						batchOutput := t.Output[batchIdx*outBatchStride : (batchIdx+1)*outBatchStride]

						neonLargeMatrixSliceFloat32( //alt:f32
							//alt:bf16 neonLargeMatrixSliceBFloat16(
							//alt:f16 neonLargeMatrixSliceFloat16(
							//alt:f64 neonLargeMatrixSliceFloat64(
							layout,
							batchLhs, batchRhs, batchOutput,
							lhsCrossSize, rhsCross, contractingSize,
							subRowStart, subRowEnd, colStart, colEnd,
							targetParams[tIdx],
							packedLHS, packedRHS, packedOutput,
							accumOutput,
							nil, batchCachedRHSPanels,
							nil, nil,
							true,
							isSMEKernel && SMEUseHybridNEON,
							lhsPacked,
							t.Epilogue,
						)
						lhsPacked = true
						lastBatch, lastSubRowStart, lastSubRowEnd = batchIdx, subRowStart, subRowEnd
					}
					subRowStart = subRowEnd
				}
			}
			var more bool
			itemIdx, more = getNext()
			if !more {
				break
			}
		}
	}

	if maxWorkers <= 1 {
		nextIdx := 1
		runWorker(0, func() (int, bool) {
			if nextIdx >= len(workItems) {
				return 0, false
			}
			idx := nextIdx
			nextIdx++
			return idx, true
		})
		return true
	}

	var nextItem atomic.Int32
	backend.Scheduler.SaturateUpTo(maxWorkers, func() {
		itemIdx := int(nextItem.Add(1) - 1)
		if itemIdx >= len(workItems) {
			return
		}
		runWorker(itemIdx, func() (int, bool) {
			idx := int(nextItem.Add(1) - 1)
			return idx, idx < len(workItems)
		})
	})
	return true
}

// neonLargeMatrixSliceFloat32 performs a slice of the matrix multiplication on one batch example.
func neonLargeMatrixSliceFloat32( //alt:f32
	//alt:bf16 func neonLargeMatrixSliceBFloat16(
	//alt:f16 func neonLargeMatrixSliceFloat16(
	//alt:f64 func neonLargeMatrixSliceFloat64(
	layout dot.Layout,
	lhsMatrix, rhsMatrix []float32, outputMatrix []float32, //alt:f32
	//alt:bf16 lhsMatrix, rhsMatrix []bfloat16.BFloat16, outputMatrix []float32,
	//alt:f16 lhsMatrix, rhsMatrix []float16.Float16, outputMatrix []float32,
	//alt:f64 lhsMatrix, rhsMatrix []float64, outputMatrix []float64,
	lhsCrossSize, rhsCrossSize, contractingSize int,
	rowStart, rowEnd, colStart, colEnd int,
	params matmul.CacheParams,
	packedLHS, packedRHS []float32, packedOutput []float32, //alt:f32
	//alt:bf16 packedLHS, packedRHS []bfloat16.BFloat16, packedOutput []float32,
	//alt:f16 packedLHS, packedRHS []float16.Float16, packedOutput []float32,
	//alt:f64 packedLHS, packedRHS []float64, packedOutput []float64,
	accumBuffer []float32, //alt:f32|bf16|f16
	//alt:f64 accumBuffer []float64,
	cachedLHSPanels, cachedRHSPanels [][]float32, //alt:f32
	//alt:bf16 cachedLHSPanels, cachedRHSPanels [][]bfloat16.BFloat16,
	//alt:f16 cachedLHSPanels, cachedRHSPanels [][]float16.Float16,
	//alt:f64 cachedLHSPanels, cachedRHSPanels [][]float64,
	batchLHSReady, batchRHSReady []atomic.Uint32,
	useSME bool,
	manageSME bool,
	lhsPacked bool,
	epilogue matmul.Epilogue[float32], //alt:f32|bf16|f16
	//alt:f64 epilogue matmul.Epilogue[float64],
) {
	_ = lhsCrossSize

	numKPanels := (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
	lhsPanelBufSize := params.LHSPanelCrossSize * params.PanelContractingSize
	isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 16 //alt:f32|bf16|f16
	//alt:f64 isSMEKernel := NEONUseAsm && params.LHSL1KernelRows >= 8 && params.RHSL1KernelCols >= 8
	hasEpilogue := epilogue.HasWork()
	hasHeavyEpilogue := epilogue.Activation != nil || epilogue.BiasTileActivation != nil

	smeCluster := -1
	if manageSME {
		useSME = false
		defer func() {
			if smeCluster >= 0 {
				smeReleaseCluster(smeCluster)
			}
		}()
	}
	colsSinceAcquire := 0

	// Loop 5 (jc): Tiling RHS cross axis (N), the output columns.
	for rhsPanelColIdx := colStart; rhsPanelColIdx < colEnd; {
		if manageSME && smeCluster < 0 {
			smeCluster, useSME, _ = smeAcquireClusterSingleWorker()
			colsSinceAcquire = 0
		}
		colPanelIdx := rhsPanelColIdx / params.RHSPanelCrossSize
		panelEnd := (colPanelIdx + 1) * params.RHSPanelCrossSize
		rhsPanelWidth := min(colEnd, panelEnd) - rhsPanelColIdx

		numMPanels := 0
		if rowEnd > rowStart {
			numMPanels = ((rowEnd - 1) / params.LHSPanelCrossSize) - (rowStart / params.LHSPanelCrossSize) + 1
		}
		canCacheAllLHS := len(packedLHS) >= numMPanels*numKPanels*lhsPanelBufSize
		useM1Direct := NEONUseAsm && rowEnd-rowStart == 1 && len(cachedLHSPanels) == 0 && (params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16 || params.RHSL1KernelCols == 32) //alt:f32|bf16
		//alt:f64 useM1Direct := NEONUseAsm && rowEnd-rowStart == 1 && len(cachedLHSPanels) == 0 && (params.RHSL1KernelCols == 4 || params.RHSL1KernelCols == 8 || params.RHSL1KernelCols == 16)
		//alt:f16 useM1Direct := false
		accumPanelRows := params.LHSPanelCrossSize
		if useM1Direct {
			accumPanelRows = 1
		}
		accumPanelStride := params.RHSPanelCrossSize
		panelSize := accumPanelRows * accumPanelStride
		useAccum := len(accumBuffer) >= numMPanels*panelSize

		// Loop 4 (p): Tiling the contracting axis (K)
		for contractingPanelIdx := 0; contractingPanelIdx < contractingSize; contractingPanelIdx += params.PanelContractingSize {
			contractingPanelWidth := min(params.PanelContractingSize, contractingSize-contractingPanelIdx)
			kPanelIdx := contractingPanelIdx / params.PanelContractingSize
			if len(cachedRHSPanels) > 0 {
				numColPanels := (rhsCrossSize + params.RHSPanelCrossSize - 1) / params.RHSPanelCrossSize
				panelIdx := kPanelIdx*numColPanels + colPanelIdx
				panel := cachedRHSPanels[panelIdx]
				if len(batchRHSReady) > 0 && batchRHSReady[panelIdx].Load() != 2 {
					if batchRHSReady[panelIdx].CompareAndSwap(0, 1) {
						rhsPanelStart := colPanelIdx * params.RHSPanelCrossSize
						fullPanelWidth := min(params.RHSPanelCrossSize, rhsCrossSize-rhsPanelStart)
						if layout == dot.LayoutNonTransposed {
							neonPackRHSNonTransposed(rhsMatrix, panel, contractingPanelIdx, rhsPanelStart, rhsCrossSize, contractingPanelWidth, fullPanelWidth, params.RHSL1KernelCols)
						} else {
							neonPackLHSSME(rhsMatrix, panel, rhsPanelStart, contractingPanelIdx, contractingSize, fullPanelWidth, contractingPanelWidth, params.RHSL1KernelCols, useSME)
						}
						batchRHSReady[panelIdx].Store(2)
					} else {
						for spins := 0; batchRHSReady[panelIdx].Load() != 2; spins++ {
							if spins > 4096 {
								runtime.Gosched()
							}
						}
					}
				}
				stripOffset := (rhsPanelColIdx % params.RHSPanelCrossSize) / params.RHSL1KernelCols
				stripSize := contractingPanelWidth * params.RHSL1KernelCols
				packedRHS = panel[stripOffset*stripSize:]
			} else if layout == dot.LayoutNonTransposed {
				neonPackRHSNonTransposed(rhsMatrix, packedRHS, contractingPanelIdx, rhsPanelColIdx, rhsCrossSize, contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols)
			} else {
				neonPackLHSSME(rhsMatrix, packedRHS, rhsPanelColIdx, contractingPanelIdx, contractingSize,
					rhsPanelWidth, contractingPanelWidth, params.RHSL1KernelCols, useSME)
			}

			if useM1Direct { //alt:f32|bf16|f64
				lhsSlice := lhsMatrix[rowStart*contractingSize+contractingPanelIdx : rowStart*contractingSize+contractingPanelIdx+contractingPanelWidth] //alt:f32|bf16|f64
				isFirstContractingPanel := contractingPanelIdx == 0                                                                                        //alt:f32|bf16|f64
				accumulate := !isFirstContractingPanel                                                                                                     //alt:f32|bf16|f64
				if rhsPanelWidth%params.RHSL1KernelCols == 0 {                                                                                             //alt:f32|bf16|f64
					outOffset := rowStart*rhsCrossSize + rhsPanelColIdx //alt:f32|bf16|f64
					neonLargeKernelM1Float32Asm(lhsSlice, packedRHS, outputMatrix[outOffset:outOffset+rhsPanelWidth], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, accumulate) //alt:f32
					//alt:bf16 neonLargeKernelM1BFloat16Asm(lhsSlice, packedRHS, outputMatrix[outOffset:outOffset+rhsPanelWidth], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, accumulate)
					//alt:f64 neonLargeKernelM1Float64Asm(lhsSlice, packedRHS, outputMatrix[outOffset:outOffset+rhsPanelWidth], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, accumulate)
				} else if useAccum { //alt:f32|bf16|f64
					neonLargeKernelM1Float32Asm(lhsSlice, packedRHS, accumBuffer[:accumPanelStride], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, accumulate) //alt:f32
					//alt:bf16 neonLargeKernelM1BFloat16Asm(lhsSlice, packedRHS, accumBuffer[:accumPanelStride], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, accumulate)
					//alt:f64 neonLargeKernelM1Float64Asm(lhsSlice, packedRHS, accumBuffer[:accumPanelStride], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, accumulate)
				} else { //alt:f32|bf16|f64
					neonLargeKernelM1Float32Asm(lhsSlice, packedRHS, packedOutput[:accumPanelStride], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, false) //alt:f32
					//alt:bf16 neonLargeKernelM1BFloat16Asm(lhsSlice, packedRHS, packedOutput[:accumPanelStride], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, false)
					//alt:f64 neonLargeKernelM1Float64Asm(lhsSlice, packedRHS, packedOutput[:accumPanelStride], contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols, false)
					neonApplyPackedOutputFloat32(packedOutput, outputMatrix, isFirstContractingPanel, params.RHSPanelCrossSize, rowStart, rhsPanelColIdx, rhsCrossSize, 1, rhsPanelWidth) //alt:f32|bf16
					//alt:f64 neonApplyPackedOutputFloat64(packedOutput, outputMatrix, isFirstContractingPanel, params.RHSPanelCrossSize, rowStart, rhsPanelColIdx, rhsCrossSize, 1, rhsPanelWidth)
				} //alt:f32|bf16|f64
				continue //alt:f32|bf16|f64
			} //alt:f32|bf16|f64

			// Loop 3 (ic): Tiling LHS cross axis (M), i.e. the output rows.
			for mIdx, lhsPanelRowIdx := 0, rowStart; lhsPanelRowIdx < rowEnd; mIdx++ {
				rowPanelIdx := lhsPanelRowIdx / params.LHSPanelCrossSize
				lhsPanelEnd := (rowPanelIdx + 1) * params.LHSPanelCrossSize
				lhsPanelHeight := min(rowEnd, lhsPanelEnd) - lhsPanelRowIdx

				curPackedLHS := packedLHS
				if len(cachedLHSPanels) > 0 {
					numRowPanels := (lhsCrossSize + params.LHSPanelCrossSize - 1) / params.LHSPanelCrossSize
					panelIdx := kPanelIdx*numRowPanels + rowPanelIdx
					panel := cachedLHSPanels[panelIdx]
					if len(batchLHSReady) > 0 && batchLHSReady[panelIdx].Load() != 2 {
						if batchLHSReady[panelIdx].CompareAndSwap(0, 1) {
							lhsPanelStart := rowPanelIdx * params.LHSPanelCrossSize
							fullPanelHeight := min(params.LHSPanelCrossSize, lhsCrossSize-lhsPanelStart)
							neonPackLHSSME(lhsMatrix, panel, lhsPanelStart, contractingPanelIdx, contractingSize, fullPanelHeight, contractingPanelWidth, params.LHSL1KernelRows, useSME)
							batchLHSReady[panelIdx].Store(2)
						} else {
							for spins := 0; batchLHSReady[panelIdx].Load() != 2; spins++ {
								if spins > 4096 {
									runtime.Gosched()
								}
							}
						}
					}
					stripOffset := (lhsPanelRowIdx % params.LHSPanelCrossSize) / params.LHSL1KernelRows
					stripSize := contractingPanelWidth * params.LHSL1KernelRows
					curPackedLHS = panel[stripOffset*stripSize:]
				} else if canCacheAllLHS {
					panelIdx := mIdx*numKPanels + kPanelIdx
					curPackedLHS = packedLHS[panelIdx*lhsPanelBufSize : (panelIdx+1)*lhsPanelBufSize]
					if !lhsPacked && rhsPanelColIdx == colStart {
						neonPackLHSSME(lhsMatrix, curPackedLHS, lhsPanelRowIdx, contractingPanelIdx, contractingSize, lhsPanelHeight, contractingPanelWidth, params.LHSL1KernelRows, useSME)
					}
				} else {
					neonPackLHSSME(lhsMatrix, curPackedLHS, lhsPanelRowIdx, contractingPanelIdx, contractingSize, lhsPanelHeight, contractingPanelWidth, params.LHSL1KernelRows, useSME)
				}

				isFirstContractingPanel := contractingPanelIdx == 0
				accumulate := !isFirstContractingPanel
				canDirectOutput := (!useM1Direct && isSMEKernel) || ((useM1Direct || lhsPanelHeight%params.LHSL1KernelRows == 0) && (rhsPanelWidth%params.RHSL1KernelCols == 0))

				if canDirectOutput {
					outOffset := lhsPanelRowIdx*rhsCrossSize + rhsPanelColIdx
					outSlice := outputMatrix[outOffset : outOffset+(lhsPanelHeight-1)*rhsCrossSize+rhsPanelWidth]
					neonDispatchKernelFloat32( //alt:f32
						//alt:bf16 neonDispatchKernelBFloat16(
						//alt:f16 neonDispatchKernelFloat16(
						//alt:f64 neonDispatchKernelFloat64(
						curPackedLHS, packedRHS, outSlice,
						params.LHSPanelCrossSize, rhsCrossSize,
						contractingPanelWidth,
						lhsPanelHeight, rhsPanelWidth,
						params.LHSL1KernelRows, params.RHSL1KernelCols,
						accumulate,
						useSME,
					)
				} else if useAccum {
					accumOffset := mIdx * panelSize
					accumSlice := accumBuffer[accumOffset : accumOffset+panelSize]
					neonDispatchKernelFloat32( //alt:f32
						//alt:bf16 neonDispatchKernelBFloat16(
						//alt:f16 neonDispatchKernelFloat16(
						//alt:f64 neonDispatchKernelFloat64(
						curPackedLHS, packedRHS, accumSlice,
						params.LHSPanelCrossSize, accumPanelStride,
						contractingPanelWidth,
						lhsPanelHeight, rhsPanelWidth,
						params.LHSL1KernelRows, params.RHSL1KernelCols,
						accumulate,
						useSME,
					)
				} else {
					neonDispatchKernelFloat32( //alt:f32
						//alt:bf16 neonDispatchKernelBFloat16(
						//alt:f16 neonDispatchKernelFloat16(
						//alt:f64 neonDispatchKernelFloat64(
						curPackedLHS, packedRHS, packedOutput,
						params.LHSPanelCrossSize, params.RHSPanelCrossSize,
						contractingPanelWidth,
						lhsPanelHeight, rhsPanelWidth,
						params.LHSL1KernelRows, params.RHSL1KernelCols,
						false,
						useSME,
					)

					neonApplyPackedOutputFloat32( //alt:f32|bf16|f16
						//alt:f64 neonApplyPackedOutputFloat64(
						packedOutput, outputMatrix,
						isFirstContractingPanel,
						params.RHSPanelCrossSize,
						lhsPanelRowIdx, rhsPanelColIdx,
						rhsCrossSize,
						lhsPanelHeight, rhsPanelWidth)
				}
				lhsPanelRowIdx += lhsPanelHeight
			}
		}

		if useAccum {
			for mIdx, lhsPanelRowIdx := 0, rowStart; lhsPanelRowIdx < rowEnd; mIdx++ {
				rowPanelIdx := lhsPanelRowIdx / params.LHSPanelCrossSize
				lhsPanelEnd := (rowPanelIdx + 1) * params.LHSPanelCrossSize
				lhsPanelHeight := min(rowEnd, lhsPanelEnd) - lhsPanelRowIdx

				canDirectOutput := (!useM1Direct && isSMEKernel) || ((useM1Direct || lhsPanelHeight%params.LHSL1KernelRows == 0) && (rhsPanelWidth%params.RHSL1KernelCols == 0))
				if !canDirectOutput {
					accumOffset := mIdx * panelSize
					accumSlice := accumBuffer[accumOffset : accumOffset+lhsPanelHeight*accumPanelStride]
					neonApplyPackedOutputFloat32( //alt:f32|bf16|f16
						//alt:f64 neonApplyPackedOutputFloat64(
						accumSlice, outputMatrix,
						true,
						accumPanelStride,
						lhsPanelRowIdx, rhsPanelColIdx,
						rhsCrossSize,
						lhsPanelHeight, rhsPanelWidth)
				}
				lhsPanelRowIdx += lhsPanelHeight
			}
		}

		rhsNextColIdx := rhsPanelColIdx + rhsPanelWidth
		colsSinceAcquire += rhsPanelWidth
		if manageSME && smeCluster >= 0 && (rhsNextColIdx >= colEnd || colsSinceAcquire >= 256 || hasHeavyEpilogue) {
			smeReleaseCluster(smeCluster)
			smeCluster = -1
			useSME = false
		}
		if hasEpilogue {
			matmul.ApplyEpilogueTile(
				outputMatrix, rhsCrossSize,
				rowStart, rowEnd,
				rhsPanelColIdx, rhsNextColIdx,
				epilogue,
			)
		}
		rhsPanelColIdx = rhsNextColIdx
	}
}

// neonPrepackRHSFloat32 pre-packs the RHS matrix into a single flat buffer and returns panel slices.
func neonPrepackRHSFloat32( //alt:f32
	//alt:bf16 func neonPrepackRHSBFloat16(
	//alt:f16 func neonPrepackRHSFloat16(
	//alt:f64 func neonPrepackRHSFloat64(
	backend *gobackend.Backend,
	layout dot.Layout,
	rhs []float32, //alt:f32
	//alt:bf16 rhs []bfloat16.BFloat16,
	//alt:f16 rhs []float16.Float16,
	//alt:f64 rhs []float64,
	batchSize, rhsCrossSize, contractingSize int,
	params matmul.CacheParams,
	constData *gobackend.ConstantData,
) (*gobackend.Buffer, [][]float32) { //alt:f32
	//alt:bf16 ) (*gobackend.Buffer, [][]bfloat16.BFloat16) {
	//alt:f16 ) (*gobackend.Buffer, [][]float16.Float16) {
	//alt:f64 ) (*gobackend.Buffer, [][]float64) {
	numKPanels := (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
	numColPanels := (rhsCrossSize + params.RHSPanelCrossSize - 1) / params.RHSPanelCrossSize
	rhsPanelsPerBatch := numKPanels * numColPanels
	rhsBatchStride := rhsCrossSize * contractingSize

	totalElements := 0
	for colPanelIdx := range numColPanels {
		rhsPanelColIdx := colPanelIdx * params.RHSPanelCrossSize
		rhsPanelWidth := min(params.RHSPanelCrossSize, rhsCrossSize-rhsPanelColIdx)
		numStrips := (rhsPanelWidth + params.RHSL1KernelCols - 1) / params.RHSL1KernelCols
		for kPanelIdx := range numKPanels {
			contractingPanelIdx := kPanelIdx * params.PanelContractingSize
			contractingPanelWidth := min(params.PanelContractingSize, contractingSize-contractingPanelIdx)
			totalElements += contractingPanelWidth * numStrips * params.RHSL1KernelCols
		}
	}
	totalElements *= batchSize

	ref, flatBuf, ok := GetExactBuffer[float32](backend, totalElements, constData) //alt:f32
	//alt:bf16 ref, flatBuf, ok := GetExactBuffer[bfloat16.BFloat16](backend, totalElements, constData)
	//alt:f16 ref, flatBuf, ok := GetExactBuffer[float16.Float16](backend, totalElements, constData)
	//alt:f64 ref, flatBuf, ok := GetExactBuffer[float64](backend, totalElements, constData)
	if !ok {
		return nil, nil
	}

	panels := make([][]float32, batchSize*rhsPanelsPerBatch) //alt:f32
	//alt:bf16 panels := make([][]bfloat16.BFloat16, batchSize*rhsPanelsPerBatch)
	//alt:f16 panels := make([][]float16.Float16, batchSize*rhsPanelsPerBatch)
	//alt:f64 panels := make([][]float64, batchSize*rhsPanelsPerBatch)

	offset := 0
	rhsFlatIdx := 0
	for b := range batchSize {
		batchRHS := rhs[rhsFlatIdx : rhsFlatIdx+rhsBatchStride]
		for colPanelIdx := range numColPanels {
			rhsPanelColIdx := colPanelIdx * params.RHSPanelCrossSize
			rhsPanelWidth := min(params.RHSPanelCrossSize, rhsCrossSize-rhsPanelColIdx)
			numStrips := (rhsPanelWidth + params.RHSL1KernelCols - 1) / params.RHSL1KernelCols
			for kPanelIdx := range numKPanels {
				contractingPanelIdx := kPanelIdx * params.PanelContractingSize
				contractingPanelWidth := min(params.PanelContractingSize, contractingSize-contractingPanelIdx)
				panelLen := contractingPanelWidth * numStrips * params.RHSL1KernelCols
				panelBuf := flatBuf[offset : offset+panelLen]
				offset += panelLen

				if layout == dot.LayoutNonTransposed {
					neonPackRHSNonTransposed(batchRHS, panelBuf, contractingPanelIdx, rhsPanelColIdx, rhsCrossSize, contractingPanelWidth, rhsPanelWidth, params.RHSL1KernelCols)
				} else {
					neonPackLHS(batchRHS, panelBuf, rhsPanelColIdx, contractingPanelIdx, contractingSize, rhsPanelWidth, contractingPanelWidth, params.RHSL1KernelCols)
				}
				panels[b*rhsPanelsPerBatch+kPanelIdx*numColPanels+colPanelIdx] = panelBuf
			}
		}
		rhsFlatIdx += rhsBatchStride
	}
	return ref, panels
}

// neonPrepackLHSFloat32 pre-packs the LHS matrix into a single flat buffer and returns panel slices.
func neonPrepackLHSFloat32( //alt:f32
	//alt:bf16 func neonPrepackLHSBFloat16(
	//alt:f16 func neonPrepackLHSFloat16(
	//alt:f64 func neonPrepackLHSFloat64(
	backend *gobackend.Backend,
	lhs []float32, //alt:f32
	//alt:bf16 lhs []bfloat16.BFloat16,
	//alt:f16 lhs []float16.Float16,
	//alt:f64 lhs []float64,
	batchSize, lhsCrossSize, contractingSize int,
	params matmul.CacheParams,
	constData *gobackend.ConstantData,
) (*gobackend.Buffer, [][]float32) { //alt:f32
	//alt:bf16 ) (*gobackend.Buffer, [][]bfloat16.BFloat16) {
	//alt:f16 ) (*gobackend.Buffer, [][]float16.Float16) {
	//alt:f64 ) (*gobackend.Buffer, [][]float64) {
	numKPanels := (contractingSize + params.PanelContractingSize - 1) / params.PanelContractingSize
	numRowPanels := (lhsCrossSize + params.LHSPanelCrossSize - 1) / params.LHSPanelCrossSize
	lhsPanelsPerBatch := numKPanels * numRowPanels
	lhsBatchStride := lhsCrossSize * contractingSize

	totalElements := 0
	for rowPanelIdx := range numRowPanels {
		lhsPanelRowIdx := rowPanelIdx * params.LHSPanelCrossSize
		lhsPanelHeight := min(params.LHSPanelCrossSize, lhsCrossSize-lhsPanelRowIdx)
		numStrips := (lhsPanelHeight + params.LHSL1KernelRows - 1) / params.LHSL1KernelRows
		for kPanelIdx := range numKPanels {
			contractingPanelIdx := kPanelIdx * params.PanelContractingSize
			contractingPanelWidth := min(params.PanelContractingSize, contractingSize-contractingPanelIdx)
			totalElements += contractingPanelWidth * numStrips * params.LHSL1KernelRows
		}
	}
	totalElements *= batchSize

	ref, flatBuf, ok := GetExactBuffer[float32](backend, totalElements, constData) //alt:f32
	//alt:bf16 ref, flatBuf, ok := GetExactBuffer[bfloat16.BFloat16](backend, totalElements, constData)
	//alt:f16 ref, flatBuf, ok := GetExactBuffer[float16.Float16](backend, totalElements, constData)
	//alt:f64 ref, flatBuf, ok := GetExactBuffer[float64](backend, totalElements, constData)
	if !ok {
		return nil, nil
	}

	panels := make([][]float32, batchSize*lhsPanelsPerBatch) //alt:f32
	//alt:bf16 panels := make([][]bfloat16.BFloat16, batchSize*lhsPanelsPerBatch)
	//alt:f16 panels := make([][]float16.Float16, batchSize*lhsPanelsPerBatch)
	//alt:f64 panels := make([][]float64, batchSize*lhsPanelsPerBatch)

	offset := 0
	lhsFlatIdx := 0
	for b := range batchSize {
		batchLHS := lhs[lhsFlatIdx : lhsFlatIdx+lhsBatchStride]
		for rowPanelIdx := range numRowPanels {
			lhsPanelRowIdx := rowPanelIdx * params.LHSPanelCrossSize
			lhsPanelHeight := min(params.LHSPanelCrossSize, lhsCrossSize-lhsPanelRowIdx)
			numStrips := (lhsPanelHeight + params.LHSL1KernelRows - 1) / params.LHSL1KernelRows
			for kPanelIdx := range numKPanels {
				contractingPanelIdx := kPanelIdx * params.PanelContractingSize
				contractingPanelWidth := min(params.PanelContractingSize, contractingSize-contractingPanelIdx)
				panelLen := contractingPanelWidth * numStrips * params.LHSL1KernelRows
				panelBuf := flatBuf[offset : offset+panelLen]
				offset += panelLen

				neonPackLHS(batchLHS, panelBuf, lhsPanelRowIdx, contractingPanelIdx, contractingSize, lhsPanelHeight, contractingPanelWidth, params.LHSL1KernelRows)
				panels[b*lhsPanelsPerBatch+kPanelIdx*numRowPanels+rowPanelIdx] = panelBuf
			}
		}
		lhsFlatIdx += lhsBatchStride
	}
	return ref, panels
}

// neonLargeKernelFloat32 implements a 4x16 (4x8 for Float64) GEMM microkernel using Go archsimd (16 accumulators).
func neonLargeKernelFloat32( //alt:f32
	//alt:bf16 func neonLargeKernelBFloat16(
	//alt:f16 func neonLargeKernelFloat16(
	//alt:f64 func neonLargeKernelFloat64(
	packedLHS, packedRHS []float32, //alt:f32
	//alt:bf16 packedLHS, packedRHS []bfloat16.BFloat16,
	//alt:f16 packedLHS, packedRHS []float16.Float16,
	//alt:f64 packedLHS, packedRHS []float64,
	packedOutput []float32, //alt:f32|bf16|f16
	//alt:f64 packedOutput []float64,
	lhsPanelRows, rhsPanelCols int,
	contractingLen int,
	lhsActiveRows, rhsActiveCols int,
	accumulate bool,
) {
	defer func() {
		runtime.KeepAlive(packedLHS)
		runtime.KeepAlive(packedRHS)
		runtime.KeepAlive(packedOutput)
	}()
	_ = lhsPanelRows

	const (
		kernelRows = 4  //alt:f32|bf16|f16|f64
		kernelCols = 16 //alt:f32|bf16|f16
		//alt:f64 kernelCols = 8
		outputNumLanes = 4 //alt:f32|bf16|f16
		//alt:f64 outputNumLanes = 2
		bytesPerInputElement = 4 //alt:f32
		//alt:bf16 bytesPerInputElement = 2
		//alt:f16 bytesPerInputElement = 2
		//alt:f64 bytesPerInputElement = 8
		bytesPerOutputElement = 4 //alt:f32|bf16|f16
		//alt:f64 bytesPerOutputElement = 8
	)

	outputBasePtr := unsafe.Pointer(unsafe.SliceData(packedOutput))
	rhsBasePtr := unsafe.Pointer(unsafe.SliceData(packedRHS))
	lhsBasePtr := unsafe.Pointer(unsafe.SliceData(packedLHS))

	for lhsRowIdx := 0; lhsRowIdx < lhsActiveRows; lhsRowIdx += kernelRows {
		for rhsColIdx := 0; rhsColIdx < rhsActiveCols; rhsColIdx += kernelCols {
			outputRowStart := lhsRowIdx
			outputColStart := rhsColIdx
			outputStride := rhsPanelCols

			// 16 accumulators (4 rows x 4 RHS vectors)
			accum_lhs0_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs0_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs0_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs0_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs0_rhs2 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs0_rhs2 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs0_rhs3 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs0_rhs3 := archsimd.BroadcastFloat64x2(0.0)

			accum_lhs1_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs1_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs1_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs1_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs1_rhs2 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs1_rhs2 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs1_rhs3 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs1_rhs3 := archsimd.BroadcastFloat64x2(0.0)

			accum_lhs2_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs2_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs2_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs2_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs2_rhs2 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs2_rhs2 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs2_rhs3 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs2_rhs3 := archsimd.BroadcastFloat64x2(0.0)

			accum_lhs3_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs3_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs3_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs3_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs3_rhs2 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs3_rhs2 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs3_rhs3 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs3_rhs3 := archsimd.BroadcastFloat64x2(0.0)

			idxLHS := lhsRowIdx * contractingLen
			idxRHS := rhsColIdx * contractingLen

			rhsRowPtr := unsafe.Add(rhsBasePtr, uintptr(idxRHS*bytesPerInputElement))
			lhsRowPtr := unsafe.Add(lhsBasePtr, uintptr(idxLHS*bytesPerInputElement))

			rOffset := uintptr(0)
			lOffset := uintptr(0)

			rhsStride := uintptr(kernelCols * bytesPerInputElement)
			lhsStride := uintptr(kernelRows * bytesPerInputElement)

			for range contractingLen {
				rhsPtr0 := unsafe.Add(rhsRowPtr, rOffset)
				rhsPtr1 := unsafe.Add(rhsRowPtr, rOffset+16)
				rhsPtr2 := unsafe.Add(rhsRowPtr, rOffset+32) //alt:f32|f64
				rhsPtr3 := unsafe.Add(rhsRowPtr, rOffset+48) //alt:f32|f64

				rhsVec0 := archsimd.LoadFloat32x4Array((*[4]float32)(rhsPtr0)) //alt:f32
				rhsVec1 := archsimd.LoadFloat32x4Array((*[4]float32)(rhsPtr1)) //alt:f32
				rhsVec2 := archsimd.LoadFloat32x4Array((*[4]float32)(rhsPtr2)) //alt:f32
				rhsVec3 := archsimd.LoadFloat32x4Array((*[4]float32)(rhsPtr3)) //alt:f32
				//alt:f64 rhsVec0 := archsimd.LoadFloat64x2Array((*[2]float64)(rhsPtr0))
				//alt:f64 rhsVec1 := archsimd.LoadFloat64x2Array((*[2]float64)(rhsPtr1))
				//alt:f64 rhsVec2 := archsimd.LoadFloat64x2Array((*[2]float64)(rhsPtr2))
				//alt:f64 rhsVec3 := archsimd.LoadFloat64x2Array((*[2]float64)(rhsPtr3))
				//alt:bf16 rhsVec0, rhsVec1 := bfloat16.LoadBFloat16x8((*[8]bfloat16.BFloat16)(rhsPtr0)).ToFloat32()
				//alt:bf16 rhsVec2, rhsVec3 := bfloat16.LoadBFloat16x8((*[8]bfloat16.BFloat16)(rhsPtr1)).ToFloat32()
				//alt:f16 rhsVec0, rhsVec1 := float16.LoadFloat16x8((*[8]float16.Float16)(rhsPtr0)).ToFloat32()
				//alt:f16 rhsVec2, rhsVec3 := float16.LoadFloat16x8((*[8]float16.Float16)(rhsPtr1)).ToFloat32()
				rOffset += rhsStride

				lhsPtr := unsafe.Add(lhsRowPtr, lOffset)

				// Row 0
				lhsVal0 := *((*float32)(lhsPtr)) //alt:f32
				//alt:bf16 lhsVal0 := ((*bfloat16.BFloat16)(lhsPtr)).Float32()
				//alt:f16 lhsVal0 := ((*float16.Float16)(lhsPtr)).Float32()
				//alt:f64 lhsVal0 := *((*float64)(lhsPtr))
				lhsVec0 := archsimd.BroadcastFloat32x4(lhsVal0) //alt:f32|bf16|f16
				//alt:f64 lhsVec0 := archsimd.BroadcastFloat64x2(lhsVal0)
				accum_lhs0_rhs0 = rhsVec0.MulAdd(lhsVec0, accum_lhs0_rhs0)
				accum_lhs0_rhs1 = rhsVec1.MulAdd(lhsVec0, accum_lhs0_rhs1)
				accum_lhs0_rhs2 = rhsVec2.MulAdd(lhsVec0, accum_lhs0_rhs2)
				accum_lhs0_rhs3 = rhsVec3.MulAdd(lhsVec0, accum_lhs0_rhs3)

				// Row 1
				lhsVal1 := *((*float32)(unsafe.Add(lhsPtr, bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal1 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, bytesPerInputElement))).Float32()
				//alt:f16 lhsVal1 := ((*float16.Float16)(unsafe.Add(lhsPtr, bytesPerInputElement))).Float32()
				//alt:f64 lhsVal1 := *((*float64)(unsafe.Add(lhsPtr, bytesPerInputElement)))
				lhsVec1 := archsimd.BroadcastFloat32x4(lhsVal1) //alt:f32|bf16|f16
				//alt:f64 lhsVec1 := archsimd.BroadcastFloat64x2(lhsVal1)
				accum_lhs1_rhs0 = rhsVec0.MulAdd(lhsVec1, accum_lhs1_rhs0)
				accum_lhs1_rhs1 = rhsVec1.MulAdd(lhsVec1, accum_lhs1_rhs1)
				accum_lhs1_rhs2 = rhsVec2.MulAdd(lhsVec1, accum_lhs1_rhs2)
				accum_lhs1_rhs3 = rhsVec3.MulAdd(lhsVec1, accum_lhs1_rhs3)

				// Row 2
				lhsVal2 := *((*float32)(unsafe.Add(lhsPtr, 2*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal2 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 2*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal2 := ((*float16.Float16)(unsafe.Add(lhsPtr, 2*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal2 := *((*float64)(unsafe.Add(lhsPtr, 2*bytesPerInputElement)))
				lhsVec2 := archsimd.BroadcastFloat32x4(lhsVal2) //alt:f32|bf16|f16
				//alt:f64 lhsVec2 := archsimd.BroadcastFloat64x2(lhsVal2)
				accum_lhs2_rhs0 = rhsVec0.MulAdd(lhsVec2, accum_lhs2_rhs0)
				accum_lhs2_rhs1 = rhsVec1.MulAdd(lhsVec2, accum_lhs2_rhs1)
				accum_lhs2_rhs2 = rhsVec2.MulAdd(lhsVec2, accum_lhs2_rhs2)
				accum_lhs2_rhs3 = rhsVec3.MulAdd(lhsVec2, accum_lhs2_rhs3)

				// Row 3
				lhsVal3 := *((*float32)(unsafe.Add(lhsPtr, 3*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal3 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 3*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal3 := ((*float16.Float16)(unsafe.Add(lhsPtr, 3*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal3 := *((*float64)(unsafe.Add(lhsPtr, 3*bytesPerInputElement)))
				lhsVec3 := archsimd.BroadcastFloat32x4(lhsVal3) //alt:f32|bf16|f16
				//alt:f64 lhsVec3 := archsimd.BroadcastFloat64x2(lhsVal3)
				accum_lhs3_rhs0 = rhsVec0.MulAdd(lhsVec3, accum_lhs3_rhs0)
				accum_lhs3_rhs1 = rhsVec1.MulAdd(lhsVec3, accum_lhs3_rhs1)
				accum_lhs3_rhs2 = rhsVec2.MulAdd(lhsVec3, accum_lhs3_rhs2)
				accum_lhs3_rhs3 = rhsVec3.MulAdd(lhsVec3, accum_lhs3_rhs3)

				lOffset += lhsStride
			}

			outputIdx0 := uintptr((outputRowStart*outputStride + outputColStart) * bytesPerOutputElement)
			outputIdx1 := outputIdx0 + uintptr(rhsPanelCols*bytesPerOutputElement)
			outputIdx2 := outputIdx0 + uintptr(2*rhsPanelCols*bytesPerOutputElement)
			outputIdx3 := outputIdx0 + uintptr(3*rhsPanelCols*bytesPerOutputElement)
			outPtr0 := unsafe.Add(outputBasePtr, outputIdx0)
			outPtr1 := unsafe.Add(outputBasePtr, outputIdx1)
			outPtr2 := unsafe.Add(outputBasePtr, outputIdx2)
			outPtr3 := unsafe.Add(outputBasePtr, outputIdx3)
			const regStride = uintptr(16) // 128 bits = 16 bytes

			if !accumulate {
				accum_lhs0_rhs0.StoreArray((*[4]float32)(outPtr0))                          //alt:f32|bf16|f16
				accum_lhs0_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr0, regStride)))   //alt:f32|bf16|f16
				accum_lhs0_rhs2.StoreArray((*[4]float32)(unsafe.Add(outPtr0, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs0_rhs3.StoreArray((*[4]float32)(unsafe.Add(outPtr0, 3*regStride))) //alt:f32|bf16|f16
				accum_lhs1_rhs0.StoreArray((*[4]float32)(outPtr1))                          //alt:f32|bf16|f16
				accum_lhs1_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr1, regStride)))   //alt:f32|bf16|f16
				accum_lhs1_rhs2.StoreArray((*[4]float32)(unsafe.Add(outPtr1, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs1_rhs3.StoreArray((*[4]float32)(unsafe.Add(outPtr1, 3*regStride))) //alt:f32|bf16|f16
				accum_lhs2_rhs0.StoreArray((*[4]float32)(outPtr2))                          //alt:f32|bf16|f16
				accum_lhs2_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr2, regStride)))   //alt:f32|bf16|f16
				accum_lhs2_rhs2.StoreArray((*[4]float32)(unsafe.Add(outPtr2, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs2_rhs3.StoreArray((*[4]float32)(unsafe.Add(outPtr2, 3*regStride))) //alt:f32|bf16|f16
				accum_lhs3_rhs0.StoreArray((*[4]float32)(outPtr3))                          //alt:f32|bf16|f16
				accum_lhs3_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr3, regStride)))   //alt:f32|bf16|f16
				accum_lhs3_rhs2.StoreArray((*[4]float32)(unsafe.Add(outPtr3, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs3_rhs3.StoreArray((*[4]float32)(unsafe.Add(outPtr3, 3*regStride))) //alt:f32|bf16|f16
				//alt:f64 accum_lhs0_rhs0.StoreArray((*[2]float64)(outPtr0))
				//alt:f64 accum_lhs0_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr0, regStride)))
				//alt:f64 accum_lhs0_rhs2.StoreArray((*[2]float64)(unsafe.Add(outPtr0, 2*regStride)))
				//alt:f64 accum_lhs0_rhs3.StoreArray((*[2]float64)(unsafe.Add(outPtr0, 3*regStride)))
				//alt:f64 accum_lhs1_rhs0.StoreArray((*[2]float64)(outPtr1))
				//alt:f64 accum_lhs1_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr1, regStride)))
				//alt:f64 accum_lhs1_rhs2.StoreArray((*[2]float64)(unsafe.Add(outPtr1, 2*regStride)))
				//alt:f64 accum_lhs1_rhs3.StoreArray((*[2]float64)(unsafe.Add(outPtr1, 3*regStride)))
				//alt:f64 accum_lhs2_rhs0.StoreArray((*[2]float64)(outPtr2))
				//alt:f64 accum_lhs2_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr2, regStride)))
				//alt:f64 accum_lhs2_rhs2.StoreArray((*[2]float64)(unsafe.Add(outPtr2, 2*regStride)))
				//alt:f64 accum_lhs2_rhs3.StoreArray((*[2]float64)(unsafe.Add(outPtr2, 3*regStride)))
				//alt:f64 accum_lhs3_rhs0.StoreArray((*[2]float64)(outPtr3))
				//alt:f64 accum_lhs3_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr3, regStride)))
				//alt:f64 accum_lhs3_rhs2.StoreArray((*[2]float64)(unsafe.Add(outPtr3, 2*regStride)))
				//alt:f64 accum_lhs3_rhs3.StoreArray((*[2]float64)(unsafe.Add(outPtr3, 3*regStride)))
			} else {
				accum_lhs0_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr0))).StoreArray((*[4]float32)(outPtr0))                                                   //alt:f32|bf16|f16
				accum_lhs0_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr0, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr0, regStride)))     //alt:f32|bf16|f16
				accum_lhs0_rhs2.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr0, 2*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr0, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs0_rhs3.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr0, 3*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr0, 3*regStride))) //alt:f32|bf16|f16
				accum_lhs1_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr1))).StoreArray((*[4]float32)(outPtr1))                                                   //alt:f32|bf16|f16
				accum_lhs1_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr1, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr1, regStride)))     //alt:f32|bf16|f16
				accum_lhs1_rhs2.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr1, 2*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr1, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs1_rhs3.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr1, 3*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr1, 3*regStride))) //alt:f32|bf16|f16
				accum_lhs2_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr2))).StoreArray((*[4]float32)(outPtr2))                                                   //alt:f32|bf16|f16
				accum_lhs2_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr2, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr2, regStride)))     //alt:f32|bf16|f16
				accum_lhs2_rhs2.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr2, 2*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr2, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs2_rhs3.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr2, 3*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr2, 3*regStride))) //alt:f32|bf16|f16
				accum_lhs3_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr3))).StoreArray((*[4]float32)(outPtr3))                                                   //alt:f32|bf16|f16
				accum_lhs3_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr3, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr3, regStride)))     //alt:f32|bf16|f16
				accum_lhs3_rhs2.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr3, 2*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr3, 2*regStride))) //alt:f32|bf16|f16
				accum_lhs3_rhs3.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr3, 3*regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr3, 3*regStride))) //alt:f32|bf16|f16
				//alt:f64 accum_lhs0_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr0))).StoreArray((*[2]float64)(outPtr0))
				//alt:f64 accum_lhs0_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr0, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr0, regStride)))
				//alt:f64 accum_lhs0_rhs2.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr0, 2*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr0, 2*regStride)))
				//alt:f64 accum_lhs0_rhs3.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr0, 3*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr0, 3*regStride)))
				//alt:f64 accum_lhs1_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr1))).StoreArray((*[2]float64)(outPtr1))
				//alt:f64 accum_lhs1_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr1, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr1, regStride)))
				//alt:f64 accum_lhs1_rhs2.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr1, 2*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr1, 2*regStride)))
				//alt:f64 accum_lhs1_rhs3.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr1, 3*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr1, 3*regStride)))
				//alt:f64 accum_lhs2_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr2))).StoreArray((*[2]float64)(outPtr2))
				//alt:f64 accum_lhs2_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr2, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr2, regStride)))
				//alt:f64 accum_lhs2_rhs2.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr2, 2*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr2, 2*regStride)))
				//alt:f64 accum_lhs2_rhs3.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr2, 3*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr2, 3*regStride)))
				//alt:f64 accum_lhs3_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr3))).StoreArray((*[2]float64)(outPtr3))
				//alt:f64 accum_lhs3_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr3, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr3, regStride)))
				//alt:f64 accum_lhs3_rhs2.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr3, 2*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr3, 2*regStride)))
				//alt:f64 accum_lhs3_rhs3.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr3, 3*regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr3, 3*regStride)))
			}
		}
	}
}

// neonLargeKernelFloat32_8x8 implements an 8x8 (8x4 for Float64) GEMM microkernel using Go archsimd (16 accumulators).
func neonLargeKernelFloat32_8x8( //alt:f32
	//alt:bf16 func neonLargeKernelBFloat16_8x8(
	//alt:f16 func neonLargeKernelFloat16_8x8(
	//alt:f64 func neonLargeKernelFloat64_8x4(
	packedLHS, packedRHS []float32, //alt:f32
	//alt:bf16 packedLHS, packedRHS []bfloat16.BFloat16,
	//alt:f16 packedLHS, packedRHS []float16.Float16,
	//alt:f64 packedLHS, packedRHS []float64,
	packedOutput []float32, //alt:f32|bf16|f16
	//alt:f64 packedOutput []float64,
	lhsPanelRows, rhsPanelCols int,
	contractingLen int,
	lhsActiveRows, rhsActiveCols int,
	accumulate bool,
) {
	defer func() {
		runtime.KeepAlive(packedLHS)
		runtime.KeepAlive(packedRHS)
		runtime.KeepAlive(packedOutput)
	}()
	_ = lhsPanelRows

	const (
		kernelRows = 8 //alt:f32|bf16|f16|f64
		kernelCols = 8 //alt:f32|bf16|f16
		//alt:f64 kernelCols = 4
		bytesPerInputElement = 4 //alt:f32
		//alt:bf16 bytesPerInputElement = 2
		//alt:f16 bytesPerInputElement = 2
		//alt:f64 bytesPerInputElement = 8
		bytesPerOutputElement = 4 //alt:f32|bf16|f16
		//alt:f64 bytesPerOutputElement = 8
	)

	outputBasePtr := unsafe.Pointer(unsafe.SliceData(packedOutput))
	rhsBasePtr := unsafe.Pointer(unsafe.SliceData(packedRHS))
	lhsBasePtr := unsafe.Pointer(unsafe.SliceData(packedLHS))

	for lhsRowIdx := 0; lhsRowIdx < lhsActiveRows; lhsRowIdx += kernelRows {
		for rhsColIdx := 0; rhsColIdx < rhsActiveCols; rhsColIdx += kernelCols {
			outputRowStart := lhsRowIdx
			outputColStart := rhsColIdx
			outputStride := rhsPanelCols

			// 16 accumulators (8 rows x 2 RHS vectors)
			accum_lhs0_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs0_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs0_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs0_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs1_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs1_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs1_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs1_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs2_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs2_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs2_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs2_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs3_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs3_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs3_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs3_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs4_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs4_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs4_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs4_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs5_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs5_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs5_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs5_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs6_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs6_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs6_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs6_rhs1 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs7_rhs0 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs7_rhs0 := archsimd.BroadcastFloat64x2(0.0)
			accum_lhs7_rhs1 := archsimd.BroadcastFloat32x4(0.0) //alt:f32|bf16|f16
			//alt:f64 accum_lhs7_rhs1 := archsimd.BroadcastFloat64x2(0.0)

			idxLHS := lhsRowIdx * contractingLen
			idxRHS := rhsColIdx * contractingLen

			rhsRowPtr := unsafe.Add(rhsBasePtr, uintptr(idxRHS*bytesPerInputElement))
			lhsRowPtr := unsafe.Add(lhsBasePtr, uintptr(idxLHS*bytesPerInputElement))

			rOffset := uintptr(0)
			lOffset := uintptr(0)

			rhsStride := uintptr(kernelCols * bytesPerInputElement)
			lhsStride := uintptr(kernelRows * bytesPerInputElement)

			for range contractingLen {
				rhsPtr0 := unsafe.Add(rhsRowPtr, rOffset)
				rhsPtr1 := unsafe.Add(rhsRowPtr, rOffset+16) //alt:f32|f64
				rhsVec0 := archsimd.LoadFloat32x4Array((*[4]float32)(rhsPtr0)) //alt:f32
				rhsVec1 := archsimd.LoadFloat32x4Array((*[4]float32)(rhsPtr1)) //alt:f32
				//alt:f64 rhsVec0 := archsimd.LoadFloat64x2Array((*[2]float64)(rhsPtr0))
				//alt:f64 rhsVec1 := archsimd.LoadFloat64x2Array((*[2]float64)(rhsPtr1))
				//alt:bf16 rhsVec0, rhsVec1 := bfloat16.LoadBFloat16x8((*[8]bfloat16.BFloat16)(rhsPtr0)).ToFloat32()
				//alt:f16 rhsVec0, rhsVec1 := float16.LoadFloat16x8((*[8]float16.Float16)(rhsPtr0)).ToFloat32()
				rOffset += rhsStride

				lhsPtr := unsafe.Add(lhsRowPtr, lOffset)

				lhsVal0 := *((*float32)(lhsPtr)) //alt:f32
				//alt:bf16 lhsVal0 := ((*bfloat16.BFloat16)(lhsPtr)).Float32()
				//alt:f16 lhsVal0 := ((*float16.Float16)(lhsPtr)).Float32()
				//alt:f64 lhsVal0 := *((*float64)(lhsPtr))
				lhsVec0 := archsimd.BroadcastFloat32x4(lhsVal0) //alt:f32|bf16|f16
				//alt:f64 lhsVec0 := archsimd.BroadcastFloat64x2(lhsVal0)
				accum_lhs0_rhs0 = rhsVec0.MulAdd(lhsVec0, accum_lhs0_rhs0)
				accum_lhs0_rhs1 = rhsVec1.MulAdd(lhsVec0, accum_lhs0_rhs1)

				lhsVal1 := *((*float32)(unsafe.Add(lhsPtr, bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal1 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, bytesPerInputElement))).Float32()
				//alt:f16 lhsVal1 := ((*float16.Float16)(unsafe.Add(lhsPtr, bytesPerInputElement))).Float32()
				//alt:f64 lhsVal1 := *((*float64)(unsafe.Add(lhsPtr, bytesPerInputElement)))
				lhsVec1 := archsimd.BroadcastFloat32x4(lhsVal1) //alt:f32|bf16|f16
				//alt:f64 lhsVec1 := archsimd.BroadcastFloat64x2(lhsVal1)
				accum_lhs1_rhs0 = rhsVec0.MulAdd(lhsVec1, accum_lhs1_rhs0)
				accum_lhs1_rhs1 = rhsVec1.MulAdd(lhsVec1, accum_lhs1_rhs1)

				lhsVal2 := *((*float32)(unsafe.Add(lhsPtr, 2*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal2 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 2*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal2 := ((*float16.Float16)(unsafe.Add(lhsPtr, 2*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal2 := *((*float64)(unsafe.Add(lhsPtr, 2*bytesPerInputElement)))
				lhsVec2 := archsimd.BroadcastFloat32x4(lhsVal2) //alt:f32|bf16|f16
				//alt:f64 lhsVec2 := archsimd.BroadcastFloat64x2(lhsVal2)
				accum_lhs2_rhs0 = rhsVec0.MulAdd(lhsVec2, accum_lhs2_rhs0)
				accum_lhs2_rhs1 = rhsVec1.MulAdd(lhsVec2, accum_lhs2_rhs1)

				lhsVal3 := *((*float32)(unsafe.Add(lhsPtr, 3*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal3 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 3*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal3 := ((*float16.Float16)(unsafe.Add(lhsPtr, 3*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal3 := *((*float64)(unsafe.Add(lhsPtr, 3*bytesPerInputElement)))
				lhsVec3 := archsimd.BroadcastFloat32x4(lhsVal3) //alt:f32|bf16|f16
				//alt:f64 lhsVec3 := archsimd.BroadcastFloat64x2(lhsVal3)
				accum_lhs3_rhs0 = rhsVec0.MulAdd(lhsVec3, accum_lhs3_rhs0)
				accum_lhs3_rhs1 = rhsVec1.MulAdd(lhsVec3, accum_lhs3_rhs1)

				lhsVal4 := *((*float32)(unsafe.Add(lhsPtr, 4*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal4 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 4*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal4 := ((*float16.Float16)(unsafe.Add(lhsPtr, 4*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal4 := *((*float64)(unsafe.Add(lhsPtr, 4*bytesPerInputElement)))
				lhsVec4 := archsimd.BroadcastFloat32x4(lhsVal4) //alt:f32|bf16|f16
				//alt:f64 lhsVec4 := archsimd.BroadcastFloat64x2(lhsVal4)
				accum_lhs4_rhs0 = rhsVec0.MulAdd(lhsVec4, accum_lhs4_rhs0)
				accum_lhs4_rhs1 = rhsVec1.MulAdd(lhsVec4, accum_lhs4_rhs1)

				lhsVal5 := *((*float32)(unsafe.Add(lhsPtr, 5*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal5 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 5*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal5 := ((*float16.Float16)(unsafe.Add(lhsPtr, 5*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal5 := *((*float64)(unsafe.Add(lhsPtr, 5*bytesPerInputElement)))
				lhsVec5 := archsimd.BroadcastFloat32x4(lhsVal5) //alt:f32|bf16|f16
				//alt:f64 lhsVec5 := archsimd.BroadcastFloat64x2(lhsVal5)
				accum_lhs5_rhs0 = rhsVec0.MulAdd(lhsVec5, accum_lhs5_rhs0)
				accum_lhs5_rhs1 = rhsVec1.MulAdd(lhsVec5, accum_lhs5_rhs1)

				lhsVal6 := *((*float32)(unsafe.Add(lhsPtr, 6*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal6 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 6*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal6 := ((*float16.Float16)(unsafe.Add(lhsPtr, 6*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal6 := *((*float64)(unsafe.Add(lhsPtr, 6*bytesPerInputElement)))
				lhsVec6 := archsimd.BroadcastFloat32x4(lhsVal6) //alt:f32|bf16|f16
				//alt:f64 lhsVec6 := archsimd.BroadcastFloat64x2(lhsVal6)
				accum_lhs6_rhs0 = rhsVec0.MulAdd(lhsVec6, accum_lhs6_rhs0)
				accum_lhs6_rhs1 = rhsVec1.MulAdd(lhsVec6, accum_lhs6_rhs1)

				lhsVal7 := *((*float32)(unsafe.Add(lhsPtr, 7*bytesPerInputElement))) //alt:f32
				//alt:bf16 lhsVal7 := ((*bfloat16.BFloat16)(unsafe.Add(lhsPtr, 7*bytesPerInputElement))).Float32()
				//alt:f16 lhsVal7 := ((*float16.Float16)(unsafe.Add(lhsPtr, 7*bytesPerInputElement))).Float32()
				//alt:f64 lhsVal7 := *((*float64)(unsafe.Add(lhsPtr, 7*bytesPerInputElement)))
				lhsVec7 := archsimd.BroadcastFloat32x4(lhsVal7) //alt:f32|bf16|f16
				//alt:f64 lhsVec7 := archsimd.BroadcastFloat64x2(lhsVal7)
				accum_lhs7_rhs0 = rhsVec0.MulAdd(lhsVec7, accum_lhs7_rhs0)
				accum_lhs7_rhs1 = rhsVec1.MulAdd(lhsVec7, accum_lhs7_rhs1)

				lOffset += lhsStride
			}

			rowByteStride := uintptr(rhsPanelCols * bytesPerOutputElement)
			outputIdx0 := uintptr((outputRowStart*outputStride + outputColStart) * bytesPerOutputElement)
			outPtr0 := unsafe.Add(outputBasePtr, outputIdx0)
			outPtr1 := unsafe.Add(outPtr0, rowByteStride)
			outPtr2 := unsafe.Add(outPtr1, rowByteStride)
			outPtr3 := unsafe.Add(outPtr2, rowByteStride)
			outPtr4 := unsafe.Add(outPtr3, rowByteStride)
			outPtr5 := unsafe.Add(outPtr4, rowByteStride)
			outPtr6 := unsafe.Add(outPtr5, rowByteStride)
			outPtr7 := unsafe.Add(outPtr6, rowByteStride)
			const regStride = uintptr(16)

			if !accumulate {
				accum_lhs0_rhs0.StoreArray((*[4]float32)(outPtr0))                        //alt:f32|bf16|f16
				accum_lhs0_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr0, regStride))) //alt:f32|bf16|f16
				accum_lhs1_rhs0.StoreArray((*[4]float32)(outPtr1))                        //alt:f32|bf16|f16
				accum_lhs1_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr1, regStride))) //alt:f32|bf16|f16
				accum_lhs2_rhs0.StoreArray((*[4]float32)(outPtr2))                        //alt:f32|bf16|f16
				accum_lhs2_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr2, regStride))) //alt:f32|bf16|f16
				accum_lhs3_rhs0.StoreArray((*[4]float32)(outPtr3))                        //alt:f32|bf16|f16
				accum_lhs3_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr3, regStride))) //alt:f32|bf16|f16
				accum_lhs4_rhs0.StoreArray((*[4]float32)(outPtr4))                        //alt:f32|bf16|f16
				accum_lhs4_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr4, regStride))) //alt:f32|bf16|f16
				accum_lhs5_rhs0.StoreArray((*[4]float32)(outPtr5))                        //alt:f32|bf16|f16
				accum_lhs5_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr5, regStride))) //alt:f32|bf16|f16
				accum_lhs6_rhs0.StoreArray((*[4]float32)(outPtr6))                        //alt:f32|bf16|f16
				accum_lhs6_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr6, regStride))) //alt:f32|bf16|f16
				accum_lhs7_rhs0.StoreArray((*[4]float32)(outPtr7))                        //alt:f32|bf16|f16
				accum_lhs7_rhs1.StoreArray((*[4]float32)(unsafe.Add(outPtr7, regStride))) //alt:f32|bf16|f16
				//alt:f64 accum_lhs0_rhs0.StoreArray((*[2]float64)(outPtr0))
				//alt:f64 accum_lhs0_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr0, regStride)))
				//alt:f64 accum_lhs1_rhs0.StoreArray((*[2]float64)(outPtr1))
				//alt:f64 accum_lhs1_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr1, regStride)))
				//alt:f64 accum_lhs2_rhs0.StoreArray((*[2]float64)(outPtr2))
				//alt:f64 accum_lhs2_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr2, regStride)))
				//alt:f64 accum_lhs3_rhs0.StoreArray((*[2]float64)(outPtr3))
				//alt:f64 accum_lhs3_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr3, regStride)))
				//alt:f64 accum_lhs4_rhs0.StoreArray((*[2]float64)(outPtr4))
				//alt:f64 accum_lhs4_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr4, regStride)))
				//alt:f64 accum_lhs5_rhs0.StoreArray((*[2]float64)(outPtr5))
				//alt:f64 accum_lhs5_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr5, regStride)))
				//alt:f64 accum_lhs6_rhs0.StoreArray((*[2]float64)(outPtr6))
				//alt:f64 accum_lhs6_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr6, regStride)))
				//alt:f64 accum_lhs7_rhs0.StoreArray((*[2]float64)(outPtr7))
				//alt:f64 accum_lhs7_rhs1.StoreArray((*[2]float64)(unsafe.Add(outPtr7, regStride)))
			} else {
				accum_lhs0_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr0))).StoreArray((*[4]float32)(outPtr0))                                                 //alt:f32|bf16|f16
				accum_lhs0_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr0, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr0, regStride)))   //alt:f32|bf16|f16
				accum_lhs1_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr1))).StoreArray((*[4]float32)(outPtr1))                                                 //alt:f32|bf16|f16
				accum_lhs1_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr1, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr1, regStride)))   //alt:f32|bf16|f16
				accum_lhs2_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr2))).StoreArray((*[4]float32)(outPtr2))                                                 //alt:f32|bf16|f16
				accum_lhs2_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr2, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr2, regStride)))   //alt:f32|bf16|f16
				accum_lhs3_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr3))).StoreArray((*[4]float32)(outPtr3))                                                 //alt:f32|bf16|f16
				accum_lhs3_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr3, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr3, regStride)))   //alt:f32|bf16|f16
				accum_lhs4_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr4))).StoreArray((*[4]float32)(outPtr4))                                                 //alt:f32|bf16|f16
				accum_lhs4_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr4, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr4, regStride)))   //alt:f32|bf16|f16
				accum_lhs5_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr5))).StoreArray((*[4]float32)(outPtr5))                                                 //alt:f32|bf16|f16
				accum_lhs5_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr5, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr5, regStride)))   //alt:f32|bf16|f16
				accum_lhs6_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr6))).StoreArray((*[4]float32)(outPtr6))                                                 //alt:f32|bf16|f16
				accum_lhs6_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr6, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr6, regStride)))   //alt:f32|bf16|f16
				accum_lhs7_rhs0.Add(archsimd.LoadFloat32x4Array((*[4]float32)(outPtr7))).StoreArray((*[4]float32)(outPtr7))                                                 //alt:f32|bf16|f16
				accum_lhs7_rhs1.Add(archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(outPtr7, regStride)))).StoreArray((*[4]float32)(unsafe.Add(outPtr7, regStride)))   //alt:f32|bf16|f16
				//alt:f64 accum_lhs0_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr0))).StoreArray((*[2]float64)(outPtr0))
				//alt:f64 accum_lhs0_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr0, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr0, regStride)))
				//alt:f64 accum_lhs1_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr1))).StoreArray((*[2]float64)(outPtr1))
				//alt:f64 accum_lhs1_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr1, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr1, regStride)))
				//alt:f64 accum_lhs2_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr2))).StoreArray((*[2]float64)(outPtr2))
				//alt:f64 accum_lhs2_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr2, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr2, regStride)))
				//alt:f64 accum_lhs3_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr3))).StoreArray((*[2]float64)(outPtr3))
				//alt:f64 accum_lhs3_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr3, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr3, regStride)))
				//alt:f64 accum_lhs4_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr4))).StoreArray((*[2]float64)(outPtr4))
				//alt:f64 accum_lhs4_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr4, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr4, regStride)))
				//alt:f64 accum_lhs5_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr5))).StoreArray((*[2]float64)(outPtr5))
				//alt:f64 accum_lhs5_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr5, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr5, regStride)))
				//alt:f64 accum_lhs6_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr6))).StoreArray((*[2]float64)(outPtr6))
				//alt:f64 accum_lhs6_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr6, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr6, regStride)))
				//alt:f64 accum_lhs7_rhs0.Add(archsimd.LoadFloat64x2Array((*[2]float64)(outPtr7))).StoreArray((*[2]float64)(outPtr7))
				//alt:f64 accum_lhs7_rhs1.Add(archsimd.LoadFloat64x2Array((*[2]float64)(unsafe.Add(outPtr7, regStride)))).StoreArray((*[2]float64)(unsafe.Add(outPtr7, regStride)))
			}
		}
	}
}
