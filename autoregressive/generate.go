package autoregressive

// Generation: a trained model folder opened with the DV tokenizer and text encoder it records,
// continuing the condition frames of several videos at once with the KV-cache decoder (plain or
// Medusa), decoded back to video, between the same guardrails as the diffusion model's.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/diffusion/tokendecoder"
	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/weights"
	"github.com/wfm-platform/wfm/worldgen"
)

// ErrInvalid is wrapped by the errors of Open and Generate that come from the caller's options
// or request rather than from the model or the machine. It is worldgen's sentinel, so that
// callers (wfm generate: exit status 2) treat both world models alike.
var ErrInvalid = worldgen.ErrInvalid

type invalidError struct{ err error }

func (e invalidError) Error() string        { return e.err.Error() }
func (e invalidError) Unwrap() error        { return e.err }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return invalidError{fmt.Errorf("autoregressive: "+format, args...)}
}

// Options configure [Open]. The zero value loads the model's raw weights with the tokenizer and
// text encoder its folder records, with both guardrails.
type Options struct {
	// EMA takes the moving averages of a training checkpoint instead of its raw weights.
	EMA bool
	// Tokenizer overrides the DV tokenizer file the model records (training.json); it must be
	// the same tokenizer (SHA-256 and config), else an error wrapping ErrInvalid: ids of one
	// tokenizer mean nothing to another.
	Tokenizer string
	// NoGuardrails skips the prompt pre-guard and the face-blurring post-guard.
	NoGuardrails bool
	// Guard is the guardrail pair to run; nil means guardrail.Default().
	Guard *guardrail.Guard
	// DiffusionDecoder, when set, is a diffusion decoder folder (package
	// diffusion/tokendecoder; wfm train diffusion-decoder) trained on the model's DV tokenizer:
	// Generate decodes the ids with it (a CV latent sampled from them, seeded with each video's
	// Seed) instead of the DV decoder. Its videos must have its training window's length.
	DiffusionDecoder string
	// DiffusionSteps is the diffusion decoder's sampler steps (0: diffusion.DefaultSteps).
	DiffusionSteps int
}

// Generator is an autoregressive model loaded for generation: the model (and, when it has
// Medusa heads, the same model without them for plain decoding), its DV tokenizer and text
// encoder, and the guardrails, on one backend. It is safe for concurrent use: Generate holds a
// mutex for the whole request (the decoders and codecs are not).
type Generator struct {
	mu          sync.Mutex
	path        string
	b           compute.Backend
	ownsBackend bool
	cfg         Config
	info        TrainInfo
	store       *model.Store
	m, plain    *Model // plain: the model without its Medusa heads (m itself without heads)
	tokPath     string
	tok         TokenizerIdentity
	codecs      map[int]*tokenizer.Codec // by window length in frames
	text        *diffusion.ModelTextEncoder
	guard       *guardrail.Guard
	decoders    map[decoderKey]*Decoder
	diffDec     *tokendecoder.Decoder // nil without Options.DiffusionDecoder
	diffSteps   int
}

type decoderKey struct {
	batch  int
	grid   Grid
	medusa bool
}

