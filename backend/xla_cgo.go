//go:build cgo

package backend

import _ "github.com/gomlx/go-xla/compute/xla" // registers "xla", without auto-install

// xlaCompiledIn reports whether this binary holds the XLA backend, which needs cgo.
const xlaCompiledIn = true
