// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

package backendtest

import (
	"fmt"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/compute/support/testutil"
)

func TestBinaryOps(t *testing.T, b compute.Backend) {
	t.Run("Add", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeAdd)
		buildFnAdd := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Add(params[0], params[1])
		}

		// Test with scalar (or of size 1) values.
		if b.Capabilities().DTypes[dtypes.BFloat16] {
			y0, err := testutil.Exec1(b, []any{bfloat16.FromFloat32(7), bfloat16.FromFloat32(11)}, buildFnAdd)
			if err != nil {
				t.Fatalf("Failed to execute Add: %+v", err)
			}
			if ok, diff := testutil.IsEqual(bfloat16.FromFloat32(18), y0); !ok {
				t.Errorf("y0 mismatch:\n%s", diff)
			}
		}

		y1, err := testutil.Exec1(b, []any{[]int32{-1, 2}, []int32{1}}, buildFnAdd)
		if err != nil {
			t.Fatalf("Failed to execute Add: %+v", err)
		}
		if ok, diff := testutil.IsEqual([]int32{0, 3}, y1); !ok {
			t.Errorf("y1 value mismatch (-want +got):\n%s", diff)
		}

		y2, err := testutil.Exec1(b, []any{[][]int32{{-1}, {2}}, int32(-1)}, buildFnAdd)
		if err != nil {
			t.Fatalf("Failed to execute Add: %+v", err)
		}
		if ok, diff := testutil.IsEqual([][]int32{{-2}, {1}}, y2); !ok {
			t.Errorf("y2 value mismatch (-want +got):\n%s", diff)
		}

		// Test with same sized shapes:
		y3, err := testutil.Exec1(b, []any{[][]uint64{{1, 2}, {3, 4}}, [][]uint64{{4, 3}, {2, 1}}}, buildFnAdd)
		if err != nil {
			t.Fatalf("Failed to execute Add: %+v", err)
		}
		if ok, diff := testutil.IsEqual([][]uint64{{5, 5}, {5, 5}}, y3); !ok {
			t.Errorf("y3 value mismatch (-want +got):\n%s", diff)
		}

		// Test with broadcasting from both sides.
		y4, err := testutil.Exec1(b, []any{[][]int32{{-1}, {2}, {5}}, [][]int32{{10, 100}}}, buildFnAdd)
		if err != nil {
			t.Fatalf("Failed to execute Add: %+v", err)
		}
		if ok, diff := testutil.IsEqual([][]int32{{9, 99}, {12, 102}, {15, 105}}, y4); !ok {
			t.Errorf("y4 value mismatch (-want +got):\n%s", diff)
		}

		// Test with dynamic shapes (broadcasting from scalar and dimension of 1).
		t.Run("DynamicShapesBroadcasting", func(t *testing.T) {
			testutil.SkipIfMissingDynamicShapes(t, b)
			t.Run("Dim1Broadcast", func(t *testing.T) {
				builder := b.Builder("test_dynamic_add_dim1")
				mainFn := builder.Main()
				// LHS: shape (batch, 1) dynamic; RHS: shape (batch, 4) dynamic
				sLHS := shapes.MakeDynamic(dtypes.Float32, []int{shapes.DynamicDim, 1}, []string{"batch", ""})
				sRHS := shapes.MakeDynamic(dtypes.Float32, []int{shapes.DynamicDim, 4}, []string{"batch", ""})
				pLHS, err := mainFn.Parameter("lhs", sLHS, nil)
				if err != nil {
					t.Fatalf("Failed creating parameter LHS: %+v", err)
				}
				pRHS, err := mainFn.Parameter("rhs", sRHS, nil)
				if err != nil {
					t.Fatalf("Failed creating parameter RHS: %+v", err)
				}
				outVal, err := mainFn.Add(pLHS, pRHS)
				if err != nil {
					t.Fatalf("Failed creating Add node: %+v", err)
				}
				if err := mainFn.Return([]compute.Value{outVal}, nil); err != nil {
					t.Fatalf("Failed returning output: %+v", err)
				}
				exec, err := builder.Compile()
				if err != nil {
					t.Fatalf("Failed compiling graph: %+v", err)
				}

				bufLHS, err := b.BufferFromFlatData(0, []float32{10, 20}, shapes.Make(dtypes.Float32, 2, 1))
				if err != nil {
					t.Fatalf("Failed creating bufLHS: %+v", err)
				}
				bufRHS, err := b.BufferFromFlatData(0, []float32{1, 2, 3, 4, 5, 6, 7, 8}, shapes.Make(dtypes.Float32, 2, 4))
				if err != nil {
					t.Fatalf("Failed creating bufRHS: %+v", err)
				}

				results, err := exec.Execute([]compute.Buffer{bufLHS, bufRHS}, []bool{false, false}, 0)
				if err != nil {
					t.Fatalf("Failed executing graph with dynamic shapes: %+v", err)
				}
				resShape, err := results[0].Shape()
				if err != nil {
					t.Fatalf("Failed getting result shape: %+v", err)
				}
				if resShape.IsDynamic() {
					t.Errorf("Expected concrete output shape, but got dynamic shape: %s", resShape)
				}
				if !resShape.EqualDimensions(shapes.Make(dtypes.Float32, 2, 4)) {
					t.Errorf("Expected shape (2, 4), got %s", resShape)
				}
				gotData, err := testutil.FromBuffer(b, results[0])
				if err != nil {
					t.Fatalf("Failed converting output buffer: %+v", err)
				}
				wantData := [][]float32{{11, 12, 13, 14}, {25, 26, 27, 28}}
				if ok, diff := testutil.IsEqual(wantData, gotData); !ok {
					t.Errorf("Dynamic add result mismatch (-want +got):\n%s", diff)
				}
			})

			t.Run("ScalarBroadcast", func(t *testing.T) {
				builder := b.Builder("test_dynamic_add_scalar")
				mainFn := builder.Main()
				// LHS: scalar Float32; RHS: shape (batch, 3) dynamic
				sLHS := shapes.Make(dtypes.Float32)
				sRHS := shapes.MakeDynamic(dtypes.Float32, []int{shapes.DynamicDim, 3}, []string{"batch", ""})
				pLHS, err := mainFn.Parameter("lhs", sLHS, nil)
				if err != nil {
					t.Fatalf("Failed creating parameter LHS: %+v", err)
				}
				pRHS, err := mainFn.Parameter("rhs", sRHS, nil)
				if err != nil {
					t.Fatalf("Failed creating parameter RHS: %+v", err)
				}
				outVal, err := mainFn.Add(pLHS, pRHS)
				if err != nil {
					t.Fatalf("Failed creating Add node: %+v", err)
				}
				if err := mainFn.Return([]compute.Value{outVal}, nil); err != nil {
					t.Fatalf("Failed returning output: %+v", err)
				}
				exec, err := builder.Compile()
				if err != nil {
					t.Fatalf("Failed compiling graph: %+v", err)
				}

				bufLHS, err := b.BufferFromFlatData(0, []float32{10}, shapes.Make(dtypes.Float32))
				if err != nil {
					t.Fatalf("Failed creating bufLHS: %+v", err)
				}
				bufRHS, err := b.BufferFromFlatData(0, []float32{1, 2, 3, 4, 5, 6}, shapes.Make(dtypes.Float32, 2, 3))
				if err != nil {
					t.Fatalf("Failed creating bufRHS: %+v", err)
				}

				results, err := exec.Execute([]compute.Buffer{bufLHS, bufRHS}, []bool{false, false}, 0)
				if err != nil {
					t.Fatalf("Failed executing graph with dynamic shapes: %+v", err)
				}
				resShape, err := results[0].Shape()
				if err != nil {
					t.Fatalf("Failed getting result shape: %+v", err)
				}
				if resShape.IsDynamic() {
					t.Errorf("Expected concrete output shape, but got dynamic shape: %s", resShape)
				}
				if !resShape.EqualDimensions(shapes.Make(dtypes.Float32, 2, 3)) {
					t.Errorf("Expected shape (2, 3), got %s", resShape)
				}
				gotData, err := testutil.FromBuffer(b, results[0])
				if err != nil {
					t.Fatalf("Failed converting output buffer: %+v", err)
				}
				wantData := [][]float32{{11, 12, 13}, {14, 15, 16}}
				if ok, diff := testutil.IsEqual(wantData, gotData); !ok {
					t.Errorf("Dynamic scalar add result mismatch (-want +got):\n%s", diff)
				}
			})
		})
	})

	t.Run("Mul", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeMul)
		buildFnMul := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Mul(params[0], params[1])
		}

		t.Run("SimpleWithBroadcast", func(t *testing.T) {
			got, err := testutil.Exec1(b, []any{[]float32{1, 2, 3}, float32(2)}, buildFnMul)
			if err != nil {
				t.Fatalf("Failed to execute Mul: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]float32{2, 4, 6}, got); !ok {
				t.Errorf("y0 value mismatch (-want +got):\n%s", diff)
			}
		})

		t.Run("Large-2D", func(t *testing.T) {
			testutil.SkipIfMissingDType(t, b, dtypes.Float64)
			x := [][]float64{
				{0.4026, 0.4026, 0.4026, 0.4026, 0.4026, 0.4026, 0.4026, 0.4026},
				{0.383, 0.383, 0.383, 0.383, 0.383, 0.383, 0.383, 0.383},
				{0.3614, 0.3614, 0.3614, 0.3614, 0.3614, 0.3614, 0.3614, 0.3614},
				{0.04446, 0.04446, 0.04446, 0.04446, 0.04446, 0.04446, 0.04446, 0.04446},
				{0.2288, 0.2288, 0.2288, 0.2288, 0.2288, 0.2288, 0.2288, 0.2288},
				{0.0327, 0.0327, 0.0327, 0.0327, 0.0327, 0.0327, 0.0327, 0.0327},
				{0.199, 0.199, 0.199, 0.199, 0.199, 0.199, 0.199, 0.199},
				{0.03168, 0.03168, 0.03168, 0.03168, 0.03168, 0.03168, 0.03168, 0.03168},
			}
			got, err := testutil.Exec1(b, []any{x, x}, buildFnMul)
			if err != nil {
				t.Fatalf("Failed to execute Mul: %+v", err)
			}
			want := [][]float64{
				{0.1621, 0.1621, 0.1621, 0.1621, 0.1621, 0.1621, 0.1621, 0.1621},
				{0.1467, 0.1467, 0.1467, 0.1467, 0.1467, 0.1467, 0.1467, 0.1467},
				{0.1306, 0.1306, 0.1306, 0.1306, 0.1306, 0.1306, 0.1306, 0.1306},
				{0.001977, 0.001977, 0.001977, 0.001977, 0.001977, 0.001977, 0.001977, 0.001977},
				{0.05235, 0.05235, 0.05235, 0.05235, 0.05235, 0.05235, 0.05235, 0.05235},
				{0.001069, 0.001069, 0.001069, 0.001069, 0.001069, 0.001069, 0.001069, 0.001069},
				{0.0396, 0.0396, 0.0396, 0.0396, 0.0396, 0.0396, 0.0396, 0.0396},
				{0.001004, 0.001004, 0.001004, 0.001004, 0.001004, 0.001004, 0.001004, 0.001004},
			}
			if ok, diff := testutil.IsInRelativeDelta(want, got, 1e-2); !ok {
				fmt.Printf("\t- x=%#v\n", x)
				fmt.Printf("\t- want (x*x): %#v\n", want)
				fmt.Printf("\t- got:        %#.04v\n", got)
				t.Errorf("y0 value mismatch (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("Sub", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeSub)
		buildFnSub := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Sub(params[0], params[1])
		}
		if b.Capabilities().DTypes[dtypes.BFloat16] {
			y0, err := testutil.Exec1(b, []any{bfloat16.FromFloat32(7), bfloat16.FromFloat32(11)}, buildFnSub)
			if err != nil {
				t.Fatalf("Failed to execute Sub: %+v", err)
			}
			if ok, diff := testutil.IsEqual(bfloat16.FromFloat32(-4), y0); !ok {
				t.Errorf("y0 mismatch:\n%s", diff)
			}
		}
	})

	t.Run("Div", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeDiv)
		buildFnDiv := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Div(params[0], params[1])
		}
		y3, err := testutil.Exec1(b, []any{[][]int32{{-6, 9}, {12, 15}}, [][]int32{{2, 3}, {4, 5}}}, buildFnDiv)
		if err != nil {
			t.Fatalf("Failed to execute Div: %+v", err)
		}
		if ok, diff := testutil.IsEqual([][]int32{{-3, 3}, {3, 3}}, y3); !ok {
			t.Errorf("y3 value mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Rem", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeRem)
		buildFnRem := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Rem(params[0], params[1])
		}
		y1, err := testutil.Exec1(b, []any{[]int32{7, 9}, []int32{4}}, buildFnRem)
		if err != nil {
			t.Fatalf("Failed to execute Rem: %+v", err)
		}
		if ok, diff := testutil.IsEqual([]int32{3, 1}, y1); !ok {
			t.Errorf("y1 value mismatch (-want +got):\n%s", diff)
		}

		yNeg, err := testutil.Exec1(b, []any{[]int32{-7, -9, 7, 9}, []int32{4, -4, -4, 4}}, buildFnRem)
		if err != nil {
			t.Fatalf("Failed to execute Rem (negative int32): %+v", err)
		}
		if ok, diff := testutil.IsEqual([]int32{-3, -1, 3, 1}, yNeg); !ok {
			t.Errorf("yNeg value mismatch (-want +got):\n%s", diff)
		}

		yFloat, err := testutil.Exec1(b, []any{[]float32{-7.5, 7.5}, []float32{2.0, -2.0}}, buildFnRem)
		if err != nil {
			t.Fatalf("Failed to execute Rem (float32): %+v", err)
		}
		if ok, diff := testutil.IsEqual([]float32{-1.5, 1.5}, yFloat); !ok {
			t.Errorf("yFloat value mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Pow", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypePow)
		buildFnPow := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Pow(params[0], params[1])
		}
		y1, err := testutil.Exec1(b, []any{[]int32{2, 3}, []int32{2}}, buildFnPow)
		if err != nil {
			t.Fatalf("Failed to execute Pow: %+v", err)
		}
		if ok, diff := testutil.IsEqual([]int32{4, 9}, y1); !ok {
			t.Errorf("y1 value mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Max", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeMax)
		buildFnMax := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Max(params[0], params[1])
		}
		y1, err := testutil.Exec1(b, []any{[]int32{-1, 2}, []int32{0}}, buildFnMax)
		if err != nil {
			t.Fatalf("Failed to execute Max: %+v", err)
		}
		if ok, diff := testutil.IsEqual([]int32{0, 2}, y1); !ok {
			t.Errorf("y1 value mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Min", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeMin)
		buildFnMin := func(f compute.Function, params []compute.Value) (compute.Value, error) {
			return f.Min(params[0], params[1])
		}
		y1, err := testutil.Exec1(b, []any{[]int32{-1, 2}, []int32{0}}, buildFnMin)
		if err != nil {
			t.Fatalf("Failed to execute Min: %+v", err)
		}
		if ok, diff := testutil.IsEqual([]int32{-1, 0}, y1); !ok {
			t.Errorf("y1 value mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Logical", func(t *testing.T) {
		t.Run("And", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeLogicalAnd)
			buildFnAnd := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.LogicalAnd(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{[]bool{true, false}, []bool{true, true}}, buildFnAnd)
			if err != nil {
				t.Fatalf("Failed to execute LogicalAnd: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]bool{true, false}, y); !ok {
				t.Errorf("LogicalAnd mismatch:\n%s", diff)
			}
		})

		t.Run("Or", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeLogicalOr)
			buildFnOr := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.LogicalOr(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{[]bool{true, false}, []bool{true, true}}, buildFnOr)
			if err != nil {
				t.Fatalf("Failed to execute LogicalOr: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]bool{true, true}, y); !ok {
				t.Errorf("LogicalOr mismatch:\n%s", diff)
			}
		})

		t.Run("Xor", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeLogicalXor)
			buildFnXor := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.LogicalXor(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{[]bool{true, false}, []bool{true, true}}, buildFnXor)
			if err != nil {
				t.Fatalf("Failed to execute LogicalXor: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]bool{false, true}, y); !ok {
				t.Errorf("LogicalXor mismatch:\n%s", diff)
			}
		})
	})

	t.Run("Bitwise", func(t *testing.T) {
		t.Run("And", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeBitwiseAnd)
			buildFnAnd := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.BitwiseAnd(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{uint8(0b11110000), uint8(0b10101010)}, buildFnAnd)
			if err != nil {
				t.Fatalf("Failed to execute BitwiseAnd: %+v", err)
			}
			if ok, diff := testutil.IsEqual(uint8(0b10100000), y); !ok {
				t.Errorf("BitwiseAnd mismatch:\n%s", diff)
			}
		})

		t.Run("Or", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeBitwiseOr)
			buildFnOr := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.BitwiseOr(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{uint8(0b11110000), uint8(0b10101010)}, buildFnOr)
			if err != nil {
				t.Fatalf("Failed to execute BitwiseOr: %+v", err)
			}
			if ok, diff := testutil.IsEqual(uint8(0b11111010), y); !ok {
				t.Errorf("BitwiseOr mismatch:\n%s", diff)
			}
		})

		t.Run("Xor", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeBitwiseXor)
			buildFnXor := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.BitwiseXor(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{uint8(0b11110000), uint8(0b10101010)}, buildFnXor)
			if err != nil {
				t.Fatalf("Failed to execute BitwiseXor: %+v", err)
			}
			if ok, diff := testutil.IsEqual(uint8(0b01011010), y); !ok {
				t.Errorf("BitwiseXor mismatch:\n%s", diff)
			}
		})

		t.Run("ShiftLeft", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeShiftLeft)
			y, err := testutil.Exec1(b, []any{[]int32{-1, 3}, []int32{1, 2}}, func(f compute.Function, p []compute.Value) (compute.Value, error) {
				return f.ShiftLeft(p[0], p[1])
			})
			if err != nil {
				t.Fatalf("Failed to execute ShiftLeft: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]int32{-2, 12}, y); !ok {
				t.Errorf("ShiftLeft mismatch:\n%s", diff)
			}
		})

		t.Run("ShiftRightArithmetic", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeShiftRightArithmetic)
			y, err := testutil.Exec1(b, []any{[]int32{-8, 8}, []int32{1, 1}}, func(f compute.Function, p []compute.Value) (compute.Value, error) {
				return f.ShiftRightArithmetic(p[0], p[1])
			})
			if err != nil {
				t.Fatalf("Failed to execute ShiftRightArithmetic: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]int32{-4, 4}, y); !ok {
				t.Errorf("ShiftRightArithmetic mismatch:\n%s", diff)
			}
		})

		t.Run("ShiftRightLogical", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeShiftRightLogical)
			y, err := testutil.Exec1(b, []any{[]int32{-8, 8}, []int32{1, 1}}, func(f compute.Function, p []compute.Value) (compute.Value, error) {
				return f.ShiftRightLogical(p[0], p[1])
			})
			if err != nil {
				t.Fatalf("Failed to execute ShiftRightLogical: %+v", err)
			}
			if ok, diff := testutil.IsEqual([]int32{int32(uint32(0xFFFFFFF8) >> 1), 4}, y); !ok {
				t.Errorf("ShiftRightLogical mismatch:\n%s", diff)
			}
		})
	})

	t.Run("Complex", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeComplex)
		testutil.SkipIfMissingDType(t, b, dtypes.Complex64)
		y, err := testutil.Exec1(b, []any{[]float32{3, -5}, []float32{4, 12}}, func(f compute.Function, p []compute.Value) (compute.Value, error) {
			return f.Complex(p[0], p[1])
		})
		if err != nil {
			t.Fatalf("Failed to execute Complex: %+v", err)
		}
		if ok, diff := testutil.IsEqual([]complex64{3 + 4i, -5 + 12i}, y); !ok {
			t.Errorf("Complex mismatch:\n%s", diff)
		}
	})

	t.Run("Comparison", func(t *testing.T) {
		t.Run("Equal", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeEqual)
			buildFnEqual := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.Equal(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{float32(1.5), float32(1.5)}, buildFnEqual)
			if err != nil {
				t.Fatalf("Failed to execute Equal: %+v", err)
			}
			if ok, diff := testutil.IsEqual(true, y); !ok {
				t.Errorf("Equal mismatch:\n%s", diff)
			}
		})

		t.Run("GreaterOrEqual", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeGreaterOrEqual)
			buildFnGreaterOrEqual := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.GreaterOrEqual(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{float32(2.5), float32(1.5)}, buildFnGreaterOrEqual)
			if err != nil {
				t.Fatalf("Failed to execute GreaterOrEqual: %+v", err)
			}
			if ok, diff := testutil.IsEqual(true, y); !ok {
				t.Errorf("GreaterOrEqual mismatch:\n%s", diff)
			}
		})

		t.Run("GreaterThan", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeGreaterThan)
			buildFnGreaterThan := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.GreaterThan(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{float32(2.5), float32(1.5)}, buildFnGreaterThan)
			if err != nil {
				t.Fatalf("Failed to execute GreaterThan: %+v", err)
			}
			if ok, diff := testutil.IsEqual(true, y); !ok {
				t.Errorf("GreaterThan mismatch:\n%s", diff)
			}
		})

		t.Run("LessOrEqual", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeLessOrEqual)
			buildFnLessOrEqual := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.LessOrEqual(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{float32(1.0), float32(2.0)}, buildFnLessOrEqual)
			if err != nil {
				t.Fatalf("Failed to execute LessOrEqual: %+v", err)
			}
			if ok, diff := testutil.IsEqual(true, y); !ok {
				t.Errorf("LessOrEqual mismatch:\n%s", diff)
			}
		})

		t.Run("LessThan", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeLessThan)
			buildFnLessThan := func(f compute.Function, params []compute.Value) (compute.Value, error) {
				return f.LessThan(params[0], params[1])
			}
			y, err := testutil.Exec1(b, []any{float32(1.5), float32(2.5)}, buildFnLessThan)
			if err != nil {
				t.Fatalf("Failed to execute LessThan: %+v", err)
			}
			if ok, diff := testutil.IsEqual(true, y); !ok {
				t.Errorf("LessThan mismatch:\n%s", diff)
			}
		})
	})

	t.Run("ZeroSizedBroadcast", func(t *testing.T) {
		testutil.SkipIfMissing(t, b, compute.OpTypeParameter)
		testutil.SkipIfMissing(t, b, compute.OpTypeAdd)
		testutil.SkipIfMissingDType(t, b, dtypes.Float32)

		runZeroBinary := func(name string, op compute.OpType, lhsShape, rhsShape, wantShape shapes.Shape,
			lhsFlat, rhsFlat any, fn func(f compute.Function, l, r compute.Value) (compute.Value, error)) {
			t.Run(name, func(t *testing.T) {
				testutil.SkipIfMissing(t, b, op)
				testutil.SkipIfMissingDType(t, b, lhsShape.DType)
				testutil.SkipIfMissingDType(t, b, wantShape.DType)

				builder := b.Builder("zero_bcast_" + name)
				mainFn := builder.Main()
				p0, err := mainFn.Parameter("lhs", lhsShape, nil)
				if err != nil {
					t.Fatalf("Parameter lhs (%s): %+v", lhsShape, err)
				}
				p1, err := mainFn.Parameter("rhs", rhsShape, nil)
				if err != nil {
					t.Fatalf("Parameter rhs (%s): %+v", rhsShape, err)
				}
				out, err := fn(mainFn, p0, p1)
				if err != nil {
					t.Fatalf("build %s(%s, %s) failed: %+v", name, lhsShape, rhsShape, err)
				}
				gotBuildShape, err := mainFn.Shape(out)
				if err != nil {
					t.Fatalf("Shape() failed: %+v", err)
				}
				if !gotBuildShape.Equal(wantShape) {
					t.Fatalf("inferred shape = %s, want %s", gotBuildShape, wantShape)
				}
				if err := mainFn.Return([]compute.Value{out}, nil); err != nil {
					t.Fatalf("Return failed: %+v", err)
				}
				exec, err := builder.Compile()
				if err != nil {
					if compute.IsNotImplemented(err) {
						t.Skipf("Skipping %s: %v", name, err)
					}
					t.Fatalf("Compile failed: %+v", err)
				}
				defer exec.Finalize()

				b0, err := b.BufferFromFlatData(0, lhsFlat, lhsShape)
				if err != nil {
					t.Fatalf("BufferFromFlatData lhs: %+v", err)
				}
				defer b0.Finalize()
				b1, err := b.BufferFromFlatData(0, rhsFlat, rhsShape)
				if err != nil {
					t.Fatalf("BufferFromFlatData rhs: %+v", err)
				}
				defer b1.Finalize()

				outs, err := exec.Execute([]compute.Buffer{b0, b1}, nil, 0)
				if err != nil {
					t.Fatalf("Execute failed: %+v", err)
				}
				defer outs[0].Finalize()
				gotShape, err := outs[0].Shape()
				if err != nil {
					t.Fatalf("output Shape() failed: %+v", err)
				}
				if !gotShape.Equal(wantShape) {
					t.Fatalf("runtime output shape = %s, want %s", gotShape, wantShape)
				}
			})
		}

		s14 := shapes.Make(dtypes.Float32, 1, 4)
		s04 := shapes.Make(dtypes.Float32, 0, 4)
		f14 := []float32{1, 2, 3, 4}
		f04 := []float32{}

		runZeroBinary("Add_1x4_0x4", compute.OpTypeAdd, s14, s04, s04, f14, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Add(l, r) })
		runZeroBinary("Add_0x4_1x4", compute.OpTypeAdd, s04, s14, s04, f04, f14,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Add(l, r) })
		runZeroBinary("Sub_1x4_0x4", compute.OpTypeSub, s14, s04, s04, f14, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Sub(l, r) })
		runZeroBinary("Sub_0x4_1x4", compute.OpTypeSub, s04, s14, s04, f04, f14,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Sub(l, r) })
		runZeroBinary("Mul_1x4_0x4", compute.OpTypeMul, s14, s04, s04, f14, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Mul(l, r) })
		runZeroBinary("Div_1x4_0x4", compute.OpTypeDiv, s14, s04, s04, f14, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Div(l, r) })
		runZeroBinary("Max_1x4_0x4", compute.OpTypeMax, s14, s04, s04, f14, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Max(l, r) })
		runZeroBinary("Min_0x4_1x4", compute.OpTypeMin, s04, s14, s04, f04, f14,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Min(l, r) })
		runZeroBinary("Add_Scalar_0x4", compute.OpTypeAdd, shapes.Make(dtypes.Float32), s04, s04, []float32{5}, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Add(l, r) })
		runZeroBinary("Mul_MidAxis_1x0x3_2x1x3", compute.OpTypeMul,
			shapes.Make(dtypes.Float32, 1, 0, 3), shapes.Make(dtypes.Float32, 2, 1, 3), shapes.Make(dtypes.Float32, 2, 0, 3),
			[]float32{}, []float32{1, 2, 3, 4, 5, 6},
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Mul(l, r) })
		runZeroBinary("Equal_1x4_0x4", compute.OpTypeEqual, s14, s04, shapes.Make(dtypes.Bool, 0, 4), f14, f04,
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.Equal(l, r) })
		runZeroBinary("ShiftLeft_1x4_0x4", compute.OpTypeShiftLeft,
			shapes.Make(dtypes.Int32, 1, 4), shapes.Make(dtypes.Int32, 0, 4), shapes.Make(dtypes.Int32, 0, 4),
			[]int32{1, 2, 3, 4}, []int32{},
			func(f compute.Function, l, r compute.Value) (compute.Value, error) { return f.ShiftLeft(l, r) })

		t.Run("Where_1x4_0x4_1x4", func(t *testing.T) {
			testutil.SkipIfMissing(t, b, compute.OpTypeWhere)
			testutil.SkipIfMissingDType(t, b, dtypes.Bool)
			builder := b.Builder("zero_bcast_where")
			fn := builder.Main()
			cond, err := fn.Parameter("cond", shapes.Make(dtypes.Bool, 1, 4), nil)
			if err != nil {
				t.Fatal(err)
			}
			onTrue, err := fn.Parameter("t", s04, nil)
			if err != nil {
				t.Fatal(err)
			}
			onFalse, err := fn.Parameter("f", s14, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := fn.Where(cond, onTrue, onFalse)
			if err != nil {
				t.Fatalf("Where([1,4], [0,4], [1,4]) build failed: %+v", err)
			}
			if err := fn.Return([]compute.Value{out}, nil); err != nil {
				t.Fatal(err)
			}
			exec, err := builder.Compile()
			if err != nil {
				if compute.IsNotImplemented(err) {
					t.Skipf("Skipping Where zero broadcast: %v", err)
				}
				t.Fatalf("Compile failed: %+v", err)
			}
			defer exec.Finalize()
			bCond, _ := b.BufferFromFlatData(0, []bool{true, false, true, false}, shapes.Make(dtypes.Bool, 1, 4))
			defer bCond.Finalize()
			bTrue, _ := b.BufferFromFlatData(0, f04, s04)
			defer bTrue.Finalize()
			bFalse, _ := b.BufferFromFlatData(0, f14, s14)
			defer bFalse.Finalize()
			outs, err := exec.Execute([]compute.Buffer{bCond, bTrue, bFalse}, nil, 0)
			if err != nil {
				t.Fatalf("Where Execute failed: %+v", err)
			}
			defer outs[0].Finalize()
			gotShape, _ := outs[0].Shape()
			if !gotShape.Equal(s04) {
				t.Fatalf("Where output shape = %s, want %s", gotShape, s04)
			}
		})

		t.Run("InvalidNonUnitBroadcastToZero", func(t *testing.T) {
			// Broadcasting a non-1 dimension (2) with 0 must fail at graph-build time.
			builder := b.Builder("invalid_2x4_0x4")
			fn := builder.Main()
			p0, err := fn.Parameter("lhs", shapes.Make(dtypes.Float32, 2, 4), nil)
			if err != nil {
				t.Fatal(err)
			}
			p1, err := fn.Parameter("rhs", s04, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fn.Add(p0, p1); err == nil {
				t.Fatal("expected error for Add([2, 4], [0, 4]), got nil")
			}
		})
	})
}
