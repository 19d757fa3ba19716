package text

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aaaton/golem/v4"
	"github.com/aaaton/golem/v4/dicts/en"

	"github.com/wfm-platform/wfm/internal/regfile"
)

// The default lists, shipped in the binary. Operators replace them with their own files
// (LoadBlocklist); the format is described at ParseBlocklist.
var (
	//go:embed lists/blocklist.txt
	defaultBlocklist []byte
	//go:embed lists/whitelist.txt
	defaultWhitelist []byte
)

// Rule names in a Match.
const (
	RuleExact = "exact"
	RuleLemma = "lemma"
	RuleFuzzy = "fuzzy"
	// RuleMasked: a word with letters starred out ("f*ck"), each * standing for one letter, in
	// the leet view; at least half of the word's letters must be shown.
	RuleMasked = "masked"
	// RuleSpelled: letters written one by one ("a p i p e b o m b") hold a listed phrase of
	// 4+ letters, its words written together, anywhere in the run.
	RuleSpelled = "spelled"
	// RuleGlued: a word that is not in the dictionary is a listed word of 4+ letters glued to
	// a dictionary word of 2+ letters ("killthem", "pornstar").
	RuleGlued = "glued"
)

// FuzzyMinLetters is the shortest phrase (in characters, the one space between words counted)
// the fuzzy rule applies to, and FuzzySlack sets the similarity bar: a window is similar enough
// when Ratio >= (len-FuzzySlack)/len. Both are the reference's values. With this bar a window
// passes when it is the phrase with one character inserted ("kiill": 2L/(2L+1) >= (L-0.5)/L for
// every L), never when one is deleted or replaced ((L-1)/L and below fall short): replacements
// by digits and symbols are the leet view's job.
const (
	FuzzyMinLetters = 4
	FuzzySlack      = 0.5
)

// ErrList is wrapped by every error about a list file's content.
var ErrList = errors.New("malformed list")

// ListError is a problem in a list file, with the file and line it is on.
type ListError struct {
	Path string
	Line int
	Msg  string
}

func (e *ListError) Error() string {
	return fmt.Sprintf("text: list %s line %d: %s", e.Path, e.Line, e.Msg)
}
func (e *ListError) Unwrap() error { return ErrList }

// Entry is one listed phrase.
type Entry struct {
	Category string
	Phrase   string   // normalized words joined by one space
	words    []string // normalized words
	lemmas   []string // the lemma of each word
	length   int      // len(Phrase), spaces included
}

// Match is one blocked phrase found in a prompt.
type Match struct {
	Rule     string  `json:"rule"`     // exact, lemma or fuzzy
	Category string  `json:"category"` // the entry's category
	Entry    string  `json:"entry"`    // the listed phrase
	View     string  `json:"view"`     // the view it was found in (folded, leet, leet-l, joined)
	Span     string  `json:"span"`     // the original text matched
	Start    int     `json:"start"`    // byte offsets of Span in the prompt
	End      int     `json:"end"`
	Ratio    float64 `json:"ratio,omitempty"` // the similarity, for fuzzy matches
}

// Blocklist matches prompts against listed phrases, sparing whitelisted ones.
type Blocklist struct {
	entries   []Entry
	whitelist []Entry
	// byWord indexes entries by the lemmas and words of their first word, for the exact and
	// lemma rules.
	byWord map[string][]int
	// glued indexes phrases of two or more words by their words written together
	// ("pipebomb"), for prompts that close up the spaces.
	glued map[string][]int
	lem   *golem.Lemmatizer
}

var (
	lemOnce sync.Once
	lemVal  *golem.Lemmatizer
	lemErr  error
)

// Lemmatizer returns the shared English lemmatizer (golem with its English dictionary; loaded
// once, about a quarter of a second and some tens of MB).
func Lemmatizer() (*golem.Lemmatizer, error) {
	lemOnce.Do(func() {
		lemVal, lemErr = golem.New(en.New())
		if lemErr != nil {
			lemErr = fmt.Errorf("text: load English lemmatizer: %w", lemErr)
		}
	})
	return lemVal, lemErr
}

// DefaultBlocklist returns the shipped blocklist and whitelist.
func DefaultBlocklist() (*Blocklist, error) {
	return NewBlocklist(defaultBlocklist, "default blocklist", defaultWhitelist, "default whitelist")
}

// DefaultBlocklistText and DefaultWhitelistText return the shipped list files, for operators
// who want to start their own from them.
func DefaultBlocklistText() []byte { return bytes.Clone(defaultBlocklist) }
func DefaultWhitelistText() []byte { return bytes.Clone(defaultWhitelist) }

// MaxListBytes is the largest blocklist or whitelist file LoadBlocklist reads.
const MaxListBytes = 64 << 20

