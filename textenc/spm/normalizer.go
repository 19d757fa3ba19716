package spm

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// spaceSymbol is U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible stand-in for a space.
const spaceSymbol = "\u2581"

// normalizer is SentencePiece's Normalizer: a longest-match rewrite by the precompiled
// character map (for T5's nmt_nfkc: NFKC plus the NMT whitespace and control-character rules),
// user-defined pieces kept whole, then the whitespace rules of the NormalizerSpec.
type normalizer struct {
	units  []uint32 // darts-clone double array of the rewrite rules' sources
	pool   []byte   // the rewrites, each NUL-terminated, indexed by the trie's values
	user   map[string]bool
	userN  int // longest user-defined piece, in bytes
	prefix bool
	strip  bool
	escape bool
	suffix bool
}

func newNormalizer(m *Model, charsmap []byte, userDefined []string) (normalizer, error) {
	n := normalizer{prefix: m.AddDummyPrefix, strip: m.RemoveExtraWhitespaces, escape: m.EscapeWhitespaces,
		suffix: m.TreatWhitespaceAsSuffix}
	if len(userDefined) > 0 {
		n.user = map[string]bool{}
		for _, u := range userDefined {
			n.user[u] = true
			n.userN = max(n.userN, len(u))
		}
	}
	if len(charsmap) == 0 {
		return n, nil
	}
	// The blob: a little-endian uint32 trie size, the trie (uint32 units), then the rewrites.
	if len(charsmap) <= 4 {
		return n, &FormatError{Reason: fmt.Sprintf("precompiled_charsmap of %d bytes is truncated", len(charsmap))}
	}
	size := binary.LittleEndian.Uint32(charsmap)
	if uint64(size) >= uint64(len(charsmap)-4) || size%4 != 0 || size == 0 {
		return n, &FormatError{Reason: fmt.Sprintf("precompiled_charsmap trie size %d does not fit its %d bytes", size, len(charsmap))}
	}
	n.units = make([]uint32, size/4)
	for i := range n.units {
		n.units[i] = binary.LittleEndian.Uint32(charsmap[4+4*i:])
	}
	n.pool = charsmap[4+size:]
	return n, nil
}

// Darts-clone unit fields (darts.h, DoubleArrayUnit).
func unitHasLeaf(u uint32) bool  { return (u>>8)&1 == 1 }
func unitValue(u uint32) uint32  { return u & (1<<31 - 1) }
func unitLabel(u uint32) uint32  { return u & (1<<31 | 0xFF) }
func unitOffset(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }

// longestRule returns the rewrite of the longest rule source that prefixes s and its length in
// bytes, or ok false. Indices out of the arrays, possible only in a damaged file, end the search.
func (n *normalizer) longestRule(s string) (rewrite string, length int, ok bool) {
	if len(n.units) == 0 {
		return "", 0, false
	}
	pos := unitOffset(n.units[0])
	for i := 0; i < len(s); i++ {
		c := uint32(s[i])
		pos ^= c
		if int(pos) >= len(n.units) {
			break
		}
		u := n.units[pos]
		if unitLabel(u) != c {
			break
		}
		pos ^= unitOffset(u)
		if unitHasLeaf(u) {
			if int(pos) >= len(n.units) {
				break
			}
			v := int(unitValue(n.units[pos]))
			if v >= len(n.pool) {
				break
			}
			end := v
			for end < len(n.pool) && n.pool[end] != 0 {
				end++
			}
			rewrite, length, ok = string(n.pool[v:end]), i+1, true
		}
	}
	return rewrite, length, ok
}

// normalizePrefix rewrites the start of s: a user-defined piece as is, else the longest
// character-map rule, else one UTF-8 character as is (one invalid byte becomes U+FFFD). It
// returns the rewrite and the number of bytes of s consumed.
func (n *normalizer) normalizePrefix(s string) (string, int) {
	for l := min(n.userN, len(s)); l > 0 && n.user != nil; l-- {
		if n.user[s[:l]] {
			return s[:l], l
		}
	}
	if r, l, ok := n.longestRule(s); ok {
		return r, l
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return "\uFFFD", 1
	}
	return s[:size], size
}

// normalize applies the normalizer to s, as SentencePiece's Normalizer::Normalize: drop leading
// whitespace, add the dummy-prefix space, collapse whitespace runs, escape spaces as U+2581, and
// drop trailing whitespace (each step as the NormalizerSpec says).
func (n *normalizer) normalize(s string) string {
	if n.strip {
		for s != "" {
			r, l := n.normalizePrefix(s)
			if r != " " {
				break
			}
			s = s[l:]
		}
	}
	if s == "" {
		return ""
	}
	space := " "
	if n.escape {
		space = spaceSymbol
	}
	var b strings.Builder
	if n.prefix && !n.suffix {
		b.WriteString(space)
	}
	prevSpace := n.strip
	for s != "" {
		r, l := n.normalizePrefix(s)
		s = s[l:]
		if prevSpace {
			r = strings.TrimLeft(r, " ")
		}
		if r != "" {
			if n.escape {
				b.WriteString(strings.ReplaceAll(r, " ", spaceSymbol))
			} else {
				b.WriteString(r)
			}
			prevSpace = strings.HasSuffix(r, " ")
		}
		if !n.strip {
			prevSpace = false
		}
	}
	out := b.String()
	if n.strip {
		for strings.HasSuffix(out, space) {
			out = out[:len(out)-len(space)]
		}
	}
	if n.prefix && n.suffix {
		out += space
	}
	return out
}
