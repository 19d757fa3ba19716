package dataset

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
)

// Sample is one WebDataset sample: a key and its parts, keyed by extension ("json", "y4m",
// "mask.png").
type Sample struct {
	Key   string
	Parts map[string][]byte
	// Shard is the shard the sample came from (its path, or the name given to
	// NewSampleReader) and Index its 0-based position in that shard.
	Shard string
	Index int
}

// Limits bound what a reader accepts, so hostile shards cannot exhaust memory. A zero field
// takes its default.
type Limits struct {
	MaxPartBytes   int64 // bytes of one part; default 1 GiB
	MaxSampleBytes int64 // bytes of all parts of one sample; default 4 GiB
	MaxParts       int   // parts per sample; default 256
	MaxSamples     int   // samples per shard (the keys seen are kept to detect split samples); default 1<<20
}

func (l Limits) withDefaults() Limits {
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = 1 << 30
	}
	if l.MaxSampleBytes <= 0 {
		l.MaxSampleBytes = 4 << 30
	}
	if l.MaxParts <= 0 {
		l.MaxParts = 256
	}
	if l.MaxSamples <= 0 {
		l.MaxSamples = 1 << 20
	}
	return l
}

// SampleReader groups the entries of one tar stream into samples.
type SampleReader struct {
	shard string
	lim   Limits
	tr    *tar.Reader
	src   *eofReader
	seen  map[string]struct{}
	next  *part // the first part of the next sample, read ahead
	index int
	err   error // sticky: io.EOF or the first error
}

type part struct {
	key, ext, name string
	data           []byte
}

// NewSampleReader reads samples from the tar stream r; shard names the stream in errors.
func NewSampleReader(r io.Reader, shard string, lim Limits) *SampleReader {
	src := &eofReader{r: r}
	return &SampleReader{shard: shard, lim: lim.withDefaults(), tr: tar.NewReader(src), src: src, seen: map[string]struct{}{}}
}

// eofReader remembers whether its reader reached its end. archive/tar reports io.EOF both at
// the end-of-archive marker (two zero blocks) and when the data just stops at an entry
// boundary or inside padding; only the first leaves the underlying reader short of its end.
type eofReader struct {
	r   io.Reader
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}

func (r *SampleReader) fail(key, entry string, kind error, format string, args ...any) error {
	r.err = &FormatError{Shard: r.shard, Key: key, Entry: entry, Err: fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))}
	return r.err
}

// readPart reads the next entry; it returns nil, nil at the end of the archive.
func (r *SampleReader) readPart(current string) (*part, error) {
	h, err := r.tr.Next()
	if err == io.EOF && r.src.eof {
		return nil, r.fail(current, "", ErrCorrupt, "truncated: the archive ends without its end-of-archive marker")
	}
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, r.fail(current, "", ErrCorrupt, "reading header: %v", err)
	}
	if h.Typeflag != tar.TypeReg {
		return nil, r.fail(current, h.Name, ErrBadEntry, "type flag %q", h.Typeflag)
	}
	key, ext, err := splitName(h.Name)
	if err != nil {
		return nil, r.fail(current, h.Name, ErrBadName, "%v", err)
	}
	if h.Size > r.lim.MaxPartBytes {
		return nil, r.fail(key, h.Name, ErrTooLarge, "part of %d bytes, limit %d", h.Size, r.lim.MaxPartBytes)
	}
	// Read through a LimitReader rather than allocating h.Size up front, so a truncated
	// stream claiming a large size costs only what it holds.
	data, err := io.ReadAll(io.LimitReader(r.tr, h.Size))
	if err == nil && int64(len(data)) != h.Size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, r.fail(key, h.Name, ErrCorrupt, "reading %d bytes: %v", h.Size, err)
	}
	return &part{key: key, ext: ext, name: h.Name, data: data}, nil
}

