package tokenizer

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/video"
)

func TestTileHelpers(t *testing.T) {
	for _, tc := range []struct{ n, tile, overlap int }{{64, 16, 4}, {40, 16, 8}, {16, 16, 4}, {10, 16, 4}, {33, 8, 0}, {100, 32, 16}} {
		starts := tileStarts(tc.n, tc.tile, tc.overlap)
		tile := min(tc.tile, tc.n)
		if starts[0] != 0 || starts[len(starts)-1]+tile != tc.n {
			t.Errorf("%+v: starts %v do not span [0, %d)", tc, starts, tc.n)
		}
		for i := 1; i < len(starts); i++ {
			if starts[i]-starts[i-1] > tile-tc.overlap || starts[i] <= starts[i-1] {
				t.Errorf("%+v: starts %v leave less than the overlap", tc, starts)
			}
		}
		weights := blendWeights(starts, tile)
		sum := make([]float32, tc.n)
		cover := make([]int, tc.n)
		for i, s := range starts {
			for p, w := range weights[i] {
				if !(w > 0 && w <= 1) {
					t.Errorf("%+v: tile %d weight %v at %d", tc, i, w, p)
				}
				sum[s+p] += w
				cover[s+p]++
			}
		}
		// Where at most two tiles meet, the ramps are complementary; the codec divides by the
		// sum anyway, which matters where the end-aligned last tile makes three meet.
		for p, s := range sum {
			if cover[p] <= 2 && math.Abs(float64(s)-1) > 1e-6 {
				t.Errorf("%+v: weights sum to %v at %d", tc, s, p)
			}
		}
		owner := ownerTiles(starts, tile, tc.n)
		for p, o := range owner {
			if p < starts[o] || p >= starts[o]+tile || (p > 0 && o < owner[p-1]) {
				t.Errorf("%+v: position %d owned by tile %d at %d", tc, p, o, starts[o])
			}
		}
	}
}

