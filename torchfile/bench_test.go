package torchfile

import "testing"

func BenchmarkOpenStateDict(b *testing.B) {
	for b.Loop() {
		if _, err := Open("testdata/state_dict.pt"); err != nil {
			b.Fatal(err)
		}
	}
}
