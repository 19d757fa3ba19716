package report

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/wfm-platform/wfm/eval/physics"
	"github.com/wfm-platform/wfm/video"
	sim "github.com/wfm-platform/wfm/world/physics"
)

// Physics lays out a physical-alignment run: the summary per split and conditioning length, the
// per-scenario table, per-scenario plots of IoU and PSNR over the predicted frames, and the
// side-by-side animations of the kept examples.
func Physics(res *physics.Result) (*Document, error) {
	cfg := res.Config
	doc := &Document{Title: "Physical alignment", Generated: res.Start}
	doc.Summary = []string{
		fmt.Sprintf("%d scenarios x %d clips per split (%s), %dx%d at %d fps; models conditioned on %s frames and a caption predict %d frames, scored against the simulator's future frames, instance masks and body states. Run time %.1f s.",
			len(cfg.Scenarios), cfg.N, joinSplits(cfg.Splits), cfg.Width, cfg.Height, cfg.FPS, joinInts(cfg.CondFrames), cfg.Frames, res.Seconds),
		"Metrics: PSNR (dB; identical frames count as 100) and SSIM (Gaussian 11x11, sigma 1.5, mean of R, G, B) per frame; mean object-mask IoU, the prediction segmented by the known palette colour of each object; PhyWorld-style centroid position error (px) against the projected simulator position and velocity error (px/frame) of frame-to-frame centroid motion, over the objects the segmentation finds (detected: the fraction found).",
		"Objects are the dynamic bodies; one whose physics index is 0 (the first ball of elastic_collision, a scene without ground) shares mask ID 0 with the background in world/synth's masks and is left out of IoU and centroid scores.",
		"Baselines: ground-truth is the simulator's own video (upper bound; its IoU and centroid errors are the floor the colour segmentation sets); copy-last repeats the last conditioning frame; linear extrapolates every pixel linearly from the last two conditioning frames (equal to copy-last with one frame).",
	}
	head := []string{"model", "PSNR", "SSIM", "IoU", "pos. err px", "vel. err px/f", "detected"}
	sum := doc.NewSection("Summary (all scenarios)")
	for _, split := range cfg.Splits {
		for _, cond := range cfg.CondFrames {
			t := &Table{Caption: fmt.Sprintf("%s, %d conditioning frame(s)", splitName(split), cond), Head: head}
			for _, m := range res.Models {
				if g := res.Group(m, split, cond, physics.ScenarioAll); g != nil {
					t.Rows = append(t.Rows, append([]string{m}, scoreCells(g.Scores)...))
				}
			}
			sum.Add(t)
		}
	}
	for _, split := range cfg.Splits {
		sec := doc.NewSection("Per scenario: " + splitName(split))
		t := &Table{Head: append([]string{"scenario", "cond"}, head...)}
		for _, sc := range cfg.Scenarios {
			for _, cond := range cfg.CondFrames {
				for _, m := range res.Models {
					if g := res.Group(m, split, cond, string(sc)); g != nil {
						t.Rows = append(t.Rows, append([]string{string(sc), fmt.Sprint(cond), m}, scoreCells(g.Scores)...))
					}
				}
			}
		}
		sec.Add(t)
		var figs Figures
		for _, sc := range cfg.Scenarios {
			for _, metric := range []string{"IoU", "PSNR"} {
				f, err := physicsCurve(res, split, string(sc), metric)
				if err != nil {
					return nil, err
				}
				figs = append(figs, f)
			}
		}
		sec.Add(Text("Per predicted frame, mean over clips; solid lines: fewest conditioning frames, dashed: more. PSNR plots leave out the ground truth (always 100 dB)."), figs)
	}
	if len(res.Examples) > 0 {
		sec := doc.NewSection("Examples")
		sec.Add(Text("Each animation: one row per conditioning length (c1: one frame, ...), one column per model, the ground truth first. Frames a model was not shown are dimmed; its predicted frames follow the conditioning ones."))
		var figs Figures
		for _, split := range cfg.Splits {
			for _, sc := range cfg.Scenarios {
				f, err := exampleGIF(res, split, sc)
				if err != nil {
					return nil, err
				}
				if f != nil {
					figs = append(figs, f)
				}
			}
		}
		sec.Add(figs)
	}
	return doc, nil
}