// newTestCodec returns a codec of randomly initialised weights.
func newTestCodec(t testing.TB, preset string, opts CodecOptions) (*Codec, *model.Store) {
	t.Helper()
	cfg, err := Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store, err := InitStore(testBackend(), m, 3)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCodec(testBackend(), m, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, store
}

// TestCodecAnyLengthAndSize encodes 12 frames of 20x28 with 9-frame windows: 2 windows (the
// second padded with copies of frame 11), frames padded to 24x32, and decodes back to 12x20x28.
// The second window's latents equal those of its frames encoded alone.
func TestCodecAnyLengthAndSize(t *testing.T) {
	c, _ := newTestCodec(t, "cv8x8x8-tiny", CodecOptions{Window: 9, Batch: 2})
	clip := movingSquares(t, 1, 12, 28)[0]
	clip, err := video.Crop(clip, 0, 0, 20, 28)
	if err != nil {
		t.Fatal(err)
	}
	clip = clip.Clone()
	calls := 0
	tok, err := c.Encode(clip, func() { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 2, 3, 4, 16}; !slices.Equal(tok.Dims, want) || calls != 2 {
		t.Fatalf("dims %v after %d progress calls, want %v after 2", tok.Dims, calls, want)
	}
	got, err := c.Decode(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Frames != 12 || got.Height != 20 || got.Width != 28 {
		t.Fatalf("decoded %v, want 12 frames of 28x20", got)
	}

	// Window 2 alone: frames 9..11 then three copies of frame 11 (and more up to 9 frames).
	second, err := video.NewClip(3, 20, 28, clip.FPS)
	if err != nil {
		t.Fatal(err)
	}
	copy(second.Pix, clip.Slice(9, 12).Pix)
	alone, err := c.Encode(second, nil)
	if err != nil {
		t.Fatal(err)
	}
	per := len(alone.Latent)
	for i, v := range alone.Latent {
		if d := math.Abs(float64(v - tok.Latent[per+i])); d > 1e-5 {
			t.Fatalf("window 2 latent %d: %v alone, %v in the video", i, v, tok.Latent[per+i])
		}
	}
}

// TestCodecTiling checks tiled encoding and decoding: a tile as large as the frame is the
// untiled computation, and with 16-pixel tiles overlapping by 8 over a 32x32 frame, the latent
// corner only tile 0 covers is tile 0's own latent.
func TestCodecTiling(t *testing.T) {
	clip := movingSquares(t, 1, 9, 32)[0]
	whole, _ := newTestCodec(t, "cv8x8x8-tiny", CodecOptions{Window: 9})
	tw, err := whole.Encode(clip, nil)
	if err != nil {
		t.Fatal(err)
	}
	big, err := NewCodec(testBackend(), whole.m, whole.store, CodecOptions{Window: 9, Tile: 32, Overlap: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	tb, err := big.Encode(clip, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.Latent, tw.Latent) {
		t.Error("a tile covering the whole frame changed the latents")
	}
	tiled, err := NewCodec(testBackend(), whole.m, whole.store, CodecOptions{Window: 9, Tile: 16, Overlap: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer tiled.Close()
	tt, err := tiled.Encode(clip, nil)
	if err != nil {
		t.Fatal(err)
	}
	corner, err := video.Crop(clip, 0, 0, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := whole.Encode(corner.Clone(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Latent (t, 0, 0) of the 4x4 latent and of the 2x2 tile latent.
	ch := tt.Dims[4]
	for lt := range tt.Dims[1] {
		a := tt.Latent[lt*4*4*ch : lt*4*4*ch+ch]
		b := tc.Latent[lt*2*2*ch : lt*2*2*ch+ch]
		for k := range a {
			if math.Abs(float64(a[k]-b[k])) > 1e-5*max(1, math.Abs(float64(b[k]))) {
				t.Fatalf("frame %d channel %d: tiled %v, tile 0 alone %v", lt, k, a[k], b[k])
			}
		}
	}
	for _, v := range tt.Latent {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN latent")
		}
	}
	dec, err := tiled.Decode(tt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !dec.SameSize(clip) {
		t.Errorf("tiled decode %v, want %v", dec, clip)
	}
	if _, err := NewCodec(testBackend(), whole.m, whole.store, CodecOptions{Tile: 12}); err == nil {
		t.Error("tile 12 with 8x spatial compression: no error")
	}
	if _, err := NewCodec(testBackend(), whole.m, whole.store, CodecOptions{Window: 10}); err == nil {
		t.Error("window 10 with 8x temporal compression: no error")
	}
}

// TestDiscreteTokensFile encodes with a discrete tokenizer, saves the ids as U16, reads them
// back and decodes both to the same video; tiled encoding picks ids only from the tiles.
func TestDiscreteTokensFile(t *testing.T) {
	c, _ := newTestCodec(t, "dv8x16x16-tiny", CodecOptions{Window: 9})
	clip := movingSquares(t, 1, 5, 32)[0]
	tok, err := c.Encode(clip, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Latent != nil || len(tok.IDs) != 1*2*2*2 {
		t.Fatalf("tokens: %d ids, latent %v", len(tok.IDs), tok.Latent != nil)
	}
	path := filepath.Join(t.TempDir(), "clip.tokens.safetensors")
	if err := SaveTokens(path, tok); err != nil {
		t.Fatal(err)
	}
	back, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.IDs, tok.IDs) || back.Frames != 5 || back.FPS != clip.FPS || back.Config.Name != "dv8x16x16-tiny" {
		t.Fatalf("read back %+v", back)
	}
	a, err := c.Decode(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Decode(back, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Pix, b.Pix) || a.Frames != 5 {
		t.Error("decoding the tokens read back differs")
	}
	// A tile as large as the frame picks the same ids.
	big, err := NewCodec(testBackend(), c.m, c.store, CodecOptions{Window: 9, Tile: 32, Overlap: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	tb, err := big.Encode(clip, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.IDs, tok.IDs) {
		t.Error("a tile covering the frame changed the ids")
	}
}

func TestContinuousTokensFile(t *testing.T) {
	cfg := mustPreset(t, "cv8x8x8-tiny")
	tok := &Tokens{Config: cfg, Frames: 10, Height: 9, Width: 17, FPS: 12.5, Window: 9, Dims: []int{2, 2, 2, 3, 16}}
	tok.Latent = make([]float32, 2*2*2*3*16)
	for i := range tok.Latent {
		tok.Latent[i] = float32(i)/7 - 3
	}
	path := filepath.Join(t.TempDir(), "x.tokens.safetensors")
	if err := SaveTokens(path, tok); err != nil {
		t.Fatal(err)
	}
	back, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Latent, tok.Latent) || !slices.Equal(back.Dims, tok.Dims) || back.Height != 9 || back.Width != 17 || back.FPS != 12.5 {
		t.Errorf("read back %+v", back)
	}
	for _, mutate := range []func(*Tokens){
		func(k *Tokens) { k.Frames = 20 },      // more than 2 windows hold
		func(k *Tokens) { k.Frames = 9 },       // fits in one window
		func(k *Tokens) { k.Height = 30 },      // latent 2 rows hold 16 pixels
		func(k *Tokens) { k.Window = 17 },      // 2 latent frames are 9 frames
		func(k *Tokens) { k.Dims[4] = 6 },      // channels
		func(k *Tokens) { k.FPS = 0 },          // frame rate
		func(k *Tokens) { k.IDs = []int32{1} }, // both kinds
		func(k *Tokens) { k.Latent = k.Latent[1:] },
	} {
		bad := *tok
		bad.Dims = slices.Clone(tok.Dims)
		mutate(&bad)
		if err := SaveTokens(filepath.Join(t.TempDir(), "bad.safetensors"), &bad); err == nil {
			t.Errorf("saving %+v: no error", bad.Dims)
		}
	}
}

// FuzzLoadTokens feeds arbitrary bytes to LoadTokens: it must return an error or tokens that
// pass the checks Decode relies on, never panic.
func FuzzLoadTokens(f *testing.F) {
	dir := f.TempDir()
	cfg, _ := Preset("dv8x16x16-tiny")
	tok := &Tokens{Config: cfg, Frames: 3, Height: 16, Width: 30, FPS: 8, Window: 9, Dims: []int{1, 2, 1, 2}, IDs: []int32{0, 1, 63999, 32036}}
	seed := filepath.Join(dir, "seed.safetensors")
	if err := SaveTokens(seed, tok); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)-3])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "f.safetensors")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tok, err := LoadTokens(path)
		if err != nil {
			return
		}
		if err := tok.check(tok.Config); err != nil {
			t.Fatalf("LoadTokens accepted tokens that fail the check: %v", err)
		}
	})
}

// BenchmarkCodec measures encode and decode of a 17-frame 64x64 clip with randomly initialised
// tiny tokenizers, reporting ms per frame of each.
func BenchmarkCodec(b *testing.B) {
	for _, preset := range []string{"cv8x8x8-tiny", "dv8x16x16-tiny"} {
		b.Run(preset, func(b *testing.B) {
			c, _ := newTestCodec(b, preset, CodecOptions{})
			clip := movingSquares(b, 1, 17, 64)[0]
			tok, err := c.Encode(clip, nil) // compiles
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Decode(tok, nil); err != nil {
				b.Fatal(err)
			}
			var enc, dec time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				tok, err := c.Encode(clip, nil)
				if err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := c.Decode(tok, nil); err != nil {
					b.Fatal(err)
				}
				enc += mid.Sub(start)
				dec += time.Since(mid)
			}
			frames := float64(b.N * clip.Frames)
			b.ReportMetric(float64(enc.Microseconds())/1000/frames, "enc-ms/frame")
			b.ReportMetric(float64(dec.Microseconds())/1000/frames, "dec-ms/frame")
		})
	}
}

// TestLoadWeightsFormats loads the same weights saved as a store (SaveWeights) and in the
// official Cosmos layout (ExportOfficial), and checks both decode a latent identically.
func TestLoadWeightsFormats(t *testing.T) {
	c, store := newTestCodec(t, "cv8x8x8-tiny", CodecOptions{Window: 9})
	cfg := c.m.Config()
	dir := t.TempDir()
	ours, official := filepath.Join(dir, "ours.safetensors"), filepath.Join(dir, "official.safetensors")
	if err := SaveWeights(ours, store, cfg); err != nil {
		t.Fatal(err)
	}
	if err := ExportOfficial(store, cfg, official); err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(dir, "half.safetensors")
	if err := ExportOfficialHalf(store, cfg, half); err != nil {
		t.Fatal(err)
	}
	clip := movingSquares(t, 1, 9, 16)[0]
	want, err := c.Encode(clip, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{ours, official, half} {
		loaded, got, err := LoadWeights(path, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got.Name != cfg.Name {
			t.Errorf("%s: config %q", path, got.Name)
		}
		lc, err := NewCodec(testBackend(), c.m, loaded, CodecOptions{Window: 9})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := lc.Encode(clip, nil)
		lc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if path == half {
			// Weights rounded to 11 significant bits move the latents by about that much.
			var scale, worst float64
			for i, v := range want.Latent {
				scale = max(scale, math.Abs(float64(v)))
				worst = max(worst, math.Abs(float64(v-tok.Latent[i])))
			}
			if worst > 1e-2*scale {
				t.Errorf("F16 weights: latents off by %g (scale %g)", worst, scale)
			}
			continue
		}
		if !slices.Equal(tok.Latent, want.Latent) {
			t.Errorf("%s: latents differ from the original weights'", path)
		}
	}
	// A config given explicitly must fit the file.
	wrong := mustPreset(t, "dv8x16x16-tiny")
	if _, _, err := LoadWeights(official, &wrong); err == nil {
		t.Error("official cv8x8x8-tiny weights loaded as dv8x16x16-tiny")
	}
	// Weights missing variables are caught on first use.
	partial := model.NewStore()
	for v := range store.IterVariables() {
		if !strings.HasPrefix(v.Path(), "/"+DecoderScope) {
			value, _ := v.Value()
			if _, err := partial.CreateVariable(v.Path(), value); err != nil {
				t.Fatal(err)
			}
		}
	}
	pc, err := NewCodec(testBackend(), c.m, partial, CodecOptions{Window: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.Decode(want, nil); err == nil || !strings.Contains(err.Error(), "lack") {
		t.Errorf("decoding with no decoder weights: %v", err)
	}
}
