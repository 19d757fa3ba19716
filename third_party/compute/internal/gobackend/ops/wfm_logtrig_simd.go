// Copyright 2026 the wfm authors. SPDX-License-Identifier: Apache-2.0
// wfm patch: SIMD executors for Log, Sin and Cos (float32, bfloat16, float16), replacing the
// generic executors' per-element math.Log/Sin/Cos. Float64 falls back to the generic ones.

//go:build goexperiment.simd && go1.27

package ops

import (
	"math"
	"simd"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/support/simdmath"
)

func init() {
	gobackend.SetNodeExecutor(compute.OpTypeLog, PrioritySIMD, execLogSIMD)
	gobackend.SetNodeExecutor(compute.OpTypeSin, PrioritySIMD, execSinSIMD)
	gobackend.SetNodeExecutor(compute.OpTypeCos, PrioritySIMD, execCosSIMD)
}

func execLogSIMD(backend *gobackend.Backend, node *gobackend.Node, inputs []*gobackend.Buffer, inputsOwned []bool) (*gobackend.Buffer, error) {
	return execHalfOrFloat32SIMD(backend, inputs, inputsOwned, simdmath.LogFloat32, nil)
}

func execSinSIMD(backend *gobackend.Backend, node *gobackend.Node, inputs []*gobackend.Buffer, inputsOwned []bool) (*gobackend.Buffer, error) {
	return execHalfOrFloat32SIMD(backend, inputs, inputsOwned, simdmath.SinFloat32, math.Sin)
}

func execCosSIMD(backend *gobackend.Backend, node *gobackend.Node, inputs []*gobackend.Buffer, inputsOwned []bool) (*gobackend.Buffer, error) {
	return execHalfOrFloat32SIMD(backend, inputs, inputsOwned, simdmath.CosFloat32, math.Cos)
}

// execHalfOrFloat32SIMD runs fn over a float32, bfloat16 or float16 operand. With a non-nil
// scalar (the trigonometric functions), a chunk holding any |x| above
// simdmath.TrigFloat32MaxArg is computed with scalar instead (the vector reduction is not
// accurate there).
func execHalfOrFloat32SIMD(backend *gobackend.Backend, inputs []*gobackend.Buffer, inputsOwned []bool,
	fn func(simd.Float32s) simd.Float32s, scalar func(float64) float64) (*gobackend.Buffer, error) {
	switch inputs[0].RawShape.DType {
	case dtypes.Float32, dtypes.BFloat16, dtypes.Float16:
	default:
		return nil, gobackend.ErrFallback
	}
	input, output, err := unaryOperandAndOutput(backend, inputs, inputsOwned)
	if err != nil {
		return nil, err
	}
	if backend.NoOps {
		return output, nil
	}
	n := input.RawShape.Size()
	parallelizeSIMDUnary(backend, n, func(start, end int) {
		switch input.RawShape.DType {
		case dtypes.Float32:
			in, out := input.Flat.([]float32)[start:end], output.Flat.([]float32)[start:end]
			if scalar != nil && !withinTrigRange(in, func(v float32) float32 { return v }) {
				for i, v := range in {
					out[i] = float32(scalar(float64(v)))
				}
				return
			}
			simdUnaryFloat32(in, out, fn)
		case dtypes.BFloat16:
			in, out := input.Flat.([]bfloat16.BFloat16)[start:end], output.Flat.([]bfloat16.BFloat16)[start:end]
			if scalar != nil && !withinTrigRange(in, bfloat16.BFloat16.Float32) {
				for i, v := range in {
					out[i] = bfloat16.FromFloat32(float32(scalar(float64(v.Float32()))))
				}
				return
			}
			simdUnaryBFloat16(in, out, fn)
		case dtypes.Float16:
			in, out := input.Flat.([]float16.Float16)[start:end], output.Flat.([]float16.Float16)[start:end]
			if scalar != nil && !withinTrigRange(in, float16.Float16.Float32) {
				for i, v := range in {
					out[i] = float16.FromFloat32(float32(scalar(float64(v.Float32()))))
				}
				return
			}
			simdUnaryFloat16(in, out, fn)
		}
	})
	return output, nil
}

// withinTrigRange reports whether every value is NaN, ±Inf or at most TrigFloat32MaxArg in
// magnitude (NaN and Inf give NaN on both paths).
func withinTrigRange[T any](in []T, f32 func(T) float32) bool {
	for _, v := range in {
		a := f32(v)
		if a > simdmath.TrigFloat32MaxArg || a < -simdmath.TrigFloat32MaxArg {
			if !math.IsInf(float64(a), 0) {
				return false
			}
		}
	}
	return true
}