// Open loads the model at dir (a folder SaveModel or Train wrote, a weights file, or a training
// run folder: see LoadModel) for generation on b (nil: backend.Open(""), released by Close),
// with the DV tokenizer its TrainInfoFile records (found from the model's folder as
// worldgen.ResolveModelPath finds the diffusion model's) and, for a cross-attention model, its
// text encoder.
func Open(b compute.Backend, dir string, opts Options) (*Generator, error) {
	store, cfg, err := LoadModel(dir, opts.EMA)
	if err != nil {
		return nil, err
	}
	// A variable missing from the file fails the first graph build naming it, instead of
	// generating from initial values.
	weights.Require(store, dir)
	info, err := ReadTrainInfo(modelFolder(dir))
	if err != nil {
		return nil, invalidf("model %s records no tokenizer (%v): it is not a model folder Train wrote", dir, err)
	}
	g := &Generator{path: dir, b: b, cfg: cfg, info: info, store: store, codecs: map[int]*tokenizer.Codec{}, decoders: map[decoderKey]*Decoder{}}
	if g.m, err = New(cfg); err != nil {
		return nil, err
	}
	g.plain = g.m
	if cfg.MedusaHeads > 0 {
		base := cfg
		base.MedusaHeads = 0
		if g.plain, err = New(base); err != nil {
			return nil, err
		}
	}
	if g.b == nil {
		if g.b, _, err = backend.Open(""); err != nil {
			return nil, err
		}
		g.ownsBackend = true
	}
	if err := g.load(dir, opts); err != nil {
		_ = g.Close()
		return nil, err
	}
	if opts.DiffusionDecoder != "" {
		if g.diffDec, err = tokendecoder.Open(g.b, opts.DiffusionDecoder); err != nil {
			_ = g.Close()
			return nil, invalidError{err}
		}
		if g.diffDec.Info().DVSHA256 != g.tok.SHA256 {
			_ = g.Close()
			return nil, invalidf("diffusion decoder %s was trained on tokenizer %s, not the model's %s", opts.DiffusionDecoder, g.diffDec.Info().DVTokenizer, g.tokPath)
		}
		g.diffSteps = opts.DiffusionSteps
	}
	return g, nil
}

// SaveModelFolder writes a model folder Open reads: SaveModel's weights and model.json, and info
// as TrainInfoFile (the tokenizer, text encoder and training grid). dir must exist.
func SaveModelFolder(dir string, cfg Config, store *model.Store, useEMA bool, info TrainInfo) error {
	if err := SaveModel(dir, cfg, store, useEMA); err != nil {
		return err
	}
	if err := writeTrainInfo(dir, info); err != nil {
		return fmt.Errorf("autoregressive: save %s: %w", dir, err)
	}
	return nil
}

// modelFolder is the folder of a model path (the folder itself, or a weights file's).
func modelFolder(path string) string {
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return filepath.Dir(path)
	}
	return path
}

// load opens the guardrails, the tokenizer (checking it is the model's) and the text encoder.
func (g *Generator) load(dir string, opts Options) error {
	var err error
	if !opts.NoGuardrails {
		if g.guard = opts.Guard; g.guard == nil {
			if g.guard, err = guardrail.Default(); err != nil {
				return err
			}
		}
	}
	g.tokPath = opts.Tokenizer
	if g.tokPath == "" {
		g.tokPath = worldgen.ResolveModelPath(dir, g.info.Tokenizer.Path)
	}
	if g.tokPath == "" {
		return invalidf("model %s names no tokenizer; give Options.Tokenizer", dir)
	}
	window := g.trainWindow()
	codec, id, err := OpenDVTokenizer(g.b, g.tokPath, window)
	if err != nil {
		return err
	}
	g.codecs[window], g.tok = codec, id
	if !id.Same(g.info.Tokenizer) {
		return invalidf("tokenizer %s (%s, sha256 %.12s) is not the one model %s was trained on (%s, sha256 %.12s)",
			g.tokPath, id.Config.Name, id.SHA256, dir, g.info.Tokenizer.Path, g.info.Tokenizer.SHA256)
	}
	if id.VocabSize() != g.cfg.VocabSize {
		return invalidf("tokenizer %s has %d ids, model %s %d", g.tokPath, id.VocabSize(), dir, g.cfg.VocabSize)
	}
	if g.cfg.CrossAttn {
		spec := g.info.TextEncoder
		if spec != diffusion.TextEncoderBuiltin && spec != diffusion.TextEncoderHash {
			spec = worldgen.ResolveModelPath(dir, spec)
		}
		if spec == "" || g.info.TextLen <= 0 {
			return invalidf("model %s has cross-attention but records no text encoder (%s)", dir, TrainInfoFile)
		}
		if g.text, err = openText(g.b, spec, g.cfg, g.info.TextLen, ""); err != nil {
			return err
		}
		if g.info.TextEncoderID != "" && g.text.ID != g.info.TextEncoderID {
			return invalidf("text encoder %s is %s, model %s was trained with %s", spec, g.text.ID, dir, g.info.TextEncoderID)
		}
	}
	return nil
}

