// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

//go:build arm64 && goexperiment.simd && go1.27

package neon

import (
	"math"
	"simd/archsimd"
	"unsafe"

	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/internal/gobackend/simdarch"
)

func init() {
	if gobackend.IsNEONAllowed {
		gobackend.SetSDPAArchDispatcher(gobackend.PriorityArch, DispatchSDPAARM64)
	}
}

// DispatchSDPAARM64 executes scaled dot-product attention on ARM64 using:
//  1. 32x32 SME outer-product (FMOPA) microkernels (smePackLHS32Float32Asm +
//     smeLargeKernelFloat32Asm_32x32 for Q @ K^T, and smeDirectStridedFloat32Asm_32x32
//     for Probs @ V) supporting full and partial query blocks (activeRows in 4..32),
//     boolean masks, causal masks, and additive masks/biases.
//  2. 4-query-row handwritten ARM64 NEON assembly microkernels (neonSmallTransposedTile4x4Float32Asm
//     for Q @ K^T and neonSmallNonTransposedTile4x16Float32Asm for Probs @ V) with vectorized NEON
//     Softmax for 4 query rows at a time.
//  3. Register-pinned NEON SIMD (archsimd.Float32x4) for remainder rows (1..3 rows).
func DispatchSDPAARM64(
	q, k, v, output []float32,
	qOff, kvOff, qSeqStride, kvSeqStride, qGroupStride int,
	additiveMask []float32,
	booleanMask []bool,
	maskGroupStride int,
	additiveBias []float32,
	biasGroupStride int,
	scoresScratch []float32,
	groupSize, qStart, qEnd, kvLen, headDim int,
	scale float32, causal bool,
	qLimit, kvLimit int,
) bool {
	if !gobackend.IsNEONAllowed {
		return false
	}

	kvLenUnmaskedBase := min(kvLen, kvLimit)
	qValidEnd := min(qEnd, qLimit)
	qValidCount := max(0, qValidEnd-qStart)

	canBatchQueries := kvLenUnmaskedBase > 0 && NEONUseAsm

	// Enable SME when problem size has at least 4 query rows and >= 16 keys.
	wantSME := canBatchQueries && gobackend.IsSMEAllowed &&
		qValidCount >= 4 && kvLenUnmaskedBase >= 16 &&
		headDim >= 16 && headDim <= 256 &&
		len(scoresScratch) >= 32*kvLen

	var packedQ, packedS, packedK []float32
	if wantSME {
		kvPadded := (kvLenUnmaskedBase + 31) &^ 31
		scoresNeed := 32 * kvLen
		sNeed := 32 * kvPadded
		kNeed := kvPadded * headDim
		qNeed := 32 * headDim
		if len(scoresScratch) >= scoresNeed+sNeed+kNeed+qNeed {
			packedS = scoresScratch[scoresNeed : scoresNeed+sNeed]
			packedK = scoresScratch[scoresNeed+sNeed : scoresNeed+sNeed+kNeed]
			packedQ = scoresScratch[scoresNeed+sNeed+kNeed : scoresNeed+sNeed+kNeed+qNeed]
			scoresScratch = scoresScratch[:scoresNeed]
		} else {
			buf := make([]float32, sNeed+kNeed+qNeed)
			packedS = buf[:sNeed]
			packedK = buf[sNeed : sNeed+kNeed]
			packedQ = buf[sNeed+kNeed:]
		}
	}

	maskSeqStride := kvLen
	if maskLen := max(len(additiveMask), len(booleanMask)); maskLen == 0 || maskGroupStride == kvLen || (maskGroupStride == 0 && maskLen == kvLen) {
		maskSeqStride = 0
	}
	biasSeqStride := kvLen
	if len(additiveBias) == 0 || biasGroupStride == kvLen || (biasGroupStride == 0 && len(additiveBias) == kvLen) {
		biasSeqStride = 0
	}

	// packedKUpTo tracks how many key rows [0, packedKUpTo) have been transposed into packedK
	// across query blocks and GQA heads sharing the same KV head.
	packedKUpTo := 0

	for gIdx := range groupSize {
		gQOff := qOff + gIdx*qGroupStride
		gMaskOff := gIdx * maskGroupStride
		gBiasOff := gIdx * biasGroupStride

		qIdx := qStart

		// 1. SME 32x32 Outer-Product Path (handles full 32-row blocks and partial tail blocks >= 4 rows):
		if wantSME {
			for qIdx < qValidEnd {
				remQ := qValidEnd - qIdx
				if remQ < 4 {
					break
				}
				activeRows := min(32, remQ)
				if !sdpaSMEBlockFloat32(
					q, k, v, output,
					qIdx, activeRows,
					gQOff+qIdx*qSeqStride, kvOff, qSeqStride, kvSeqStride,
					additiveMask, booleanMask, gMaskOff+qIdx*maskSeqStride, maskSeqStride,
					additiveBias, gBiasOff+qIdx*biasSeqStride, biasSeqStride,
					scoresScratch, packedQ, packedS, packedK, &packedKUpTo,
					kvLen, kvLenUnmaskedBase, headDim, scale, causal,
				) {
					break
				}
				qIdx += activeRows
			}
		}

		// 2. 4-Query-Row NEON Assembly Path (Tile4x4 Q@K^T + NEON Softmax + Tile4x16 P@V, handles 1..4 rows):
		if canBatchQueries && headDim >= 4 && len(scoresScratch) >= 4*kvLen {
			for qIdx < qValidEnd {
				activeRows := min(4, qValidEnd-qIdx)
				sdpaNEONBlockFloat32(
					q, k, v, output,
					qIdx, activeRows,
					gQOff+qIdx*qSeqStride, kvOff, qSeqStride, kvSeqStride,
					additiveMask, booleanMask, gMaskOff+qIdx*maskSeqStride, maskSeqStride,
					additiveBias, gBiasOff+qIdx*biasSeqStride, biasSeqStride,
					scoresScratch,
					kvLen, kvLenUnmaskedBase, headDim, scale, causal,
				)
				qIdx += activeRows
			}
		}

		// 3. Remainder Path (2-row and 1-row NEON archsimd):
		if canBatchQueries && !causal && len(booleanMask) == 0 && headDim == 32 && len(scoresScratch) >= 2*kvLen {
			for ; qIdx+2 <= qValidEnd; qIdx += 2 {
				qBase0 := gQOff + qIdx*qSeqStride
				qBase1 := qBase0 + qSeqStride
				maskIdxBase0 := gMaskOff + qIdx*maskSeqStride
				maskIdxBase1 := maskIdxBase0 + maskSeqStride
				biasIdxBase0 := gBiasOff + qIdx*biasSeqStride
				biasIdxBase1 := biasIdxBase0 + biasSeqStride
				scores0 := scoresScratch[:kvLen]
				scores1 := scoresScratch[kvLen : 2*kvLen]

				rowMax0, rowMax1 := sdpaDotNEONDim32Pair(
					q, k,
					qBase0, qBase1, kvOff, kvSeqStride,
					additiveMask, additiveBias,
					maskIdxBase0, maskIdxBase1, biasIdxBase0, biasIdxBase1,
					scores0, scores1,
					kvLenUnmaskedBase, scale,
				)
				allMasked0 := rowMax0 == float32(math.Inf(-1))
				allMasked1 := rowMax1 == float32(math.Inf(-1))
				if !allMasked0 && !allMasked1 {
					sdpaSoftmaxRowNEON(scores0, kvLenUnmaskedBase, rowMax0)
					sdpaSoftmaxRowNEON(scores1, kvLenUnmaskedBase, rowMax1)
					sdpaValueAccumNEONDim32Pair(v, output, qBase0, qBase1, kvOff, kvSeqStride, scores0, scores1, kvLenUnmaskedBase)
					continue
				}
				if allMasked0 {
					clear(output[qBase0 : qBase0+32])
				} else {
					sdpaSoftmaxRowNEON(scores0, kvLenUnmaskedBase, rowMax0)
					sdpaValueAccumNEONDim32Single(v, output, qBase0, kvOff, kvSeqStride, scores0, kvLenUnmaskedBase)
				}
				if allMasked1 {
					clear(output[qBase1 : qBase1+32])
				} else {
					sdpaSoftmaxRowNEON(scores1, kvLenUnmaskedBase, rowMax1)
					sdpaValueAccumNEONDim32Single(v, output, qBase1, kvOff, kvSeqStride, scores1, kvLenUnmaskedBase)
				}
			}
		}

		for ; qIdx < qEnd; qIdx++ {
			outBase := gQOff + qIdx*qSeqStride
			if qIdx >= qLimit {
				clear(output[outBase : outBase+headDim])
				continue
			}

			kvLenUnmasked := kvLenUnmaskedBase
			if causal && qIdx+1 < kvLenUnmasked {
				kvLenUnmasked = qIdx + 1
			}
			if kvLenUnmasked <= 0 {
				clear(output[outBase : outBase+headDim])
				continue
			}

			qBase := gQOff + qIdx*qSeqStride
			maskIdxBase := gMaskOff + qIdx*maskSeqStride
			biasIdxBase := gBiasOff + qIdx*biasSeqStride

			if headDim == 32 {
				rowMax, activeKVLen := sdpaDotNEONDim32Single(
					q, k,
					qBase, kvOff, kvSeqStride,
					additiveMask, booleanMask, maskIdxBase,
					additiveBias, biasIdxBase,
					scoresScratch, kvLenUnmasked, scale,
				)
				if activeKVLen <= 0 || rowMax == float32(math.Inf(-1)) {
					clear(output[outBase : outBase+32])
					continue
				}
				sdpaSoftmaxRowNEON(scoresScratch, activeKVLen, rowMax)
				sdpaValueAccumNEONDim32Single(v, output, outBase, kvOff, kvSeqStride, scoresScratch, activeKVLen)
			} else {
				sdpaSingleRowNEONGeneral(
					q, k, v, output,
					qBase, outBase, kvOff, kvSeqStride,
					additiveMask, booleanMask, maskIdxBase,
					additiveBias, biasIdxBase,
					scoresScratch, kvLenUnmasked, headDim, scale,
				)
			}
		}
	}
	return true
}

