package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func TestEvalPhysicsCLI(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "eval", "physics", "--scenarios", "free_fall,seesaw", "--n", "1", "--res", "32",
		"--frames", "4", "--cond-frames", "1,2", "--split", "ood", "--model", "copy-last", "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Models []string `json:"models"`
		Groups []struct {
			Model    string   `json:"model"`
			Scenario string   `json:"scenario"`
			PSNR     *float64 `json:"psnr"`
		} `json:"groups"`
		JSON string `json:"json_path"`
		HTML string `json:"html_path"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	// The baselines once each, even when --model names one of them.
	if strings.Join(r.Models, ",") != "ground-truth,copy-last,linear" {
		t.Errorf("models %v", r.Models)
	}
	// 3 models x 1 split x 2 conditioning lengths x (2 scenarios + all).
	if len(r.Groups) != 18 || r.Groups[0].PSNR == nil {
		t.Errorf("%d groups: %+v", len(r.Groups), r.Groups)
	}
	html, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || !strings.Contains(string(html), "data:image/gif;base64,") {
		t.Errorf("report %s: %v", r.HTML, err)
	}
	if _, err := os.Stat(filepath.Join(out, "physics.json")); err != nil {
		t.Error(err)
	}
}

func TestEvalPhysicsCLIErrors(t *testing.T) {
	ckpt := filepath.Join(t.TempDir(), "ckpt-00000001")
	if err := os.Mkdir(ckpt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ckpt, "model.json"), []byte(`{"kind":"wfmtest-video2world"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--model", ckpt}, exitFail, "model loading for wfmtest-video2world not available yet"},
		{[]string{"--model", "no-such-model"}, exitFail, "not a baseline"},
		{[]string{"--split", "test"}, exitUsage, "--split"},
		{[]string{"--cond-frames", "0"}, exitUsage, "--cond-frames"},
		{[]string{"--scenarios", "gyroscope"}, exitUsage, "gyroscope"},
		{[]string{"--frames", "1"}, exitUsage, "frames"},
	}
	for _, tc := range tests {
		args := append([]string{"eval", "physics", "--n", "1", "--res", "32", "--frames", "3", "--scenarios", "free_fall",
			"--out", t.TempDir()}, tc.args...)
		code, _, stderr := runCLI(t, args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("wfm %v: exit %d (%q), want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

// writeClip writes a small clip whose pixels follow seed.
func writeClip(t *testing.T, path string, seed int) {
	t.Helper()
	c, err := video.NewClip(3, 16, 16, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Pix {
		c.Pix[i] = uint8(i*7 + seed*i/3)
	}
	if err := video.Write(context.Background(), path, c, video.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestEvalFidelityCLI(t *testing.T) {
	dir := t.TempDir()
	pred, ref := filepath.Join(dir, "pred"), filepath.Join(dir, "ref")
	for _, d := range []string{pred, ref} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeClip(t, filepath.Join(pred, "a.gif"), 1)
	writeClip(t, filepath.Join(ref, "a.gif"), 1)
	writeClip(t, filepath.Join(pred, "b.gif"), 2)
	writeClip(t, filepath.Join(ref, "b.gif"), 3)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "eval", "fidelity", "--pred", pred, "--ref", ref, "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r fidelityEvalResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if len(r.Videos) != 2 || r.Videos[0].Name != "a" || r.Videos[0].PSNR != 100 || r.Videos[1].PSNR >= 100 {
		t.Errorf("videos %+v", r.Videos)
	}
	// Two single videos.
	if code, _, stderr := runCLI(t, "eval", "fidelity", "--pred", filepath.Join(pred, "b.gif"), "--ref", filepath.Join(ref, "b.gif"),
		"--out", out); code != exitOK {
		t.Errorf("two files: exit %d: %s", code, stderr)
	}
	writeClip(t, filepath.Join(pred, "c.gif"), 4)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--pred", pred, "--ref", ref}, exitFail, "no reference"},
		{[]string{"--pred", pred, "--ref", filepath.Join(ref, "a.gif")}, exitUsage, "both"},
		{[]string{"--pred", pred}, exitUsage, "required"},
		{[]string{"--pred", filepath.Join(dir, "missing.y4m"), "--ref", ref}, exitFail, "missing.y4m"},
	} {
		code, _, stderr := runCLI(t, append([]string{"eval", "fidelity", "--out", out}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("wfm eval fidelity %v: exit %d (%q), want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

func TestEvalConsistencyCLI(t *testing.T) {
	dir := t.TempDir()
	noVideo := filepath.Join(dir, "notes")
	if err := os.Mkdir(noVideo, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(noVideo, "readme.txt"), []byte("no video here"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Noise frames: few matches, but every pair is measured and reported.
	videos := filepath.Join(dir, "videos")
	if err := os.Mkdir(videos, 0o755); err != nil {
		t.Fatal(err)
	}
	writeClip(t, filepath.Join(videos, "noise.y4m"), 5)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "eval", "consistency", "--videos", videos, "--intrinsics", "20,20,8,8", "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r consistencyEvalResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if len(r.Videos) != 1 || r.Videos[0].Pairs != 2 || r.Intrinsics == nil || r.Intrinsics.Fx != 20 {
		t.Errorf("result %+v", r.ConsistencyResult)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--videos", videos, "--intrinsics", "1,2,3"}, exitUsage},
		{[]string{"--videos", videos, "--intrinsics", "0,1,2,3"}, exitUsage},
		{[]string{}, exitUsage},
		{[]string{"--videos", filepath.Join(dir, "missing")}, exitFail},
		{[]string{"--videos", noVideo}, exitFail},
	} {
		if code, _, stderr := runCLI(t, append([]string{"eval", "consistency", "--out", out}, tc.args...)...); code != tc.code {
			t.Errorf("wfm eval consistency %v: exit %d (%q), want %d", tc.args, code, stderr, tc.code)
		}
	}
}

func FuzzParseIntrinsics(f *testing.F) {
	for _, s := range []string{"500,500,320,240", "1,2,3", "a,b,c,d", "0,1,1,1", "NaN,1,1,1", "1e309,1,1,1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := parseIntrinsics(s)
		if err == nil && (k == nil || k.Validate() != nil) {
			t.Fatalf("%q accepted as %+v", s, k)
		}
	})
}

func FuzzParseInts(f *testing.F) {
	for _, s := range []string{"1,9", "1", "0", "-3", "1,,2", "x", "9,1,9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseInts("cond-frames", s)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, x := range v {
			if x < 1 || seen[x] {
				t.Fatalf("%q parsed to %v", s, v)
			}
			seen[x] = true
		}
	})
}
