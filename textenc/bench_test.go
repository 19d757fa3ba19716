package textenc

import (
	"context"
	"testing"
)

// BenchmarkEncodeBuiltin encodes a batch of 32 synthetic captions with the built-in encoder.
func BenchmarkEncodeBuiltin(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	texts, err := SyntheticCaptions(32, 7)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := m.Encode(context.Background(), texts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := m.Encode(context.Background(), texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "captions/s")
}

// BenchmarkTokenize segments one synthetic caption with the built-in tokenizer.
func BenchmarkTokenize(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	text := "Two boxes sit on a lever: the red box weighs 2.5 kg and the blue box 1.2 kg, and the lever tips to the left."
	for range b.N {
		m.Tokenize(text)
	}
}
