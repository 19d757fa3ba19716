//go:build goexperiment.simd

package backend

// SIMD reports whether this binary was built with GOEXPERIMENT=simd, which the Go backend needs
// for its vectorized matmul kernels (about 7x faster on CPU).
const SIMD = true
