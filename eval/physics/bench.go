package physics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
	"github.com/wfm-platform/wfm/world"
	sim "github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

// Run simulates the benchmark clips and scores every predictor on them. Oracles are given the
// true future. progress, when not nil, is called after each clip with the clips done and the
// total.
func Run(ctx context.Context, cfg Config, models []Predictor, progress func(done, total int)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(models) == 0 {
		return nil, errors.New("physics: no model to evaluate")
	}
	res := &Result{Config: cfg, Start: time.Now().UTC()}
	for _, m := range models {
		if slices.Contains(res.Models, m.Name()) {
			return nil, fmt.Errorf("physics: two models named %q", m.Name())
		}
		res.Models = append(res.Models, m.Name())
	}
	perSplit := cfg.N * len(cfg.Scenarios)
	total := perSplit * len(cfg.Splits)
	type clipResult struct {
		samples  []Sample
		examples []Example
	}
	results := make([]clipResult, total)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu      sync.Mutex // guards done and progress calls
		predict sync.Mutex // predictors run one call at a time (see Config.Workers)
		done    int
		wg      sync.WaitGroup
	)
	jobs := make(chan int)
	for range min(total, cfg.workers()) {
		wg.Go(func() {
			r := render.NewRenderer()
			for j := range jobs {
				split, k := cfg.Splits[j/perSplit], j%perSplit
				clip, err := synth.Make(cfg.synthOptions(split), k, r)
				if err != nil {
					cancel(fmt.Errorf("physics: %w", err))
					continue
				}
				keep := k/len(cfg.Scenarios) < cfg.Examples
				samples, examples, err := evalClip(ctx, cfg, clip, models, keep, &predict)
				if err != nil {
					cancel(err)
					continue
				}
				results[j] = clipResult{samples, examples}
				mu.Lock()
				done++
				if progress != nil {
					progress(done, total)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for j := range total {
		select {
		case jobs <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	for _, r := range results {
		res.Samples = append(res.Samples, r.samples...)
		res.Examples = append(res.Examples, r.examples...)
	}
	res.Groups = aggregate(cfg, res.Models, res.Samples)
	res.Seconds = time.Since(res.Start).Seconds()
	return res, nil
}

// truthTrack is one object's ground truth over the scored frames.
type truthTrack struct {
	id  uint8
	pos [][2]float64 // projected simulator position per scored frame, pixels
}

func evalClip(ctx context.Context, cfg Config, c *synth.Clip, models []Predictor, keep bool, predict *sync.Mutex) ([]Sample, []Example, error) {
	rec := c.Record
	mc, hw := cfg.maxCond(), c.Video.Width*c.Video.Height
	future := c.Video.Slice(mc, mc+cfg.Frames)
	futureMasks := c.Masks[mc*hw : (mc+cfg.Frames)*hw]
	var objects []Object
	var tracks []truthTrack
	for i, b := range rec.Trajectory.Bodies {
		// world/synth writes body index + 1 into the masks (0 is the background).
		if b.Type == sim.Static {
			continue
		}
		objects = append(objects, Object{ID: uint8(i + 1), RGB: world.ColourOf(b.Color).RGB})
		tr := truthTrack{id: uint8(i + 1)}
		for t := range cfg.Frames {
			p := rec.Trajectory.Frames[mc+t].States[i].Position
			q := rec.WorldToPix.Apply(render.Vec2{X: p.X, Y: p.Y})
			tr.pos = append(tr.pos, [2]float64{q.X, q.Y})
		}
		tracks = append(tracks, tr)
	}
	ids := make([]uint8, len(objects))
	for i, o := range objects {
		ids[i] = o.ID
	}
	caption := ""
	if len(rec.Captions) > 0 {
		caption = rec.Captions[0]
	}
	var samples []Sample
	var examples []Example
	for _, cond := range cfg.CondFrames {
		condClip := c.Video.Slice(mc-cond, mc).Clone()
		seg, err := NewSegmenter(objects, condClip.Pix, c.Masks[(mc-cond)*hw:mc*hw], c.Video.Height, c.Video.Width)
		if err != nil {
			return nil, nil, err
		}
		ex := Example{Scenario: rec.Scenario, Split: rec.Split, Cond: cond, Clip: rec.Index, Caption: caption, Truth: c.Video}
		for _, m := range models {
			var pred *video.Clip
			if o, ok := m.(Oracle); ok {
				pred, err = o.FromTruth(future)
			} else {
				predict.Lock()
				pred, err = m.Predict(ctx, Request{Cond: condClip, Caption: caption, Frames: cfg.Frames, Seed: rec.Seed})
				predict.Unlock()
			}
			if err != nil {
				return nil, nil, fmt.Errorf("physics: %s on %s clip %d (%s, %d frames): %w", m.Name(), rec.Scenario, rec.Index, rec.Split, cond, err)
			}
			if pred.Frames != cfg.Frames || pred.Width != future.Width || pred.Height != future.Height {
				return nil, nil, fmt.Errorf("physics: %s returned %dx%dx%d frames, want %dx%dx%d", m.Name(),
					pred.Frames, pred.Height, pred.Width, cfg.Frames, future.Height, future.Width)
			}
			s, err := score(pred, future, futureMasks, seg, ids, tracks)
			if err != nil {
				return nil, nil, fmt.Errorf("physics: %s on %s clip %d: %w", m.Name(), rec.Scenario, rec.Index, err)
			}
			s.Model, s.Scenario, s.Split, s.Cond, s.Clip, s.Caption = m.Name(), rec.Scenario, rec.Split, cond, rec.Index, caption
			samples = append(samples, s)
			if keep {
				ex.Preds = append(ex.Preds, pred)
			}
		}
		if keep {
			examples = append(examples, ex)
		}
	}
	return samples, examples, nil
}

// score measures one prediction against the future frames, masks and object tracks.
func score(pred, truth *video.Clip, truthMasks []uint8, seg *Segmenter, ids []uint8, tracks []truthTrack) (Sample, error) {
	var s Sample
	psnr, ssim, err := fidelityScores(pred, truth)
	if err != nil {
		return s, err
	}
	hw := truth.Width * truth.Height
	mask := make([]uint8, hw)
	scratch := make([]int32, hw)
	nan := Score(math.NaN())
	prev := make([][2]float64, len(tracks))
	prevOK := make([]bool, len(tracks))
	var posSum, velSum, visible, found, vels float64
	for t := range pred.Frames {
		s.Curves.PSNR = append(s.Curves.PSNR, Score(cappedPSNR(psnr[t])))
		s.Curves.SSIM = append(s.Curves.SSIM, Score(ssim[t]))
		seg.Frame(pred.Frame(t), mask)
		tm := truthMasks[t*hw : (t+1)*hw]
		iou, ok := MaskIoU(mask, tm, ids)
		if ok {
			s.Curves.IoU = append(s.Curves.IoU, Score(iou))
		} else {
			s.Curves.IoU = append(s.Curves.IoU, nan)
		}
		var fSum, fN float64
		for j, tr := range tracks {
			if !slices.Contains(tm, tr.id) {
				prevOK[j] = false
				continue
			}
			visible++
			x, y, ok := Centroid(mask, truth.Width, tr.id, scratch)
			if !ok {
				prevOK[j] = false
				continue
			}
			found++
			e := math.Hypot(x-tr.pos[t][0], y-tr.pos[t][1])
			posSum += e
			fSum += e
			fN++
			if prevOK[j] {
				vx, vy := x-prev[j][0], y-prev[j][1]
				tx, ty := tr.pos[t][0]-tr.pos[t-1][0], tr.pos[t][1]-tr.pos[t-1][1]
				velSum += math.Hypot(vx-tx, vy-ty)
				vels++
			}
			prev[j], prevOK[j] = [2]float64{x, y}, true
		}
		s.Curves.PositionError = append(s.Curves.PositionError, ratio(fSum, fN))
	}
	s.PSNR, s.SSIM, s.IoU = meanScores(s.Curves.PSNR), meanScores(s.Curves.SSIM), meanScores(s.Curves.IoU)
	s.PositionError, s.VelocityError, s.Detected = ratio(posSum, found), ratio(velSum, vels), ratio(found, visible)
	return s, nil
}

// fidelityScores returns per-frame PSNR and SSIM (on RGB: the mean of the three channels' SSIM).
// A prediction identical to the truth (the ground-truth baseline) skips the computation: its
// PSNR is infinite and its SSIM exactly 1 by their definitions, and SSIM is most of the
// benchmark's own run time.
func fidelityScores(pred, truth *video.Clip) (psnr, ssim []float64, err error) {
	if pred.SameSize(truth) && bytes.Equal(pred.Pix, truth.Pix) {
		psnr, ssim = make([]float64, pred.Frames), make([]float64, pred.Frames)
		for t := range psnr {
			psnr[t], ssim[t] = math.Inf(1), 1
		}
		return psnr, ssim, nil
	}
	if psnr, _, err = quality.PSNR(*pred, *truth); err != nil {
		return nil, nil, err
	}
	if ssim, _, err = quality.SSIM(*pred, *truth, quality.Options{}); err != nil {
		return nil, nil, err
	}
	return psnr, ssim, nil
}
