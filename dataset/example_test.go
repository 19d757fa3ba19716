package dataset_test

import (
	"fmt"
	"io"
	"log"
	"os"

	"github.com/wfm-platform/wfm/dataset"
)

// Write three samples into shards of two, then read them back.
func Example() {
	dir, err := os.MkdirTemp("", "dataset-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	w, err := dataset.NewShardWriter(dir, "clips", dataset.WriterOptions{MaxSamples: 2})
	if err != nil {
		log.Fatal(err)
	}
	for i := range 3 {
		key := fmt.Sprintf("clip%04d", i)
		err := w.Write(key, map[string][]byte{
			"json":     fmt.Appendf(nil, `{"frames":%d}`, 8+i),
			"mask.png": {0x89, 'P', 'N', 'G'},
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := dataset.OpenDir(dir, "clips", dataset.Limits{})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %s %s\n", s.Key, s.Parts["json"], s.Shard[len(dir)+1:])
	}
	// Output:
	// clip0000 {"frames":8} clips-000000.tar
	// clip0001 {"frames":9} clips-000000.tar
	// clip0002 {"frames":10} clips-000001.tar
}
