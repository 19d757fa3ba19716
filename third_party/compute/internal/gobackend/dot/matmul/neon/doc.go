// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

// Package neon implements ARM64 NEON accelerated matrix multiplication (DotGeneral) kernels
// for the Go backend.
package neon
