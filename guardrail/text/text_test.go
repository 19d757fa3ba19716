package text

import (
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func defaultList(t testing.TB) *Blocklist {
	t.Helper()
	b, err := DefaultBlocklist()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRatioMatchesDifflib compares Ratio with Python difflib's SequenceMatcher.ratio on the
// pairs in testdata/ratio_golden.tsv (made by testdata/ratio_golden.py).
func TestRatioMatchesDifflib(t *testing.T) {
	data, err := os.ReadFile("testdata/ratio_golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("bad golden line %q", line)
		}
		want, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := Ratio(f[0], f[1]); math.Abs(got-want) > 1e-12 {
			t.Errorf("Ratio(%q, %q) = %v, difflib says %v", f[0], f[1], got, want)
		}
		n++
	}
	if n < 40 {
		t.Fatalf("only %d golden pairs", n)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Café NAÏVE", "cafe naive"},
		{"ｋｉｌｌ", "kill"},       // fullwidth
		{"кill", "kill"},       // Cyrillic k
		{"ki\u200bll", "kill"}, // zero-width space
		{"straße", "strasse"},
		{"日本", "  "},
	}
	for _, tc := range tests {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestViews(t *testing.T) {
	tests := []struct {
		in   string
		view string
		want string
	}{
		{"k1ll them", ViewLeet, "kill them"},
		{"$ex scene", ViewLeet, "sex scene"},
		{"wow! 2024", ViewFolded, "wow 2024"},
		{"k i l l", ViewJoined, "kill"},
		{"k.i.l.l it", ViewJoined, "kill it"},
		{"k 1 l l", ViewJoined, "kill"},
		{"kiiiiill", ViewFolded, "kiill"},
		{"xxx", ViewFolded, "xxx"},
		{"f*ck", ViewLeet, "f*ck"},
		{"a|ien", ViewLeetL, "alien"},
	}
	for _, tc := range tests {
		found := false
		for _, v := range Views(tc.in) {
			if v.Name != tc.view {
				continue
			}
			found = true
			var words []string
			for _, tok := range v.Tokens {
				words = append(words, tok.Text)
				if tok.Start < 0 || tok.End > len(tc.in) || tok.Start >= tok.End {
					t.Errorf("%q: token %+v has a bad span", tc.in, tok)
				}
			}
			if got := strings.Join(words, " "); got != tc.want {
				t.Errorf("%q %s view = %q, want %q", tc.in, tc.view, got, tc.want)
			}
		}
		if !found {
			t.Errorf("%q has no %s view", tc.in, tc.view)
		}
	}
	// A plain prompt has just the folded view.
	if vs := Views("a red ball rolls down a slope"); len(vs) != 1 {
		t.Errorf("plain prompt has %d views, want 1", len(vs))
	}
}

func TestCheck(t *testing.T) {
	b := defaultList(t)
	tests := []struct {
		prompt   string
		rule     string // "" = allowed
		category string
		span     string
	}{
		{"a man kills a dog", RuleLemma, "violence", "kills"},
		{"K I L L the guard", RuleExact, "violence", "K I L L"},
		{"how to k1ll a man", RuleExact, "violence", "k1ll"},
		{"kiiiill everyone", RuleFuzzy, "violence", "kiiiill"},
		{"murdder scene", RuleFuzzy, "violence", "murdder"},
		{"f*ck this", RuleMasked, "profanity", "f*ck"},
		{"a p i p e b o m b here", RuleSpelled, "weapons", "p i p e b o m b"},
		{"how to k 1 l l a guard", RuleSpelled, "violence", "k 1 l l"},
		{"a pipebomb", RuleExact, "weapons", "pipebomb"},
		{"stabbing him", RuleLemma, "violence", "stabbing"},
		{"killthem all", RuleGlued, "violence", "killthem"},
		{"a pornstar", RuleGlued, "sexual", "pornstar"},
		{"a skillset and a killjoy", "", "", ""},
		{"ｐｏｒｎ video", RuleExact, "sexual", "ｐｏｒｎ"},
		{"a self-harm clip", RuleExact, "self_harm", "self-harm"},
		{"a $ex scene", RuleExact, "sexual", "$ex scene"},
		{"skill building", "", "", ""},
		{"a therapist talks", "", "", ""},
		{"Scunthorpe United", "", "", ""},
		{"an assassin bug on a leaf", "", "", ""},
		{"the heroine runs", "", "", ""},
		{"kill the engine and coast", "", "", ""},
		{"a Gore-Tex jacket in rain", "", "", ""},
		{"f*** this", "", "", ""}, // too little shown to say which word
	}
	for _, tc := range tests {
		ms := b.Check(tc.prompt)
		if tc.rule == "" {
			if len(ms) > 0 {
				t.Errorf("%q blocked: %+v", tc.prompt, ms)
			}
			continue
		}
		if len(ms) == 0 {
			t.Errorf("%q allowed, want %s match", tc.prompt, tc.rule)
			continue
		}
		m := ms[0]
		if m.Rule != tc.rule || m.Category != tc.category || m.Span != tc.span || tc.prompt[m.Start:m.End] != m.Span {
			t.Errorf("%q: got %+v, want rule %s category %s span %q", tc.prompt, m, tc.rule, tc.category, tc.span)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ list, want string }{
		{"Violence kill\n", "line 1"},
		{"violence\n", "no phrase"},
		{"violence kill\nviolence KILL\n", "already listed on line 1"},
		{"# only a comment\n", "no phrases"},
		{"violence !!!\n", "no phrase"},
	}
	for _, tc := range tests {
		_, err := ParseBlocklist([]byte(tc.list), "my.txt")
		var le *ListError
		if err == nil || !errors.As(err, &le) || !errors.Is(err, ErrList) || !strings.Contains(err.Error(), "my.txt") ||
			!strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseBlocklist(%q) error %v, want a ListError naming my.txt and %q", tc.list, err, tc.want)
		}
	}
	if _, err := ParseWhitelist([]byte("ok\n!!\n"), "w.txt"); err == nil || !strings.Contains(err.Error(), "w.txt line 2") {
		t.Errorf("whitelist error %v", err)
	}
}

func TestOperatorLists(t *testing.T) {
	dir := t.TempDir()
	bl, wl := dir+"/block.txt", dir+"/white.txt"
	if err := os.WriteFile(bl, []byte("weather thunderstorm\nweather hail storm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wl, []byte("thunderstorm lily\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBlocklist(bl, wl)
	if err != nil {
		t.Fatal(err)
	}
	if n, w := b.Entries(); n != 2 || w != 1 {
		t.Fatalf("entries %d %d", n, w)
	}
	if ms := b.Check("Hail storms over a field"); len(ms) != 1 || ms[0].Entry != "hail storm" || ms[0].Rule != RuleLemma {
		t.Errorf("got %+v", ms)
	}
	if ms := b.Check("a thunderstorm lily in a pot"); len(ms) != 0 {
		t.Errorf("whitelist ignored: %+v", ms)
	}
	if ms := b.Check("kill"); len(ms) != 0 {
		t.Errorf("default list still used: %+v", ms)
	}
	if _, err := LoadBlocklist(dir+"/missing.txt", ""); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file error %v", err)
	}
}
