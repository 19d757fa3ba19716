package diffusion

// The tokenizer side of the diffusion model: opening a continuous tokenizer and going between
// clips and latents through its codec.

import (
	"context"
	"fmt"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// TokenizerPresetPrefix marks a tokenizer spec that names a preset with untrained weights.
const TokenizerPresetPrefix = "preset:"

// OpenTokenizer opens the tokenizer named by spec — a weights file as tokenizer.SaveWeights
// writes it (or any file tokenizer.LoadWeights reads), or "preset:NAME" for freshly initialized
// weights (seed 1; for tests and smoke runs) — as a codec whose window is window frames. It must
// be a continuous (CV) tokenizer.
func OpenTokenizer(b compute.Backend, spec string, window int) (*tokenizer.Codec, tokenizer.Config, error) {
	var store *model.Store
	var cfg tokenizer.Config
	var err error
	if name, ok := strings.CutPrefix(spec, TokenizerPresetPrefix); ok {
		if cfg, err = tokenizer.Preset(name); err != nil {
			return nil, cfg, err
		}
	} else if store, cfg, err = tokenizer.LoadWeights(spec, nil); err != nil {
		return nil, cfg, err
	}
	if cfg.Discrete {
		return nil, cfg, fmt.Errorf("diffusion: tokenizer %s is discrete; the diffusion model needs a continuous (CV) one", spec)
	}
	m, err := tokenizer.New(cfg)
	if err != nil {
		return nil, cfg, err
	}
	if store == nil {
		if store, err = InitTokenizerStore(b, m, 1); err != nil {
			return nil, cfg, err
		}
	}
	codec, err := tokenizer.NewCodec(b, m, store, tokenizer.CodecOptions{Window: window, Batch: 1})
	if err != nil {
		return nil, cfg, fmt.Errorf("diffusion: tokenizer %s: %w", spec, err)
	}
	return codec, cfg, nil
}

// InitTokenizerStore returns a store with freshly initialized (untrained) weights for m,
// seeded: enough to run the pipeline end to end in tests and smoke runs, useless for pictures.
func InitTokenizerStore(b compute.Backend, m *tokenizer.Tokenizer, seed int64) (*model.Store, error) {
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, seed)
	cfg := m.Config()
	s := cfg.SpatialCompression
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		lat, _ := m.Encode(scope, x)
		return m.Decode(scope, lat)
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 1, 1+cfg.TemporalCompression, s, s, cfg.InChannels))
	outs, err := exec.Call(x)
	if err != nil {
		return nil, fmt.Errorf("diffusion: initialize tokenizer: %w", err)
	}
	for _, o := range outs {
		_ = o.FinalizeAll()
	}
	return store, nil
}

// EncodeClips turns clips of equal size into tokenizer latents with codec, whose window must be
// the clips' frame count (one window per clip). It returns the latents, one after the other,
// and the shape of one: [T', h, w, C].
func EncodeClips(codec *tokenizer.Codec, clips []*video.Clip, progress func()) ([]float32, []int, error) {
	return EncodeClipsContext(context.Background(), codec, clips, progress)
}

// EncodeClipsContext is EncodeClips, stopping with an error wrapping ctx.Err() when ctx is done
// (checked between clips and inside the codec between windows and tiles).
func EncodeClipsContext(ctx context.Context, codec *tokenizer.Codec, clips []*video.Clip, progress func()) ([]float32, []int, error) {
	var all []float32
	var dims []int
	for i, c := range clips {
		tok, err := codec.EncodeContext(ctx, c, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("diffusion: encode clip %d: %w", i, err)
		}
		if tok.Latent == nil || len(tok.Dims) != 5 || tok.Dims[0] != 1 {
			return nil, nil, fmt.Errorf("diffusion: clip %d: want one window of continuous latents, got dims %v (is the tokenizer CV and its window %d frames?)",
				i, tok.Dims, c.Frames)
		}
		if dims == nil {
			dims = tok.Dims[1:]
		} else if fmt.Sprint(dims) != fmt.Sprint(tok.Dims[1:]) {
			return nil, nil, fmt.Errorf("diffusion: clip %d: latent %v differs from the first clip's %v", i, tok.Dims[1:], dims)
		}
		all = append(all, tok.Latent...)
		if progress != nil {
			progress()
		}
	}
	return all, dims, nil
}

// DecodeLatent decodes one latent [T', h, w, C] of a clip of frames×height×width pixels at fps.
func DecodeLatent(codec *tokenizer.Codec, cfg tokenizer.Config, latent []float32, dims []int, frames, height, width int, fps float64) (*video.Clip, error) {
	tok := &tokenizer.Tokens{Config: cfg, Frames: frames, Height: height, Width: width, FPS: fps, Window: frames,
		Dims: append([]int{1}, dims...), Latent: latent}
	return codec.Decode(tok, nil)
}
