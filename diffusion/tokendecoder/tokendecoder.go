package tokendecoder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// InfoFile is the decoder folder's record of its tokenizers and training clips, beside the
// DiT's diffusion.WeightsFile and model.json.
const InfoFile = "decoder.json"

// Info is what a decoder folder records besides the DiT.
type Info struct {
	// DVTokenizer and CVTokenizer are the tokenizer files as given to Train, found as
	// worldgen.ResolveModelPath finds a model's (relative to the folder or one above it, then to
	// the working directory); DVSHA256 and CVSHA256 their contents' hashes.
	DVTokenizer string `json:"dv_tokenizer"`
	DVSHA256    string `json:"dv_sha256"`
	CVTokenizer string `json:"cv_tokenizer"`
	CVSHA256    string `json:"cv_sha256"`
	// Frames, Width and Height are the training clips' size; FPS their frame rate.
	Frames int     `json:"frames"`
	Width  int     `json:"width"`
	Height int     `json:"height"`
	FPS    float64 `json:"fps"`
	// Clips is the number of training clips.
	Clips int `json:"clips"`
	// Residual says the DiT samples the offset from the base latent (TrainOptions.Residual),
	// whose normalization BaseMean and BaseStd record (per latent frame and channel).
	Residual bool      `json:"residual,omitempty"`
	BaseMean []float32 `json:"base_mean,omitempty"`
	BaseStd  []float32 `json:"base_std,omitempty"`
}

// Tokenizers are the two codecs of a decoder, opened for windows of Frames frames.
type tokenizers struct {
	dv, cv       *tokenizer.Codec
	dvCfg, cvCfg tokenizer.Config
	dvSum, cvSum string
	fsq          *tokenizer.FSQ
}

func (t *tokenizers) close() {
	if t.dv != nil {
		t.dv.Close()
	}
	if t.cv != nil {
		t.cv.Close()
	}
}

// openTokenizers opens the DV and CV tokenizer files for windows of frames frames and checks
// that they share one latent grid.
func openTokenizers(b compute.Backend, dvPath, cvPath string, frames int) (*tokenizers, error) {
	t := &tokenizers{}
	var err error
	if t.dvSum, err = hashFile(dvPath); err != nil {
		return nil, fmt.Errorf("tokendecoder: DV tokenizer: %w", err)
	}
	if t.cvSum, err = hashFile(cvPath); err != nil {
		return nil, fmt.Errorf("tokendecoder: CV tokenizer: %w", err)
	}
	store, cfg, err := tokenizer.LoadWeights(dvPath, nil)
	if err != nil {
		return nil, err
	}
	if !cfg.Discrete {
		return nil, fmt.Errorf("tokendecoder: DV tokenizer %s (%s) is continuous", dvPath, cfg.Name)
	}
	m, err := tokenizer.New(cfg)
	if err != nil {
		return nil, err
	}
	if t.dv, err = tokenizer.NewCodec(b, m, store, tokenizer.CodecOptions{Window: frames, Batch: 1}); err != nil {
		return nil, fmt.Errorf("tokendecoder: DV tokenizer %s: %w", dvPath, err)
	}
	t.dvCfg = cfg
	if t.fsq, err = tokenizer.NewFSQ(cfg.Levels); err != nil {
		t.close()
		return nil, fmt.Errorf("tokendecoder: DV tokenizer %s: %w", dvPath, err)
	}
	if t.cv, t.cvCfg, err = diffusion.OpenTokenizer(b, cvPath, frames); err != nil {
		t.close()
		return nil, fmt.Errorf("tokendecoder: CV tokenizer %s: %w", cvPath, err)
	}
	if t.dvCfg.SpatialCompression != t.cvCfg.SpatialCompression || t.dvCfg.TemporalCompression != t.cvCfg.TemporalCompression {
		t.close()
		return nil, fmt.Errorf("tokendecoder: DV tokenizer %s (%dx%dx%d) and CV tokenizer %s (%dx%dx%d) have different latent grids",
			dvPath, t.dvCfg.TemporalCompression, t.dvCfg.SpatialCompression, t.dvCfg.SpatialCompression,
			cvPath, t.cvCfg.TemporalCompression, t.cvCfg.SpatialCompression, t.cvCfg.SpatialCompression)
	}
	return t, nil
}

// codes maps ids to their FSQ code vectors, len(ids)·Dim values.
func (t *tokenizers) codes(ids []int32) ([]float32, error) {
	out := make([]float32, 0, len(ids)*t.fsq.Dim())
	for _, id := range ids {
		c, err := t.fsq.IDToCode(int(id))
		if err != nil {
			return nil, fmt.Errorf("tokendecoder: %w", err)
		}
		out = append(out, c...)
	}
	return out, nil
}

