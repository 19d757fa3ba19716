// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

//go:build arm64 && goexperiment.simd && go1.27

package neon

import (
	"unsafe"
	//alt:bf16 "github.com/gomlx/compute/dtypes/bfloat16"
	//alt:f16 "github.com/gomlx/compute/dtypes/float16"
)

// transposeRHSFloat32 transposes a matrix of shape [K, N] to [N, K].
func transposeRHSFloat32(src, dst []float32, K, N int) { //alt:f32
	//alt:bf16 func transposeRHSBFloat16(src, dst []bfloat16.BFloat16, K, N int) {
	//alt:f16 func transposeRHSFloat16(src, dst []float16.Float16, K, N int) {
	//alt:f64 func transposeRHSFloat64(src, dst []float64, K, N int) {
	switch N {
	case 1:
		copy(dst, src[:K])
	case 2:
		for k := range K {
			dst[0*K+k] = src[k*2+0]
			dst[1*K+k] = src[k*2+1]
		}
	case 3:
		for k := range K {
			dst[0*K+k] = src[k*3+0]
			dst[1*K+k] = src[k*3+1]
			dst[2*K+k] = src[k*3+2]
		}
	case 4:
		for k := range K {
			dst[0*K+k] = src[k*4+0]
			dst[1*K+k] = src[k*4+1]
			dst[2*K+k] = src[k*4+2]
			dst[3*K+k] = src[k*4+3]
		}
	default:
		for k := range K {
			for n := range N {
				dst[n*K+k] = src[k*N+n]
			}
		}
	}
}

