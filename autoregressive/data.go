package autoregressive

// The token cache: training clips read once through the shared video reader, encoded once by
// a discrete (DV) tokenizer, and kept as ids in one safetensors file with what made them.

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/regfile"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/tokenizer"
)

// TokenCacheFile is the default name of the token cache in a run folder.
const TokenCacheFile = "tokens.safetensors"

// Tensor names and metadata keys of a token cache file.
const (
	cacheIDs       = "ids" // int32 [clips, T, h, w]
	cacheFPS       = "fps" // float32 [clips]
	metaFormat     = "wfm.autoregressive.format"
	metaTokenizer  = "wfm.autoregressive.tokenizer"
	metaSource     = "wfm.autoregressive.source"
	metaKeys       = "wfm.autoregressive.keys"
	metaCaptions   = "wfm.autoregressive.captions"
	tokenCacheKind = "token-cache/1"
)

// TokenizerIdentity names the DV tokenizer a token cache (and a model trained on it) was made
// with: ids of one tokenizer mean nothing to another.
type TokenizerIdentity struct {
	// Path is the weights file as given (informative: a moved file is the same tokenizer).
	Path string `json:"path"`
	// SHA256 is the hex SHA-256 of the weights file's bytes: what identifies the tokenizer.
	SHA256 string `json:"sha256"`
	// Config is the tokenizer's configuration.
	Config tokenizer.Config `json:"config"`
}

// Same reports whether two identities name the same tokenizer (same weights and configuration;
// the path may differ).
func (a TokenizerIdentity) Same(b TokenizerIdentity) bool {
	return a.SHA256 == b.SHA256 && tokenizer.SameModel(a.Config, b.Config)
}

// VocabSize is the number of token ids of the tokenizer (the FSQ codebook size).
func (a TokenizerIdentity) VocabSize() int {
	q, err := tokenizer.NewFSQ(a.Config.Levels)
	if err != nil {
		return 0
	}
	return q.VocabSize()
}

// TokenSource says which clips a token cache holds: the first Frames frames of the videos of the
// WebDataset shards Dir/Prefix (as wfm synth writes them), fitted into Width×Height
// (diffusion.FitBucket: area resize keeping the aspect ratio, reflection padding; 0 keeps
// each clip's size, which must then be the same for all).
type TokenSource struct {
	Dir    string `json:"dir"`
	Prefix string `json:"prefix"` // "" is "synth", wfm synth's default
	// Frames is the number of pixel frames per clip, 1 + k·t for the tokenizer's temporal
	// compression t; videos shorter than that are skipped.
	Frames int `json:"frames"`
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// MaxClips > 0 keeps only the first MaxClips clips.
	MaxClips int `json:"max_clips,omitempty"`
	// Verify hashes every shard against the index before reading (dataset.HashAll).
	Verify bool `json:"-"`
	// IndexSHA256 is the SHA-256 of the shards' index file when the cache was made (set by
	// TokenizeDataset): new or changed shards make another cache.
	IndexSHA256 string `json:"index_sha256"`
}

func (s TokenSource) prefix() string {
	if s.Prefix == "" {
		return "synth"
	}
	return s.Prefix
}

// indexHash returns the hex SHA-256 of the shards' index.
func (s TokenSource) indexHash() (string, error) {
	index, err := os.ReadFile(filepath.Join(s.Dir, dataset.IndexName(s.prefix())))
	if err != nil {
		return "", fmt.Errorf("autoregressive: token source: %w", err)
	}
	sum := sha256.Sum256(index)
	return hex.EncodeToString(sum[:]), nil
}

// sameSource reports whether two sources describe the same clips (the folder may have moved).
func sameSource(a, b TokenSource) bool {
	return a.prefix() == b.prefix() && a.Frames == b.Frames && a.Width == b.Width && a.Height == b.Height &&
		a.MaxClips == b.MaxClips && a.IndexSHA256 == b.IndexSHA256
}

