package tokenizer

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/video"
)

// Open loads the weights at path (a 'wfm train tokenizer' export, or an official Cosmos
// checkpoint as LoadWeights reads it) and returns a Codec running them on b with opts. cfg is
// the configuration of files that carry none (official checkpoints; nil otherwise, or to check
// the file's against). Options that do not fit the tokenizer give an *OptionsError. Close the
// codec when done.
func Open(b compute.Backend, path string, cfg *Config, opts CodecOptions) (*Codec, error) {
	store, use, err := LoadWeights(path, cfg)
	if err != nil {
		return nil, err
	}
	m, err := New(use)
	if err != nil {
		return nil, err
	}
	return NewCodec(b, m, store, opts)
}

// Config is the configuration of the tokenizer the codec runs.
func (c *Codec) Config() Config { return c.m.Config() }

// Window is the number of frames per temporal window (CodecOptions.Window, its default
// resolved).
func (c *Codec) Window() int { return c.frames }

// Windows is the number of temporal windows a clip of frames frames is cut into: the calls
// to Encode's (and Decode's) progress callback.
func (c *Codec) Windows(frames int) int { return (frames + c.frames - 1) / c.frames }

// SameModel reports whether two configurations describe the same tokenizer (tokens made by one
// decode with the other).
func SameModel(a, b Config) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// RoundTrip is a clip encoded and decoded by RoundTrip, with the reconstruction's quality and
// the time each half took.
type RoundTrip struct {
	Tokens  *Tokens
	Decoded *video.Clip
	Quality Quality
	// EncodeMSPerFrame and DecodeMSPerFrame are milliseconds per frame of the clip.
	EncodeMSPerFrame, DecodeMSPerFrame float64
}

// RoundTripError is RoundTrip's error when encoding or decoding fails.
type RoundTripError struct {
	Stage string // "encoding" or "decoding"
	Err   error
}

func (e *RoundTripError) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *RoundTripError) Unwrap() error { return e.Err }

// RoundTrip encodes clip, decodes its tokens and measures the reconstruction against it
// (Measure). progress, if not nil, is called once per window encoded and once per window
// decoded. A failure to encode or decode is a *RoundTripError. RoundTrip is RoundTripContext
// without cancellation.
func (c *Codec) RoundTrip(clip *video.Clip, progress func()) (*RoundTrip, error) {
	return c.RoundTripContext(context.Background(), clip, progress)
}

// RoundTripContext is RoundTrip, stopping between windows and tiles when ctx is done (a
// *RoundTripError wrapping ctx.Err()).
func (c *Codec) RoundTripContext(ctx context.Context, clip *video.Clip, progress func()) (*RoundTrip, error) {
	start := time.Now()
	tok, err := c.EncodeContext(ctx, clip, progress)
	if err != nil {
		return nil, &RoundTripError{"encoding", err}
	}
	mid := time.Now()
	got, err := c.DecodeContext(ctx, tok, progress)
	if err != nil {
		return nil, &RoundTripError{"decoding", err}
	}
	end := time.Now()
	q, err := MeasureContext(ctx, []*video.Clip{clip}, []*video.Clip{got})
	if err != nil {
		return nil, err
	}
	frames := float64(clip.Frames)
	return &RoundTrip{Tokens: tok, Decoded: got, Quality: q,
		EncodeMSPerFrame: float64(mid.Sub(start).Microseconds()) / 1000 / frames,
		DecodeMSPerFrame: float64(end.Sub(mid).Microseconds()) / 1000 / frames}, nil
}