// neonSmallFloat32NonTransposedAsm implements NonTransposed small matmul (C = A * B) using ARM64 NEON assembly.
// - For N == 1 (GEMV), zero-copy routes to Transposed.
// - For N < vecWidth, transposes RHS into a small stack buffer and routes to Transposed Asm kernel.
// - For N >= vecWidth, executes column-vectorized NEON microkernels accumulating across K in registers.
func neonSmallFloat32NonTransposedAsm( //alt:f32
	//alt:bf16 func neonSmallBFloat16NonTransposedAsm(
	//alt:f16 func neonSmallFloat16NonTransposedAsm(
	//alt:f64 func neonSmallFloat64NonTransposedAsm(
	lhs, rhs []float32, //alt:f32
	//alt:bf16 lhs, rhs []bfloat16.BFloat16,
	//alt:f16 lhs, rhs []float16.Float16,
	//alt:f64 lhs, rhs []float64,
	batchStart, batchCount, lhsCrossSize, rhsCrossSize, contractingSize int,
	output []float32) { //alt:f32|bf16|f16
	//alt:f64 output []float64) {

	if batchCount == 0 || lhsCrossSize == 0 || rhsCrossSize == 0 || contractingSize == 0 {
		return
	}

	// 1. If N == 1 (matrix-vector), RHS in memory is [K, 1] which is identical to [1, K].
	if rhsCrossSize == 1 {
		neonSmallFloat32TransposedAsm(lhs, rhs, batchStart, batchCount, lhsCrossSize, 1, contractingSize, output) //alt:f32
		//alt:bf16 neonSmallBFloat16TransposedAsm(lhs, rhs, batchStart, batchCount, lhsCrossSize, 1, contractingSize, output)
		//alt:f16 neonSmallFloat16TransposedAsm(lhs, rhs, batchStart, batchCount, lhsCrossSize, 1, contractingSize, output)
		//alt:f64 neonSmallFloat64TransposedAsm(lhs, rhs, batchStart, batchCount, lhsCrossSize, 1, contractingSize, output)
		return
	}

	lhsStride := lhsCrossSize * contractingSize
	rhsStride := contractingSize * rhsCrossSize
	outputStride := lhsCrossSize * rhsCrossSize

	const elemSize = 4 //alt:f32
	//alt:bf16 const elemSize = 2
	//alt:f16 const elemSize = 2
	//alt:f64 const elemSize = 8

	const outputElemSize = 4 //alt:f32|bf16|f16
	//alt:f64 const outputElemSize = 8

	const vecWidth = 4 //alt:f32
	//alt:bf16 const vecWidth = 8
	//alt:f16 const vecWidth = 8
	//alt:f64 const vecWidth = 2

	// 2. If N < vecWidth (or N <= 4 with K >= 16), transposing RHS [K, N] -> [N, K]
	// allows full 16-accumulator Tile4x4 vectorization across K.
	if rhsCrossSize < vecWidth || (rhsCrossSize <= 4 && contractingSize >= 16 && contractingSize*rhsCrossSize <= 2048) {
		var stackRhsT [2048]float32 //alt:f32
		//alt:bf16 var stackRhsT [2048]bfloat16.BFloat16
		//alt:f16 var stackRhsT [2048]float16.Float16
		//alt:f64 var stackRhsT [2048]float64
		var rhsT []float32 //alt:f32
		//alt:bf16 var rhsT []bfloat16.BFloat16
		//alt:f16 var rhsT []float16.Float16
		//alt:f64 var rhsT []float64
		kn := contractingSize * rhsCrossSize
		if kn <= len(stackRhsT) {
			rhsT = stackRhsT[:kn]
		} else {
			rhsT = make([]float32, kn) //alt:f32
			//alt:bf16 rhsT = make([]bfloat16.BFloat16, kn)
			//alt:f16 rhsT = make([]float16.Float16, kn)
			//alt:f64 rhsT = make([]float64, kn)
		}

		for b := range batchCount {
			bIdx := batchStart + b
			rhsSlice := rhs[bIdx*rhsStride : (bIdx+1)*rhsStride]
			transposeRHSFloat32(rhsSlice, rhsT, contractingSize, rhsCrossSize) //alt:f32
			//alt:bf16 transposeRHSBFloat16(rhsSlice, rhsT, contractingSize, rhsCrossSize)
			//alt:f16 transposeRHSFloat16(rhsSlice, rhsT, contractingSize, rhsCrossSize)
			//alt:f64 transposeRHSFloat64(rhsSlice, rhsT, contractingSize, rhsCrossSize)

			lhsSlice := lhs[bIdx*lhsStride : (bIdx+1)*lhsStride]
			outSlice := output[bIdx*outputStride : (bIdx+1)*outputStride]
			neonSmallFloat32TransposedAsm(lhsSlice, rhsT, 0, 1, lhsCrossSize, rhsCrossSize, contractingSize, outSlice) //alt:f32
			//alt:bf16 neonSmallBFloat16TransposedAsm(lhsSlice, rhsT, 0, 1, lhsCrossSize, rhsCrossSize, contractingSize, outSlice)
			//alt:f16 neonSmallFloat16TransposedAsm(lhsSlice, rhsT, 0, 1, lhsCrossSize, rhsCrossSize, contractingSize, outSlice)
			//alt:f64 neonSmallFloat64TransposedAsm(lhsSlice, rhsT, 0, 1, lhsCrossSize, rhsCrossSize, contractingSize, outSlice)
		}
		return
	}

	// 3. For N >= vecWidth: Column-vectorized execution accumulating in registers across K.
	lhsPtr := unsafe.Pointer(unsafe.SliceData(lhs))
	rhsPtr := unsafe.Pointer(unsafe.SliceData(rhs))
	outputPtr := unsafe.Pointer(unsafe.SliceData(output))

	lhsByteStride := uintptr(lhsStride) * elemSize
	rhsByteStride := uintptr(rhsStride) * elemSize
	outputByteStride := uintptr(outputStride) * outputElemSize

	rowStrideBytes := rhsCrossSize * elemSize
	//alt:bf16 useBFDOT := NEONUseBFDOT

	var dummyOut [16]float32 //alt:f32|bf16|f16
	//alt:f64 var dummyOut [8]float64
	dummyPtr := unsafe.Pointer(&dummyOut[0])

	for b := range batchCount {
		bIdx := uintptr(batchStart + b)
		lhsBase := unsafe.Add(lhsPtr, bIdx*lhsByteStride)
		rhsBase := unsafe.Add(rhsPtr, bIdx*rhsByteStride)
		outputBase := unsafe.Add(outputPtr, bIdx*outputByteStride)

		row := 0
		for ; row < lhsCrossSize; row += 4 {
			remRows := lhsCrossSize - row
			r0Idx := row
			r1Idx := min(row+1, lhsCrossSize-1)
			r2Idx := min(row+2, lhsCrossSize-1)
			r3Idx := min(row+3, lhsCrossSize-1)

			lRow0 := unsafe.Add(lhsBase, uintptr(r0Idx*contractingSize)*elemSize)
			lRow1 := unsafe.Add(lhsBase, uintptr(r1Idx*contractingSize)*elemSize)
			lRow2 := unsafe.Add(lhsBase, uintptr(r2Idx*contractingSize)*elemSize)
			lRow3 := unsafe.Add(lhsBase, uintptr(r3Idx*contractingSize)*elemSize)

			col := 0
			// 4 rows x 16 cols tile //alt:f32|bf16|f16
			for ; col+15 < rhsCrossSize; col += 16 { //alt:f32|bf16|f16
				rhsCol := unsafe.Add(rhsBase, uintptr(col)*elemSize)                               //alt:f32|bf16|f16
				outRow0 := unsafe.Add(outputBase, uintptr((row+0)*rhsCrossSize+col)*outputElemSize) //alt:f32|bf16|f16
				outRow1 := dummyPtr                                                                 //alt:f32|bf16|f16
				outRow2 := dummyPtr                                                                 //alt:f32|bf16|f16
				outRow3 := dummyPtr                                                                 //alt:f32|bf16|f16
				if remRows > 1 {                                                                    //alt:f32|bf16|f16
					outRow1 = unsafe.Add(outputBase, uintptr((row+1)*rhsCrossSize+col)*outputElemSize) //alt:f32|bf16|f16
				} //alt:f32|bf16|f16
				if remRows > 2 { //alt:f32|bf16|f16
					outRow2 = unsafe.Add(outputBase, uintptr((row+2)*rhsCrossSize+col)*outputElemSize) //alt:f32|bf16|f16
				} //alt:f32|bf16|f16
				if remRows > 3 { //alt:f32|bf16|f16
					outRow3 = unsafe.Add(outputBase, uintptr((row+3)*rhsCrossSize+col)*outputElemSize) //alt:f32|bf16|f16
				} //alt:f32|bf16|f16

				neonSmallNonTransposedTile4x16Float32Asm( //alt:f32
					//alt:f16 neonSmallNonTransposedTile4x16Float16Asm(
					lRow0, lRow1, lRow2, lRow3, //alt:f32|f16
					rhsCol,          //alt:f32|f16
					contractingSize, //alt:f32|f16
					rowStrideBytes,  //alt:f32|f16
					outRow0, outRow1, outRow2, outRow3) //alt:f32|f16
				//alt:bf16 neonSmallNonTransposedTile4x16BFloat16Asm(
				//alt:bf16 	lRow0, lRow1, lRow2, lRow3,
				//alt:bf16 	rhsCol,
				//alt:bf16 	contractingSize,
				//alt:bf16 	rowStrideBytes,
				//alt:bf16 	outRow0, outRow1, outRow2, outRow3,
				//alt:bf16 	useBFDOT)
			} //alt:f32|bf16|f16

			// 4 rows x 4 cols tile //alt:f32
			for ; col+3 < rhsCrossSize; col += 4 { //alt:f32
				rhsCol := unsafe.Add(rhsBase, uintptr(col)*elemSize)                               //alt:f32
				outRow0 := unsafe.Add(outputBase, uintptr((row+0)*rhsCrossSize+col)*outputElemSize) //alt:f32
				outRow1 := dummyPtr                                                                 //alt:f32
				outRow2 := dummyPtr                                                                 //alt:f32
				outRow3 := dummyPtr                                                                 //alt:f32
				if remRows > 1 {                                                                    //alt:f32
					outRow1 = unsafe.Add(outputBase, uintptr((row+1)*rhsCrossSize+col)*outputElemSize) //alt:f32
				} //alt:f32
				if remRows > 2 { //alt:f32
					outRow2 = unsafe.Add(outputBase, uintptr((row+2)*rhsCrossSize+col)*outputElemSize) //alt:f32
				} //alt:f32
				if remRows > 3 { //alt:f32
					outRow3 = unsafe.Add(outputBase, uintptr((row+3)*rhsCrossSize+col)*outputElemSize) //alt:f32
				} //alt:f32

				neonSmallNonTransposedTile4x4Float32Asm( //alt:f32
					lRow0, lRow1, lRow2, lRow3, //alt:f32
					rhsCol,          //alt:f32
					contractingSize, //alt:f32
					rowStrideBytes,  //alt:f32
					outRow0, outRow1, outRow2, outRow3) //alt:f32
			} //alt:f32

			// 4 rows x 8 cols tile //alt:bf16|f16
			//alt:bf16 for ; col+7 < rhsCrossSize; col += 8 {
			//alt:bf16 	rhsCol := unsafe.Add(rhsBase, uintptr(col)*elemSize)
			//alt:bf16 	outRow0 := unsafe.Add(outputBase, uintptr((row+0)*rhsCrossSize+col)*outputElemSize)
			//alt:bf16 	outRow1 := dummyPtr
			//alt:bf16 	outRow2 := dummyPtr
			//alt:bf16 	outRow3 := dummyPtr
			//alt:bf16 	if remRows > 1 {
			//alt:bf16 		outRow1 = unsafe.Add(outputBase, uintptr((row+1)*rhsCrossSize+col)*outputElemSize)
			//alt:bf16 	}
			//alt:bf16 	if remRows > 2 {
			//alt:bf16 		outRow2 = unsafe.Add(outputBase, uintptr((row+2)*rhsCrossSize+col)*outputElemSize)
			//alt:bf16 	}
			//alt:bf16 	if remRows > 3 {
			//alt:bf16 		outRow3 = unsafe.Add(outputBase, uintptr((row+3)*rhsCrossSize+col)*outputElemSize)
			//alt:bf16 	}
			//alt:bf16 	neonSmallNonTransposedTile4x8BFloat16Asm(
			//alt:bf16 		lRow0, lRow1, lRow2, lRow3,
			//alt:bf16 		rhsCol,
			//alt:bf16 		contractingSize,
			//alt:bf16 		rowStrideBytes,
			//alt:bf16 		outRow0, outRow1, outRow2, outRow3,
			//alt:bf16 		useBFDOT)
			//alt:bf16 }

			//alt:f16 for ; col+7 < rhsCrossSize; col += 8 {
			//alt:f16 	rhsCol := unsafe.Add(rhsBase, uintptr(col)*elemSize)
			//alt:f16 	outRow0 := unsafe.Add(outputBase, uintptr((row+0)*rhsCrossSize+col)*outputElemSize)
			//alt:f16 	outRow1 := dummyPtr
			//alt:f16 	outRow2 := dummyPtr
			//alt:f16 	outRow3 := dummyPtr
			//alt:f16 	if remRows > 1 {
			//alt:f16 		outRow1 = unsafe.Add(outputBase, uintptr((row+1)*rhsCrossSize+col)*outputElemSize)
			//alt:f16 	}
			//alt:f16 	if remRows > 2 {
			//alt:f16 		outRow2 = unsafe.Add(outputBase, uintptr((row+2)*rhsCrossSize+col)*outputElemSize)
			//alt:f16 	}
			//alt:f16 	if remRows > 3 {
			//alt:f16 		outRow3 = unsafe.Add(outputBase, uintptr((row+3)*rhsCrossSize+col)*outputElemSize)
			//alt:f16 	}
			//alt:f16 	neonSmallNonTransposedTile4x8Float16Asm(
			//alt:f16 		lRow0, lRow1, lRow2, lRow3,
			//alt:f16 		rhsCol,
			//alt:f16 		contractingSize,
			//alt:f16 		rowStrideBytes,
			//alt:f16 		outRow0, outRow1, outRow2, outRow3)
			//alt:f16 }

			// 4 rows x 8 cols tile //alt:f64
			//alt:f64 for ; col+7 < rhsCrossSize; col += 8 {
			//alt:f64 	rhsCol := unsafe.Add(rhsBase, uintptr(col)*elemSize)
			//alt:f64 	outRow0 := unsafe.Add(outputBase, uintptr((row+0)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	outRow1 := dummyPtr
			//alt:f64 	outRow2 := dummyPtr
			//alt:f64 	outRow3 := dummyPtr
			//alt:f64 	if remRows > 1 {
			//alt:f64 		outRow1 = unsafe.Add(outputBase, uintptr((row+1)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	}
			//alt:f64 	if remRows > 2 {
			//alt:f64 		outRow2 = unsafe.Add(outputBase, uintptr((row+2)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	}
			//alt:f64 	if remRows > 3 {
			//alt:f64 		outRow3 = unsafe.Add(outputBase, uintptr((row+3)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	}
			//alt:f64 	neonSmallNonTransposedTile4x8Float64Asm(
			//alt:f64 		lRow0, lRow1, lRow2, lRow3,
			//alt:f64 		rhsCol,
			//alt:f64 		contractingSize,
			//alt:f64 		rowStrideBytes,
			//alt:f64 		outRow0, outRow1, outRow2, outRow3)
			//alt:f64 }

			// 4 rows x 2 cols tile //alt:f64
			//alt:f64 for ; col+1 < rhsCrossSize; col += 2 {
			//alt:f64 	rhsCol := unsafe.Add(rhsBase, uintptr(col)*elemSize)
			//alt:f64 	outRow0 := unsafe.Add(outputBase, uintptr((row+0)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	outRow1 := dummyPtr
			//alt:f64 	outRow2 := dummyPtr
			//alt:f64 	outRow3 := dummyPtr
			//alt:f64 	if remRows > 1 {
			//alt:f64 		outRow1 = unsafe.Add(outputBase, uintptr((row+1)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	}
			//alt:f64 	if remRows > 2 {
			//alt:f64 		outRow2 = unsafe.Add(outputBase, uintptr((row+2)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	}
			//alt:f64 	if remRows > 3 {
			//alt:f64 		outRow3 = unsafe.Add(outputBase, uintptr((row+3)*rhsCrossSize+col)*outputElemSize)
			//alt:f64 	}
			//alt:f64 	neonSmallNonTransposedTile4x2Float64Asm(
			//alt:f64 		lRow0, lRow1, lRow2, lRow3,
			//alt:f64 		rhsCol,
			//alt:f64 		contractingSize,
			//alt:f64 		rowStrideBytes,
			//alt:f64 		outRow0, outRow1, outRow2, outRow3)
			//alt:f64 }

			// Remainder columns for these rows
			rowLimit := min(row+4, lhsCrossSize)
			for ; col < rhsCrossSize; col++ {
				for r := row; r < rowLimit; r++ {
					lRow := unsafe.Add(lhsBase, uintptr(r*contractingSize)*elemSize)
					var s float32 //alt:f32|bf16|f16
					//alt:f64 var s float64
					for k := range contractingSize {
						kOffset := uintptr(k) * elemSize
						lVal := *(*float32)(unsafe.Add(lRow, kOffset)) //alt:f32
						//alt:bf16 lVal := (*(*bfloat16.BFloat16)(unsafe.Add(lRow, kOffset))).Float32()
						//alt:f16 lVal := (*(*float16.Float16)(unsafe.Add(lRow, kOffset))).Float32()
						//alt:f64 lVal := *(*float64)(unsafe.Add(lRow, kOffset))

						rVal := *(*float32)(unsafe.Add(rhsBase, uintptr(k*rhsCrossSize+col)*elemSize)) //alt:f32
						//alt:bf16 rVal := (*(*bfloat16.BFloat16)(unsafe.Add(rhsBase, uintptr(k*rhsCrossSize+col)*elemSize))).Float32()
						//alt:f16 rVal := (*(*float16.Float16)(unsafe.Add(rhsBase, uintptr(k*rhsCrossSize+col)*elemSize))).Float32()
						//alt:f64 rVal := *(*float64)(unsafe.Add(rhsBase, uintptr(k*rhsCrossSize+col)*elemSize))

						s += lVal * rVal
					}
					*(*float32)(unsafe.Add(outputBase, uintptr(r*rhsCrossSize+col)*outputElemSize)) = s //alt:f32|bf16|f16
					//alt:f64 *(*float64)(unsafe.Add(outputBase, uintptr(r*rhsCrossSize+col)*outputElemSize)) = s
				}
			}
		}
	}
}