// sdpaActiveKVLenForBlock returns the highest unmasked key index + 1 across activeRows query rows
// starting at qIdx, accounting for both causal masking and booleanMask.
func sdpaActiveKVLenForBlock(
	qIdx, activeRows, kvLenUnmaskedBase int,
	causal bool,
	booleanMask []bool,
	maskIdxBase, maskSeqStride int,
) int {
	limit := kvLenUnmaskedBase
	if causal && qIdx+activeRows < limit {
		limit = qIdx + activeRows
	}
	if limit <= 0 {
		return 0
	}
	if len(booleanMask) == 0 {
		return limit
	}
	if maskSeqStride == 0 {
		for ki := limit - 1; ki >= 0; ki-- {
			if booleanMask[maskIdxBase+ki] {
				return ki + 1
			}
		}
		return 0
	}
	maxActive := 0
	for r := activeRows - 1; r >= 0; r-- {
		rowLim := limit
		if causal && qIdx+r+1 < rowLim {
			rowLim = qIdx + r + 1
		}
		mStart := maskIdxBase + r*maskSeqStride
		for ki := rowLim - 1; ki >= maxActive; ki-- {
			if booleanMask[mStart+ki] {
				maxActive = ki + 1
				break
			}
		}
	}
	return maxActive
}

// sdpaSMEBlockFloat32 computes activeRows (1..32) query rows of SDPA using SME 32x32 FMOPA microkernels
// for Q @ K^T and Probs @ V, releasing the cluster SME lock during the NEON Softmax phase so multiple
// cores on the same L2 cluster can pipeline SME matrix operations with private-core NEON Softmax.
func sdpaSMEBlockFloat32(
	q, k, v, output []float32,
	qIdx, activeRows int,
	qBase, kvOff, qSeqStride, kvSeqStride int,
	additiveMask []float32, booleanMask []bool, maskIdxBase, maskSeqStride int,
	additiveBias []float32, biasIdxBase, biasSeqStride int,
	scoresScratch, packedQ, packedS, packedK []float32,
	packedKUpTo *int,
	kvLen, kvLenUnmaskedBase, headDim int,
	scale float32, causal bool,
) bool {
	blockKVLen := sdpaActiveKVLenForBlock(qIdx, activeRows, kvLenUnmaskedBase, causal, booleanMask, maskIdxBase, maskSeqStride)
	if blockKVLen <= 0 {
		for r := range activeRows {
			clear(output[qBase+r*qSeqStride : qBase+r*qSeqStride+headDim])
		}
		return true
	}

	_, isEff := smeCurrentCluster()
	maxSpins := 4096
	if isEff {
		maxSpins = 256
	}
	clusterIdx, gotSME, _ := simdarch.AcquireSMEWithSpin(SMEWorkersPerCluster, SMEWorkersPerCluster, maxSpins)
	if !gotSME {
		return false
	}

	// Phase 1 (SME): Lazily transpose newly needed K strips into packedK, transpose Q[activeRows, headDim]
	// into packedQ, and compute S[activeRows, blockKVLen] = Q @ K^T.
	neededKRows := min(kvLenUnmaskedBase, ((blockKVLen+31)/32)*32)
	if neededKRows > *packedKUpTo {
		startK := (*packedKUpTo / 32) * 32
		smePackLHS32Float32Asm(
			unsafe.Pointer(&k[kvOff+startK*kvSeqStride]),
			unsafe.Pointer(&packedK[startK*headDim]),
			uintptr(kvSeqStride*4),
			neededKRows-startK,
			headDim,
		)
		*packedKUpTo = neededKRows
	}

	smePackLHS32Float32Asm(
		unsafe.Pointer(&q[qBase]),
		unsafe.Pointer(&packedQ[0]),
		uintptr(qSeqStride*4),
		activeRows,
		headDim,
	)
	smeLargeKernelFloat32Asm_32x32(
		packedQ,
		packedK,
		scoresScratch,
		32,
		kvLen,
		headDim,
		activeRows,
		blockKVLen,
		false,
	)
	simdarch.ReleaseSME(clusterIdx)

	// Phase 2 (Core NEON): Fused Scale + Bias/Mask + Softmax on each of the activeRows score rows.
	anyActiveRow := false
	for r := range activeRows {
		rowKVLen := blockKVLen
		if causal && qIdx+r+1 < rowKVLen {
			rowKVLen = qIdx + r + 1
		}
		var boolMaskRow []bool
		if len(booleanMask) > 0 && rowKVLen > 0 {
			mStart := maskIdxBase + r*maskSeqStride
			boolMaskRow = booleanMask[mStart : mStart+rowKVLen]
			for rowKVLen > 0 && !boolMaskRow[rowKVLen-1] {
				rowKVLen--
			}
			boolMaskRow = boolMaskRow[:rowKVLen]
		}
		if rowKVLen < blockKVLen {
			clear(scoresScratch[r*kvLen+rowKVLen : r*kvLen+blockKVLen])
		}
		if rowKVLen <= 0 {
			clear(scoresScratch[r*kvLen : r*kvLen+blockKVLen])
			continue
		}
		rowScores := scoresScratch[r*kvLen : r*kvLen+rowKVLen]
		var maskRow, biasRow []float32
		if len(additiveMask) > 0 {
			mStart := maskIdxBase + r*maskSeqStride
			maskRow = additiveMask[mStart : mStart+rowKVLen]
		}
		if len(additiveBias) > 0 {
			bStart := biasIdxBase + r*biasSeqStride
			biasRow = additiveBias[bStart : bStart+rowKVLen]
		}
		if sdpaScaleMaskSoftmaxRowNEON(rowScores, maskRow, boolMaskRow, biasRow, rowKVLen, scale) {
			anyActiveRow = true
		}
	}
	if !anyActiveRow {
		for r := range activeRows {
			clear(output[qBase+r*qSeqStride : qBase+r*qSeqStride+headDim])
		}
		return true
	}

	// Phase 3 (SME): Transpose Probs[activeRows, blockKVLen] in-SME and compute
	// Output[activeRows, headDim] = Probs @ V[blockKVLen, headDim] directly from V without packing V.
	clusterIdx, gotSME, _ = simdarch.AcquireSMEWithSpin(SMEWorkersPerCluster, SMEWorkersPerCluster, maxSpins)
	if gotSME {
		smeDirectStridedFloat32Asm_32x32(
			unsafe.Pointer(&scoresScratch[0]),
			unsafe.Pointer(&v[kvOff]),
			unsafe.Pointer(&output[qBase]),
			unsafe.Pointer(&packedS[0]),
			activeRows,
			headDim,
			blockKVLen,
			uintptr(kvLen*4),
			uintptr(kvSeqStride*4),
			uintptr(qSeqStride*4),
		)
		simdarch.ReleaseSME(clusterIdx)
		return true
	}

	sdpaValueAccumBlockNEON(v, output, qBase, kvOff, qSeqStride, kvSeqStride, scoresScratch, activeRows, kvLen, blockKVLen, headDim)
	return true
}

