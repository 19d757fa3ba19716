package chatapi

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseReply checks that any body is either a reply with text in it or a FormatError,
// never a panic.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{
		completion("A red ball falls."), completion(""), `{"choices":[]}`, `{"error":{"message":"e"}}`,
		`{"choices":[{"message":{"content":[{"type":"text","text":"a"}]}}]}`, `{"choices":[{"message":null}]}`,
		`{"choices":[{"message":{"content":[{"type":"image_url","image_url":{"url":"x"}}]}}]}`, `null`, `[]`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseReply(body)
		if err != nil {
			var fe FormatError
			if !errors.As(err, &fe) || err.Error() == "" {
				t.Fatalf("error %v is not a FormatError saying what is wrong", err)
			}
			return
		}
		if strings.TrimSpace(r.Content) == "" || !utf8.ValidString(r.Content) {
			t.Fatalf("accepted %q from %q", r.Content, body)
		}
	})
}
