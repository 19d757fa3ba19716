package tokenizer

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// fallbackMaxMemory is DefaultMaxMemory where the machine's memory cannot be read.
const fallbackMaxMemory = 8 << 30

// DefaultMaxMemory is the memory a Codec may use for one model call when CodecOptions.MaxMemory
// is 0: half of the memory this process may have, the machine's (MemTotal of /proc/meminfo) or
// its control group's limit when lower; 8 GiB where neither can be read.
func DefaultMaxMemory() int64 {
	total := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil && kb > 0 {
					total = kb << 10
				}
				break
			}
		}
		f.Close()
	}
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if limit, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil && limit > 0 && (total == 0 || limit < total) {
			total = limit
		}
	}
	if total == 0 {
		return fallbackMaxMemory
	}
	return total / 2
}

// WindowMemory estimates the bytes of activations one encode or decode call of the tokenizer
// takes on batch windows of frames frames of h x w pixels (sizes as the network sees them:
// padded, or one tile): the spatial attention of the middle block, whose scores grow with the
// square of the latent positions of a frame (three copies: logits, exponentials, weights), plus
// the feature maps of the first level (32 copies of the widest: res blocks, norms, the
// factorized convolutions' operands). Measured on cv8x8x8-tiny it is within 20% of the peak
// resident memory from 1024x1024 up, and above it below. It saturates at MaxInt64.
func (c Config) WindowMemory(batch, frames, h, w int) int64 {
	s, t, p := max(c.SpatialCompression, 1), max(c.TemporalCompression, 1), max(c.PatchSize, 1)
	mul := func(xs ...float64) float64 {
		r := 1.0
		for _, x := range xs {
			r *= x
		}
		return r
	}
	lt := float64(1 + (max(frames, 1)-1)/t)
	n := mul(float64(max(h/s, 1)), float64(max(w/s, 1)))
	attn := mul(3, float64(batch), lt, n, n, 4)
	width := 0
	for _, m := range append(c.ChannelsMult, c.DecoderMult()...) {
		width = max(width, m)
	}
	maps := mul(32, float64(batch), float64(1+max(frames, 1)/p), float64(max(h/p, 1)), float64(max(w/p, 1)),
		float64(max(c.Channels*max(width, 1), 1)), 4)
	if total := attn + maps; total < 1<<62 {
		return int64(total)
	}
	return 1<<63 - 1
}

// MemoryError is Encode's and Decode's error, found before any allocation, when one model call
// would need more memory than CodecOptions.MaxMemory allows.
type MemoryError struct {
	// Batch windows of Frames frames at Width x Height pixels (a tile's size when tiled).
	Batch, Frames, Width, Height int
	// Need is the estimate (Config.WindowMemory), Limit the allowance.
	Need, Limit int64
	// Tile is the largest square tile that fits (a multiple of the spatial compression), 0 if
	// none does at this window length and batch.
	Tile int
}

func (e *MemoryError) Error() string {
	size := func(b int64) string {
		if b < 1<<30 {
			return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
		}
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	}
	msg := fmt.Sprintf("tokenizer: %d window(s) of %d frames at %dx%d need about %s, over the %s allowed",
		e.Batch, e.Frames, e.Width, e.Height, size(e.Need), size(e.Limit))
	if e.Tile > 0 {
		return msg + fmt.Sprintf("; tiles of %d pixels fit", e.Tile)
	}
	return msg + "; no tile fits"
}

// checkMemory refuses calls on windows of frames frames of ph x pw padded pixels that would
// need more than MaxMemory, before anything of that size is allocated.
func (c *Codec) checkMemory(windows, frames, ph, pw int) error {
	limit := c.opts.MaxMemory
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultMaxMemory()
	}
	cfg := c.m.cfg
	batch := max(1, min(c.opts.Batch, windows))
	th, tw := ph, pw
	if c.opts.Tile > 0 {
		th, tw = min(c.opts.Tile, ph), min(c.opts.Tile, pw)
	}
	need := cfg.WindowMemory(batch, frames, th, tw)
	if need <= limit {
		return nil
	}
	e := &MemoryError{Batch: batch, Frames: frames, Width: tw, Height: th, Need: need, Limit: limit}
	s := cfg.SpatialCompression
	for tile := min(max(th, tw)/s*s, 1<<16); tile >= 2*s; tile -= s {
		if cfg.WindowMemory(batch, frames, tile, tile) <= limit {
			e.Tile = tile
			break
		}
	}
	return e
}
