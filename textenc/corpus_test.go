package textenc

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// update rewrites testdata/captions.txt, the corpus testdata/make_golden.py trains the test
// tokenizer on and feeds the reference T5.
var update = flag.Bool("update", false, "rewrite testdata/captions.txt from SyntheticCaptions")

const (
	goldenCaptions    = 400
	goldenCaptionSeed = 1
)

func TestSyntheticCaptions(t *testing.T) {
	a, err := SyntheticCaptions(goldenCaptions, goldenCaptionSeed)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SyntheticCaptions(goldenCaptions, goldenCaptionSeed)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != goldenCaptions || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("got %d captions, or two calls with one seed differ", len(a))
	}
	path := filepath.Join("testdata", "captions.txt")
	text := strings.Join(a, "\n") + "\n"
	if *update {
		if err := atomicfile.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != text {
		t.Errorf("%s is stale: run go test ./textenc -run TestSyntheticCaptions -update, then testdata/make_golden.py", path)
	}
}
