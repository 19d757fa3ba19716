package diffusion

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
)

// EncodeClips turns clips of equal size into tokenizer latents with codec, whose window must be
// the clips' frame count (one window per clip). It returns the latents, one after the other,
// and the shape of one: [T', h, w, C].
func EncodeClips(codec *tokenizer.Codec, clips []*video.Clip, progress func()) ([]float32, []int, error) {
	var all []float32
	var dims []int
	for i, c := range clips {
		tok, err := codec.Encode(c, nil)
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

// LatentStats returns the mean and standard deviation of every (latent frame, channel) pair
// over n latents of shape [T', h, w, C] — the layout of Cosmos's mean_std.pt, whose statistics
// are per channel and per latent frame (the causal first frame is distributed differently).
func LatentStats(latents []float32, dims []int) (mean, std []float32) {
	t, hw, c := dims[0], dims[1]*dims[2], dims[3]
	per := t * hw * c
	n := len(latents) / per
	sum := make([]float64, t*c)
	sq := make([]float64, t*c)
	for s := range n {
		for f := range t {
			for p := range hw {
				base := s*per + (f*hw+p)*c
				for ch := range c {
					v := float64(latents[base+ch])
					sum[f*c+ch] += v
					sq[f*c+ch] += v * v
				}
			}
		}
	}
	mean, std = make([]float32, t*c), make([]float32, t*c)
	count := float64(n * hw)
	for i := range sum {
		m := sum[i] / count
		mean[i] = float32(m)
		std[i] = float32(math.Sqrt(max(sq[i]/count-m*m, 1e-8)))
	}
	return mean, std
}

// PoolStd returns std (rows of channels values, one per latent frame, as LatentStats gives) with
// each row replaced by its root mean square: one scale per latent frame, shared by all channels.
// Per-channel statistics whiten the latent, which suits tokenizers whose channels carry similar
// information (Cosmos's); a tokenizer with a principal-component latent (tokenizer.Config
// LinearShortcut) has channels whose variances span three orders of magnitude, and whitening
// would make the denoising loss spend most of its weight on the faintest detail channels. A
// shared scale keeps their relative sizes, so the loss weighs channels by the signal they hold.
func PoolStd(std []float32, channels int) []float32 {
	out := make([]float32, len(std))
	for r := 0; r+channels <= len(std); r += channels {
		var sq float64
		for _, v := range std[r : r+channels] {
			sq += float64(v) * float64(v)
		}
		rms := float32(math.Sqrt(sq / float64(channels)))
		for k := range channels {
			out[r+k] = rms
		}
	}
	return out
}

// Rescale multiplies normalized latents [.., T', h, w, C] in place by from/to per (latent frame,
// channel), rows of C values as LatentStats gives (frames past the table use its last row): the
// normalization with standard deviations from becomes the one with to.
func Rescale(latent []float32, dims []int, from, to []float32) {
	t, hw, ch := dims[0], dims[1]*dims[2], dims[3]
	rows := len(from) / max(1, ch)
	per := t * hw * ch
	for s := 0; s+per <= len(latent); s += per {
		for f := range t {
			row := min(f, rows-1) * ch
			for p := range hw {
				base := s + (f*hw+p)*ch
				for k := range ch {
					latent[base+k] *= from[row+k] / to[row+k]
				}
			}
		}
	}
}

// Normalize maps tokenizer latents [.., T', h, w, C] to the model's space in place:
// z = (latent - mean)/std·σd with the config's per-frame, per-channel statistics (frames past
// the table use its last row). Without statistics it only scales by σd.
func (c Config) Normalize(latent []float32, dims []int) { c.affine(latent, dims, true) }

// Denormalize inverts Normalize in place.
func (c Config) Denormalize(latent []float32, dims []int) { c.affine(latent, dims, false) }

func (c Config) affine(latent []float32, dims []int, forward bool) {
	t, hw, ch := dims[0], dims[1]*dims[2], dims[3]
	rows := len(c.LatentMean) / max(1, ch)
	per := t * hw * ch
	for s := 0; s+per <= len(latent); s += per {
		for f := range t {
			for p := range hw {
				base := s + (f*hw+p)*ch
				for k := range ch {
					mean, std := float32(0), float32(1)
					if rows > 0 {
						r := min(f, rows-1)
						mean, std = c.LatentMean[r*ch+k], c.LatentStd[r*ch+k]
					}
					if forward {
						latent[base+k] = (latent[base+k] - mean) / std * float32(c.SigmaData)
					} else {
						latent[base+k] = latent[base+k]/float32(c.SigmaData)*std + mean
					}
				}
			}
		}
	}
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

// JointLoader serves the batches of joint image+video training: each batch is a video batch
// followed by an image batch (TrainLoss's 7-tensor layout), from two train.SliceLoaders.
type JointLoader struct {
	Video, Image *train.SliceLoader
}

// Next implements train.Loader.
func (l *JointLoader) Next() ([]*tensors.Tensor, error) {
	v, err := l.Video.Next()
	if err != nil {
		return nil, err
	}
	i, err := l.Image.Next()
	if err != nil {
		return nil, err
	}
	return append(v, i...), nil
}

// State implements train.Loader.
func (l *JointLoader) State() ([]byte, error) {
	v, err := l.Video.State()
	if err != nil {
		return nil, err
	}
	i, err := l.Image.State()
	if err != nil {
		return nil, err
	}
	return json.Marshal([2][]byte{v, i})
}

// Restore implements train.Loader.
func (l *JointLoader) Restore(state []byte) error {
	var s [2][]byte
	if err := json.Unmarshal(state, &s); err != nil {
		return fmt.Errorf("diffusion: joint loader state: %w", err)
	}
	if err := l.Video.Restore(s[0]); err != nil {
		return err
	}
	return l.Image.Restore(s[1])
}

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
