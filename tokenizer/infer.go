package tokenizer

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/weights"
)

// LoadWeights reads tokenizer weights into a new store and returns it with the tokenizer's
// Config. path is either a store saved by [SaveWeights] (weights.SaveStore: variable paths as
// tensor names, the Config in the JSON file beside it) or an official Cosmos-Tokenizer
// checkpoint read by [ImportOfficial]: a safetensors file with Cosmos state-dict keys
// (as [ExportOfficial] writes, whose metadata may hold the Config), a .pt state dict or a .jit
// archive. cfg, when non-nil, is the configuration to use (a preset or a --config file); when
// nil it comes from the file's JSON companion or metadata, and it is an error if there is none.
func LoadWeights(path string, cfg *Config) (*model.Store, Config, error) {
	official := !strings.EqualFold(filepath.Ext(path), ".safetensors")
	var meta map[string]string
	if !official {
		f, err := safetensors.Open(path)
		if err != nil {
			return nil, Config{}, fmt.Errorf("tokenizer: loading weights %s: %w", path, err)
		}
		meta = f.Metadata()
		for _, name := range f.Names() {
			if _, ok := CheckpointName(weights.VariablePath(name)); !ok && strings.Contains(name, ".") {
				official = true
				break
			}
		}
		f.Close()
	}
	var use Config
	switch {
	case cfg != nil:
		use = *cfg
	case official && meta[MetadataConfig] != "":
		if err := json.Unmarshal([]byte(meta[MetadataConfig]), &use); err != nil {
			return nil, Config{}, fmt.Errorf("tokenizer: weights %s: metadata %s: %w", path, MetadataConfig, err)
		}
	case !official:
		if err := weights.ReadConfig(path, &use); err != nil {
			return nil, Config{}, fmt.Errorf("tokenizer: weights %s carry no config (give a preset or --config): %w", path, err)
		}
	default:
		return nil, Config{}, fmt.Errorf("tokenizer: official checkpoint %s carries no config: give a preset or a config file", path)
	}
	if err := use.Validate(); err != nil {
		return nil, Config{}, err
	}
	store := model.NewStore()
	if official {
		if _, err := ImportOfficial(path, use, store); err != nil {
			return nil, Config{}, err
		}
		return store, use, nil
	}
	if err := weights.LoadStore(path, store); err != nil {
		return nil, Config{}, fmt.Errorf("tokenizer: loading weights %s: %w", path, err)
	}
	// Inference only: a variable the file lacks fails the graph build instead of running on
	// initial values (a file of another model would otherwise encode garbage silently).
	weights.Require(store, path)
	return store, use, nil
}

// DefaultOverlap as CodecOptions.Overlap asks for a quarter of the tile.
const DefaultOverlap = -1

// CodecOptions configure how a [Codec] cuts videos into the pieces the tokenizer sees.
type CodecOptions struct {
	// Window is the number of frames per temporal window, 1 + k·t for the tokenizer's temporal
	// compression t; 0 means Config.TrainFrames (1 + 2t, 17 for 8x). Each window is encoded on
	// its own, its first frame as the causal first frame, into 1 + k latent frames.
	Window int
	// Tile is the side, in pixels, of the square spatial tiles a large frame is cut into (a
	// multiple of the spatial compression s); 0 encodes whole frames. Overlap is the number of
	// pixels neighbouring tiles share (a multiple of s, less than Tile); the overlaps are
	// blended linearly. Overlap DefaultOverlap is Tile/4 rounded down to a multiple of s.
	Tile, Overlap int
	// Batch is the number of windows encoded or decoded per call (default 1).
	Batch int
	// MaxMemory bounds, in bytes, the memory one model call may take by Config.WindowMemory's
	// estimate: Encode and Decode refuse a clip that needs more with a *MemoryError (which
	// names the tile that fits) before allocating anything. 0 is DefaultMaxMemory(); a negative
	// value disables the check.
	MaxMemory int64
	// DType is the dtype of the weights and the computation: float32 (default) or bfloat16,
	// which must be the dtype the weights were trained in (TrainOptions.DType). Latents are
	// returned as float32 either way.
	DType dtypes.DType
}

