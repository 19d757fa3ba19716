package serve_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"

	"github.com/wfm-platform/wfm/serve"
	"github.com/wfm-platform/wfm/serve/client"
)

// Serve the committed tiny model, submit a job with the Go client, wait for it and read its
// report. The same seed and parameters give the video `wfm generate` makes.
func Example() {
	data, err := os.MkdirTemp("", "wfm-serve-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(data)
	s, err := serve.New(serve.Config{Models: []string{"../diffusion/pretrained/tiny-v2w"}, DataDir: data})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(s.Handler()) // or s.Run(ctx), listening on Config.Addr
	defer hs.Close()

	ctx := context.Background()
	c := client.New(hs.URL, "")
	seed := uint64(1)
	v, err := c.CreateVideo(ctx, serve.VideoParams{Prompt: "a red ball rolls to the left", Frames: 9, Resolution: "32x32",
		Steps: 2, Seed: &seed}, nil)
	if err != nil {
		log.Fatal(err)
	}
	v, err = c.Wait(ctx, v.ID, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d frames at %dx%d, seed %d, %d denoiser evaluations\n", v.Status,
		v.Report.Frames, v.Report.Width, v.Report.Height, v.Seed, v.Report.Evaluations)
	// Output: completed: 9 frames at 32x32, seed 1, 2 denoiser evaluations
}
