package spm

import (
	"strings"
	"unicode/utf8"
)

// unkPenalty is subtracted from the lowest piece score to score an unknown character
// (SentencePiece's unigram_model.cc, kUnkPenalty).
const unkPenalty = 10.0

// Normalize returns text as the model's normalizer rewrites it before segmentation (spaces
// shown as U+2581 when the model escapes them).
func (m *Model) Normalize(text string) string { return m.norm.normalize(text) }

// Segment is one piece of a segmentation: its id and the normalized text it covers.
type Segment struct {
	ID   int
	Text string
}

// Segments splits text into the pieces of its most likely segmentation under the unigram
// language model (Kudo 2018, "Subword Regularization", arXiv:1804.10959): the Viterbi path over
// every piece of the vocabulary that matches the normalized text, scoring a path by the sum of
// its pieces' log-probabilities, as SentencePiece's optimized unigram encoder does: float32
// scores, user-defined pieces scored len·max_score - 0.1, unused pieces skipped, and a
// character no piece covers taken as <unk> scored min_score - 10. A run of unknown characters
// becomes one <unk>, as SentencePieceProcessor merges them; with byte fallback, each unknown
// character is emitted as the byte pieces of its UTF-8 encoding instead.
func (m *Model) Segments(text string) []Segment {
	s := m.norm.normalize(text)
	if s == "" {
		return nil
	}
	type best struct {
		id    int
		score float32
		start int // -1: not reached yet
	}
	nodes := make([]best, len(s)+1)
	for i := range nodes {
		nodes[i].start = -1
	}
	nodes[0].start = 0
	unkScore := m.minScore - unkPenalty
	for start := 0; start < len(s); {
		base := nodes[start].score
		_, charLen := utf8.DecodeRuneInString(s[start:])
		single := false
		for end := start + 1; end <= len(s) && end-start <= m.maxLen; end++ {
			id, ok := m.vocab[s[start:end]]
			if !ok {
				continue
			}
			p := m.Pieces[id]
			if p.Type == Unused {
				continue
			}
			score := p.Score
			if p.Type == UserDefined {
				score = float32(end-start)*m.maxScore - 0.1
			}
			cand := score + base
			if t := &nodes[end]; t.start < 0 || cand > t.score {
				t.score, t.start, t.id = cand, start, id
			}
			if end-start == charLen {
				single = true
			}
		}
		if !single {
			cand := unkScore + base
			if t := &nodes[start+charLen]; t.start < 0 || cand > t.score {
				t.score, t.start, t.id = cand, start, m.unkID
			}
		}
		start += charLen
	}
	var out []Segment
	for end := len(s); end > 0; end = nodes[end].start {
		out = append(out, Segment{ID: nodes[end].id, Text: s[nodes[end].start:end]})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if !m.ByteFallback {
		// SentencePieceProcessor merges a run of unknown pieces into one, so that a decoder can
		// copy the unknown span whole.
		merged := out[:0]
		for _, seg := range out {
			if n := len(merged); n > 0 && seg.ID == m.unkID && merged[n-1].ID == m.unkID {
				merged[n-1].Text += seg.Text
				continue
			}
			merged = append(merged, seg)
		}
		return merged
	}
	expanded := make([]Segment, 0, len(out))
	for _, seg := range out {
		if seg.ID != m.unkID {
			expanded = append(expanded, seg)
			continue
		}
		for i := 0; i < len(seg.Text); i++ {
			expanded = append(expanded, Segment{ID: m.byteIDs[seg.Text[i]], Text: seg.Text[i : i+1]})
		}
	}
	return expanded
}

// Encode returns the piece ids of text (see [Model.Segments]), without any special piece.
func (m *Model) Encode(text string) []int {
	segs := m.Segments(text)
	ids := make([]int, len(segs))
	for i, s := range segs {
		ids[i] = s.ID
	}
	return ids
}

// Decode joins the pieces of ids back into text: control pieces are dropped, U+2581 becomes a
// space and the dummy-prefix space is removed. Normalization is not undone.
func (m *Model) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id < 0 || id >= len(m.Pieces) {
			continue
		}
		switch p := m.Pieces[id]; p.Type {
		case Control:
		case Unknown:
			b.WriteString(" \u2047 ")
		default:
			b.WriteString(p.Text)
		}
	}
	out := strings.ReplaceAll(b.String(), spaceSymbol, " ")
	if m.AddDummyPrefix && !m.TreatWhitespaceAsSuffix {
		out = strings.TrimPrefix(out, " ")
	}
	return out
}
