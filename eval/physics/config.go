package physics

import (
	"errors"
	"fmt"
	"runtime"
	"slices"

	sim "github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/synth"
)

// Config sets up a physical-alignment run.
type Config struct {
	Scenarios  []sim.Scenario `json:"scenarios"`
	Splits     []sim.Split    `json:"splits"`
	CondFrames []int          `json:"cond_frames"` // conditioning lengths to test, e.g. 1 and 9
	Frames     int            `json:"frames"`      // future frames generated and scored
	N          int            `json:"n"`           // clips per scenario and split
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	FPS        int            `json:"fps"`
	Seed       uint64         `json:"seed"`
	// Examples is how many clips per scenario and split keep their videos (Result.Examples)
	// for a report's side-by-side animations.
	Examples int `json:"examples"`
	// Workers simulate, render and score clips in parallel (0: GOMAXPROCS). Predictors are
	// still called one at a time, so a model need not be safe for concurrent use (and a model
	// that fills the machine on its own is not slowed by the others). Results do not depend
	// on it.
	Workers int `json:"-"`
}

func (c Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// DefaultConfig follows the Cosmos physical-alignment protocol at the platform's embedded
// resolution: every physics scenario, both splits, 1 and 9 conditioning frames, 33 scored frames.
func DefaultConfig() Config {
	return Config{Scenarios: sim.Scenarios(), Splits: []sim.Split{sim.InDistribution, sim.OutOfDistribution},
		CondFrames: []int{1, 9}, Frames: 33, N: 4, Width: 64, Height: 64, FPS: 16, Seed: 1, Examples: 1}
}

// maxCond is the longest conditioning length: every clip is simulated for maxCond + Frames
// frames and every conditioning length is scored on the same future frames.
func (c Config) maxCond() int { return slices.Max(c.CondFrames) }

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case len(c.Scenarios) == 0:
		return errors.New("physics: no scenario")
	case len(c.Splits) == 0:
		return errors.New("physics: no split")
	case len(c.CondFrames) == 0:
		return errors.New("physics: no conditioning length")
	case c.Frames < 2:
		return fmt.Errorf("physics: frames = %d, want >= 2 (velocities need two)", c.Frames)
	case c.N < 1:
		return fmt.Errorf("physics: n = %d, want >= 1", c.N)
	case c.Examples < 0:
		return fmt.Errorf("physics: examples = %d, want >= 0", c.Examples)
	}
	for _, k := range c.CondFrames {
		if k < 1 {
			return fmt.Errorf("physics: %d conditioning frames, want >= 1", k)
		}
	}
	o := c.synthOptions(c.Splits[0])
	for _, split := range c.Splits {
		o.Split = split
		if err := o.Validate(); err != nil {
			return fmt.Errorf("physics: %w", err)
		}
	}
	for _, s := range c.Scenarios {
		if !slices.Contains(sim.Scenarios(), s) {
			return fmt.Errorf("physics: %q is not a physics scenario", s)
		}
	}
	return nil
}

func (c Config) synthOptions(split sim.Split) synth.Options {
	o := synth.DefaultOptions()
	o.Scenarios, o.N, o.Split, o.Seed = c.Scenarios, c.N*len(c.Scenarios), split, c.Seed
	o.Width, o.Height, o.FPS, o.Frames, o.Captions = c.Width, c.Height, c.FPS, c.maxCond()+c.Frames, 1
	return o
}