// base is the CV latent of the DV decode of ids: the starting point of a residual decoder.
func (t *tokenizers) base(ctx context.Context, ids *tokenizer.Tokens) ([]float32, error) {
	clip, err := t.dv.DecodeContext(ctx, ids, nil)
	if err != nil {
		return nil, fmt.Errorf("DV decode: %w", err)
	}
	lat, err := t.cv.EncodeContext(ctx, clip, nil)
	if err != nil {
		return nil, fmt.Errorf("CV encode: %w", err)
	}
	if len(lat.Dims) != 5 || lat.Dims[0] != 1 || lat.Dims[1] != ids.Dims[1] || lat.Dims[2] != ids.Dims[2] || lat.Dims[3] != ids.Dims[3] {
		return nil, fmt.Errorf("CV latent %v for ids %v: not one grid", lat.Dims, ids.Dims)
	}
	return lat.Latent, nil
}

// Decoder is a trained diffusion decoder with its tokenizers, on one backend. It is not safe
// for concurrent use.
type Decoder struct {
	dir  string
	info Info
	cfg  diffusion.Config
	tok  *tokenizers
	den  *diffusion.Denoiser
}

// DecodeOptions configure [Decoder.Decode].
type DecodeOptions struct {
	// Seed decides the initial noise: the same ids and seed give the same video.
	Seed uint64
	// Steps is the number of sampler steps (0: diffusion.DefaultSteps).
	Steps int
	// SigmaMin is where the schedule ends (0: diffusion.DefaultSigmaMin): a higher one returns
	// the network's mean estimate at that noise level (smoother, often higher PSNR).
	SigmaMin float64
}

// Open loads the decoder folder dir (Train's run folder or a copy of its model.safetensors,
// model.json and InfoFile) on b with the tokenizers it records, checking their hashes.
func Open(b compute.Backend, dir string) (*Decoder, error) {
	var info Info
	data, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return nil, fmt.Errorf("tokendecoder: %s is not a diffusion decoder folder: %w", dir, err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("tokendecoder: %s: %w", filepath.Join(dir, InfoFile), err)
	}
	if info.Frames < 1 || info.Width < 1 || info.Height < 1 || info.DVTokenizer == "" || info.CVTokenizer == "" {
		return nil, fmt.Errorf("tokendecoder: %s: incomplete record %+v", filepath.Join(dir, InfoFile), info)
	}
	store, cfg, err := diffusion.LoadWeights(filepath.Join(dir, diffusion.WeightsFile), false)
	if err != nil {
		return nil, err
	}
	if cfg.ExtraChannels == 0 {
		return nil, fmt.Errorf("tokendecoder: %s: the model takes no token condition (extra_channels 0)", dir)
	}
	tok, err := openTokenizers(b, worldgen.ResolveModelPath(dir, info.DVTokenizer), worldgen.ResolveModelPath(dir, info.CVTokenizer), info.Frames)
	if err != nil {
		return nil, err
	}
	if tok.dvSum != info.DVSHA256 || tok.cvSum != info.CVSHA256 {
		tok.close()
		return nil, fmt.Errorf("tokendecoder: the tokenizers of %s changed since training (sha256 %.12s/%.12s, recorded %.12s/%.12s)",
			dir, tok.dvSum, tok.cvSum, info.DVSHA256, info.CVSHA256)
	}
	wantExtra := tok.fsq.Dim()
	if info.Residual {
		wantExtra += cfg.LatentChannels
		if len(info.BaseMean) == 0 || len(info.BaseMean) != len(info.BaseStd) || len(info.BaseMean)%cfg.LatentChannels != 0 {
			tok.close()
			return nil, fmt.Errorf("tokendecoder: %s: a residual decoder without its base statistics", filepath.Join(dir, InfoFile))
		}
	}
	if wantExtra != cfg.ExtraChannels || tok.cvCfg.LatentChannels != cfg.LatentChannels {
		tok.close()
		return nil, fmt.Errorf("tokendecoder: %s: model takes %d code and %d latent channels, tokenizers give %d and %d",
			dir, cfg.ExtraChannels, cfg.LatentChannels, tok.fsq.Dim(), tok.cvCfg.LatentChannels)
	}
	d, err := newDecoder(b, store, cfg, tok)
	if err != nil {
		tok.close()
		return nil, err
	}
	d.dir, d.info = dir, info
	return d, nil
}

