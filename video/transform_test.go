package video

import (
	"slices"
	"testing"
)

func TestResizeIdentityIsExact(t *testing.T) {
	c := noiseClip(t, 2, 7, 9, 24, 1)
	for _, m := range []ResizeMethod{ResizeArea, ResizeBilinear} {
		d, err := Resize(c, 7, 9, m)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Pix, c.Pix) {
			t.Errorf("method %d: same-size resize changed pixels", m)
		}
	}
}

func TestResizeConstantStaysConstant(t *testing.T) {
	c, _ := NewClip(1, 23, 37, 24)
	for i := range c.Pix {
		c.Pix[i] = []uint8{255, 3, 128}[i%3]
	}
	for _, m := range []ResizeMethod{ResizeArea, ResizeBilinear} {
		for _, size := range [][2]int{{7, 10}, {50, 61}, {1, 1}, {23, 5}} {
			d, err := Resize(c, size[0], size[1], m)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range d.Pix {
				if v != c.Pix[i%3] {
					t.Fatalf("method %d to %v: sample %d is %d, want %d", m, size, i, v, c.Pix[i%3])
				}
			}
		}
	}
}

// TestResizeAreaIntegerFactorIsBlockMean: area downscaling by 3 is the rounded mean of each
// 3x3 block, computed here directly.
func TestResizeAreaIntegerFactorIsBlockMean(t *testing.T) {
	c := noiseClip(t, 2, 9, 12, 24, 2)
	d, err := Resize(c, 3, 4, ResizeArea)
	if err != nil {
		t.Fatal(err)
	}
	for f := range 2 {
		for y := range 3 {
			for x := range 4 {
				for k := range 3 {
					sum := 0
					for dy := range 3 {
						for dx := range 3 {
							sum += int(c.Frame(f)[((3*y+dy)*12+3*x+dx)*3+k])
						}
					}
					want := (2*sum + 9) / 18 // round(sum/9), halves up
					if got := int(d.Frame(f)[(y*4+x)*3+k]); got != want {
						t.Fatalf("frame %d (%d,%d,%d): %d, want %d", f, y, x, k, got, want)
					}
				}
			}
		}
	}
}

// TestResizeFractionalWeights checks hand-derived cases on a one-row ramp.
func TestResizeFractionalWeights(t *testing.T) {
	c, _ := NewClip(1, 1, 3, 24)
	copy(c.Pix, []uint8{0, 0, 0, 90, 90, 90, 210, 210, 210})
	// Area 3 -> 2: each output covers 1.5 pixels. Out 0 = (1*0 + 0.5*90)/1.5 = 30;
	// out 1 = (0.5*90 + 1*210)/1.5 = 170.
	d, _ := Resize(c, 1, 2, ResizeArea)
	if d.Pix[0] != 30 || d.Pix[3] != 170 {
		t.Errorf("area 3->2: %v, want 30, 170", d.Pix)
	}
	// Bilinear 3 -> 6: source x = (o+0.5)/2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25,
	// 1.75, 2.25 (clamped to 2), so 0, 22.5, 67.5, 120, 180, 210.
	d, _ = Resize(c, 1, 6, ResizeBilinear)
	want := []uint8{0, 23, 68, 120, 180, 210}
	for x, w := range want {
		if d.Pix[3*x] != w {
			t.Errorf("bilinear 3->6 x=%d: %d, want %d", x, d.Pix[3*x], w)
		}
	}
	if _, err := Resize(c, 0, 2, ResizeArea); err == nil {
		t.Error("resize to height 0 accepted")
	}
	if _, err := Resize(c, 1, 2, ResizeMethod(7)); err == nil {
		t.Error("unknown method accepted")
	}
}

func TestCrop(t *testing.T) {
	c := noiseClip(t, 2, 6, 8, 24, 3)
	d, err := CenterCrop(c, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	// Offsets (6-3)/2 = 1 and (8-4)/2 = 2.
	for f := range 2 {
		for y := range 3 {
			for x := range 4 {
				r1, g1, b1 := d.At(f, y, x)
				r2, g2, b2 := c.At(f, y+1, x+2)
				if r1 != r2 || g1 != g2 || b1 != b2 {
					t.Fatalf("CenterCrop pixel (%d,%d,%d) is not source (%d,%d)", f, y, x, y+1, x+2)
				}
			}
		}
	}
	for _, r := range [][4]int{{-1, 0, 2, 2}, {0, 0, 7, 2}, {5, 7, 2, 2}, {0, 0, 0, 2}} {
		if _, err := Crop(c, r[0], r[1], r[2], r[3]); err == nil {
			t.Errorf("Crop %v of a 8x6 frame accepted", r)
		}
	}
}

func TestReflectIndex(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{
		{4, []int{0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2}},
		{2, []int{0, 1, 0, 1, 0}},
		{1, []int{0, 0, 0}},
	}
	for _, tt := range tests {
		for i, w := range tt.want {
			if got := reflectIndex(i, tt.n); got != w {
				t.Errorf("reflectIndex(%d, %d) = %d, want %d", i, tt.n, got, w)
			}
		}
	}
}

func TestPadReflect(t *testing.T) {
	c := noiseClip(t, 2, 5, 3, 24, 4)
	d, err := PadReflect(c, 4, 8)
	if err != nil {
		t.Fatal(err)
	}
	if d.Height != 8 || d.Width != 8 {
		t.Fatalf("padded to %dx%d, want 8x8", d.Width, d.Height)
	}
	back, _ := Crop(d, 0, 0, 5, 3)
	if !slices.Equal(back.Pix, c.Pix) {
		t.Fatal("the top-left of the padded clip is not the original")
	}
	// Row 5 mirrors row 3, column 3 mirrors column 1, row 7 mirrors row 1 ("reflect" mode).
	for _, p := range [][4]int{{5, 0, 3, 0}, {0, 3, 0, 1}, {7, 4, 1, 0}, {6, 6, 2, 2}} {
		r1, _, _ := d.At(1, p[0], p[1])
		r2, _, _ := c.At(1, p[2], reflectIndex(p[1], 3))
		if p[3] != reflectIndex(p[1], 3) || r1 != r2 {
			t.Errorf("padded (%d,%d) should mirror (%d,%d)", p[0], p[1], p[2], p[3])
		}
	}
	same, _ := PadReflect(c, 5, 3)
	if !slices.Equal(same.Pix, c.Pix) {
		t.Error("padding to multiples already met changed the clip")
	}
	if _, err := PadReflect(c, 0, 8); err == nil {
		t.Error("multiple 0 accepted")
	}
}

func TestPadEdge(t *testing.T) {
	c := noiseClip(t, 1, 3, 3, 24, 5)
	d := padEdge(c, 4, 4)
	for y := range 4 {
		for x := range 4 {
			r1, g1, b1 := d.At(0, y, x)
			r2, g2, b2 := c.At(0, min(y, 2), min(x, 2))
			if r1 != r2 || g1 != g2 || b1 != b2 {
				t.Fatalf("padEdge (%d,%d) is not the nearest edge pixel", y, x)
			}
		}
	}
}
