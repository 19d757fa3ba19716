package tokenizer

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/wfm-platform/wfm/safetensors"
)

// The tokens file is a safetensors file holding one tensor, "latent" (F32, [windows, 1+k, h, w,
// channels], CV) or "ids" (U16 when the vocabulary fits 16 bits, as Cosmos's 64,000 ids do,
// else I32; [windows, 1+k, h, w], DV), and in its metadata the tokenizer Config (JSON, under
// MetadataConfig) and the original video's frames, height, width, frame rate and the window
// length, so that decoding needs nothing else.
const (
	TokensFormat     = "wfm-tokenizer-tokens/1"
	MetadataTokens   = "wfm.tokens.format"
	MetadataFrames   = "wfm.tokens.frames"
	MetadataHeight   = "wfm.tokens.height"
	MetadataWidth    = "wfm.tokens.width"
	MetadataFPS      = "wfm.tokens.fps"
	MetadataWindow   = "wfm.tokens.window"
	LatentTensorName = "latent"
	IDsTensorName    = "ids"
)

// TokensError reports a tokens file that cannot be read back.
type TokensError struct {
	Path   string
	Reason string
}

func (e *TokensError) Error() string {
	return fmt.Sprintf("tokenizer: tokens %s: %s", e.Path, e.Reason)
}

// SaveTokens writes tok to path atomically (see the tokens file format above).
func SaveTokens(path string, tok *Tokens) error {
	if err := tok.check(tok.Config); err != nil {
		return fmt.Errorf("tokenizer: saving %s: %w", path, err)
	}
	conf, err := json.Marshal(tok.Config)
	if err != nil {
		return err
	}
	meta := map[string]string{
		MetadataTokens: TokensFormat, MetadataConfig: string(conf),
		MetadataFrames: strconv.Itoa(tok.Frames), MetadataHeight: strconv.Itoa(tok.Height),
		MetadataWidth: strconv.Itoa(tok.Width), MetadataFPS: strconv.FormatFloat(tok.FPS, 'g', -1, 64),
		MetadataWindow: strconv.Itoa(tok.Window),
	}
	var t safetensors.Tensor
	if tok.Latent != nil {
		data := make([]byte, 4*len(tok.Latent))
		for i, v := range tok.Latent {
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
		}
		t = safetensors.Tensor{Name: LatentTensorName, DType: safetensors.F32, Shape: tok.Dims, Data: data}
	} else if vocabSize(tok.Config) <= 1<<16 {
		data := make([]byte, 2*len(tok.IDs))
		for i, v := range tok.IDs {
			binary.LittleEndian.PutUint16(data[2*i:], uint16(v))
		}
		t = safetensors.Tensor{Name: IDsTensorName, DType: safetensors.U16, Shape: tok.Dims, Data: data}
	} else {
		data := make([]byte, 4*len(tok.IDs))
		for i, v := range tok.IDs {
			binary.LittleEndian.PutUint32(data[4*i:], uint32(v))
		}
		t = safetensors.Tensor{Name: IDsTensorName, DType: safetensors.I32, Shape: tok.Dims, Data: data}
	}
	return safetensors.WriteFile(path, []safetensors.Tensor{t}, meta)
}

// LoadTokens reads a tokens file written by SaveTokens, checking that its metadata, tensor and
// config agree; any problem is a *TokensError (or the safetensors package's *FormatError).
func LoadTokens(path string) (*Tokens, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bad := func(format string, args ...any) error {
		return &TokensError{Path: path, Reason: fmt.Sprintf(format, args...)}
	}
	meta := f.Metadata()
	if meta[MetadataTokens] != TokensFormat {
		return nil, bad("metadata %s is %q, want %q", MetadataTokens, meta[MetadataTokens], TokensFormat)
	}
	tok := &Tokens{}
	if err := json.Unmarshal([]byte(meta[MetadataConfig]), &tok.Config); err != nil {
		return nil, bad("metadata %s: %v", MetadataConfig, err)
	}
	if err := tok.Config.Validate(); err != nil {
		return nil, bad("%v", err)
	}
	for _, kv := range []struct {
		key string
		dst *int
	}{{MetadataFrames, &tok.Frames}, {MetadataHeight, &tok.Height}, {MetadataWidth, &tok.Width}, {MetadataWindow, &tok.Window}} {
		if *kv.dst, err = strconv.Atoi(meta[kv.key]); err != nil {
			return nil, bad("metadata %s: %v", kv.key, err)
		}
	}
	if tok.FPS, err = strconv.ParseFloat(meta[MetadataFPS], 64); err != nil {
		return nil, bad("metadata %s: %v", MetadataFPS, err)
	}
	names := f.Names()
	if len(names) != 1 {
		return nil, bad("holds %d tensors %v, want one", len(names), names)
	}
	t, err := f.Read(names[0])
	if err != nil {
		return nil, err
	}
	tok.Dims = t.Shape
	switch {
	case names[0] == LatentTensorName && t.DType == safetensors.F32 && !tok.Config.Discrete:
		tok.Latent = make([]float32, len(t.Data)/4)
		for i := range tok.Latent {
			v := math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, bad("latent value %d is %v", i, v)
			}
			tok.Latent[i] = v
		}
	case names[0] == IDsTensorName && t.DType == safetensors.U16 && tok.Config.Discrete:
		tok.IDs = make([]int32, len(t.Data)/2)
		for i := range tok.IDs {
			tok.IDs[i] = int32(binary.LittleEndian.Uint16(t.Data[2*i:]))
		}
	case names[0] == IDsTensorName && t.DType == safetensors.I32 && tok.Config.Discrete:
		tok.IDs = make([]int32, len(t.Data)/4)
		for i := range tok.IDs {
			tok.IDs[i] = int32(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
	default:
		return nil, bad("tensor %q of dtype %s does not fit a discrete=%v tokenizer", names[0], t.DType, tok.Config.Discrete)
	}
	if err := tok.check(tok.Config); err != nil {
		return nil, bad("%v", err)
	}
	return tok, nil
}
