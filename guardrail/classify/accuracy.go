package classify

import (
	"encoding/json"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// Accuracy is the fraction of examples m labels right (blocked at or above m.Threshold when
// unsafe, below it when safe); 0 for no examples. On the training examples it is a sanity check
// only, not a measure of generalization.
func (m *LogReg) Accuracy(examples []Example) float64 {
	if len(examples) == 0 {
		return 0
	}
	right := 0
	for _, e := range examples {
		if (m.Probability(e.Text) >= m.Threshold) == e.Unsafe {
			right++
		}
	}
	return float64(right) / float64(len(examples))
}

// Save writes m as JSON (what LoadLogReg reads) to path, atomically.
func (m *LogReg) Save(path string) error {
	blob, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, blob, 0o644)
}
