package dataset

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// WriterOptions control shard rollover and resuming. A zero MaxSamples or MaxBytes means no
// limit of that kind; with neither, everything goes into one shard.
type WriterOptions struct {
	// MaxSamples closes a shard once it holds this many samples.
	MaxSamples int
	// MaxBytes starts a new shard before a sample that would take the current one past this
	// many bytes of tar. A sample bigger than MaxBytes on its own gets a shard of its own.
	MaxBytes int64
	// Resume continues the dataset described by an existing index instead of refusing to
	// touch a folder that already has one.
	Resume bool
}

// ShardWriter writes samples into PREFIX-NNNNNN.tar shards and keeps PREFIX-index.json up to
// date. It is not safe for concurrent use.
type ShardWriter struct {
	dir, prefix string
	opts        WriterOptions
	index       Index
	cur         *openShard
	err         error // sticky
	closed      bool
}

// openShard is the shard being written: a tar writer feeding, through a pipe, an
// atomicfile.Write running in its own goroutine.
type openShard struct {
	name     string
	pw       *io.PipeWriter
	done     chan error
	tw       *tar.Writer
	out      *hashCounter
	size     int64 // tar bytes so far, headers and padding included
	samples  int
	firstKey string
	lastKey  string
	keys     map[string]struct{}
}

type hashCounter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *hashCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// tarBlock is the tar block size; headers take one block and data is padded to whole blocks
// (POSIX.1-2017, pax, "ustar Interchange Format").
const tarBlock = 512

// epoch0 is the modification time of every entry, so that shards do not depend on when they
// were written.
var epoch0 = time.Unix(0, 0)

// NewShardWriter prepares to write dir/PREFIX-NNNNNN.tar. Stray temporary files of an
// interrupted run are removed. Without opts.Resume, a folder that already has this dataset's
// index or shards is refused; with it, the shards the index lists are verified (size and
// SHA-256) and writing continues with the next shard: the producer should skip the first
// Samples() samples it would otherwise write.
func NewShardWriter(dir, prefix string, opts WriterOptions) (*ShardWriter, error) {
	if err := ValidateKey(prefix); err != nil {
		return nil, fmt.Errorf("dataset: bad shard prefix: %w", err)
	}
	if opts.MaxSamples < 0 || opts.MaxBytes < 0 {
		return nil, fmt.Errorf("dataset: negative shard limits %d samples, %d bytes", opts.MaxSamples, opts.MaxBytes)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var existing []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."+prefix+"-") && strings.Contains(name, ".tmp-"):
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("dataset: remove stray temporary file: %w", err)
			}
		case strings.HasPrefix(name, prefix+"-"):
			existing = append(existing, name)
		}
	}
	w := &ShardWriter{dir: dir, prefix: prefix, opts: opts, index: Index{Format: IndexFormat, Prefix: prefix, Shards: []ShardInfo{}}}
	if !opts.Resume {
		if len(existing) > 0 {
			return nil, fmt.Errorf("dataset: %s already holds %s (and %d more files of dataset %q); resume or remove them",
				dir, existing[0], len(existing)-1, prefix)
		}
		return w, nil
	}
	ix, err := ReadIndex(dir, prefix)
	if errors.Is(err, os.ErrNotExist) {
		return w, nil
	}
	if err != nil {
		return nil, err
	}
	for _, s := range ix.Shards {
		if err := VerifyShard(filepath.Join(dir, s.Name), s); err != nil {
			return nil, fmt.Errorf("dataset: cannot resume: %w", err)
		}
	}
	w.index = *ix
	w.index.Complete = false // until this run's Close
	return w, nil
}

// Samples returns the number of samples written so far, those of earlier runs included: the
// number of the next sample.
func (w *ShardWriter) Samples() int {
	n := w.index.Samples()
	if w.cur != nil {
		n += w.cur.samples
	}
	return n
}

// Index returns a copy of the index of the shards completed so far.
func (w *ShardWriter) Index() Index {
	ix := w.index
	ix.Shards = append([]ShardInfo(nil), w.index.Shards...)
	return ix
}

