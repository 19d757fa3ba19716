package physics

import (
	"math"
	"time"

	"github.com/wfm-platform/wfm/eval"
	"github.com/wfm-platform/wfm/video"
	sim "github.com/wfm-platform/wfm/world/physics"
)

// Score is a metric value; NaN (nothing to measure, e.g. no object found) is written as JSON
// null (eval.Metric).
type Score = eval.Metric

// Scores are the physical-alignment metrics of one prediction or the mean over several.
type Scores struct {
	PSNR Score `json:"psnr"` // dB, mean over frames, identical frames count as MaxPSNR
	SSIM Score `json:"ssim"` // mean over frames
	IoU  Score `json:"iou"`  // mean object-mask IoU over frames (objects visible in the truth)
	// PositionError is the mean distance in pixels between each detected object's centroid in
	// the prediction and its simulated position projected into the image (PhyWorld's position
	// error, in 2-D).
	PositionError Score `json:"position_error_px"`
	// VelocityError is the mean distance in pixels/frame between the frame-to-frame centroid
	// displacement in the prediction and the simulated one.
	VelocityError Score `json:"velocity_error_px_per_frame"`
	// Detected is the fraction of (object, frame) pairs visible in the truth that the colour
	// segmentation finds in the prediction; the errors above cover only those.
	Detected Score `json:"detected"`
}

// Curves are per-frame scores over the scored frames.
type Curves struct {
	PSNR          []Score `json:"psnr"`
	SSIM          []Score `json:"ssim"`
	IoU           []Score `json:"iou"`
	PositionError []Score `json:"position_error_px"`
}

// Sample is one prediction's scores.
type Sample struct {
	Model    string       `json:"model"`
	Scenario sim.Scenario `json:"scenario"`
	Split    sim.Split    `json:"split"`
	Cond     int          `json:"cond_frames"`
	Clip     int          `json:"clip"` // synth clip index (the seed of the scene follows from it)
	Caption  string       `json:"caption"`
	Scores
	Curves Curves `json:"-"` // per frame; only the groups' curves go to JSON
}

// Group is the mean over the samples of one model, split, conditioning length and scenario
// (Scenario "all": over every scenario).
type Group struct {
	Model    string    `json:"model"`
	Scenario string    `json:"scenario"`
	Split    sim.Split `json:"split"`
	Cond     int       `json:"cond_frames"`
	Clips    int       `json:"clips"`
	Scores
	Curves Curves `json:"curves"`
}

// ScenarioAll names the group over every scenario.
const ScenarioAll = "all"

// Example keeps the videos of one clip for a report.
type Example struct {
	Scenario sim.Scenario
	Split    sim.Split
	Cond     int
	Clip     int
	Caption  string
	Truth    *video.Clip   // conditioning frames then the scored future (maxCond + Frames frames)
	Preds    []*video.Clip // per model, the Frames predicted frames
}

// Result is a whole run.
type Result struct {
	Config  Config    `json:"config"`
	Models  []string  `json:"models"`
	Groups  []Group   `json:"groups"`
	Samples []Sample  `json:"samples"`
	Seconds float64   `json:"seconds"`
	Start   time.Time `json:"start"`
	// Examples are kept for reports and not written to JSON.
	Examples []Example `json:"-"`
}

// Group returns the group of a model, split, conditioning length and scenario, or nil.
func (r *Result) Group(model string, split sim.Split, cond int, scenario string) *Group {
	for i := range r.Groups {
		g := &r.Groups[i]
		if g.Model == model && g.Split == split && g.Cond == cond && g.Scenario == scenario {
			return g
		}
	}
	return nil
}

func ratio(a, b float64) Score {
	if b == 0 {
		return Score(math.NaN())
	}
	return Score(a / b)
}

// meanScores averages the scores that are not NaN (NaN when none is).
func meanScores(v []Score) Score {
	var sum, n float64
	for _, x := range v {
		if !math.IsNaN(float64(x)) {
			sum += float64(x)
			n++
		}
	}
	return ratio(sum, n)
}

// aggregate averages samples per model, split, conditioning length and scenario, then over all
// scenarios, in the order of the configuration.
func aggregate(cfg Config, models []string, samples []Sample) []Group {
	var groups []Group
	for _, m := range models {
		for _, split := range cfg.Splits {
			for _, cond := range cfg.CondFrames {
				scenarios := make([]string, 0, len(cfg.Scenarios)+1)
				for _, s := range cfg.Scenarios {
					scenarios = append(scenarios, string(s))
				}
				for _, sc := range append(scenarios, ScenarioAll) {
					var in []*Sample
					for i := range samples {
						s := &samples[i]
						if s.Model == m && s.Split == split && s.Cond == cond && (sc == ScenarioAll || string(s.Scenario) == sc) {
							in = append(in, s)
						}
					}
					groups = append(groups, meanGroup(Group{Model: m, Scenario: sc, Split: split, Cond: cond}, in, cfg.Frames))
				}
			}
		}
	}
	return groups
}

func meanGroup(g Group, in []*Sample, frames int) Group {
	g.Clips = len(in)
	col := func(get func(*Sample) Score) Score {
		v := make([]Score, len(in))
		for i, s := range in {
			v[i] = get(s)
		}
		return meanScores(v)
	}
	g.PSNR = col(func(s *Sample) Score { return s.PSNR })
	g.SSIM = col(func(s *Sample) Score { return s.SSIM })
	g.IoU = col(func(s *Sample) Score { return s.IoU })
	g.PositionError = col(func(s *Sample) Score { return s.PositionError })
	g.VelocityError = col(func(s *Sample) Score { return s.VelocityError })
	g.Detected = col(func(s *Sample) Score { return s.Detected })
	curve := func(get func(*Sample) []Score) []Score {
		out := make([]Score, frames)
		for t := range frames {
			out[t] = col(func(s *Sample) Score { return get(s)[t] })
		}
		return out
	}
	g.Curves.PSNR = curve(func(s *Sample) []Score { return s.Curves.PSNR })
	g.Curves.SSIM = curve(func(s *Sample) []Score { return s.Curves.SSIM })
	g.Curves.IoU = curve(func(s *Sample) []Score { return s.Curves.IoU })
	g.Curves.PositionError = curve(func(s *Sample) []Score { return s.Curves.PositionError })
	return g
}
