package curate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// workTemp lists what looks like a scratch or stray encoder file in a work folder.
func workTemp(t *testing.T, out string) []string {
	t.Helper()
	var found []string
	for _, pat := range []string{tempPrefix + "*", "encode-*", "*.tmp-*"} {
		m, err := filepath.Glob(filepath.Join(out, "work", pat))
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, m...)
	}
	return found
}

// TestIdenticalRunsSameReport: two runs of the same command (the second after its output was
// removed, with another worker count) write the same manifest and report bytes, broken inputs
// and ffmpeg logs included; only PREFIX-run.json differs. A resumed run removes the scratch
// files a killed run left, and a finished run leaves none (issue 17 item 10).
func TestIdenticalRunsSameReport(t *testing.T) {
	dir, truth := smallCorpus(t, "y4m", 32)
	in := corpusInputs(dir, truth)
	// A truncated MP4 (ffmpeg's log in the quarantine reason) and random bytes.
	full, err := os.ReadFile(in[0])
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "cut.mp4")
	os.WriteFile(bad, full[:len(full)/3], 0o644)
	junk := filepath.Join(dir, "junk.mp4")
	os.WriteFile(junk, bytes.Repeat([]byte{0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 0xde, 0xad}, 300), 0o644)
	in = append(in, bad, junk)

	out := filepath.Join(t.TempDir(), "out")
	files := []string{ManifestName("curated"), ReportName("curated")}
	read := func() [][]byte {
		var got [][]byte
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, b)
		}
		if _, err := os.Stat(filepath.Join(out, RunStatsName("curated"))); err != nil {
			t.Errorf("no run stats file: %v", err)
		}
		if tmp := workTemp(t, out); len(tmp) > 0 {
			t.Errorf("scratch files left: %v", tmp)
		}
		return got
	}
	cfg := testConfig(in, out)
	cfg.Prefix = "curated"
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	first := read()
	if !bytes.Contains(first[1], []byte(`"quarantined"`)) || bytes.Contains(first[1], []byte(`wall_seconds`)) {
		t.Errorf("report %s", first[1])
	}

	// A resumed run after a kill: scratch files of the dead run (and an old-style encode-*.mp4,
	// which looked like a result) are gone afterwards.
	for _, n := range []string{tempPrefix + "encode-123", "encode-456.mp4"} {
		os.WriteFile(filepath.Join(out, "work", n), full[:100], 0o644)
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	resumed := read()

	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 3
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	second := read()
	for i, f := range files {
		if !bytes.Equal(first[i], second[i]) {
			t.Errorf("%s differs between identical runs:\n%s\n---\n%s", f, first[i], second[i])
		}
		if !bytes.Equal(first[i], resumed[i]) {
			t.Errorf("%s differs after a resumed run:\n%s\n---\n%s", f, first[i], resumed[i])
		}
	}
}

func TestStableLog(t *testing.T) {
	a := stableLog("video: x.mp4: ffmpeg: decode failed: malformed\n[h264 @ 0x55aa] b warning\n[mov @ 0x1f] a warning\n[h264 @ 0x66bb] b warning")
	b := stableLog("video: x.mp4: ffmpeg: decode failed: malformed\n[mov @ 0x2e] a warning\n[h264 @ 0x77] b warning")
	if a != b || a != "video: x.mp4: ffmpeg: decode failed: malformed\n[h264] b warning\n[mov] a warning" {
		t.Errorf("%q vs %q", a, b)
	}
}
