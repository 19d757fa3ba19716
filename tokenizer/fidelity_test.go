package tokenizer

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

func randomClip(t *testing.T, seed uint64, frames, h, w int) *video.Clip {
	t.Helper()
	c, err := video.NewClip(frames, h, w, 16)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	for i := range c.Pix {
		c.Pix[i] = uint8(rng.IntN(256))
	}
	return c
}

// TestRegionError checks the masked PSNR against a hand count: only the samples of masked
// pixels count, all three channels of each.
func TestRegionError(t *testing.T) {
	want, _ := video.NewClip(1, 1, 3, 16)
	got, _ := video.NewClip(1, 1, 3, 16)
	copy(got.Pix, []uint8{10, 0, 0, 0, 0, 0, 200, 200, 200}) // pixel 0 off by 10 in R, pixel 2 by 200
	var e RegionError
	if !math.IsNaN(e.PSNR()) {
		t.Errorf("empty region: PSNR %v, want NaN", e.PSNR())
	}
	if err := e.Add(got, want, []bool{true, true, false}); err != nil {
		t.Fatal(err)
	}
	wantPSNR := 10 * math.Log10(255*255/(100.0/6))
	if math.Abs(e.PSNR()-wantPSNR) > 1e-9 || e.Pixels() != 2 {
		t.Errorf("PSNR %v over %d pixels, want %v over 2", e.PSNR(), e.Pixels(), wantPSNR)
	}
	var same RegionError
	if err := same.Add(got, want, []bool{false, true, false}); err != nil || !math.IsInf(same.PSNR(), 1) {
		t.Errorf("equal pixels: PSNR %v, err %v; want +Inf", same.PSNR(), err)
	}
	if err := e.Add(got, want, []bool{true}); err == nil {
		t.Error("short mask: no error")
	}
	other, _ := video.NewClip(2, 1, 3, 16)
	if err := e.Add(other, want, []bool{true, true, true}); err == nil {
		t.Error("clips of different sizes: no error")
	}
}

func TestBaselineSize(t *testing.T) {
	for _, tc := range []struct {
		values               float64
		frames, h, w, wh, ww int
	}{
		{17 * 64 * 64 * 3, 17, 64, 64, 64, 64}, // every sample: no shrinking
		{17 * 8 * 8 * 3, 17, 64, 64, 8, 8},     // 1/64 of them: 8x down
		{17 * 16 * 8 * 3, 17, 64, 32, 16, 8},   // the aspect ratio is kept
		{1, 17, 64, 64, 1, 1},                  // at least one pixel
		{1e12, 17, 64, 64, 64, 64},             // at most the original
		{3 * 8 * 8 * 16, 17, 64, 64, 8, 8},     // CV8x8x8's latent of a 17-frame clip: 7.8 -> 8
		{5 * 16 * 16 * 16, 17, 64, 64, 20, 20}, // cv4x4x4's: 20.04
		{192 * math.Log2(1000) / 8, 17, 64, 64, 2, 2},
	} {
		h, w := BaselineSize(tc.values, tc.frames, tc.h, tc.w)
		if h != tc.wh || w != tc.ww {
			t.Errorf("BaselineSize(%g, %d, %d, %d) = %dx%d, want %dx%d", tc.values, tc.frames, tc.h, tc.w, h, w, tc.wh, tc.ww)
		}
	}
}

