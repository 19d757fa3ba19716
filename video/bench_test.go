package video

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// Codec benchmarks at two sizes. MB/s counts raw RGB bytes of the clip (T*H*W*3), and
// frames/s is reported alongside. Run with: go test -run '^$' -bench . -benchtime 3x ./video/

var benchSizes = []struct{ frames, height, width int }{{33, 64, 64}, {33, 256, 256}}

func benchClip(b *testing.B, size struct{ frames, height, width int }) *Clip {
	return smoothClip(b, size.frames, size.height, size.width, 24, 1)
}

func reportFrames(b *testing.B, c *Clip) {
	b.SetBytes(int64(len(c.Pix)))
	b.ReportMetric(float64(c.Frames)*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func sizeName(s struct{ frames, height, width int }) string {
	return fmt.Sprintf("%dx%dx%d", s.width, s.height, s.frames)
}

func BenchmarkY4M(b *testing.B) {
	for _, size := range benchSizes {
		c := benchClip(b, size)
		for _, chroma := range []Chroma{Chroma444, Chroma420jpeg} {
			var buf bytes.Buffer
			b.Run("write/"+string(chroma)+"/"+sizeName(size), func(b *testing.B) {
				for b.Loop() {
					buf.Reset()
					if err := EncodeY4M(&buf, c, Options{Y4MChroma: chroma}); err != nil {
						b.Fatal(err)
					}
				}
				reportFrames(b, c)
			})
			b.Run("read/"+string(chroma)+"/"+sizeName(size), func(b *testing.B) {
				for b.Loop() {
					if _, err := DecodeY4M(bytes.NewReader(buf.Bytes()), "bench", Options{}); err != nil {
						b.Fatal(err)
					}
				}
				reportFrames(b, c)
			})
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	for _, size := range benchSizes {
		c := benchClip(b, size)
		dir := b.TempDir()
		b.Run("write/"+sizeName(size), func(b *testing.B) {
			for b.Loop() {
				if err := writePNGSequence(filepath.Join(dir, DefaultPattern), c); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
		b.Run("read/"+sizeName(size), func(b *testing.B) {
			for b.Loop() {
				if _, err := Read(b.Context(), dir, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
	}
}

func BenchmarkGIF(b *testing.B) {
	for _, size := range benchSizes {
		c := benchClip(b, size)
		var buf bytes.Buffer
		b.Run("write/"+sizeName(size), func(b *testing.B) {
			for b.Loop() {
				buf.Reset()
				if err := EncodeGIF(&buf, c, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
		b.Run("read/"+sizeName(size), func(b *testing.B) {
			for b.Loop() {
				if _, err := DecodeGIF(buf.Bytes(), "bench.gif", Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
	}
}

func BenchmarkMP4(b *testing.B) {
	requireFFmpeg(b)
	for _, size := range benchSizes {
		c := benchClip(b, size)
		path := filepath.Join(b.TempDir(), "bench.mp4")
		b.Run("write/"+sizeName(size), func(b *testing.B) {
			for b.Loop() {
				if err := WriteFFmpeg(b.Context(), path, c, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
		b.Run("read/"+sizeName(size), func(b *testing.B) {
			for b.Loop() {
				if _, err := Read(b.Context(), path, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
	}
}

func BenchmarkResize(b *testing.B) {
	c := benchClip(b, benchSizes[1])
	for _, m := range []struct {
		name   string
		method ResizeMethod
	}{{"area", ResizeArea}, {"bilinear", ResizeBilinear}} {
		b.Run(m.name+"/256to96", func(b *testing.B) {
			for b.Loop() {
				if _, err := Resize(c, 96, 96, m.method); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, c)
		})
	}
}
