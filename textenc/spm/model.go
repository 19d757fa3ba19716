package spm

import (
	"errors"
	"fmt"
	"math"
	"os"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// PieceType is the kind of a vocabulary entry (ModelProto.SentencePiece.Type).
type PieceType int32

// Piece types, with the numbers of sentencepiece_model.proto.
const (
	Normal      PieceType = 1 // an ordinary piece the segmenter may pick
	Unknown     PieceType = 2 // <unk>
	Control     PieceType = 3 // </s>, <pad>, <s>: never produced from text
	UserDefined PieceType = 4 // always kept whole
	Unused      PieceType = 5 // present in the vocabulary, never produced
	Byte        PieceType = 6 // <0xXX>, for byte fallback
)

// ModelType is the segmentation algorithm of a model (TrainerSpec.model_type).
type ModelType int32

// Model types, with the numbers of sentencepiece_model.proto. Only Unigram is implemented.
const (
	Unigram ModelType = 1
	BPE     ModelType = 2
	Word    ModelType = 3
	Char    ModelType = 4
)

// Piece is one vocabulary entry; its id is its index in Model.Pieces.
type Piece struct {
	Text  string
	Score float32
	Type  PieceType
}

// Limits on what Parse accepts, so that a hostile file cannot make it allocate without bound.
const (
	MaxPieces    = 1 << 21 // vocabulary entries
	MaxPieceLen  = 1 << 10 // bytes in one piece
	MaxModelSize = 1 << 28 // bytes in a model file
)

// FormatError reports a model file that is not a valid SentencePiece unigram model.
type FormatError struct {
	Path   string // the file, "" when parsing bytes
	Reason string
	Err    error // ErrUnsupported for a valid model this package does not implement, else nil
}

func (e *FormatError) Unwrap() error { return e.Err }

func (e *FormatError) Error() string {
	if e.Path == "" {
		return "spm: " + e.Reason
	}
	return fmt.Sprintf("spm: %s: %s", e.Path, e.Reason)
}

// ErrUnsupported is wrapped by the FormatError of a model whose type or options this package
// does not implement (BPE, word and char models).
var ErrUnsupported = errors.New("unsupported model")

// Model is a parsed SentencePiece unigram model: its vocabulary, its normalizer and the ids of
// its special pieces. It is immutable and safe for concurrent use.
type Model struct {
	Pieces []Piece

	// From TrainerSpec.
	Type                    ModelType
	ByteFallback            bool
	TreatWhitespaceAsSuffix bool

	// From NormalizerSpec.
	NormalizerName         string
	AddDummyPrefix         bool
	RemoveExtraWhitespaces bool
	EscapeWhitespaces      bool

	unkID, eosID, padID, bosID int // -1 when the model has none

	vocab    map[string]int // Normal, UserDefined and Unused pieces: the segmenter's dictionary
	byteIDs  [256]int       // id of <0xXX>, -1 when missing
	maxLen   int            // longest piece of vocab, in bytes
	minScore float32        // lowest and highest score of Normal pieces
	maxScore float32
	norm     normalizer
}

// Load reads and parses the SentencePiece model file (spiece.model, tokenizer.model) at path.
func Load(path string) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("spm: load %s: %w", path, err)
	}
	if st.Size() > MaxModelSize {
		return nil, &FormatError{Path: path, Reason: fmt.Sprintf("file of %d bytes exceeds the %d-byte limit", st.Size(), MaxModelSize)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("spm: load %s: %w", path, err)
	}
	m, err := Parse(data)
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Path = path
		}
		return nil, err
	}
	return m, nil
}

