package curate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/wfm-platform/wfm/video"
)

// ClipStage is one per-clip step: it reads and fills fields of an Item and may drop it by
// setting Item.Drop. A stage holds no state that depends on other clips, so any number of
// copies can run side by side, in one process (the Runner's workers) or on many machines
// (see docs/curate-scaleout.md). An error that is not a cancellation drops the clip with
// reason "error"; it never stops the run.
type ClipStage interface {
	Name() string
	Process(ctx context.Context, it *Item) error
}

// Decoded is a source video in memory, the output of DecodeStage.
type Decoded struct {
	Source Source
	Clip   *video.Clip
	Info   video.Info
}

// Quarantine records an input that could not be curated at all.
type Quarantine struct {
	Source Source `json:"source"`
	Kind   string `json:"kind"` // missing, unreadable, not_regular, corrupt, truncated, unsupported, no_frames, too_large, tool_error, error
	Reason string `json:"reason"`
}

// DecodeStage probes and decodes a whole source (package video: Y4M, PNG and GIF in Go, the
// rest through ffprobe and ffmpeg) within Options.Limits. A file that cannot be decoded is
// quarantined with its kind and reason, never fatal to the run.
//
// With a Target size set, every frame is brought to that size as it is decoded, so a source is
// held in memory at the output size rather than its own: at the default 2 GiB limit a 1080p
// source would be cut off after 14 s, at a 256-pixel short side it may last 100 s at 24 fps.
// Splitting and filtering then see the scaled frames; they analyse at 64 pixels anyway.
type DecodeStage struct {
	Options video.Options
	Target  Target
}

// Decode reads src, or returns the quarantine record explaining why it cannot.
func (s DecodeStage) Decode(ctx context.Context, src Source) (*Decoded, *Quarantine, error) {
	r, err := video.Open(ctx, src.Path, s.Options)
	var c *video.Clip
	if err == nil {
		if s.Target.Width > 0 || s.Target.Short > 0 {
			c, err = s.readFitted(src, r)
		} else {
			c, err = video.ReadAll(r, s.Options.Limits)
		}
		r.Close()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, &Quarantine{Source: src, Kind: errorKind(err), Reason: stableLog(err.Error())}, nil
	}
	if math.IsNaN(c.FPS) || c.FPS <= 0 {
		return nil, &Quarantine{Source: src, Kind: "unsupported", Reason: fmt.Sprintf("frame rate %v", c.FPS)}, nil
	}
	return &Decoded{Source: src, Clip: c, Info: r.Info()}, nil, nil
}

// readFitted reads every frame of r, scaled to the target size, within the limits.
func (s DecodeStage) readFitted(src Source, r video.FrameReader) (*video.Clip, error) {
	info := r.Info()
	w, h := s.Target.size(info.Width, info.Height)
	maxFrames, maxBytes := s.Options.MaxFrames, s.Options.MaxBytes
	if maxFrames <= 0 {
		maxFrames = video.DefaultMaxFrames
	}
	if maxBytes <= 0 {
		maxBytes = video.DefaultMaxBytes
	}
	var pix []uint8
	frames := 0
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		frame, err := video.FromPixels(f, 1, info.Height, info.Width, info.FPS)
		if err != nil {
			return nil, err
		}
		if frame, err = fit(frame, w, h); err != nil {
			return nil, err
		}
		if frames++; frames > maxFrames || int64(len(pix)+len(frame.Pix)) > maxBytes {
			return nil, fmt.Errorf("curate: decode %s: more than %d frames or %d bytes at %dx%d: %w",
				src.Path, maxFrames, maxBytes, w, h, video.ErrLimit)
		}
		pix = append(pix, frame.Pix...)
	}
	if frames == 0 {
		return nil, fmt.Errorf("curate: decode %s: %w", src.Path, video.ErrNoFrames)
	}
	return video.FromPixels(pix, frames, h, w, info.FPS)
}

// logAddress matches the context pointers ffmpeg prints in log lines ("[mov,mp4 @
// 0x557be5fddb80]"), which change from run to run and would make manifests differ.
var logAddress = regexp.MustCompile(` @ 0x[0-9a-f]+`)

// stableLog makes an error message that may hold ffmpeg's log the same from run to run: the
// context pointers go, and the log lines after the first line are sorted and deduplicated
// (threaded decoders print their warnings in varying order).
func stableLog(msg string) string {
	lines := strings.Split(logAddress.ReplaceAllString(msg, ""), "\n")
	if len(lines) > 2 {
		rest := lines[1:]
		slices.Sort(rest)
		lines = append(lines[:1], slices.Compact(rest)...)
	}
	return strings.Join(lines, "\n")
}

// errorKind names the kind of a decoding failure for counting.
func errorKind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{{fs.ErrNotExist, "missing"}, {fs.ErrPermission, "unreadable"}, {video.ErrNotRegular, "not_regular"}, {video.ErrTruncated, "truncated"}, {video.ErrMalformed, "corrupt"},
		{video.ErrUnsupported, "unsupported"}, {video.ErrNoFrames, "no_frames"}, {video.ErrLimit, "too_large"},
		{video.ErrOddSize, "unsupported"}, {video.ErrTool, "tool_error"}} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "error"
}

// SplitStage cuts a decoded source into candidate clips with a Splitter and a LengthPolicy in
// seconds (converted to frames at the source's rate).
type SplitStage struct {
	Splitter   Splitter
	MinSeconds float64
	MaxSeconds float64
}

// Split returns the items of a decoded source: one per clip, plus dropped items (reason
// too_short) for the shots under the minimum length, all in frame order. Also returned are
// the transitions the splitter found.
func (s SplitStage) Split(d *Decoded) ([]*Item, []Transition) {
	shots, trans := s.Splitter.Split(d.Clip)
	fps := d.Clip.FPS
	pol := LengthPolicy{Min: int(math.Ceil(s.MinSeconds * fps)), Max: int(math.Floor(s.MaxSeconds * fps))}
	clips, short := pol.Apply(shots)
	var spans []Span
	isShort := map[Span]bool{}
	for _, sp := range short {
		isShort[sp] = true
	}
	spans = append(append(spans, clips...), short...)
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	items := make([]*Item, len(spans))
	for i, sp := range spans {
		it := &Item{Key: clipKey(d.Source, i), Source: d.Source, Span: sp, SrcFPS: fps, Index: i,
			SrcWidth: d.Info.Width, SrcHeight: d.Info.Height}
		if isShort[sp] {
			it.Drop = &Drop{Stage: "split", Reason: "too_short",
				Detail: fmt.Sprintf("%d frames (%.2f s) < %.2f s", sp.Len(), float64(sp.Len())/fps, s.MinSeconds)}
		} else {
			it.Clip = d.Clip.Slice(sp.Start, sp.End)
		}
		items[i] = it
	}
	return items, trans
}
