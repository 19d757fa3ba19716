package textenc

import (
	"fmt"

	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
)

// Frames and rate of the clips SyntheticCaptions simulates: two seconds at 24 fps, enough for
// the outcomes the captions state (bounces, toppled dominoes, a tipping seesaw).
const (
	corpusFPS    = 24
	corpusFrames = 48
)

// SyntheticCaptions returns n captions of the synthetic world (package world): it samples a
// scene of each physics scenario in turn (in-distribution presets, then held-out ones for every
// other round, so that both value ranges appear), simulates it and takes captions of it from
// world.Captions. The same seed gives the same list. These are the built-in encoder's training
// corpus and the text its tokenizer was trained on.
func SyntheticCaptions(n int, seed uint64) ([]string, error) {
	rng := physics.NewRand(seed)
	scenarios := physics.Scenarios()
	out := make([]string, 0, n)
	for k := 0; len(out) < n; k++ {
		s := scenarios[k%len(scenarios)]
		split := physics.InDistribution
		if (k/len(scenarios))%2 == 1 {
			split = physics.OutOfDistribution
		}
		dist, err := physics.Preset(s, split)
		if err != nil {
			return nil, fmt.Errorf("textenc: captions: %w", err)
		}
		traj, err := physics.Simulate(dist.Sample(rng), corpusFPS, corpusFrames)
		if err != nil {
			return nil, fmt.Errorf("textenc: captions: %s: %w", s, err)
		}
		for _, c := range world.Captions(traj, 2, rng) {
			if len(out) < n {
				out = append(out, c)
			}
		}
	}
	return out, nil
}