func sdpaValueAccumBlockNEON(
	v, output []float32,
	qBase, kvOff, qSeqStride, kvSeqStride int,
	scoresScratch []float32,
	activeRows, kvLen, blockKVLen, headDim int,
) {
	vStrideBytes := kvSeqStride * 4
	r := 0
	for ; r+4 <= activeRows; r += 4 {
		sRow0 := unsafe.Pointer(&scoresScratch[(r+0)*kvLen])
		sRow1 := unsafe.Pointer(&scoresScratch[(r+1)*kvLen])
		sRow2 := unsafe.Pointer(&scoresScratch[(r+2)*kvLen])
		sRow3 := unsafe.Pointer(&scoresScratch[(r+3)*kvLen])
		rBase := qBase + r*qSeqStride
		d := 0
		for ; d+15 < headDim; d += 16 {
			rhsCol := unsafe.Pointer(&v[kvOff+d])
			outRow0 := unsafe.Pointer(&output[rBase+0*qSeqStride+d])
			outRow1 := unsafe.Pointer(&output[rBase+1*qSeqStride+d])
			outRow2 := unsafe.Pointer(&output[rBase+2*qSeqStride+d])
			outRow3 := unsafe.Pointer(&output[rBase+3*qSeqStride+d])
			neonSmallNonTransposedTile4x16Float32Asm(
				sRow0, sRow1, sRow2, sRow3,
				rhsCol,
				blockKVLen,
				vStrideBytes,
				outRow0, outRow1, outRow2, outRow3,
			)
		}
		for ; d+3 < headDim; d += 4 {
			rhsCol := unsafe.Pointer(&v[kvOff+d])
			outRow0 := unsafe.Pointer(&output[rBase+0*qSeqStride+d])
			outRow1 := unsafe.Pointer(&output[rBase+1*qSeqStride+d])
			outRow2 := unsafe.Pointer(&output[rBase+2*qSeqStride+d])
			outRow3 := unsafe.Pointer(&output[rBase+3*qSeqStride+d])
			neonSmallNonTransposedTile4x4Float32Asm(
				sRow0, sRow1, sRow2, sRow3,
				rhsCol,
				blockKVLen,
				vStrideBytes,
				outRow0, outRow1, outRow2, outRow3,
			)
		}
		for ; d < headDim; d++ {
			var acc0, acc1, acc2, acc3 float32
			for kIdx := range blockKVLen {
				vVal := v[kvOff+kIdx*kvSeqStride+d]
				acc0 += scoresScratch[(r+0)*kvLen+kIdx] * vVal
				acc1 += scoresScratch[(r+1)*kvLen+kIdx] * vVal
				acc2 += scoresScratch[(r+2)*kvLen+kIdx] * vVal
				acc3 += scoresScratch[(r+3)*kvLen+kIdx] * vVal
			}
			output[rBase+0*qSeqStride+d] = acc0
			output[rBase+1*qSeqStride+d] = acc1
			output[rBase+2*qSeqStride+d] = acc2
			output[rBase+3*qSeqStride+d] = acc3
		}
	}
	for ; r < activeRows; r += 4 {
		rem := activeRows - r
		if rem < 4 {
			var dummyOut [16]float32
			sRow0 := unsafe.Pointer(&scoresScratch[(r+0)*kvLen])
			sRow1 := sRow0
			sRow2 := sRow0
			sRow3 := sRow0
			if rem >= 2 {
				sRow1 = unsafe.Pointer(&scoresScratch[(r+1)*kvLen])
			}
			if rem >= 3 {
				sRow2 = unsafe.Pointer(&scoresScratch[(r+2)*kvLen])
			}
			rBase := qBase + r*qSeqStride
			d := 0
			for ; d+15 < headDim; d += 16 {
				rhsCol := unsafe.Pointer(&v[kvOff+d])
				outRow0 := unsafe.Pointer(&output[rBase+0*qSeqStride+d])
				outRow1 := unsafe.Pointer(&dummyOut[0])
				outRow2 := unsafe.Pointer(&dummyOut[0])
				outRow3 := unsafe.Pointer(&dummyOut[0])
				if rem >= 2 {
					outRow1 = unsafe.Pointer(&output[rBase+1*qSeqStride+d])
				}
				if rem >= 3 {
					outRow2 = unsafe.Pointer(&output[rBase+2*qSeqStride+d])
				}
				neonSmallNonTransposedTile4x16Float32Asm(
					sRow0, sRow1, sRow2, sRow3,
					rhsCol,
					blockKVLen,
					vStrideBytes,
					outRow0, outRow1, outRow2, outRow3,
				)
			}
			for ; d+3 < headDim; d += 4 {
				rhsCol := unsafe.Pointer(&v[kvOff+d])
				outRow0 := unsafe.Pointer(&output[rBase+0*qSeqStride+d])
				outRow1 := unsafe.Pointer(&dummyOut[0])
				outRow2 := unsafe.Pointer(&dummyOut[0])
				outRow3 := unsafe.Pointer(&dummyOut[0])
				if rem >= 2 {
					outRow1 = unsafe.Pointer(&output[rBase+1*qSeqStride+d])
				}
				if rem >= 3 {
					outRow2 = unsafe.Pointer(&output[rBase+2*qSeqStride+d])
				}
				neonSmallNonTransposedTile4x4Float32Asm(
					sRow0, sRow1, sRow2, sRow3,
					rhsCol,
					blockKVLen,
					vStrideBytes,
					outRow0, outRow1, outRow2, outRow3,
				)
			}
			for ; d < headDim; d++ {
				for rr := range rem {
					var acc float32
					for kIdx := range blockKVLen {
						acc += scoresScratch[(r+rr)*kvLen+kIdx] * v[kvOff+kIdx*kvSeqStride+d]
					}
					output[rBase+rr*qSeqStride+d] = acc
				}
			}
			break
		}
	}
}

