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
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/weights"
)

// PairsFile is the cache of the training pairs (FSQ codes and normalized CV latents) in the
// run folder: a later run on the same clips and tokenizers skips both encoders.
const PairsFile = "pairs.safetensors"

// TrainOptions configure [Train].
type TrainOptions struct {
	// Loop is the training loop; Loop.Dir, the run folder, is required (checkpoints, metrics,
	// PairsFile, and the exported model: diffusion.WeightsFile, model.json, InfoFile).
	Loop train.Config
	// DVTokenizer and CVTokenizer are the tokenizer weights files; they must share one latent
	// grid (same spatial and temporal compression).
	DVTokenizer, CVTokenizer string
	// Width, Blocks and Heads shape the DiT (0: 64, 2, 4); its other settings are diffusion's
	// "tiny" preset's.
	Width, Blocks, Heads int
	// BatchSize is the number of clips per step (0: 8).
	BatchSize int
	// Residual (our addition, not in Cosmos) also conditions on the DV decode's own CV latent
	// (the DV-decoded video encoded by the CV tokenizer, "the base") and makes the DiT sample
	// the CV latent's offset from it: a network that outputs nothing then gives the DV decode
	// (through the CV tokenizer), and it only has to learn the correction.
	Residual bool
	// Log receives notes (clips, latent shape, cache use); nil discards them.
	Log io.Writer
}

// TrainResult is what [Train] did.
type TrainResult struct {
	Config diffusion.Config
	Run    *train.Result
	// Clips is the number of training clips; Cached whether the pairs came from PairsFile.
	Clips  int
	Cached bool
}

// Config returns the DiT configuration Train builds for latents of channels channels
// conditioned on extra values per position (the FSQ code, and with TrainOptions.Residual the
// base latent too), width×blocks with heads heads.
func Config(channels, extra, width, blocks, heads int) (diffusion.Config, error) {
	c, err := diffusion.Preset("tiny")
	if err != nil {
		return c, err
	}
	c.Name = "token-decoder"
	c.LatentChannels, c.ExtraChannels = channels, extra
	c.ModelChannels, c.NumBlocks, c.NumHeads = width, blocks, heads
	c.AdaLNLoRADim = min(c.AdaLNLoRADim, width)
	c.ContextDim, c.ContextLen = 4, 1
	guidance := 0.0
	c.SampleGuidance = &guidance
	return c, c.Validate()
}

