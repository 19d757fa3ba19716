package diffusion

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/weights"
)

// Metadata keys of a latent cache file.
const (
	cacheKeyMeta   = "wfm.diffusion.cache_key"
	cacheStatsMeta = "wfm.diffusion.latent_stats"
)

// CacheStats is what a latent cache records besides the tensors: the statistics the latents
// were normalized with, the training videos' frame rate and the latent shape.
type CacheStats struct {
	LatentMean []float32 `json:"latent_mean"`
	LatentStd  []float32 `json:"latent_std"`
	DataFPS    float64   `json:"data_fps"`
	Clips      int       `json:"clips"`
	Dims       []int     `json:"dims"`
}

// ErrCacheStale means a latent cache was made from other data or settings than asked for.
var ErrCacheStale = errors.New("latent cache made with other settings")

// SaveTrainingSet writes set (normalized latents, text embeddings, fps, padding masks) to path
// as safetensors, atomically, under key, a description of everything that made it (data,
// tokenizer, resolution, text encoder): a later run with the same key skips the tokenizer.
func SaveTrainingSet(path, key string, set *TrainingSet, stats CacheStats) error {
	var ts []safetensors.Tensor
	add := func(prefix string, list []*tensors.Tensor) error {
		for i, t := range list {
			st, err := weights.TensorFromGoMLX(fmt.Sprintf("%s/%d", prefix, i), t)
			if err != nil {
				return err
			}
			ts = append(ts, st)
		}
		return nil
	}
	if err := add("video", set.Video); err != nil {
		return fmt.Errorf("diffusion: save latent cache %s: %w", path, err)
	}
	if err := add("image", set.Image); err != nil {
		return fmt.Errorf("diffusion: save latent cache %s: %w", path, err)
	}
	js, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	if err := safetensors.WriteFile(path, ts, map[string]string{cacheKeyMeta: key, cacheStatsMeta: string(js)}); err != nil {
		return fmt.Errorf("diffusion: save latent cache %s: %w", path, err)
	}
	return nil
}

// LoadTrainingSet reads a cache written by SaveTrainingSet. A missing file is os.ErrNotExist
// (wrapped); a cache with another key is ErrCacheStale; anything malformed is an error naming
// the file.
func LoadTrainingSet(path, key string) (*TrainingSet, CacheStats, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, CacheStats{}, fmt.Errorf("diffusion: latent cache %s: %w", path, err)
	}
	defer f.Close()
	md := f.Metadata()
	if md[cacheKeyMeta] != key {
		return nil, CacheStats{}, fmt.Errorf("diffusion: latent cache %s: %w", path, ErrCacheStale)
	}
	stats, err := parseCacheStats(md[cacheStatsMeta])
	if err != nil {
		return nil, CacheStats{}, fmt.Errorf("diffusion: latent cache %s: %w", path, err)
	}
	set := &TrainingSet{}
	read := func(prefix string, n int) ([]*tensors.Tensor, error) {
		out := make([]*tensors.Tensor, n)
		for i := range n {
			st, err := f.Read(fmt.Sprintf("%s/%d", prefix, i))
			if err != nil {
				return nil, err
			}
			if out[i], err = weights.TensorToGoMLX(st); err != nil {
				return nil, err
			}
			if len(st.Shape) == 0 || st.Shape[0] != stats.Clips {
				return nil, fmt.Errorf("tensor %s has shape %v for %d clips", st.Name, st.Shape, stats.Clips)
			}
		}
		return out, nil
	}
	if set.Video, err = read("video", 4); err != nil {
		return nil, CacheStats{}, fmt.Errorf("diffusion: latent cache %s: %w", path, err)
	}
	if set.Image, err = read("image", 3); err != nil {
		return nil, CacheStats{}, fmt.Errorf("diffusion: latent cache %s: %w", path, err)
	}
	return set, stats, nil
}

// parseCacheStats decodes and checks the statistics metadata of a cache.
func parseCacheStats(s string) (CacheStats, error) {
	var st CacheStats
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return st, fmt.Errorf("bad statistics metadata: %w", err)
	}
	if st.Clips < 1 || len(st.Dims) != 4 || len(st.LatentMean) != len(st.LatentStd) || len(st.LatentMean) == 0 {
		return st, fmt.Errorf("bad statistics metadata: %d clips, dims %v, %d means, %d stds",
			st.Clips, st.Dims, len(st.LatentMean), len(st.LatentStd))
	}
	for _, d := range st.Dims {
		if d < 1 {
			return st, fmt.Errorf("bad statistics metadata: dims %v", st.Dims)
		}
	}
	return st, nil
}

// cacheMissing reports whether err means there is no cache file.
func cacheMissing(err error) bool { return errors.Is(err, os.ErrNotExist) }

// CacheUnusable reports whether err from LoadTrainingSet means the cache should be rebuilt
// (missing or stale) rather than reported.
func CacheUnusable(err error) bool { return cacheMissing(err) || errors.Is(err, ErrCacheStale) }
