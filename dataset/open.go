package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// HashCheck says when OpenDir checks the SHA-256 of a shard against the index.
type HashCheck int

const (
	// HashFirstUse (the default) hashes each shard the first time this process reads it,
	// before any of its samples is returned; a shard already verified (same path, size and
	// modification time) is not hashed again, so later epochs cost nothing.
	HashFirstUse HashCheck = iota
	// HashAll hashes every shard when the dataset is opened (wfm train --verify).
	HashAll
	// HashNever checks sizes only.
	HashNever
)

// OpenOptions say how a dataset is checked against its index when opened for reading. The zero
// value is the default: sizes of every shard checked at open, SHA-256 on first use, an
// incomplete index refused, a folder without an index read by shard names.
type OpenOptions struct {
	Hash HashCheck
	// AllowIncomplete reads the shards an index lists even when it is not marked complete (the
	// writer is still running or was interrupted): the dataset may grow or be cut short.
	AllowIncomplete bool
	// RequireIndex refuses a folder that has shards but no index, instead of reading every
	// PREFIX-NNNNNN.tar file in name order unchecked.
	RequireIndex bool
}

// Dataset is the shards of dir/prefix, found through the index (or by name without one) and
// checked against it.
type Dataset struct {
	Dir, Prefix string
	// Index is the dataset's index, nil when the folder has none.
	Index *Index
	// Paths are the shards in their canonical order.
	Paths []string
	opts  OpenOptions
	info  map[string]ShardInfo // by path
}

// OpenDataset finds the shards of dir/prefix and checks them against the index: the index must
// be marked complete (unless opts.AllowIncomplete), every shard it lists must exist with the
// recorded size, and with opts.Hash == HashAll the recorded SHA-256. Problems are errors naming
// the shard or index, satisfying errors.Is with ErrShardMismatch, ErrIncomplete or ErrNoIndex.
// Without an index the shards are found by name, unless opts.RequireIndex.
func OpenDataset(dir, prefix string, opts OpenOptions) (*Dataset, error) {
	d := &Dataset{Dir: dir, Prefix: prefix, opts: opts}
	ix, err := ReadIndex(dir, prefix)
	if errors.Is(err, os.ErrNotExist) {
		if d.Paths, err = ShardPaths(dir, prefix); err != nil {
			return nil, err
		}
		if opts.RequireIndex {
			return nil, fmt.Errorf("dataset: %s has %d shards of %q but %w %s", dir, len(d.Paths), prefix, ErrNoIndex, IndexName(prefix))
		}
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	ixPath := filepath.Join(dir, IndexName(prefix))
	if !ix.Complete && !opts.AllowIncomplete {
		return nil, fmt.Errorf("dataset: %s: %w: the run writing %q has not finished (still running, or interrupted: run it again to resume), %d shards so far",
			ixPath, ErrIncomplete, prefix, len(ix.Shards))
	}
	d.Index, d.Paths, d.info = ix, ix.Paths(dir), make(map[string]ShardInfo, len(ix.Shards))
	for i, s := range ix.Shards {
		path := d.Paths[i]
		d.info[path] = s
		st, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dataset: shard %s: %w: missing, listed in %s", path, ErrShardMismatch, ixPath)
		}
		if err != nil {
			return nil, fmt.Errorf("dataset: shard %s: %w", path, err)
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("dataset: shard %s: %w: not a regular file", path, ErrShardMismatch)
		}
		if st.Size() != s.Bytes {
			return nil, fmt.Errorf("dataset: shard %s: %w: %d bytes, %s says %d (truncated or replaced)",
				path, ErrShardMismatch, st.Size(), ixPath, s.Bytes)
		}
	}
	if opts.Hash == HashAll {
		for _, path := range d.Paths {
			if err := d.verifyHash(path, true); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// CheckShard checks the shard at path before it is read: nothing for a dataset without an
// index or with HashNever; otherwise its SHA-256, once per process per unchanged file.
func (d *Dataset) CheckShard(path string) error {
	if d.info == nil || d.opts.Hash == HashNever {
		return nil
	}
	return d.verifyHash(path, false)
}

// verifyKey identifies a shard file as verified: a change of size or time hashes it again.
type verifyKey struct {
	path   string
	size   int64
	mtime  int64
	sha256 string
}

// verified holds the shards whose SHA-256 this process checked.
var verified sync.Map

func (d *Dataset) verifyHash(path string, force bool) error {
	info, ok := d.info[path]
	if !ok {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("dataset: shard %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	key := verifyKey{abs, st.Size(), st.ModTime().UnixNano(), info.SHA256}
	if _, done := verified.Load(key); done && !force {
		return nil
	}
	if err := VerifyShard(path, info); err != nil {
		return fmt.Errorf("%w (listed in %s)", err, filepath.Join(d.Dir, IndexName(d.Prefix)))
	}
	verified.Store(key, true)
	return nil
}

// Reader returns a reader over the dataset's shards that checks each shard (CheckShard) before
// reading it.
func (d *Dataset) Reader(lim Limits) *Reader {
	r := NewReader(d.Paths, lim)
	r.check = d.CheckShard
	return r
}

// Loader returns a Loader over the dataset's shards that checks each shard (CheckShard) before
// reading it.
func (d *Dataset) Loader(opts LoaderOptions) (*Loader, error) {
	l, err := NewLoader(d.Paths, opts)
	if err != nil {
		return nil, err
	}
	l.check = d.CheckShard
	return l, nil
}