// TokenCache is a tokenized training set: the ids of every clip on one latent grid, with the
// clips' keys, captions and frame rates, and the tokenizer and clips that made it.
type TokenCache struct {
	Tokenizer TokenizerIdentity
	Source    TokenSource
	// Frames, Height and Width are the latent grid of one clip (T = 1 + (Source.Frames-1)/t).
	Frames, Height, Width int
	// IDs are the token ids, [len(Keys), Frames, Height, Width] row-major.
	IDs []int32
	// Keys, Captions and FPS are per clip.
	Keys, Captions []string
	FPS            []float32
}

// Clips is the number of clips.
func (c *TokenCache) Clips() int { return len(c.Keys) }

// TokensPerClip is Frames·Height·Width.
func (c *TokenCache) TokensPerClip() int { return c.Frames * c.Height * c.Width }

// Clip returns the ids of clip i, [Frames, Height, Width] (a view, not a copy).
func (c *TokenCache) Clip(i int) []int32 {
	n := c.TokensPerClip()
	return c.IDs[i*n : (i+1)*n]
}

// check reports a cache whose parts disagree or whose ids fall outside the vocabulary.
func (c *TokenCache) check() error {
	n := len(c.Keys)
	vocab := c.Tokenizer.VocabSize()
	switch {
	case n < 1:
		return errors.New("no clips")
	case len(c.Captions) != n || len(c.FPS) != n:
		return fmt.Errorf("%d keys, %d captions and %d frame rates", n, len(c.Captions), len(c.FPS))
	case c.Frames < 1 || c.Height < 1 || c.Width < 1 || c.Frames > 1<<16 || c.Height > 1<<16 || c.Width > 1<<16:
		return fmt.Errorf("latent grid %dx%dx%d", c.Frames, c.Height, c.Width)
	case int64(c.Frames)*int64(c.Height)*int64(c.Width)*int64(n) != int64(len(c.IDs)):
		return fmt.Errorf("%d ids for %d clips of %dx%dx%d", len(c.IDs), n, c.Frames, c.Height, c.Width)
	case !c.Tokenizer.Config.Discrete || vocab < 2:
		return fmt.Errorf("tokenizer %s is not a discrete (DV) tokenizer", c.Tokenizer.Config.Name)
	}
	for i, id := range c.IDs {
		if id < 0 || int(id) >= vocab {
			return fmt.Errorf("id %d at %d outside the vocabulary [0, %d)", id, i, vocab)
		}
	}
	for i, f := range c.FPS {
		if !(f > 0) || f > 1e6 {
			return fmt.Errorf("clip %d: frame rate %v", i, f)
		}
	}
	return nil
}

// OpenDVTokenizer opens the discrete tokenizer weights at path (any file tokenizer.LoadWeights
// reads with its config inside or beside it) as a codec whose window is window pixel frames
// (1 + k·t: a clip of that many frames is encoded as one causal window), and returns its
// identity (the file's SHA-256 and the config). A continuous tokenizer is refused.
func OpenDVTokenizer(b compute.Backend, path string, window int) (*tokenizer.Codec, TokenizerIdentity, error) {
	var id TokenizerIdentity
	sum, err := hashFile(path)
	if err != nil {
		return nil, id, fmt.Errorf("autoregressive: tokenizer %s: %w", path, err)
	}
	store, cfg, err := tokenizer.LoadWeights(path, nil)
	if err != nil {
		return nil, id, err
	}
	if !cfg.Discrete {
		return nil, id, fmt.Errorf("autoregressive: tokenizer %s (%s) is continuous; the autoregressive model needs a discrete (DV) one", path, cfg.Name)
	}
	m, err := tokenizer.New(cfg)
	if err != nil {
		return nil, id, err
	}
	codec, err := tokenizer.NewCodec(b, m, store, tokenizer.CodecOptions{Window: window, Batch: 1})
	if err != nil {
		return nil, id, fmt.Errorf("autoregressive: tokenizer %s: %w", path, err)
	}
	return codec, TokenizerIdentity{Path: path, SHA256: sum, Config: cfg}, nil
}

