package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// tokenizeLimits bound a video given to /v1/tokenize.
var tokenizeLimits = video.Limits{MaxWidth: 512, MaxHeight: 512, MaxFrames: 129, MaxBytes: 256 << 20}

// tokenizerEntry is a tokenizer served by /v1/tokenize, opened on first use. A Codec is not
// safe for concurrent use: calls take turns.
type tokenizerEntry struct {
	name, path string
	mu         sync.Mutex
	codec      *tokenizer.Codec
}

// addTokenizer serves the tokenizer file at path, named by its base name without extension.
func (s *Server) addTokenizer(path string) {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if _, ok := s.tokenizers[name]; ok {
		return
	}
	s.tokenizers[name] = &tokenizerEntry{name: name, path: path}
	s.tokOrder = append(s.tokOrder, name)
}

func (t *tokenizerEntry) open(s *Server) (*tokenizer.Codec, error) {
	if t.codec == nil {
		c, err := tokenizer.Open(s.b, t.path, nil, tokenizer.CodecOptions{})
		if err != nil {
			return nil, fmt.Errorf("serve: tokenizer %s: %w", t.name, err)
		}
		t.codec = c
	}
	return t.codec, nil
}

func (t *tokenizerEntry) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.codec != nil {
		t.codec.Close()
		t.codec = nil
	}
}

// pickTokenizer is the ?tokenizer= named, else the first.
func (s *Server) pickTokenizer(r *http.Request) (*tokenizerEntry, error) {
	name := r.URL.Query().Get("tokenizer")
	if name == "" {
		if len(s.tokOrder) == 0 {
			return nil, &RequestError{Field: "tokenizer", Reason: "this server serves no tokenizer"}
		}
		name = s.tokOrder[0]
	}
	t := s.tokenizers[name]
	if t == nil {
		return nil, &RequestError{Field: "tokenizer", Reason: fmt.Sprintf("%q is not served (GET /v1/models lists them)", name)}
	}
	return t, nil
}

// scratch returns a fresh path in the server's scratch folder with extension ext.
func (s *Server) scratch(ext string) (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return filepath.Join(s.tmpDir, hex.EncodeToString(b[:])+ext), nil
}

// decodeUpload decodes a video or image body (sniffed, never by a claimed type) within lim.
func (s *Server) decodeUpload(ctx context.Context, data []byte, lim video.Limits) (*video.Clip, error) {
	_, ext, err := sniffUpload(data)
	if err != nil {
		return nil, err
	}
	path := ""
	if needsFile(ext) {
		if path, err = s.scratch(ext); err != nil {
			return nil, err
		}
		defer os.Remove(path)
		if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
	}
	return decodeMedia(ctx, data, ext, "body", lim, path)
}

// handleTokenize encodes the video of the body (PNG, JPEG, GIF, Y4M, MP4 or WebM) with
// ?tokenizer= and answers the tokens file (tokenizer.SaveTokens's format).
func (s *Server) handleTokenize(w http.ResponseWriter, r *http.Request) {
	t, err := s.pickTokenizer(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	data, err := s.readBody(w, r, s.cfg.MaxUploadBytes)
	if err != nil {
		writeErr(w, err)
		return
	}
	clip, err := s.decodeUpload(r.Context(), data, tokenizeLimits)
	if err != nil {
		writeUploadErr(w, err)
		return
	}
	t.mu.Lock()
	codec, err := t.open(s)
	var tok *tokenizer.Tokens
	if err == nil {
		tok, err = codec.EncodeContext(r.Context(), clip, nil)
	}
	t.mu.Unlock()
	if err != nil {
		writeErr(w, err)
		return
	}
	path, err := s.scratch(".tokens")
	if err != nil {
		writeErr(w, err)
		return
	}
	defer os.Remove(path)
	if err := tokenizer.SaveTokens(path, tok); err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="video.tokens"`)
	w.Header().Set("X-Tokenizer", t.name)
	_ = copyFile(w, path)
}

// handleDetokenize decodes a tokens file (the body) with ?tokenizer= and answers the video in
// ?format= (y4m, the default; gif; mp4 with ffmpeg).
func (s *Server) handleDetokenize(w http.ResponseWriter, r *http.Request) {
	t, err := s.pickTokenizer(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "y4m"
	}
	if contentTypes[format] == "" || (format == "mp4" && !s.ffmpeg) {
		writeErr(w, &RequestError{Field: "format", Reason: "want y4m, gif, or mp4 where the server has ffmpeg"})
		return
	}
	data, err := s.readBody(w, r, s.cfg.MaxUploadBytes)
	if err != nil {
		writeErr(w, err)
		return
	}
	in, err := s.scratch(".tokens")
	if err != nil {
		writeErr(w, err)
		return
	}
	defer os.Remove(in)
	if err := atomicfile.WriteFile(in, data, 0o600); err != nil {
		writeErr(w, err)
		return
	}
	tok, err := tokenizer.LoadTokens(in)
	if err != nil {
		writeErr(w, &RequestError{Field: "body", Reason: strings.ReplaceAll(err.Error(), in, "body")})
		return
	}
	if tok.Frames > tokenizeLimits.MaxFrames || tok.Width > tokenizeLimits.MaxWidth || tok.Height > tokenizeLimits.MaxHeight {
		writeErr(w, &RequestError{Field: "body", Reason: fmt.Sprintf("tokens of %d frames at %dx%d: over the limit of %d frames at %dx%d",
			tok.Frames, tok.Width, tok.Height, tokenizeLimits.MaxFrames, tokenizeLimits.MaxWidth, tokenizeLimits.MaxHeight)})
		return
	}
	t.mu.Lock()
	codec, err := t.open(s)
	var clip *video.Clip
	if err == nil {
		if !tokenizer.SameModel(codec.Config(), tok.Config) {
			err = &RequestError{Field: "tokenizer", Reason: "the tokens were made by another tokenizer than " + t.name}
		} else {
			clip, err = codec.DecodeContext(r.Context(), tok, nil)
		}
	}
	t.mu.Unlock()
	if err != nil {
		writeErr(w, err)
		return
	}
	out, err := s.scratch("." + format)
	if err != nil {
		writeErr(w, err)
		return
	}
	defer os.Remove(out)
	if err := video.Write(r.Context(), out, clip, video.Options{PadOdd: true}); err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("Content-Type", contentTypes[format])
	_ = copyFile(w, out)
}

// writeUploadErr is writeErr with 415 for content of an unsupported type.
func writeUploadErr(w http.ResponseWriter, err error) {
	if re, ok := err.(*RequestError); ok && strings.HasPrefix(re.Reason, "unsupported content") {
		writeError(w, http.StatusUnsupportedMediaType, CodeInvalid, err.Error())
		return
	}
	writeErr(w, err)
}
