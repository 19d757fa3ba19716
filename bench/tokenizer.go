package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// TokenizerShape is the input of a timed tokenizer call: Batch videos of Frames frames of
// Height×Width pixels. Frames must be 1 + k·t (t the temporal compression) and Height, Width
// multiples of the spatial compression s, so that each video is one window of the codec and
// reaches the network unpadded.
type TokenizerShape struct {
	Batch  int `json:"batch"`
	Frames int `json:"frames"`
	Height int `json:"height"`
	Width  int `json:"width"`
}

// DefaultTokenizerShape is one video of 17 frames at 64x64, a window of every Cosmos tokenizer
// (17 = 1 + 2·8 = 1 + 4·4).
var DefaultTokenizerShape = TokenizerShape{Batch: 1, Frames: 17, Height: 64, Width: 64}

// CodecTimes are the times of one direction (encode or decode) of [RunTokenizer].
type CodecTimes struct {
	// CompileSeconds is the time of the first call: graph building, compilation and one call.
	CompileSeconds float64 `json:"compile_seconds"`
	// Median, mean, min and max of the timed calls, in seconds per call of Batch videos.
	MedianSeconds float64 `json:"median_seconds"`
	MeanSeconds   float64 `json:"mean_seconds"`
	MinSeconds    float64 `json:"min_seconds"`
	MaxSeconds    float64 `json:"max_seconds"`
	// SecondsPerClip is MedianSeconds / Batch; MSPerFrame is MedianSeconds / (Batch·Frames) in
	// milliseconds (the unit `wfm tokenize roundtrip` prints).
	SecondsPerClip float64 `json:"seconds_per_clip"`
	MSPerFrame     float64 `json:"ms_per_frame"`
}

// fill sets the times from what timeSteps measured for calls of clips videos of frames frames.
func (ct *CodecTimes) fill(tm timing, clips, frames int) {
	s := stats(tm.times)
	ct.CompileSeconds = tm.compile
	ct.MedianSeconds, ct.MeanSeconds, ct.MinSeconds, ct.MaxSeconds = s.median, s.mean, s.min, s.max
	ct.SecondsPerClip = s.median / float64(clips)
	ct.MSPerFrame = 1000 * s.median / float64(clips*frames)
}

// TokenizerResult is the outcome of [RunTokenizer].
type TokenizerResult struct {
	Name       string           `json:"name"`
	Backend    string           `json:"backend"`
	SIMD       bool             `json:"simd"`
	GOMAXPROCS int              `json:"gomaxprocs"`
	Config     tokenizer.Config `json:"config"`
	Shape      TokenizerShape   `json:"shape"`
	// LatentDims is the latent of one video: [1+T/t, H/s, W/s, LatentChannels] for a continuous
	// tokenizer, [1+T/t, H/s, W/s] token ids for a discrete one.
	LatentDims []int `json:"latent_dims"`
	// Params counts the tokenizer's variables (encoder, decoder, quant_conv, post_quant_conv).
	Params int64 `json:"params"`
	// RandomWeights is true when the weights were freshly initialised (no store was given).
	RandomWeights bool       `json:"random_weights"`
	Reps          int        `json:"reps"`
	Warmup        int        `json:"warmup"`
	Encode        CodecTimes `json:"encode"`
	Decode        CodecTimes `json:"decode"`
}