// hashFile returns the hex SHA-256 of a regular file.
func hashFile(path string) (string, error) {
	f, err := regfile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// TokenizeDataset reads the clips src names through the shared video reader
// (dataset.ReadVideos), fits each to src's size and encodes it with codec (a DV tokenizer
// whose window is src.Frames, as OpenDVTokenizer opens it for tok) into one causal window of
// token ids. progress, when not nil, is called after each clip with the number done. It stops
// between clips when ctx is done.
func TokenizeDataset(ctx context.Context, codec *tokenizer.Codec, tok TokenizerIdentity, src TokenSource, progress func(done int)) (*TokenCache, error) {
	t := tok.Config.TemporalCompression
	switch {
	case src.Dir == "":
		return nil, errors.New("autoregressive: tokenize: no shard folder")
	case t < 1 || src.Frames < 1 || (src.Frames-1)%t != 0:
		return nil, fmt.Errorf("autoregressive: tokenize: %d frames per clip is not 1 + k·%d", src.Frames, t)
	case codec.Window() != src.Frames:
		return nil, fmt.Errorf("autoregressive: tokenize: the codec's window is %d frames, the clips %d", codec.Window(), src.Frames)
	case (src.Width == 0) != (src.Height == 0) || src.Width < 0 || src.Height < 0:
		return nil, fmt.Errorf("autoregressive: tokenize: size %dx%d: give both sides or neither", src.Width, src.Height)
	}
	var err error
	if src.IndexSHA256, err = src.indexHash(); err != nil {
		return nil, err
	}
	c := &TokenCache{Tokenizer: tok, Source: src}
	err = dataset.ReadVideos(ctx, src.Dir, src.prefix(), dataset.VideoOptions{MinFrames: src.Frames, Verify: src.Verify},
		func(s *dataset.VideoSample) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			clip := s.Clip.Slice(0, src.Frames)
			if src.Width > 0 && (clip.Width != src.Width || clip.Height != src.Height) {
				if clip, _, err = diffusion.FitBucket(clip, diffusion.Bucket{Width: src.Width, Height: src.Height}); err != nil {
					return fmt.Errorf("clip %s: %w", s.Key, err)
				}
			}
			ids, err := codec.EncodeContext(ctx, clip, nil)
			if err != nil {
				return fmt.Errorf("clip %s: %w", s.Key, err)
			}
			if ids.IDs == nil || len(ids.Dims) != 4 || ids.Dims[0] != 1 {
				return fmt.Errorf("clip %s: want one window of token ids, got dims %v", s.Key, ids.Dims)
			}
			if len(c.Keys) == 0 {
				c.Frames, c.Height, c.Width = ids.Dims[1], ids.Dims[2], ids.Dims[3]
			} else if c.Frames != ids.Dims[1] || c.Height != ids.Dims[2] || c.Width != ids.Dims[3] {
				return fmt.Errorf("clip %s: latent grid %v differs from the first clip's %dx%dx%d (give a size to fit every clip to)",
					s.Key, ids.Dims[1:], c.Frames, c.Height, c.Width)
			}
			c.IDs = append(c.IDs, ids.IDs...)
			c.Keys = append(c.Keys, s.Key)
			c.Captions = append(c.Captions, s.Caption())
			c.FPS = append(c.FPS, float32(clip.FPS))
			if progress != nil {
				progress(len(c.Keys))
			}
			if src.MaxClips > 0 && len(c.Keys) >= src.MaxClips {
				return dataset.ErrStop
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("autoregressive: tokenize %s: %w", src.Dir, err)
	}
	if len(c.Keys) == 0 {
		return nil, fmt.Errorf("autoregressive: tokenize %s: no video of at least %d frames", src.Dir, src.Frames)
	}
	return c, nil
}

// SaveTokenCache writes c to path as safetensors, atomically: the ids (int32 [clips, T, h, w])
// and frame rates as tensors, the tokenizer's identity, the source, the keys and the captions
// as metadata.
func SaveTokenCache(path string, c *TokenCache) error {
	if err := c.check(); err != nil {
		return fmt.Errorf("autoregressive: save token cache %s: %w", path, err)
	}
	ids := make([]byte, 4*len(c.IDs))
	for i, v := range c.IDs {
		binary.LittleEndian.PutUint32(ids[4*i:], uint32(v))
	}
	fps := make([]byte, 4*len(c.FPS))
	for i, v := range c.FPS {
		binary.LittleEndian.PutUint32(fps[4*i:], math.Float32bits(v))
	}
	meta := map[string]string{metaFormat: tokenCacheKind}
	for key, v := range map[string]any{metaTokenizer: c.Tokenizer, metaSource: c.Source, metaKeys: c.Keys, metaCaptions: c.Captions} {
		js, err := json.Marshal(v)
		if err != nil {
			return err
		}
		meta[key] = string(js)
	}
	ts := []safetensors.Tensor{
		{Name: cacheIDs, DType: safetensors.I32, Shape: []int{c.Clips(), c.Frames, c.Height, c.Width}, Data: ids},
		{Name: cacheFPS, DType: safetensors.F32, Shape: []int{c.Clips()}, Data: fps},
	}
	if err := safetensors.WriteFile(path, ts, meta); err != nil {
		return fmt.Errorf("autoregressive: save token cache %s: %w", path, err)
	}
	return nil
}

// TokenCacheError is a token cache file that cannot be read: malformed, or not a token cache.
type TokenCacheError struct {
	Path string
	Err  error
}

func (e *TokenCacheError) Error() string {
	return fmt.Sprintf("autoregressive: token cache %s: %v", e.Path, e.Err)
}
func (e *TokenCacheError) Unwrap() error { return e.Err }

// LoadTokenCache reads a cache written by SaveTokenCache. A missing file is os.ErrNotExist
// (wrapped); anything else wrong with it is a *TokenCacheError naming the file and the part.
func LoadTokenCache(path string) (*TokenCache, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("autoregressive: token cache %s: %w", path, err)
		}
		return nil, &TokenCacheError{path, err}
	}
	defer f.Close()
	c, err := readTokenCache(f)
	if err != nil {
		return nil, &TokenCacheError{path, err}
	}
	return c, nil
}

