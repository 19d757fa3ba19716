// Package dirlock gives a command exclusive use of the folder it writes.
//
// A writer calls [Acquire] on its output folder before it changes anything there (before any
// start-up clean-up of another run's temporary files, in particular). Acquire creates the lock
// file [FileName] inside the folder and holds flock(2) on it, exclusively, for as long as the
// [Lock] is open; the file also records who holds it (process id, host, start time, command) so
// that a second writer is refused with a [HeldError] naming the holder.
//
// # Stale locks
//
// The kernel releases a flock when the process holding it dies (crash, kill -9, power loss
// followed by reboot), so a lock file whose holder is gone is simply locked again: the new
// holder rewrites its content and [Lock.TookOver] reports the dead holder it replaced. No
// process id is ever probed and no timeout is guessed.
//
// # Scope
//
// flock is per open file description, so two Acquire calls in one process exclude each other
// as two processes do. It is advisory: only writers that use this package are excluded. On
// network file systems flock is as reliable as the file system's locking (NFSv4 maps it to
// byte-range locks; some FUSE file systems ignore it).
//
// [Lock.Release] removes the lock file (while still holding the lock, so that no other writer
// can be in between) and then releases it. A writer that opened the file just before it was
// removed notices that its lock is on a file no longer in the folder and starts again.
package dirlock