// sdpaNEONBlockFloat32 computes activeRows (1..4) query rows of SDPA using handwritten ARM64 NEON
// assembly microkernels (neonSmallTransposedTile4x4Float32Asm for Q @ K^T and
// neonSmallNonTransposedTile4x16Float32Asm for Probs @ V) with zero packing.
func sdpaNEONBlockFloat32(
	q, k, v, output []float32,
	qIdx, activeRows int,
	qBase, kvOff, qSeqStride, kvSeqStride int,
	additiveMask []float32, booleanMask []bool, maskIdxBase, maskSeqStride int,
	additiveBias []float32, biasIdxBase, biasSeqStride int,
	scoresScratch []float32,
	kvLen, kvLenUnmaskedBase, headDim int,
	scale float32, causal bool,
) {
	blockKVLen := sdpaActiveKVLenForBlock(qIdx, activeRows, kvLenUnmaskedBase, causal, booleanMask, maskIdxBase, maskSeqStride)
	if blockKVLen <= 0 {
		for r := range activeRows {
			clear(output[qBase+r*qSeqStride : qBase+r*qSeqStride+headDim])
		}
		return
	}

	qRow0 := unsafe.Pointer(&q[qBase+0*qSeqStride])
	qRow1 := qRow0
	qRow2 := qRow0
	qRow3 := qRow0
	if activeRows >= 2 {
		qRow1 = unsafe.Pointer(&q[qBase+1*qSeqStride])
	}
	if activeRows >= 3 {
		qRow2 = unsafe.Pointer(&q[qBase+2*qSeqStride])
	}
	if activeRows >= 4 {
		qRow3 = unsafe.Pointer(&q[qBase+3*qSeqStride])
	}
	scoresStrideBytes := kvLen * 4

	// 1. Q[activeRows, headDim] @ K[blockKVLen, headDim]^T -> scoresScratch[activeRows, kvLen]:
	ki := 0
	for ; ki+3 < blockKVLen; ki += 4 {
		kCol0 := unsafe.Pointer(&k[kvOff+(ki+0)*kvSeqStride])
		kCol1 := unsafe.Pointer(&k[kvOff+(ki+1)*kvSeqStride])
		kCol2 := unsafe.Pointer(&k[kvOff+(ki+2)*kvSeqStride])
		kCol3 := unsafe.Pointer(&k[kvOff+(ki+3)*kvSeqStride])
		outPtr := unsafe.Pointer(&scoresScratch[ki])
		neonSmallTransposedTile4x4Float32Asm(
			qRow0, qRow1, qRow2, qRow3,
			kCol0, kCol1, kCol2, kCol3,
			headDim,
			outPtr,
			scoresStrideBytes,
		)
	}
	for ; ki < blockKVLen; ki++ {
		kCol0 := unsafe.Pointer(&k[kvOff+ki*kvSeqStride])
		outPtr := unsafe.Pointer(&scoresScratch[ki])
		neonSmallTransposedTile4x1Float32Asm(
			qRow0, qRow1, qRow2, qRow3,
			kCol0,
			headDim,
			outPtr,
			scoresStrideBytes,
		)
	}

	// 2. Scale + Bias/Mask + Softmax on each of the activeRows score rows:
	anyActiveRow := false
	for r := range activeRows {
		rowKVLen := blockKVLen
		if causal && qIdx+r+1 < rowKVLen {
			rowKVLen = qIdx + r + 1
		}
		var boolMaskRow []bool
		if len(booleanMask) > 0 && rowKVLen > 0 {
			mStart := maskIdxBase + r*maskSeqStride
			boolMaskRow = booleanMask[mStart : mStart+rowKVLen]
			for rowKVLen > 0 && !boolMaskRow[rowKVLen-1] {
				rowKVLen--
			}
			boolMaskRow = boolMaskRow[:rowKVLen]
		}
		if rowKVLen < blockKVLen {
			clear(scoresScratch[r*kvLen+rowKVLen : r*kvLen+blockKVLen])
		}
		if rowKVLen <= 0 {
			clear(scoresScratch[r*kvLen : r*kvLen+blockKVLen])
			continue
		}
		rowScores := scoresScratch[r*kvLen : r*kvLen+rowKVLen]
		var maskRow, biasRow []float32
		if len(additiveMask) > 0 {
			mStart := maskIdxBase + r*maskSeqStride
			maskRow = additiveMask[mStart : mStart+rowKVLen]
		}
		if len(additiveBias) > 0 {
			bStart := biasIdxBase + r*biasSeqStride
			biasRow = additiveBias[bStart : bStart+rowKVLen]
		}
		if sdpaScaleMaskSoftmaxRowNEON(rowScores, maskRow, boolMaskRow, biasRow, rowKVLen, scale) {
			anyActiveRow = true
		}
	}
	if !anyActiveRow {
		for r := range activeRows {
			clear(output[qBase+r*qSeqStride : qBase+r*qSeqStride+headDim])
		}
		return
	}

	// 3. Probs[activeRows, blockKVLen] @ V[blockKVLen, headDim] -> output[activeRows, headDim]:
	sdpaValueAccumBlockNEON(v, output, qBase, kvOff, qSeqStride, kvSeqStride, scoresScratch, activeRows, kvLen, blockKVLen, headDim)
}

