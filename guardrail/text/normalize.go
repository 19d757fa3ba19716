package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Token is one word of a view: its normalized text and the byte span [Start, End) of the
// original prompt it was read from.
type Token struct {
	Text       string
	Start, End int
	// Spelled marks a token of the joined view made of letters written one by one.
	Spelled bool
	// letters are the one-letter tokens a spelled token was joined from, one per character.
	letters []Token
}

// View is one normalized reading of a prompt (see the package documentation).
type View struct {
	Name   string
	Tokens []Token
}

// View names.
const (
	ViewFolded   = "folded"
	ViewLeet     = "leet"
	ViewLeetL    = "leet-l"
	ViewJoined   = "joined"
	ViewCompound = "compound"
)

// confusables maps letters of other scripts that look like Latin letters, and Latin letters that
// NFKD does not decompose, to ASCII. The look-alikes are the common ones from Unicode's
// confusables list (Cyrillic and Greek letters shaped like Latin ones).
var confusables = map[rune]string{
	// Cyrillic
	'а': "a", 'в': "b", 'е': "e", 'ё': "e", 'к': "k", 'м': "m", 'н': "h", 'о': "o", 'р': "p",
	'с': "c", 'т': "t", 'у': "y", 'х': "x", 'ѕ': "s", 'і': "i", 'ї': "i", 'ј': "j", 'ԁ': "d",
	'ɡ': "g", 'ո': "n", 'ս': "u",
	// Greek
	'α': "a", 'β': "b", 'ε': "e", 'η': "n", 'ι': "i", 'κ': "k", 'ν': "v", 'ο': "o", 'ρ': "p",
	'τ': "t", 'υ': "u", 'χ': "x", 'ω': "w",
	// Latin letters without a decomposition
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
	'ħ': "h", 'ŋ': "n",
}

// invisible runes are dropped without splitting the word: zero-width spaces and joiners, the
// word joiner, the byte-order mark and the soft hyphen, all used to break up a word unseen.
func invisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// leet maps the digits and symbols read as letters inside words.
var leet = map[byte]byte{
	'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
	'@': 'a', '$': 's', '!': 'i', '|': 'i', '+': 't',
}

func isLeetSymbol(c byte) bool {
	switch c {
	case '@', '$', '!', '|', '+', '*':
		return true
	}
	return false
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// FoldRune returns the lower-case ASCII reading of r: "" for characters with none (which
// separate words), and for invisible characters too (which do not; see Fold).
func FoldRune(r rune) string {
	if r < utf8.RuneSelf {
		return strings.ToLower(string(r))
	}
	if invisible(r) {
		return ""
	}
	r = unicode.ToLower(r)
	if s, ok := confusables[r]; ok {
		return s
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		d = unicode.ToLower(d)
		if s, ok := confusables[d]; ok {
			b.WriteString(s)
		} else if d < utf8.RuneSelf {
			b.WriteRune(d)
		}
	}
	return b.String()
}

// Fold returns s as lower-case ASCII: every character folded by FoldRune, invisible characters
// removed, and characters without an ASCII reading replaced by a space.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		f := FoldRune(r)
		if f == "" && !invisible(r) {
			f = " "
		}
		b.WriteString(f)
	}
	return b.String()
}

// foldedChar is one ASCII character of the folded prompt with the original byte span it came
// from.
type foldedChar struct {
	c          byte
	start, end int
}

// chunks splits the folded prompt into runs of letters, digits and leet symbols.
func chunks(s string) [][]foldedChar {
	var out [][]foldedChar
	var cur []foldedChar
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		if r == utf8.RuneError {
			end = i + 1
		}
		if invisible(r) {
			continue
		}
		f := FoldRune(r)
		if f == "" {
			flush()
			continue
		}
		for j := 0; j < len(f); j++ {
			c := f[j]
			if isAlnum(c) || isLeetSymbol(c) {
				cur = append(cur, foldedChar{c, i, end})
			} else {
				flush()
			}
		}
	}
	flush()
	return out
}

// Views returns the normalized readings of prompt: always the folded view, then the leet,
// leet-l and joined views where they differ from it.
func Views(prompt string) []View {
	cs := chunks(prompt)
	folded := View{Name: ViewFolded}
	for _, ch := range cs {
		folded.Tokens = append(folded.Tokens, splitAlnum(ch)...)
	}
	views := []View{folded}
	for _, v := range []struct {
		name string
		one  byte
	}{{ViewLeet, 'i'}, {ViewLeetL, 'l'}} {
		lv := View{Name: v.name}
		for _, ch := range cs {
			lv.Tokens = append(lv.Tokens, leetToken(ch, v.one)...)
		}
		if !sameTokens(lv.Tokens, folded.Tokens) && !(v.name == ViewLeetL && sameTokens(lv.Tokens, views[len(views)-1].Tokens)) {
			views = append(views, lv)
		}
	}
	if c, ok := joinCompounds(prompt, folded.Tokens); ok {
		views = append(views, View{Name: ViewCompound, Tokens: c})
	}
	for _, v := range views {
		if j, ok := joinSingles(v.Tokens); ok {
			views = append(views, View{Name: ViewJoined, Tokens: j})
			break
		}
	}
	return views
}

