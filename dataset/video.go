package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/wfm-platform/wfm/video"
)

// VideoParts are the sample parts a VideoReader decodes, in the order it looks for them: KEY.y4m
// (pure Go) and KEY.mp4 (through ffmpeg), the two formats wfm synth and wfm curate write.
var VideoParts = []string{"y4m", "mp4"}

// VideoOptions say how a VideoReader checks the shards and which videos it returns. The zero
// value reads every video, checking the shards as OpenDir does.
type VideoOptions struct {
	// MinFrames > 0 skips videos shorter than that many frames.
	MinFrames int
	// Verify hashes every shard against the index before the first sample is returned
	// (HashAll, wfm train --verify) instead of each shard on first use.
	Verify bool
	// Open are the other checks against the index (see OpenDataset); Verify overrides its Hash.
	Open OpenOptions
	// Limits bound what is read (see Limits); zero fields take their defaults.
	Limits Limits
	// TempDir is where an mp4 part is written for ffmpeg, which reads MP4 by seeking; "" is the
	// system's temporary folder.
	TempDir string
}

// VideoSample is a decoded training video: the sample it came from (its key, shard and every
// part), its video and the captions of its KEY.json (wfm synth's "captions" list; none
// without a json part).
type VideoSample struct {
	*Sample
	Clip     *video.Clip
	Captions []string
}

// Caption returns the first caption, or "" when the sample has none.
func (s *VideoSample) Caption() string {
	if len(s.Captions) == 0 {
		return ""
	}
	return s.Captions[0]
}

// VideoReader reads the training videos of a dataset: every trainer that learns from clips
// (tokenizer.ReadShardClips, diffusion.ReadShardClips) reads its shards through it, and then
// cuts and resizes the videos its own way. It streams the shards in their canonical order, one
// sample in memory at a time; shuffling and batching are the trainer's (the trainers load
// their clips into memory and draw batches from them; Loader is the streaming alternative for
// datasets that do not fit).
type VideoReader struct {
	ctx  context.Context
	r    *Reader
	opts VideoOptions
}

// OpenVideos opens the shards dir/prefix for reading videos, checking them against their index
// (see OpenDataset; opts.Verify hashes them all now).
func OpenVideos(ctx context.Context, dir, prefix string, opts VideoOptions) (*VideoReader, error) {
	open := opts.Open
	if opts.Verify {
		open.Hash = HashAll
	}
	d, err := OpenDataset(dir, prefix, open)
	if err != nil {
		return nil, err
	}
	return &VideoReader{ctx: ctx, r: d.Reader(opts.Limits), opts: opts}, nil
}

// Next returns the next video at least opts.MinFrames long, or io.EOF after the last sample. A
// sample with neither a y4m nor an mp4 part, an undecodable video and a json part that is not
// a JSON object with an optional "captions" list of strings are errors naming the shard and
// the key.
func (v *VideoReader) Next() (*VideoSample, error) {
	for {
		if err := v.ctx.Err(); err != nil {
			return nil, err
		}
		s, err := v.r.Next()
		if err != nil {
			return nil, err
		}
		clip, err := v.decode(s)
		if err != nil {
			return nil, err
		}
		if clip.Frames < v.opts.MinFrames {
			continue
		}
		out := &VideoSample{Sample: s, Clip: clip}
		if js, ok := s.Parts["json"]; ok {
			var rec struct {
				Captions []string `json:"captions"`
			}
			if err := json.Unmarshal(js, &rec); err != nil {
				return nil, fmt.Errorf("dataset: shard %s sample %s: bad json: %w", s.Shard, s.Key, err)
			}
			out.Captions = rec.Captions
		}
		return out, nil
	}
}

// Close closes the shard being read.
func (v *VideoReader) Close() error { return v.r.Close() }

// ReadVideos calls fn with every video of the shards dir/prefix (see OpenVideos and Next)
// until the last one, an error, or fn returning ErrStop (which ReadVideos does not return).
func ReadVideos(ctx context.Context, dir, prefix string, opts VideoOptions, fn func(*VideoSample) error) error {
	r, err := OpenVideos(ctx, dir, prefix, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(s); errors.Is(err, ErrStop) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// ErrStop, returned by ReadVideos' callback, ends the reading without an error.
var ErrStop = errors.New("dataset: stop")

// decode decodes the video of a sample: its y4m part, or its mp4 part through ffmpeg (from a
// temporary file, since ffmpeg reads MP4 by seeking).
func (v *VideoReader) decode(s *Sample) (*video.Clip, error) {
	name := s.Shard + ":" + s.Key
	if part, ok := s.Parts["y4m"]; ok {
		c, err := video.DecodeY4M(bytes.NewReader(part), name+".y4m", video.Options{})
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		return c, nil
	}
	part, ok := s.Parts["mp4"]
	if !ok {
		return nil, fmt.Errorf("dataset: shard %s sample %s has no video (want a part of %v, has %v)", s.Shard, s.Key, VideoParts, partNames(s))
	}
	f, err := os.CreateTemp(v.opts.TempDir, "wfm-sample-*.mp4")
	if err != nil {
		return nil, fmt.Errorf("dataset: %s.mp4: %w", name, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(part); err != nil {
		f.Close()
		return nil, fmt.Errorf("dataset: %s.mp4: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("dataset: %s.mp4: %w", name, err)
	}
	c, err := video.Read(v.ctx, f.Name(), video.Options{})
	if err != nil {
		return nil, fmt.Errorf("dataset: %s.mp4 (through %s): %w", name, filepath.Base(f.Name()), err)
	}
	return c, nil
}

func partNames(s *Sample) []string {
	names := make([]string, 0, len(s.Parts))
	for k := range s.Parts {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
