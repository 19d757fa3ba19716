package video

import (
	"slices"
	"testing"
)

func TestResample(t *testing.T) {
	tests := []struct {
		frames   int
		from, to float64
		want     []int // source frame of each output frame
	}{
		{10, 30, 15, []int{0, 2, 4, 6, 8}},
		{10, 30, 30, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		// 24 -> 30: output j is at source position 0.8j, rounded: 0, .8, 1.6, 2.4, 3.2, 4, 4.8, 5.6, 6.4, 7.2.
		{8, 24, 30, []int{0, 1, 2, 2, 3, 4, 5, 6, 6, 7}},
		// 30 -> 7.5: every 4th frame; 10 frames last 1/3 s, so ceil(2.5) = 3 frames.
		{10, 30, 7.5, []int{0, 4, 8}},
		// 25 -> 10: positions 0, 2.5, 5, 7.5 round half up to 0, 3, 5, 8.
		{10, 25, 10, []int{0, 3, 5, 8}},
		// 3 frames at 10 fps last 0.3 s = ceil(7.5) = 8 frames at 25 fps, at source positions
		// 0, .4, .8, 1.2, 1.6, 2, 2.4, 2.8; the last rounds to 3 and clamps to frame 2.
		{3, 10, 25, []int{0, 0, 1, 1, 2, 2, 2, 2}},
		{1, 30, 1, []int{0}},
	}
	for _, tt := range tests {
		c := markedClip(t, tt.frames, 1, 1, tt.from)
		d, err := Resample(c, tt.to)
		if err != nil {
			t.Fatal(err)
		}
		if got := frameMarks(d); !slices.Equal(got, tt.want) || d.FPS != tt.to {
			t.Errorf("%d frames %v -> %v fps: %v at %v, want %v", tt.frames, tt.from, tt.to, got, d.FPS, tt.want)
		}
	}
	if _, err := Resample(markedClip(t, 2, 1, 1, 30), 0); err == nil {
		t.Error("fps 0 accepted")
	}
}

func TestWindows(t *testing.T) {
	tests := []struct {
		frames, length, overlap int
		starts                  []int
	}{
		{10, 4, 1, []int{0, 3, 6}},    // strides end exactly at frame 9
		{11, 4, 1, []int{0, 3, 6, 7}}, // one more window aligned to the end
		{10, 4, 0, []int{0, 4, 6}},
		{10, 10, 5, []int{0}},
		{10, 3, 2, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{33, 17, 1, []int{0, 16}},
		{33, 16, 0, []int{0, 16, 17}},
	}
	for _, tt := range tests {
		c := markedClip(t, tt.frames, 1, 1, 24)
		ws, err := Windows(c, tt.length, tt.overlap)
		if err != nil {
			t.Fatal(err)
		}
		var starts []int
		covered := make([]bool, tt.frames)
		for _, w := range ws {
			marks := frameMarks(w)
			if len(marks) != tt.length {
				t.Fatalf("window of %d frames", len(marks))
			}
			starts = append(starts, marks[0])
			for _, m := range marks {
				covered[m] = true
			}
		}
		if !slices.Equal(starts, tt.starts) {
			t.Errorf("Windows(%d, %d, %d) start at %v, want %v", tt.frames, tt.length, tt.overlap, starts, tt.starts)
		}
		if slices.Contains(covered, false) {
			t.Errorf("Windows(%d, %d, %d) miss frames", tt.frames, tt.length, tt.overlap)
		}
	}
	c := markedClip(t, 5, 1, 1, 24)
	ws, _ := Windows(c, 2, 0)
	ws[1].Pix[0] = 99
	if c.Frame(2)[0] != 99 {
		t.Error("windows are not views")
	}
	for _, bad := range [][2]int{{6, 0}, {0, 0}, {3, 3}, {3, -1}} {
		if _, err := Windows(c, bad[0], bad[1]); err == nil {
			t.Errorf("Windows(length %d, overlap %d) of 5 frames accepted", bad[0], bad[1])
		}
	}
}
