// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

package compute

import (
	"maps"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// Capabilities holds mappings of what is supported by a backend.
type Capabilities struct {
	// Operations supported by a backend.
	// If not listed, it's assumed to be false, hence not supported.
	Operations map[OpType]bool

	// Functions indicates whether the backend supports functions (top-level functions or closures).
	// Without functions, it's not possible to support Call() op or any other
	// op that takes as input a closure (While, If, etc.)
	Functions bool

	// DTypes list the data types supported by a backend.
	// If not listed, it's assumed to be false, hence not supported.
	DTypes map[dtypes.DType]bool

	// DynamicAxes indicates whether the backend supports named dynamic axes
	// and shape specialization. When true, graph parameters can have symbolic
	// dimensions (shapes.DynamicDim) with named axes, and the backend will
	// lazily specialize execution for each concrete axis binding.
	//
	// Deprecated: DynamicShapesSupport provides more fine-grained control
	// over dynamic shapes and is the recommended way to specify backend
	// capabilities regarding dynamic shapes. It is set to true if
	// DynamicShapes is not DynamicShapesNone.
	DynamicAxes bool

	// DynamicShapes indicates whether the backend supports dynamic shapes
	// during graph building. If supported the same computation graph can be
	// used for different shapes of inputs. Some operations can also produce
	// data-dependent dynamic dimensions (for example, NonZero); support for
	// those operations is backend-specific.
	//
	// A backend may not support dynamic shapes at all -- in which case GoMLX
	// recreates and recompiles the whole graph at runtime for each different
	// input shape. Or it can support dynamic shapes by JIT-recompiling behind
	// the scenes. In either these two cases, the user need to know and properly
	// bucket/pad inputs to avoid excessive recompilations (if inputs vary in size).
	DynamicShapes DynamicShapesSupport

	// DynamicDimDType specifies the DType used or returned by the backend for dynamic dimensions
	// (such as DynamicDimensionSize and DynamicShape).
	// If not set (or set to dtypes.InvalidDType), it defaults to dtypes.Int64.
	DynamicDimDType dtypes.DType

	// PreferConstantsForVariables indicates that the backend prefers context variables
	// (model weights) to be embedded as constants in the computation graph rather than
	// passed as parameters (inputs) at execution time. This enables optimizations like
	// weight blob storage and eliminates per-inference data transfer overhead.
	// When true, libraries like onnx-gomlx should use graph.Const() instead of
	// Variable.ValueGraph() for model weights.
	PreferConstantsForVariables bool

	// SharedConstants indicates that constant Values created with Function.Constant
	// can be reused across multiple Functions and Builders created on the same Backend.
	// When true, model variables converted to constants (e.g., when donating a model.Store
	// for inference) can be cached as a compute.Value and shared across graph recompilations.
	SharedConstants bool

	// RNGAlgorithms lists which Random Number Generator (RNG) algorithms are natively
	// supported by this backend (paralleling Operations and DTypes).
	// Backends supporting OpTypeRNGBitGenerator should at least set RNGAlgorithms[RNGDefault] = true.
	RNGAlgorithms map[RNGAlgorithm]bool

	// DefaultRNGAlgorithm indicates which concrete [RNGAlgorithm] this backend uses when
	// [RNGDefault] is requested (for example, [RNGPhilox] or [RNGThreeFry]).
	//
	// If the backend uses a backend-private native Pseudo-Random Number Generator (PRNG)
	// that does not correspond to a portable RNGAlgorithm constant, DefaultRNGAlgorithm
	// remains [RNGDefault] and DefaultRNGStateShape must specify its state tensor shape.
	DefaultRNGAlgorithm RNGAlgorithm

	// DefaultRNGStateShape specifies the state tensor shape for [RNGDefault] ONLY when
	// DefaultRNGAlgorithm == RNGDefault (a backend-private native PRNG).
	// When DefaultRNGAlgorithm != RNGDefault, DefaultRNGAlgorithm.StateShape() is used.
	DefaultRNGStateShape shapes.Shape
}

// Clone makes a deep copy of the Capabilities.
func (c Capabilities) Clone() Capabilities {
	var c2 Capabilities
	c2 = c
	c2.Operations = make(map[OpType]bool, len(c.Operations))
	maps.Copy(c2.Operations, c.Operations)
	c2.DTypes = make(map[dtypes.DType]bool, len(c.DTypes))
	maps.Copy(c2.DTypes, c.DTypes)
	if c.RNGAlgorithms != nil {
		c2.RNGAlgorithms = make(map[RNGAlgorithm]bool, len(c.RNGAlgorithms))
		maps.Copy(c2.RNGAlgorithms, c.RNGAlgorithms)
	}
	if c.DefaultRNGStateShape.Ok() {
		c2.DefaultRNGStateShape = c.DefaultRNGStateShape.Clone()
	}
	return c2
}

// SupportsRNG reports whether the backend natively implements the given RNGAlgorithm.
func (c Capabilities) SupportsRNG(algo RNGAlgorithm) bool {
	if !c.Operations[OpTypeRNGBitGenerator] {
		return false
	}
	if c.RNGAlgorithms != nil {
		return c.RNGAlgorithms[algo]
	}
	return algo == RNGDefault
}

// ResolveRNGAlgorithm resolves [RNGDefault] to c.DefaultRNGAlgorithm (which remains
// [RNGDefault] if the backend uses a backend-private native PRNG), or returns algo unchanged.
func (c Capabilities) ResolveRNGAlgorithm(algo RNGAlgorithm) RNGAlgorithm {
	if algo == RNGDefault && c.DefaultRNGAlgorithm != RNGDefault {
		return c.DefaultRNGAlgorithm
	}
	return algo
}

// RNGStateShape returns the expected state tensor Shape for algo on this backend,
// or an error wrapping [ErrNotImplemented] if algo is not natively supported.
func (c Capabilities) RNGStateShape(algo RNGAlgorithm) (shapes.Shape, error) {
	if !c.SupportsRNG(algo) {
		return shapes.Invalid(), errors.Wrapf(ErrNotImplemented, "RNG algorithm %s is not natively supported by this backend", algo)
	}
	resolved := c.ResolveRNGAlgorithm(algo)
	if resolved != RNGDefault {
		shape := resolved.StateShape()
		if !shape.Ok() {
			return shapes.Invalid(), errors.Wrapf(ErrNotImplemented, "unsupported RNG algorithm %s", resolved)
		}
		return shape, nil
	}
	if !c.DefaultRNGStateShape.Ok() {
		return shapes.Invalid(), errors.Errorf("backend supports RNGDefault with backend-private PRNG but did not configure Capabilities.DefaultRNGStateShape")
	}
	return c.DefaultRNGStateShape.Clone(), nil
}

// RNGStateFromSeed creates an initial host flat slice and state Shape from seed for algo
// on this backend. Returns an error wrapping [ErrNotImplemented] if algo is not supported.
func (c Capabilities) RNGStateFromSeed(algo RNGAlgorithm, seed int64) (flat any, shape shapes.Shape, err error) {
	shape, err = c.RNGStateShape(algo)
	if err != nil {
		return nil, shapes.Invalid(), err
	}
	resolved := c.ResolveRNGAlgorithm(algo)
	if resolved != RNGDefault {
		return resolved.StateFromSeed(seed)
	}
	n := shape.Size()
	s := uint64(seed)
	switch shape.DType {
	case dtypes.Uint64:
		vals := make([]uint64, n)
		for i := range vals {
			vals[i] = splitMix64Step(&s)
		}
		return vals, shape, nil
	case dtypes.Int64:
		vals := make([]int64, n)
		for i := range vals {
			vals[i] = int64(splitMix64Step(&s))
		}
		return vals, shape, nil
	case dtypes.Uint32:
		vals := make([]uint32, n)
		for i := range vals {
			vals[i] = uint32(splitMix64Step(&s))
		}
		return vals, shape, nil
	case dtypes.Int32:
		vals := make([]int32, n)
		for i := range vals {
			vals[i] = int32(splitMix64Step(&s))
		}
		return vals, shape, nil
	default:
		return nil, shapes.Invalid(), errors.Errorf("RNGStateFromSeed: unsupported DefaultRNGStateShape dtype %s", shape.DType)
	}
}

// HasDynamicShapes returns true if the backend supports dynamic shapes in any mode.
func (c Capabilities) HasDynamicShapes() bool {
	return c.DynamicShapes != DynamicShapesNone
}

// DynamicDimDTypeOrDefault returns DynamicDimDType if set and valid, or dtypes.Int64 by default.
func (c Capabilities) DynamicDimDTypeOrDefault() dtypes.DType {
	if c.DynamicDimDType != dtypes.InvalidDType {
		return c.DynamicDimDType
	}
	return dtypes.Int64
}

// DynamicShapesSupport enumeration values indicating whether and how a backend supports dynamic shapes.
type DynamicShapesSupport int

//go:generate go tool enumer -type DynamicShapesSupport -output=gen_dynamic_shapes_enumer.go capabilities.go

const (
	// DynamicShapesNone: Backend only supports static shapes (e.g., XLA PJRT).
	DynamicShapesNone DynamicShapesSupport = iota

	// DynamicShapesNative: Backend compiles once for dynamic graphs; zero
	// recompilation overhead across variable input dimensions (e.g., Go backend, ONNX Runtime).
	DynamicShapesNative

	// DynamicShapesRecompiling: Backend accepts dynamic input shapes and shares
	// weights/constants, but JIT-specializes/recompiles kernels per concrete shape.
	DynamicShapesRecompiling
)
