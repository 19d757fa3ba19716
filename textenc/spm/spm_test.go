package spm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// builtinModel is the built-in encoder's tokenizer, trained by textenc/testdata/make_golden.py.
var builtinModel = filepath.Join("..", "builtin", "spiece.model")

type goldenCase struct {
	Text   string   `json:"text"`
	IDs    []int    `json:"ids"`
	Pieces []string `json:"pieces"`
}

// TestGoldenIDs compares Encode with the ids Python sentencepiece 0.1.97 gave for the same
// strings and model (testdata/spm_golden.json, made by textenc/testdata/make_golden.py):
// NFKC rewrites (full-width letters, ligatures, circled digits), whitespace runs, unknown
// characters, control characters and literal special-piece names.
func TestGoldenIDs(t *testing.T) {
	m, err := Load(builtinModel)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "testdata", "spm_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct{ Cases []goldenCase }
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) < 10 {
		t.Fatalf("only %d golden cases", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		segs := m.Segments(c.Text)
		ids, pieces := make([]int, len(segs)), make([]string, len(segs))
		for i, s := range segs {
			ids[i], pieces[i] = s.ID, m.Pieces[s.ID].Text
		}
		if !slices.Equal(ids, c.IDs) && !(len(ids) == 0 && len(c.IDs) == 0) {
			t.Errorf("Encode(%q)\n got %v %q\nwant %v %q", c.Text, ids, pieces, c.IDs, c.Pieces)
		}
	}
}

func TestSpecialIDs(t *testing.T) {
	m, err := Load(builtinModel)
	if err != nil {
		t.Fatal(err)
	}
	// T5's conventions, which make_golden.py asked the trainer for.
	if m.PadID() != 0 || m.EOSID() != 1 || m.UnkID() != 2 || m.BOSID() != -1 {
		t.Errorf("pad %d eos %d unk %d bos %d, want 0 1 2 -1", m.PadID(), m.EOSID(), m.UnkID(), m.BOSID())
	}
	if got := m.Normalize("  Ｈｉ\t there "); got != "▁Hi▁there" {
		t.Errorf("Normalize = %q, want %q", got, "▁Hi▁there")
	}
	if got := m.Decode(m.Encode("a blue ball falls")); got != "a blue ball falls" {
		t.Errorf("Decode(Encode) = %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.model")
	if err := os.WriteFile(bad, []byte{0x0a, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(bad)
	var fe *FormatError
	if err == nil || !asFormatError(err, &fe) || fe.Path != bad {
		t.Errorf("Load(truncated) = %v, want a FormatError naming the file", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.model")); err == nil {
		t.Error("Load(missing) succeeded")
	}
}
