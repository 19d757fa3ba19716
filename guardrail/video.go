package guardrail

import (
	"context"
	"fmt"
	"math"

	"github.com/wfm-platform/wfm/guardrail/classify"
	"github.com/wfm-platform/wfm/guardrail/face"
	"github.com/wfm-platform/wfm/video"
)

// DefaultSampleFPS is the rate at which frames go to the frame classifier (the reference's).
const DefaultSampleFPS = 2.0

// VideoOptions configure the post-guard.
type VideoOptions struct {
	// SampleFPS is the rate of frames shown to Classifier (DefaultSampleFPS if 0); a clip at or
	// below this rate has every frame checked.
	SampleFPS float64
	// Classifier labels sampled frames; nil checks none (face blur only).
	Classifier classify.ImageClassifier
	// Faces are the face detector's and blur's thresholds.
	Faces face.Options
	// NoFaceBlur turns face blurring off.
	NoFaceBlur bool
}

// DefaultVideoOptions: 2 fps sampling, no frame classifier, face blur with face.DefaultOptions.
func DefaultVideoOptions() VideoOptions {
	return VideoOptions{SampleFPS: DefaultSampleFPS, Faces: face.DefaultOptions()}
}

// VideoGuard is the video post-guard.
type VideoGuard struct {
	opts     VideoOptions
	detector *face.Detector
}

// NewVideoGuard checks the options and loads the face detector.
func NewVideoGuard(opts VideoOptions) (*VideoGuard, error) {
	if opts.SampleFPS == 0 {
		opts.SampleFPS = DefaultSampleFPS
	}
	if !(opts.SampleFPS > 0) || math.IsInf(opts.SampleFPS, 0) {
		return nil, fmt.Errorf("guardrail: sample rate %v fps is not positive", opts.SampleFPS)
	}
	g := &VideoGuard{opts: opts}
	if !opts.NoFaceBlur {
		d, err := face.NewDetector(opts.Faces)
		if err != nil {
			return nil, fmt.Errorf("guardrail: %w", err)
		}
		g.detector = d
	}
	return g, nil
}

// DefaultVideoGuard is NewVideoGuard(DefaultVideoOptions()).
func DefaultVideoGuard() (*VideoGuard, error) { return NewVideoGuard(DefaultVideoOptions()) }

// SampleFrames returns the indices of the frames at times 0, 1/rate, 2/rate, ... seconds of a
// clip of the given length and frame rate: the frame shown at each time (the last one starting
// at or before it). Every frame when fps <= rate or fps is unknown (0).
func SampleFrames(frames int, fps, rate float64) []int {
	var out []int
	if fps <= 0 || fps <= rate {
		for t := range frames {
			out = append(out, t)
		}
		return out
	}
	last := -1
	for k := 0; ; k++ {
		t := int(math.Floor(float64(k)*fps/rate + 1e-9))
		if t >= frames {
			break
		}
		if t != last {
			out = append(out, t)
			last = t
		}
	}
	return out
}

// CheckVideo decides whether a generated clip may be shown, and returns it with faces
// pixelated. A blocked verdict comes with a nil clip: nothing of a blocked video is returned.
// Frame classifier failures block. The error is non-nil when the clip is invalid or ctx was
// cancelled (the verdict then blocks too). clip itself is never changed.
func (g *VideoGuard) CheckVideo(ctx context.Context, clip *video.Clip) (Verdict, *video.Clip, error) {
	if clip == nil {
		err := fmt.Errorf("guardrail: no clip")
		return guardError(StageVideo, err), nil, err
	}
	if err := clip.Validate(); err != nil {
		err = fmt.Errorf("guardrail: check video: %w", err)
		return guardError(StageVideo, err), nil, err
	}
	v := Verdict{Allowed: true, Stage: StageVideo}
	if c := g.opts.Classifier; c != nil {
		for _, t := range SampleFrames(clip.Frames, clip.FPS, g.opts.SampleFPS) {
			if err := ctx.Err(); err != nil {
				return guardError(StageVideo, err), nil, err
			}
			res, err := c.ClassifyImage(ctx, clip.Image(t))
			v.FramesChecked++
			if err != nil {
				b := blocked(StageVideo, Finding{Rule: RuleClassifierError, Frame: t, Source: c.Name(),
					Reason: fmt.Sprintf("frame classifier %s failed on frame %d, blocking (fail closed): %v", c.Name(), t, err)})
				b.FramesChecked = v.FramesChecked
				return b, nil, ctx.Err()
			}
			if !res.Safe {
				b := blocked(StageVideo, classifierFinding(c.Name(), res, t))
				b.FramesChecked = v.FramesChecked
				return b, nil, nil
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return guardError(StageVideo, err), nil, err
	}
	if g.detector == nil {
		return v, clip.Clone(), nil
	}
	out, res := g.detector.BlurClip(clip)
	v.FacesBlurred, v.FramesWithFaces = res.Blurred, res.FramesWithFaces
	for t, boxes := range res.Faces {
		for _, b := range boxes {
			v.Findings = append(v.Findings, Finding{Rule: RuleFaceBlur, Frame: t,
				Reason: fmt.Sprintf("face %dx%d px at (%d,%d) pixelated, detector score %.1f", b.Size, b.Size, b.X, b.Y, b.Quality)})
		}
	}
	return v, out, nil
}

// Guard is the pre-guard and the post-guard together, for a generator to call before and after
// it runs.
type Guard struct {
	Prompt *PromptGuard
	Video  *VideoGuard
}

// Default is the shipped pre-guard and post-guard (DefaultPromptGuard, DefaultVideoGuard).
func Default() (*Guard, error) {
	p, err := DefaultPromptGuard()
	if err != nil {
		return nil, err
	}
	v, err := DefaultVideoGuard()
	if err != nil {
		return nil, err
	}
	return &Guard{Prompt: p, Video: v}, nil
}

// CheckPrompt runs the pre-guard (see PromptGuard.CheckPrompt).
func (g *Guard) CheckPrompt(ctx context.Context, prompt string) (Verdict, error) {
	return g.Prompt.CheckPrompt(ctx, prompt)
}

// CheckVideo runs the post-guard (see VideoGuard.CheckVideo).
func (g *Guard) CheckVideo(ctx context.Context, clip *video.Clip) (Verdict, *video.Clip, error) {
	return g.Video.CheckVideo(ctx, clip)
}