// Codec encodes clips of any length and size into tokens and decodes them back, with the
// weights of one tokenizer. The compiled graphs are cached per input shape. A Codec is not safe
// for concurrent use.
type Codec struct {
	b      compute.Backend
	m      *Tokenizer
	store  *model.Store
	opts   CodecOptions
	nvars  int
	enc    *model.Exec
	dec    *model.Exec
	rec    *model.Exec
	frames int // Window
}

// OptionsError is NewCodec's (and Open's) error for CodecOptions that do not fit the tokenizer.
type OptionsError struct{ Err error }

func (e *OptionsError) Error() string { return e.Err.Error() }
func (e *OptionsError) Unwrap() error { return e.Err }

// NewCodec returns a codec running tokenizer m with the weights of store (as [LoadWeights]
// returns them) on backend b. Options that do not fit the tokenizer give an *OptionsError.
func NewCodec(b compute.Backend, m *Tokenizer, store *model.Store, opts CodecOptions) (*Codec, error) {
	c := m.Config()
	t, s := c.TemporalCompression, c.SpatialCompression
	if opts.Window == 0 {
		opts.Window = c.TrainFrames()
	}
	if opts.Window < 1 || (opts.Window-1)%t != 0 {
		return nil, &OptionsError{fmt.Errorf("tokenizer: window of %d frames is not 1 + k·%d", opts.Window, t)}
	}
	if opts.Overlap == DefaultOverlap {
		opts.Overlap = max(opts.Tile, 0) / 4 / s * s
	}
	if opts.Tile < 0 || opts.Tile%s != 0 || opts.Overlap < 0 || opts.Overlap%s != 0 ||
		(opts.Tile > 0 && opts.Overlap >= opts.Tile) {
		return nil, &OptionsError{fmt.Errorf("tokenizer: tile %d and overlap %d must be multiples of %d with overlap < tile",
			opts.Tile, opts.Overlap, s)}
	}
	if opts.Batch <= 0 {
		opts.Batch = 1
	}
	if opts.DType == dtypes.InvalidDType {
		opts.DType = dtypes.Float32
	}
	if opts.DType != dtypes.Float32 && opts.DType != dtypes.BFloat16 {
		return nil, &OptionsError{fmt.Errorf("tokenizer: codec dtype %s: want float32 or bfloat16", opts.DType)}
	}
	return newCodec(b, m, store, opts)
}

// newCodecFromStore is the codec evaluation uses: whole frames, default window.
func newCodecFromStore(b compute.Backend, m *Tokenizer, store *model.Store, dtype dtypes.DType) (*Codec, error) {
	return newCodec(b, m, store, CodecOptions{Window: m.cfg.TrainFrames(), Batch: 1, DType: dtype})
}

func newCodec(b compute.Backend, m *Tokenizer, store *model.Store, opts CodecOptions) (*Codec, error) {
	c := &Codec{b: b, m: m, store: store, opts: opts, nvars: store.NumVariables(), frames: opts.Window}
	dtype := opts.DType
	var err error
	if c.enc, err = model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		latent, ids := m.Encode(scope, PixelsToModel(x, dtype))
		if ids != nil {
			return ids
		}
		return graph.ConvertDType(latent, dtypes.Float32)
	}); err != nil {
		return nil, err
	}
	if c.dec, err = model.NewExec(b, store, func(scope *model.Scope, z *graph.Node) *graph.Node {
		if m.fsq != nil {
			return modelToPixels(m.DecodeIDs(scope, z))
		}
		return modelToPixels(m.Decode(scope, graph.ConvertDType(z, dtype)))
	}); err != nil {
		return nil, err
	}
	if c.rec, err = model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return modelToPixels(m.Reconstruct(scope, PixelsToModel(x, dtype)))
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// Close frees the compiled graphs.
func (c *Codec) Close() {
	for _, e := range []*model.Exec{c.enc, c.dec, c.rec} {
		if e != nil {
			e.Finalize()
		}
	}
}

