package main

import (
	"encoding/json"
	"math"
	"testing"
)

// The published diffusion shapes count close to the sizes in the reference's model names. The
// remaining few percent are the parts a name rounds away: the per-block cross-attention
// projections from the 1024-dim T5 context, the AdaLN-LoRA layers, and the learnable per-axis
// position tables.
func TestPresetsPublishedSizes(t *testing.T) {
	code, out, errOut := runCLI(t, "presets", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []presetRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"7b": 7e9, "14b": 14e9}
	seen := 0
	for _, r := range rows {
		if w, ok := want[r.Name]; ok && r.Family == "diffusion" {
			seen++
			if d := math.Abs(float64(r.Params)/w - 1); d > 0.05 {
				t.Errorf("%s: %d parameters, %.1f%% from the published %g", r.Name, r.Params, 100*d, w)
			}
		}
	}
	if seen != 2 {
		t.Errorf("found %d of the 7b and 14b presets in %d rows", seen, len(rows))
	}
}
