package spm

import (
	"errors"
	"math"
	"os"
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

func asFormatError(err error, target **FormatError) bool { return errors.As(err, target) }

// piece serializes one ModelProto.SentencePiece.
func piece(text string, score float32, typ PieceType) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, text)
	b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, math.Float32bits(score))
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(typ))
	return b
}

// tinyModel is a hand-built model with no character map: <unk>, two control pieces, letters.
func tinyModel() []byte {
	var m []byte
	add := func(p []byte) {
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, p)
	}
	add(piece("<pad>", 0, Control))
	add(piece("</s>", 0, Control))
	add(piece("<unk>", 0, Unknown))
	add(piece("▁", -1, Normal))
	add(piece("▁ab", -2, Normal))
	add(piece("a", -3, Normal))
	add(piece("b", -3, Normal))
	add(piece("<x>", 0, UserDefined))
	return m
}

// FuzzParse feeds arbitrary bytes to Parse: it must return a model or an error, never panic,
// and a model it returns must segment text into valid ids.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(builtinModel); err == nil {
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add(tinyModel())
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		for _, text := range []string{"a b ab", "  \t\u00e9\uff21<x>", "\xff\xfe"} {
			for _, id := range m.Encode(text) {
				if id < 0 || id >= m.VocabSize() {
					t.Fatalf("Encode(%q) gave id %d outside [0, %d)", text, id, m.VocabSize())
				}
			}
		}
	})
}

// FuzzEncode feeds arbitrary text to the built-in tokenizer: ids stay in range, the pieces
// cover the normalized text exactly, and encoding is deterministic.
func FuzzEncode(f *testing.F) {
	m, err := Load(builtinModel)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", " ", "A red ball", "ｆｕｌｌ  \t width", "\xff\x00\x80", "日本語", "<unk></s>", "▁▁"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		segs := m.Segments(text)
		joined := ""
		for _, s := range segs {
			if s.ID < 0 || s.ID >= m.VocabSize() {
				t.Fatalf("id %d out of range", s.ID)
			}
			joined += s.Text
		}
		if norm := m.Normalize(text); joined != norm {
			t.Fatalf("pieces %q do not cover the normalized text %q", joined, norm)
		}
		if !utf8.ValidString(joined) {
			t.Fatalf("normalized text %q is not valid UTF-8", joined)
		}
		if a, b := m.Encode(text), m.Encode(text); len(a) != len(b) {
			t.Fatal("Encode is not deterministic")
		}
	})
}

func TestTinyModel(t *testing.T) {
	m, err := Parse(tinyModel())
	if err != nil {
		t.Fatal(err)
	}
	// "▁ab" (-2) beats "▁"+"a"+"b" (-7); "c" is unknown; "<x>" is user-defined and kept whole.
	tests := []struct {
		text string
		want []int
	}{
		{"ab", []int{4}},
		{"ab  ab", []int{4, 4}},
		{"abc", []int{4, 2}},
		{"a<x>b", []int{3, 5, 7, 6}},
		{"cc ab", []int{3, 2, 4}},
	}
	for _, tc := range tests {
		if got := m.Encode(tc.text); !equalInts(got, tc.want) {
			t.Errorf("Encode(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	var dup []byte
	for _, p := range [][]byte{piece("<unk>", 0, Unknown), piece("a", -1, Normal), piece("a", -2, Normal)} {
		dup = protowire.AppendTag(dup, 1, protowire.BytesType)
		dup = protowire.AppendBytes(dup, p)
	}
	var noUnk []byte
	noUnk = protowire.AppendTag(noUnk, 1, protowire.BytesType)
	noUnk = protowire.AppendBytes(noUnk, piece("a", -1, Normal))
	bpe := append([]byte{}, tinyModel()...)
	spec := protowire.AppendVarint(protowire.AppendTag(nil, 3, protowire.VarintType), uint64(BPE))
	bpe = protowire.AppendBytes(protowire.AppendTag(bpe, 2, protowire.BytesType), spec)
	for name, data := range map[string][]byte{"duplicate": dup, "no unk": noUnk, "bpe": bpe, "garbage": {0xff, 0xff, 0xff}} {
		_, err := Parse(data)
		var fe *FormatError
		if err == nil || !errors.As(err, &fe) {
			t.Errorf("%s: Parse = %v, want a FormatError", name, err)
		}
		if name == "bpe" && !errors.Is(err, ErrUnsupported) {
			t.Errorf("bpe: %v does not wrap ErrUnsupported", err)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