// sdpaScaleMaskSoftmaxRowNEON applies s = s * scale + bias + mask (including booleanMask)
// and computes in-place Softmax. Returns false if all keys in the row are masked out.
func sdpaScaleMaskSoftmaxRowNEON(scores, maskRow []float32, boolMaskRow []bool, biasRow []float32, kvLenUnmasked int, scale float32) bool {
	vScale := archsimd.BroadcastFloat32x4(scale)
	hasBias := len(biasRow) > 0
	hasMask := len(maskRow) > 0
	hasBoolMask := len(boolMaskRow) > 0
	negInf := float32(math.Inf(-1))
	rowMax := negInf

	k := 0
	if !hasBoolMask {
		if kvLenUnmasked >= 4 {
			vMax := archsimd.BroadcastFloat32x4(negInf)
			for ; k+4 <= kvLenUnmasked; k += 4 {
				vS := archsimd.LoadFloat32x4(scores[k : k+4]).Mul(vScale)
				if hasBias {
					vS = vS.Add(archsimd.LoadFloat32x4(biasRow[k : k+4]))
				}
				if hasMask {
					vS = vS.Add(archsimd.LoadFloat32x4(maskRow[k : k+4]))
				}
				vS.Store(scores[k : k+4])
				vMax = vMax.Max(vS)
			}
			rowMax = vMax.ReduceMax()
		}
		for ; k < kvLenUnmasked; k++ {
			s := scores[k] * scale
			if hasBias {
				s += biasRow[k]
			}
			if hasMask {
				s += maskRow[k]
			}
			scores[k] = s
			if s > rowMax {
				rowMax = s
			}
		}
	} else {
		if kvLenUnmasked >= 4 {
			vMax := archsimd.BroadcastFloat32x4(negInf)
			vNegInf := archsimd.BroadcastFloat32x4(negInf)
			for ; k+4 <= kvLenUnmasked; k += 4 {
				m4 := *(*uint32)(unsafe.Pointer(&boolMaskRow[k]))
				if m4 == 0x01010101 {
					vS := archsimd.LoadFloat32x4(scores[k : k+4]).Mul(vScale)
					if hasBias {
						vS = vS.Add(archsimd.LoadFloat32x4(biasRow[k : k+4]))
					}
					if hasMask {
						vS = vS.Add(archsimd.LoadFloat32x4(maskRow[k : k+4]))
					}
					vS.Store(scores[k : k+4])
					vMax = vMax.Max(vS)
				} else if m4 == 0 {
					vNegInf.Store(scores[k : k+4])
				} else {
					for i := range 4 {
						idx := k + i
						if !boolMaskRow[idx] {
							scores[idx] = negInf
							continue
						}
						s := scores[idx] * scale
						if hasBias {
							s += biasRow[idx]
						}
						if hasMask {
							s += maskRow[idx]
						}
						scores[idx] = s
						if s > rowMax {
							rowMax = s
						}
					}
				}
			}
			if vmaxScalar := vMax.ReduceMax(); vmaxScalar > rowMax {
				rowMax = vmaxScalar
			}
		}
		for ; k < kvLenUnmasked; k++ {
			if !boolMaskRow[k] {
				scores[k] = negInf
				continue
			}
			s := scores[k] * scale
			if hasBias {
				s += biasRow[k]
			}
			if hasMask {
				s += maskRow[k]
			}
			scores[k] = s
			if s > rowMax {
				rowMax = s
			}
		}
	}

	if rowMax == negInf {
		clear(scores[:kvLenUnmasked])
		return false
	}
	sdpaSoftmaxRowNEON(scores, kvLenUnmasked, rowMax)
	return true
}

func sdpaSoftmaxRowNEON(scores []float32, kvLenUnmasked int, rowMax float32) {
	const (
		maxLogF = 88.02969187150841
		minLogF = -88.02969187150841
		log2E   = 1.44269504088896341
		magicF  = 12582912.0
		ln2Hi   = 0.693359375
		ln2Lo   = -2.12194440e-4

		p7 = 1.9875691500e-4
		p6 = 1.3981999507e-3
		p5 = 8.3334519073e-3
		p4 = 4.1665795894e-2
		p3 = 1.6666665459e-1
		p2 = 5.0000001201e-1
	)

	vMaxLog := archsimd.BroadcastFloat32x4(maxLogF)
	vMinLog := archsimd.BroadcastFloat32x4(minLogF)
	vLog2E := archsimd.BroadcastFloat32x4(log2E)
	vMagic := archsimd.BroadcastFloat32x4(magicF)
	vLn2Hi := archsimd.BroadcastFloat32x4(ln2Hi)
	vLn2Lo := archsimd.BroadcastFloat32x4(ln2Lo)

	vP7 := archsimd.BroadcastFloat32x4(p7)
	vP6 := archsimd.BroadcastFloat32x4(p6)
	vP5 := archsimd.BroadcastFloat32x4(p5)
	vP4 := archsimd.BroadcastFloat32x4(p4)
	vP3 := archsimd.BroadcastFloat32x4(p3)
	vP2 := archsimd.BroadcastFloat32x4(p2)
	vOne := archsimd.BroadcastFloat32x4(1.0)
	vShift23 := archsimd.BroadcastUint32x4(1 << 23)
	vBias127 := archsimd.BroadcastUint32x4(127 << 23)

	vRowMax := archsimd.BroadcastFloat32x4(rowMax)
	vSum0 := archsimd.BroadcastFloat32x4(0)
	vSum1 := archsimd.BroadcastFloat32x4(0)

	k := 0
	for ; k+8 <= kvLenUnmasked; k += 8 {
		x0 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Pointer(&scores[k]))).Sub(vRowMax)
		x1 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Pointer(&scores[k+4]))).Sub(vRowMax)
		x0 = x0.Max(vMinLog).Min(vMaxLog)
		x1 = x1.Max(vMinLog).Min(vMaxLog)

		zRound0 := x0.MulAdd(vLog2E, vMagic)
		zRound1 := x1.MulAdd(vLog2E, vMagic)
		z0 := zRound0.Sub(vMagic)
		z1 := zRound1.Sub(vMagic)
		g0 := x0.Sub(z0.Mul(vLn2Hi)).Sub(z0.Mul(vLn2Lo))
		g1 := x1.Sub(z1.Mul(vLn2Hi)).Sub(z1.Mul(vLn2Lo))

		g2_0 := g0.Mul(g0)
		g2_1 := g1.Mul(g1)
		g4_0 := g2_0.Mul(g2_0)
		g4_1 := g2_1.Mul(g2_1)
		q67_0 := g0.MulAdd(vP7, vP6)
		q67_1 := g1.MulAdd(vP7, vP6)
		q45_0 := g0.MulAdd(vP5, vP4)
		q45_1 := g1.MulAdd(vP5, vP4)
		q23_0 := g0.MulAdd(vP3, vP2)
		q23_1 := g1.MulAdd(vP3, vP2)
		q01_0 := g0.Add(vOne)
		q01_1 := g1.Add(vOne)
		polyHi0 := g2_0.MulAdd(q67_0, q45_0)
		polyHi1 := g2_1.MulAdd(q67_1, q45_1)
		polyLo0 := g2_0.MulAdd(q23_0, q01_0)
		polyLo1 := g2_1.MulAdd(q23_1, q01_1)
		poly0 := g4_0.MulAdd(polyHi0, polyLo0)
		poly1 := g4_1.MulAdd(polyHi1, polyLo1)

		scale0 := zRound0.ToBits().Mul(vShift23).Add(vBias127).BitsToFloat32()
		scale1 := zRound1.ToBits().Mul(vShift23).Add(vBias127).BitsToFloat32()
		expV0 := poly0.Mul(scale0)
		expV1 := poly1.Mul(scale1)
		expV0.StoreArray((*[4]float32)(unsafe.Pointer(&scores[k])))
		expV1.StoreArray((*[4]float32)(unsafe.Pointer(&scores[k+4])))
		vSum0 = vSum0.Add(expV0)
		vSum1 = vSum1.Add(expV1)
	}
	vSum := vSum0.Add(vSum1)
	for ; k+4 <= kvLenUnmasked; k += 4 {
		x := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Pointer(&scores[k]))).Sub(vRowMax)
		x = x.Max(vMinLog).Min(vMaxLog)

		zRound := x.MulAdd(vLog2E, vMagic)
		z := zRound.Sub(vMagic)
		g := x.Sub(z.Mul(vLn2Hi)).Sub(z.Mul(vLn2Lo))

		g2 := g.Mul(g)
		g4 := g2.Mul(g2)
		q67 := g.MulAdd(vP7, vP6)
		q45 := g.MulAdd(vP5, vP4)
		q23 := g.MulAdd(vP3, vP2)
		q01 := g.Add(vOne)
		polyHi := g2.MulAdd(q67, q45)
		polyLo := g2.MulAdd(q23, q01)
		poly := g4.MulAdd(polyHi, polyLo)

		scale := zRound.ToBits().Mul(vShift23).Add(vBias127).BitsToFloat32()
		expV := poly.Mul(scale)
		expV.StoreArray((*[4]float32)(unsafe.Pointer(&scores[k])))
		vSum = vSum.Add(expV)
	}

	var sum float32
	if k > 0 {
		sum = neonReduceSumFloat32x4(vSum)
	}
	for ; k < kvLenUnmasked; k++ {
		s := scores[k]
		if s == float32(math.Inf(-1)) {
			scores[k] = 0
			continue
		}
		x := s - rowMax
		if x < minLogF {
			scores[k] = 0
			continue
		}
		if x > maxLogF {
			x = maxLogF
		}
		zRound := x*log2E + magicF
		z := zRound - magicF
		g := x - z*ln2Hi - z*ln2Lo
		g2 := g * g
		g4 := g2 * g2
		poly := g4*(g2*(p7*g+p6)+(p5*g+p4)) + (g2*(p3*g+p2) + (g + 1.0))
		e := poly * math.Float32frombits((math.Float32bits(zRound)<<23)+(127<<23))
		scores[k] = e
		sum += e
	}

	var invSum float32
	if sum > 0 {
		invSum = 1.0 / sum
	}
	vInvSum := archsimd.BroadcastFloat32x4(invSum)
	k = 0
	for ; k+16 <= kvLenUnmasked; k += 16 {
		s0 := archsimd.LoadFloat32x4(scores[k : k+4]).Mul(vInvSum)
		s1 := archsimd.LoadFloat32x4(scores[k+4 : k+8]).Mul(vInvSum)
		s2 := archsimd.LoadFloat32x4(scores[k+8 : k+12]).Mul(vInvSum)
		s3 := archsimd.LoadFloat32x4(scores[k+12 : k+16]).Mul(vInvSum)
		s0.Store(scores[k : k+4])
		s1.Store(scores[k+4 : k+8])
		s2.Store(scores[k+8 : k+12])
		s3.Store(scores[k+12 : k+16])
	}
	for ; k+4 <= kvLenUnmasked; k += 4 {
		archsimd.LoadFloat32x4(scores[k : k+4]).Mul(vInvSum).Store(scores[k : k+4])
	}
	for ; k < kvLenUnmasked; k++ {
		scores[k] *= invSum
	}
}

