package physics

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
	sim "github.com/wfm-platform/wfm/world/physics"
)

// tinyConfig: two scenarios (one moving fast, one that barely moves), 32x32, a few frames.
func tinyConfig() Config {
	c := DefaultConfig()
	c.Scenarios = []sim.Scenario{sim.FreeFall, sim.StableStack}
	c.CondFrames = []int{1, 3}
	c.Frames, c.N, c.Width, c.Height, c.Examples = 6, 1, 32, 32, 0
	return c
}

func TestRunBaselines(t *testing.T) {
	cfg := tinyConfig()
	res, err := Run(context.Background(), cfg, Baselines(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(cfg.Splits) * len(cfg.CondFrames) * 3 * (len(cfg.Scenarios) + 1); len(res.Groups) != want {
		t.Fatalf("%d groups, want %d", len(res.Groups), want)
	}
	if want := len(cfg.Splits) * len(cfg.Scenarios) * len(cfg.CondFrames) * 3; len(res.Samples) != want {
		t.Fatalf("%d samples, want %d", len(res.Samples), want)
	}
	for _, split := range cfg.Splits {
		for _, cond := range cfg.CondFrames {
			gt := res.Group(ModelGroundTruth, split, cond, ScenarioAll)
			cl := res.Group(ModelCopyLast, split, cond, ScenarioAll)
			li := res.Group(ModelLinear, split, cond, ScenarioAll)
			// The truth against itself: PSNR capped, SSIM exactly 1.
			if gt.PSNR != MaxPSNR || gt.SSIM != 1 {
				t.Errorf("%s c%d: ground truth PSNR %v SSIM %v, want %v and 1", split, cond, gt.PSNR, gt.SSIM, MaxPSNR)
			}
			// The colour segmentation recovers most of the true masks and positions on perfect video.
			if gt.IoU < 0.7 || gt.PositionError > 1 || gt.Detected < 0.95 {
				t.Errorf("%s c%d: ground truth IoU %v position error %v detected %v", split, cond, gt.IoU, gt.PositionError, gt.Detected)
			}
			for _, g := range []*Group{cl, li} {
				if !(g.PSNR < gt.PSNR && g.IoU < gt.IoU && g.PositionError > gt.PositionError) {
					t.Errorf("%s %s c%d beats the ground truth: %+v vs %+v", g.Model, split, cond, g.Scores, gt.Scores)
				}
			}
			// A falling ball moves: copying the last frame loses it.
			ff := res.Group(ModelCopyLast, split, cond, string(sim.FreeFall))
			if ff.IoU > 0.5 || ff.PositionError < 1 {
				t.Errorf("%s c%d: copy-last on free fall IoU %v position error %v", split, cond, ff.IoU, ff.PositionError)
			}
		}
		// With one conditioning frame, linear extrapolation is copy-last.
		a, b := res.Group(ModelLinear, split, 1, ScenarioAll), res.Group(ModelCopyLast, split, 1, ScenarioAll)
		if !reflect.DeepEqual(a.Scores, b.Scores) {
			t.Errorf("%s: linear with one frame %+v, copy-last %+v", split, a.Scores, b.Scores)
		}
	}
	// Every conditioning length is scored on the same future: the truth scores alike.
	if a, b := res.Group(ModelGroundTruth, cfg.Splits[0], 1, ScenarioAll), res.Group(ModelGroundTruth, cfg.Splits[0], 3, ScenarioAll); a.PSNR != b.PSNR {
		t.Errorf("ground truth PSNR differs between conditioning lengths: %v vs %v", a.PSNR, b.PSNR)
	}
	if len(res.Examples) != 0 {
		t.Errorf("%d examples kept with Examples = %d", len(res.Examples), cfg.Examples)
	}
}

func TestRunDeterministicAndExamples(t *testing.T) {
	cfg := tinyConfig()
	cfg.Splits, cfg.CondFrames, cfg.Examples = cfg.Splits[1:], []int{2}, 1
	workers := 0
	run := func() ([]byte, *Result) {
		workers++
		cfg.Workers = workers // 1, then 2: the results must not depend on it
		res, err := Run(context.Background(), cfg, Baselines(), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res.Groups)
		if err != nil {
			t.Fatal(err)
		}
		return b, res
	}
	a, res := run()
	b, _ := run()
	if string(a) != string(b) {
		t.Error("two runs of the same configuration differ")
	}
	if len(res.Examples) != 2 || len(res.Examples[0].Preds) != 3 || res.Examples[0].Truth.Frames != 2+cfg.Frames ||
		res.Examples[0].Scenario != cfg.Scenarios[0] || res.Examples[1].Scenario != cfg.Scenarios[1] {
		t.Fatalf("examples %+v", res.Examples)
	}
	ex := res.Examples[0]
	if !ex.Preds[0].SameSize(ex.Truth.Slice(2, 2+cfg.Frames)) {
		t.Error("ground-truth prediction has the wrong size")
	}
}

// shortPredictor returns one frame too few.
type shortPredictor struct{ CopyLast }

func (shortPredictor) Name() string { return "short" }
func (p shortPredictor) Predict(ctx context.Context, req Request) (*video.Clip, error) {
	req.Frames--
	return p.CopyLast.Predict(ctx, req)
}

func TestRunErrors(t *testing.T) {
	cfg := tinyConfig()
	cfg.Scenarios, cfg.Splits, cfg.CondFrames = cfg.Scenarios[:1], cfg.Splits[:1], []int{1}
	if _, err := Run(context.Background(), cfg, nil, nil); err == nil {
		t.Error("no model: no error")
	}
	if _, err := Run(context.Background(), cfg, []Predictor{CopyLast{}, CopyLast{}}, nil); err == nil {
		t.Error("two models of one name: no error")
	}
	if _, err := Run(context.Background(), cfg, []Predictor{shortPredictor{}}, nil); err == nil || !strings.Contains(err.Error(), "short returned") {
		t.Errorf("short prediction: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, cfg, Baselines(), nil); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no_scenario", func(c *Config) { c.Scenarios = nil }},
		{"camera_scenario", func(c *Config) { c.Scenarios = []sim.Scenario{"camera_orbit"} }},
		{"unknown_scenario", func(c *Config) { c.Scenarios = []sim.Scenario{"warp_drive"} }},
		{"no_split", func(c *Config) { c.Splits = nil }},
		{"bad_split", func(c *Config) { c.Splits = []sim.Split{"test"} }},
		{"no_cond", func(c *Config) { c.CondFrames = nil }},
		{"zero_cond", func(c *Config) { c.CondFrames = []int{0} }},
		{"one_frame", func(c *Config) { c.Frames = 1 }},
		{"no_clips", func(c *Config) { c.N = 0 }},
		{"tiny_frames", func(c *Config) { c.Width = 4 }},
		{"negative_examples", func(c *Config) { c.Examples = -1 }},
	}
	if err := tinyConfig().Validate(); err != nil {
		t.Fatalf("tiny config: %v", err)
	}
	for _, tc := range tests {
		c := tinyConfig()
		tc.edit(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestScoreJSON(t *testing.T) {
	in := Scores{PSNR: 31.5, SSIM: Score(math.NaN()), IoU: 0.25}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"ssim":null`) || !strings.Contains(string(b), `"psnr":31.5`) {
		t.Errorf("JSON %s", b)
	}
	var out Scores
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.PSNR != 31.5 || !math.IsNaN(float64(out.SSIM)) || out.IoU != 0.25 {
		t.Errorf("round trip %+v", out)
	}
}

// BenchmarkRunBaselines: one 64x64 clip of every scenario (in distribution), 9 conditioning
// frames, 33 scored frames, the three baselines: simulation, rendering, predictions and scores.
func BenchmarkRunBaselines(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Splits, cfg.CondFrames, cfg.N, cfg.Examples = cfg.Splits[:1], []int{9}, 1, 0
	for b.Loop() {
		if _, err := Run(context.Background(), cfg, Baselines(), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)/float64(len(cfg.Scenarios)), "s/clip")
}

// The shortcut for identical clips agrees with video/quality's own computation.
func TestFidelityShortcut(t *testing.T) {
	c, err := video.NewClip(2, 16, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Pix {
		c.Pix[i] = uint8(i * 13)
	}
	psnr, ssim, err := fidelityScores(c, c.Clone())
	if err != nil {
		t.Fatal(err)
	}
	wantP, _, _ := quality.PSNR(*c, *c)
	wantS, _, _ := quality.SSIM(*c, *c, quality.Options{})
	for i := range psnr {
		if psnr[i] != wantP[i] || math.Abs(ssim[i]-wantS[i]) > 1e-12 {
			t.Errorf("frame %d: %v %v, quality %v %v", i, psnr[i], ssim[i], wantP[i], wantS[i])
		}
	}
}
