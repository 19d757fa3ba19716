// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

package fusedops

import (
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/internal/gobackend/activations"
)

func execQuantizedDenseLinearOrNF4Core(
	backend *gobackend.Backend,
	data *nodeFusedQuantizedDense,
	in unpackedQDInputs,
	M, K, N int,
	outF32 []float32,
	inTileAct activations.KernelFn[float32],
) (bool, error) {
	// Case 1: Pre-quantized XQuantization (QuantLinear Int32 matmul).
	if data.hasXQuant {
		wScales, releaseWScale, err := resolveCachedFloat32Slice(backend, in.wScale, data.wScaleConstantData)
		if err != nil {
			return false, err
		}
		defer releaseWScale()
		return false, execQuantizedDenseLinearIntMatmul(backend, data, in, wScales, M, K, N, outF32)
	}

	var biasF32 []float32
	if in.bias != nil || data.biasConstantData != nil {
		var releaseBias func()
		var err error
		biasF32, releaseBias, err = resolveCachedFloat32Slice(backend, in.bias, data.biasConstantData)
		if err != nil {
			return false, err
		}
		defer releaseBias()
	}

	// Case 2: On-the-fly dynamic Int8 quantization hint (QuantizedMatmul == true) for QuantLinear.
	// Invoked before reading in.wScale/in.wZP because cached K4 panels bake wScale/wZP into the
	// weight's ConstantData and may have released their raw buffers.
	if data.quantizedMatmul && data.weightScheme == compute.QuantLinear {
		if ok, err := execQuantizedDenseLinearPanelDynamicInt8(backend, data, in, biasF32, M, K, N, outF32, inTileAct); err != nil {
			return false, err
		} else if ok {
			return inTileAct != nil, nil
		}
	}

	// Float x input (for fallback dynamic Int8 or weight-only float matmul).
	xF32, releaseX, err := bufferToFloat32Slice(backend, in.x)
	if err != nil {
		return false, err
	}
	defer releaseX()

	// Fast Mode A cached hit: weight + wScale + wZP are already packed into floatDotNodeData.RHSConstantData.
	if !data.quantizedMatmul && data.floatDotNodeData != nil && data.floatDotNodeData.RHSConstantData.CachedForm() != nil {
		return execQuantizedDenseLinearOrNF4FloatMatmul(
			backend, data, xF32, nil, nil, nil, biasF32, outF32,
			M, K, N, defaultQuantizedFloatMaxScratchFloats,
		)
	}

	var wScaleCD *gobackend.ConstantData
	if !data.wScaleBaked {
		wScaleCD = data.wScaleConstantData
	}
	wScales, releaseWScale, err := resolveCachedFloat32Slice(backend, in.wScale, wScaleCD)
	if err != nil {
		return false, err
	}
	defer releaseWScale()

	if data.quantizedMatmul && data.weightScheme == compute.QuantLinear &&
		(!data.hasWZP || !data.wZPDType.IsFloat()) {
		return false, execQuantizedDenseLinearDynamicInt8(backend, data, xF32, in.weight, wScales, in.wZP, biasF32, M, K, N, outF32)
	}

	// Case 3: Weight-only float matmul (QuantLinear or QuantNF4, or non-integer float zero-points).
	var wZPF32 []float32
	if in.wZP != nil || (!data.wZPBaked && data.wZPConstantData != nil) {
		var wZPCD *gobackend.ConstantData
		if !data.wZPBaked {
			wZPCD = data.wZPConstantData
		}
		var releaseWZP func()
		wZPF32, releaseWZP, err = resolveCachedZeroPointFloat32Slice(backend, in.wZP, wZPCD)
		if err != nil {
			return false, err
		}
		defer releaseWZP()
	}

	appliedAct, err := execQuantizedDenseLinearOrNF4FloatMatmul(
		backend, data, xF32, in.weight, wScales, wZPF32, biasF32, outF32,
		M, K, N, defaultQuantizedFloatMaxScratchFloats,
	)
	if err != nil {
		return false, err
	}
	if data.floatDotNodeData != nil && data.floatDotNodeData.RHSConstantData.CachedForm() != nil {
		data.markBakedWeightSupportConstants()
	}
	return appliedAct, nil
}

// weightRowReader provides zero-allocation row access for Int8, Uint8, and sub-byte [D0, D1] weights.
type weightRowReader struct {
	dtype    dtypes.DType
	isUint8  bool
	int8Data []int8
	u8Data   []uint8
	d1       int
}

