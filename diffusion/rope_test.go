package diffusion

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// ropeScores puts the same query and key vector at every position of a t×h×w grid, rotates
// them with the 3-D RoPE at the given fps and returns the score matrix S[p][p'] = q̃_p·k̃_p'.
func ropeScores(t *testing.T, c Config, tt, h, w int, fps float32) [][]float64 {
	t.Helper()
	hd := c.HeadDim()
	l := tt * h * w
	q, k := flat(randn(7, hd)), flat(randn(8, hd))
	qs, ks := make([]float32, 0, l*hd), make([]float32, 0, l*hd)
	for range l {
		qs = append(qs, q...)
		ks = append(ks, k...)
	}
	outs := runOn(t, newStore(1), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		a := RopeAngles(c, in[0].Graph(), tt, h, w, in[2], 1)
		return []*graph.Node{ApplyRope(in[0], a), ApplyRope(in[1], a)}
	}, tensorOf(qs, 1, l, 1, hd), tensorOf(ks, 1, l, 1, hd), full(fps, 1))
	s := make([][]float64, l)
	for i := range s {
		s[i] = make([]float64, l)
		for j := range s[i] {
			for d := range hd {
				s[i][j] += float64(outs[0][i*hd+d]) * float64(outs[1][j*hd+d])
			}
		}
	}
	return s
}

func TestRopeScoresDependOnlyOnOffsets(t *testing.T) {
	c := mustPreset(t, "tiny")
	const tt, h, w = 3, 3, 4
	s := ropeScores(t, c, tt, h, w, 24)
	type off struct{ dt, dh, dw int }
	seen := map[off]float64{}
	idx := func(a, b, d int) int { return (a*h+b)*w + d }
	var checked int
	for a := range tt {
		for b := range h {
			for d := range w {
				for a2 := range tt {
					for b2 := range h {
						for d2 := range w {
							o := off{a - a2, b - b2, d - d2}
							v := s[idx(a, b, d)][idx(a2, b2, d2)]
							if prev, ok := seen[o]; ok {
								checked++
								if math.Abs(prev-v) > 1e-4*(1+math.Abs(v)) {
									t.Fatalf("offset %+v: score %g here, %g elsewhere", o, v, prev)
								}
							}
							seen[o] = v
						}
					}
				}
			}
		}
	}
	// Different offsets generally give different scores (the rotation does something).
	if seen[off{0, 0, 0}] == seen[off{0, 0, 1}] || seen[off{0, 0, 0}] == seen[off{1, 0, 0}] {
		t.Error("scores do not change with the offset")
	}
	t.Logf("%d position pairs checked against %d offsets", checked, len(seen))
}

// TestRopeFPSAware checks the temporal position scaling t·24/fps: one frame apart at 12 fps is
// the same time offset as two frames apart at 24 fps.
func TestRopeFPSAware(t *testing.T) {
	c := mustPreset(t, "tiny")
	s24 := ropeScores(t, c, 3, 1, 1, 24)
	s12 := ropeScores(t, c, 3, 1, 1, 12)
	if d := math.Abs(s24[2][0] - s12[1][0]); d > 1e-4 {
		t.Errorf("offset 2 at 24 fps scores %g, offset 1 at 12 fps %g", s24[2][0], s12[1][0])
	}
	if math.Abs(s24[1][0]-s12[1][0]) < 1e-6 {
		t.Error("fps has no effect")
	}
}

func TestRopeSplit(t *testing.T) {
	// Cosmos's head width 128: h and w get 128/6·2 = 42 each, t the remaining 44.
	if dt, dh, dw := RopeSplit(128); dt != 44 || dh != 42 || dw != 42 {
		t.Errorf("RopeSplit(128) = %d, %d, %d, want 44, 42, 42", dt, dh, dw)
	}
}