// TestDownUp checks the baseline: at full size it is the identity, a constant clip stays
// constant, a horizontal ramp comes back from half size within a grey level in the interior
// (bicubic reproduces linear functions), and less detail is kept the more it shrinks.
func TestDownUp(t *testing.T) {
	clip := randomClip(t, 1, 2, 16, 16)
	same, err := DownUp(clip, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := range clip.Pix {
		if same.Pix[i] != clip.Pix[i] {
			t.Fatalf("full-size DownUp changed sample %d: %d -> %d", i, clip.Pix[i], same.Pix[i])
		}
	}
	flat, _ := video.NewClip(1, 16, 16, 16)
	for i := range flat.Pix {
		flat.Pix[i] = 77
	}
	if got, _ := DownUp(flat, 3, 5); got.Pix[0] != 77 || got.Pix[len(got.Pix)-1] != 77 {
		t.Errorf("constant clip: %d ... %d, want 77", got.Pix[0], got.Pix[len(got.Pix)-1])
	}
	ramp, _ := video.NewClip(1, 16, 32, 16)
	for y := range 16 {
		for x := range 32 {
			for ch := range 3 {
				ramp.Pix[(y*32+x)*3+ch] = uint8(40 + 5*x)
			}
		}
	}
	got, err := DownUp(ramp, 8, 16)
	if err != nil {
		t.Fatal(err)
	}
	for x := 4; x < 28; x++ {
		if d := int(got.Pix[(8*32+x)*3]) - int(ramp.Pix[(8*32+x)*3]); d < -1 || d > 1 {
			t.Errorf("ramp column %d: %d, want %d", x, got.Pix[(8*32+x)*3], ramp.Pix[(8*32+x)*3])
		}
	}
	smooth := randomClip(t, 2, 1, 32, 32)
	prev := math.Inf(1)
	for _, side := range []int{16, 8, 4} {
		du, err := DownUp(smooth, side, side)
		if err != nil {
			t.Fatal(err)
		}
		p, err := quality.PooledPSNR(du, smooth)
		if err != nil {
			t.Fatal(err)
		}
		if p > prev+0.5 {
			t.Errorf("side %d: PSNR %.2f above the larger side's %.2f", side, p, prev)
		}
		prev = p
	}
}

// TestMeasureFidelity round-trips two clips through the committed cv4x4x4-tiny and checks the
// report against direct measurements: whole-frame PSNR as Measure gives it, object PSNR as a
// RegionError over the masked pixels, the token count of the codec's windows, and the baseline
// as DownUp at BaselineSize of the latent's floats.
func TestMeasureFidelity(t *testing.T) {
	store, cfg, err := LoadWeights(filepath.Join("pretrained", "cv4x4x4-tiny.safetensors"), nil)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := NewCodec(testBackend(), mustNew(t, cfg), store, CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer codec.Close()
	clip, err := video.Read(context.Background(), "testdata/val_clip.y4m", video.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clip = clip.Slice(0, 9)
	clips := []*video.Clip{clip, randomClip(t, 5, 9, clip.Height, clip.Width)}
	masks := [][]bool{make([]bool, 9*clip.Height*clip.Width), nil}
	for i := range masks[0] {
		masks[0][i] = (i/clip.Width)%clip.Height < 20 // the top 20 rows of each frame
	}
	f, err := MeasureFidelity(context.Background(), codec, clips, masks)
	if err != nil {
		t.Fatal(err)
	}
	var got []*video.Clip
	var region RegionError
	for i, c := range clips {
		rt, err := codec.RoundTrip(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rt.Decoded)
		if masks[i] != nil {
			if err := region.Add(rt.Decoded, c, masks[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	q, err := Measure(clips, got)
	if err != nil {
		t.Fatal(err)
	}
	// A 9-frame window of 4x4x4: 3 latent frames of 16x16, 16 channels.
	if f.Tokens != 3*16*16 || f.Values != 3*16*16*16 || f.Vocab != 0 || f.BudgetSamples != float64(f.Values) {
		t.Errorf("budget: %d tokens, %d values, vocab %d, %g samples; want 768, 12288, 0, 12288", f.Tokens, f.Values, f.Vocab, f.BudgetSamples)
	}
	if math.Abs(f.PSNR-q.PSNR) > 1e-9 || math.Abs(f.SSIM-q.SSIM) > 1e-9 || math.Abs(f.ObjectPSNR-region.PSNR()) > 1e-9 {
		t.Errorf("PSNR %.4f, SSIM %.4f, object %.4f; want %.4f, %.4f, %.4f", f.PSNR, f.SSIM, f.ObjectPSNR, q.PSNR, q.SSIM, region.PSNR())
	}
	if want := 20.0 / 64 / 2; math.Abs(f.ObjectFraction-want) > 1e-9 {
		t.Errorf("object fraction %.4f, want %.4f", f.ObjectFraction, want)
	}
	h, w := BaselineSize(float64(f.Values), 9, clip.Height, clip.Width)
	du, err := DownUp(clip, h, w)
	if err != nil {
		t.Fatal(err)
	}
	var base RegionError
	if err := base.Add(du, clip, masks[0]); err != nil {
		t.Fatal(err)
	}
	if f.BaselineHeight != h || f.BaselineWidth != w || math.Abs(f.BaselineObjectPSNR-base.PSNR()) > 1e-9 {
		t.Errorf("baseline %dx%d object %.4f, want %dx%d %.4f", f.BaselineHeight, f.BaselineWidth, f.BaselineObjectPSNR, h, w, base.PSNR())
	}
	// The tokenizer beats the baseline on the real clip's objects (it is 3 dB+ better on
	// whole synthetic frames, pretrained/README.md).
	if f.ObjectPSNR <= f.BaselineObjectPSNR {
		t.Errorf("object PSNR %.2f dB not above bicubic's %.2f", f.ObjectPSNR, f.BaselineObjectPSNR)
	}
	if _, err := MeasureFidelity(context.Background(), codec, clips, masks[:1]); err == nil {
		t.Error("fewer masks than clips: no error")
	}
}
