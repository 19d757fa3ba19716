//go:build !unix

package video

// openFlags: no non-blocking open outside Unix (checkRegular still refuses pipes first).
const openFlags = 0