// modelToPixels maps model output in [-1, 1] to uint8: round((v+1)·127.5), clamped to [0, 255].
func modelToPixels(y *graph.Node) *graph.Node {
	f := graph.ConvertDType(y, dtypes.Float32)
	f = graph.Round(graph.MulScalar(graph.AddScalar(f, 1), 127.5))
	return graph.ConvertDType(graph.ClipScalar(f, 0, 255), dtypes.Uint8)
}

// call runs e and checks that the store gained no variable: weights that lack one of the
// model's variables would otherwise be silently completed with random values.
func (c *Codec) call(e *model.Exec, arg *tensors.Tensor) (*tensors.Tensor, error) {
	out, err := e.Call1(arg)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	if n := c.store.NumVariables(); n != c.nvars {
		return nil, fmt.Errorf("tokenizer: the weights lack %d variables of the %s model", n-c.nvars, c.m.cfg.Name)
	}
	return out, nil
}

// reconstructBatch runs encode+decode on clips of the same size, each of a length and size the
// tokenizer takes as is.
func (c *Codec) reconstructBatch(clips []*video.Clip) ([]*video.Clip, error) {
	x, err := clipsTensor(clips)
	if err != nil {
		return nil, err
	}
	y, err := c.call(c.rec, x)
	if err != nil {
		return nil, err
	}
	return pixelsToClips(y, clips[0].FPS)
}