// readTokenCache decodes and checks the tensors and metadata of an open cache file.
func readTokenCache(f *safetensors.File) (*TokenCache, error) {
	md := f.Metadata()
	if md[metaFormat] != tokenCacheKind {
		return nil, fmt.Errorf("metadata %s is %q, not %q: not a token cache", metaFormat, md[metaFormat], tokenCacheKind)
	}
	c := &TokenCache{}
	for key, dst := range map[string]any{metaTokenizer: &c.Tokenizer, metaSource: &c.Source, metaKeys: &c.Keys, metaCaptions: &c.Captions} {
		if err := json.Unmarshal([]byte(md[key]), dst); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", key, err)
		}
	}
	ids, ok := f.Info(cacheIDs)
	if !ok || ids.DType != safetensors.I32 || len(ids.Shape) != 4 || ids.Shape[0] != len(c.Keys) {
		return nil, fmt.Errorf("tensor %q: want int32 [%d clips, T, h, w], got %v %v", cacheIDs, len(c.Keys), ids.DType, ids.Shape)
	}
	fps, ok := f.Info(cacheFPS)
	if !ok || fps.DType != safetensors.F32 || len(fps.Shape) != 1 || fps.Shape[0] != len(c.Keys) {
		return nil, fmt.Errorf("tensor %q: want float32 [%d clips], got %v %v", cacheFPS, len(c.Keys), fps.DType, fps.Shape)
	}
	c.Frames, c.Height, c.Width = ids.Shape[1], ids.Shape[2], ids.Shape[3]
	raw, err := f.Read(cacheIDs)
	if err != nil {
		return nil, err
	}
	c.IDs = make([]int32, len(raw.Data)/4)
	for i := range c.IDs {
		c.IDs[i] = int32(binary.LittleEndian.Uint32(raw.Data[4*i:]))
	}
	if raw, err = f.Read(cacheFPS); err != nil {
		return nil, err
	}
	c.FPS = make([]float32, len(raw.Data)/4)
	for i := range c.FPS {
		c.FPS[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw.Data[4*i:]))
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// TokenizerMismatchError is a token cache made with another tokenizer (or other clips) than
// asked for.
type TokenizerMismatchError struct {
	Path       string
	Have, Want TokenizerIdentity
	// Source is true when the tokenizer is the same but the clips differ.
	Source bool
}