// Train trains a diffusion decoder on clips (all of Frames frames at one size, the tokenizers'
// window): each clip's DV ids, as FSQ codes, condition the denoising of its CV latent. The pairs
// are encoded once and cached (PairsFile); a run folder with a checkpoint resumes exactly.
func Train(ctx context.Context, b compute.Backend, clips []*video.Clip, opts TrainOptions) (TrainResult, error) {
	var none TrainResult
	if opts.Loop.Dir == "" {
		return none, errors.New("tokendecoder: train: Loop.Dir is required")
	}
	if len(clips) == 0 {
		return none, errors.New("tokendecoder: train: no clips")
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = 8
	}
	if opts.Width == 0 {
		opts.Width = 64
	}
	if opts.Blocks == 0 {
		opts.Blocks = 2
	}
	if opts.Heads == 0 {
		opts.Heads = 4
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.BatchSize < 1 || opts.BatchSize > len(clips) {
		return none, fmt.Errorf("tokendecoder: train: batch %d for %d clips", opts.BatchSize, len(clips))
	}
	first := clips[0]
	for i, c := range clips {
		if c.Frames != first.Frames || c.Width != first.Width || c.Height != first.Height {
			return none, fmt.Errorf("tokendecoder: train: clip %d is %d frames at %dx%d, clip 0 %d at %dx%d",
				i, c.Frames, c.Width, c.Height, first.Frames, first.Width, first.Height)
		}
	}
	if err := opts.Loop.Validate(); err != nil {
		return none, err
	}
	tok, err := openTokenizers(b, opts.DVTokenizer, opts.CVTokenizer, first.Frames)
	if err != nil {
		return none, err
	}
	defer tok.close()
	extra := tok.fsq.Dim()
	if opts.Residual {
		extra += tok.cvCfg.LatentChannels
	}
	cfg, err := Config(tok.cvCfg.LatentChannels, extra, opts.Width, opts.Blocks, opts.Heads)
	if err != nil {
		return none, err
	}
	if err := os.MkdirAll(opts.Loop.Dir, 0o755); err != nil {
		return none, err
	}
	set, dims, cached, err := pairs(ctx, tok, clips, cfg, opts.Residual, filepath.Join(opts.Loop.Dir, PairsFile))
	if err != nil {
		return none, err
	}
	cfg.LatentMean, cfg.LatentStd = set.mean, set.std
	if err := cfg.CheckLatentSize(dims[0], dims[1], dims[2]); err != nil {
		return none, fmt.Errorf("tokendecoder: train: %w", err)
	}
	fmt.Fprintf(opts.Log, "%d clips of %d frames at %dx%d (latent %v, cached %v), DiT %dx%d, %d parameters\n",
		len(clips), first.Frames, first.Width, first.Height, dims, cached, cfg.ModelChannels, cfg.NumBlocks, cfg.ParamCount())
	m, err := diffusion.New(cfg)
	if err != nil {
		return none, err
	}
	loss, err := m.TrainLoss(diffusion.TrainOptions{PMean: 0, PStd: 1})
	if err != nil {
		return none, err
	}
	loader, err := train.NewSliceLoader(opts.BatchSize, opts.Loop.Seed, set.tensors...)
	if err != nil {
		return none, err
	}
	store := model.NewStore()
	r, err := train.Run(ctx, b, store, loss, loader, opts.Loop, train.WithModelConfig(cfg))
	if err != nil {
		return none, err
	}
	if err := diffusion.SaveWeights(filepath.Join(opts.Loop.Dir, diffusion.WeightsFile), store, cfg, opts.Loop.EMADecay > 0); err != nil {
		return none, err
	}
	info := Info{DVTokenizer: opts.DVTokenizer, DVSHA256: tok.dvSum, CVTokenizer: opts.CVTokenizer, CVSHA256: tok.cvSum,
		Frames: first.Frames, Width: first.Width, Height: first.Height, FPS: first.FPS, Clips: len(clips),
		Residual: opts.Residual, BaseMean: set.baseMean, BaseStd: set.baseStd}
	if err := writeInfo(opts.Loop.Dir, info); err != nil {
		return none, err
	}
	return TrainResult{Config: cfg, Run: r, Clips: len(clips), Cached: cached}, nil
}

// pairSet is the training tensors in diffusion.TrainLoss's layout with BatchExtra.
type pairSet struct {
	tensors           []*tensors.Tensor
	mean, std         []float32
	baseMean, baseStd []float32 // Residual only
}

// pairs encodes (or loads from cachePath) every clip's normalized CV latent and FSQ codes.
func pairs(ctx context.Context, tok *tokenizers, clips []*video.Clip, cfg diffusion.Config, residual bool, cachePath string) (*pairSet, []int, bool, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s %d %v\n", tok.dvSum, tok.cvSum, len(clips), residual)
	for _, c := range clips {
		fmt.Fprintf(h, "%d %d %d %g\n", c.Frames, c.Width, c.Height, c.FPS)
		h.Write(c.Pix)
	}
	key := hex.EncodeToString(h.Sum(nil))
	if set, dims, err := loadPairs(cachePath, key); err == nil {
		return set, dims, true, nil
	} else if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, errStale) {
		return nil, nil, false, err
	}
	latents, dims, err := diffusion.EncodeClipsContext(ctx, tok.cv, clips, nil)
	if err != nil {
		return nil, nil, false, err
	}
	n := len(clips)
	per := dims[0] * dims[1] * dims[2]
	codes := make([]float32, 0, n*per*tok.fsq.Dim())
	var bases []float32
	for i, c := range clips {
		ids, err := tok.dv.EncodeContext(ctx, c, nil)
		if err != nil {
			return nil, nil, false, fmt.Errorf("tokendecoder: DV encode clip %d: %w", i, err)
		}
		if len(ids.Dims) != 4 || ids.Dims[0] != 1 || ids.Dims[1] != dims[0] || ids.Dims[2] != dims[1] || ids.Dims[3] != dims[2] {
			return nil, nil, false, fmt.Errorf("tokendecoder: clip %d: DV ids %v, CV latent %v: not one grid", i, ids.Dims, dims)
		}
		cs, err := tok.codes(ids.IDs)
		if err != nil {
			return nil, nil, false, err
		}
		codes = append(codes, cs...)
		if residual {
			base, err := tok.base(ctx, ids)
			if err != nil {
				return nil, nil, false, fmt.Errorf("tokendecoder: clip %d: %w", i, err)
			}
			bases = append(bases, base...)
		}
	}
	set := &pairSet{}
	extra := codes
	if residual {
		for i := range latents {
			latents[i] -= bases[i]
		}
		set.baseMean, set.baseStd = diffusion.LatentStats(bases, dims)
		bn := cfg
		bn.LatentMean, bn.LatentStd = set.baseMean, set.baseStd
		size := per * dims[3]
		for i := range n {
			bn.Normalize(bases[i*size:(i+1)*size], dims)
		}
		extra = interleave(codes, tok.fsq.Dim(), bases, dims[3])
	}
	set.mean, set.std = diffusion.LatentStats(latents, dims)
	norm := cfg
	norm.LatentMean, norm.LatentStd = set.mean, set.std
	for i := range n {
		norm.Normalize(latents[i*per*dims[3]:(i+1)*per*dims[3]], dims)
	}
	fps := make([]float32, n)
	for i, c := range clips {
		fps[i] = float32(c.FPS)
	}
	ts := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(latents, n, dims[0], dims[1], dims[2], dims[3]),
		tensors.FromFlatDataAndDimensions(make([]float32, n*cfg.ContextLen*cfg.ContextDim), n, cfg.ContextLen, cfg.ContextDim),
		tensors.FromFlatDataAndDimensions(fps, n),
		tensors.FromFlatDataAndDimensions(make([]float32, n*dims[1]*dims[2]), n, dims[1], dims[2]),
		tensors.FromFlatDataAndDimensions(extra, n, dims[0], dims[1], dims[2], cfg.ExtraChannels),
	}
	set.tensors = ts
	if err := savePairs(cachePath, key, set, dims); err != nil {
		return nil, nil, false, err
	}
	return set, dims, false, nil
}

