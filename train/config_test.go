package train

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	tests := []struct {
		field  string
		modify func(*Config)
	}{
		{"steps", func(c *Config) { c.Steps = 0 }},
		{"optimizer", func(c *Config) { c.Optimizer = "lion" }},
		{"lr", func(c *Config) { c.LR = 0 }},
		{"lr", func(c *Config) { c.LR = math.NaN() }},
		{"min_lr", func(c *Config) { c.MinLR = 2 * c.LR }},
		{"min_lr", func(c *Config) { c.MinLR = -1 }},
		{"warmup_steps", func(c *Config) { c.WarmupSteps = c.Steps + 1 }},
		{"warmup_steps", func(c *Config) { c.WarmupSteps = -1 }},
		{"schedule", func(c *Config) { c.Schedule = "step" }},
		{"weight_decay", func(c *Config) { c.WeightDecay = -0.1 }},
		{"weight_decay", func(c *Config) { c.Optimizer = OptimizerSGD }}, // default decay 0.01 with sgd
		{"beta1", func(c *Config) { c.Beta1 = 1 }},
		{"beta2", func(c *Config) { c.Beta2 = -0.5 }},
		{"eps", func(c *Config) { c.Eps = 0 }},
		{"grad_clip", func(c *Config) { c.GradClip = math.Inf(1) }},
		{"ema_decay", func(c *Config) { c.EMADecay = 1 }},
		{"checkpoint_every", func(c *Config) { c.CheckpointEvery = 0 }},
		{"keep_checkpoints", func(c *Config) { c.KeepCheckpoints = -1 }},
		{"log_every", func(c *Config) { c.LogEvery = 0 }},
		{"eval_every", func(c *Config) { c.EvalEvery = -2 }},
		{"dir", func(c *Config) { c.Dir = "" }},
	}
	for _, tc := range tests {
		c := DefaultConfig()
		tc.modify(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: Validate = %v, want a *ConfigError", tc.field, err)
			continue
		}
		if ce.Field != tc.field {
			t.Errorf("Validate blamed %q (%v), want %q", ce.Field, err, tc.field)
		}
	}
}

// TestConfigJSONKeepsDefaults decodes a partial JSON document over the defaults.
func TestConfigJSONKeepsDefaults(t *testing.T) {
	c := DefaultConfig()
	if err := json.Unmarshal([]byte(`{"steps": 77, "schedule": "linear", "ema_decay": 0}`), &c); err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Steps, want.Schedule, want.EMADecay = 77, ScheduleLinear, 0
	if c != want {
		t.Errorf("decoded %+v, want %+v", c, want)
	}
}

// TestLearningRate checks the schedule at its key steps against the formulas of
// Config.LearningRate, for a run of 110 steps with 10 of warmup (so the decay spans 100
// steps and step 10+100p is at progress p), LR 1 and MinLR 0.1.
func TestLearningRate(t *testing.T) {
	const lr, minLR = 1.0, 0.1
	cosine := func(p float64) float64 { return minLR + (lr-minLR)*(1+math.Cos(math.Pi*p))/2 }
	linear := func(p float64) float64 { return minLR + (lr-minLR)*(1-p) }
	tests := []struct {
		schedule string
		step     int
		want     float64
	}{
		{ScheduleCosine, 1, lr * 1 / 10},   // first warmup step
		{ScheduleCosine, 5, lr * 5 / 10},   // halfway through warmup
		{ScheduleCosine, 10, lr},           // warmup end
		{ScheduleCosine, 35, cosine(0.25)}, // quarter of the decay
		{ScheduleCosine, 60, cosine(0.5)},  // midpoint: (lr + minLR) / 2
		{ScheduleCosine, 60, (lr + minLR) / 2},
		{ScheduleCosine, 110, minLR}, // end
		{ScheduleLinear, 10, lr},
		{ScheduleLinear, 35, linear(0.25)},
		{ScheduleLinear, 60, (lr + minLR) / 2},
		{ScheduleLinear, 110, minLR},
		{ScheduleConstant, 3, lr * 3 / 10},
		{ScheduleConstant, 60, lr},
		{ScheduleConstant, 110, lr},
		{ScheduleCosine, 0, lr * 1 / 10},  // clamped to step 1
		{ScheduleCosine, 500, minLR},      // clamped to the last step
		{ScheduleLinear, -3, lr * 1 / 10}, // clamped to step 1
	}
	for _, tc := range tests {
		c := DefaultConfig()
		c.Steps, c.WarmupSteps, c.LR, c.MinLR, c.Schedule = 110, 10, lr, minLR, tc.schedule
		if got := c.LearningRate(tc.step); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s step %d: lr %.15g, want %.15g", tc.schedule, tc.step, got, tc.want)
		}
	}
}

// TestLearningRateShape checks the schedule rises during warmup, never rises after, and
// stays within (0, LR], and within [MinLR, LR] after warmup.
func TestLearningRateShape(t *testing.T) {
	for _, schedule := range []string{ScheduleCosine, ScheduleLinear, ScheduleConstant} {
		for _, warmup := range []int{0, 1, 7, 50} {
			c := DefaultConfig()
			c.Steps, c.WarmupSteps, c.Schedule = 50, warmup, schedule
			prev := 0.0
			if warmup == 0 {
				prev = math.Inf(1)
			}
			for step := 1; step <= c.Steps; step++ {
				lr := c.LearningRate(step)
				if lr <= 0 || lr > c.LR || step > warmup && lr < c.MinLR {
					t.Fatalf("%s warmup %d step %d: lr %g outside the range", schedule, warmup, step, lr)
				}
				if step <= warmup && lr <= prev || step > warmup && lr > prev {
					t.Fatalf("%s warmup %d step %d: lr %g after %g", schedule, warmup, step, lr, prev)
				}
				prev = lr
			}
		}
	}
}
