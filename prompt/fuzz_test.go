package prompt

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzParseChatCompletion(f *testing.F) {
	for _, s := range []string{
		completion("A red ball falls."), completion(""), completion("<think>x</think>y"), `{"choices":[]}`,
		`{"choices":[{"message":{"content":[{"type":"text","text":"a"}]}}]}`, `{"error":{"message":"e"}}`,
		`{"choices":[{"message":{"content":"''"}}]}`, `{"choices":[{"message":null}]}`, `null`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := ParseChatCompletion(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if out == "" || len(out) > MaxPromptBytes || !utf8.ValidString(out) ||
			strings.IndexFunc(out, unicode.IsControl) >= 0 || strings.TrimSpace(out) != out {
			t.Fatalf("accepted %q", out)
		}
	})
}

func FuzzFromFlag(f *testing.F) {
	for _, s := range []string{"builtin", "openai:http://h:1/v1?model=m", "openai:http://h/v1?model=m&timeout=1s&fallback=1",
		"openai:%zz", "openai:http://[::1]:80/v1?model=x&attempts=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		u, err := FromFlag(spec)
		if err == nil && u == nil {
			t.Fatal("nil upsampler without error")
		}
	})
}

// FuzzExpand checks the built-in upsampler's promises on any input: no panic, the same answer
// twice, and no content word lost: every word of the prompt is in the output, or is a function
// word, a scenario cue, a number or unit, or a side.
func FuzzExpand(f *testing.F) {
	for _, ps := range shortPrompts {
		for _, p := range ps {
			f.Add(p)
		}
	}
	for _, p := range []string{"5 red dominoes fall on the moon", "a 2m drop", "30° ramp", "a ball, thrown 3 m/s left",
		"zzz", "1e400 balls", "-", "the the the", "ÀÉÎ balls fall", "a sphere drops onto the ground", "12.5.6 dominoes", "a seesaw tips right, then left"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		e, err := Builtin().Expand(p)
		if err != nil {
			return
		}
		again, _ := Builtin().Expand(p)
		if again.Output != e.Output {
			t.Fatalf("%q: %q then %q", p, e.Output, again.Output)
		}
		if e.Output == "" || !utf8.ValidString(e.Output) {
			t.Fatalf("%q: output %q", p, e.Output)
		}
		have := expressed(e.Output)
		for _, tok := range tokenize(p) {
			w := tok.word
			if have[stem(w)] || stopwords[w] || len(cues[w]) > 0 || w == "left" || w == "right" ||
				lengthUnits[w] != 0 || angleUnits[w] || speedUnits[w] || isNumberish(w) {
				continue
			}
			if !phraseCue(p, w) {
				t.Fatalf("%q: word %q lost in %q", p, w, e.Output)
			}
		}
	})
}

func isNumberish(w string) bool {
	_, _, ok := numberAt([]token{{word: w}}, 0)
	return ok
}

// phraseCue reports whether w is part of a multi-word cue in p.
func phraseCue(p, w string) bool {
	for phrase := range cues {
		if strings.Contains(phrase, " ") && strings.Contains(" "+phrase+" ", " "+w+" ") &&
			strings.Contains(strings.ToLower(p), phrase) {
			return true
		}
	}
	return false
}