// Close releases the decoders, the codecs and the backend Open opened.
func (g *Generator) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for k, d := range g.decoders {
		d.Close()
		delete(g.decoders, k)
	}
	for w, c := range g.codecs {
		c.Close()
		delete(g.codecs, w)
	}
	if g.diffDec != nil {
		g.diffDec.Close()
		g.diffDec = nil
	}
	if g.ownsBackend && g.b != nil {
		g.b.Finalize()
	}
	g.b = nil
	return nil
}

// Config is the model's configuration; Info what it was trained on.
func (g *Generator) Config() Config { return g.cfg }

// Info is the model's TrainInfoFile: tokenizer, text encoder, stage, training grid.
func (g *Generator) Info() TrainInfo { return g.info }

// Tokenizer is the DV tokenizer file in use.
func (g *Generator) Tokenizer() string { return g.tokPath }

// TemporalCompression and SpatialCompression are the tokenizer's: a video is 1+k·t frames of
// sides multiple of s.
func (g *Generator) TemporalCompression() int { return g.tok.Config.TemporalCompression }

// SpatialCompression is the tokenizer's pixels per token side.
func (g *Generator) SpatialCompression() int { return g.tok.Config.SpatialCompression }

// MaxFrames is the longest video (condition included) the model's grid holds: 1+(MaxT-1)·t.
func (g *Generator) MaxFrames() int { return 1 + (g.cfg.MaxT-1)*g.TemporalCompression() }

// trainWindow is the length in frames of the training windows.
func (g *Generator) trainWindow() int {
	t := g.info.Tokenizer.Config.TemporalCompression
	return 1 + (max(g.info.Grid.T, 1)-1)*max(t, 1)
}

// Video is one video of a [GenerateRequest].
type Video struct {
	// Input holds the frames to continue: its first CondFrames frames are the condition,
	// fitted into the request's Width×Height (diffusion.FitBucket) when of another size.
	Input *video.Clip
	// Prompt describes the video: checked by the pre-guard, and the cross-attention input of a
	// model that reads text.
	Prompt string
	// Seed decides the video's sampled tokens (its own Sampler): the same video and seed give
	// the same tokens whatever else is in the batch.
	Seed uint64
}

// GenerateRequest is a batch of videos generated together, with one setting.
type GenerateRequest struct {
	Videos []Video
	// CondFrames is the number of condition frames, 1 + k·t (1 or 9 for the 8x tokenizers;
	// 0: 1).
	CondFrames int
	// Frames is the length of each video, condition included, 1 + k·t (0: the training
	// window's, 1 + (Grid.T-1)·t); at most MaxFrames.
	Frames int
	// Width and Height are the video's size, multiples of the tokenizer's spatial compression
	// (0: the training clips').
	Width, Height int
	// FPS is the output's frame rate (0: the first input's).
	FPS float64
	// Sampling chooses each token (the zero value is greedy).
	Sampling Sampling
	// Medusa decodes with the model's Medusa heads (speculative decoding, the same tokens in
	// fewer decoder calls: see Continue); without it, plain decoding on the model without them.
	Medusa bool
	// Progress, when set, is called after each decoder call with the tokens generated per video
	// so far and the number to generate.
	Progress func(done, total int)
}

