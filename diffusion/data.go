package diffusion

import (
	"context"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/video"
)

// Bucket is a training resolution (width × height in pixels). Cosmos trains on aspect-ratio
// buckets (1:1, 4:3, 3:4, 16:9, 9:16) so clips keep their shape; a clip goes to the bucket of
// nearest aspect ratio, is scaled to fit inside it and reflection-padded to fill it, with a
// padding mask over the added pixels (the Cosmos paper, §5.2 "aspect ratio buckets").
type Bucket struct{ Width, Height int }

// Buckets returns the five Cosmos aspect ratios at about side² pixels, each side a multiple of
// multiple (the tokenizer's spatial compression times the patch size).
func Buckets(side, multiple int) []Bucket {
	ratios := [][2]float64{{1, 1}, {4, 3}, {3, 4}, {16, 9}, {9, 16}}
	out := make([]Bucket, 0, len(ratios))
	for _, r := range ratios {
		w := float64(side) * math.Sqrt(r[0]/r[1])
		h := float64(side) * math.Sqrt(r[1]/r[0])
		round := func(v float64) int { return max(multiple, int(math.Round(v/float64(multiple)))*multiple) }
		out = append(out, Bucket{round(w), round(h)})
	}
	return out
}

// NearestBucket returns the bucket whose aspect ratio is closest to width/height (in log scale).
func NearestBucket(buckets []Bucket, width, height int) Bucket {
	best, bestD := buckets[0], math.Inf(1)
	for _, b := range buckets {
		d := math.Abs(math.Log(float64(b.Width)/float64(b.Height)) - math.Log(float64(width)/float64(height)))
		if d < bestD {
			best, bestD = b, d
		}
	}
	return best
}

// FitBucket scales clip c (area averaging) to the largest size that fits in b with its aspect
// ratio kept, then pads it by reflection (edge pixel not repeated, as numpy's "reflect") to
// b's size, centred. It returns the padded clip and the pixel padding mask [Height·Width]
// (1 on added pixels).
func FitBucket(c *video.Clip, b Bucket) (*video.Clip, []float32, error) {
	scale := math.Min(float64(b.Width)/float64(c.Width), float64(b.Height)/float64(c.Height))
	w := min(b.Width, max(1, int(math.Round(float64(c.Width)*scale))))
	h := min(b.Height, max(1, int(math.Round(float64(c.Height)*scale))))
	if w != c.Width || h != c.Height {
		var err error
		if c, err = video.Resize(c, h, w, video.ResizeArea); err != nil {
			return nil, nil, fmt.Errorf("diffusion: fit to bucket %dx%d: %w", b.Width, b.Height, err)
		}
	}
	top, left := (b.Height-h)/2, (b.Width-w)/2
	out, err := video.NewClip(c.Frames, b.Height, b.Width, c.FPS)
	if err != nil {
		return nil, nil, err
	}
	mask := make([]float32, b.Height*b.Width)
	for y := range b.Height {
		sy := reflectIndex(y-top, h)
		for x := range b.Width {
			sx := reflectIndex(x-left, w)
			if y-top != sy || x-left != sx {
				mask[y*b.Width+x] = 1
			}
			for t := range c.Frames {
				r, g, bl := c.At(t, sy, sx)
				out.Set(t, y, x, r, g, bl)
			}
		}
	}
	return out, mask, nil
}

// reflectIndex maps i onto [0, n) by reflection about the edges without repeating them
// (… 2 1 | 0 1 2 … n-1 | n-2 …); n = 1 always gives 0.
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// LatentMask maps a pixel padding mask [H·W] to the latent grid of spatial compression s
// by nearest sampling (pixel (i·s, j·s) for latent (i, j)), as the reference resizes its
// padding mask with nearest interpolation.
func LatentMask(mask []float32, height, width, s int) []float32 {
	h, w := height/s, width/s
	out := make([]float32, h*w)
	for i := range h {
		for j := range w {
			out[i*w+j] = mask[i*s*width+j*s]
		}
	}
	return out
}

// TrainClip is a training video with its caption and padding mask.
type TrainClip struct {
	Key     string
	Clip    *video.Clip
	Caption string
	Mask    []float32 // pixel padding mask [Height·Width], 1 on padding
}

