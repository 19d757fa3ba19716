package tokenizer

import (
	"context"
	"errors"
	"testing"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// TestCodecStopsWhenCancelled (issue 17 item 5): EncodeContext, DecodeContext and
// RoundTripContext stop at the next window (or tile) once their context is done, with an error
// wrapping context.Canceled, whole frames or tiled.
func TestCodecStopsWhenCancelled(t *testing.T) {
	clip := movingSquares(t, 1, 27, 32)[0] // 3 windows of 9 frames
	for _, opts := range []CodecOptions{{Window: 9}, {Window: 9, Tile: 16, Overlap: 8}} {
		c, _ := newTestCodec(t, "cv8x8x8-tiny", opts)
		tok, err := c.Encode(clip, nil)
		if err != nil {
			t.Fatal(err)
		}

		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		_, err = c.EncodeContext(ctx, clip, func() { calls++; cancel() })
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("tile %d: encode cancelled after window 1: %v after %d windows, want context.Canceled after 1", opts.Tile, err, calls)
		}

		ctx, cancel = context.WithCancel(context.Background())
		calls = 0
		_, err = c.DecodeContext(ctx, tok, func() { calls++; cancel() })
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("tile %d: decode cancelled after window 1: %v after %d windows, want context.Canceled after 1", opts.Tile, err, calls)
		}

		ctx, cancel = context.WithCancel(context.Background())
		cancel()
		var rerr *RoundTripError
		if _, err := c.RoundTripContext(ctx, clip, nil); !errors.Is(err, context.Canceled) || !errors.As(err, &rerr) {
			t.Errorf("tile %d: round trip with a done context: %v, want a *RoundTripError wrapping context.Canceled", opts.Tile, err)
		}
	}
}

// TestMeasureContextIsMeasure: measuring in chunks (to check the context between them) gives
// the SSIM quality.SSIM gives on the whole clip, bit for bit, and a done context stops it.
func TestMeasureContextIsMeasure(t *testing.T) {
	want := movingSquares(t, 2, 40, 24)
	got := []*video.Clip{want[1], want[0]}
	q, err := Measure(want[:1], got[:1])
	if err != nil {
		t.Fatal(err)
	}
	_, whole, err := quality.SSIM(*want[0], *got[0], quality.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if q.SSIM != whole || q.SSIM >= 1 {
		t.Errorf("SSIM %v in chunks, %v whole", q.SSIM, whole)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := MeasureContext(ctx, want, got); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: %v, want context.Canceled", err)
	}
}