// Next returns the next sample, or io.EOF after the last one. After an error every call
// returns the same error.
func (r *SampleReader) Next() (*Sample, error) {
	if r.err != nil {
		return nil, r.err
	}
	first := r.next
	r.next = nil
	if first == nil {
		p, err := r.readPart("")
		if err != nil {
			return nil, err
		}
		if p == nil {
			r.err = io.EOF
			return nil, io.EOF
		}
		first = p
	}
	key := first.key
	if _, dup := r.seen[key]; dup {
		return nil, r.fail(key, first.name, ErrSplitSample, "key seen earlier in the shard")
	}
	if len(r.seen) >= r.lim.MaxSamples {
		return nil, r.fail(key, first.name, ErrTooLarge, "more than %d samples", r.lim.MaxSamples)
	}
	r.seen[key] = struct{}{}
	s := &Sample{Key: key, Parts: map[string][]byte{first.ext: first.data}, Shard: r.shard, Index: r.index}
	total := int64(len(first.data))
	for {
		p, err := r.readPart(key)
		if err != nil {
			return nil, err
		}
		if p == nil || p.key != key {
			r.next = p
			break
		}
		if _, dup := s.Parts[p.ext]; dup {
			return nil, r.fail(key, p.name, ErrDuplicatePart, "extension %q appears twice", p.ext)
		}
		if len(s.Parts) >= r.lim.MaxParts {
			return nil, r.fail(key, p.name, ErrTooLarge, "more than %d parts", r.lim.MaxParts)
		}
		if total += int64(len(p.data)); total > r.lim.MaxSampleBytes {
			return nil, r.fail(key, p.name, ErrTooLarge, "sample over %d bytes", r.lim.MaxSampleBytes)
		}
		s.Parts[p.ext] = p.data
	}
	r.index++
	return s, nil
}

// Reader streams the samples of several shard files in turn, opening one file at a time.
type Reader struct {
	paths []string
	lim   Limits
	i     int
	f     *os.File
	sr    *SampleReader
	check func(path string) error // before a shard is opened; nil: none
}

// NewReader reads the shards at paths in that order.
func NewReader(paths []string, lim Limits) *Reader {
	return &Reader{paths: append([]string(nil), paths...), lim: lim}
}

// OpenDir reads the dataset dir/prefix: the shards its index lists, or, without an index,
// every PREFIX-NNNNNN.tar file in order (see ShardPaths). The dataset is checked against its
// index with the default OpenOptions: an index not marked complete is refused, every shard's
// size is checked now and its SHA-256 before its first sample is returned.
func OpenDir(dir, prefix string, lim Limits) (*Reader, error) {
	return OpenDirWith(dir, prefix, lim, OpenOptions{})
}

// OpenDirWith is OpenDir with explicit checks (see OpenDataset).
func OpenDirWith(dir, prefix string, lim Limits, opts OpenOptions) (*Reader, error) {
	d, err := OpenDataset(dir, prefix, opts)
	if err != nil {
		return nil, err
	}
	return d.Reader(lim), nil
}

// Next returns the next sample, or io.EOF after the last one of the last shard.
func (r *Reader) Next() (*Sample, error) {
	for {
		if r.sr == nil {
			if r.i >= len(r.paths) {
				return nil, io.EOF
			}
			if r.check != nil {
				if err := r.check(r.paths[r.i]); err != nil {
					return nil, err
				}
			}
			f, err := os.Open(r.paths[r.i])
			if err != nil {
				return nil, fmt.Errorf("dataset: %w", err)
			}
			r.f, r.sr = f, NewSampleReader(f, r.paths[r.i], r.lim)
		}
		s, err := r.sr.Next()
		if !errors.Is(err, io.EOF) {
			return s, err
		}
		if err := r.Close(); err != nil {
			return nil, err
		}
		r.i++
	}
}

// Close closes the shard being read, if any.
func (r *Reader) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f, r.sr = nil, nil
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	return nil
}