func makeWeightRowReader(wBuf *gobackend.Buffer, d1 int) weightRowReader {
	return makeWeightRowReaderWithDType(wBuf, wBuf.RawShape.DType, d1)
}

func makeWeightRowReaderWithDType(wBuf *gobackend.Buffer, dt dtypes.DType, d1 int) weightRowReader {
	switch dt {
	case dtypes.Int8:
		return weightRowReader{dtype: dt, int8Data: wBuf.Flat.([]int8), d1: d1}
	case dtypes.Uint8:
		return weightRowReader{dtype: dt, isUint8: true, u8Data: wBuf.Flat.([]uint8), d1: d1}
	default:
		// Sub-byte packed []byte (Int4, Uint4, Int2, Uint2, or Uint8 with PackedDType) unpacks into []int8 scratch.
		return weightRowReader{dtype: dt, u8Data: wBuf.Flat.([]uint8), d1: d1}
	}
}

func (r *weightRowReader) needsScratch() bool {
	return r.dtype != dtypes.Int8 && r.dtype != dtypes.Uint8
}

func (r *weightRowReader) rowInt8(row int, scratch []int8) []int8 {
	if r.dtype == dtypes.Int8 {
		return r.int8Data[row*r.d1 : (row+1)*r.d1]
	}
	unpackSubByteSpanInt8(r.dtype, r.u8Data, row*r.d1, r.d1, scratch)
	return scratch
}

func (r *weightRowReader) rowUint8(row int) []uint8 {
	return r.u8Data[row*r.d1 : (row+1)*r.d1]
}

func (r *weightRowReader) spanInt8(row, colStart, colLen int, scratch []int8) []int8 {
	if r.dtype == dtypes.Int8 {
		off := row*r.d1 + colStart
		return r.int8Data[off : off+colLen]
	}
	unpackSubByteSpanInt8(r.dtype, r.u8Data, row*r.d1+colStart, colLen, scratch[:colLen])
	return scratch[:colLen]
}

func (r *weightRowReader) spanUint8(row, colStart, colLen int) []uint8 {
	off := row*r.d1 + colStart
	return r.u8Data[off : off+colLen]
}

