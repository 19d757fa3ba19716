package curate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

// CorpusOptions configure MakeCorpus.
type CorpusOptions struct {
	Out       string
	Videos    int     // long multi-shot videos (default 6)
	Shots     int     // shots per video (default 6)
	MinFrames int     // shortest shot (default 24)
	MaxFrames int     // longest shot (default 48)
	Size      int     // frame width and height (default 64)
	FPS       int     // frames per second (default 16)
	FadeProb  float64 // probability that a boundary is a fade through black instead of a cut (default 0.25)
	Seed      uint64
	// Format of the long videos: "mp4" (H.264, needs ffmpeg) or "y4m" (pure Go). Planted
	// variants that need ffmpeg are skipped with "y4m".
	Format string
}

// DefaultCorpusOptions returns the options behind `wfm curate make-corpus`.
func DefaultCorpusOptions() CorpusOptions {
	return CorpusOptions{Videos: 6, Shots: 6, MinFrames: 24, MaxFrames: 48, Size: 64, FPS: 16, FadeProb: 0.25, Seed: 1, Format: "mp4"}
}

// ShotTruth is one shot of a corpus video.
type ShotTruth struct {
	Span
	Scenario string   `json:"scenario"`
	Captions []string `json:"captions"`
	ClipSeed uint64   `json:"clip_seed"`
}

// VideoTruth is the ground truth of one corpus video, stored beside it as NAME.shots.json
// (the synthetic captioner reads the captions from there).
type VideoTruth struct {
	File        string       `json:"file"`
	FPS         float64      `json:"fps"`
	Frames      int          `json:"frames"`
	Shots       []ShotTruth  `json:"shots"`
	Transitions []Transition `json:"transitions"`
	// DuplicateOf names the video this one is a copy ("exact") or a re-encoded variant
	// ("near") of.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	Duplicate   string `json:"duplicate,omitempty"`
	// Expect is what the pipeline should do with the file as a whole: "" (curate it),
	// "quarantine", "static" or "shaky".
	Expect string `json:"expect,omitempty"`
}

// CorpusTruth lists every file of a corpus, written as truth.json.
type CorpusTruth struct {
	Options CorpusOptions `json:"options"`
	Videos  []VideoTruth  `json:"videos"`
}

// shotsSidecar is the name of a video's ground-truth file.
func shotsSidecar(videoPath string) string {
	return videoPath[:len(videoPath)-len(filepath.Ext(videoPath))] + ".shots.json"
}

