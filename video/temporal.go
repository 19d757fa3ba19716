package video

import (
	"fmt"
	"math"
)

// Resample converts the clip to fps by nearest-time frame selection: output frame j shows
// the instant j/fps, and takes the source frame whose time i/c.FPS is nearest (ties go to
// the later frame). The output covers the same duration, ceil(Frames*fps/c.FPS) frames, so
// downsampling drops frames and upsampling repeats them; nothing is blended.
func Resample(c *Clip, fps float64) (*Clip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkFPS(fps); err != nil {
		return nil, err
	}
	ratio := c.FPS / fps // source frames per output frame
	// The epsilon keeps exact ratios (60 -> 30 fps) from gaining a frame to rounding.
	n := max(1, int(math.Ceil(float64(c.Frames)/ratio-1e-9)))
	out, err := NewClip(n, c.Height, c.Width, fps)
	if err != nil {
		return nil, err
	}
	for j := range n {
		i := min(c.Frames-1, int(math.Floor(float64(j)*ratio+0.5+1e-9)))
		copy(out.Frame(j), c.Frame(i))
	}
	return out, nil
}

// Windows splits the clip into windows of length frames, consecutive windows sharing
// overlap frames (a stride of length-overlap). When the strides do not end exactly at the
// last frame, one more window is aligned to the end, so every frame is in some window; that
// last window overlaps its neighbour by more than overlap. The windows are views sharing
// c.Pix (Clone them to modify independently). The clip must have at least length frames.
func Windows(c *Clip, length, overlap int) ([]*Clip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if length <= 0 || overlap < 0 || overlap >= length {
		return nil, fmt.Errorf("video: Windows(length %d, overlap %d): need length > 0 and 0 <= overlap < length", length, overlap)
	}
	if c.Frames < length {
		return nil, fmt.Errorf("video: Windows of %d frames from a %d-frame clip", length, c.Frames)
	}
	stride := length - overlap
	var out []*Clip
	start := 0
	for ; start+length <= c.Frames; start += stride {
		out = append(out, c.Slice(start, start+length))
	}
	if last := start - stride + length; last < c.Frames {
		out = append(out, c.Slice(c.Frames-length, c.Frames))
	}
	return out, nil
}
