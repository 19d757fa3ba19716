package autoregressive_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/world/synth"
)

// dvTokenizer is the committed tiny DV tokenizer (8x temporal, 16x spatial, 64,000 ids).
const dvTokenizer = "../tokenizer/pretrained/dv8x16x16-tiny.safetensors"

// tokenShards writes n synthetic physics clips of 17 frames at 32x32 under dir (seeded) and
// returns the shard folder.
func tokenShards(t testing.TB, dir string, n int) string {
	t.Helper()
	o := synth.DefaultOptions()
	o.Out, o.N, o.Width, o.Height, o.Frames, o.Workers, o.Seed = filepath.Join(dir, "shards"), n, 32, 32, 17, 1, 3
	if _, err := synth.Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
	return o.Out
}

// TestTokenCacheRoundTrip tokenizes shards once, reads the cache back on the second call (no
// tokenizer run: the log says so) and checks the cache against an encoding of its own.
func TestTokenCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := autoregressive.TokenSource{Dir: tokenShards(t, dir, 3), Frames: 17}
	path := filepath.Join(dir, "run", autoregressive.TokenCacheFile)
	ctx := context.Background()
	var log bytes.Buffer
	done := 0
	first, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src,
		autoregressive.CacheOptions{Log: &log, Progress: func(n int) { done = n }})
	if err != nil {
		t.Fatal(err)
	}
	// 17 frames at 32x32 through 8x16x16 compression: 3 latent frames of 2x2.
	if first.Clips() != 3 || done != 3 || first.Frames != 3 || first.Height != 2 || first.Width != 2 || len(first.IDs) != 3*12 {
		t.Fatalf("cache of %d clips (progress %d), grid %dx%dx%d, %d ids", first.Clips(), done, first.Frames, first.Height, first.Width, len(first.IDs))
	}
	if !strings.Contains(log.String(), "tokenized 3 clips") {
		t.Errorf("log %q", log.String())
	}
	if first.Tokenizer.VocabSize() != 64000 || len(first.Tokenizer.SHA256) != 64 || first.Source.IndexSHA256 == "" {
		t.Errorf("identity %+v, source %+v", first.Tokenizer, first.Source)
	}
	for i, c := range first.Captions {
		if c == "" || first.Keys[i] == "" || first.FPS[i] != 16 {
			t.Errorf("clip %d: key %q caption %q fps %v", i, first.Keys[i], c, first.FPS[i])
		}
	}
	// Not every id is the same: the clips were really encoded.
	if slices.Min(first.IDs) == slices.Max(first.IDs) {
		t.Errorf("every id is %d", first.IDs[0])
	}
	log.Reset()
	second, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src, autoregressive.CacheOptions{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "tokens from") {
		t.Errorf("second call did not read the cache: log %q", log.String())
	}
	if !slices.Equal(first.IDs, second.IDs) || !slices.Equal(first.Captions, second.Captions) || !slices.Equal(first.Keys, second.Keys) ||
		!slices.Equal(first.FPS, second.FPS) || !second.Tokenizer.Same(first.Tokenizer) || second.Source != first.Source {
		t.Errorf("cache read back differs:\n%+v\n%+v", first, second)
	}
}

// TestTokenCacheTokenizerMismatch: a cache made with another tokenizer, or from other clips, is
// refused with a *TokenizerMismatchError naming both tokenizers, and rebuilt when asked.
func TestTokenCacheTokenizerMismatch(t *testing.T) {
	dir := t.TempDir()
	src := autoregressive.TokenSource{Dir: tokenShards(t, dir, 2), Frames: 17}
	path := filepath.Join(dir, autoregressive.TokenCacheFile)
	ctx := context.Background()
	c, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src, autoregressive.CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*autoregressive.TokenCache)
		want string
	}{
		{"other weights", func(c *autoregressive.TokenCache) {
			c.Tokenizer.SHA256 = strings.Repeat("0", 64)
			c.Tokenizer.Path = "other.safetensors"
		},
			"was made with tokenizer other.safetensors"},
		{"other config", func(c *autoregressive.TokenCache) { c.Tokenizer.Config.Name = "renamed" }, "was made with tokenizer"},
		{"other frames", func(c *autoregressive.TokenCache) { c.Source.Frames = 9 }, "holds other clips"},
		{"other shards", func(c *autoregressive.TokenCache) { c.Source.IndexSHA256 = "ab" }, "holds other clips"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := *c
			tc.edit(&forged)
			if err := autoregressive.SaveTokenCache(path, &forged); err != nil {
				t.Fatal(err)
			}
			_, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src, autoregressive.CacheOptions{})
			var mismatch *autoregressive.TokenizerMismatchError
			if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("got %v, want a mismatch saying %q", err, tc.want)
			}
			var log bytes.Buffer
			got, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src, autoregressive.CacheOptions{Rebuild: true, Log: &log})
			if err != nil || !strings.Contains(log.String(), "rebuilding") || !slices.Equal(got.IDs, c.IDs) || !got.Tokenizer.Same(c.Tokenizer) {
				t.Fatalf("rebuild: %v, log %q", err, log.String())
			}
		})
	}
}