// pixelsToClips splits a uint8 tensor [N, T, H, W, 3] into clips.
func pixelsToClips(y *tensors.Tensor, fps float64) ([]*video.Clip, error) {
	dims := y.Shape().Dimensions
	pix := tensors.MustCopyFlatData[uint8](y)
	per := len(pix) / dims[0]
	out := make([]*video.Clip, dims[0])
	for i := range out {
		c, err := video.FromPixels(pix[i*per:(i+1)*per], dims[1], dims[2], dims[3], fps)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// Tokens are the tokens of one video: the continuous latents (CV) or token ids (DV) of its
// temporal windows, with what is needed to decode them back to the original frames.
type Tokens struct {
	Config Config
	// Frames, Height and Width are the original video's; FPS its frame rate.
	Frames, Height, Width int
	FPS                   float64
	// Window is the number of frames each temporal window held (1 + k·t): window i covers frames
	// [i·Window, (i+1)·Window), the last one padded by repeating the last frame.
	Window int
	// Dims are [windows, 1+k, h, w] for IDs and [windows, 1+k, h, w, LatentChannels] for
	// Latent, with h, w the latent size of the padded frame.
	Dims []int
	// Latent holds the CV latents (nil for DV); IDs the DV token ids (nil for CV).
	Latent []float32
	IDs    []int32
}

// paddedSize returns n rounded up to a multiple of m.
func paddedSize(n, m int) int { return (n + m - 1) / m * m }

// tileStarts returns the start positions of tiles of size tile covering n (n >= tile) with at
// least overlap shared between neighbours: a stride of tile-overlap, the last tile aligned to
// the end. Without tiling (tile 0 or tile >= n) it is the single start 0.
func tileStarts(n, tile, overlap int) []int {
	if tile <= 0 || tile >= n {
		return []int{0}
	}
	var starts []int
	for s := 0; ; s += tile - overlap {
		if s+tile >= n {
			return append(starts, n-tile)
		}
		starts = append(starts, s)
	}
}

// blendWeights returns, for each of tiles of size tile starting at starts, its weight at each
// of its positions: 1, ramping linearly over the range it shares with its neighbour on each
// side, so that at any position the weights of the tiles covering it sum to 1.
func blendWeights(starts []int, tile int) [][]float32 {
	out := make([][]float32, len(starts))
	for i, s := range starts {
		w := make([]float32, tile)
		for p := range w {
			w[p] = 1
			pos := s + p
			if i > 0 {
				if end := starts[i-1] + tile; pos < end {
					w[p] *= (float32(pos-s) + 0.5) / float32(end-s)
				}
			}
			if i+1 < len(starts) {
				if next := starts[i+1]; pos >= next {
					w[p] *= (float32(s+tile-pos) - 0.5) / float32(s+tile-next)
				}
			}
		}
		out[i] = w
	}
	return out
}

// ownerTiles returns, for each position in [0, n), the index of the tile among starts whose
// share it falls in: neighbours split their common range at its middle. Discrete tokens are not
// blended: each latent position takes the id of its owner tile.
func ownerTiles(starts []int, tile, n int) []int {
	owner := make([]int, n)
	for i, s := range starts {
		lo, hi := s, s+tile
		if i > 0 {
			lo = (s + starts[i-1] + tile) / 2
		}
		if i+1 < len(starts) {
			hi = (starts[i+1] + s + tile) / 2
		}
		for p := lo; p < hi && p < n; p++ {
			owner[p] = i
		}
	}
	return owner
}

// windows cuts clip c (already padded spatially) into Window-frame windows, padding the last one
// by repeating the last frame.
func (c *Codec) windows(clip *video.Clip) ([]*video.Clip, error) {
	var out []*video.Clip
	for start := 0; start < clip.Frames; start += c.frames {
		end := min(start+c.frames, clip.Frames)
		w, err := video.NewClip(c.frames, clip.Height, clip.Width, clip.FPS)
		if err != nil {
			return nil, err
		}
		fb := clip.FrameBytes()
		copy(w.Pix, clip.Pix[start*fb:end*fb])
		last := clip.Frame(end - 1)
		for t := end - start; t < c.frames; t++ {
			copy(w.Pix[t*fb:], last)
		}
		out = append(out, w)
	}
	return out, nil
}

// Encode turns a clip of any length and size into tokens: its frames are padded by reflection
// to multiples of the spatial compression s, cut into temporal windows (the last padded by
// repeating the last frame), and each window is encoded, whole or as overlapping tiles whose
// latents are blended linearly (CV) or taken from the tile owning each position (DV). progress,
// if not nil, is called after each window. Encode is EncodeContext without cancellation.
func (c *Codec) Encode(clip *video.Clip, progress func()) (*Tokens, error) {
	return c.EncodeContext(context.Background(), clip, progress)
}

// EncodeContext is Encode, stopping with an error wrapping ctx.Err() when ctx is done: it is
// checked before each window (each batch of windows) and each spatial tile.
func (c *Codec) EncodeContext(ctx context.Context, clip *video.Clip, progress func()) (*Tokens, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := clip.Validate(); err != nil {
		return nil, err
	}
	cfg := c.m.cfg
	s := cfg.SpatialCompression
	if err := c.checkMemory(c.Windows(clip.Frames), c.frames, paddedSize(clip.Height, s), paddedSize(clip.Width, s)); err != nil {
		return nil, err
	}
	padded, err := video.PadReflect(clip, s, s)
	if err != nil {
		return nil, err
	}
	wins, err := c.windows(padded)
	if err != nil {
		return nil, err
	}
	lt := 1 + (c.frames-1)/cfg.TemporalCompression
	lh, lw := padded.Height/s, padded.Width/s
	tok := &Tokens{Config: cfg.clone(), Frames: clip.Frames, Height: clip.Height, Width: clip.Width, FPS: clip.FPS,
		Window: c.frames, Dims: []int{len(wins), lt, lh, lw}}
	ch := 1
	if c.m.fsq == nil {
		ch = cfg.LatentChannels
		tok.Dims = append(tok.Dims, ch)
	}
	per := lt * lh * lw * ch
	all := make([]float32, len(wins)*per)
	ys, xs := tileStarts(padded.Height, c.opts.Tile, c.opts.Overlap), tileStarts(padded.Width, c.opts.Tile, c.opts.Overlap)
	for start := 0; start < len(wins); start += c.opts.Batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := wins[start:min(start+c.opts.Batch, len(wins))]
		var out []float32
		if len(ys) == 1 && len(xs) == 1 {
			if out, err = c.encodeBatch(batch); err != nil {
				return nil, err
			}
		} else if out, err = c.encodeTiled(ctx, batch, ys, xs, lt, lh, lw, ch); err != nil {
			return nil, err
		}
		copy(all[start*per:], out)
		for range batch {
			if progress != nil {
				progress()
			}
		}
	}
	if c.m.fsq == nil {
		tok.Latent = all
	} else {
		tok.IDs = make([]int32, len(all))
		for i, v := range all {
			tok.IDs[i] = int32(v)
		}
	}
	return tok, nil
}

// encodeBatch encodes windows of one size whole; the result is flat float32 (ids as floats,
// exact below 2²⁴).
func (c *Codec) encodeBatch(wins []*video.Clip) ([]float32, error) {
	x, err := clipsTensor(wins)
	if err != nil {
		return nil, err
	}
	y, err := c.call(c.enc, x)
	if err != nil {
		return nil, err
	}
	if c.m.fsq != nil {
		ids := tensors.MustCopyFlatData[int32](y)
		out := make([]float32, len(ids))
		for i, v := range ids {
			out[i] = float32(v)
		}
		return out, nil
	}
	return tensors.MustCopyFlatData[float32](y), nil
}

// encodeTiled encodes each window as overlapping Tile x Tile crops and assembles their latents.
func (c *Codec) encodeTiled(ctx context.Context, wins []*video.Clip, ys, xs []int, lt, lh, lw, ch int) ([]float32, error) {
	s := c.m.cfg.SpatialCompression
	tile := c.opts.Tile
	th, tw := min(tile, wins[0].Height), min(tile, wins[0].Width)
	lth, ltw := th/s, tw/s
	lys, lxs := scaleStarts(ys, s), scaleStarts(xs, s)
	wy, wx := blendWeights(lys, lth), blendWeights(lxs, ltw)
	oy, ox := ownerTiles(lys, lth, lh), ownerTiles(lxs, ltw, lw)
	per := lt * lh * lw * ch
	out := make([]float32, len(wins)*per)
	norm := make([]float32, len(wins)*lt*lh*lw)
	for iy, y0 := range ys {
		for ix, x0 := range xs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			crops := make([]*video.Clip, len(wins))
			for i, w := range wins {
				cr, err := video.Crop(w, y0, x0, th, tw)
				if err != nil {
					return nil, err
				}
				crops[i] = cr.Clone()
			}
			z, err := c.encodeBatch(crops)
			if err != nil {
				return nil, err
			}
			for b := range wins {
				for t := range lt {
					for py := range lth {
						for px := range ltw {
							gy, gx := lys[iy]+py, lxs[ix]+px
							src := (((b*lt+t)*lth+py)*ltw + px) * ch
							dst := (((b*lt+t)*lh+gy)*lw + gx) * ch
							if c.m.fsq != nil {
								if oy[gy] == iy && ox[gx] == ix {
									out[dst] = z[src]
								}
								continue
							}
							wgt := wy[iy][py] * wx[ix][px]
							for k := range ch {
								out[dst+k] += wgt * z[src+k]
							}
							norm[dst/ch] += wgt
						}
					}
				}
			}
		}
	}
	if c.m.fsq == nil {
		for i := range out {
			out[i] /= norm[i/ch]
		}
	}
	return out, nil
}

