package classify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseLlamaGuard(t *testing.T) {
	tests := []struct {
		in   string
		safe bool
		cats []string
		bad  bool
	}{
		{"safe", true, nil, false},
		{"  safe\n", true, nil, false},
		{"unsafe\nS1", false, []string{"S1 violent crimes"}, false},
		{"unsafe\nS1, S10,S99", false, []string{"S1 violent crimes", "S10 hate", "S99"}, false},
		{"unsafe", false, nil, false},
		{"Safe", false, nil, true},
		{"safe\nbecause", false, nil, true},
		{"unsafe\nS1\nextra", false, nil, true},
		{"unsafe\nviolence", false, nil, true},
		{"", false, nil, true},
		{"I'm sorry", false, nil, true},
	}
	for _, tc := range tests {
		r, err := ParseLlamaGuard(tc.in)
		if tc.bad {
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%q: error %v, want ErrMalformed", tc.in, err)
			}
			continue
		}
		if err != nil || r.Safe != tc.safe || strings.Join(r.Categories, "|") != strings.Join(tc.cats, "|") {
			t.Errorf("%q: %+v %v, want safe=%v %v", tc.in, r, err, tc.safe, tc.cats)
		}
	}
}

func FuzzParseLlamaGuard(f *testing.F) {
	for _, s := range []string{"safe", "unsafe\nS1,S2", "unsafe\n", "\x00", "unsafe\nS1,,S2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseLlamaGuard(s)
		if err == nil && r.Safe && strings.TrimSpace(s) != "safe" {
			t.Fatalf("%q read as safe", s)
		}
	})
}

func TestNewLlamaGuardChecks(t *testing.T) {
	if _, err := NewLlamaGuard(LlamaGuardConfig{URL: "ftp://x", Model: "m"}); err == nil {
		t.Error("ftp URL accepted")
	}
	if _, err := NewLlamaGuard(LlamaGuardConfig{URL: "http://x"}); err == nil {
		t.Error("missing model accepted")
	}
}

func TestLogReg(t *testing.T) {
	m, err := DefaultLogReg()
	if err != nil {
		t.Fatal(err)
	}
	// Lines of the training data itself: a model this size fits them.
	ex, _ := ParseExamples(defaultTraining, "train.tsv")
	wrong := 0
	for _, e := range ex {
		if (m.Probability(e.Text) >= m.Threshold) != e.Unsafe {
			wrong++
		}
	}
	if wrong > len(ex)/50 {
		t.Errorf("%d of %d training examples misclassified", wrong, len(ex))
	}
	for _, tc := range []struct {
		text   string
		unsafe bool
	}{
		{"a robot arm lifts a box onto a shelf in a warehouse", false},
		{"a soldier stabs a prisoner to death, graphic", true},
	} {
		r, err := m.ClassifyText(context.Background(), tc.text)
		if err != nil || r.Safe == tc.unsafe {
			t.Errorf("%q: %+v %v", tc.text, r, err)
		}
	}
	// Save and load give the same model.
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := LoadLogReg(data, "model.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex[:20] {
		if a, b := m.Probability(e.Text), m2.Probability(e.Text); a != b {
			t.Fatalf("%q: %v before saving, %v after", e.Text, a, b)
		}
	}
}

func TestDataErrors(t *testing.T) {
	for _, bad := range []string{"safe no tab\n", "maybe\tx\n", "safe\tonly safe\n", "safe\t \n"} {
		if _, err := ParseExamples([]byte(bad), "d.tsv"); !errors.Is(err, ErrData) || !strings.Contains(err.Error(), "d.tsv") {
			t.Errorf("ParseExamples(%q) = %v", bad, err)
		}
	}
	for _, bad := range []string{"{", `{"format":"x"}`, `{"format":"wfm-guard-logreg-v1","buckets":262144,"threshold":0.5,"docs":[1,1],"weights":{"999999999":1}}`,
		`{"format":"wfm-guard-logreg-v1","buckets":262144,"threshold":0.5,"docs":[0,1]}`,
		`{"format":"wfm-guard-logreg-v1","buckets":262144,"threshold":2,"docs":[1,1]}`} {
		if _, err := LoadLogReg([]byte(bad), "m.json"); !errors.Is(err, ErrData) || !strings.Contains(err.Error(), "m.json") {
			t.Errorf("LoadLogReg(%q) = %v", bad, err)
		}
	}
}

func FuzzLoadLogReg(f *testing.F) {
	f.Add([]byte(`{"format":"wfm-guard-logreg-v1","buckets":262144,"threshold":0.5,"docs":[1,1],"weights":{"5":0.5}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := LoadLogReg(data, "fuzz"); err == nil {
			_ = m.Probability("a red ball")
		}
		_, _ = ParseExamples(data, "fuzz")
	})
}
