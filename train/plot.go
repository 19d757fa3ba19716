package train

import (
	"fmt"
	"image/color"
	"io"
	"maps"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// PlotFile is the name of the loss curve image in the run folder.
const PlotFile = "loss.png"

// WriteLossPlot draws the training loss of history against the step, plus each evaluation
// metric whose name is "loss" or ends in "_loss", and writes it atomically as a PNG to path.
// Non-finite values are left out.
func WriteLossPlot(path string, history []Metrics) error {
	p := plot.New()
	p.Title.Text = "Training loss"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss"
	p.Add(plotter.NewGrid())

	series := map[string]plotter.XYs{}
	var names []string
	add := func(name string, step int, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if _, ok := series[name]; !ok {
			names = append(names, name)
		}
		series[name] = append(series[name], plotter.XY{X: float64(step), Y: v})
	}
	for _, m := range history {
		add("train", m.Step, float64(m.Loss))
		for _, k := range slices.Sorted(maps.Keys(m.Eval)) {
			if k == "loss" || strings.HasSuffix(k, "_loss") {
				add("eval "+k, m.Step, float64(m.Eval[k]))
			}
		}
	}
	palette := []color.Color{
		color.RGBA{R: 31, G: 119, B: 180, A: 255},
		color.RGBA{R: 214, G: 39, B: 40, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255},
		color.RGBA{R: 148, G: 103, B: 189, A: 255},
	}
	for i, name := range names {
		line, err := plotter.NewLine(series[name])
		if err != nil {
			return fmt.Errorf("train: plot %s: %w", name, err)
		}
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(name, line)
	}
	p.Legend.Top = true
	wt, err := p.WriterTo(16*vg.Centimeter, 10*vg.Centimeter, "png")
	if err != nil {
		return fmt.Errorf("train: plot: %w", err)
	}
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("train: plot: %w", err)
	}
	return nil
}
