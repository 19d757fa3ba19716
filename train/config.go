package train

import (
	"fmt"
	"math"
)

// Schedule names accepted in Config.Schedule.
const (
	ScheduleCosine   = "cosine"
	ScheduleLinear   = "linear"
	ScheduleConstant = "constant"
)

// Optimizer names accepted in Config.Optimizer.
const (
	OptimizerAdamW = "adamw"
	OptimizerSGD   = "sgd"
)

// Config holds every hyperparameter of a training run. Start from DefaultConfig and override
// fields (or decode JSON over it): a field missing from the JSON keeps its default.
type Config struct {
	// Steps is the total number of optimizer steps of the run.
	Steps int `json:"steps"`

	// Optimizer is "adamw" (Adam with decoupled weight decay) or "sgd" (plain gradient descent,
	// used as a baseline and in tests because its update is the scaled gradient).
	Optimizer string `json:"optimizer"`

	// LR is the peak learning rate, reached at the end of warmup; MinLR is where the decay ends.
	LR    float64 `json:"lr"`
	MinLR float64 `json:"min_lr"`

	// WarmupSteps of linear ramp from LR/WarmupSteps up to LR.
	WarmupSteps int `json:"warmup_steps"`

	// Schedule after warmup: "cosine", "linear" or "constant". See LearningRate.
	Schedule string `json:"schedule"`

	// WeightDecay is AdamW's decoupled decay coefficient (Loshchilov & Hutter, 2019); it must be
	// 0 with "sgd". Beta1, Beta2 and Eps are Adam's moment decays and denominator constant
	// (Kingma & Ba, 2015).
	WeightDecay float64 `json:"weight_decay"`
	Beta1       float64 `json:"beta1"`
	Beta2       float64 `json:"beta2"`
	Eps         float64 `json:"eps"`

	// GradClip is the maximum global L2 norm of the gradients; 0 disables clipping.
	GradClip float64 `json:"grad_clip"`

	// EMADecay is the decay of the exponential moving average of the weights; 0 disables it.
	EMADecay float64 `json:"ema_decay"`

	// CheckpointEvery writes a checkpoint every that many steps (and always at the end);
	// KeepCheckpoints keeps only the newest that many (0 keeps all).
	CheckpointEvery int `json:"checkpoint_every"`
	KeepCheckpoints int `json:"keep_checkpoints"`

	// LogEvery writes a metrics line every that many steps (and always at the last step).
	LogEvery int `json:"log_every"`

	// EvalEvery calls the evaluation function (see WithEval) every that many steps and at the
	// end; 0 evaluates only at the end.
	EvalEvery int `json:"eval_every"`

	// Dir is the run folder: checkpoints, metrics.jsonl and loss.png go there.
	Dir string `json:"dir"`

	// Seed initialises the Store's random number generator (weight initialisation, dropout)
	// when the Store has no generator state yet. A resumed run takes the state from the
	// checkpoint instead.
	Seed uint64 `json:"seed"`

	// Progress shows a progress bar on stderr when stderr is a terminal.
	Progress bool `json:"progress"`
}

// DefaultConfig returns the defaults: AdamW with the betas of Kingma & Ba (0.9, 0.999),
// PyTorch's AdamW weight decay (0.01) and epsilon (1e-8), cosine decay after a 100-step warmup,
// clipping at global norm 1.0 (the common transformer setting), and an EMA decay of 0.999.
func DefaultConfig() Config {
	return Config{
		Steps:           1000,
		Optimizer:       OptimizerAdamW,
		LR:              3e-4,
		MinLR:           3e-5,
		WarmupSteps:     100,
		Schedule:        ScheduleCosine,
		WeightDecay:     0.01,
		Beta1:           0.9,
		Beta2:           0.999,
		Eps:             1e-8,
		GradClip:        1.0,
		EMADecay:        0.999,
		CheckpointEvery: 500,
		KeepCheckpoints: 3,
		LogEvery:        10,
		Dir:             "run",
		Seed:            1,
		Progress:        true,
	}
}

// ConfigError reports an invalid Config field.
type ConfigError struct {
	Field  string // JSON name of the field
	Value  any
	Reason string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("train: config %s=%v: %s", e.Field, e.Value, e.Reason)
}