// GenerateResult is what [Generator.Generate] made.
type GenerateResult struct {
	// Clips are the videos, in request order: the decoded condition frames, then the new ones.
	Clips []*video.Clip
	// IDs are each video's token ids, Grid.Tokens() long, t slowest: the condition's, then the
	// generated ones.
	IDs [][]int32
	// Grid is the token grid of one video; CondFrames the condition frames (CondTokens tokens).
	Grid       Grid
	CondFrames int
	CondTokens int
	// NewTokens and NewFrames are generated per video.
	NewTokens, NewFrames int
	FPS                  float64
	// Calls counts the decoder calls (prefill included); AcceptanceLength the new tokens per
	// call per video (1 without Medusa); Guessed and Accepted the Medusa guesses per video.
	Calls             int
	AcceptanceLength  float64
	Guessed, Accepted int
	// GuardrailsRun says whether the guards ran; Guardrails holds their verdicts: each video's
	// prompt, then each video.
	GuardrailsRun bool
	Guardrails    []guardrail.Verdict
	// DecodeSeconds is the token loop's time (on a Generator's first request of a batch size and
	// grid it includes compiling the decoder's graphs); TokensPerSecond the new tokens of all
	// videos over it. Seconds is Generate's whole time; FramesPerSecond the new frames of all videos over
	// it (tokenizer encode and decode and guards included).
	DecodeSeconds   float64
	TokensPerSecond float64
	Seconds         float64
	FramesPerSecond float64
}