// execQuantizedDenseLinearIntMatmul executes exact Int32 matmul when XQuantization != nil (QuantLinear).
func execQuantizedDenseLinearIntMatmul(
	backend *gobackend.Backend,
	data *nodeFusedQuantizedDense,
	in unpackedQDInputs,
	wScales []float32,
	M, K, N int,
	outF32 []float32,
) error {
	xScales, releaseXScale, err := resolveCachedFloat32Slice(backend, in.xScale, data.xScaleConstantData)
	if err != nil {
		return err
	}
	defer releaseXScale()

	var xZPs []int32
	if in.xZP != nil || data.xZPConstantData != nil {
		var releaseXZP func()
		xZPs, releaseXZP, err = resolveCachedZeroPointInt32Slice(backend, in.xZP, data.xZPConstantData)
		if err != nil {
			return err
		}
		defer releaseXZP()
	}

	var wZPs []int32
	if in.wZP != nil || data.wZPConstantData != nil {
		var releaseWZP func()
		wZPs, releaseWZP, err = resolveCachedZeroPointInt32Slice(backend, in.wZP, data.wZPConstantData)
		if err != nil {
			return err
		}
		defer releaseWZP()
	}

	var biasI32 []int32
	var biasF32 []float32
	if in.bias != nil || data.biasConstantData != nil {
		if in.bias != nil && in.bias.RawShape.DType == dtypes.Int32 {
			biasI32 = in.bias.Flat.([]int32)
		} else {
			var releaseBias func()
			biasF32, releaseBias, err = resolveCachedFloat32Slice(backend, in.bias, data.biasConstantData)
			if err != nil {
				return err
			}
			defer releaseBias()
		}
	}

	xIsUint8 := in.x.RawShape.DType == dtypes.Uint8
	var xI8 []int8
	var xU8 []uint8
	if xIsUint8 {
		xU8 = in.x.Flat.([]uint8)
	} else {
		xI8 = in.x.Flat.([]int8)
	}

	xSLayout := data.info.XScaleLayout
	xZPLayout := data.info.XZeroPointLayout
	wSLayout := data.info.WeightScaleLayout
	wZPLayout := data.info.WeightZeroPointLayout

	if data.weightLayout == compute.DenseLayoutInputOutputs {
		reader := makeWeightRowReader(in.weight, N)
		numWorkers := quantizedDenseParallelTileCount(backend, M, K, N)
		accBufs := make([][]int32, numWorkers)
		for i := range accBufs {
			accBufs[i] = make([]int32, N)
		}
		var scratchRows [][]int8
		if reader.needsScratch() {
			scratchRows = make([][]int8, numWorkers)
			for i := range scratchRows {
				scratchRows[i] = make([]int8, N)
			}
		}

		quantizedDenseParallel(backend, M, K, N, func(workerIdx, m, nStart, nEnd int) {
			tileW := nEnd - nStart
			acc := accBufs[workerIdx][:tileW]
			outSlice := outF32[m*N+nStart : m*N+nEnd]
			clear(outSlice)

			var scratch []int8
			if scratchRows != nil {
				scratch = scratchRows[workerIdx]
			}

			for k0 := 0; k0 < K; {
				nextX := ((k0 / xSLayout.ColBlockSize) + 1) * xSLayout.ColBlockSize
				nextW := ((k0 / wSLayout.RowBlockSize) + 1) * wSLayout.RowBlockSize
				k1 := min(K, min(nextX, nextW))

				clear(acc)
				xSc := xScales[xSLayout.Index(m, k0)]
				var xZP int32
				if xZPs != nil {
					xZP = xZPs[xZPLayout.Index(m, k0)]
				}
				wSRowOff := (k0 / wSLayout.RowBlockSize) * wSLayout.NumColBlocks
				var wZPRowOff int
				if wZPs != nil {
					wZPRowOff = (k0 / wZPLayout.RowBlockSize) * wZPLayout.NumColBlocks
				}

				for k := k0; k < k1; k++ {
					var xDiff int32
					if xIsUint8 {
						xDiff = int32(xU8[m*K+k]) - xZP
					} else {
						xDiff = int32(xI8[m*K+k]) - xZP
					}
					if xDiff == 0 {
						continue
					}
					if reader.isUint8 {
						wRow := reader.rowUint8(k)
						if wZPs != nil {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xDiff * (int32(wRow[n]) - wZPs[wZPRowOff+n/wZPLayout.ColBlockSize])
							}
						} else {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xDiff * int32(wRow[n])
							}
						}
					} else {
						wRow := reader.rowInt8(k, scratch)
						if wZPs != nil {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xDiff * (int32(wRow[n]) - wZPs[wZPRowOff+n/wZPLayout.ColBlockSize])
							}
						} else {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xDiff * int32(wRow[n])
							}
						}
					}
				}

				for n := nStart; n < nEnd; n++ {
					sumI := acc[n-nStart]
					if k0 == 0 && biasI32 != nil {
						sumI += biasI32[n]
					}
					wSc := wScales[wSRowOff+n/wSLayout.ColBlockSize]
					outSlice[n-nStart] += float32(sumI) * (xSc * wSc)
				}
				k0 = k1
			}

			if biasF32 != nil {
				for n := nStart; n < nEnd; n++ {
					outSlice[n-nStart] += biasF32[n]
				}
			}
		})
		return nil
	}

	// DenseLayoutOutputsInput: weight is [N, K].
	reader := makeWeightRowReader(in.weight, K)
	numWorkers := quantizedDenseParallelTileCount(backend, M, K, N)
	var scratchRows [][]int8
	if reader.needsScratch() {
		scratchRows = make([][]int8, numWorkers)
		for i := range scratchRows {
			scratchRows[i] = make([]int8, K)
		}
	}

	quantizedDenseParallel(backend, M, K, N, func(workerIdx, m, nStart, nEnd int) {
		var scratch []int8
		if scratchRows != nil {
			scratch = scratchRows[workerIdx]
		}
		for n := nStart; n < nEnd; n++ {
			wSRowOff := (n / wSLayout.RowBlockSize) * wSLayout.NumColBlocks
			var wZPRowOff int
			if wZPs != nil {
				wZPRowOff = (n / wZPLayout.RowBlockSize) * wZPLayout.NumColBlocks
			}

			var wRowI8 []int8
			var wRowU8 []uint8
			if reader.isUint8 {
				wRowU8 = reader.rowUint8(n)
			} else {
				wRowI8 = reader.rowInt8(n, scratch)
			}

			var outVal float32
			for k0 := 0; k0 < K; {
				nextX := ((k0 / xSLayout.ColBlockSize) + 1) * xSLayout.ColBlockSize
				nextW := ((k0 / wSLayout.ColBlockSize) + 1) * wSLayout.ColBlockSize
				k1 := min(K, min(nextX, nextW))

				xSc := xScales[xSLayout.Index(m, k0)]
				var xZP int32
				if xZPs != nil {
					xZP = xZPs[xZPLayout.Index(m, k0)]
				}
				wSc := wScales[wSRowOff+k0/wSLayout.ColBlockSize]
				var wZP int32
				if wZPs != nil {
					wZP = wZPs[wZPRowOff+k0/wZPLayout.ColBlockSize]
				}

				var acc int32
				if xIsUint8 {
					if reader.isUint8 {
						for k := k0; k < k1; k++ {
							acc += (int32(xU8[m*K+k]) - xZP) * (int32(wRowU8[k]) - wZP)
						}
					} else {
						for k := k0; k < k1; k++ {
							acc += (int32(xU8[m*K+k]) - xZP) * (int32(wRowI8[k]) - wZP)
						}
					}
				} else {
					if reader.isUint8 {
						for k := k0; k < k1; k++ {
							acc += (int32(xI8[m*K+k]) - xZP) * (int32(wRowU8[k]) - wZP)
						}
					} else {
						for k := k0; k < k1; k++ {
							acc += (int32(xI8[m*K+k]) - xZP) * (int32(wRowI8[k]) - wZP)
						}
					}
				}
				if k0 == 0 && biasI32 != nil {
					acc += biasI32[n]
				}
				outVal += float32(acc) * (xSc * wSc)
				k0 = k1
			}
			if biasF32 != nil {
				outVal += biasF32[n]
			}
			outF32[m*N+n] = outVal
		}
	})
	return nil
}

