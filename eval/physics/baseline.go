package physics

import (
	"context"
	"errors"
	"fmt"

	"github.com/wfm-platform/wfm/video"
)

// GroundTruth returns the simulator's own future frames: the upper bound of every score. Its
// PSNR is capped at MaxPSNR and its SSIM is 1; its mask IoU and centroid errors measure what the
// colour segmentation itself loses on perfect video.
type GroundTruth struct{}

// Name implements Predictor.
func (GroundTruth) Name() string { return ModelGroundTruth }

// Predict always fails: the ground truth needs the future, which only the benchmark has.
func (GroundTruth) Predict(context.Context, Request) (*video.Clip, error) {
	return nil, errors.New("physics: the ground-truth predictor is only run by the benchmark (FromTruth)")
}

// FromTruth implements Oracle.
func (GroundTruth) FromTruth(future *video.Clip) (*video.Clip, error) { return future.Clone(), nil }

// CopyLast repeats the last conditioning frame: a model that predicts no motion at all. It
// scores well on scenes that barely move (stable stacks) and is the lower bound to beat
// everywhere else.
type CopyLast struct{}

// Name implements Predictor.
func (CopyLast) Name() string { return ModelCopyLast }

// Predict implements Predictor.
func (CopyLast) Predict(ctx context.Context, req Request) (*video.Clip, error) {
	out, err := newPrediction(req)
	if err != nil {
		return nil, err
	}
	last := req.Cond.Frame(req.Cond.Frames - 1)
	for t := range out.Frames {
		copy(out.Frame(t), last)
	}
	return out, nil
}

// Linear extrapolates every pixel linearly in time from the last two conditioning frames:
// frame k after the last one is last + k*(last - previous), clamped to [0, 255]. With a single
// conditioning frame it is CopyLast. It is extrapolation in pixel space, chosen over moving
// segmented objects because it needs no segmentation (which would share the benchmark's own
// measuring tool) and is what a model that learned only "keep changing as you were" would do.
// Moving edges leave growing trails of clamped colour, so it falls below CopyLast on PSNR after
// a few frames; it gives the lower bound for a model that has learned motion but not objects.
type Linear struct{}

// Name implements Predictor.
func (Linear) Name() string { return ModelLinear }

// Predict implements Predictor.
func (Linear) Predict(ctx context.Context, req Request) (*video.Clip, error) {
	out, err := newPrediction(req)
	if err != nil {
		return nil, err
	}
	last := req.Cond.Frame(req.Cond.Frames - 1)
	prev := last
	if req.Cond.Frames > 1 {
		prev = req.Cond.Frame(req.Cond.Frames - 2)
	}
	for t := range out.Frames {
		dst, k := out.Frame(t), t+1
		for i, v := range last {
			x := int(v) + k*(int(v)-int(prev[i]))
			dst[i] = uint8(min(255, max(0, x)))
		}
	}
	return out, nil
}

// newPrediction checks a request and allocates the clip a prediction fills.
func newPrediction(req Request) (*video.Clip, error) {
	if req.Cond == nil || req.Cond.Frames < 1 {
		return nil, errors.New("physics: predict: no conditioning frames")
	}
	if req.Frames < 1 {
		return nil, fmt.Errorf("physics: predict: %d frames requested, want >= 1", req.Frames)
	}
	return video.NewClip(req.Frames, req.Cond.Height, req.Cond.Width, req.Cond.FPS)
}