// LoadBlocklist reads a blocklist and a whitelist file; an empty path stands for the shipped
// list of that kind. Each must be a regular file (a named pipe is refused, not waited on) of
// at most MaxListBytes.
func LoadBlocklist(blockPath, whitePath string) (*Blocklist, error) {
	block, bname := defaultBlocklist, "default blocklist"
	white, wname := defaultWhitelist, "default whitelist"
	if blockPath != "" {
		b, err := regfile.ReadFile(blockPath, MaxListBytes)
		if err != nil {
			return nil, fmt.Errorf("text: read blocklist: %w", err)
		}
		block, bname = b, blockPath
	}
	if whitePath != "" {
		b, err := regfile.ReadFile(whitePath, MaxListBytes)
		if err != nil {
			return nil, fmt.Errorf("text: read whitelist: %w", err)
		}
		white, wname = b, whitePath
	}
	return NewBlocklist(block, bname, white, wname)
}

// NewBlocklist parses a blocklist and a whitelist (see ParseBlocklist and ParseWhitelist); the
// names are used in error messages.
func NewBlocklist(block []byte, blockName string, white []byte, whiteName string) (*Blocklist, error) {
	lem, err := Lemmatizer()
	if err != nil {
		return nil, err
	}
	entries, err := ParseBlocklist(block, blockName)
	if err != nil {
		return nil, err
	}
	wl, err := ParseWhitelist(white, whiteName)
	if err != nil {
		return nil, err
	}
	b := &Blocklist{entries: entries, whitelist: wl, byWord: map[string][]int{}, glued: map[string][]int{}, lem: lem}
	for i := range b.entries {
		b.prepare(&b.entries[i])
		if len(b.entries[i].words) > 1 {
			g := strings.Join(b.entries[i].words, "")
			b.glued[g] = append(b.glued[g], i)
		}
		first := b.entries[i].words[0]
		b.byWord[first] = append(b.byWord[first], i)
		if l := b.entries[i].lemmas[0]; l != first {
			b.byWord[l] = append(b.byWord[l], i)
		}
	}
	for i := range b.whitelist {
		b.prepare(&b.whitelist[i])
	}
	return b, nil
}

// Entries returns the number of blocked and whitelisted phrases.
func (b *Blocklist) Entries() (blocked, whitelisted int) { return len(b.entries), len(b.whitelist) }

func (b *Blocklist) prepare(e *Entry) {
	e.lemmas = make([]string, len(e.words))
	for i, w := range e.words {
		e.lemmas[i] = b.lem.LemmaLower(w)
	}
	e.length = len(e.Phrase)
}

// ParseBlocklist parses a blocklist file: one phrase per line, "CATEGORY PHRASE", where
// CATEGORY is a lower-case name ([a-z_]+) and PHRASE one or more words, folded and split like a
// prompt's folded view (so "self-harm" is the two words "self harm"). Blank lines and lines
// starting with # are skipped. A phrase listed twice is an error, as is a line with no phrase.
func ParseBlocklist(data []byte, name string) ([]Entry, error) {
	var out []Entry
	seen := map[string]int{}
	err := eachLine(data, name, func(n int, line string) error {
		cat, rest, _ := strings.Cut(line, " ")
		if tab := strings.IndexByte(cat, '\t'); tab >= 0 {
			cat, rest = line[:tab], line[tab+1:]
		}
		if !validCategory(cat) {
			return &ListError{name, n, fmt.Sprintf("category %q is not a lower-case name ([a-z_]+)", cat)}
		}
		words := phraseWords(rest)
		if len(words) == 0 {
			return &ListError{name, n, fmt.Sprintf("category %q has no phrase after it", cat)}
		}
		p := strings.Join(words, " ")
		if prev, dup := seen[p]; dup {
			return &ListError{name, n, fmt.Sprintf("phrase %q is already listed on line %d", p, prev)}
		}
		seen[p] = n
		out = append(out, Entry{Category: cat, Phrase: p, words: words})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &ListError{name, 0, "no phrases"}
	}
	return out, nil
}

// ParseWhitelist parses a whitelist file: one phrase per line, blank lines and # comments
// skipped. An empty whitelist is allowed.
func ParseWhitelist(data []byte, name string) ([]Entry, error) {
	var out []Entry
	err := eachLine(data, name, func(n int, line string) error {
		words := phraseWords(line)
		if len(words) == 0 {
			return &ListError{name, n, fmt.Sprintf("%q has no letters or digits", line)}
		}
		out = append(out, Entry{Category: "whitelist", Phrase: strings.Join(words, " "), words: words})
		return nil
	})
	return out, err
}

func eachLine(data []byte, name string, f func(n int, line string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := f(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &ListError{name, n + 1, err.Error()}
	}
	return nil
}

func validCategory(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] == '_') {
			return false
		}
	}
	return true
}

