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
	ViewTurned   = "turned"
)

// confusables maps letters of other scripts that look like Latin letters, and Latin letters that
// NFKD does not decompose, to ASCII: the common Cyrillic and Greek look-alikes, including lower
// case letters whose capitals are the Latin look-alikes ("н", "т"), checked before the generated
// confusableTable (Unicode's confusables skeleton restricted to ASCII targets, small capitals
// and turned letters; see gen_confusables.go).
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
	if s, ok := lookAlike(r); ok {
		return s
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if d < utf8.RuneSelf {
			b.WriteRune(unicode.ToLower(d))
		} else if s, ok := lookAlike(d); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// lookAlike returns the ASCII reading of a letter NFKD does not fold: a capital's own entry in
// confusableTable (Greek "Η" is h, though "η" is n), else the lower case's in confusables, then
// in confusableTable.
func lookAlike(r rune) (string, bool) {
	if l := unicode.ToLower(r); l != r {
		if s, ok := confusableTable[r]; ok {
			return s, true
		}
		r = l
	}
	if s, ok := confusables[r]; ok {
		return s, true
	}
	s, ok := confusableTable[r]
	return s, ok
}

// flipped reads an ASCII letter of upside-down text (b q d p n u turned half round).
var flipped = map[byte]byte{'b': 'q', 'q': 'b', 'd': 'p', 'p': 'd', 'n': 'u', 'u': 'n'}

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
	turned     bool // read from a turned letter ("ɐ", "ʇ"): the chunk may be upside down
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
	native := nativeWords(s)
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		if r == utf8.RuneError {
			end = i + 1
		}
		if invisible(r) {
			continue
		}
		f := FoldRune(r)
		if f == "" || native[i] {
			flush()
			continue
		}
		turned := turnedLetters[r] || turnedLetters[unicode.ToLower(r)]
		for j := 0; j < len(f); j++ {
			c := f[j]
			if isAlnum(c) || isLeetSymbol(c) {
				cur = append(cur, foldedChar{c, i, end, turned})
			} else {
				flush()
			}
		}
	}
	flush()
	return out
}

// nativeWords marks the bytes of words written in another script: runs of letters, marks and
// digits with no Latin letter and at least one letter without an ASCII reading ("сидит", "σπίτι",
// "שלום"). Their look-alike letters are not read as Latin (that would cut benign text into
// Latin fragments); a word mixing Latin letters with look-alikes ("kіll") is read.
func nativeWords(s string) map[int]bool {
	var out map[int]bool
	start, latin, foreign := -1, false, false
	flush := func(end int) {
		if start >= 0 && foreign && !latin {
			if out == nil {
				out = map[int]bool{}
			}
			for i := start; i < end; i++ {
				out[i] = true
			}
		}
		start, latin, foreign = -1, false, false
	}
	for i, r := range s {
		if invisible(r) {
			continue
		}
		if !unicode.In(r, unicode.L, unicode.M, unicode.Nd) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
		switch {
		case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
			latin = true
		case unicode.IsLetter(r) && FoldRune(r) == "":
			foreign = true
		}
	}
	flush(len(s))
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
	if t, ok := upsideDown(cs); ok {
		views = append(views, View{Name: ViewTurned, Tokens: t})
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

// upsideDown reads text written upside down ("ʇɹɐʇs" for "start"): the chunks in reverse order,
// each chunk with a turned letter read backwards with b/q, d/p and n/u swapped; ok reports
// whether any chunk had a turned letter. Token spans still point into the prompt, so a token's
// Start may follow the End of the token after it.
func upsideDown(cs [][]foldedChar) (out []Token, ok bool) {
	for k := len(cs) - 1; k >= 0; k-- {
		ch := cs[k]
		turned := false
		for _, fc := range ch {
			turned = turned || fc.turned
		}
		if !turned {
			out = append(out, splitAlnum(ch)...)
			continue
		}
		ok = true
		rev := make([]foldedChar, len(ch))
		for i, fc := range ch {
			if f, isFlip := flipped[fc.c]; isFlip && !fc.turned {
				fc.c = f
			}
			rev[len(ch)-1-i] = fc
		}
		out = append(out, splitAlnum(rev)...)
	}
	return out, ok
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
	first, last := cs[0], cs[len(cs)-1]
	if first.start > last.start { // read backwards (upsideDown)
		first, last = last, first
	}
	return Token{Text: string(b), Start: first.start, End: last.end}
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