// Generate continues each video of r: the pre-guard checks every prompt, the tokenizer encodes
// the condition frames (the input's first CondFrames frames, repeated to the video's length as
// one causal window, of which the condition's latent frames are kept), the decoder generates
// the remaining latent frames' tokens for all videos at once (each with its own Sampler seeded
// with its Seed), the tokenizer decodes them and the post-guard checks each video. ctx is
// checked between decoder calls.
//
// A guard that blocks gives a *worldgen.BlockedError; a request the model cannot take an error
// wrapping ErrInvalid. The result is filled as far as generation went, on error too.
func (g *Generator) Generate(ctx context.Context, r GenerateRequest) (*GenerateResult, error) {
	start := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	res := &GenerateResult{GuardrailsRun: g.guard != nil}
	if g.b == nil {
		return res, fmt.Errorf("autoregressive: generator %s is closed", g.path)
	}
	t, s := g.TemporalCompression(), g.SpatialCompression()
	if r.CondFrames == 0 {
		r.CondFrames = 1
	}
	if r.Frames == 0 {
		r.Frames = g.trainWindow()
	}
	if r.Width == 0 && r.Height == 0 {
		r.Width, r.Height = g.info.Grid.W*s, g.info.Grid.H*s
	}
	if err := r.Sampling.Validate(); err != nil {
		return res, invalidError{err}
	}
	switch {
	case len(r.Videos) == 0:
		return res, invalidf("no videos to generate")
	case r.CondFrames < 1 || (r.CondFrames-1)%t != 0:
		return res, invalidf("%d condition frames: want 1 + k·%d (1 or %d)", r.CondFrames, t, 1+t)
	case r.Frames <= r.CondFrames || (r.Frames-1)%t != 0:
		return res, invalidf("%d frames: want 1 + k·%d, more than the %d condition frames", r.Frames, t, r.CondFrames)
	case r.Width <= 0 || r.Height <= 0 || r.Width%s != 0 || r.Height%s != 0:
		return res, invalidf("size %dx%d: want sides that are positive multiples of %d", r.Width, r.Height, s)
	case r.FPS < 0:
		return res, invalidf("frame rate %g", r.FPS)
	case r.Medusa && g.cfg.MedusaHeads == 0:
		return res, invalidf("model %s has no Medusa heads (train them with TrainMedusa)", g.path)
	case g.diffDec != nil && (r.Frames != g.diffDec.Info().Frames || r.Width != g.diffDec.Info().Width || r.Height != g.diffDec.Info().Height):
		di := g.diffDec.Info()
		return res, invalidf("%d frames at %dx%d: the diffusion decoder decodes %d frames at %dx%d", r.Frames, r.Width, r.Height, di.Frames, di.Width, di.Height)
	}
	grid := Grid{T: 1 + (r.Frames-1)/t, H: r.Height / s, W: r.Width / s}
	if err := g.m.CheckGrid(grid, 0); err != nil {
		return res, invalidf("%d frames at %dx%d (tokens %dx%dx%d) exceed model %s: at most %d frames at %dx%d",
			r.Frames, r.Width, r.Height, grid.T, grid.H, grid.W, g.cfg.Name, g.MaxFrames(), g.cfg.MaxW*s, g.cfg.MaxH*s)
	}
	for i, v := range r.Videos {
		if v.Input == nil || v.Input.Frames < r.CondFrames {
			n := 0
			if v.Input != nil {
				n = v.Input.Frames
			}
			return res, invalidf("video %d: %d input frames, fewer than the %d condition frames", i, n, r.CondFrames)
		}
	}
	res.Grid, res.CondFrames, res.NewFrames = grid, r.CondFrames, r.Frames-r.CondFrames
	res.CondTokens = (1 + (r.CondFrames-1)/t) * grid.H * grid.W
	res.NewTokens = grid.Tokens() - res.CondTokens
	if res.FPS = r.FPS; res.FPS == 0 {
		res.FPS = r.Videos[0].Input.FPS
	}
	if g.guard != nil {
		for i, v := range r.Videos {
			verdict, err := g.guard.CheckPrompt(ctx, v.Prompt)
			res.Guardrails = append(res.Guardrails, verdict)
			if err != nil || !verdict.Allowed {
				return res, fmt.Errorf("video %d: %w", i, &worldgen.BlockedError{Verdict: verdict, Err: err})
			}
		}
	}
	codec, err := g.codec(r.Frames)
	if err != nil {
		return res, err
	}
	cond := make([][]int32, len(r.Videos))
	for i, v := range r.Videos {
		if cond[i], err = g.encodeCondition(ctx, codec, v.Input, r, res); err != nil {
			return res, fmt.Errorf("autoregressive: video %d: %w", i, err)
		}
	}
	dec, err := g.decoder(len(r.Videos), grid, r.Medusa)
	if err != nil {
		return res, err
	}
	if g.cfg.CrossAttn {
		if err := g.setText(ctx, dec, r.Videos); err != nil {
			return res, err
		}
	}
	samplers := make([]*Sampler, len(r.Videos))
	for i, v := range r.Videos {
		samplers[i] = NewSampler(r.Sampling, v.Seed)
	}
	c, err := Continue(ctx, dec, cond, grid.Tokens(), samplers, ContinueOptions{Medusa: r.Medusa, Progress: r.Progress})
	if err != nil {
		if dec.broken != nil { // a failed call consumed its caches: the next request gets a new decoder
			dec.Close()
			delete(g.decoders, decoderKey{len(r.Videos), grid, r.Medusa})
		}
		return res, err
	}
	res.IDs, res.Calls, res.AcceptanceLength = c.IDs, c.Calls, c.AcceptanceLength()
	res.Guessed, res.Accepted, res.DecodeSeconds, res.TokensPerSecond = c.Guessed, c.Accepted, c.Seconds, c.TokensPerSecond()
	for i, ids := range c.IDs {
		tok := &tokenizer.Tokens{Config: g.tok.Config, Frames: r.Frames, Height: r.Height, Width: r.Width, FPS: res.FPS,
			Window: r.Frames, Dims: []int{1, grid.T, grid.H, grid.W}, IDs: ids}
		var clip *video.Clip
		if g.diffDec != nil {
			clip, err = g.diffDec.Decode(ctx, tok, tokendecoder.DecodeOptions{Seed: r.Videos[i].Seed, Steps: g.diffSteps})
		} else {
			clip, err = codec.DecodeContext(ctx, tok, nil)
		}
		if err != nil {
			return res, fmt.Errorf("autoregressive: video %d: decode: %w", i, err)
		}
		if g.guard != nil {
			verdict, blurred, err := g.guard.CheckVideo(ctx, clip)
			res.Guardrails = append(res.Guardrails, verdict)
			if err != nil || !verdict.Allowed {
				res.Clips = nil
				return res, fmt.Errorf("video %d: %w", i, &worldgen.BlockedError{Verdict: verdict, Err: err})
			}
			clip = blurred
		}
		res.Clips = append(res.Clips, clip)
	}
	res.Seconds = time.Since(start).Seconds()
	res.FramesPerSecond = float64(res.NewFrames*len(r.Videos)) / res.Seconds
	return res, nil
}

