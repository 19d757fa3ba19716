// Copyright 2023-2026 The GoMLX Authors. SPDX-License-Identifier: Apache-2.0

// Package neon provides ARM64 AdvSIMD (NEON) implementations for activations.
package neon
