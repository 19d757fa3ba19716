package video

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
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

// FuzzProbe feeds arbitrary bytes to the reader of ffprobe's JSON: it must never panic, and
// whatever it accepts must describe a frame size within the limits and a positive frame rate.
func FuzzProbe(f *testing.F) {
	f.Add([]byte(`{"streams":[{"width":64,"height":48,"r_frame_rate":"30000/1001","avg_frame_rate":"0/0","nb_frames":"33"}]}`))
	f.Add([]byte(`{"streams":[{"width":16384,"height":16384,"r_frame_rate":"25/1"}]}`))
	f.Add([]byte(`{"streams":[{"width":-4,"height":0,"r_frame_rate":"1/0","nb_frames":"-1"}]}`))
	f.Add([]byte(`{"streams":[]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := parseProbe("fuzz.mp4", data, Options{})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.mp4") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		lim := Limits{}.withDefaults()
		if info.Width <= 0 || info.Height <= 0 || info.Width > lim.MaxWidth || info.Height > lim.MaxHeight {
			t.Fatalf("accepted a %dx%d stream", info.Width, info.Height)
		}
		if !(info.FPS > 0) || info.Frames == 0 || info.Frames < -1 {
			t.Fatalf("accepted fps %v, frames %d", info.FPS, info.Frames)
		}
	})
}

// FuzzParseRate checks that ffprobe rates parse to a finite non-negative number or an error.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"30000/1001", "25/1", "0/0", "25", "-1/2", "1/-2", "9223372036854775807/1", "a/b", "/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fps, err := parseRate(s)
		if err == nil && (fps < 0 || math.IsNaN(fps) || math.IsInf(fps, 0)) {
			t.Fatalf("parseRate(%q) = %v", s, fps)
		}
	})
}