// RunTokenizer times the video tokenizer cfg on backend b through tokenizer.Codec, the compiled
// path of `wfm tokenize`: Codec.Encode of a fixed random uint8 video of shape (Batch videos cut
// as Batch windows of Frames frames, encoded in one call), then Codec.Decode of its tokens back
// to uint8 frames. Each direction runs once untimed (compilation), warmup more times untimed,
// then reps times timed one by one; each timed call ends with its result on the host (latents
// or ids, then pixels).
//
// store holds the weights (as tokenizer.LoadWeights returns them); nil initialises random
// weights with a fixed seed (the weights do not change the cost). ctx cancels before the
// first call and between calls. Bad shapes, counts and weights missing variables of cfg are
// errors; the argument errors are *ArgumentError.
func RunTokenizer(ctx context.Context, b compute.Backend, cfg tokenizer.Config, store *model.Store, shape TokenizerShape, reps, warmup int) (TokenizerResult, error) {
	if err := cfg.Validate(); err != nil {
		return TokenizerResult{}, err
	}
	t, s := cfg.TemporalCompression, cfg.SpatialCompression
	switch {
	case shape.Batch <= 0:
		return TokenizerResult{}, &ArgumentError{"batch", fmt.Sprintf("must be > 0, got %d", shape.Batch)}
	case shape.Frames < 1 || (shape.Frames-1)%t != 0:
		return TokenizerResult{}, &ArgumentError{"frames", fmt.Sprintf("must be 1 + k·%d (the temporal compression), got %d", t, shape.Frames)}
	case shape.Height <= 0 || shape.Width <= 0 || shape.Height%s != 0 || shape.Width%s != 0:
		return TokenizerResult{}, &ArgumentError{"res", fmt.Sprintf("%dx%d: height and width must be positive multiples of %d (the spatial compression)",
			shape.Height, shape.Width, s)}
	case shape.Batch*shape.Frames*shape.Height*shape.Width > 1<<28:
		return TokenizerResult{}, &ArgumentError{"res", fmt.Sprintf("%d videos of %dx%dx%d are too large", shape.Batch, shape.Frames, shape.Height, shape.Width)}
	case reps <= 0:
		return TokenizerResult{}, &ArgumentError{"reps", fmt.Sprintf("must be > 0, got %d", reps)}
	case warmup < 0:
		return TokenizerResult{}, &ArgumentError{"warmup", fmt.Sprintf("must be >= 0, got %d", warmup)}
	}
	if err := ctx.Err(); err != nil {
		return TokenizerResult{}, err
	}
	m, err := tokenizer.New(cfg)
	if err != nil {
		return TokenizerResult{}, err
	}
	res := TokenizerResult{
		Name: "tokenizer_encode_decode", Backend: b.String(), SIMD: backend.SIMD, GOMAXPROCS: runtime.GOMAXPROCS(0),
		Config: cfg, Shape: shape, RandomWeights: store == nil, Reps: reps, Warmup: warmup,
	}
	if store == nil {
		if store, err = tokenizer.InitStore(b, m, int64(dataSeed)); err != nil {
			return TokenizerResult{}, err
		}
	}
	res.Params = tokenizerParams(store)
	codec, err := tokenizer.NewCodec(b, m, store, tokenizer.CodecOptions{Window: shape.Frames, Batch: shape.Batch})
	if err != nil {
		return TokenizerResult{}, err
	}
	defer codec.Close()
	clip, err := randomClip(shape)
	if err != nil {
		return TokenizerResult{}, err
	}

	var tok *tokenizer.Tokens
	encode := func() (float64, error) {
		var err error
		tok, err = codec.Encode(clip, nil)
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return TokenizerResult{}, err
	}
	tm, err := timeSteps(ctx, "tokenizer encode", reps, warmup, encode)
	if err != nil {
		return TokenizerResult{}, err
	}
	res.Encode.fill(tm, shape.Batch, shape.Frames)
	res.LatentDims = append([]int(nil), tok.Dims[1:]...)

	decode := func() (float64, error) {
		out, err := codec.Decode(tok, nil)
		if err == nil && (out.Frames != clip.Frames || out.Height != clip.Height || out.Width != clip.Width) {
			err = fmt.Errorf("decoded %v, want %v", out, clip)
		}
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return TokenizerResult{}, err
	}
	if tm, err = timeSteps(ctx, "tokenizer decode", reps, warmup, decode); err != nil {
		return TokenizerResult{}, err
	}
	res.Decode.fill(tm, shape.Batch, shape.Frames)
	return res, nil
}

// tokenizerParams counts the scalars of the tokenizer's variables in store.
func tokenizerParams(store *model.Store) int64 {
	var n int64
	for v := range store.IterVariables() {
		for _, top := range []string{tokenizer.EncoderScope, tokenizer.DecoderScope, tokenizer.QuantConvScope, tokenizer.PostQuantConvScope} {
			if strings.HasPrefix(v.Path(), "/"+top+"/") {
				n += int64(v.Shape().Size())
			}
		}
	}
	return n
}

// randomClip returns the Batch videos of shape as one clip of Batch·Frames uniformly random
// frames (the codec cuts it into Batch windows of Frames frames).
func randomClip(shape TokenizerShape) (*video.Clip, error) {
	clip, err := video.NewClip(shape.Batch*shape.Frames, shape.Height, shape.Width, 24)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(dataSeed, 9))
	for i := range clip.Pix {
		clip.Pix[i] = uint8(rng.Uint32())
	}
	return clip, nil
}
