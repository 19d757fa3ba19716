package textenc_test

import (
	"context"
	"fmt"
	"os"

	"github.com/wfm-platform/wfm/textenc"
)

// The built-in encoder needs no download; a cache keeps each caption's embedding.
func Example() {
	enc, err := textenc.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "textenc-cache")
	defer os.RemoveAll(dir)
	cached := textenc.NewCache(enc, enc.ID(), dir)
	emb, mask, err := cached.Encode(context.Background(), []string{
		"A red ball is dropped from 2.0 metres and falls straight down onto the floor.",
		"A row of 6 dominoes topples one after another.",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("embeddings", emb.Shape().Dimensions, "mask", mask.Shape().Dimensions)
	fmt.Println("tokens of the first caption:", len(enc.Tokenize("A red ball is dropped from 2.0 metres and falls straight down onto the floor.")))
	// Output:
	// embeddings [2 64 64] mask [2 64]
	// tokens of the first caption: 32
}