var errStale = errors.New("made from other clips or tokenizers")

// cacheMeta is the cache's metadata besides the key.
type cacheMeta struct {
	Mean     []float32 `json:"latent_mean"`
	Std      []float32 `json:"latent_std"`
	BaseMean []float32 `json:"base_mean,omitempty"`
	BaseStd  []float32 `json:"base_std,omitempty"`
	Dims     []int     `json:"dims"`
}

// savePairs writes set to path atomically under key.
func savePairs(path, key string, set *pairSet, dims []int) error {
	var ts []safetensors.Tensor
	for i, t := range set.tensors {
		st, err := weights.TensorFromGoMLX(fmt.Sprintf("pairs/%d", i), t)
		if err != nil {
			return err
		}
		ts = append(ts, st)
	}
	js, err := json.Marshal(cacheMeta{Mean: set.mean, Std: set.std, BaseMean: set.baseMean, BaseStd: set.baseStd, Dims: dims})
	if err != nil {
		return err
	}
	if err := safetensors.WriteFile(path, ts, map[string]string{"key": key, "stats": string(js)}); err != nil {
		return fmt.Errorf("tokendecoder: save %s: %w", path, err)
	}
	return nil
}

// loadPairs reads savePairs' file; a missing file is os.ErrNotExist, another key errStale.
func loadPairs(path, key string) (*pairSet, []int, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("tokendecoder: pair cache %s: %w", path, err)
	}
	defer f.Close()
	md := f.Metadata()
	if md["key"] != key {
		return nil, nil, fmt.Errorf("tokendecoder: pair cache %s: %w", path, errStale)
	}
	var meta cacheMeta
	if err := json.Unmarshal([]byte(md["stats"]), &meta); err != nil || len(meta.Dims) != 4 {
		return nil, nil, fmt.Errorf("tokendecoder: pair cache %s: bad stats (%v)", path, err)
	}
	set := &pairSet{mean: meta.Mean, std: meta.Std, baseMean: meta.BaseMean, baseStd: meta.BaseStd}
	for i := range 5 {
		st, err := f.Read(fmt.Sprintf("pairs/%d", i))
		if err != nil {
			return nil, nil, fmt.Errorf("tokendecoder: pair cache %s: %w", path, err)
		}
		t, err := weights.TensorToGoMLX(st)
		if err != nil {
			return nil, nil, fmt.Errorf("tokendecoder: pair cache %s: %w", path, err)
		}
		set.tensors = append(set.tensors, t)
	}
	return set, meta.Dims, nil
}

// ReadClips reads the videos of the WebDataset shards dir/prefix (wfm synth's) and cuts the
// first frames frames of each, fitted into width×height (diffusion.FitBucket): the last holdOut
// videos are returned as held, the others (at most maxTrain, 0: all) as trainClips.
func ReadClips(ctx context.Context, dir, prefix string, frames, width, height, maxTrain, holdOut int) (trainClips, held []*video.Clip, err error) {
	if frames < 1 || width < 1 || height < 1 || holdOut < 0 || maxTrain < 0 {
		return nil, nil, fmt.Errorf("tokendecoder: read %s: bad sizes (frames %d, %dx%d, max %d, hold out %d)", dir, frames, width, height, maxTrain, holdOut)
	}
	var first, ring []*video.Clip
	total := 0
	err = dataset.ReadVideos(ctx, dir, prefix, dataset.VideoOptions{MinFrames: frames}, func(s *dataset.VideoSample) error {
		c, _, err := diffusion.FitBucket(s.Clip.Slice(0, frames), diffusion.Bucket{Width: width, Height: height})
		if err != nil {
			return fmt.Errorf("%s: %w", s.Key, err)
		}
		total++
		if maxTrain == 0 || len(first) < maxTrain+holdOut {
			first = append(first, c)
		}
		if holdOut > 0 {
			if len(ring) == holdOut {
				ring = ring[1:]
			}
			ring = append(ring, c)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("tokendecoder: read %s: %w", dir, err)
	}
	if total <= holdOut {
		return nil, nil, fmt.Errorf("tokendecoder: read %s: %d videos of at least %d frames, not more than the %d held out", dir, total, frames, holdOut)
	}
	if len(first) == total {
		return first[:total-holdOut], first[total-holdOut:], nil
	}
	return first[:maxTrain], ring, nil
}

// interleave joins per-position vectors: a's na values then b's nb values, position by position.
func interleave(a []float32, na int, b []float32, nb int) []float32 {
	n := len(a) / na
	out := make([]float32, 0, n*(na+nb))
	for p := range n {
		out = append(out, a[p*na:(p+1)*na]...)
		out = append(out, b[p*nb:(p+1)*nb]...)
	}
	return out
}
