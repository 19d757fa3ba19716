package testutil

import (
	"bytes"
	"testing"

	"github.com/wfm-platform/wfm/safetensors"
)

// SameTensors fails t unless the safetensors files a and b hold the same tensors, bit for bit:
// the check of every exact-resume test (a resumed run against an uninterrupted one).
func SameTensors(t testing.TB, a, b string) {
	t.Helper()
	fa, err := safetensors.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := safetensors.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	if len(fa.Infos()) != len(fb.Infos()) || len(fa.Infos()) == 0 {
		t.Fatalf("%d tensors in %s, %d in %s", len(fa.Infos()), a, len(fb.Infos()), b)
	}
	for _, info := range fa.Infos() {
		ta, err := fa.Read(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := fb.Read(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ta.Data, tb.Data) {
			t.Errorf("tensor %s differs between the resumed and the uninterrupted run", info.Name)
		}
	}
}