func scaleStarts(starts []int, s int) []int {
	out := make([]int, len(starts))
	for i, v := range starts {
		out[i] = v / s
	}
	return out
}

// Decode turns tokens back into a clip of the original length and size: each window's latents
// (or ids) are decoded, whole or as overlapping latent tiles blended linearly in pixel space,
// the windows are concatenated and the padding cropped away. progress, if not nil, is called
// after each window. Decode is DecodeContext without cancellation.
func (c *Codec) Decode(tok *Tokens, progress func()) (*video.Clip, error) {
	return c.DecodeContext(context.Background(), tok, progress)
}

// DecodeContext is Decode, stopping with an error wrapping ctx.Err() when ctx is done: it is
// checked before each window (each batch of windows) and each spatial tile.
func (c *Codec) DecodeContext(ctx context.Context, tok *Tokens, progress func()) (*video.Clip, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := tok.check(c.m.cfg); err != nil {
		return nil, err
	}
	s := c.m.cfg.SpatialCompression
	n, lt, lh, lw := tok.Dims[0], tok.Dims[1], tok.Dims[2], tok.Dims[3]
	ph, pw := lh*s, lw*s
	window := 1 + (lt-1)*c.m.cfg.TemporalCompression
	if err := c.checkMemory(n, window, ph, pw); err != nil {
		return nil, err
	}
	full, err := video.NewClip(n*window, ph, pw, tok.FPS)
	if err != nil {
		return nil, err
	}
	ys, xs := tileStarts(ph, c.opts.Tile, c.opts.Overlap), tileStarts(pw, c.opts.Tile, c.opts.Overlap)
	for start := 0; start < n; start += c.opts.Batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nb := min(c.opts.Batch, n-start)
		var pix []uint8
		if len(ys) == 1 && len(xs) == 1 {
			if pix, err = c.decodeBatch(tok, start, nb, 0, 0, lh, lw); err != nil {
				return nil, err
			}
		} else if pix, err = c.decodeTiled(ctx, tok, start, nb, ys, xs, window, ph, pw); err != nil {
			return nil, err
		}
		copy(full.Pix[start*window*full.FrameBytes():], pix)
		for range nb {
			if progress != nil {
				progress()
			}
		}
	}
	out := full.Slice(0, tok.Frames)
	return video.Crop(out, 0, 0, tok.Height, tok.Width)
}

