package curate_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/wfm-platform/wfm/curate"
)

// Curate a folder of videos into WebDataset shards. The folder here is a small synthetic corpus
// (two videos of two shots each in pure-Go Y4M, plus its planted copy, frozen, shaken, corrupt
// and truncated files); any folder of videos works the same way.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "curate-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	o := curate.DefaultCorpusOptions()
	o.Out, o.Format, o.Videos, o.Shots, o.MinFrames, o.MaxFrames = filepath.Join(dir, "in"), "y4m", 2, 2, 20, 24
	if _, err := curate.MakeCorpus(ctx, o); err != nil {
		log.Fatal(err)
	}

	inputs, _, err := curate.ListInputs(filepath.Join(dir, "in"))
	if err != nil {
		log.Fatal(err)
	}
	rep, err := curate.Run(ctx, curate.Config{Inputs: inputs, Out: filepath.Join(dir, "out"),
		Captioner: &curate.SynthCaptioner{}, Dedup: curate.DedupConfig{Eps: 0.05, Seed: 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d sources, %d clips kept in %d shard(s); manifest %s\n",
		rep.Sources, rep.Kept, len(rep.Shards), filepath.Base(rep.Manifest))
	// Output: 7 sources, 6 clips kept in 1 shard(s); manifest curated-manifest.json
}
