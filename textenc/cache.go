package textenc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/torchfile"
	"github.com/wfm-platform/wfm/weights"
)

// Metadata keys of a cached embedding file, checked on read so that a file of another model or
// caption (a collision, a copied folder) is never used.
const (
	MetadataModel   = "wfm.textenc.model"
	MetadataCaption = "wfm.textenc.caption"
	cacheTensor     = "embedding"
)

// CacheKey is the SHA-256 of the model id, a NUL byte and the caption: the name of a caption's
// entry in a Cache.
func CacheKey(modelID, caption string) string {
	h := sha256.New()
	h.Write([]byte(modelID))
	h.Write([]byte{0})
	h.Write([]byte(caption))
	return hex.EncodeToString(h.Sum(nil))
}

// Cache is an Encoder that remembers the embedding of each caption: in memory, and, when it has
// a folder, on disk as one safetensors file per caption (dir/<key[:2]>/<key>.safetensors with
// the tensor "embedding" [tokens, Dim] float32, the caption's unpadded rows), so that captions
// shared by many clips, or seen in an earlier run, are encoded once. Entries are keyed by
// CacheKey(modelID, caption); a file that does not verify is re-encoded and rewritten. It is
// safe for concurrent use; the memory side keeps every caption it has seen.
type Cache struct {
	enc     Encoder
	modelID string
	dir     string

	mu     sync.Mutex
	mem    map[string][]float32
	hits   int
	misses int
}

// NewCache wraps enc, whose weights modelID names (Model.ID), with a cache kept in memory and,
// when dir is not empty, in that folder.
func NewCache(enc Encoder, modelID, dir string) *Cache {
	return &Cache{enc: enc, modelID: modelID, dir: dir, mem: map[string][]float32{}}
}

// Dim implements Encoder.
func (c *Cache) Dim() int { return c.enc.Dim() }

// MaxLen implements Encoder.
func (c *Cache) MaxLen() int { return c.enc.MaxLen() }

// Stats returns how many captions were served from the cache and how many were encoded.
func (c *Cache) Stats() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// Encode implements Encoder: cached captions are read back, the others encoded in one batch.
func (c *Cache) Encode(ctx context.Context, texts []string) (emb, mask *tensors.Tensor, err error) {
	if len(texts) == 0 {
		return nil, nil, errors.New("textenc: Encode needs at least one text")
	}
	d, maxLen := c.enc.Dim(), c.enc.MaxLen()
	rows := make([][]float32, len(texts))
	var missing []string
	missingAt := map[string][]int{}
	for i, t := range texts {
		key := CacheKey(c.modelID, t)
		if r, ok := c.lookup(key, t, d, maxLen); ok {
			rows[i] = r
			continue
		}
		if _, seen := missingAt[t]; !seen {
			missing = append(missing, t)
		}
		missingAt[t] = append(missingAt[t], i)
	}
	if len(missing) > 0 {
		e, m, err := c.enc.Encode(ctx, missing)
		if err != nil {
			return nil, nil, err
		}
		values, maskValues := tensors.MustCopyFlatData[float32](e), tensors.MustCopyFlatData[float32](m)
		for b, t := range missing {
			n := 0
			for n < maxLen && maskValues[b*maxLen+n] != 0 {
				n++
			}
			r := append([]float32(nil), values[b*maxLen*d:(b*maxLen+n)*d]...)
			if err := c.store(CacheKey(c.modelID, t), t, r, d); err != nil {
				return nil, nil, err
			}
			for _, i := range missingAt[t] {
				rows[i] = r
			}
		}
	}
	c.mu.Lock()
	c.hits += len(texts) - len(missing)
	c.misses += len(missing)
	c.mu.Unlock()
	full := make([]float32, len(texts)*maxLen*d)
	fullMask := make([]float32, len(texts)*maxLen)
	for i, r := range rows {
		copy(full[i*maxLen*d:], r)
		for j := range len(r) / d {
			fullMask[i*maxLen+j] = 1
		}
	}
	return tensors.FromFlatDataAndDimensions(full, len(texts), maxLen, d),
		tensors.FromFlatDataAndDimensions(fullMask, len(texts), maxLen), nil
}

// path is the file of a key.
func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".safetensors")
}

// lookup returns the rows of a caption from memory, or from disk (then kept in memory).
func (c *Cache) lookup(key, caption string, d, maxLen int) ([]float32, bool) {
	c.mu.Lock()
	r, ok := c.mem[key]
	c.mu.Unlock()
	if ok || c.dir == "" {
		return r, ok
	}
	r, err := readCacheFile(c.path(key), c.modelID, caption, d, maxLen)
	if err != nil {
		return nil, false
	}
	c.mu.Lock()
	c.mem[key] = r
	c.mu.Unlock()
	return r, true
}

// readCacheFile reads and verifies one cached embedding.
func readCacheFile(path, modelID, caption string, d, maxLen int) ([]float32, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	meta := f.Metadata()
	if meta[MetadataModel] != modelID || meta[MetadataCaption] != caption {
		return nil, fmt.Errorf("textenc: cache %s belongs to another model or caption", path)
	}
	t, err := f.Read(cacheTensor)
	if err != nil {
		return nil, err
	}
	if len(t.Shape) != 2 || t.Shape[1] != d || t.Shape[0] < 1 || t.Shape[0] > maxLen || t.DType != safetensors.F32 {
		return nil, fmt.Errorf("textenc: cache %s holds %s%v, want F32[1..%d, %d]", path, t.DType, t.Shape, maxLen, d)
	}
	tt := torchfile.Tensor{Name: t.Name, DType: t.DType, Shape: t.Shape, Data: t.Data}
	return tt.Float32s()
}

// store keeps rows in memory and, with a folder, writes them atomically to disk.
func (c *Cache) store(key, caption string, rows []float32, d int) error {
	c.mu.Lock()
	c.mem[key] = rows
	c.mu.Unlock()
	if c.dir == "" {
		return nil
	}
	path := c.path(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("textenc: cache %s: %w", c.dir, err)
	}
	t, err := weights.TensorFromGoMLX(cacheTensor, tensors.FromFlatDataAndDimensions(rows, len(rows)/d, d))
	if err != nil {
		return fmt.Errorf("textenc: cache %s: %w", path, err)
	}
	meta := map[string]string{MetadataModel: c.modelID, MetadataCaption: caption}
	if err := safetensors.WriteFile(path, []safetensors.Tensor{t}, meta); err != nil {
		return fmt.Errorf("textenc: cache %s: %w", path, err)
	}
	return nil
}

var _ Encoder = (*Cache)(nil)