// splitAlnum cuts a chunk at its symbols into letter-and-digit tokens.
func splitAlnum(ch []foldedChar) []Token {
	var out []Token
	var cur []foldedChar
	for _, fc := range ch {
		if isAlnum(fc.c) {
			cur = append(cur, fc)
			continue
		}
		if len(cur) > 0 {
			out = append(out, makeToken(cur))
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, makeToken(cur))
	}
	return out
}

// leetToken reads a chunk with digits and symbols as letters, when the chunk has at least one
// letter (a plain number stays a number). Symbols at the end of a chunk are punctuation
// ("wow!"), and so are symbols at its start other than $ and @ ("$ex", "@ss").
func leetToken(ch []foldedChar, one byte) []Token {
	hasLetter := false
	for _, fc := range ch {
		if fc.c >= 'a' && fc.c <= 'z' {
			hasLetter = true
			break
		}
	}
	if !hasLetter {
		return splitAlnum(ch)
	}
	for len(ch) > 0 && isLeetSymbol(ch[len(ch)-1].c) {
		ch = ch[:len(ch)-1]
	}
	for len(ch) > 0 && isLeetSymbol(ch[0].c) && ch[0].c != '$' && ch[0].c != '@' {
		ch = ch[1:]
	}
	if len(ch) == 0 {
		return nil
	}
	mapped := make([]foldedChar, len(ch))
	for i, fc := range ch {
		if m, ok := leet[fc.c]; ok {
			if fc.c == '1' || fc.c == '|' {
				m = one
			}
			fc.c = m
		}
		mapped[i] = fc
	}
	return []Token{makeToken(mapped)}
}

// makeToken builds a token from folded characters, cutting runs of three or more equal
// characters to two, unless the token is nothing but that run ("xxx", "kkk").
func makeToken(cs []foldedChar) Token {
	b := make([]byte, 0, len(cs))
	allSame := true
	for _, fc := range cs {
		allSame = allSame && fc.c == cs[0].c
	}
	for i, fc := range cs {
		if !allSame && i >= 2 && fc.c == cs[i-1].c && fc.c == cs[i-2].c {
			continue
		}
		b = append(b, fc.c)
	}
	return Token{Text: string(b), Start: cs[0].start, End: cs[len(cs)-1].end}
}

// joinCompounds joins words written with one hyphen, dot, underscore or apostrophe between
// them ("sui-cide", "co.caine"); ok reports whether there were any.
func joinCompounds(prompt string, ts []Token) (out []Token, ok bool) {
	for _, t := range ts {
		if n := len(out); n > 0 && t.Start == out[n-1].End+1 && strings.IndexByte("-._'", prompt[out[n-1].End]) >= 0 {
			out[n-1].Text += t.Text
			out[n-1].End = t.End
			ok = true
			continue
		}
		out = append(out, t)
	}
	return out, ok
}

// joinSingles joins runs of three or more one-letter tokens into one token; ok reports whether
// there was such a run.
func joinSingles(ts []Token) (out []Token, ok bool) {
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && len(ts[j].Text) == 1 {
			j++
		}
		if j-i >= 3 {
			var b strings.Builder
			for _, t := range ts[i:j] {
				b.WriteString(t.Text)
			}
			out = append(out, Token{Text: leetSpelled(b.String()), Start: ts[i].Start, End: ts[j-1].End, Spelled: true,
				letters: append([]Token(nil), ts[i:j]...)})
			ok = true
			i = j
			continue
		}
		if j == i {
			j = i + 1
		}
		out = append(out, ts[i:j]...)
		i = j
	}
	return out, ok
}

// leetSpelled reads the digits of a spelled-out word as letters ("k 1 l l"), when it has a
// letter at all.
func leetSpelled(w string) string {
	if strings.IndexFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' }) < 0 {
		return w
	}
	b := []byte(w)
	for i, c := range b {
		if m, ok := leet[c]; ok {
			b[i] = m
		}
	}
	return string(b)
}

func sameTokens(a, b []Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Text != b[i].Text || a[i].Start != b[i].Start || a[i].End != b[i].End {
			return false
		}
	}
	return true
}
