package video

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Model tensors hold pixels as float32 in [-1, 1]: v = x/127.5 - 1 for a sample x in 0..255,
// so 0 maps to -1 and 255 to +1 exactly. The inverse rounds (v+1)*127.5 to the nearest
// integer and clamps to 0..255, so uint8 -> float32 -> uint8 is the identity.

// sampleToUnit maps every sample value to [-1, 1].
var sampleToUnit = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i)/127.5 - 1
	}
	return t
}()

func unitToSample(v float32) uint8 {
	x := (v + 1) * 127.5
	switch {
	case x <= 0:
		return 0
	case x >= 255:
		return 255
	}
	return uint8(x + 0.5)
}

// PutFloat32 writes the clip as [T, H, W, 3] values in [-1, 1] into dst, which must have
// exactly len(c.Pix) elements.
func (c *Clip) PutFloat32(dst []float32) {
	if len(dst) != len(c.Pix) {
		panic(fmt.Sprintf("video: PutFloat32: dst has %d elements, the clip %d", len(dst), len(c.Pix)))
	}
	for i, x := range c.Pix {
		dst[i] = sampleToUnit[x]
	}
}

// Float32 returns the clip as a new [T, H, W, 3] slice of values in [-1, 1].
func (c *Clip) Float32() []float32 {
	out := make([]float32, len(c.Pix))
	c.PutFloat32(out)
	return out
}

// FromFloat32 builds a clip from [frames, height, width, 3] values in [-1, 1]. Values outside
// the range are clamped; NaN is an error (it means the model diverged, and there is no
// honest pixel for it).
func FromFloat32(data []float32, frames, height, width int, fps float64) (*Clip, error) {
	c, err := NewClip(frames, height, width, fps)
	if err != nil {
		return nil, err
	}
	if len(data) != len(c.Pix) {
		return nil, fmt.Errorf("video: FromFloat32: %d values for a %dx%dx%dx3 clip (%d)", len(data), frames, height, width, len(c.Pix))
	}
	if err := fillFromFloat32(c.Pix, data); err != nil {
		return nil, err
	}
	return c, nil
}

func fillFromFloat32(dst []uint8, src []float32) error {
	for i, v := range src {
		if math.IsNaN(float64(v)) {
			return fmt.Errorf("video: value %d is NaN", i)
		}
		dst[i] = unitToSample(v)
	}
	return nil
}

// Tensor returns the clip as a float32 tensor of shape [T, H, W, 3] with values in [-1, 1].
func (c *Clip) Tensor() *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, c.Frames, c.Height, c.Width, Channels))
	tensors.MustMutableFlatData(t, c.PutFloat32)
	return t
}

// BatchTensor stacks clips of identical size into a float32 tensor [B, T, H, W, 3] with
// values in [-1, 1].
func BatchTensor(clips []*Clip) (*tensors.Tensor, error) {
	if len(clips) == 0 {
		return nil, fmt.Errorf("video: BatchTensor: no clips")
	}
	c0 := clips[0]
	for i, c := range clips {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("video: BatchTensor: clip %d: %w", i, err)
		}
		if !c.SameSize(c0) {
			return nil, fmt.Errorf("video: BatchTensor: clip %d is %dx%dx%d, clip 0 is %dx%dx%d",
				i, c.Frames, c.Height, c.Width, c0.Frames, c0.Height, c0.Width)
		}
	}
	t := tensors.FromShape(shapes.Make(dtypes.Float32, len(clips), c0.Frames, c0.Height, c0.Width, Channels))
	n := len(c0.Pix)
	tensors.MustMutableFlatData(t, func(flat []float32) {
		for i, c := range clips {
			c.PutFloat32(flat[i*n : (i+1)*n])
		}
	})
	return t, nil
}

// FromTensor converts a float32 tensor [T, H, W, 3] with values in [-1, 1] to a clip.
func FromTensor(t *tensors.Tensor, fps float64) (*Clip, error) {
	clips, err := fromTensor(t, fps, 4)
	if err != nil {
		return nil, err
	}
	return clips[0], nil
}

// FromBatchTensor converts a float32 tensor [B, T, H, W, 3] with values in [-1, 1] to B clips.
func FromBatchTensor(t *tensors.Tensor, fps float64) ([]*Clip, error) {
	return fromTensor(t, fps, 5)
}

func fromTensor(t *tensors.Tensor, fps float64, rank int) ([]*Clip, error) {
	s := t.Shape()
	if s.DType != dtypes.Float32 || s.Rank() != rank || s.Dimensions[rank-1] != Channels {
		want := "[T, H, W, 3]"
		if rank == 5 {
			want = "[B, T, H, W, 3]"
		}
		return nil, fmt.Errorf("video: tensor is %s, want float32 %s", s, want)
	}
	d := s.Dimensions
	batch := 1
	if rank == 5 {
		batch, d = d[0], d[1:]
	}
	if batch <= 0 {
		return nil, fmt.Errorf("video: tensor %s has an empty batch", s)
	}
	clips := make([]*Clip, batch)
	for i := range clips {
		c, err := NewClip(d[0], d[1], d[2], fps)
		if err != nil {
			return nil, err
		}
		clips[i] = c
	}
	n := len(clips[0].Pix)
	var convErr error
	err := tensors.ConstFlatData(t, func(flat []float32) {
		for i, c := range clips {
			if convErr = fillFromFloat32(c.Pix, flat[i*n:(i+1)*n]); convErr != nil {
				convErr = fmt.Errorf("video: batch element %d: %w", i, convErr)
				return
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("video: reading tensor: %w", err)
	}
	if convErr != nil {
		return nil, convErr
	}
	return clips, nil
}