func phraseWords(s string) []string {
	var out []string
	for _, t := range Views(s)[0].Tokens {
		out = append(out, t.Text)
	}
	return out
}

// Check matches a prompt: every listed phrase found in any view by any rule, outside whitelisted
// phrases, sorted by position. No matches means the rules let the prompt through.
func (b *Blocklist) Check(prompt string) []Match {
	var out []Match
	seen := map[[2]int]map[string]bool{}
	for _, v := range Views(prompt) {
		for _, m := range b.checkView(prompt, v) {
			key := [2]int{m.Start, m.End}
			if seen[key] == nil {
				seen[key] = map[string]bool{}
			}
			if seen[key][m.Entry] {
				continue
			}
			seen[key][m.Entry] = true
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End < out[j].End
	})
	return out
}

func (b *Blocklist) checkView(prompt string, v View) []Match {
	toks := v.Tokens
	lemmas := make([][]string, len(toks))
	for i, t := range toks {
		lemmas[i] = b.lemmasOf(t.Text)
	}
	shielded := make([]bool, len(toks))
	for _, w := range b.whitelist {
		for i := 0; i+len(w.words) <= len(toks); i++ {
			if b.windowEqual(toks[i:i+len(w.words)], nil, w) == RuleExact {
				for k := i; k < i+len(w.words); k++ {
					shielded[k] = true
				}
			}
		}
	}
	free := func(i, n int) bool {
		for k := i; k < i+n; k++ {
			if shielded[k] {
				return false
			}
		}
		return true
	}
	var out []Match
	matched := map[[2]int]bool{} // (token, entry) pairs found by exact or lemma
	mk := func(rule string, e *Entry, i, ei int, ratio float64) Match {
		n := len(e.words)
		s, t := toks[i].Start, toks[i+n-1].End
		if s > t { // a view read backwards (ViewTurned)
			s, t = toks[i+n-1].Start, toks[i].End
		}
		matched[[2]int{i, ei}] = true
		return Match{Rule: rule, Category: e.Category, Entry: e.Phrase, View: v.Name,
			Span: prompt[s:t], Start: s, End: t, Ratio: ratio}
	}
	for i := range toks {
		cand := map[int]bool{}
		if strings.Contains(toks[i].Text, "*") {
			for ei := range b.entries {
				cand[ei] = true
			}
		}
		for _, key := range append([]string{toks[i].Text}, lemmas[i]...) {
			for _, ei := range b.byWord[key] {
				cand[ei] = true
			}
		}
		if toks[i].Spelled && free(i, 1) {
			for ei := range b.entries {
				e := &b.entries[ei]
				g := strings.Join(e.words, "")
				if k := strings.Index(toks[i].Text, g); len(g) >= FuzzyMinLetters && toks[i].Text != g && k >= 0 {
					s, t := toks[i].Start, toks[i].End
					if ls := toks[i].letters; len(ls) == len(toks[i].Text) {
						s, t = ls[k].Start, ls[k+len(g)-1].End
						if s > t { // letters of a view read backwards (ViewTurned)
							s, t = ls[k+len(g)-1].Start, ls[k].End
						}
					}
					matched[[2]int{i, ei}] = true
					out = append(out, Match{Rule: RuleSpelled, Category: e.Category, Entry: e.Phrase, View: v.Name,
						Span: prompt[s:t], Start: s, End: t})
				}
			}
		}
		if free(i, 1) {
			for _, ei := range b.gluedWord(toks[i].Text) {
				e := &b.entries[ei]
				s, t := toks[i].Start, toks[i].End
				matched[[2]int{i, ei}] = true
				out = append(out, Match{Rule: RuleGlued, Category: e.Category, Entry: e.Phrase, View: v.Name,
					Span: prompt[s:t], Start: s, End: t})
			}
		}
		for _, ei := range b.glued[toks[i].Text] {
			if free(i, 1) {
				e := &b.entries[ei]
				s, t := toks[i].Start, toks[i].End
				matched[[2]int{i, ei}] = true
				out = append(out, Match{Rule: RuleExact, Category: e.Category, Entry: e.Phrase, View: v.Name,
					Span: prompt[s:t], Start: s, End: t})
			}
		}
		for _, ei := range sortedKeys(cand) {
			e := &b.entries[ei]
			n := len(e.words)
			if i+n > len(toks) || !free(i, n) {
				continue
			}
			if rule := b.windowEqual(toks[i:i+n], lemmas[i:i+n], *e); rule != "" {
				out = append(out, mk(rule, e, i, ei, 0))
			}
		}
	}
	// Fuzzy rule: windows with at least one non-dictionary word.
	for ei := range b.entries {
		e := &b.entries[ei]
		if e.length < FuzzyMinLetters {
			continue
		}
		n := len(e.words)
		bar := (float64(e.length) - FuzzySlack) / float64(e.length)
		for i := 0; i+n <= len(toks); i++ {
			if matched[[2]int{i, ei}] || !free(i, n) || !b.hasNonWord(toks[i:i+n]) {
				continue
			}
			win := joinTexts(toks[i : i+n])
			lp, lw := len(e.Phrase), len(win)
			// Ratio <= 2*min/(lp+lw): skip windows whose length alone rules them out.
			if 2*float64(min(lp, lw)) < bar*float64(lp+lw) {
				continue
			}
			if r := Ratio(win, e.Phrase); r >= bar {
				out = append(out, mk(RuleFuzzy, e, i, ei, r))
			}
		}
	}
	return out
}

