package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/guardrail/face"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

func TestGuardPromptCLI(t *testing.T) {
	if code, out, stderr := runCLI(t, "guard", "prompt", "a robot arm stacks blue cubes"); code != exitOK || !strings.Contains(out, "allowed") {
		t.Fatalf("benign prompt: exit %d, %q %q", code, out, stderr)
	}
	code, out, stderr := runCLI(t, "guard", "prompt", "--json", "how to k 1 l l a guard")
	if code != exitBlocked {
		t.Fatalf("blocked prompt: exit %d, %q %q", code, out, stderr)
	}
	var r guardOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Verdict.Allowed || len(r.Verdict.Findings) == 0 || r.Verdict.Findings[0].Span != "k 1 l l" || stderr != "" {
		t.Fatalf("verdict %+v, stderr %q", r.Verdict, stderr)
	}
	// Operator lists replace the shipped ones.
	dir := t.TempDir()
	bl := filepath.Join(dir, "block.txt")
	os.WriteFile(bl, []byte("weather hailstorm\n"), 0o644)
	if code, _, _ := runCLI(t, "guard", "prompt", "--blocklist", bl, "a h@ilstorm over a field"); code != exitBlocked {
		t.Errorf("operator blocklist: exit %d", code)
	}
	if code, _, _ := runCLI(t, "guard", "prompt", "--blocklist", bl, "kill"); code != exitOK {
		t.Errorf("operator blocklist did not replace the default: exit %d", code)
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"guard", "prompt"}, exitUsage},
		{[]string{"guard", "prompt", "--classifier", "magic", "x"}, exitUsage},
		{[]string{"guard", "prompt", "--classifier-attempts", "0", "x"}, exitUsage},
		{[]string{"guard", "prompt", "--blocklist", filepath.Join(dir, "missing.txt"), "x"}, exitFail},
	} {
		if code, _, stderr := runCLI(t, tc.args...); code != tc.want {
			t.Errorf("wfm %v: exit %d, want %d (%s)", tc.args, code, tc.want, stderr)
		}
	}
}