// Validate returns a *ConfigError naming the first invalid field, or nil.
func (c Config) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	checks := []struct {
		bad    bool
		field  string
		value  any
		reason string
	}{
		{c.Steps < 1, "steps", c.Steps, "must be at least 1"},
		{c.Optimizer != OptimizerAdamW && c.Optimizer != OptimizerSGD, "optimizer", c.Optimizer,
			`must be "adamw" or "sgd"`},
		{!finite(c.LR) || c.LR <= 0, "lr", c.LR, "must be a positive number"},
		{!finite(c.MinLR) || c.MinLR < 0 || c.MinLR > c.LR, "min_lr", c.MinLR, "must be in [0, lr]"},
		{c.WarmupSteps < 0 || c.WarmupSteps > c.Steps, "warmup_steps", c.WarmupSteps, "must be in [0, steps]"},
		{c.Schedule != ScheduleCosine && c.Schedule != ScheduleLinear && c.Schedule != ScheduleConstant,
			"schedule", c.Schedule, `must be "cosine", "linear" or "constant"`},
		{!finite(c.WeightDecay) || c.WeightDecay < 0, "weight_decay", c.WeightDecay, "must be >= 0"},
		{c.Optimizer == OptimizerSGD && c.WeightDecay != 0, "weight_decay", c.WeightDecay,
			"sgd has no weight decay; set it to 0"},
		{!(c.Beta1 >= 0 && c.Beta1 < 1), "beta1", c.Beta1, "must be in [0, 1)"},
		{!(c.Beta2 >= 0 && c.Beta2 < 1), "beta2", c.Beta2, "must be in [0, 1)"},
		{!finite(c.Eps) || c.Eps <= 0, "eps", c.Eps, "must be a positive number"},
		{!finite(c.GradClip) || c.GradClip < 0, "grad_clip", c.GradClip, "must be >= 0 (0 disables clipping)"},
		{!(c.EMADecay >= 0 && c.EMADecay < 1), "ema_decay", c.EMADecay, "must be in [0, 1) (0 disables the EMA)"},
		{c.CheckpointEvery < 1, "checkpoint_every", c.CheckpointEvery, "must be at least 1"},
		{c.KeepCheckpoints < 0, "keep_checkpoints", c.KeepCheckpoints, "must be >= 0 (0 keeps all)"},
		{c.LogEvery < 1, "log_every", c.LogEvery, "must be at least 1"},
		{c.EvalEvery < 0, "eval_every", c.EvalEvery, "must be >= 0 (0 evaluates only at the end)"},
		{c.Dir == "", "dir", c.Dir, "must name the run folder"},
	}
	for _, ch := range checks {
		if ch.bad {
			return &ConfigError{Field: ch.field, Value: ch.value, Reason: ch.reason}
		}
	}
	return nil
}

// LearningRate returns the learning rate used by the step-th update (1-based, step in
// [1, Steps]):
//
//	warmup, step <= W:  lr = LR * step / W                    (linear warmup, Goyal et al. 2017)
//	after warmup, with progress p = (step - W) / (Steps - W) in (0, 1]:
//	  cosine:   lr = MinLR + (LR - MinLR) * (1 + cos(pi * p)) / 2   (Loshchilov & Hutter 2017, eq. 5)
//	  linear:   lr = MinLR + (LR - MinLR) * (1 - p)
//	  constant: lr = LR
//
// So lr is LR at the end of warmup, (LR + MinLR) / 2 halfway through the decay (cosine and
// linear), and MinLR at the last step. Steps outside [1, Steps] are clamped.
func (c Config) LearningRate(step int) float64 {
	step = min(max(step, 1), c.Steps)
	w := c.WarmupSteps
	if step <= w {
		return c.LR * float64(step) / float64(w)
	}
	if c.Schedule == ScheduleConstant || c.Steps == w {
		return c.LR
	}
	p := float64(step-w) / float64(c.Steps-w)
	switch c.Schedule {
	case ScheduleCosine:
		return c.MinLR + (c.LR-c.MinLR)*(1+math.Cos(math.Pi*p))/2
	case ScheduleLinear:
		return c.MinLR + (c.LR-c.MinLR)*(1-p)
	}
	panic(fmt.Sprintf("train: unknown schedule %q (call Config.Validate first)", c.Schedule))
}