// MakeCorpus builds a curation test corpus in o.Out from the synthetic world: long videos
// made of several synthetic clips joined by hard cuts or fades through black at known frames;
// an exact copy and a re-encoded, down-scaled variant of the first two videos (planted
// duplicates); a static and a shaky single-shot video (for the motion filter); and a corrupt
// and a truncated file (for quarantine). Everything depends only on o.
func MakeCorpus(ctx context.Context, o CorpusOptions) (*CorpusTruth, error) {
	if o.Videos < 1 || o.Shots < 1 || o.MinFrames < 2 || o.MaxFrames < o.MinFrames || o.Size < 16 || o.FPS < 1 {
		return nil, fmt.Errorf("curate: corpus options %+v out of range", o)
	}
	if o.Format != "mp4" && o.Format != "y4m" {
		return nil, fmt.Errorf("curate: corpus format %q, want mp4 or y4m", o.Format)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("curate: corpus %s: %w", o.Out, err)
	}
	truth := &CorpusTruth{Options: o}
	rng := rand.New(rand.NewPCG(o.Seed, 0x636f72707573))
	so := synth.DefaultOptions()
	so.Width, so.Height, so.FPS, so.Frames, so.Seed = o.Size, o.Size, o.FPS, o.MaxFrames, o.Seed
	so.Scenarios = physics.Scenarios()
	r := render.NewRenderer()
	clipNo := 0
	write := func(name string, c *video.Clip, vt VideoTruth, opts video.Options) error {
		p := filepath.Join(o.Out, name)
		vt.File = name
		if err := video.Write(ctx, p, c, opts); err != nil {
			return err
		}
		truth.Videos = append(truth.Videos, vt)
		return writeJSON(shotsSidecar(p), vt)
	}
	var firstClips []*video.Clip
	for v := range o.Videos {
		var frames []*video.Clip
		vt := VideoTruth{FPS: float64(o.FPS)}
		pos := 0
		for s := range o.Shots {
			// Skip scenarios that barely move (stable stacks): they are not shots a
			// detector can be judged on, and the motion filter would drop them.
			var sc *synth.Clip
			for {
				k := clipNo
				clipNo++
				c, err := synth.Make(so, k, r)
				if err != nil {
					return nil, err
				}
				if c.Record.Scenario != physics.StableStack {
					sc = c
					break
				}
			}
			n := o.MinFrames + rng.IntN(o.MaxFrames-o.MinFrames+1)
			clip := sc.Video.Slice(0, n).Clone()
			if s > 0 && rng.Float64() < o.FadeProb {
				// Fade the previous shot out over 4 frames, hold 2 black frames, fade in over 4.
				prev := frames[len(frames)-1]
				const steps = 4
				for i := range steps {
					scaleFrame(prev, prev.Frames-steps+i, 1-float64(i+1)/(steps+1))
					scaleFrame(clip, i, float64(i+1)/(steps+1))
				}
				black, _ := video.NewClip(2, o.Size, o.Size, float64(o.FPS))
				frames = append(frames, black)
				vt.Transitions = append(vt.Transitions, Transition{Kind: "fade", Start: pos - steps, End: pos + 2 + steps})
				vt.Shots[len(vt.Shots)-1].End -= steps
				pos += 2
				vt.Shots = append(vt.Shots, ShotTruth{Span: Span{pos + steps, pos + n}, Scenario: string(sc.Record.Scenario),
					Captions: sc.Record.Captions, ClipSeed: sc.Record.Seed})
			} else {
				if s > 0 {
					vt.Transitions = append(vt.Transitions, Transition{Kind: "cut", Start: pos, End: pos})
				}
				vt.Shots = append(vt.Shots, ShotTruth{Span: Span{pos, pos + n}, Scenario: string(sc.Record.Scenario),
					Captions: sc.Record.Captions, ClipSeed: sc.Record.Seed})
			}
			frames = append(frames, clip)
			pos += n
		}
		long := concat(frames)
		vt.Frames = long.Frames
		if v < 2 {
			firstClips = append(firstClips, long)
		}
		name := fmt.Sprintf("long%03d.%s", v, o.Format)
		if err := write(name, long, vt, video.Options{}); err != nil {
			return nil, err
		}
	}
	orig := truth.Videos[0]
	src := filepath.Join(o.Out, orig.File)
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	dup := orig
	dup.File, dup.DuplicateOf, dup.Duplicate = "copy_of_"+orig.File, orig.File, "exact"
	if err := atomicfile.WriteFile(filepath.Join(o.Out, dup.File), data, 0o644); err != nil {
		return nil, err
	}
	if err := writeJSON(shotsSidecar(filepath.Join(o.Out, dup.File)), dup); err != nil {
		return nil, err
	}
	truth.Videos = append(truth.Videos, dup)
	if o.Format == "mp4" && len(firstClips) > 1 {
		// A transcoded variant: three-quarter size, heavier compression.
		small, err := video.Resize(firstClips[1], o.Size*3/4&^1, o.Size*3/4&^1, video.ResizeArea)
		if err != nil {
			return nil, err
		}
		vt := truth.Videos[1]
		vt.DuplicateOf, vt.Duplicate = vt.File, "near"
		if err := write("variant_of_long001.mp4", small, vt, video.Options{CRF: 30}); err != nil {
			return nil, err
		}
	}
	// One continuous shot of a frozen frame, and one of a shot shaken by random jumps.
	base := firstClips[0].Slice(orig.Shots[0].Start, orig.Shots[0].End)
	static := concat(repeatFrame(base, 0, o.MaxFrames))
	if err := write("static."+o.Format, static, VideoTruth{FPS: float64(o.FPS), Frames: static.Frames,
		Shots: []ShotTruth{{Span: Span{0, static.Frames}, Captions: orig.Shots[0].Captions}}, Expect: "static"}, video.Options{}); err != nil {
		return nil, err
	}
	shaky := shake(base, o.Size/8, rng)
	if err := write("shaky."+o.Format, shaky, VideoTruth{FPS: float64(o.FPS), Frames: shaky.Frames,
		Shots: []ShotTruth{{Span: Span{0, shaky.Frames}, Captions: orig.Shots[0].Captions}}, Expect: "shaky"}, video.Options{}); err != nil {
		return nil, err
	}
	// Broken inputs: random bytes, and the first 40% of a real file.
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(rng.UintN(256))
	}
	for _, b := range []struct {
		name string
		data []byte
	}{{"corrupt.mp4", junk}, {"truncated." + o.Format, data[:len(data)*2/5]}} {
		if err := atomicfile.WriteFile(filepath.Join(o.Out, b.name), b.data, 0o644); err != nil {
			return nil, err
		}
		truth.Videos = append(truth.Videos, VideoTruth{File: b.name, Expect: "quarantine"})
	}
	return truth, writeJSON(filepath.Join(o.Out, "truth.json"), truth)
}

// ReadCorpusTruth reads DIR/truth.json.
func ReadCorpusTruth(dir string) (*CorpusTruth, error) {
	p := filepath.Join(dir, "truth.json")
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("curate: corpus truth: %w", err)
	}
	var t CorpusTruth
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("curate: corpus truth %s: %w", p, err)
	}
	if len(t.Videos) == 0 {
		return nil, fmt.Errorf("curate: corpus truth %s: %w", p, errors.New("no videos"))
	}
	return &t, nil
}

func scaleFrame(c *video.Clip, t int, a float64) {
	f := c.Frame(t)
	for i, v := range f {
		f[i] = uint8(float64(v)*a + 0.5)
	}
}

func concat(parts []*video.Clip) *video.Clip {
	n := 0
	for _, p := range parts {
		n += p.Frames
	}
	out, _ := video.NewClip(n, parts[0].Height, parts[0].Width, parts[0].FPS)
	off := 0
	for _, p := range parts {
		off += copy(out.Pix[off:], p.Pix[:p.Frames*p.FrameBytes()])
	}
	return out
}

func repeatFrame(c *video.Clip, t, n int) []*video.Clip {
	out := make([]*video.Clip, n)
	for i := range out {
		out[i] = c.Slice(t, t+1)
	}
	return out
}

// shake moves every frame of c by a random offset of up to amp pixels (edges repeated).
func shake(c *video.Clip, amp int, rng *rand.Rand) *video.Clip {
	out := c.Clone()
	for t := range c.Frames {
		dx, dy := rng.IntN(2*amp+1)-amp, rng.IntN(2*amp+1)-amp
		for y := range c.Height {
			for x := range c.Width {
				sy := min(max(y+dy, 0), c.Height-1)
				sx := min(max(x+dx, 0), c.Width-1)
				r, g, b := c.At(t, sy, sx)
				out.Set(t, y, x, r, g, b)
			}
		}
	}
	return out
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("curate: %s: %w", path, err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("curate: write %s: %w", path, err)
	}
	return nil
}
