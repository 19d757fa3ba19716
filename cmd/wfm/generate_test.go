package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/textenc"
)

// TestTrainDiffusionAndGenerate trains a tiny Video2World model for a few steps on synthetic
// shards (untrained tokenizer), fine-tunes it with --init, then generates with and without a
// condition image, checking determinism by seed.
func TestTrainDiffusionAndGenerate(t *testing.T) {
	dir := t.TempDir()
	data := synthClips(t, dir, 3)
	run := filepath.Join(dir, "run")
	common := []string{"--data", data, "--tokenizer", "preset:cv8x8x8-tiny", "--frames", "9", "--res", "16x16",
		"--preset", "tiny-v2w", "--warmup", "1", "--no-progress", "--json"}
	code, stdout, stderr := runCLI(t, append([]string{"train", "diffusion", "--out", run, "--steps", "2", "--image-batch", "1"}, common...)...)
	if code != exitOK {
		t.Fatalf("train diffusion: exit %d: %s", code, stderr)
	}
	var res trainDiffusionResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("train diffusion --json: %v\n%s", err, stdout)
	}
	if res.Steps != 2 || res.Clips != 3 || len(res.Config.LatentMean) != 2*16 {
		t.Errorf("result %+v", res)
	}
	// Running again with more steps resumes the run and reuses the encoded latents.
	code, stdout, stderr = runCLI(t, append([]string{"train", "diffusion", "--out", run, "--steps", "3", "--image-batch", "1"}, common...)...)
	if code != exitOK || !strings.Contains(stderr, "latents from") {
		t.Fatalf("train diffusion again: exit %d: %s", code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || res.ResumedFrom != 2 || res.Steps != 3 {
		t.Errorf("resumed run: %+v (%v)", res, err)
	}
	// The run records the text encoder (the built-in T5 by default) for generate and eval.
	var mj struct {
		TextEncoder   string `json:"text_encoder"`
		TextEncoderID string `json:"text_encoder_id"`
		Kind          string `json:"kind"`
	}
	if js, err := os.ReadFile(filepath.Join(run, "model.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(js, &mj); err != nil || mj.TextEncoder != "builtin" ||
		!strings.HasPrefix(mj.TextEncoderID, "builtin:") || mj.Kind != "diffusion" {
		t.Errorf("model.json text encoder %+v (%v)", mj, err)
	}
	if ents, err := os.ReadDir(filepath.Join(run, textCacheDir)); err != nil || len(ents) == 0 {
		t.Errorf("no cached caption embeddings in %s: %v", textCacheDir, err)
	}
	fine := filepath.Join(dir, "fine")
	code, _, stderr = runCLI(t, append([]string{"train", "diffusion", "--out", fine, "--steps", "1", "--init", run}, common...)...)
	if code != exitOK {
		t.Fatalf("train diffusion --init: exit %d: %s", code, stderr)
	}
	gen := func(out string, extra ...string) generateResult {
		t.Helper()
		args := append([]string{"generate", "--weights", fine, "--prompt", "a ball falls", "--frames", "9", "--res", "16x16",
			"--steps", "3", "--out", out, "--json", "--no-progress"}, extra...)
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("generate %v: exit %d: %s", extra, code, stderr)
		}
		var r generateResult
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("generate --json: %v\n%s", err, stdout)
		}
		return r
	}
	a := gen(filepath.Join(dir, "a.y4m"))
	b := gen(filepath.Join(dir, "b.y4m"))
	if a.Evaluations != 3 || a.PeakRSSBytes == 0 || a.TextEncoder != "builtin" {
		t.Errorf("result %+v", a)
	}
	// Guardrails ran by default: the prompt, then the video (faces blurred, none here).
	if !a.GuardrailsRun || a.NoGuardrails || len(a.Guardrails) != 2 || a.Guardrails[0].Stage != "pre-guard" ||
		!a.Guardrails[1].Allowed || a.Guardrails[1].Stage != "post-guard" {
		t.Errorf("guardrails %+v", a.Guardrails)
	}
	if r := gen(filepath.Join(dir, "n.y4m"), "--no-guardrails"); r.GuardrailsRun || !r.NoGuardrails || len(r.Guardrails) != 0 {
		t.Errorf("--no-guardrails: %+v", r)
	}
	// The built-in upsampler rewrites the prompt into a caption; the guard checks both.
	u := gen(filepath.Join(dir, "u.y4m"), "--upsample-prompt", "--prompt", "a red ball drops from 2 m")
	if u.Upsampler != "builtin" || u.UpsampledPrompt == "" || u.UpsampledPrompt == u.Prompt || len(u.Guardrails) != 3 {
		t.Errorf("--upsample-prompt: %+v", u)
	}
	// A blocked prompt exits 3 and writes nothing.
	blockedOut := filepath.Join(dir, "blocked.y4m")
	code, stdout, stderr = runCLI(t, "generate", "--weights", fine, "--prompt", "a soldier stabs a prisoner to death, graphic",
		"--frames", "9", "--res", "16x16", "--steps", "2", "--out", blockedOut, "--no-progress", "--json")
	if code != exitBlocked || !strings.Contains(stderr, "pre-guard") {
		t.Errorf("blocked prompt: exit %d, want %d: %s", code, exitBlocked, stderr)
	}
	var br generateResult
	if err := json.Unmarshal([]byte(stdout), &br); err != nil || !br.GuardrailsRun || len(br.Guardrails) != 1 ||
		br.Guardrails[0].Allowed || len(br.Guardrails[0].Findings) == 0 {
		t.Errorf("blocked prompt --json: %+v (%v)\n%s", br, err, stdout)
	}
	if _, err := os.Stat(blockedOut); !os.IsNotExist(err) {
		t.Errorf("blocked prompt wrote %s (%v)", blockedOut, err)
	}
	da, _ := os.ReadFile(a.Out)
	db, _ := os.ReadFile(b.Out)
	if len(da) == 0 || string(da) != string(db) {
		t.Error("the same seed gave different videos")
	}
	img := filepath.Join(data, "synth-contact.png")
	if r := gen(filepath.Join(dir, "c.gif"), "--input", img, "--cond-frames", "9", "--sampler", "heun"); r.CondFrames != 1 || r.Evaluations != 5 {
		t.Errorf("video2world result %+v", r)
	} else if r.CondPSNR != nil && (math.IsNaN(*r.CondPSNR) || *r.CondPSNR <= 0) {
		t.Errorf("condition-frame PSNR %v", *r.CondPSNR)
	} else if r.CondPSNR != nil {
		t.Logf("condition frame reproduced at %.2f dB (untrained tokenizer)", *r.CondPSNR)
	}
	// The physics benchmark opens the model by its folder (model.json says "diffusion").
	evalOut := filepath.Join(dir, "eval")
	code, stdout, stderr = runCLI(t, "eval", "physics", "--model", fine, "--scenarios", "free_fall", "--split", "id", "--n", "1",
		"--res", "16", "--frames", "3", "--cond-frames", "1,9", "--diffusion-steps", "2", "--diffusion-ema", "--workers", "1", "--examples", "0",
		"--out", evalOut, "--json", "--no-progress")
	if code != exitOK || !strings.Contains(stdout, `"diffusion:`+filepath.Clean(fine)+`"`) {
		t.Fatalf("eval physics: exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, bad := range [][]string{
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--model", "autoregressive"},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--frames", "8"},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--input", img, "--cond-frames", "3"},
		{"generate", "--out", filepath.Join(dir, "x.gif")},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--text-encoder", "hash", "--frames", "9", "--res", "16"},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--text-encoder", filepath.Join(dir, "nope")},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--upsample-fallback"},
		{"generate", "--weights", fine, "--out", filepath.Join(dir, "x.gif"), "--upsample-prompt=nonsense:x"},
		{"train", "diffusion", "--data", data, "--out", filepath.Join(dir, "y"), "--tokenizer", "preset:cv8x8x8-tiny", "--res", "20x20"},
		append([]string{"train", "diffusion", "--out", run, "--steps", "4", "--text-encoder", "hash"}, common...), // resumes a builtin run
	} {
		if code, _, _ := runCLI(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

func FuzzParseDiffusionRes(f *testing.F) {
	for _, s := range []string{"64x64", "64", "1280X704", "x", "0x5", "-3x4", "99999999999999999999x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := parseDiffusionRes(s)
		if err == nil && (w < 1 || h < 1) {
			t.Errorf("%q: accepted %dx%d", s, w, h)
		}
	})
}

// TestDiffusionTextEncoders opens each kind of --text-encoder for the tiny preset: the built-in
// T5, the same weights as a Hugging Face folder (same embeddings, another id), the hashing
// encoder; and checks the width/length and id mismatch errors.
func TestDiffusionTextEncoders(t *testing.T) {
	b, err := backend.NewGo()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	cfg, err := diffusion.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := openDiffusionText("builtin", cfg, b, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := textenc.Default()
	if err != nil {
		t.Fatal(err)
	}
	tokBytes, err := textenc.BuiltinTokenizer()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "t5")
	if err := textenc.Export(dir, m, tokBytes); err != nil {
		t.Fatal(err)
	}
	folder, err := openDiffusionText(dir, cfg, b, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(builtin.id, "builtin:") || !strings.HasPrefix(folder.id, "t5:") || folder.spec != dir {
		t.Errorf("ids %q %q, spec %q", builtin.id, folder.id, folder.spec)
	}
	caption := []string{"a red ball falls and bounces twice"}
	e1, _, err := builtin.enc.Encode(context.Background(), caption)
	if err != nil {
		t.Fatal(err)
	}
	e2, _, err := folder.enc.Encode(context.Background(), caption)
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := tensors.MustCopyFlatData[float32](e1), tensors.MustCopyFlatData[float32](e2)
	if len(v1) != cfg.ContextDim*cfg.ContextLen || len(v1) != len(v2) {
		t.Fatalf("embedding sizes %d and %d, want %d", len(v1), len(v2), cfg.ContextDim*cfg.ContextLen)
	}
	for i := range v1 {
		if d := v1[i] - v2[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("value %d: builtin %g, exported folder %g", i, v1[i], v2[i])
		}
	}
	hash, err := openDiffusionText("hash", cfg, b, "")
	if err != nil || hash.id != "hash:64x64" {
		t.Errorf("hash encoder %+v, %v", hash, err)
	}

	// A model reading other widths or lengths than the encoder gives is refused.
	narrow := cfg
	narrow.ContextDim, narrow.ContextLen = 32, 16
	if _, err := openDiffusionText("builtin", narrow, b, ""); err == nil || !strings.Contains(err.Error(), "width 32") {
		t.Errorf("mismatched builtin encoder: %v", err)
	}
	if _, err := openDiffusionText(t.TempDir(), cfg, b, ""); err == nil {
		t.Error("an empty folder opened as a T5 encoder")
	}

	// The recorded encoder is the default; another one is an error, two T5 folders a warning.
	cfg.TextEncoder, cfg.TextEncoderID = "builtin", builtin.id
	if err := checkTextEncoderID(cfg, builtin); err != nil {
		t.Error(err)
	}
	if err := checkTextEncoderID(cfg, hash); err == nil {
		t.Error("hash encoder accepted for a model trained with the built-in one")
	}
	cfg.TextEncoder, cfg.TextEncoderID = "/elsewhere/t5", "t5:0123"
	if err := checkTextEncoderID(cfg, folder); err != nil {
		t.Errorf("moved T5 folder: %v", err)
	}
	if got := recordedTextEncoder(diffusion.Config{}); got != "hash" {
		t.Errorf("a model without a recorded encoder defaults to %q", got)
	}
}

// synthClips writes n synthetic clips of 9 frames at 32x32 to DIR/synth and returns that folder.
func synthClips(t *testing.T, dir string, n int) string {
	t.Helper()
	data := filepath.Join(dir, "synth")
	if code, _, stderr := runCLI(t, "synth", "--out", data, "--n", strconv.Itoa(n), "--frames", "9", "--res", "32",
		"--no-progress", "--workers", "1"); code != exitOK {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	return data
}

// TestTrainDiffusionArchOverrides trains a model whose shape is not a preset's (--width,
// --blocks, --heads, --patch, --residual-cond, --latent-gain), checks model.json records it and
// generate rebuilds it from there, and that --init refuses the overrides.
func TestTrainDiffusionArchOverrides(t *testing.T) {
	dir := t.TempDir()
	data := synthClips(t, dir, 2)
	run := filepath.Join(dir, "run")
	common := []string{"--data", data, "--tokenizer", "preset:cv4x8x8-tiny", "--frames", "9", "--res", "32x32",
		"--preset", "tiny-v2w", "--warmup", "1", "--no-progress", "--json", "--steps", "1"}
	code, stdout, stderr := runCLI(t, append([]string{"train", "diffusion", "--out", run,
		"--width", "48", "--blocks", "1", "--heads", "2", "--patch", "4", "--adaln-lora", "0", "--latent-std", "frame",
		"--residual-cond", "--latent-gain", "2", "--sigma-data", "channel", "--sample-guidance", "1.5"}, common...)...)
	if code != exitOK {
		t.Fatalf("train diffusion: exit %d: %s", code, stderr)
	}
	var res trainDiffusionResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("train diffusion --json: %v\n%s", err, stdout)
	}
	c := res.Config
	if c.Name != "tiny-v2w+custom" || c.ModelChannels != 48 || c.NumBlocks != 1 || c.NumHeads != 2 ||
		c.PatchSpatial != 4 || c.AdaLNLoRADim != 0 || c.ContextDim != 64 || !c.ResidualCondition {
		t.Errorf("config %+v", c)
	}
	if c.SampleGuidance == nil || *c.SampleGuidance != 1.5 {
		t.Errorf("sample_guidance %v, want 1.5", c.SampleGuidance)
	}
	// --sigma-data channel: one σd per latent channel, measured on the latents.
	if len(c.SigmaDataChannels) != 16 || slices.ContainsFunc(c.SigmaDataChannels, func(v float32) bool { return !(v > 0) }) {
		t.Errorf("sigma_data_channels %v", c.SigmaDataChannels)
	}
	// --latent-std frame: one scale per latent frame, shared by its channels.
	if len(c.LatentStd) != 3*16 {
		t.Fatalf("latent std %v", c.LatentStd)
	}
	for r := 0; r < len(c.LatentStd); r += 16 {
		for _, v := range c.LatentStd[r : r+16] {
			if v != c.LatentStd[r] || !(v > 0) {
				t.Fatalf("latent std row %d not shared: %v", r/16, c.LatentStd[r:r+16])
			}
		}
	}
	// --latent-gain 2 halves the recorded std (the latents are multiplied by 2).
	code, stdout, stderr = runCLI(t, append([]string{"train", "diffusion", "--out", filepath.Join(dir, "gain1"),
		"--width", "48", "--blocks", "1", "--heads", "2", "--latent-std", "frame"}, common...)...)
	var res1 trainDiffusionResult
	if code != exitOK || json.Unmarshal([]byte(stdout), &res1) != nil || len(res1.Config.LatentStd) != len(c.LatentStd) {
		t.Fatalf("train diffusion, gain 1: exit %d: %s%s", code, stdout, stderr)
	}
	for i, v := range c.LatentStd {
		if want := res1.Config.LatentStd[i] / 2; math.Abs(float64(v-want)) > 1e-6*float64(want) {
			t.Fatalf("latent std %d with gain 2: %g, want %g", i, v, want)
		}
	}
	_, cfg, err := diffusion.LoadWeights(run, false)
	if err != nil || cfg.ModelChannels != 48 || cfg.PatchSpatial != 4 || cfg.ParamCount() != c.ParamCount() || !cfg.ResidualCondition ||
		!slices.Equal(cfg.SigmaDataChannels, c.SigmaDataChannels) {
		t.Fatalf("model.json: %+v (%v)", cfg, err)
	}
	out := filepath.Join(dir, "gen.y4m")
	if code, _, stderr := runCLI(t, "generate", "--weights", run, "--prompt", "a ball falls", "--frames", "9",
		"--res", "32x32", "--steps", "2", "--out", out, "--no-progress"); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	// eval denoise reports the model and both references at each level; copy-last does not
	// depend on the level.
	code, stdout, stderr = runCLI(t, "eval", "denoise", "--weights", run, "--data", data, "--prefix", "synth", "--frames", "9",
		"--res", "32x32", "--cond-frames", "1", "--sigmas", "0.1,10", "--json", "--no-progress")
	var den evalDenoiseResult
	if code != exitOK || json.Unmarshal([]byte(stdout), &den) != nil {
		t.Fatalf("eval denoise: exit %d: %s%s", code, stdout, stderr)
	}
	if den.Clips != 2 || den.CondFrames != 1 || len(den.Levels) != 2 || den.Levels[1].Sigma != 10 ||
		!(den.Levels[0].CopyLast > 0) || den.Levels[0].CopyLast != den.Levels[1].CopyLast || !(den.Levels[0].Model < den.Levels[1].Model) {
		t.Errorf("eval denoise: %+v", den)
	}
	for _, bad := range [][]string{{"--sigmas", "0.1,-1"}, {"--cond-frames", "2"}} {
		if code, _, stderr := runCLI(t, append([]string{"eval", "denoise", "--weights", run, "--data", data, "--prefix", "synth",
			"--frames", "9", "--res", "32x32"}, bad...)...); code != exitUsage {
			t.Errorf("eval denoise %v: exit %d: %s", bad, code, stderr)
		}
	}
	// --sigma-min ends the schedule higher (the output is the denoiser's estimate there); one
	// above sigma_max is refused.
	if code, _, stderr := runCLI(t, "generate", "--weights", run, "--prompt", "a ball falls", "--frames", "9",
		"--res", "32x32", "--steps", "2", "--sigma-min", "0.5", "--out", out, "--no-progress"); code != exitOK {
		t.Fatalf("generate --sigma-min 0.5: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "generate", "--weights", run, "--prompt", "a ball falls", "--frames", "9",
		"--res", "32x32", "--steps", "2", "--sigma-min", "200", "--out", out, "--no-progress"); code == exitOK || !strings.Contains(stderr, "sigma_min") {
		t.Errorf("generate --sigma-min 200: exit %d: %s", code, stderr)
	}
	// Refused before training, with the flag or field at fault named: each case is the arguments
	// after "train diffusion" and the text stderr must hold.
	outTo := func(name string) []string { return []string{"--out", filepath.Join(dir, name)} }
	arch := []string{"--width", "48", "--blocks", "1", "--heads", "2", "--patch", "4", "--adaln-lora", "0",
		"--latent-std", "frame", "--residual-cond"}
	resume := slices.Concat(common[:len(common)-1], []string{"2"}) // the first run, to step 2
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"--init with --width", slices.Concat(outTo("fine"), []string{"--init", run, "--width", "64"}, common), "--init"},
		{"--width 50 --heads 3", slices.Concat(outTo("bad"), []string{"--width", "50", "--heads", "3"}, common), "model_channels"},
		{"--latent-std global", slices.Concat(outTo("bad2"), []string{"--latent-std", "global"}, common), "--latent-std"},
		{"--latent-gain 0", slices.Concat(outTo("bad3"), []string{"--latent-gain", "0"}, common), "--latent-gain"},
		{"--init with --latent-gain", slices.Concat(outTo("fine2"), []string{"--init", run, "--latent-gain", "3"}, common), "--init"},
		{"--sample-guidance -1", slices.Concat(outTo("bad6"), []string{"--sample-guidance", "-1"}, common), "sample_guidance"},
		{"--sigma-data local", slices.Concat(outTo("bad5"), []string{"--sigma-data", "local"}, common), "--sigma-data"},
		{"--init with --sigma-data", slices.Concat(outTo("fine3"), []string{"--init", run, "--sigma-data", "channel"}, common), "--init"},
		{"resume with another --latent-gain", slices.Concat([]string{"--out", run}, arch,
			[]string{"--latent-gain", "3", "--sigma-data", "channel"}, resume), "--latent-gain"},
		{"resume with another --sigma-data", slices.Concat([]string{"--out", run}, arch, []string{"--latent-gain", "2"}, resume), "--sigma-data"},
		{"--residual-cond on a Text2World preset", slices.Concat(outTo("bad4"), []string{"--residual-cond"}, common,
			[]string{"--preset", "tiny"}), "residual_condition"},
	} {
		if code, _, stderr := runCLI(t, append([]string{"train", "diffusion"}, tc.args...)...); code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d: %s", tc.name, code, stderr)
		}
	}
}

// TestTrainDiffusionStopAt stops a 3-step run after step 1 (checkpoint and export), exports it
// again with the same command, resumes it to the end, and refuses a stop step the run has passed.
func TestTrainDiffusionStopAt(t *testing.T) {
	dir := t.TempDir()
	data := synthClips(t, dir, 2)
	run := filepath.Join(dir, "run")
	args := func(stop string) []string {
		return []string{"train", "diffusion", "--data", data, "--tokenizer", "preset:cv4x8x8-tiny", "--frames", "9",
			"--res", "32x32", "--preset", "tiny-v2w", "--warmup", "1", "--no-progress", "--json", "--steps", "3",
			"--out", run, "--stop-at", stop}
	}
	for _, tc := range []struct {
		stop       string
		steps, was int
	}{{"1", 1, 0}, {"1", 1, 1}, {"0", 3, 1}} { // the second call has nothing to train: it exports again
		code, stdout, stderr := runCLI(t, args(tc.stop)...)
		var res trainDiffusionResult
		if code != exitOK || json.Unmarshal([]byte(stdout), &res) != nil {
			t.Fatalf("--stop-at %s: exit %d: %s%s", tc.stop, code, stdout, stderr)
		}
		if res.Steps != tc.steps || res.ResumedFrom != tc.was {
			t.Errorf("--stop-at %s: at step %d resumed from %d, want %d from %d", tc.stop, res.Steps, res.ResumedFrom, tc.steps, tc.was)
		}
		if _, err := os.Stat(filepath.Join(run, diffusion.WeightsFile)); err != nil {
			t.Errorf("--stop-at %s: no exported weights: %v", tc.stop, err)
		}
	}
	if code, _, stderr := runCLI(t, args("2")...); code == exitOK || !strings.Contains(stderr, "already") {
		t.Errorf("--stop-at 2 after step 3: exit %d: %s", code, stderr)
	}
	// The finished run exported again in float16, with its own end of the sampling schedule,
	// still generates, and ends there unless told otherwise.
	if code, _, stderr := runCLI(t, append(args("0"), "--export-dtype", "float16", "--sample-sigma-min", "0.5")...); code != exitOK {
		t.Fatalf("--export-dtype float16: exit %d: %s", code, stderr)
	}
	f, err := safetensors.Open(filepath.Join(run, diffusion.WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range f.Infos() {
		if info.DType != safetensors.F16 {
			t.Errorf("exported %s as %s", info.Name, info.DType)
		}
	}
	f.Close()
	for _, tc := range []struct {
		flags []string
		want  float64
	}{{nil, 0.5}, {[]string{"--sigma-min", "0.01"}, 0.01}} {
		code, stdout, stderr := runCLI(t, append([]string{"generate", "--weights", run, "--prompt", "a ball falls", "--frames", "9",
			"--res", "32x32", "--steps", "2", "--out", filepath.Join(dir, "gen.y4m"), "--no-progress", "--json"}, tc.flags...)...)
		var gen generateResult
		if code != exitOK || json.Unmarshal([]byte(stdout), &gen) != nil {
			t.Fatalf("generate %v from float16 weights: exit %d: %s%s", tc.flags, code, stdout, stderr)
		}
		if gen.SigmaMin != tc.want {
			t.Errorf("generate %v: schedule ended at %g, want %g", tc.flags, gen.SigmaMin, tc.want)
		}
	}
	if code, _, stderr := runCLI(t, append(args("0"), "--export-dtype", "int8")...); code != exitUsage {
		t.Errorf("--export-dtype int8: exit %d: %s", code, stderr)
	}
}