func newDecoder(b compute.Backend, store *model.Store, cfg diffusion.Config, tok *tokenizers) (*Decoder, error) {
	m, err := diffusion.New(cfg)
	if err != nil {
		return nil, err
	}
	den, err := diffusion.NewDenoiser(b, store, m)
	if err != nil {
		return nil, err
	}
	return &Decoder{cfg: cfg, tok: tok, den: den}, nil
}

// Close releases the denoiser and the tokenizers.
func (d *Decoder) Close() {
	d.den.Close()
	d.tok.close()
}

// Info is the folder's record.
func (d *Decoder) Info() Info { return d.info }

// Config is the DiT's configuration.
func (d *Decoder) Config() diffusion.Config { return d.cfg }

// DVTokenizer is the DV tokenizer's configuration: the ids Decode takes are its.
func (d *Decoder) DVTokenizer() tokenizer.Config { return d.tok.dvCfg }

// Decode samples the CV latent of the video whose DV ids tok holds (one window: Dims
// [1, T, h, w], as Codec.Encode or the autoregressive generator gives them, Frames the
// decoder's training window) and decodes it with the CV tokenizer.
func (d *Decoder) Decode(ctx context.Context, tok *tokenizer.Tokens, opts DecodeOptions) (*video.Clip, error) {
	if tok == nil || len(tok.Dims) != 4 || tok.Dims[0] != 1 || len(tok.IDs) != tok.Dims[1]*tok.Dims[2]*tok.Dims[3] {
		return nil, fmt.Errorf("tokendecoder: want the ids of one window, dims [1 T h w]")
	}
	if tok.Frames != d.info.Frames {
		return nil, fmt.Errorf("tokendecoder: %d frames: decoder %s decodes windows of %d", tok.Frames, d.dir, d.info.Frames)
	}
	if tok.Config.Name != d.tok.dvCfg.Name || fmt.Sprint(tok.Config.Levels) != fmt.Sprint(d.tok.dvCfg.Levels) {
		return nil, fmt.Errorf("tokendecoder: ids of tokenizer %s, decoder %s was trained on %s", tok.Config.Name, d.dir, d.tok.dvCfg.Name)
	}
	extra, err := d.tok.codes(tok.IDs)
	if err != nil {
		return nil, err
	}
	t, h, w := tok.Dims[1], tok.Dims[2], tok.Dims[3]
	dims := []int{t, h, w, d.cfg.LatentChannels}
	var base []float32
	if d.info.Residual {
		if base, err = d.tok.base(ctx, tok); err != nil {
			return nil, fmt.Errorf("tokendecoder: %w", err)
		}
		bn := d.cfg
		bn.LatentMean, bn.LatentStd = d.info.BaseMean, d.info.BaseStd
		nb := append([]float32(nil), base...)
		bn.Normalize(nb, dims)
		extra = interleave(extra, d.tok.fsq.Dim(), nb, d.cfg.LatentChannels)
	}
	fps := tok.FPS
	if !(fps > 0) {
		fps = d.info.FPS
	}
	if !(fps > 0) {
		fps = 24
	}
	lat, err := d.den.Generate(ctx, diffusion.Request{Frames: t, Height: h, Width: w, FPS: fps,
		Context: make([]float32, d.cfg.ContextDim), Extra: extra, Seed: opts.Seed,
		Options: diffusion.SampleOptions{Steps: opts.Steps, SigmaMin: opts.SigmaMin}})
	if err != nil {
		return nil, fmt.Errorf("tokendecoder: %w", err)
	}
	d.cfg.Denormalize(lat, dims)
	for i := range base {
		lat[i] += base[i]
	}
	clip, err := diffusion.DecodeLatent(d.tok.cv, d.tok.cvCfg, lat, dims, tok.Frames, tok.Height, tok.Width, fps)
	if err != nil {
		return nil, fmt.Errorf("tokendecoder: CV decode: %w", err)
	}
	return clip, nil
}

// EncodeIDs returns the DV ids of clip (Frames frames, the training size).
func (d *Decoder) EncodeIDs(ctx context.Context, clip *video.Clip) (*tokenizer.Tokens, error) {
	return d.tok.dv.EncodeContext(ctx, clip, nil)
}

// DecodeDV is the plain DV decode of tok, the baseline the diffusion decoder replaces.
func (d *Decoder) DecodeDV(ctx context.Context, tok *tokenizer.Tokens) (*video.Clip, error) {
	return d.tok.dv.DecodeContext(ctx, tok, nil)
}

func writeInfo(dir string, info Info) error {
	js, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, InfoFile), append(js, '\n'), 0o644)
}

// hashFile returns the hex SHA-256 of a file's contents.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return "", errors.New(path + " is a folder, want a weights file")
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