func sdpaDotNEONDim32Pair(
	q, k []float32,
	qBase0, qBase1, kvOff, kvSeqStride int,
	additiveMask, additiveBias []float32,
	maskIdxBase0, maskIdxBase1, biasIdxBase0, biasIdxBase1 int,
	scores0, scores1 []float32,
	kvLenUnmasked int,
	scale float32,
) (rowMax0, rowMax1 float32) {
	qA0 := archsimd.LoadFloat32x4(q[qBase0 : qBase0+4])
	qA1 := archsimd.LoadFloat32x4(q[qBase0+4 : qBase0+8])
	qA2 := archsimd.LoadFloat32x4(q[qBase0+8 : qBase0+12])
	qA3 := archsimd.LoadFloat32x4(q[qBase0+12 : qBase0+16])
	qA4 := archsimd.LoadFloat32x4(q[qBase0+16 : qBase0+20])
	qA5 := archsimd.LoadFloat32x4(q[qBase0+20 : qBase0+24])
	qA6 := archsimd.LoadFloat32x4(q[qBase0+24 : qBase0+28])
	qA7 := archsimd.LoadFloat32x4(q[qBase0+28 : qBase0+32])

	qB0 := archsimd.LoadFloat32x4(q[qBase1 : qBase1+4])
	qB1 := archsimd.LoadFloat32x4(q[qBase1+4 : qBase1+8])
	qB2 := archsimd.LoadFloat32x4(q[qBase1+8 : qBase1+12])
	qB3 := archsimd.LoadFloat32x4(q[qBase1+12 : qBase1+16])
	qB4 := archsimd.LoadFloat32x4(q[qBase1+16 : qBase1+20])
	qB5 := archsimd.LoadFloat32x4(q[qBase1+20 : qBase1+24])
	qB6 := archsimd.LoadFloat32x4(q[qBase1+24 : qBase1+28])
	qB7 := archsimd.LoadFloat32x4(q[qBase1+28 : qBase1+32])

	rowMax0 = float32(math.Inf(-1))
	rowMax1 = float32(math.Inf(-1))

	for ki := range kvLenUnmasked {
		kBase := kvOff + ki*kvSeqStride
		k0 := archsimd.LoadFloat32x4(k[kBase : kBase+4])
		k1 := archsimd.LoadFloat32x4(k[kBase+4 : kBase+8])
		k2 := archsimd.LoadFloat32x4(k[kBase+8 : kBase+12])
		k3 := archsimd.LoadFloat32x4(k[kBase+12 : kBase+16])
		k4 := archsimd.LoadFloat32x4(k[kBase+16 : kBase+20])
		k5 := archsimd.LoadFloat32x4(k[kBase+20 : kBase+24])
		k6 := archsimd.LoadFloat32x4(k[kBase+24 : kBase+28])
		k7 := archsimd.LoadFloat32x4(k[kBase+28 : kBase+32])

		sA0 := qA4.MulAdd(k4, qA0.Mul(k0))
		sA1 := qA5.MulAdd(k5, qA1.Mul(k1))
		sA2 := qA6.MulAdd(k6, qA2.Mul(k2))
		sA3 := qA7.MulAdd(k7, qA3.Mul(k3))
		sumA := sA0.Add(sA1).Add(sA2.Add(sA3))

		sB0 := qB4.MulAdd(k4, qB0.Mul(k0))
		sB1 := qB5.MulAdd(k5, qB1.Mul(k1))
		sB2 := qB6.MulAdd(k6, qB2.Mul(k2))
		sB3 := qB7.MulAdd(k7, qB3.Mul(k3))
		sumB := sB0.Add(sB1).Add(sB2.Add(sB3))

		pairAB := sumA.ConcatAddPairs(sumB)
		pairAB = pairAB.ConcatAddPairs(pairAB)
		dot0 := pairAB.GetElem(0)
		dot1 := pairAB.GetElem(1)

		s0 := dot0 * scale
		s1 := dot1 * scale
		if len(additiveBias) > 0 {
			s0 += additiveBias[biasIdxBase0+ki]
			s1 += additiveBias[biasIdxBase1+ki]
		}
		if len(additiveMask) > 0 {
			s0 += additiveMask[maskIdxBase0+ki]
			s1 += additiveMask[maskIdxBase1+ki]
		}
		scores0[ki] = s0
		scores1[ki] = s1
		if s0 > rowMax0 {
			rowMax0 = s0
		}
		if s1 > rowMax1 {
			rowMax1 = s1
		}
	}
	return rowMax0, rowMax1
}

