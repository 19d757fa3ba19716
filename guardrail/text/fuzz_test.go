package text

import (
	"testing"
	"unicode/utf8"
)

// FuzzViews checks the normalizer on any input: no panic, every token non-empty, printable
// ASCII, and pointing at a span of the input.
func FuzzViews(f *testing.F) {
	for _, s := range []string{"", "k i l l", "k1ll!!", "$ex", "f*ck", "ｋｉｌｌ", "кill", "ki\u200bll", "\xff\xfe", "a|ien",
		"Ǆ ﬁ ⅷ", "日本語 text", "***", "1 2 3 4", "k.i.l.l", "llᴉʞ ɐ ʍoɥs", "ǝ p ᴉ ɔ", "ᴋɪʟʟ", "сидит kіll", "ꓗꓲꓡꓡ"} {
		f.Add(s)
	}
	b := defaultList(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range Views(s) {
			for _, tok := range v.Tokens {
				if tok.Text == "" || tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End {
					t.Fatalf("%q %s view: bad token %+v", s, v.Name, tok)
				}
				for i := 0; i < len(tok.Text); i++ {
					if c := tok.Text[i]; c < 0x21 || c > 0x7e {
						t.Fatalf("%q %s view: token %q is not printable ASCII", s, v.Name, tok.Text)
					}
				}
			}
		}
		for _, m := range b.Check(s) {
			if s[m.Start:m.End] != m.Span {
				t.Fatalf("%q: match %+v span mismatch", s, m)
			}
		}
		if f := Fold(s); !utf8.ValidString(f) {
			t.Fatalf("Fold(%q) not valid", s)
		}
	})
}

// FuzzParseBlocklist checks that any list file parses or fails with a ListError, never panics.
func FuzzParseBlocklist(f *testing.F) {
	f.Add([]byte("violence kill\n# c\n\nsexual sex scene\n"))
	f.Add([]byte("Bad kill"))
	f.Add([]byte("a\tb c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := ParseBlocklist(data, "fuzz.txt")
		if err == nil && len(es) == 0 {
			t.Fatal("no error and no entries")
		}
		_, _ = ParseWhitelist(data, "fuzz.txt")
	})
}