// Write adds a sample. Parts are keyed by extension ("json", "y4m", "mask.png") and written
// in sorted order. Keys must be unique within a shard; a sample with no parts is refused.
func (w *ShardWriter) Write(key string, parts map[string][]byte) error {
	if w.closed {
		return fmt.Errorf("dataset: write to closed shard writer %s", w.prefix)
	}
	if w.err != nil {
		return w.err
	}
	if err := ValidateKey(key); err != nil {
		return err
	}
	if len(parts) == 0 {
		return fmt.Errorf("dataset: sample %q has no parts", key)
	}
	exts := make([]string, 0, len(parts))
	size := int64(0)
	for ext, data := range parts {
		if err := validateExt(ext); err != nil {
			return fmt.Errorf("dataset: sample %q: %w", key, err)
		}
		if n := len(key) + 1 + len(ext); n > maxNameBytes {
			return fmt.Errorf("dataset: sample %q part %q: name of %d bytes, the USTAR limit is %d", key, ext, n, maxNameBytes)
		}
		exts = append(exts, ext)
		size += tarBlock + (int64(len(data))+tarBlock-1)/tarBlock*tarBlock
	}
	sort.Strings(exts)
	if w.cur != nil && w.opts.MaxBytes > 0 && w.cur.size+size+2*tarBlock > w.opts.MaxBytes {
		if err := w.finish(); err != nil {
			return err
		}
	}
	if w.cur != nil {
		if _, dup := w.cur.keys[key]; dup {
			return fmt.Errorf("dataset: sample key %q written twice into shard %s", key, w.cur.name)
		}
	} else {
		w.start()
	}
	for _, ext := range exts {
		data := parts[ext]
		h := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     key + "." + ext,
			Mode:     0o644,
			Size:     int64(len(data)),
			ModTime:  epoch0,
			Format:   tar.FormatUSTAR,
		}
		if err := w.cur.tw.WriteHeader(h); err != nil {
			return w.fail(fmt.Errorf("dataset: shard %s, sample %q: %w", w.cur.name, key, err))
		}
		if _, err := w.cur.tw.Write(data); err != nil {
			return w.fail(fmt.Errorf("dataset: shard %s, sample %q: %w", w.cur.name, key, err))
		}
	}
	c := w.cur
	c.keys[key] = struct{}{}
	c.size += size
	if c.samples == 0 {
		c.firstKey = key
	}
	c.lastKey = key
	c.samples++
	if w.opts.MaxSamples > 0 && c.samples >= w.opts.MaxSamples {
		return w.finish()
	}
	return nil
}

func (w *ShardWriter) start() {
	name := ShardName(w.prefix, len(w.index.Shards))
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- atomicfile.Write(filepath.Join(w.dir, name), 0o644, func(f io.Writer) error {
			_, err := io.Copy(f, pr)
			if err != nil {
				pr.CloseWithError(err)
			}
			return err
		})
	}()
	out := &hashCounter{w: pw, h: sha256.New()}
	w.cur = &openShard{name: name, pw: pw, done: done, tw: tar.NewWriter(out), out: out, keys: map[string]struct{}{}}
}

// fail aborts the open shard (its temporary file is removed) and makes err sticky.
func (w *ShardWriter) fail(err error) error {
	if w.cur != nil {
		w.cur.pw.CloseWithError(err)
		<-w.cur.done
		w.cur = nil
	}
	w.err = err
	return err
}

// finish completes the open shard: closes the tar, waits for the rename and rewrites the index.
func (w *ShardWriter) finish() error {
	c := w.cur
	if err := c.tw.Close(); err != nil {
		return w.fail(fmt.Errorf("dataset: shard %s: %w", c.name, err))
	}
	c.pw.Close()
	if err := <-c.done; err != nil {
		w.cur = nil
		return w.fail(fmt.Errorf("dataset: %w", err))
	}
	w.cur = nil
	w.index.Shards = append(w.index.Shards, ShardInfo{
		Name: c.name, Samples: c.samples, FirstKey: c.firstKey, LastKey: c.lastKey,
		Bytes: c.out.n, SHA256: hex.EncodeToString(c.out.h.Sum(nil)),
	})
	return w.writeIndex()
}

// writeIndex rewrites the index atomically, marked complete when w.index.Complete is set (by
// close, last).
func (w *ShardWriter) writeIndex() error {
	data, err := json.MarshalIndent(&w.index, "", "  ")
	if err != nil {
		return w.fail(fmt.Errorf("dataset: index: %w", err))
	}
	if err := atomicfile.WriteFile(filepath.Join(w.dir, IndexName(w.prefix)), append(data, '\n'), 0o644); err != nil {
		return w.fail(fmt.Errorf("dataset: %w", err))
	}
	return nil
}

// Close completes the last shard and writes the index marked complete (also when no sample was
// written, so an empty dataset has an index too); until then the index on disk says the run has
// not finished. After an earlier error it only returns that error.
func (w *ShardWriter) Close() error {
	return w.close()
}

// Abort closes the writer without completing the open shard: its temporary file is removed,
// so the folder keeps only the shards completed so far and a resumed run rewrites the
// abandoned one in full, byte for byte as an uninterrupted run would. Use it when the run is
// interrupted; use Close when it has written everything.
func (w *ShardWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.cur != nil {
		_ = w.fail(errors.New("dataset: shard abandoned"))
		w.err = nil
	}
	return nil
}

func (w *ShardWriter) close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.cur != nil {
		if err := w.finish(); err != nil {
			return err
		}
	}
	// The last write of the run: only now does the index say the dataset is complete.
	w.index.Complete = true
	return w.writeIndex()
}