// execQuantizedDenseLinearDynamicInt8 dynamically quantizes float32 x rows on-the-fly to symmetric Int8
// per k-block when QuantizedMatmul == true and XQuantization == nil.
func execQuantizedDenseLinearDynamicInt8(
	backend *gobackend.Backend,
	data *nodeFusedQuantizedDense,
	xF32 []float32,
	wBuf *gobackend.Buffer,
	wScales []float32,
	wZPBuf *gobackend.Buffer,
	biasF32 []float32,
	M, K, N int,
	outF32 []float32,
) error {
	var wZPs []int32
	if wZPBuf != nil || data.wZPConstantData != nil {
		var releaseZP func()
		var err error
		wZPs, releaseZP, err = resolveCachedZeroPointInt32Slice(backend, wZPBuf, data.wZPConstantData)
		if err != nil {
			return err
		}
		defer releaseZP()
	}

	wSLayout := data.info.WeightScaleLayout
	wZPLayout := data.info.WeightZeroPointLayout
	var kBlock int
	if data.weightLayout == compute.DenseLayoutInputOutputs {
		kBlock = wSLayout.RowBlockSize
	} else {
		kBlock = wSLayout.ColBlockSize
	}
	numKBlocks := (K + kBlock - 1) / kBlock

	// Dynamically quantize xF32 [M, K] -> xQ [M, K] int8 + xScales [M, numKBlocks] float32.
	xQ := make([]int8, M*K)
	xScales := make([]float32, M*numKBlocks)
	for m := range M {
		for kb := range numKBlocks {
			k0 := kb * kBlock
			k1 := min(k0+kBlock, K)
			xSpan := xF32[m*K+k0 : m*K+k1]
			var maxAbs float32
			for _, v := range xSpan {
				av := float32(math.Abs(float64(v)))
				if av > maxAbs {
					maxAbs = av
				}
			}
			if maxAbs == 0 {
				xScales[m*numKBlocks+kb] = 0
				continue
			}
			sc := maxAbs / 127.0
			invSc := 127.0 / maxAbs
			xScales[m*numKBlocks+kb] = sc
			dst := xQ[m*K+k0 : m*K+k1]
			for i, v := range xSpan {
				q := int32(math.RoundToEven(float64(v * invSc)))
				q = max(-127, min(127, q))
				dst[i] = int8(q)
			}
		}
	}

	// Execute integer accumulation using the dynamically quantized xQ & xScales.
	if data.weightLayout == compute.DenseLayoutInputOutputs {
		reader := makeWeightRowReader(wBuf, N)
		numWorkers := quantizedDenseParallelTileCount(backend, M, K, N)
		accBufs := make([][]int32, numWorkers)
		for i := range accBufs {
			accBufs[i] = make([]int32, N)
		}
		var scratchRows [][]int8
		if reader.needsScratch() {
			scratchRows = make([][]int8, numWorkers)
			for i := range scratchRows {
				scratchRows[i] = make([]int8, N)
			}
		}
		quantizedDenseParallel(backend, M, K, N, func(workerIdx, m, nStart, nEnd int) {
			acc := accBufs[workerIdx][:nEnd-nStart]
			outSlice := outF32[m*N+nStart : m*N+nEnd]
			if biasF32 != nil {
				copy(outSlice, biasF32[nStart:nEnd])
			} else {
				clear(outSlice)
			}
			var scratch []int8
			if scratchRows != nil {
				scratch = scratchRows[workerIdx]
			}
			for kb := range numKBlocks {
				xSc := xScales[m*numKBlocks+kb]
				if xSc == 0 {
					continue
				}
				k0 := kb * kBlock
				k1 := min(k0+kBlock, K)
				clear(acc)
				wSRowOff := kb * wSLayout.NumColBlocks
				var wZPRowOff int
				if wZPs != nil {
					wZPRowOff = (k0 / wZPLayout.RowBlockSize) * wZPLayout.NumColBlocks
				}
				for k := k0; k < k1; k++ {
					xq := int32(xQ[m*K+k])
					if xq == 0 {
						continue
					}
					if reader.isUint8 {
						wRow := reader.rowUint8(k)
						if wZPs != nil {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xq * (int32(wRow[n]) - wZPs[wZPRowOff+n/wZPLayout.ColBlockSize])
							}
						} else {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xq * int32(wRow[n])
							}
						}
					} else {
						wRow := reader.rowInt8(k, scratch)
						if wZPs != nil {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xq * (int32(wRow[n]) - wZPs[wZPRowOff+n/wZPLayout.ColBlockSize])
							}
						} else {
							for n := nStart; n < nEnd; n++ {
								acc[n-nStart] += xq * int32(wRow[n])
							}
						}
					}
				}
				for n := nStart; n < nEnd; n++ {
					outSlice[n-nStart] += float32(acc[n-nStart]) * (xSc * wScales[wSRowOff+n/wSLayout.ColBlockSize])
				}
			}
		})
		return nil
	}

	// DenseLayoutOutputsInput: weight is [N, K].
	reader := makeWeightRowReader(wBuf, K)
	numWorkers := quantizedDenseParallelTileCount(backend, M, K, N)
	var scratchRows [][]int8
	if reader.needsScratch() {
		scratchRows = make([][]int8, numWorkers)
		for i := range scratchRows {
			scratchRows[i] = make([]int8, K)
		}
	}
	quantizedDenseParallel(backend, M, K, N, func(workerIdx, m, nStart, nEnd int) {
		var scratch []int8
		if scratchRows != nil {
			scratch = scratchRows[workerIdx]
		}
		for n := nStart; n < nEnd; n++ {
			wSRowOff := (n / wSLayout.RowBlockSize) * wSLayout.NumColBlocks
			var wZPRowOff int
			if wZPs != nil {
				wZPRowOff = (n / wZPLayout.RowBlockSize) * wZPLayout.NumColBlocks
			}
			var wRowI8 []int8
			var wRowU8 []uint8
			if reader.isUint8 {
				wRowU8 = reader.rowUint8(n)
			} else {
				wRowI8 = reader.rowInt8(n, scratch)
			}
			var outVal float32
			if biasF32 != nil {
				outVal = biasF32[n]
			}
			for kb := range numKBlocks {
				xSc := xScales[m*numKBlocks+kb]
				if xSc == 0 {
					continue
				}
				k0 := kb * kBlock
				k1 := min(k0+kBlock, K)
				wSc := wScales[wSRowOff+kb]
				var wZP int32
				if wZPs != nil {
					wZP = wZPs[wZPRowOff+k0/wZPLayout.ColBlockSize]
				}
				var acc int32
				if reader.isUint8 {
					for k := k0; k < k1; k++ {
						acc += int32(xQ[m*K+k]) * (int32(wRowU8[k]) - wZP)
					}
				} else {
					for k := k0; k < k1; k++ {
						acc += int32(xQ[m*K+k]) * (int32(wRowI8[k]) - wZP)
					}
				}
				outVal += float32(acc) * (xSc * wSc)
			}
			outF32[m*N+n] = outVal
		}
	})
	return nil
}
