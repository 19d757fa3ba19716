package dataset

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchSamples is 64 samples of a 256 KiB binary part and a small JSON part.
func benchSamples() []testSample {
	part := bytes.Repeat([]byte{0x5a, 0xa5, 0x3c}, 256<<10/3)
	s := make([]testSample, 64)
	for i := range s {
		s[i] = testSample{key: fmt.Sprintf("b%04d", i), parts: map[string][]byte{"y4m": part, "json": []byte(`{"t":1}`)}}
	}
	return s
}

func BenchmarkShardWriter(b *testing.B) {
	samples := benchSamples()
	b.SetBytes(int64(len(samples) * len(samples[0].parts["y4m"])))
	for i := 0; b.Loop(); i++ {
		w, err := NewShardWriter(b.TempDir(), "bw", WriterOptions{MaxBytes: 8 << 20})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range samples {
			if err := w.Write(s.key, s.parts); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSampleReader(b *testing.B) {
	samples := benchSamples()
	var shard bytes.Buffer
	dir := b.TempDir()
	w, err := NewShardWriter(dir, "br", WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range samples {
		if err := w.Write(s.key, s.parts); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	shard.Write(dirFiles(b, dir)["br-000000.tar"])
	b.SetBytes(int64(shard.Len()))
	for b.Loop() {
		r := NewSampleReader(bytes.NewReader(shard.Bytes()), "br", Limits{})
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != len(samples) {
			b.Fatalf("%d samples", n)
		}
	}
}