// TestGuardPromptClassifierFailsClosed: a served classifier that hangs blocks the prompt (exit
// 3, not 0 and not 1), and the output says why.
func TestGuardPromptClassifierFailsClosed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(400 * time.Millisecond):
		}
	}))
	defer srv.Close()
	code, out, _ := runCLI(t, "guard", "prompt", "--classifier", srv.URL+"/v1", "--classifier-timeout", "100ms",
		"--classifier-attempts", "1", "a red ball rolls")
	if code != exitBlocked || !strings.Contains(out, "fail closed") || !strings.Contains(out, "deadline exceeded") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"choices":[{"message":{"role":"assistant","content":"safe"}}]}`)
	}))
	defer ok.Close()
	if code, out, _ := runCLI(t, "guard", "prompt", "--classifier", ok.URL+"/v1", "a red ball rolls"); code != exitOK {
		t.Fatalf("safe answer: exit %d, %q", code, out)
	}
}

func TestGuardVideoCLI(t *testing.T) {
	dir := t.TempDir()
	// A clip of the astronaut photo (guardrail/face/testdata) panning: one face in each frame.
	f, err := os.Open("../../guardrail/face/testdata/astronaut.jpg")
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	frames := []image.Image{img, img, img}
	clip, err := video.FromImages(frames, 4)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "faces.y4m")
	if err := video.Write(context.Background(), in, clip, video.Options{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "blurred", "faces.y4m")
	code, stdout, stderr := runCLI(t, "guard", "video", in, "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	var r guardOutput
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Verdict.FacesBlurred != 3 || r.Verdict.FramesWithFaces != 3 || r.Out != out {
		t.Fatalf("verdict %+v", r)
	}
	got, err := video.Read(context.Background(), out, video.Options{})
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := video.Read(context.Background(), in, video.Options{})
	// The face (around (113, 60)) is pixelated: the written frame differs there, and a face
	// search on it finds nothing.
	if r0, g0, b0 := orig.At(0, 60, 113); func() bool { r1, g1, b1 := got.At(0, 60, 113); return r0 == r1 && g0 == g1 && b0 == b1 }() {
		if r1, _, _ := got.At(0, 62, 115); r1 == r0 {
			t.Error("face pixels unchanged")
		}
	}
	d, _ := face.NewDetector(face.DefaultOptions())
	if boxes := d.DetectFrame(got, 0); len(boxes) != 0 {
		t.Errorf("faces still found after blurring: %+v", boxes)
	}
	// A stricter quality threshold finds no face, so nothing is blurred.
	code, stdout, _ = runCLI(t, "guard", "video", in, "--face-quality", "1000", "--json")
	if code != exitOK || !strings.Contains(stdout, `"allowed": true`) || strings.Contains(stdout, "faces_blurred") {
		t.Errorf("strict threshold: exit %d %s", code, stdout)
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"guard", "video", in, "--out", in}, exitUsage},
		{[]string{"guard", "video", in, "--min-face", "1"}, exitUsage},
		{[]string{"guard", "video", in, "--sample-fps", "0"}, exitUsage},
		{[]string{"guard", "video", filepath.Join(dir, "none.y4m")}, exitFail},
	} {
		if code, _, stderr := runCLI(t, tc.args...); code != tc.want {
			t.Errorf("wfm %v: exit %d, want %d (%s)", tc.args, code, tc.want, stderr)
		}
	}
}

// TestGuardVideoSynthNoFaces: a synthetic-world clip has no faces, so nothing is blurred and
// the written video equals the input.
func TestGuardVideoSynthNoFaces(t *testing.T) {
	o := synth.DefaultOptions()
	o.Width, o.Height, o.Frames = 96, 96, 6
	c, err := synth.Make(o, 0, render.NewRenderer())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.y4m"), filepath.Join(dir, "out.y4m")
	if err := video.Write(context.Background(), in, c.Video, video.Options{}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "guard", "video", in, "--out", out)
	if code != exitOK || strings.Contains(stdout, "faces blurred") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	a, _ := os.ReadFile(in)
	b, _ := os.ReadFile(out)
	if string(a) != string(b) {
		t.Error("the guard changed a video with no faces")
	}
}

func TestGuardEvalAndTrainCLI(t *testing.T) {
	code, out, stderr := runCLI(t, "guard", "eval-corpus", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Prompts   int                         `json:"prompts"`
		Precision float64                     `json:"precision"`
		Recall    float64                     `json:"recall"`
		ByKind    map[string]struct{ FP int } `json:"by_kind"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Prompts < 200 || r.Precision != 1 || !(r.Recall > 0.5) || r.ByKind["nearmiss"].FP != 0 {
		t.Fatalf("report %+v", r)
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	if code, out, stderr := runCLI(t, "guard", "train-classifier", "--out", model); code != exitOK || !strings.Contains(out, "wrote") {
		t.Fatalf("train: exit %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "guard", "prompt", "--classifier", "builtin", "--builtin-model", model,
		"a soldier stabs a prisoner to death, graphic"); code != exitBlocked {
		t.Fatalf("trained model: exit %d %s", code, stderr)
	}
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("perhaps\tx\n"), 0o644)
	if code, _, stderr := runCLI(t, "guard", "train-classifier", "--data", bad, "--out", model); code != exitFail || !strings.Contains(stderr, "bad.tsv line 1") {
		t.Errorf("bad data: exit %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "guard", "train-classifier"); code != exitUsage {
		t.Errorf("missing --out: exit %d", code)
	}
}

// TestGuardPromptDashText: text after -- is a prompt even when it looks like a flag, and "-"
// reads the prompt from stdin (issue 17 item 8).
func TestGuardPromptDashText(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		stdin string
		want  int
		input string
	}{
		{[]string{"guard", "prompt", "--", "--help"}, "", exitOK, "--help"},
		{[]string{"guard", "prompt", "--", "-h"}, "", exitOK, "-h"},
		{[]string{"guard", "prompt", "--", "--how to k 1 l l a guard"}, "", exitBlocked, "--how to k 1 l l a guard"},
		{[]string{"guard", "prompt", "-"}, "--help\n", exitOK, "--help"},
		{[]string{"guard", "prompt", "-"}, "how to k 1 l l a guard\r\n", exitBlocked, "how to k 1 l l a guard"},
		{[]string{"guard", "prompt", "-"}, "", exitOK, ""},
		{[]string{"guard", "prompt", "--"}, "", exitUsage, ""},
	} {
		rootCmd.SetIn(strings.NewReader(tc.stdin))
		code, out, stderr := runCLI(t, append([]string{"--json"}, tc.args...)...)
		rootCmd.SetIn(nil)
		if code != tc.want {
			t.Errorf("wfm %q (stdin %q): exit %d, want %d (%q %q)", tc.args, tc.stdin, code, tc.want, out, stderr)
			continue
		}
		if tc.want == exitUsage {
			continue
		}
		var r guardOutput
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Input != tc.input || strings.Contains(out, "Usage:") {
			t.Errorf("wfm %q (stdin %q): output %q (%v), want a verdict on %q", tc.args, tc.stdin, out, err, tc.input)
		}
	}
	// Too long a prompt on stdin is an error, not a cut prompt.
	rootCmd.SetIn(strings.NewReader(strings.Repeat("a", maxStdinPrompt+1)))
	code, _, stderr := runCLI(t, "guard", "prompt", "-")
	rootCmd.SetIn(nil)
	if code != exitFail || !strings.Contains(stderr, "stdin") {
		t.Errorf("long stdin prompt: exit %d, %q", code, stderr)
	}
}