func (e *TokenizerMismatchError) Error() string {
	if e.Source {
		return fmt.Sprintf("autoregressive: token cache %s holds other clips (other shards, frames, size or count) than asked for", e.Path)
	}
	return fmt.Sprintf("autoregressive: token cache %s was made with tokenizer %s (%s, sha256 %.12s), not %s (%s, sha256 %.12s)",
		e.Path, e.Have.Path, e.Have.Config.Name, e.Have.SHA256, e.Want.Path, e.Want.Config.Name, e.Want.SHA256)
}

// CheckTokenCache reports whether c was made with tokenizer tok from the clips src describes
// (src.IndexSHA256 is filled in from the shards): nil, or a *TokenizerMismatchError.
func CheckTokenCache(path string, c *TokenCache, tok TokenizerIdentity, src TokenSource) error {
	if !c.Tokenizer.Same(tok) {
		return &TokenizerMismatchError{Path: path, Have: c.Tokenizer, Want: tok}
	}
	var err error
	if src.IndexSHA256, err = src.indexHash(); err != nil {
		return err
	}
	if !sameSource(c.Source, src) {
		return &TokenizerMismatchError{Path: path, Have: c.Tokenizer, Want: tok, Source: true}
	}
	return nil
}

// CacheOptions configure LoadOrTokenize.
type CacheOptions struct {
	// Rebuild replaces a cache made with another tokenizer or other clips, or one that does not
	// read; without it such a cache is a *TokenizerMismatchError or *TokenCacheError (a shared
	// cache is never silently replaced).
	Rebuild bool
	// Progress, when not nil, is called after each clip encoded.
	Progress func(done int)
	// Log receives a line saying where the tokens come from; nil discards it.
	Log io.Writer
}

// LoadOrTokenize returns the token cache at path when it was made with the tokenizer file
// tokPath from the clips src describes; else (no file, or opts.Rebuild) it tokenizes them on b
// and writes the cache, so tokenization is paid once.
func LoadOrTokenize(ctx context.Context, b compute.Backend, path, tokPath string, src TokenSource, opts CacheOptions) (*TokenCache, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	codec, tok, err := OpenDVTokenizer(b, tokPath, src.Frames)
	if err != nil {
		return nil, err
	}
	defer codec.Close()
	c, err := LoadTokenCache(path)
	switch {
	case err == nil:
		err = CheckTokenCache(path, c, tok, src)
		if err == nil {
			fmt.Fprintf(log, "tokens from %s (%d clips)\n", path, c.Clips())
			return c, nil
		}
		var mismatch *TokenizerMismatchError
		if !errors.As(err, &mismatch) || !opts.Rebuild {
			return nil, err
		}
		fmt.Fprintf(log, "rebuilding %s: %v\n", path, err)
	case errors.Is(err, os.ErrNotExist):
	case opts.Rebuild && errors.As(err, new(*TokenCacheError)):
		fmt.Fprintf(log, "rebuilding %s: %v\n", path, err)
	default:
		return nil, err
	}
	if c, err = TokenizeDataset(ctx, codec, tok, src, opts.Progress); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := SaveTokenCache(path, c); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "tokenized %d clips of %d frames (latent %dx%dx%d) into %s\n", c.Clips(), src.Frames, c.Frames, c.Height, c.Width, path)
	return c, nil
}
