package curate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wfm-platform/wfm/video"
)

// Target is the size and rate clips are brought to. Height and Width both set give that exact
// size (centre-cropped to the aspect ratio first); only Short set scales the short side to it
// and keeps the aspect ratio (sizes rounded down to even numbers, as 4:2:0 H.264 needs); all
// zero keeps the source size. FPS 0 keeps the source rate.
type Target struct {
	Width, Height int
	Short         int
	FPS           float64
}

// ParseRes reads a --res value: "WxH" or a single short-side length.
func ParseRes(s string) (Target, error) {
	var t Target
	if s == "" || s == "0" {
		return t, nil
	}
	if w, h, ok := strings.Cut(s, "x"); ok {
		wi, err1 := strconv.Atoi(w)
		hi, err2 := strconv.Atoi(h)
		if err1 != nil || err2 != nil || wi < 2 || hi < 2 || wi%2 != 0 || hi%2 != 0 {
			return t, fmt.Errorf("curate: resolution %q: want WxH with even sizes >= 2", s)
		}
		t.Width, t.Height = wi, hi
		return t, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 2 {
		return t, fmt.Errorf("curate: resolution %q: want WxH or a short-side length >= 2", s)
	}
	t.Short = n
	return t, nil
}

// size returns the output size for a w x h source.
func (t Target) size(w, h int) (int, int) {
	switch {
	case t.Width > 0:
		return t.Width, t.Height
	case t.Short > 0:
		if w <= h {
			return t.Short &^ 1, max(2, h*t.Short/w&^1)
		}
		return max(2, w*t.Short/h&^1), t.Short &^ 1
	}
	return max(2, w&^1), max(2, h&^1)
}

// NormalizeStage brings a clip to the target frame rate (nearest-time frame selection,
// video.Resample) and size (centre crop to the target aspect ratio, then area averaging when
// shrinking or bilinear interpolation when growing, video.Resize). The filters, captioner and
// embedder all see the normalized clip, so their scores do not depend on the source format.
type NormalizeStage struct{ Target Target }

// Name implements ClipStage.
func (NormalizeStage) Name() string { return "normalize" }

// Process implements ClipStage.
func (s NormalizeStage) Process(_ context.Context, it *Item) error {
	c := it.Clip
	var err error
	if s.Target.FPS > 0 && s.Target.FPS != c.FPS {
		if c, err = video.Resample(c, s.Target.FPS); err != nil {
			return err
		}
	}
	w, h := s.Target.size(c.Width, c.Height)
	if c, err = fit(c, w, h); err != nil {
		return err
	}
	if c == it.Clip {
		c = c.Clone() // own the frames rather than pin the whole source video
	}
	it.Clip = c
	return nil
}

// fit crops c to the aspect ratio of w x h (centred, so nothing is stretched) and scales it to
// w x h: area averaging when shrinking, bilinear interpolation when growing. A clip already
// at that size comes back as is.
func fit(c *video.Clip, w, h int) (*video.Clip, error) {
	if w == c.Width && h == c.Height {
		return c, nil
	}
	cw, ch := c.Width, c.Height
	if cw*h > ch*w {
		cw = ch * w / h
	} else {
		ch = cw * h / w
	}
	var err error
	if cw != c.Width || ch != c.Height {
		if c, err = video.CenterCrop(c, ch, cw); err != nil {
			return nil, err
		}
	}
	method := video.ResizeArea
	if w > cw {
		method = video.ResizeBilinear
	}
	return video.Resize(c, h, w, method)
}

// Encoder settings. x264 runs single-threaded (the runner already keeps every core busy with
// one clip per worker) and ffmpeg and the MP4 muxer are told to be bit-exact (no version
// strings, no creation time), so the same clip always encodes to the same bytes and shards are
// reproducible.
const (
	encodeCRF    = 23 // x264's own default
	encodePreset = "veryfast"
)

// EncodeStage writes each kept clip as H.264 in MP4 (libx264, yuv420p) through ffmpeg. When
// ffmpeg or its libx264 encoder is missing it falls back to Y4M 4:2:0 (pure Go, much larger)
// and says so in Fallback, which the report repeats.
type EncodeStage struct {
	FFmpeg   string // binary; "" means ffmpeg on PATH
	TempDir  string // where ffmpeg writes before the bytes are read back
	Fallback string // why H.264 is not used; "" when it is
}

// NewEncodeStage checks for ffmpeg and libx264 (`ffmpeg -encoders`).
func NewEncodeStage(ctx context.Context, ffmpeg, tempDir string) *EncodeStage {
	s := &EncodeStage{FFmpeg: ffmpeg, TempDir: tempDir}
	if s.FFmpeg == "" {
		s.FFmpeg = "ffmpeg"
	}
	bin, err := exec.LookPath(s.FFmpeg)
	if err != nil {
		s.Fallback = fmt.Sprintf("%s not found; clips are stored as Y4M 4:2:0 instead of H.264 MP4", s.FFmpeg)
		return s
	}
	s.FFmpeg = bin
	out, err := exec.CommandContext(ctx, bin, "-hide_banner", "-encoders").Output()
	if err != nil || !bytes.Contains(out, []byte(" libx264 ")) {
		s.Fallback = fmt.Sprintf("%s has no libx264 encoder (ffmpeg -encoders | grep 264 lists none); clips are stored as Y4M 4:2:0 instead of H.264 MP4", bin)
	}
	return s
}

// Name implements ClipStage.
func (*EncodeStage) Name() string { return "encode" }

// Process implements ClipStage.
func (s *EncodeStage) Process(ctx context.Context, it *Item) error {
	if s.Fallback != "" {
		var b bytes.Buffer
		if err := video.EncodeY4M(&b, it.Clip, video.Options{Y4MChroma: video.Chroma420jpeg}); err != nil {
			return fmt.Errorf("curate: encode %s: %w", it.Key, err)
		}
		it.Encoded, it.Codec, it.Ext = b.Bytes(), "y4m", "y4m"
		return nil
	}
	tmp, err := os.CreateTemp(s.TempDir, tempPrefix+"encode-*")
	if err != nil {
		return fmt.Errorf("curate: encode %s: %w", it.Key, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	c := it.Clip
	num, den := rate(c.FPS)
	cmd := exec.CommandContext(ctx, s.FFmpeg, "-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
		"-s", fmt.Sprintf("%dx%d", c.Width, c.Height), "-framerate", fmt.Sprintf("%d/%d", num, den), "-i", "pipe:0",
		"-c:v", "libx264", "-preset", encodePreset, "-crf", strconv.Itoa(encodeCRF), "-threads", "1",
		"-x264-params", "threads=1:lookahead-threads=1", "-pix_fmt", "yuv420p",
		"-colorspace", "smpte170m", "-color_range", "tv", "-map_metadata", "-1",
		"-fflags", "+bitexact", "-flags:v", "+bitexact", "-movflags", "+faststart", "-f", "mp4", "-y", "file:"+filepath.ToSlash(tmp.Name()))
	cmd.Stdin = bytes.NewReader(c.Pix)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cmd.ProcessState != nil {
		it.childCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("curate: encode %s with libx264: %w: %s", it.Key, err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(tmp.Name())
	if err != nil {
		return fmt.Errorf("curate: encode %s: %w", it.Key, err)
	}
	if len(data) == 0 {
		return fmt.Errorf("curate: encode %s: %w", it.Key, errors.New("ffmpeg wrote an empty file"))
	}
	it.Encoded, it.Codec, it.Ext = data, "h264", "mp4"
	return nil
}

// rate writes fps as a ratio of integers (exact for integer and NTSC rates).
func rate(fps float64) (int, int) {
	for _, den := range []int{1, 1001} {
		num := fps * float64(den)
		if r := math.Round(num); math.Abs(num-r) < 1e-6 {
			return int(r), den
		}
	}
	return int(math.Round(fps * 1000)), 1000
}
