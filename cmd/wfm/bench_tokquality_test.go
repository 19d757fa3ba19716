package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchTokenizerQuality runs 'wfm bench tokenizer-quality' on two small synthetic physics
// clips with the committed cv4x4x4-tiny: one result, object pixels found in the masks, finite
// PSNRs for the tokenizer and its bicubic baseline, and the text table naming both. Without
// --weights it is a usage error.
func TestBenchTokenizerQuality(t *testing.T) {
	weights := filepath.Join("..", "..", "tokenizer", "pretrained", "cv4x4x4-tiny.safetensors")
	code, stdout, stderr := runCLI(t, "bench", "tokenizer-quality", "--weights", weights, "--n", "2", "--frames", "9",
		"--res", "32", "--seed", "5", "--backend", "go", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out benchTokQualityOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if len(out.Results) != 1 {
		t.Fatalf("%d results, want 1", len(out.Results))
	}
	f := out.Results[0].Fidelity
	if f.Clips != 2 || f.ObjectFraction <= 0 || f.ObjectFraction >= 0.5 || f.Tokens != 3*8*8 || f.BaselineHeight < 1 {
		t.Errorf("fidelity %+v: want 2 clips, objects on under half the pixels, 192 tokens", f)
	}
	for _, v := range []float64{f.PSNR, f.ObjectPSNR, f.BaselinePSNR, f.BaselineObjectPSNR} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 5 {
			t.Errorf("fidelity %+v: a PSNR is not a finite dB value", f)
		}
	}
	code, stdout, stderr = runCLI(t, "bench", "tokenizer-quality", "--weights", weights, "--n", "1", "--frames", "9",
		"--res", "32", "--backend", "go")
	if code != 0 || !strings.Contains(stdout, "cv4x4x4-tiny") || !strings.Contains(stdout, "bicubic") {
		t.Errorf("text output, exit %d: %s %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "bench", "tokenizer-quality"); code != exitUsage || !strings.Contains(stderr, "--weights") {
		t.Errorf("no --weights: exit %d, %s", code, stderr)
	}
}