// Parse decodes a serialized ModelProto (sentencepiece_model.proto) and checks it the way
// SentencePiece's ModelInterface does: pieces non-empty and unique, exactly one unknown piece,
// byte pieces only with byte fallback. Fields this package does not use are skipped.
func Parse(data []byte) (*Model, error) {
	if len(data) > MaxModelSize {
		return nil, &FormatError{Reason: fmt.Sprintf("%d bytes exceeds the %d-byte limit", len(data), MaxModelSize)}
	}
	m := &Model{
		Type: Unigram, AddDummyPrefix: true, RemoveExtraWhitespaces: true, EscapeWhitespaces: true,
		unkID: -1, eosID: -1, padID: -1, bosID: -1,
	}
	var charsmap []byte
	err := walk(data, "ModelProto", func(num protowire.Number, typ protowire.Type, v []byte, u uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			if len(m.Pieces) >= MaxPieces {
				return fmt.Errorf("more than %d pieces", MaxPieces)
			}
			p, err := parsePiece(v)
			if err != nil {
				return fmt.Errorf("piece %d: %w", len(m.Pieces), err)
			}
			m.Pieces = append(m.Pieces, p)
		case num == 2 && typ == protowire.BytesType:
			return walk(v, "TrainerSpec", func(num protowire.Number, typ protowire.Type, _ []byte, u uint64) error {
				if typ != protowire.VarintType {
					return nil
				}
				switch num {
				case 3:
					m.Type = ModelType(int32(u))
				case 24:
					m.TreatWhitespaceAsSuffix = u != 0
				case 35:
					m.ByteFallback = u != 0
				}
				return nil
			})
		case num == 3 && typ == protowire.BytesType:
			return walk(v, "NormalizerSpec", func(num protowire.Number, typ protowire.Type, v []byte, u uint64) error {
				switch {
				case num == 1 && typ == protowire.BytesType:
					m.NormalizerName = string(v)
				case num == 2 && typ == protowire.BytesType:
					charsmap = v
				case num == 3 && typ == protowire.VarintType:
					m.AddDummyPrefix = u != 0
				case num == 4 && typ == protowire.VarintType:
					m.RemoveExtraWhitespaces = u != 0
				case num == 5 && typ == protowire.VarintType:
					m.EscapeWhitespaces = u != 0
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, &FormatError{Reason: err.Error()}
	}
	if err := m.init(charsmap); err != nil {
		return nil, err
	}
	return m, nil
}

// walk calls fn for every field of the protobuf message data, with the payload of
// length-delimited fields in v and the value of varint and fixed fields in u.
func walk(data []byte, message string, fn func(num protowire.Number, typ protowire.Type, v []byte, u uint64) error) error {
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return fmt.Errorf("%s: bad field tag: %w", message, protowire.ParseError(n))
		}
		data = data[n:]
		var v []byte
		var u uint64
		switch typ {
		case protowire.VarintType:
			u, n = protowire.ConsumeVarint(data)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(data)
			u = uint64(x)
		case protowire.Fixed64Type:
			u, n = protowire.ConsumeFixed64(data)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(data)
		default:
			n = protowire.ConsumeFieldValue(num, typ, data)
		}
		if n < 0 {
			return fmt.Errorf("%s: field %d: %w", message, num, protowire.ParseError(n))
		}
		data = data[n:]
		if err := fn(num, typ, v, u); err != nil {
			return err
		}
	}
	return nil
}

// parsePiece decodes one ModelProto.SentencePiece.
func parsePiece(data []byte) (Piece, error) {
	p := Piece{Type: Normal}
	err := walk(data, "SentencePiece", func(num protowire.Number, typ protowire.Type, v []byte, u uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			p.Text = string(v)
		case num == 2 && typ == protowire.Fixed32Type:
			p.Score = math.Float32frombits(uint32(u))
		case num == 3 && typ == protowire.VarintType:
			p.Type = PieceType(int32(u))
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	switch {
	case p.Text == "":
		return p, errors.New("empty piece")
	case len(p.Text) > MaxPieceLen:
		return p, fmt.Errorf("piece of %d bytes exceeds the %d-byte limit", len(p.Text), MaxPieceLen)
	case !utf8.ValidString(p.Text):
		return p, fmt.Errorf("piece %q is not valid UTF-8", p.Text)
	case p.Type < Normal || p.Type > Byte:
		return p, fmt.Errorf("piece %q has unknown type %d", p.Text, p.Type)
	case math.IsNaN(float64(p.Score)) || math.IsInf(float64(p.Score), 0):
		return p, fmt.Errorf("piece %q has score %v", p.Text, p.Score)
	}
	return p, nil
}

// init builds the lookup tables and checks the vocabulary.
func (m *Model) init(charsmap []byte) error {
	bad := func(format string, args ...any) error {
		return &FormatError{Reason: fmt.Sprintf(format, args...)}
	}
	if m.Type != Unigram {
		return &FormatError{Reason: fmt.Sprintf("model type %d: %v (only unigram models, type 1, are implemented)", m.Type, ErrUnsupported), Err: ErrUnsupported}
	}
	if len(m.Pieces) == 0 {
		return bad("no pieces")
	}
	m.vocab = make(map[string]int, len(m.Pieces))
	reserved := map[string]bool{}
	for i := range m.byteIDs {
		m.byteIDs[i] = -1
	}
	m.minScore, m.maxScore = math.MaxFloat32, -math.MaxFloat32
	normals := 0
	var userDefined []string
	for id, p := range m.Pieces {
		switch p.Type {
		case Normal, UserDefined, Unused:
			if _, dup := m.vocab[p.Text]; dup {
				return bad("piece %q is defined twice", p.Text)
			}
			m.vocab[p.Text] = id
			m.maxLen = max(m.maxLen, len(p.Text))
		default:
			if reserved[p.Text] {
				return bad("piece %q is defined twice", p.Text)
			}
			reserved[p.Text] = true
		}
		switch p.Type {
		case Normal:
			normals++
			m.minScore, m.maxScore = min(m.minScore, p.Score), max(m.maxScore, p.Score)
		case UserDefined:
			userDefined = append(userDefined, p.Text)
		case Unknown:
			if m.unkID >= 0 {
				return bad("two unknown pieces (%d and %d)", m.unkID, id)
			}
			m.unkID = id
		case Byte:
			if !m.ByteFallback {
				return bad("byte piece %q in a model without byte_fallback", p.Text)
			}
			var b byte
			if n, err := fmt.Sscanf(p.Text, "<0x%02X>", &b); n != 1 || err != nil || len(p.Text) != 6 {
				return bad("byte piece %q is not <0xXX>", p.Text)
			}
			m.byteIDs[b] = id
		}
	}
	if m.unkID < 0 {
		return bad("no unknown piece")
	}
	// SentencePiece starts the scores at FLT_MAX and FLT_MIN (the smallest positive float) and
	// maps either back to 0 when no normal piece moved it; the maximum thus never goes below 0.
	if normals == 0 {
		m.minScore, m.maxScore = 0, 0
	}
	m.maxScore = max(m.maxScore, 0)
	if m.ByteFallback {
		for b, id := range m.byteIDs {
			if id < 0 {
				return bad("byte_fallback is set but piece <0x%02X> is missing", b)
			}
		}
	}
	// Special pieces by their T5/SentencePiece names; T5's spiece.model has <pad> 0, </s> 1, <unk> 2.
	for id, p := range m.Pieces {
		if p.Type != Control {
			continue
		}
		switch p.Text {
		case "</s>":
			m.eosID = id
		case "<pad>":
			m.padID = id
		case "<s>":
			m.bosID = id
		}
	}
	n, err := newNormalizer(m, charsmap, userDefined)
	if err != nil {
		return err
	}
	m.norm = n
	return nil
}

// VocabSize is the number of pieces.
func (m *Model) VocabSize() int { return len(m.Pieces) }

// UnkID is the id of the unknown piece.
func (m *Model) UnkID() int { return m.unkID }

// EOSID is the id of the control piece "</s>", or -1.
func (m *Model) EOSID() int { return m.eosID }

// PadID is the id of the control piece "<pad>", or -1.
func (m *Model) PadID() int { return m.padID }

// BOSID is the id of the control piece "<s>", or -1.
func (m *Model) BOSID() int { return m.bosID }

// PieceID returns the id of a piece by its text, any type.
func (m *Model) PieceID(text string) (int, bool) {
	if id, ok := m.vocab[text]; ok {
		return id, true
	}
	for id, p := range m.Pieces {
		if p.Text == text {
			return id, true
		}
	}
	return 0, false
}
