package diffusion

import (
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/video"
)

func TestReflectIndex(t *testing.T) {
	// numpy.pad(range(4), 5, mode="reflect") = 1 2 3 2 1 | 0 1 2 3 | 2 1 0 1 2.
	want := []int{1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2}
	for i, w := range want {
		if got := reflectIndex(i-5, 4); got != w {
			t.Errorf("reflectIndex(%d, 4) = %d, want %d", i-5, got, w)
		}
	}
	if reflectIndex(7, 1) != 0 {
		t.Error("n = 1 must give 0")
	}
}

func TestFitBucket(t *testing.T) {
	// A 4-wide, 2-high clip into a 4×4 bucket: no resize, one reflected row above and below.
	c, _ := video.NewClip(1, 2, 4, 10)
	for y := range 2 {
		for x := range 4 {
			c.Set(0, y, x, uint8(10*y+x), 0, 0)
		}
	}
	out, mask, err := FitBucket(c, Bucket{Width: 4, Height: 4})
	if err != nil {
		t.Fatal(err)
	}
	for y, wantRow := range []int{1, 0, 1, 0} { // rows: reflect(-1)=1, 0, 1, reflect(2)=0
		for x := range 4 {
			r, _, _ := out.At(0, y, x)
			if int(r) != 10*wantRow+x {
				t.Fatalf("pixel (%d,%d) = %d, want source row %d", y, x, r, wantRow)
			}
			if pad := mask[y*4+x] == 1; pad != (y == 0 || y == 3) {
				t.Fatalf("mask (%d,%d) = %g", y, x, mask[y*4+x])
			}
		}
	}
	// A 16:9-ish clip picks the 16:9 bucket.
	if b := NearestBucket(Buckets(64, 16), 640, 352); b.Width <= b.Height {
		t.Errorf("wide clip got bucket %+v", b)
	}
	if got := LatentMask(mask, 4, 4, 2); len(got) != 4 || got[0] != 1 || got[2] != 0 {
		t.Errorf("latent mask %v", got)
	}
}

func TestNormalizeRoundTrip(t *testing.T) {
	dims := []int{2, 2, 3, 16}
	lat := flat(randn(3, 4, 2, 2, 3, 16))
	for i := range lat {
		lat[i] = lat[i]*3 + 1
	}
	c := mustPreset(t, "tiny")
	c.LatentMean, c.LatentStd = LatentStats(lat, dims)
	z := append([]float32(nil), lat...)
	c.Normalize(z, dims)
	// Per (frame, channel) the normalized values have mean 0 and std σd.
	mean, std := LatentStats(z, dims)
	for i := range mean {
		if math.Abs(float64(mean[i])) > 1e-4 || math.Abs(float64(std[i])-c.SigmaData) > 1e-4 {
			t.Fatalf("normalized stats %g, %g at %d", mean[i], std[i], i)
		}
	}
	c.Denormalize(z, dims)
	if d := maxAbsDiff(z, lat); d > 1e-4 {
		t.Errorf("round trip error %g", d)
	}
}

// TestPoolStdRescale checks the shared per-frame scale: PoolStd gives each row its root mean
// square, and latents normalized per channel then Rescaled to the pooled scale are exactly the
// latents normalized with the pooled statistics (they denormalize back to the originals), with
// the channels' relative sizes kept.
func TestPoolStdRescale(t *testing.T) {
	dims := []int{2, 2, 3, 16}
	lat := flat(randn(5, 4, 2, 2, 3, 16))
	for i := range lat {
		lat[i] *= float32(1 + i%16) // channel k has std about k+1
	}
	c := mustPreset(t, "tiny")
	c.LatentMean, c.LatentStd = LatentStats(lat, dims)
	pooled := PoolStd(c.LatentStd, 16)
	for r := 0; r < len(pooled); r += 16 {
		var sq float64
		for _, v := range c.LatentStd[r : r+16] {
			sq += float64(v) * float64(v)
		}
		if want := math.Sqrt(sq / 16); math.Abs(float64(pooled[r])-want) > 1e-5*want || pooled[r+15] != pooled[r] {
			t.Fatalf("row %d: pooled %v, want all %g", r/16, pooled[r:r+16], want)
		}
	}
	z := append([]float32(nil), lat...)
	c.Normalize(z, dims)
	Rescale(z, dims, c.LatentStd, pooled)
	// Channel 15 now has about 16x channel 0's spread, as in the raw latents.
	_, std := LatentStats(z, dims)
	if ratio := std[15] / std[0]; ratio < 8 {
		t.Errorf("std ratio of channels 15 and 0 after rescaling %.2f, want the raw ~16", ratio)
	}
	p := c
	p.LatentStd = pooled
	p.Denormalize(z, dims)
	if d := maxAbsDiff(z, lat); d > 1e-3 {
		t.Errorf("rescaled latents denormalize with the pooled scale %g away from the originals", d)
	}
}

func FuzzConfigJSON(f *testing.F) {
	for _, name := range []string{"tiny", "7b-v2w"} {
		c, _ := Preset(name)
		data, _ := json.Marshal(c)
		f.Add(data)
	}
	f.Add([]byte(`{"model_channels": 7, "num_heads": 0}`))
	f.Add([]byte(`{"latent_mean": [1], "latent_std": [0]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Config
		if json.Unmarshal(data, &c) != nil {
			return
		}
		if c.Validate() != nil {
			return
		}
		if c.ParamCount() <= 0 || c.HeadDim() <= 0 {
			t.Errorf("valid config %+v has %d parameters", c, c.ParamCount())
		}
	})
}

func TestTrainingSetCache(t *testing.T) {
	c := mustPreset(t, "tiny")
	set := &TrainingSet{Video: trainTensors(3, c),
		Image: []*tensors.Tensor{randn(3, 3, 1, 4, 4, 16), randn(4, 3, 2, c.ContextDim), full(0, 3, 4, 4)}}
	stats := CacheStats{LatentMean: []float32{1, 2}, LatentStd: []float32{3, 4}, DataFPS: 16, Clips: 3, Dims: []int{3, 4, 4, 16}}
	path := filepath.Join(t.TempDir(), "latents.safetensors")
	if _, _, err := LoadTrainingSet(path, "k"); !CacheUnusable(err) {
		t.Fatalf("missing cache: %v", err)
	}
	if err := SaveTrainingSet(path, "k", set, stats); err != nil {
		t.Fatal(err)
	}
	got, gotStats, err := LoadTrainingSet(path, "k")
	if err != nil {
		t.Fatal(err)
	}
	if gotStats.DataFPS != 16 || len(got.Video) != 4 || len(got.Image) != 3 || maxAbsDiff(flat(got.Video[0]), flat(set.Video[0])) != 0 {
		t.Errorf("round trip: %+v", gotStats)
	}
	if _, _, err := LoadTrainingSet(path, "other"); !errors.Is(err, ErrCacheStale) {
		t.Errorf("other key: %v", err)
	}
}

func FuzzCacheStats(f *testing.F) {
	f.Add(`{"latent_mean":[1],"latent_std":[1],"clips":2,"dims":[1,2,2,16]}`)
	f.Add(`{"clips":-1}`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, s string) {
		st, err := parseCacheStats(s)
		if err == nil && (st.Clips < 1 || len(st.Dims) != 4) {
			t.Errorf("%q accepted as %+v", s, st)
		}
	})
}
