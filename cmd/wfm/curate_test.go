package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestCurateCLI(t *testing.T) {
	corpus, out := filepath.Join(t.TempDir(), "corpus"), t.TempDir()
	code, _, stderr := runCLI(t, "curate", "make-corpus", "--out", corpus, "--videos", "2", "--shots", "2",
		"--res", "32", "--min-frames", "20", "--max-frames", "24", "--format", "y4m", "--json")
	if code != exitOK {
		t.Fatalf("make-corpus: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "curate", "--in", corpus, "--out", out, "--captioner", "synth",
		"--min-len", "1", "--max-len", "2", "--text-embed", "8", "--shard-size", "2", "--workers", "2", "--json")
	if code != exitOK {
		t.Fatalf("curate: exit %d: %s", code, stderr)
	}
	var r curateResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("curate --json is not JSON: %v\n%s", err, stdout)
	}
	if r.Report == nil || r.Kept < 1 || len(r.Shards) < 1 || len(r.Quarantined) != 2 || r.Corpus == nil || len(r.Skipped) == 0 {
		t.Fatalf("report %+v", r)
	}
	if c := r.Corpus; c.Cuts.Truth+c.Fades.Truth != 2 || c.Cuts.Recall < 1 || c.Fades.Recall < 1 || c.Cuts.Precision < 1 {
		t.Errorf("corpus evaluation %+v", r.Corpus)
	}
	if _, err := os.Stat(r.Manifest); err != nil {
		t.Error(err)
	}
	// A list file works like the folder; other settings in the same folder are a usage error.
	list := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(list, []byte("# videos\n"+filepath.Join(corpus, "long000.y4m")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "curate", "--in", list, "--out", t.TempDir(), "--json"); code != exitOK {
		t.Errorf("list file: exit %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "curate", "--in", corpus, "--out", out, "--dedup-eps", "0.3", "--json"); code != exitUsage {
		t.Errorf("changed settings: exit %d, want %d", code, exitUsage)
	}
	for _, bad := range [][]string{
		{"curate", "--out", out},
		{"curate", "--in", corpus, "--out", out, "--split", "scene"},
		{"curate", "--in", corpus, "--out", out, "--res", "63x64"},
		{"curate", "--in", corpus, "--out", out, "--captioner", "gpt"},
		{"curate", "--in", corpus, "--out", out, "--captioner", "openai"},
		{"curate", "--in", corpus, "--out", out, "--min-len", "3", "--max-len", "2"},
		{"curate", "--in", corpus, "--out", out, "--part", "2/2"},
		{"curate", "make-corpus"},
	} {
		if code, _, _ := runCLI(t, bad...); code != exitUsage {
			t.Errorf("wfm %v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}
