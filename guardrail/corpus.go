package guardrail

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
)

//go:embed data/corpus.tsv
var defaultCorpus []byte

// DefaultCorpusData returns the shipped evaluation corpus file.
func DefaultCorpusData() []byte { return bytes.Clone(defaultCorpus) }

// ErrCorpus is wrapped by errors about a corpus file.
var ErrCorpus = errors.New("malformed corpus")

// CorpusPrompt is one labelled prompt.
type CorpusPrompt struct {
	Block bool   `json:"block"` // should be blocked
	Kind  string `json:"kind"`  // benign, nearmiss, direct, obfuscated, paraphrase, ...
	Text  string `json:"text"`
	Line  int    `json:"line"`
}

// ParseCorpus reads "EXPECT<TAB>KIND<TAB>PROMPT" lines, EXPECT allow or block and KIND a
// lower-case word; blank lines and # comments are skipped. name is used in errors.
func ParseCorpus(data []byte, name string) ([]CorpusPrompt, error) {
	var out []CorpusPrompt
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || strings.TrimSpace(f[2]) == "" {
			return nil, fmt.Errorf("guardrail: corpus %s line %d: want EXPECT<TAB>KIND<TAB>PROMPT: %w", name, n, ErrCorpus)
		}
		if f[0] != "allow" && f[0] != "block" {
			return nil, fmt.Errorf("guardrail: corpus %s line %d: expect %q is neither allow nor block: %w", name, n, f[0], ErrCorpus)
		}
		if f[1] == "" || strings.ToLower(f[1]) != f[1] || strings.ContainsAny(f[1], " ") {
			return nil, fmt.Errorf("guardrail: corpus %s line %d: kind %q is not a lower-case word: %w", name, n, f[1], ErrCorpus)
		}
		out = append(out, CorpusPrompt{Block: f[0] == "block", Kind: f[1], Text: f[2], Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("guardrail: corpus %s line %d: %v: %w", name, n+1, err, ErrCorpus)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("guardrail: corpus %s: no prompts: %w", name, ErrCorpus)
	}
	return out, nil
}

// Counts is a confusion matrix: TP blocked prompts that should be, FP blocked benign ones, FN
// missed, TN allowed benign ones.
type Counts struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
	TN int `json:"tn"`
}

// Precision is TP/(TP+FP), 1 when nothing was blocked.
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is TP/(TP+FN), 1 when nothing should have been blocked.
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

func (c *Counts) add(should, did bool) {
	switch {
	case should && did:
		c.TP++
	case should:
		c.FN++
	case did:
		c.FP++
	default:
		c.TN++
	}
}

// Outcome is the guard's verdict on one corpus prompt.
type Outcome struct {
	CorpusPrompt
	Blocked bool   `json:"blocked"`
	Reason  string `json:"reason"`
}

// CorpusReport is a guard measured on a corpus.
type CorpusReport struct {
	Prompts   int               `json:"prompts"`
	All       Counts            `json:"all"`
	Precision float64           `json:"precision"`
	Recall    float64           `json:"recall"`
	ByKind    map[string]Counts `json:"by_kind"`
	// Wrong lists the prompts the guard got wrong.
	Wrong []Outcome `json:"wrong"`
}

// Kinds returns the report's kinds, sorted.
func (r *CorpusReport) Kinds() []string {
	ks := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// EvaluateCorpus runs check on every prompt of a corpus and counts how it did.
func EvaluateCorpus(ctx context.Context, check func(context.Context, string) (Verdict, error), corpus []CorpusPrompt) (*CorpusReport, error) {
	r := &CorpusReport{Prompts: len(corpus), ByKind: map[string]Counts{}}
	for _, p := range corpus {
		v, err := check(ctx, p.Text)
		if err != nil {
			return nil, fmt.Errorf("guardrail: corpus line %d: %w", p.Line, err)
		}
		did := !v.Allowed
		r.All.add(p.Block, did)
		k := r.ByKind[p.Kind]
		k.add(p.Block, did)
		r.ByKind[p.Kind] = k
		if did != p.Block {
			r.Wrong = append(r.Wrong, Outcome{CorpusPrompt: p, Blocked: did, Reason: v.Reason()})
		}
	}
	r.Precision, r.Recall = r.All.Precision(), r.All.Recall()
	return r, nil
}