// TestTokenCacheRebuildsUnreadable: a damaged cache is an error, replaced when asked.
func TestTokenCacheRebuildsUnreadable(t *testing.T) {
	dir := t.TempDir()
	src := autoregressive.TokenSource{Dir: tokenShards(t, dir, 1), Frames: 17}
	path := filepath.Join(dir, autoregressive.TokenCacheFile)
	if err := os.WriteFile(path, []byte("not safetensors"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var ce *autoregressive.TokenCacheError
	if _, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src, autoregressive.CacheOptions{}); !errors.As(err, &ce) {
		t.Fatalf("damaged cache: %v", err)
	}
	c, err := autoregressive.LoadOrTokenize(ctx, testutil.Backend(), path, dvTokenizer, src, autoregressive.CacheOptions{Rebuild: true})
	if err != nil || c.Clips() != 1 {
		t.Fatalf("rebuild: %v", err)
	}
	if _, err := autoregressive.LoadTokenCache(path); err != nil {
		t.Errorf("rebuilt cache: %v", err)
	}
}

// TestOpenDVTokenizerRefusesContinuous: the ids come from a discrete tokenizer only.
func TestOpenDVTokenizerRefusesContinuous(t *testing.T) {
	_, _, err := autoregressive.OpenDVTokenizer(testutil.Backend(), "../tokenizer/pretrained/cv8x8x8-tiny.safetensors", 17)
	if err == nil || !strings.Contains(err.Error(), "continuous") {
		t.Errorf("CV tokenizer: %v", err)
	}
	if _, _, err := autoregressive.OpenDVTokenizer(testutil.Backend(), filepath.Join(t.TempDir(), "none.safetensors"), 17); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadTokenCacheRejects: files that are not token caches, or whose parts disagree, are a
// *TokenCacheError naming the file; a missing file is os.ErrNotExist.
func TestLoadTokenCacheRejects(t *testing.T) {
	dir := t.TempDir()
	good := validCacheBytes(t)
	if _, err := autoregressive.LoadTokenCache(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, ""},
		{"truncated", good[:len(good)-3], ""},
		{"not a cache", mustEncode(t, []safetensors.Tensor{{Name: "x", DType: safetensors.F32, Shape: []int{1}, Data: make([]byte, 4)}}, nil), "not a token cache"},
		{"id out of range", tamperIDs(t, good, -1), "outside the vocabulary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := autoregressive.LoadTokenCache(path)
			var ce *autoregressive.TokenCacheError
			if !errors.As(err, &ce) || ce.Path != path || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want a TokenCacheError saying %q", err, tc.want)
			}
		})
	}
}

// sampleCache is a small valid cache made without a tokenizer run (the identity is the
// committed DV tokenizer's config with a made-up hash).
var sampleCache = sync.OnceValue(func() *autoregressive.TokenCache {
	c := &autoregressive.TokenCache{Frames: 2, Height: 1, Width: 2, IDs: []int32{0, 1, 2, 63999, 5, 6, 7, 8},
		Keys: []string{"a", "b"}, Captions: []string{"a ball", ""}, FPS: []float32{16, 24},
		Source: autoregressive.TokenSource{Dir: "d", Frames: 9, IndexSHA256: "00"}}
	c.Tokenizer.Path, c.Tokenizer.SHA256 = "tok.safetensors", strings.Repeat("ab", 32)
	c.Tokenizer.Config.Name, c.Tokenizer.Config.Discrete, c.Tokenizer.Config.Levels = "dv", true, []int{8, 8, 8, 5, 5, 5}
	c.Tokenizer.Config.TemporalCompression, c.Tokenizer.Config.SpatialCompression = 8, 16
	return c
})

// validCacheBytes returns the bytes of sampleCache saved.
func validCacheBytes(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := autoregressive.SaveTokenCache(path, sampleCache()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// tamperIDs returns a copy of a saved cache whose first id is v (written in place: the header
// stays valid).
func tamperIDs(t testing.TB, data []byte, v int32) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.Info("ids")
	f.Close()
	out := slices.Clone(data)
	u := uint32(v)
	out[info.Offset], out[info.Offset+1], out[info.Offset+2], out[info.Offset+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	return out
}

func mustEncode(t testing.TB, ts []safetensors.Tensor, meta map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := safetensors.Encode(&buf, ts, meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzLoadTokenCache: LoadTokenCache never panics, and a cache it accepts saves and loads back
// to the same cache.
func FuzzLoadTokenCache(f *testing.F) {
	good := validCacheBytes(f)
	f.Add(good)
	f.Add(tamperIDs(f, good, 70000))
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.safetensors")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := autoregressive.LoadTokenCache(path)
		if err != nil {
			var ce *autoregressive.TokenCacheError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a TokenCacheError", err)
			}
			return
		}
		again := filepath.Join(dir, "again.safetensors")
		if err := autoregressive.SaveTokenCache(again, c); err != nil {
			t.Fatalf("an accepted cache does not save: %v", err)
		}
		back, err := autoregressive.LoadTokenCache(again)
		if err != nil || !slices.Equal(back.IDs, c.IDs) || !slices.Equal(back.Captions, c.Captions) || back.Source != c.Source {
			t.Fatalf("round trip: %v", err)
		}
	})
}
