package dataset

import (
	"errors"
	"fmt"
)

// Kinds of problems found in shards; a *FormatError wraps one of them, so errors.Is tells
// them apart.
var (
	// ErrCorrupt: the tar stream is truncated or its headers are malformed.
	ErrCorrupt = errors.New("corrupt or truncated tar")
	// ErrBadName: an entry name is absolute, has folders or "..", lacks a key or an
	// extension, or is too long.
	ErrBadName = errors.New("bad entry name")
	// ErrBadEntry: an entry is not a regular file (a link, a folder, a device, ...).
	ErrBadEntry = errors.New("entry is not a regular file")
	// ErrSplitSample: a key reappears after entries of another key.
	ErrSplitSample = errors.New("sample split by another key")
	// ErrDuplicatePart: a sample has two entries with the same extension.
	ErrDuplicatePart = errors.New("duplicate part")
	// ErrTooLarge: a part, a sample, or the number of parts or samples exceeds Limits.
	ErrTooLarge = errors.New("over the size limit")
)

// Problems found when a dataset is checked against its index (OpenDir, VerifyShard).
var (
	// ErrShardMismatch: a shard is missing, or its size or SHA-256 is not what the index
	// records (truncated, corrupted or replaced after it was written).
	ErrShardMismatch = errors.New("shard does not match the index")
	// ErrIncomplete: the index is not marked complete, so the run writing the dataset is
	// still going or was interrupted.
	ErrIncomplete = errors.New("dataset index is not complete")
	// ErrNoIndex: the folder has shards but no index, and OpenOptions.RequireIndex is set.
	ErrNoIndex = errors.New("no dataset index")
)

// FormatError reports a problem in a shard. Key is the sample being read when the problem
// was found ("" before the first entry or when the name itself is unreadable); Entry is the
// tar entry name involved, if any.
type FormatError struct {
	Shard string
	Key   string
	Entry string
	Err   error
}

func (e *FormatError) Error() string {
	msg := "dataset: shard " + e.Shard
	if e.Key != "" {
		msg += fmt.Sprintf(", sample %q", e.Key)
	}
	if e.Entry != "" {
		msg += fmt.Sprintf(", entry %q", e.Entry)
	}
	return msg + ": " + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }
