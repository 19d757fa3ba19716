package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/textenc"
)

func TestTrainTextenc(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := t.TempDir()
	export := filepath.Join(dir, "model")
	code, stdout, stderr := runCLI(t, "train", "textenc", "--json", "--out", filepath.Join(dir, "run"), "--export", export,
		"--steps", "2", "--captions", "16", "--batch", "8", "--copies", "1", "--held-out", "8")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r trainTextencResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if r.Steps != 2 || r.Export != export || r.HeldOutAcc < 0 || r.HeldOutAcc > 1 || r.Params <= 0 {
		t.Errorf("result %+v", r)
	}
	m, err := textenc.Load(export, textenc.WithMaxLen(16))
	if err != nil {
		t.Fatalf("exported model does not load: %v", err)
	}
	emb, _, err := m.Encode(context.Background(), []string{"A red ball falls."})
	if err != nil || emb.Shape().Dim(2) != m.Dim() {
		t.Fatalf("encode with the exported model: %v", err)
	}
	if code, _, _ := runCLI(t, "train", "textenc", "--steps", "0"); code != exitUsage {
		t.Errorf("--steps 0: exit %d, want %d", code, exitUsage)
	}
}