func sdpaValueAccumNEONDim32Pair(
	v, output []float32,
	outBase0, outBase1, kvOff, kvSeqStride int,
	scores0, scores1 []float32,
	kvLenUnmasked int,
) {
	oA0 := archsimd.BroadcastFloat32x4(0)
	oA1 := archsimd.BroadcastFloat32x4(0)
	oA2 := archsimd.BroadcastFloat32x4(0)
	oA3 := archsimd.BroadcastFloat32x4(0)
	oA4 := archsimd.BroadcastFloat32x4(0)
	oA5 := archsimd.BroadcastFloat32x4(0)
	oA6 := archsimd.BroadcastFloat32x4(0)
	oA7 := archsimd.BroadcastFloat32x4(0)

	oB0 := archsimd.BroadcastFloat32x4(0)
	oB1 := archsimd.BroadcastFloat32x4(0)
	oB2 := archsimd.BroadcastFloat32x4(0)
	oB3 := archsimd.BroadcastFloat32x4(0)
	oB4 := archsimd.BroadcastFloat32x4(0)
	oB5 := archsimd.BroadcastFloat32x4(0)
	oB6 := archsimd.BroadcastFloat32x4(0)
	oB7 := archsimd.BroadcastFloat32x4(0)

	for ki := range kvLenUnmasked {
		w0 := scores0[ki]
		w1 := scores1[ki]
		if w0 == 0 && w1 == 0 {
			continue
		}
		vW0 := archsimd.BroadcastFloat32x4(w0)
		vW1 := archsimd.BroadcastFloat32x4(w1)
		vBase := kvOff + ki*kvSeqStride
		v0 := archsimd.LoadFloat32x4(v[vBase : vBase+4])
		v1 := archsimd.LoadFloat32x4(v[vBase+4 : vBase+8])
		v2 := archsimd.LoadFloat32x4(v[vBase+8 : vBase+12])
		v3 := archsimd.LoadFloat32x4(v[vBase+12 : vBase+16])
		v4 := archsimd.LoadFloat32x4(v[vBase+16 : vBase+20])
		v5 := archsimd.LoadFloat32x4(v[vBase+20 : vBase+24])
		v6 := archsimd.LoadFloat32x4(v[vBase+24 : vBase+28])
		v7 := archsimd.LoadFloat32x4(v[vBase+28 : vBase+32])

		oA0 = vW0.MulAdd(v0, oA0)
		oA1 = vW0.MulAdd(v1, oA1)
		oA2 = vW0.MulAdd(v2, oA2)
		oA3 = vW0.MulAdd(v3, oA3)
		oA4 = vW0.MulAdd(v4, oA4)
		oA5 = vW0.MulAdd(v5, oA5)
		oA6 = vW0.MulAdd(v6, oA6)
		oA7 = vW0.MulAdd(v7, oA7)

		oB0 = vW1.MulAdd(v0, oB0)
		oB1 = vW1.MulAdd(v1, oB1)
		oB2 = vW1.MulAdd(v2, oB2)
		oB3 = vW1.MulAdd(v3, oB3)
		oB4 = vW1.MulAdd(v4, oB4)
		oB5 = vW1.MulAdd(v5, oB5)
		oB6 = vW1.MulAdd(v6, oB6)
		oB7 = vW1.MulAdd(v7, oB7)
	}

	oA0.Store(output[outBase0 : outBase0+4])
	oA1.Store(output[outBase0+4 : outBase0+8])
	oA2.Store(output[outBase0+8 : outBase0+12])
	oA3.Store(output[outBase0+12 : outBase0+16])
	oA4.Store(output[outBase0+16 : outBase0+20])
	oA5.Store(output[outBase0+20 : outBase0+24])
	oA6.Store(output[outBase0+24 : outBase0+28])
	oA7.Store(output[outBase0+28 : outBase0+32])

	oB0.Store(output[outBase1 : outBase1+4])
	oB1.Store(output[outBase1+4 : outBase1+8])
	oB2.Store(output[outBase1+8 : outBase1+12])
	oB3.Store(output[outBase1+12 : outBase1+16])
	oB4.Store(output[outBase1+16 : outBase1+20])
	oB5.Store(output[outBase1+20 : outBase1+24])
	oB6.Store(output[outBase1+24 : outBase1+28])
	oB7.Store(output[outBase1+28 : outBase1+32])
}

func sdpaDotNEONDim32Single(
	q, k []float32,
	qBase, kvOff, kvSeqStride int,
	additiveMask []float32,
	booleanMask []bool,
	maskIdxBase int,
	additiveBias []float32,
	biasIdxBase int,
	scores []float32,
	kvLenUnmasked int,
	scale float32,
) (rowMax float32, activeKVLen int) {
	q0 := archsimd.LoadFloat32x4(q[qBase : qBase+4])
	q1 := archsimd.LoadFloat32x4(q[qBase+4 : qBase+8])
	q2 := archsimd.LoadFloat32x4(q[qBase+8 : qBase+12])
	q3 := archsimd.LoadFloat32x4(q[qBase+12 : qBase+16])
	q4 := archsimd.LoadFloat32x4(q[qBase+16 : qBase+20])
	q5 := archsimd.LoadFloat32x4(q[qBase+20 : qBase+24])
	q6 := archsimd.LoadFloat32x4(q[qBase+24 : qBase+28])
	q7 := archsimd.LoadFloat32x4(q[qBase+28 : qBase+32])

	rowMax = float32(math.Inf(-1))
	activeKVLen = kvLenUnmasked
	if len(booleanMask) > 0 {
		activeKVLen = 0
	}

	for ki := range kvLenUnmasked {
		maskIdx := maskIdxBase + ki
		if len(booleanMask) > 0 {
			if !booleanMask[maskIdx] {
				scores[ki] = float32(math.Inf(-1))
				continue
			}
			activeKVLen = ki + 1
		}
		kBase := kvOff + ki*kvSeqStride
		k0 := archsimd.LoadFloat32x4(k[kBase : kBase+4])
		k1 := archsimd.LoadFloat32x4(k[kBase+4 : kBase+8])
		k2 := archsimd.LoadFloat32x4(k[kBase+8 : kBase+12])
		k3 := archsimd.LoadFloat32x4(k[kBase+12 : kBase+16])
		k4 := archsimd.LoadFloat32x4(k[kBase+16 : kBase+20])
		k5 := archsimd.LoadFloat32x4(k[kBase+20 : kBase+24])
		k6 := archsimd.LoadFloat32x4(k[kBase+24 : kBase+28])
		k7 := archsimd.LoadFloat32x4(k[kBase+28 : kBase+32])

		s0 := q4.MulAdd(k4, q0.Mul(k0))
		s1 := q5.MulAdd(k5, q1.Mul(k1))
		s2 := q6.MulAdd(k6, q2.Mul(k2))
		s3 := q7.MulAdd(k7, q3.Mul(k3))
		dot := neonReduceSumFloat32x4(s0.Add(s1).Add(s2.Add(s3)))

		s := dot * scale
		if len(additiveBias) > 0 {
			s += additiveBias[biasIdxBase+ki]
		}
		if len(additiveMask) > 0 {
			s += additiveMask[maskIdx]
		}
		scores[ki] = s
		if s > rowMax {
			rowMax = s
		}
	}
	return rowMax, activeKVLen
}

