package report

import (
	"bytes"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Series is one line of a line plot. NaN values leave gaps.
type Series struct {
	Name   string
	X, Y   []float64
	Dashed bool
	// Group picks the colour: series of the same Group (or, when Group is empty, the same Name)
	// share one.
	Group string
}

// LinePlot draws series as a PNG figure of width x height points (at 96 dpi through gonum/plot's
// PNG canvas).
func LinePlot(title, xLabel, yLabel string, series []Series, width, height vg.Length) (*Figure, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.Title.TextStyle.Font.Size = vg.Points(10)
	p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size = vg.Points(9), vg.Points(9)
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(8), vg.Points(8)
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	colour := 0
	names := map[string]int{}
	for _, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("report: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		key := s.Group
		if key == "" {
			key = s.Name
		}
		c, ok := names[key]
		if !ok {
			c = colour
			names[key] = c
			colour++
		}
		first := true
		for _, seg := range segments(s.X, s.Y) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return nil, fmt.Errorf("report: series %q: %w", s.Name, err)
			}
			l.Color = plotutil.Color(c)
			l.Width = vg.Points(1.2)
			if s.Dashed {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			p.Add(l)
			if first {
				p.Legend.Add(s.Name, l)
				first = false
			}
		}
	}
	p.Legend.ThumbnailWidth = vg.Points(18)
	// Head room above the data for the legend, which is drawn inside the plot at the top.
	if rows := len(series); rows > 0 && p.Y.Max > p.Y.Min {
		p.Y.Max += (p.Y.Max - p.Y.Min) * 0.09 * float64(rows)
	}
	wt, err := p.WriterTo(width, height, "png")
	if err != nil {
		return nil, fmt.Errorf("report: plot %q: %w", title, err)
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("report: plot %q: %w", title, err)
	}
	return &Figure{Caption: title, MIME: "image/png", Data: b.Bytes()}, nil
}

// segments splits a polyline at NaN or infinite values.
func segments(x, y []float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range x {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) || math.IsNaN(x[i]) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: x[i], Y: y[i]})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
