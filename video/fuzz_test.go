package video

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzLimits keep the fuzzers fast: frames of at most 64x64, at most 8 of them.
var fuzzLimits = Limits{MaxWidth: 64, MaxHeight: 64, MaxFrames: 8}

func addY4MSeeds(f *testing.F) {
	c := smoothClip(f, 2, 6, 5, 24, 1)
	for _, chroma := range []Chroma{Chroma444, Chroma422, Chroma420jpeg, ChromaMono} {
		var buf bytes.Buffer
		if err := EncodeY4M(&buf, c, Options{Y4MChroma: chroma, Y4MRange: RangeLimited}); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		f.Add(buf.Bytes()[:buf.Len()/2])
	}
	f.Add([]byte("YUV4MPEG2 W2 H2 F30000:1001 It A0:0 C420mpeg2 XYSCSS=420MPEG2\nFRAME Ixyz\n123456"))
	f.Add([]byte("YUV4MPEG2 W16384 H16384 F30:1 C444\nFRAME\nxx"))
	f.Add([]byte("YUV4MPEG2 W1 H1\n"))
	f.Add([]byte("YUV4MPEG2 W1 H1 C420p10\nFRAME\n\x00\x00\x00"))
	f.Add([]byte("YUV4MPEG2\n"))
	f.Add([]byte(""))
}

// FuzzY4M: the Y4M reader never panics, reports every failure as a *FormatError, and what it
// accepts is a valid clip within the limits.
func FuzzY4M(f *testing.F) {
	addY4MSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeY4M(bytes.NewReader(data), "fuzz.y4m", Options{Limits: fuzzLimits})
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.Width > 64 || c.Height > 64 || c.Frames > 8 {
			t.Fatalf("accepted %v beyond the limits", c)
		}
		// The plane-level reader agrees on the frame count.
		r, err := NewY4MReader(bytes.NewReader(data), "fuzz.y4m", fuzzLimits, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			if _, _, _, err := r.NextYUV(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("NextYUV failed where Next did not: %v", err)
			}
			n++
		}
		if n != c.Frames {
			t.Fatalf("NextYUV read %d frames, Next %d", n, c.Frames)
		}
	})
}

// FuzzGIF: the GIF block scanner and decoder never panic and report failures as
// *FormatError.
func FuzzGIF(f *testing.F) {
	for _, opts := range []Options{{}, {GIFColors: 2}} {
		var buf bytes.Buffer
		if err := EncodeGIF(&buf, smoothClip(f, 3, 5, 7, 10, 2), opts); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		f.Add(buf.Bytes()[:buf.Len()*2/3])
	}
	f.Add([]byte("GIF89a\x04\x00\x04\x00\x00\x00\x00\x3b"))
	f.Add([]byte("GIF87a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeGIF(data, "fuzz.gif", Options{Limits: fuzzLimits})
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.Width > 64 || c.Height > 64 || c.Frames > 8 {
			t.Fatalf("accepted %v beyond the limits", c)
		}
	})
}