func scoreCells(s physics.Scores) []string {
	return []string{Num(float64(s.PSNR), 2), Num(float64(s.SSIM), 3), Num(float64(s.IoU), 3),
		Num(float64(s.PositionError), 2), Num(float64(s.VelocityError), 2), Num(float64(s.Detected), 2)}
}

// physicsCurve plots one metric over the predicted frames for every model and conditioning
// length of a scenario.
func physicsCurve(res *physics.Result, split sim.Split, scenario, metric string) (*Figure, error) {
	cfg := res.Config
	var series []Series
	for _, m := range res.Models {
		if metric == "PSNR" && m == physics.ModelGroundTruth {
			continue // always MaxPSNR, it would only squash the other curves
		}
		for i, cond := range cfg.CondFrames {
			g := res.Group(m, split, cond, scenario)
			if g == nil {
				continue
			}
			ys := g.Curves.IoU
			if metric == "PSNR" {
				ys = g.Curves.PSNR
			}
			s := Series{Name: fmt.Sprintf("%s c%d", m, cond), Group: m, Dashed: i > 0 && len(cfg.CondFrames) > 1}
			for t, y := range ys {
				s.X = append(s.X, float64(t+1))
				s.Y = append(s.Y, float64(y))
			}
			series = append(series, s)
		}
	}
	f, err := LinePlot(fmt.Sprintf("%s %s (%s)", scenario, metric, split), "predicted frame", metric, series, 3.6*vg.Inch, 2.4*vg.Inch)
	if err != nil {
		return nil, err
	}
	f.Width = 346 // 3.6 in at 96 dpi
	return f, nil
}

// exampleGIF builds the side-by-side animation of the first kept example of a scenario.
func exampleGIF(res *physics.Result, split sim.Split, sc sim.Scenario) (*Figure, error) {
	cfg := res.Config
	var clips []*video.Clip
	var labels []string
	caption := ""
	for _, cond := range cfg.CondFrames {
		var ex *physics.Example
		for i := range res.Examples {
			e := &res.Examples[i]
			if e.Split == split && e.Scenario == sc && e.Cond == cond {
				ex = e
				break
			}
		}
		if ex == nil {
			return nil, nil
		}
		caption = ex.Caption
		mc := ex.Truth.Frames - cfg.Frames
		for i, pred := range ex.Preds {
			c, err := withContext(ex.Truth, pred, mc, cond)
			if err != nil {
				return nil, err
			}
			clips = append(clips, c)
			label := res.Models[i]
			if label == physics.ModelGroundTruth {
				label = fmt.Sprintf("truth c%d", cond)
			}
			labels = append(labels, label)
		}
	}
	grid, err := video.Grid(clips, labels, video.GridOptions{Columns: len(res.Models), Gap: 2,
		Background: color.RGBA{R: 255, G: 255, B: 255, A: 255}, LabelColor: color.RGBA{A: 255}})
	if err != nil {
		return nil, fmt.Errorf("report: %s %s example: %w", sc, split, err)
	}
	return GIF(fmt.Sprintf("%s (%s): %s", sc, split, caption), grid, 2)
}

// withContext prepends the truth's first mc frames to a prediction, dimming the ones the model
// was not shown (all but the last cond).
func withContext(truth, pred *video.Clip, mc, cond int) (*video.Clip, error) {
	out, err := video.NewClip(mc+pred.Frames, truth.Height, truth.Width, truth.FPS)
	if err != nil {
		return nil, err
	}
	for t := range mc {
		dst, src := out.Frame(t), truth.Frame(t)
		copy(dst, src)
		if t < mc-cond {
			for i, v := range dst {
				dst[i] = uint8((int(v) + 2*200) / 3)
			}
		}
	}
	for t := range pred.Frames {
		copy(out.Frame(mc+t), pred.Frame(t))
	}
	return out, nil
}

func splitName(s sim.Split) string {
	switch s {
	case sim.InDistribution:
		return "in distribution (id)"
	case sim.OutOfDistribution:
		return "out of distribution (ood)"
	}
	return string(s)
}

func joinSplits(s []sim.Split) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, " or ")
}
