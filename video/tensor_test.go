package video

import (
	"math"
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

func TestFloat32RoundTripEverySample(t *testing.T) {
	c, _ := NewClip(1, 1, 256, 24) // 768 samples: every value three times
	for i := range c.Pix {
		c.Pix[i] = uint8(i / 3)
	}
	f := c.Float32()
	if f[0] != -1 || f[len(f)-1] != 1 {
		t.Fatalf("0 -> %v and 255 -> %v, want -1 and 1", f[0], f[len(f)-1])
	}
	for i := 3; i < len(f); i += 3 {
		if !(f[i] > f[i-3]) {
			t.Fatalf("mapping not increasing at %d", i/3)
		}
	}
	d, err := FromFloat32(f, 1, 1, 256, 24)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Pix, c.Pix) {
		t.Fatal("uint8 -> float32 -> uint8 is not the identity")
	}
}

func TestFromFloat32ClampsAndRejectsNaN(t *testing.T) {
	d, err := FromFloat32([]float32{-3, 2, 0, float32(math.Inf(1)), float32(math.Inf(-1)), 0.999}, 1, 1, 2, 24)
	if err != nil {
		t.Fatal(err)
	}
	// 0 -> 127.5 -> 128 (round half up); 0.999 -> 254.87 -> 255.
	if want := []uint8{0, 255, 128, 255, 0, 255}; !slices.Equal(d.Pix, want) {
		t.Fatalf("got %v, want %v", d.Pix, want)
	}
	if _, err := FromFloat32([]float32{0, 0, float32(math.NaN())}, 1, 1, 1, 24); err == nil {
		t.Fatal("NaN accepted")
	}
	if _, err := FromFloat32(make([]float32, 5), 1, 1, 2, 24); err == nil {
		t.Fatal("wrong length accepted")
	}
}

func TestTensorRoundTrip(t *testing.T) {
	c := noiseClip(t, 3, 4, 5, 12, 11)
	tt := c.Tensor()
	if got := tt.Shape().Dimensions; !slices.Equal(got, []int{3, 4, 5, 3}) || tt.DType() != dtypes.Float32 {
		t.Fatalf("tensor shape %s", tt.Shape())
	}
	flat := tensors.MustCopyFlatData[float32](tt)
	if !slices.Equal(flat, c.Float32()) {
		t.Fatal("Tensor data differs from Float32")
	}
	d, err := FromTensor(tt, 12)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Pix, c.Pix) || d.FPS != 12 || !d.SameSize(c) {
		t.Fatal("FromTensor(Tensor()) changed the clip")
	}
}

func TestBatchTensor(t *testing.T) {
	a, b := noiseClip(t, 2, 3, 4, 24, 1), noiseClip(t, 2, 3, 4, 24, 2)
	bt, err := BatchTensor([]*Clip{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if got := bt.Shape().Dimensions; !slices.Equal(got, []int{2, 2, 3, 4, 3}) {
		t.Fatalf("batch shape %v", got)
	}
	clips, err := FromBatchTensor(bt, 24)
	if err != nil {
		t.Fatal(err)
	}
	if len(clips) != 2 || !slices.Equal(clips[0].Pix, a.Pix) || !slices.Equal(clips[1].Pix, b.Pix) {
		t.Fatal("batch round trip changed the clips or their order")
	}
	if _, err := BatchTensor([]*Clip{a, noiseClip(t, 3, 3, 4, 24, 3)}); err == nil {
		t.Fatal("BatchTensor accepted clips of different lengths")
	}
	if _, err := BatchTensor(nil); err == nil {
		t.Fatal("BatchTensor accepted no clips")
	}
}

func TestFromTensorRejectsBadShapes(t *testing.T) {
	tests := []struct {
		name  string
		batch bool
		t     *tensors.Tensor
	}{
		{"float64", false, tensors.FromFlatDataAndDimensions(make([]float64, 3), 1, 1, 1, 3)},
		{"rank 3", false, tensors.FromFlatDataAndDimensions(make([]float32, 3), 1, 1, 3)},
		{"4 channels", false, tensors.FromFlatDataAndDimensions(make([]float32, 4), 1, 1, 1, 4)},
		{"batch of rank 4", true, tensors.FromFlatDataAndDimensions(make([]float32, 3), 1, 1, 1, 3)},
		{"NaN", false, tensors.FromFlatDataAndDimensions([]float32{0, float32(math.NaN()), 0}, 1, 1, 1, 3)},
	}
	for _, tt := range tests {
		var err error
		if tt.batch {
			_, err = FromBatchTensor(tt.t, 24)
		} else {
			_, err = FromTensor(tt.t, 24)
		}
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}
