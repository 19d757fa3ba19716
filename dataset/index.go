package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/wfm-platform/wfm/internal/regfile"
)

// IndexFormat identifies the index file layout.
const IndexFormat = "wfm-webdataset/1"

// Index describes the complete shards of a dataset; it is stored as PREFIX-index.json.
type Index struct {
	Format string      `json:"format"`
	Prefix string      `json:"prefix"`
	Shards []ShardInfo `json:"shards"`
	// Complete is true once the run that wrote the dataset finished (ShardWriter.Close): while
	// a run writes, or after it was interrupted, the index lists the shards completed so far and
	// Complete is false. Readers (OpenDir) refuse an incomplete dataset unless told otherwise.
	// An index written before this field existed has no "complete" key and is read as complete.
	Complete bool `json:"complete"`
}

// ShardInfo describes one complete shard.
type ShardInfo struct {
	Name     string `json:"name"` // base name, PREFIX-NNNNNN.tar
	Samples  int    `json:"samples"`
	FirstKey string `json:"first_key"`
	LastKey  string `json:"last_key"`
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256"` // hex
}

// Samples returns the number of samples in all shards.
func (ix *Index) Samples() int {
	n := 0
	for _, s := range ix.Shards {
		n += s.Samples
	}
	return n
}

// Paths returns the shard paths inside dir.
func (ix *Index) Paths(dir string) []string {
	p := make([]string, len(ix.Shards))
	for i, s := range ix.Shards {
		p[i] = filepath.Join(dir, s.Name)
	}
	return p
}

// ShardName returns the file name of shard number n.
func ShardName(prefix string, n int) string { return fmt.Sprintf("%s-%06d.tar", prefix, n) }

// IndexName returns the file name of the index.
func IndexName(prefix string) string { return prefix + "-index.json" }

// maxIndexBytes bounds an index file: about 200 bytes a shard, so millions of shards.
const maxIndexBytes = 256 << 20

// ReadIndex reads dir/PREFIX-index.json. A missing index gives an error satisfying
// errors.Is(err, fs.ErrNotExist).
func ReadIndex(dir, prefix string) (*Index, error) {
	path := filepath.Join(dir, IndexName(prefix))
	// A regular file of bounded size: a FIFO in its place would block the reader forever.
	data, err := regfile.ReadFile(path, maxIndexBytes)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var ix Index
	if err := json.Unmarshal(data, &ix); err != nil {
		return nil, fmt.Errorf("dataset: index %s: %w", path, err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err == nil {
		if _, ok := keys["complete"]; !ok {
			ix.Complete = true // written before the field existed: nothing tells otherwise
		}
	}
	if ix.Format != IndexFormat || ix.Prefix != prefix {
		return nil, fmt.Errorf("dataset: index %s: format %q prefix %q, want %q and %q", path, ix.Format, ix.Prefix, IndexFormat, prefix)
	}
	for i, s := range ix.Shards {
		if s.Name != ShardName(prefix, i) || s.Samples < 1 || s.Bytes < 0 {
			return nil, fmt.Errorf("dataset: index %s: shard %d is %q with %d samples, %d bytes", path, i, s.Name, s.Samples, s.Bytes)
		}
	}
	return &ix, nil
}

// ShardPaths lists the shards of dir/prefix: those its index lists if it has one, otherwise
// every PREFIX-NNNNNN.tar file in the folder in name order.
func ShardPaths(dir, prefix string) ([]string, error) {
	ix, err := ReadIndex(dir, prefix)
	if err == nil {
		return ix.Paths(dir), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	re := regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + `-[0-9]{6,}\.tar$`)
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && re.MatchString(e.Name()) {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("dataset: no shards %s-NNNNNN.tar in %s", prefix, dir)
	}
	return paths, nil
}

// VerifyShard checks that the file at path has the size and SHA-256 that info records. A
// mismatch is an error satisfying errors.Is(err, ErrShardMismatch).
func VerifyShard(path string, info ShardInfo) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("dataset: verify %s: %w", path, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != info.Bytes || sum != info.SHA256 {
		return fmt.Errorf("dataset: verify %s: %w: %d bytes with SHA-256 %s, the index says %d bytes with %s",
			path, ErrShardMismatch, n, sum, info.Bytes, info.SHA256)
	}
	return nil
}
