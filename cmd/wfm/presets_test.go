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

// The published autoregressive shapes count within 10% of the sizes in the reference's model
// names: 4.01B for 4B, 11.56B for 12B, 13.32B for 13B; the 5B-Video2World shape counts 4.58B
// (the 4B base plus a GQA cross-attention to the 1024-wide T5 embeddings per block), which its
// name rounds up.
func TestPresetsPublishedAutoregressiveSizes(t *testing.T) {
	code, out, errOut := runCLI(t, "presets", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []presetRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"4b": 4e9, "5b-v2w": 5e9, "12b": 12e9, "13b-v2w": 13e9}
	seen := 0
	for _, r := range rows {
		if w, ok := want[r.Name]; ok && r.Family == "autoregressive" {
			seen++
			if d := math.Abs(float64(r.Params)/w - 1); d > 0.10 {
				t.Errorf("%s: %d parameters, %.1f%% from the published %g", r.Name, r.Params, 100*d, w)
			}
			if r.Published == "" {
				t.Errorf("%s: no published size in the row", r.Name)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d published autoregressive presets in %d rows", seen, len(want), len(rows))
	}
}
