package physics

import (
	"math"
	"testing"
)

func TestSegmenter(t *testing.T) {
	red := Object{ID: 1, RGB: [3]uint8{214, 48, 49}}
	white := Object{ID: 2, RGB: [3]uint8{236, 236, 236}}
	// Conditioning frame, 1 x 8: sky, sky, grey ground, grey ground, sky, sky, red, white. The
	// background pixels next to the objects are left out of the prototypes.
	pix := []uint8{
		180, 200, 220, 180, 200, 220, 120, 120, 120, 120, 120, 120,
		181, 201, 221, 180, 200, 220, 200, 50, 50, 230, 230, 230,
	}
	masks := []uint8{0, 0, 0, 0, 0, 0, 1, 2}
	s, err := NewSegmenter([]Object{red, white}, pix, masks, 1, 8)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		r, g, b uint8
		want    uint8
	}{
		{"sky", 182, 199, 221, 0},
		{"grey_ground_not_white_body", 121, 119, 120, 0},
		{"red_seen", 200, 50, 50, 1},
		{"red_in_shadow_by_palette", 100, 22, 24, 1},
		{"white_seen", 232, 231, 230, 2},
		{"red_texture_half", 107, 24, 25, 1},
	}
	for _, tc := range tests {
		if got := s.Label(tc.r, tc.g, tc.b); got != tc.want {
			t.Errorf("%s: label %d, want %d", tc.name, got, tc.want)
		}
	}
	dst := make([]uint8, 8)
	s.Frame(pix[:24], dst)
	for i, want := range masks {
		if dst[i] != want {
			t.Errorf("frame pixel %d: %d, want %d", i, dst[i], want)
		}
	}
	if _, err := NewSegmenter(nil, pix[:5], masks, 1, 8); err == nil {
		t.Error("mismatched sizes: no error")
	}
}

func TestMaskIoU(t *testing.T) {
	truth := []uint8{0, 1, 1, 0, 2, 2, 0, 0}
	tests := []struct {
		name string
		pred []uint8
		ids  []uint8
		want float64
		ok   bool
	}{
		{"perfect", truth, []uint8{1, 2}, 1, true},
		{"half_of_one", []uint8{0, 1, 0, 0, 2, 2, 0, 0}, []uint8{1, 2}, (0.5 + 1) / 2, true},
		{"shifted", []uint8{0, 0, 1, 1, 0, 2, 2, 0}, []uint8{1, 2}, (1.0/3 + 1.0/3) / 2, true},
		{"missing_object_scores_zero", []uint8{0, 1, 1, 0, 0, 0, 0, 0}, []uint8{1, 2}, 0.5, true},
		{"absent_in_truth_ignored", truth, []uint8{1, 2, 3}, 1, true},
		{"nothing_visible", truth, []uint8{3}, 0, false},
	}
	for _, tc := range tests {
		got, ok := MaskIoU(tc.pred, truth, tc.ids)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCentroid(t *testing.T) {
	// 4 wide: a 2x2 block of 5 at the top left, a stray 5 at the bottom right.
	mask := []uint8{
		5, 5, 0, 0,
		5, 5, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 5,
	}
	x, y, ok := Centroid(mask, 4, 5, nil)
	if !ok || x != 1 || y != 1 {
		t.Errorf("largest region centroid (%v, %v, %v), want (1, 1, true)", x, y, ok)
	}
	// Regions do not wrap around rows: 5 at the end of row 0 and the start of row 1.
	wrap := []uint8{0, 0, 0, 5, 5, 0, 0, 0}
	if x, y, _ := Centroid(wrap, 4, 5, make([]int32, 8)); x != 3.5 || y != 0.5 {
		t.Errorf("wrapping region: centroid (%v, %v), want the first single pixel (3.5, 0.5)", x, y)
	}
	if _, _, ok := Centroid(mask, 4, 7, nil); ok {
		t.Error("absent label found")
	}
}