// gluedWord returns the one-word entries of 4+ letters that w, a word of 6+ letters not in the
// dictionary, is made of with a dictionary word of 2+ letters before or after.
func (b *Blocklist) gluedWord(w string) []int {
	if len(w) < 6 || strings.ContainsAny(w, "0123456789*") || b.lem.InDict(w) {
		return nil
	}
	var out []int
	for k := FuzzyMinLetters; k <= len(w)-2; k++ {
		for _, cut := range [][2]string{{w[:k], w[k:]}, {w[len(w)-k:], w[:len(w)-k]}} {
			listed, rest := cut[0], cut[1]
			for _, ei := range b.byWord[listed] {
				if e := &b.entries[ei]; len(e.words) == 1 && e.words[0] == listed && b.lem.InDict(rest) {
					out = append(out, ei)
				}
			}
		}
	}
	return out
}

// windowEqual says by which rule a window of tokens equals an entry ("" if none); with nil
// lemmas only the exact rule is tried (whitelists match exactly, so that a whitelisted
// "cracked pipe" does not shield "crack pipe").
func (b *Blocklist) windowEqual(toks []Token, lemmas [][]string, e Entry) string {
	exact := true
	for k, t := range toks {
		if t.Text != e.words[k] {
			exact = false
			break
		}
	}
	if exact || lemmas == nil {
		return map[bool]string{true: RuleExact}[exact]
	}
	masked := false
	for k, t := range toks {
		if !maskedEqual(t.Text, e.words[k]) {
			masked = false
			break
		}
		masked = masked || t.Text != e.words[k]
	}
	if masked {
		return RuleMasked
	}
	for k := range toks {
		ok := toks[k].Text == e.words[k]
		for _, l := range lemmas[k] {
			if l == e.lemmas[k] {
				ok = true
				break
			}
		}
		if !ok {
			return ""
		}
	}
	return RuleLemma
}

// maskedEqual reports whether w, with each * standing for one letter, spells word, at least half
// of word's letters shown.
func maskedEqual(w, word string) bool {
	if len(w) != len(word) {
		return false
	}
	stars := 0
	for i := 0; i < len(w); i++ {
		if w[i] == '*' {
			stars++
		} else if w[i] != word[i] {
			return false
		}
	}
	return 2*stars <= len(word)
}

// lemmasOf returns the dictionary's lemmas of w (w itself if it has none), plus the stems that
// the regular English inflections give (-s, -es, -ies, -ed, -ing, with a doubled final
// consonant undone), because the dictionary reads some forms only as nouns ("stabbing").
func (b *Blocklist) lemmasOf(w string) []string {
	ls := b.lem.Lemmas(w)
	if len(ls) == 0 {
		ls = []string{w}
	}
	return append(ls, inflectionStems(w)...)
}

func inflectionStems(w string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	undouble := func(s string) {
		if n := len(s); n >= 4 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouls", rune(s[n-1])) {
			add(s[:n-1])
		}
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		add(w[:len(w)-3] + "y")
	case strings.HasSuffix(w, "ing"):
		stem := w[:len(w)-3]
		add(stem)
		add(stem + "e")
		undouble(stem)
	case strings.HasSuffix(w, "ed"):
		stem := w[:len(w)-2]
		add(stem)
		add(stem + "e")
		undouble(stem)
	case strings.HasSuffix(w, "es"):
		add(w[:len(w)-2])
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		add(w[:len(w)-1])
	}
	return out
}

// hasNonWord reports whether some token is not an English word: not in the lemmatizer's
// dictionary, or containing a digit.
func (b *Blocklist) hasNonWord(toks []Token) bool {
	for _, t := range toks {
		if strings.ContainsAny(t.Text, "0123456789") || !b.lem.InDict(t.Text) {
			return true
		}
	}
	return false
}

func joinTexts(ts []Token) string {
	if len(ts) == 1 {
		return ts[0].Text
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.Text
	}
	return strings.Join(s, " ")
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
