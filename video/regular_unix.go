//go:build unix

package video

import "syscall"

// openFlags makes opening a named pipe return at once instead of waiting for a writer; it
// changes nothing for a regular file, whose reads never block.
const openFlags = syscall.O_NONBLOCK
