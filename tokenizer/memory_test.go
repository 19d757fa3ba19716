package tokenizer

import (
	"errors"
	"strings"
	"testing"
)

// TestCodecRefusesWhatDoesNotFit (issue 17 item 4): a clip whose window needs more than
// MaxMemory is refused with a *MemoryError before anything is allocated, naming a tile that
// fits; with that tile the same clip encodes and decodes. Tokens of a 4K frame are refused at
// the default limit before the 4K clip is allocated.
func TestCodecRefusesWhatDoesNotFit(t *testing.T) {
	cfg, err := Preset("cv8x8x8-tiny")
	if err != nil {
		t.Fatal(err)
	}
	if small, big := cfg.WindowMemory(1, 9, 32, 32), cfg.WindowMemory(1, 9, 64, 64); !(small > 0 && big > small) {
		t.Fatalf("WindowMemory 32x32 %d, 64x64 %d: want positive and growing", small, big)
	}
	limit := cfg.WindowMemory(1, 9, 32, 32)
	c, _ := newTestCodec(t, "cv8x8x8-tiny", CodecOptions{Window: 9, MaxMemory: limit})
	clip := movingSquares(t, 1, 9, 64)[0]
	_, err = c.Encode(clip, nil)
	var me *MemoryError
	if !errors.As(err, &me) || me.Tile != 32 || me.Need <= me.Limit || me.Width != 64 || !strings.Contains(err.Error(), "tiles of 32 pixels fit") {
		t.Fatalf("64x64 over a 32x32 allowance: %v (%+v), want a *MemoryError naming tile 32", err, me)
	}
	tiled, err := NewCodec(testBackend(), c.m, c.store, CodecOptions{Window: 9, Tile: me.Tile, Overlap: DefaultOverlap, MaxMemory: limit})
	if err != nil {
		t.Fatal(err)
	}
	defer tiled.Close()
	tok, err := tiled.Encode(clip, nil)
	if err != nil {
		t.Fatalf("with the tile named: %v", err)
	}
	if _, err := tiled.Decode(tok, nil); err != nil {
		t.Fatalf("decoding with the tile named: %v", err)
	}
	if _, err := c.Decode(tok, nil); !errors.As(err, &me) {
		t.Errorf("decoding 64x64 whole over the allowance: %v, want a *MemoryError", err)
	}

	// 4K tokens: 2 latent frames of 270x480. Decoding whole would need hundreds of GiB.
	whole, _ := newTestCodec(t, "cv8x8x8-tiny", CodecOptions{Window: 9})
	k4 := &Tokens{Config: cfg, Frames: 9, Height: 2160, Width: 3840, FPS: 10, Window: 9,
		Dims: []int{1, 2, 270, 480, cfg.LatentChannels}, Latent: make([]float32, 2*270*480*cfg.LatentChannels)}
	if _, err := whole.Decode(k4, nil); !errors.As(err, &me) || me.Tile == 0 || me.Need < 100<<30 {
		t.Errorf("4K tokens: %v, want a *MemoryError of over 100 GiB naming a tile", err)
	}
}

// TestDefaultMaxMemory: half of a plausible amount of memory.
func TestDefaultMaxMemory(t *testing.T) {
	if m := DefaultMaxMemory(); m < 64<<20 || m > 1<<50 {
		t.Errorf("DefaultMaxMemory %d bytes", m)
	}
}
