package curate

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"
	"time"

	"github.com/wfm-platform/wfm/video"
)

// Source is one input video. Key names it in clip keys, work files and the manifest; it
// depends only on the path as given, so the same inputs give the same keys on every machine
// and in every order.
type Source struct {
	Key  string `json:"key"`
	Path string `json:"path"`
}

// NewSource derives a source's key from its path: the base name without extension, reduced to
// [a-z0-9_], cut to 32 bytes, then an 8-hex-digit FNV-1a hash of the whole path so that two
// files with the same base name in different folders get different keys.
func NewSource(path string) Source {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 32 {
			break
		}
	}
	h := fnv.New32a()
	h.Write([]byte(path))
	name := b.String()
	if name == "" {
		name = "video"
	}
	return Source{Key: fmt.Sprintf("%s_%08x", name, h.Sum32()), Path: path}
}

// Span is a half-open range of frames [Start, End) of a source video.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len is the number of frames in the span.
func (s Span) Len() int { return s.End - s.Start }

// Scores are the measurements the filters make on a clip, all recorded whether or not the clip
// passes. See Motion and Quality for their definitions.
type Scores struct {
	Motion     float64 `json:"motion"`     // mean block displacement, px/frame at a 64-px short side
	Shakiness  float64 `json:"shakiness"`  // mean change of the global (camera) displacement, same units
	Sharpness  float64 `json:"sharpness"`  // variance of the Laplacian of luma (0..255 scale)
	Exposure   float64 `json:"exposure"`   // 1 - fraction of clipped (<=4 or >=251) luma samples, times the mid-tone weight
	Quality    float64 `json:"quality"`    // combined sharpness and exposure, 0..1
	Duration   float64 `json:"duration_s"` // seconds
	Brightness float64 `json:"brightness"` // mean luma, 0..255
}

// Drop says why a clip left the pipeline. Reason is a short stable word (too_short, static,
// shaky, low_quality, too_small, caption_error, duplicate, ...) used to count drops; Detail is
// for people.
type Drop struct {
	Stage  string `json:"stage"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// Item is one candidate clip travelling through the per-clip stages. Stages fill in their
// fields; a stage that rejects the clip sets Drop, and later stages pass it on untouched.
type Item struct {
	Key                 string
	Source              Source
	Span                Span    // in source frames
	SrcFPS              float64 // frame rate of the source
	SrcWidth, SrcHeight int
	Index               int // clip number within its source

	Clip *video.Clip // the source frames of the span (a view), replaced by the normalized clip

	Scores    Scores
	Caption   string
	Embedding []float32
	Encoded   []byte // the transcoded video file
	Codec     string // "h264" or "y4m"
	Ext       string // shard part name of the video: "mp4" or "y4m"
	Drop      *Drop
	Resumed   bool // loaded from an earlier run's work files
	// childCPU is CPU time a stage spent in subprocesses (the encoder) for this item.
	childCPU time.Duration
}

// VideoSeconds is the duration of the item's span in the source.
func (it *Item) VideoSeconds() float64 { return float64(it.Span.Len()) / it.SrcFPS }

// clipKey names clip i of a source.
func clipKey(src Source, i int) string { return fmt.Sprintf("%s_%04d", src.Key, i) }
