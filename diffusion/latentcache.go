package diffusion

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// LatentCacheFile is the file in a run folder holding the encoded training set
// ([SaveTrainingSet]), so that a resumed or repeated run does not pay the tokenizer again.
const LatentCacheFile = "latents.safetensors"

// TrainData says which training clips [Train] reads: the videos (KEY.y4m or KEY.mp4) and captions
// (KEY.json) of the WebDataset shards Dir/Prefix, as wfm synth writes them, cut to the first
// Frames frames and fitted into Bucket (see [ReadShardClips]).
type TrainData struct {
	Dir    string
	Prefix string // "" is "synth", wfm synth's default
	ShardClipOptions
}

func (d TrainData) prefix() string {
	if d.Prefix == "" {
		return "synth"
	}
	return d.Prefix
}

// latentCacheKey describes everything the encoded training set depends on: the shard index
// (by content), the tokenizer, the clip settings, the text encoder and the latent statistics of
// an initial model.
func latentCacheKey(data TrainData, tok string, cfg Config) (string, error) {
	index, err := os.ReadFile(filepath.Join(data.Dir, dataset.IndexName(data.prefix())))
	if err != nil {
		return "", fmt.Errorf("diffusion: train: %w", err)
	}
	sum := sha256.Sum256(index)
	key := struct {
		Index             string
		Tokenizer         string
		Frames, W, H, Max int
		Text              string
		Mean, Std         []float32
	}{hex.EncodeToString(sum[:]), tok, data.Frames, data.Bucket.Width, data.Bucket.Height, data.MaxClips,
		fmt.Sprintf("%s %s %d %d", cfg.TextEncoder, cfg.TextEncoderID, cfg.ContextDim, cfg.ContextLen), cfg.LatentMean, cfg.LatentStd}
	js, err := json.Marshal(key)
	return string(js), err
}

// EncodeTrainingSet reads the clips of data, encodes them with codec (whose spatial
// compression is spatial), normalizes the latents (with cfg's statistics when it has them, else
// their own) and embeds the captions with enc. progress, when not nil, is called after each
// clip with the clips done and the total.
func EncodeTrainingSet(ctx context.Context, codec *tokenizer.Codec, enc TextEncoder, data TrainData, cfg Config,
	spatial int, progress func(done, total int)) (*TrainingSet, CacheStats, error) {
	var stats CacheStats
	clips, err := ReadShardClips(data.Dir, data.prefix(), data.ShardClipOptions)
	if err != nil {
		return nil, stats, err
	}
	pixels := make([]*video.Clip, len(clips))
	for i, c := range clips {
		pixels[i] = c.Clip
	}
	done := 0
	latents, dims, err := EncodeClipsContext(ctx, codec, pixels, func() {
		done++
		if progress != nil {
			progress(done, len(clips))
		}
	})
	if err != nil {
		return nil, stats, err
	}
	if cfg.LatentMean == nil {
		cfg.LatentMean, cfg.LatentStd = LatentStats(latents, dims)
	}
	cfg.Normalize(latents, dims)
	set, err := BuildTrainingSet(ctx, enc, clips, latents, dims, spatial)
	if err != nil {
		return nil, stats, err
	}
	stats = CacheStats{LatentMean: cfg.LatentMean, LatentStd: cfg.LatentStd, DataFPS: commonFPS(clips),
		Clips: len(clips), Dims: dims}
	return set, stats, nil
}

// commonFPS is the most frequent frame rate of the clips.
func commonFPS(clips []TrainClip) float64 {
	count := map[float64]int{}
	best := 0.0
	for _, c := range clips {
		count[c.Clip.FPS]++
		if count[c.Clip.FPS] > count[best] {
			best = c.Clip.FPS
		}
	}
	return best
}

// rescaleTrainingSet switches the per-channel normalized latents of set (stats.LatentStd) to
// one scale per latent frame when perFrame, and multiplies them by gain; stats.LatentStd
// becomes the std the latents are now normalized with (model.json records it).
func rescaleTrainingSet(set *TrainingSet, stats *CacheStats, perFrame bool, gain float64, channels int) error {
	target := stats.LatentStd
	if perFrame {
		target = PoolStd(stats.LatentStd, channels)
	}
	scaled := make([]float32, len(target))
	for i, v := range target {
		scaled[i] = v / float32(gain)
	}
	for _, ts := range [][]*tensors.Tensor{set.Video, set.Image} {
		d := ts[0].Shape().Dimensions
		if err := tensors.MutableFlatData(ts[0], func(flat []float32) {
			Rescale(flat, d[1:], stats.LatentStd, scaled)
		}); err != nil {
			return err
		}
	}
	stats.LatentStd = scaled
	return nil
}

// closeFloats reports whether a and b have the same length and values within 1e-5 relative.
func closeFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := math.Abs(float64(a[i]) - float64(b[i])); d > 1e-5*math.Max(math.Abs(float64(a[i])), math.Abs(float64(b[i]))) {
			return false
		}
	}
	return true
}
