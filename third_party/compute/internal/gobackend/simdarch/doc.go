// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

// Package simdarch provides CPU SIMD architecture detection, feature flags,
// assembly toggle switches, and hardware SME cluster topology and locking
// for the Go backend.
package simdarch
