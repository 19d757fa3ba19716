package video

import (
	"image/color"
	"testing"
)

func TestGridLayout(t *testing.T) {
	a := markedClip(t, 3, 8, 10, 24) // frame t filled with t
	b, _ := NewClip(3, 4, 6, 24)
	for i := range b.Pix {
		b.Pix[i] = 200
	}
	bg := color.RGBA{10, 20, 30, 255}
	const gap = 2
	g, err := Grid([]*Clip{a, b}, []string{"truth", "model"}, GridOptions{Gap: gap, Background: bg})
	if err != nil {
		t.Fatal(err)
	}
	// Two cells of 10x8 in one row (ceil(sqrt(2)) = 2 columns), label bands of 17 rows.
	if g.Width != 2*10+3*gap || g.Height != labelBand+8+2*gap || g.Frames != 3 || g.FPS != 24 {
		t.Fatalf("grid is %v", g)
	}
	isBG := func(f, y, x int) bool {
		r, gg, b := g.At(f, y, x)
		return r == bg.R && gg == bg.G && b == bg.B
	}
	top := gap + labelBand
	for f := range 3 {
		// Cell 0 holds clip a.
		if r, _, _ := g.At(f, top, gap); int(r) != f {
			t.Fatalf("frame %d: cell 0 top-left is %d", f, r)
		}
		// Clip b (6x4) is centred in the 10x8 cell 1: offsets 2 and 2.
		x1 := gap + 10 + gap
		if r, _, _ := g.At(f, top+2, x1+2); r != 200 {
			t.Fatalf("frame %d: clip b not at its centred offset", f)
		}
		if !isBG(f, top+1, x1+2) || !isBG(f, top+2, x1+1) {
			t.Fatalf("frame %d: margin around clip b is not background", f)
		}
		// The gap column between the cells is background.
		for y := range g.Height {
			if !isBG(f, y, gap+10) {
				t.Fatalf("frame %d: gap pixel (%d, %d) is not background", f, y, gap+10)
			}
		}
	}
	// Labels put white ink in both bands.
	for cell, x0 := range []int{gap, 2*gap + 10} {
		ink := 0
		for y := gap; y < gap+labelBand; y++ {
			for x := x0; x < x0+10; x++ {
				if r, gg, b := g.At(0, y, x); r == 255 && gg == 255 && b == 255 {
					ink++
				}
			}
		}
		if ink == 0 {
			t.Errorf("no label ink in cell %d", cell)
		}
	}
}

func TestGridLongLabelStaysInItsCell(t *testing.T) {
	a := markedClip(t, 1, 4, 8, 24)
	g, err := Grid([]*Clip{a, a}, []string{"a label far wider than its cell", ""}, GridOptions{Gap: 1})
	if err != nil {
		t.Fatal(err)
	}
	for y := range g.Height {
		for x := 1 + 8; x < g.Width; x++ {
			if r, _, _ := g.At(0, y, x); r != 0 {
				t.Fatalf("ink at (%d, %d), outside the first cell", y, x)
			}
		}
	}
}

func TestGridColumnsAndNoLabels(t *testing.T) {
	c := markedClip(t, 2, 3, 4, 24)
	g, err := Grid([]*Clip{c, c, c}, nil, GridOptions{Columns: 1})
	if err != nil {
		t.Fatal(err)
	}
	if g.Width != 4 || g.Height != 9 {
		t.Fatalf("3 clips in one column: %dx%d, want 4x9", g.Width, g.Height)
	}
	bad := []struct {
		name   string
		clips  []*Clip
		labels []string
	}{
		{"no clips", nil, nil},
		{"length mismatch", []*Clip{c, markedClip(t, 3, 3, 4, 24)}, nil},
		{"fps mismatch", []*Clip{c, markedClip(t, 2, 3, 4, 30)}, nil},
		{"label count", []*Clip{c, c}, []string{"one"}},
	}
	for _, tt := range bad {
		if _, err := Grid(tt.clips, tt.labels, GridOptions{}); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}