// encodeCondition returns the condition tokens of one input: its first r.CondFrames frames
// fitted into the video's size, the last one repeated to r.Frames, encoded as one causal
// window, of which the condition's latent frames are kept.
func (g *Generator) encodeCondition(ctx context.Context, codec *tokenizer.Codec, in *video.Clip, r GenerateRequest, res *GenerateResult) ([]int32, error) {
	given := in.Slice(0, r.CondFrames)
	if given.Width != r.Width || given.Height != r.Height {
		var err error
		if given, _, err = diffusion.FitBucket(given, diffusion.Bucket{Width: r.Width, Height: r.Height}); err != nil {
			return nil, err
		}
	}
	full, err := video.NewClip(r.Frames, r.Height, r.Width, res.FPS)
	if err != nil {
		return nil, err
	}
	for f := range r.Frames {
		copy(full.Frame(f), given.Frame(min(f, r.CondFrames-1)))
	}
	tok, err := codec.EncodeContext(ctx, full, nil)
	if err != nil {
		return nil, err
	}
	if len(tok.Dims) != 4 || tok.Dims[0] != 1 || tok.Dims[1] != res.Grid.T || tok.Dims[2] != res.Grid.H || tok.Dims[3] != res.Grid.W {
		return nil, fmt.Errorf("the tokenizer gave ids of dims %v, want [1 %d %d %d]", tok.Dims, res.Grid.T, res.Grid.H, res.Grid.W)
	}
	return tok.IDs[:res.CondTokens], nil
}

// setText embeds the videos' prompts for the cross-attention.
func (g *Generator) setText(ctx context.Context, dec *Decoder, videos []Video) error {
	prompts := make([]string, len(videos))
	for i, v := range videos {
		prompts[i] = v.Prompt
	}
	emb, mask, err := g.text.Encode(ctx, prompts)
	if err != nil {
		return fmt.Errorf("autoregressive: encode the prompts: %w", err)
	}
	defer func() { _ = emb.FinalizeAll(); _ = mask.FinalizeAll() }()
	return dec.SetText(tensors.MustCopyFlatData[float32](emb), emb.Shape().Dim(1), tensors.MustCopyFlatData[float32](mask))
}

// codec returns the tokenizer for videos of window frames. g.mu must be held.
func (g *Generator) codec(window int) (*tokenizer.Codec, error) {
	if c, ok := g.codecs[window]; ok {
		return c, nil
	}
	c, id, err := OpenDVTokenizer(g.b, g.tokPath, window)
	if err != nil {
		var optErr *tokenizer.OptionsError
		if errors.As(err, &optErr) {
			return nil, invalidError{err}
		}
		return nil, err
	}
	if !id.Same(g.tok) {
		c.Close()
		return nil, fmt.Errorf("autoregressive: tokenizer %s changed on disk since the model was opened", g.tokPath)
	}
	g.codecs[window] = c
	return c, nil
}

// decoder returns the decoder for batch videos on grid, with the Medusa heads or without.
// g.mu must be held.
func (g *Generator) decoder(batch int, grid Grid, medusa bool) (*Decoder, error) {
	key := decoderKey{batch, grid, medusa}
	if d, ok := g.decoders[key]; ok {
		return d, nil
	}
	m := g.plain
	if medusa {
		m = g.m
	}
	d, err := NewDecoder(g.b, g.store, m, batch, grid)
	if err != nil {
		return nil, err
	}
	g.decoders[key] = d
	return d, nil
}
