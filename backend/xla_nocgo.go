//go:build !cgo

package backend

// xlaCompiledIn reports whether this binary holds the XLA backend, which needs cgo: without a C
// compiler Go builds with cgo off, and wfm still runs on the pure-Go backend.
const xlaCompiledIn = false
