package demo

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/backend"

	"github.com/wfm-platform/wfm/video"
)

func TestStepReflectsOffWalls(t *testing.T) {
	// Walls sit at -0.5 and cells-0.5; a move past one is mirrored about it.
	tests := []struct{ p, v, cells, wantP, wantV int }{
		{5, 2, 10, 7, 2},
		{0, -1, 10, 0, 1}, // -1 mirrored about -0.5
		{1, -3, 10, 1, 3}, // -2 mirrored about -0.5
		{9, 2, 10, 8, -2}, // 11 mirrored about 9.5
		{8, 3, 10, 8, -3}, // 11 mirrored about 9.5
		{0, 3, 2, 0, -3},  // 3 mirrored about 1.5
	}
	for _, tc := range tests {
		p, v := step(tc.p, tc.v, tc.cells)
		if p != tc.wantP || v != tc.wantV {
			t.Errorf("step(%d, %d, %d) = (%d, %d), want (%d, %d)", tc.p, tc.v, tc.cells, p, v, tc.wantP, tc.wantV)
		}
	}
}

func TestBounceIsSeededAndPhysical(t *testing.T) {
	a := Bounce(50, 20, 12, 7)
	b := Bounce(50, 20, 12, 7)
	c := Bounce(50, 20, 12, 8)
	same, differs := true, false
	for i := range a {
		for j := range a[i] {
			same = same && a[i][j] == b[i][j]
			differs = differs || a[i][j] != c[i][j]
			if a[i][j] < 0 || a[i][j] >= 12 {
				t.Fatalf("cell %d out of range", a[i][j])
			}
			if j > 0 {
				if d := a[i][j] - a[i][j-1]; d > 3 || d < -3 {
					t.Fatalf("sequence %d jumps %d cells at frame %d", i, d, j)
				}
			}
		}
	}
	if !same || !differs {
		t.Fatalf("same seed same data: %v; other seed other data: %v", same, differs)
	}
}

func TestRenderBounceDrawsTheBall(t *testing.T) {
	c, err := RenderBounce([]int32{0, 5, 11}, 12, 2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Frames != 3 || c.Height != trackPx || c.Width != 14*cellPx {
		t.Fatalf("clip %v", c)
	}
	// Ball centre of frame 1 (cell 5): green, given; frame 2 (cell 11): orange, predicted.
	if r, g, _ := c.At(1, trackPx/2, 6*cellPx+cellPx/2); g < 200 || r > 120 {
		t.Errorf("given ball pixel = (%d, %d)", r, g)
	}
	if r, g, _ := c.At(2, trackPx/2, 12*cellPx+cellPx/2); r < 230 || g > 170 {
		t.Errorf("predicted ball pixel = (%d, %d)", r, g)
	}
	if r, _, _ := c.At(0, 0, 0); r != 120 {
		t.Errorf("wall pixel red = %d, want 120", r)
	}
	if _, err := RenderBounce([]int32{12}, 12, 1); err == nil {
		t.Error("a cell outside the track was drawn")
	}
}

func TestRunTrainsResumesAndRenders(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for a few seconds")
	}
	goBackend, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	defer goBackend.Finalize()
	o := Options{Out: t.TempDir(), Steps: 80, Cells: 12, Frames: 16, Examples: 512, Prefix: 4, Seed: 3}
	r, err := Run(context.Background(), goBackend, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loss %.3f -> %.3f (uniform %.3f), next-frame accuracy %.3f, rollout %.3f",
		r.FirstLoss, r.FinalLoss, r.UniformLoss, r.NextFrameAcc, r.RolloutAcc)
	if r.Steps != 80 || r.ResumedFrom != 0 {
		t.Fatalf("steps %d resumed %d", r.Steps, r.ResumedFrom)
	}
	if r.FinalLoss > 0.6*r.FirstLoss {
		t.Errorf("loss went from %.3f to %.3f: not learning", r.FirstLoss, r.FinalLoss)
	}
	if chance := 1.0 / 12; r.NextFrameAcc < 3*chance {
		t.Errorf("next-frame accuracy %.3f is near chance %.3f", r.NextFrameAcc, chance)
	}
	for _, p := range append([]string{r.MetricsPath, r.PlotPath}, r.VideoPaths...) {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("output %s missing: %v", p, err)
		}
	}
	gif, err := video.Read(context.Background(), filepath.Join(o.Out, "rollout.gif"), video.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if gif.Frames != o.Frames {
		t.Errorf("rollout has %d frames, want %d", gif.Frames, o.Frames)
	}

	// A second run over the same folder resumes the finished training and measures the same.
	again, err := Run(context.Background(), goBackend, o)
	if err != nil {
		t.Fatal(err)
	}
	if again.ResumedFrom != 80 || again.NextFrameAcc != r.NextFrameAcc || again.RolloutAcc != r.RolloutAcc {
		t.Fatalf("rerun: resumed from %d, accuracy %.4f/%.4f, want 80 and %.4f/%.4f",
			again.ResumedFrom, again.NextFrameAcc, again.RolloutAcc, r.NextFrameAcc, r.RolloutAcc)
	}
}