func sdpaValueAccumNEONDim32Single(
	v, output []float32,
	outBase, kvOff, kvSeqStride int,
	scores []float32,
	kvLenUnmasked int,
) {
	o0 := archsimd.BroadcastFloat32x4(0)
	o1 := archsimd.BroadcastFloat32x4(0)
	o2 := archsimd.BroadcastFloat32x4(0)
	o3 := archsimd.BroadcastFloat32x4(0)
	o4 := archsimd.BroadcastFloat32x4(0)
	o5 := archsimd.BroadcastFloat32x4(0)
	o6 := archsimd.BroadcastFloat32x4(0)
	o7 := archsimd.BroadcastFloat32x4(0)

	for ki := range kvLenUnmasked {
		w := scores[ki]
		if w == 0 {
			continue
		}
		vW := archsimd.BroadcastFloat32x4(w)
		vBase := kvOff + ki*kvSeqStride
		v0 := archsimd.LoadFloat32x4(v[vBase : vBase+4])
		v1 := archsimd.LoadFloat32x4(v[vBase+4 : vBase+8])
		v2 := archsimd.LoadFloat32x4(v[vBase+8 : vBase+12])
		v3 := archsimd.LoadFloat32x4(v[vBase+12 : vBase+16])
		v4 := archsimd.LoadFloat32x4(v[vBase+16 : vBase+20])
		v5 := archsimd.LoadFloat32x4(v[vBase+20 : vBase+24])
		v6 := archsimd.LoadFloat32x4(v[vBase+24 : vBase+28])
		v7 := archsimd.LoadFloat32x4(v[vBase+28 : vBase+32])

		o0 = vW.MulAdd(v0, o0)
		o1 = vW.MulAdd(v1, o1)
		o2 = vW.MulAdd(v2, o2)
		o3 = vW.MulAdd(v3, o3)
		o4 = vW.MulAdd(v4, o4)
		o5 = vW.MulAdd(v5, o5)
		o6 = vW.MulAdd(v6, o6)
		o7 = vW.MulAdd(v7, o7)
	}

	o0.Store(output[outBase : outBase+4])
	o1.Store(output[outBase+4 : outBase+8])
	o2.Store(output[outBase+8 : outBase+12])
	o3.Store(output[outBase+12 : outBase+16])
	o4.Store(output[outBase+16 : outBase+20])
	o5.Store(output[outBase+20 : outBase+24])
	o6.Store(output[outBase+24 : outBase+28])
	o7.Store(output[outBase+28 : outBase+32])
}

func sdpaSingleRowNEONGeneral(
	q, k, v, output []float32,
	qBase, outBase, kvOff, kvSeqStride int,
	additiveMask []float32,
	booleanMask []bool,
	maskIdxBase int,
	additiveBias []float32,
	biasIdxBase int,
	scoresScratch []float32,
	kvLenUnmasked, headDim int,
	scale float32,
) {
	vZero := archsimd.BroadcastFloat32x4(0)
	rowMax := float32(math.Inf(-1))
	activeKVLen := kvLenUnmasked
	if len(booleanMask) > 0 {
		activeKVLen = 0
	}

	for ki := range kvLenUnmasked {
		maskIdx := maskIdxBase + ki
		if len(booleanMask) > 0 {
			if !booleanMask[maskIdx] {
				scoresScratch[ki] = float32(math.Inf(-1))
				continue
			}
			activeKVLen = ki + 1
		}

		kBase := kvOff + ki*kvSeqStride
		d := 0
		s0 := vZero
		s1 := vZero
		s2 := vZero
		s3 := vZero
		for ; d+16 <= headDim; d += 16 {
			q0 := archsimd.LoadFloat32x4(q[qBase+d : qBase+d+4])
			q1 := archsimd.LoadFloat32x4(q[qBase+d+4 : qBase+d+8])
			q2 := archsimd.LoadFloat32x4(q[qBase+d+8 : qBase+d+12])
			q3 := archsimd.LoadFloat32x4(q[qBase+d+12 : qBase+d+16])
			k0 := archsimd.LoadFloat32x4(k[kBase+d : kBase+d+4])
			k1 := archsimd.LoadFloat32x4(k[kBase+d+4 : kBase+d+8])
			k2 := archsimd.LoadFloat32x4(k[kBase+d+8 : kBase+d+12])
			k3 := archsimd.LoadFloat32x4(k[kBase+d+12 : kBase+d+16])
			s0 = q0.MulAdd(k0, s0)
			s1 = q1.MulAdd(k1, s1)
			s2 = q2.MulAdd(k2, s2)
			s3 = q3.MulAdd(k3, s3)
		}
		sumVec := s0.Add(s1).Add(s2.Add(s3))
		for ; d+4 <= headDim; d += 4 {
			qV := archsimd.LoadFloat32x4(q[qBase+d : qBase+d+4])
			kV := archsimd.LoadFloat32x4(k[kBase+d : kBase+d+4])
			sumVec = qV.MulAdd(kV, sumVec)
		}
		var dot float32
		if d > 0 {
			dot = neonReduceSumFloat32x4(sumVec)
		}
		for ; d < headDim; d++ {
			dot += q[qBase+d] * k[kBase+d]
		}

		s := dot * scale
		if len(additiveBias) > 0 {
			s += additiveBias[biasIdxBase+ki]
		}
		if len(additiveMask) > 0 {
			s += additiveMask[maskIdx]
		}
		scoresScratch[ki] = s
		if s > rowMax {
			rowMax = s
		}
	}

	if activeKVLen <= 0 || rowMax == float32(math.Inf(-1)) {
		clear(output[outBase : outBase+headDim])
		return
	}

	sdpaSoftmaxRowNEON(scoresScratch, activeKVLen, rowMax)

	d := 0
	for ; d+32 <= headDim; d += 32 {
		o0 := vZero
		o1 := vZero
		o2 := vZero
		o3 := vZero
		o4 := vZero
		o5 := vZero
		o6 := vZero
		o7 := vZero
		for kIdx := range activeKVLen {
			w := scoresScratch[kIdx]
			if w == 0 {
				continue
			}
			vW := archsimd.BroadcastFloat32x4(w)
			vBase := kvOff + kIdx*kvSeqStride + d
			o0 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase:vBase+4]), o0)
			o1 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+4:vBase+8]), o1)
			o2 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+8:vBase+12]), o2)
			o3 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+12:vBase+16]), o3)
			o4 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+16:vBase+20]), o4)
			o5 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+20:vBase+24]), o5)
			o6 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+24:vBase+28]), o6)
			o7 = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase+28:vBase+32]), o7)
		}
		o0.Store(output[outBase+d : outBase+d+4])
		o1.Store(output[outBase+d+4 : outBase+d+8])
		o2.Store(output[outBase+d+8 : outBase+d+12])
		o3.Store(output[outBase+d+12 : outBase+d+16])
		o4.Store(output[outBase+d+16 : outBase+d+20])
		o5.Store(output[outBase+d+20 : outBase+d+24])
		o6.Store(output[outBase+d+24 : outBase+d+28])
		o7.Store(output[outBase+d+28 : outBase+d+32])
	}
	for ; d+4 <= headDim; d += 4 {
		outV := vZero
		for kIdx := range activeKVLen {
			w := scoresScratch[kIdx]
			if w == 0 {
				continue
			}
			vW := archsimd.BroadcastFloat32x4(w)
			vBase := kvOff + kIdx*kvSeqStride + d
			outV = vW.MulAdd(archsimd.LoadFloat32x4(v[vBase:vBase+4]), outV)
		}
		outV.Store(output[outBase+d : outBase+d+4])
	}
	for ; d < headDim; d++ {
		var acc float32
		for kIdx := range activeKVLen {
			w := scoresScratch[kIdx]
			if w != 0 {
				acc += w * v[kvOff+kIdx*kvSeqStride+d]
			}
		}
		output[outBase+d] = acc
	}
}