// decodeBatch decodes windows [start, start+nb) of tok, restricted to the latent rectangle at
// (ly, lx) of size th x tw, into uint8 pixels [nb, window, th·s, tw·s, 3].
func (c *Codec) decodeBatch(tok *Tokens, start, nb, ly, lx, th, tw int) ([]uint8, error) {
	lt, lh, lw := tok.Dims[1], tok.Dims[2], tok.Dims[3]
	ch := 1
	if tok.Latent != nil {
		ch = tok.Dims[4]
	}
	var arg *tensors.Tensor
	if tok.Latent != nil {
		data := make([]float32, 0, nb*lt*th*tw*ch)
		for b := start; b < start+nb; b++ {
			for t := range lt {
				for y := ly; y < ly+th; y++ {
					row := ((b*lt+t)*lh+y)*lw + lx
					data = append(data, tok.Latent[row*ch:(row+tw)*ch]...)
				}
			}
		}
		arg = tensors.FromFlatDataAndDimensions(data, nb, lt, th, tw, ch)
	} else {
		data := make([]int32, 0, nb*lt*th*tw)
		for b := start; b < start+nb; b++ {
			for t := range lt {
				for y := ly; y < ly+th; y++ {
					row := ((b*lt+t)*lh+y)*lw + lx
					data = append(data, tok.IDs[row:row+tw]...)
				}
			}
		}
		arg = tensors.FromFlatDataAndDimensions(data, nb, lt, th, tw)
	}
	y, err := c.call(c.dec, arg)
	if err != nil {
		return nil, err
	}
	return tensors.MustCopyFlatData[uint8](y), nil
}

// decodeTiled decodes overlapping latent tiles and blends their pixels linearly.
func (c *Codec) decodeTiled(ctx context.Context, tok *Tokens, start, nb int, ys, xs []int, window, ph, pw int) ([]uint8, error) {
	s := c.m.cfg.SpatialCompression
	th, tw := min(c.opts.Tile, ph), min(c.opts.Tile, pw)
	wy, wx := blendWeights(ys, th), blendWeights(xs, tw)
	acc := make([]float32, nb*window*ph*pw*video.Channels)
	norm := make([]float32, nb*window*ph*pw)
	for iy, y0 := range ys {
		for ix, x0 := range xs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			pix, err := c.decodeBatch(tok, start, nb, y0/s, x0/s, th/s, tw/s)
			if err != nil {
				return nil, err
			}
			for f := range nb * window {
				for py := range th {
					for px := range tw {
						wgt := wy[iy][py] * wx[ix][px]
						src := ((f*th+py)*tw + px) * video.Channels
						at := (f*ph+y0+py)*pw + x0 + px
						for k := range video.Channels {
							acc[at*video.Channels+k] += wgt * float32(pix[src+k])
						}
						norm[at] += wgt
					}
				}
			}
		}
	}
	out := make([]uint8, len(acc))
	for i, v := range acc {
		out[i] = uint8(min(255, max(0, v/norm[i/video.Channels]+0.5)))
	}
	return out, nil
}

