package dirlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// FileName is the lock file Acquire creates in the folder it locks.
const FileName = ".wfm.lock"

// Holder describes the process that holds (or held) a lock, as recorded in the lock file.
type Holder struct {
	// What is the job, as the holder named it (for example "wfm synth").
	What string `json:"what"`
	// PID and Host identify the process.
	PID  int    `json:"pid"`
	Host string `json:"host"`
	// Started is when it took the lock.
	Started time.Time `json:"started"`
	// Command is its command line.
	Command string `json:"command"`
}

// String describes the holder in one line: "wfm synth (pid 123 on host h, since 2026-...,
// command "wfm synth --out x")".
func (h Holder) String() string {
	what := h.What
	if what == "" {
		what = "another writer"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (pid %d on host %s, since %s", what, h.PID, orUnknown(h.Host), startedString(h.Started))
	if h.Command != "" {
		fmt.Fprintf(&b, ", command %q", h.Command)
	}
	b.WriteString(")")
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func startedString(t time.Time) string {
	if t.IsZero() {
		return "an unknown time"
	}
	return t.UTC().Format(time.RFC3339)
}

// HeldError is returned by Acquire when another writer holds the folder.
type HeldError struct {
	// Dir is the locked folder and Path its lock file.
	Dir, Path string
	// Holder is who holds it; zero fields when the lock file could not be read (the holder
	// had not finished writing it).
	Holder Holder
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is in use by %s; wait for it to finish or stop it (the lock is %s)", e.Dir, e.Holder, e.Path)
}

// ErrHeld matches every *HeldError with errors.Is.
var ErrHeld = errors.New("dirlock: folder in use")

// Is makes errors.Is(err, ErrHeld) true for a *HeldError.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// Lock is an exclusive lock on a folder, held until Release.
type Lock struct {
	dir, path string
	f         *os.File
	holder    Holder
	tookOver  *Holder
}

// Acquire creates dir if needed and takes the exclusive lock on it, recording what (the job, for
// example "wfm synth") and this process in the lock file. If another writer holds it, Acquire
// fails at once with a *HeldError naming the holder; it never waits.
func Acquire(dir, what string) (*Lock, error) {
	return AcquireFile(dir, FileName, what)
}

// AcquireFile is Acquire with a lock file of another name (a folder may have several locks,
// for example one per part of a job split between processes).
func AcquireFile(dir, name, what string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dirlock: %w", err)
	}
	path := filepath.Join(dir, name)
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("dirlock: lock %s: %w", dir, err)
		}
		if err := flock(f); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, &HeldError{Dir: dir, Path: path, Holder: readHolder(path)}
			}
			return nil, fmt.Errorf("dirlock: lock %s: %w", path, err)
		}
		// The previous holder may have removed the file between our open and our flock: then
		// the lock is on an orphan inode and another writer may lock a new file. Start again.
		if same, err := samePath(f, path); err != nil || !same {
			f.Close()
			if attempt < 100 {
				continue
			}
			return nil, fmt.Errorf("dirlock: lock %s: the lock file keeps changing", path)
		}
		l := &Lock{dir: dir, path: path, f: f}
		if old, ok := decodeHolder(f); ok {
			l.tookOver = &old
		}
		l.holder = Holder{What: what, PID: os.Getpid(), Started: time.Now().UTC().Truncate(time.Second), Command: strings.Join(os.Args, " ")}
		l.holder.Host, _ = os.Hostname()
		if err := l.write(); err != nil {
			l.Release()
			return nil, err
		}
		return l, nil
	}
}

func flock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// write replaces the content of the lock file with l.holder.
func (l *Lock) write() error {
	data, err := json.Marshal(l.holder)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("dirlock: write %s: %w", l.path, err)
	}
	if _, err := l.f.WriteAt(data, 0); err != nil {
		return fmt.Errorf("dirlock: write %s: %w", l.path, err)
	}
	return nil
}

// decodeHolder reads the holder recorded in f, if any.
func decodeHolder(f *os.File) (Holder, bool) {
	var h Holder
	buf := make([]byte, 64<<10)
	n, _ := f.ReadAt(buf, 0)
	if n == 0 || json.Unmarshal(buf[:n], &h) != nil {
		return Holder{}, false
	}
	return h, true
}

// readHolder reads the holder of the lock at path, retrying briefly while the holder may still
// be writing it.
func readHolder(path string) Holder {
	for i := 0; i < 20; i++ {
		if f, err := os.Open(path); err == nil {
			h, ok := decodeHolder(f)
			f.Close()
			if ok {
				return h
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return Holder{}
}

// Probe reports whether the lock file name in dir is held by a live writer, without taking it:
// nil when it is free or absent, a *HeldError when held.
func Probe(dir, name string) error {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dirlock: probe %s: %w", path, err)
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return &HeldError{Dir: dir, Path: path, Holder: readHolder(path)}
	}
	if err != nil {
		return fmt.Errorf("dirlock: probe %s: %w", path, err)
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return nil
}

// Dir is the locked folder.
func (l *Lock) Dir() string { return l.dir }

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

// Holder is this process's record in the lock file.
func (l *Lock) Holder() Holder { return l.holder }

// TookOver returns the holder recorded in a lock file left by a writer that died without
// releasing it (its flock was gone), or nil when the lock was free and clean.
func (l *Lock) TookOver() *Holder { return l.tookOver }

// Release removes the lock file and releases the lock. It is safe to call more than once and on
// a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	var err error
	if same, _ := samePath(l.f, l.path); same {
		if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = fmt.Errorf("dirlock: release %s: %w", l.path, rerr)
		}
	}
	if cerr := l.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("dirlock: release %s: %w", l.path, cerr)
	}
	l.f = nil
	return err
}
