package main

import (
	"archive/tar"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// physModel is the committed physics Video2World model (diffusion/pretrained/README.md).
// Its model.json names the tokenizer relative to the repository root, and the tests run in
// cmd/wfm: recordedTokenizer finds it from the model's folder.
const physModel = "../../diffusion/pretrained/phys-v2w"

// physDenoiseCeiling is the most the committed model's denoising error may be, as a fraction of
// copy-last's, at each noise level on fresh held-out physics clips: the ratios measured when the
// model was committed, plus 0.1.
var physDenoiseCeiling = map[float64]float64{1: 0.25, 3: 0.45} // measured 0.145 and 0.350

// physSampleSigmaMin is the end of the sampling schedule recorded in the model (sample_sigma_min).
const physSampleSigmaMin = 3.0

// TestPretrainedPhysicsModel checks that the committed physics model loads (float16 weights, its
// tokenizer and text encoder), still beats copying the last frame at the noise levels where it
// did when committed, and generates a Video2World continuation.
func TestPretrainedPhysicsModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the committed model")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "val")
	if code, _, stderr := runCLI(t, "synth", "--out", data, "--prefix", "val", "--n", "4", "--frames", "33", "--res", "64",
		"--scenario", "physics", "--seed", "12", "--no-progress", "--workers", "1"); code != exitOK {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "eval", "denoise", "--weights", physModel, "--data", data, "--max-clips", "4",
		"--sigmas", "1,3", "--json", "--no-progress")
	var res evalDenoiseResult
	if code != exitOK || json.Unmarshal([]byte(stdout), &res) != nil || len(res.Levels) != 2 {
		t.Fatalf("eval denoise: exit %d: %s%s", code, stdout, stderr)
	}
	for _, l := range res.Levels {
		ratio := l.Model / l.CopyLast
		t.Logf("sigma %g: model %.4f, copy-last %.4f (%.3f)", l.Sigma, l.Model, l.CopyLast, ratio)
		if ceil := physDenoiseCeiling[l.Sigma]; !(ratio <= ceil) {
			t.Errorf("sigma %g: model error %.3f of copy-last's, ceiling %.3f", l.Sigma, ratio, ceil)
		}
	}
	clip := firstShardVideo(t, filepath.Join(data, "val-000000.tar"), filepath.Join(dir, "clip.y4m"))
	code, stdout, stderr = runCLI(t, "generate", "--weights", physModel, "--input", clip, "--cond-frames", "9", "--frames", "33",
		"--res", "64x64", "--steps", "4", "--prompt", "a ball", "--out", filepath.Join(dir, "gen.y4m"), "--no-progress", "--json")
	var gen generateResult
	if code != exitOK || json.Unmarshal([]byte(stdout), &gen) != nil {
		t.Fatalf("generate: exit %d: %s%s", code, stdout, stderr)
	}
	if gen.CondPSNR == nil || *gen.CondPSNR < 24.5 { // measured 25.90 dB on this clip
		t.Errorf("generate: condition frames not reproduced (PSNR %v, want >= 24.5 dB)", gen.CondPSNR)
	} else {
		t.Logf("generate: condition frames back at %.2f dB", *gen.CondPSNR)
	}
	if gen.SigmaMin != physSampleSigmaMin {
		t.Errorf("generate: schedule ended at %g, want the model's %g", gen.SigmaMin, physSampleSigmaMin)
	}
	// The model records guidance 0 (sample_guidance): its captions do not tell the motion, and
	// guided continuations of it break up into coloured blocks.
	if gen.Guidance != 0 || gen.Evaluations != 4 {
		t.Errorf("generate: guidance %g, %d evaluations; want the model's 0 and 4", gen.Guidance, gen.Evaluations)
	}
}

// firstShardVideo copies the first .y4m member of the tar shard to out.
func firstShardVideo(t *testing.T, shard, out string) string {
	t.Helper()
	f, err := os.Open(shard)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s: no .y4m member (%v)", shard, err)
		}
		if strings.HasSuffix(h.Name, ".y4m") {
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
}

// TestRecordedTokenizer finds a tokenizer path recorded relative to a repository root from a
// model folder below that root, and leaves presets, absolute and unknown paths alone.
func TestRecordedTokenizer(t *testing.T) {
	root := t.TempDir()
	tok := filepath.Join("tok", "cv.safetensors")
	model := filepath.Join(root, "models", "m")
	for _, d := range []string{filepath.Join(root, "tok"), model} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, tok), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ tok, want string }{
		{tok, filepath.Join(root, tok)},
		{"preset:cv8x8x8-tiny", "preset:cv8x8x8-tiny"},
		{"/abs/x.safetensors", "/abs/x.safetensors"},
		{"nowhere/x.safetensors", "nowhere/x.safetensors"},
		{"", ""},
	} {
		if got := recordedTokenizer(tc.tok, model); got != tc.want {
			t.Errorf("recordedTokenizer(%q) = %q, want %q", tc.tok, got, tc.want)
		}
	}
}