// check reports tokens that do not fit the tokenizer cfg.
func (tok *Tokens) check(cfg Config) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("tokenizer: tokens: "+format, args...)
	}
	want := 4
	if !cfg.Discrete {
		want = 5
	}
	if len(tok.Dims) != want {
		return bad("dims %v: want %d axes for a %s tokenizer", tok.Dims, want, cfg.Name)
	}
	n := 1
	for _, d := range tok.Dims {
		if d < 1 || d > 1<<24 {
			return bad("dims %v out of range", tok.Dims)
		}
		n *= d
		if n > 1<<31 {
			return bad("dims %v too large", tok.Dims)
		}
	}
	if !cfg.Discrete && (tok.Dims[4] != cfg.LatentChannels || len(tok.Latent) != n || tok.IDs != nil) {
		return bad("dims %v with %d latent values: want %d values of %d channels", tok.Dims, len(tok.Latent), n, cfg.LatentChannels)
	}
	if cfg.Discrete {
		if len(tok.IDs) != n || tok.Latent != nil {
			return bad("dims %v with %d ids", tok.Dims, len(tok.IDs))
		}
		vocab := int32(vocabSize(cfg))
		for _, id := range tok.IDs {
			if id < 0 || id >= vocab {
				return bad("id %d outside [0, %d)", id, vocab)
			}
		}
	}
	t, s := cfg.TemporalCompression, cfg.SpatialCompression
	if tok.Window != 1+(tok.Dims[1]-1)*t {
		return bad("window of %d frames for %d latent frames at %dx temporal compression", tok.Window, tok.Dims[1], t)
	}
	if tok.Frames < 1 || tok.Frames > tok.Dims[0]*tok.Window || tok.Frames <= (tok.Dims[0]-1)*tok.Window {
		return bad("%d frames do not fill %d windows of %d", tok.Frames, tok.Dims[0], tok.Window)
	}
	if tok.Height < 1 || tok.Width < 1 || paddedSize(tok.Height, s) != tok.Dims[2]*s || paddedSize(tok.Width, s) != tok.Dims[3]*s {
		return bad("frame %dx%d does not match the latent %dx%d at %dx spatial compression",
			tok.Width, tok.Height, tok.Dims[3], tok.Dims[2], s)
	}
	if !(tok.FPS > 0) || tok.FPS > 1e6 {
		return bad("frame rate %v", tok.FPS)
	}
	return nil
}

// vocabSize returns the number of token ids of a discrete config.
func vocabSize(cfg Config) int {
	q, err := NewFSQ(cfg.Levels)
	if err != nil {
		return 0
	}
	return q.VocabSize()
}

// InitStore returns a store holding freshly initialised variables of m (the initializers of
// its layers, seeded with seed): the starting point of training, and a model to test the
// plumbing with before any weights exist.
func InitStore(b compute.Backend, m *Tokenizer, seed int64) (*model.Store, error) {
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, seed)
	cfg := m.cfg
	s := cfg.SpatialCompression
	x := tensors.FromShape(shapes.Make(dtypes.Uint8, 1, 1+cfg.TemporalCompression, s, s, cfg.InChannels))
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return m.Reconstruct(scope, PixelsToModel(x, dtypes.Float32))
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	if _, err := exec.Call(x); err != nil {
		return nil, fmt.Errorf("tokenizer: initialising %s: %w", cfg.Name, err)
	}
	return store, nil
}