// ShardClipOptions say which clips ReadShardClips keeps.
type ShardClipOptions struct {
	// Frames is the number of frames taken from the start of each video (1 + k·t for the
	// tokenizer); shorter videos are skipped.
	Frames int
	// Bucket is the training resolution every clip is fitted into.
	Bucket Bucket
	// MaxClips > 0 stops after that many clips.
	MaxClips int
	// Verify hashes every shard against the dataset's index before reading (wfm train
	// --verify; dataset.HashAll) instead of each shard on first use.
	Verify bool
}

// ReadShardClips reads the videos (KEY.y4m, or KEY.mp4 through ffmpeg) and captions (KEY.json)
// of the WebDataset shards dir/prefix, as wfm synth writes them, through the reader every
// trainer shares (dataset.ReadVideos), and fits the first opts.Frames frames of each into
// opts.Bucket. The clips are all held in memory; the trainer draws its batches from them.
func ReadShardClips(dir, prefix string, opts ShardClipOptions) ([]TrainClip, error) {
	if opts.Frames < 1 || opts.Bucket.Width < 1 || opts.Bucket.Height < 1 {
		return nil, fmt.Errorf("diffusion: read shards %s: need frames and a bucket, got %+v", dir, opts)
	}
	var out []TrainClip
	err := dataset.ReadVideos(context.Background(), dir, prefix, dataset.VideoOptions{MinFrames: opts.Frames, Verify: opts.Verify},
		func(s *dataset.VideoSample) error {
			fitted, mask, err := FitBucket(s.Clip.Slice(0, opts.Frames), opts.Bucket)
			if err != nil {
				return err
			}
			out = append(out, TrainClip{Key: s.Key, Clip: fitted, Caption: s.Caption(), Mask: mask})
			if opts.MaxClips > 0 && len(out) >= opts.MaxClips {
				return dataset.ErrStop
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("diffusion: read shards %s: %w", dir, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("diffusion: read shards %s: no video of at least %d frames", dir, opts.Frames)
	}
	return out, nil
}

// TrainingSet holds the examples of a run, in TrainLoss's batch layout: Video is latent
// [N, T', h, w, C], context [N, L, D], fps [N], padding [N, h, w]; Image is the first latent frame
// of each clip with its context and padding — the causal tokenizer encodes a video's first frame
// on its own, so it is exactly the latent of that frame as an image — for joint image+video
// training.
type TrainingSet struct {
	Video, Image []*tensors.Tensor
}

// BuildTrainingSet assembles the tensors for clips and their normalized latents (dims [T', h, w,
// C] each), encoding the captions with enc; s is the tokenizer's spatial compression.
func BuildTrainingSet(ctx context.Context, enc TextEncoder, clips []TrainClip, latents []float32, dims []int, s int) (*TrainingSet, error) {
	n := len(clips)
	per := dims[0] * dims[1] * dims[2] * dims[3]
	if len(latents) != n*per {
		return nil, fmt.Errorf("diffusion: %d latent values for %d clips of %v", len(latents), n, dims)
	}
	captions := make([]string, n)
	fps := make([]float32, n)
	hw := dims[1] * dims[2]
	pad := make([]float32, 0, n*hw)
	frame0 := make([]float32, 0, n*hw*dims[3])
	for i, c := range clips {
		captions[i] = c.Caption
		fps[i] = float32(c.Clip.FPS)
		pad = append(pad, LatentMask(c.Mask, c.Clip.Height, c.Clip.Width, s)...)
		frame0 = append(frame0, latents[i*per:i*per+hw*dims[3]]...)
	}
	emb, _, err := enc.Encode(ctx, captions)
	if err != nil {
		return nil, fmt.Errorf("diffusion: encode captions: %w", err)
	}
	embData := tensors.MustCopyFlatData[float32](emb)
	ed := emb.Shape().Dimensions
	mk := func() *tensors.Tensor { return tensors.FromFlatDataAndDimensions(embData, ed...) }
	return &TrainingSet{
		Video: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(latents, append([]int{n}, dims...)...), mk(),
			tensors.FromFlatDataAndDimensions(fps, n), tensors.FromFlatDataAndDimensions(pad, n, dims[1], dims[2])},
		Image: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(frame0, n, 1, dims[1], dims[2], dims[3]), mk(),
			tensors.FromFlatDataAndDimensions(append([]float32(nil), pad...), n, dims[1], dims[2])},
	}, nil
}
