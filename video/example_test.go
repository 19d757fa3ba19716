package video_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// A clip written as a PNG sequence reads back bit for bit; Y4M keeps it within rounding.
func Example() {
	clip, err := video.NewClip(8, 32, 48, 24)
	if err != nil {
		log.Fatal(err)
	}
	for t := range clip.Frames {
		for y := range clip.Height {
			for x := range clip.Width {
				clip.Set(t, y, x, uint8(5*x), uint8(7*y), uint8(30*t))
			}
		}
	}
	dir, err := os.MkdirTemp("", "video-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	for _, name := range []string{"frames", "clip.y4m"} {
		path := filepath.Join(dir, name)
		if err := video.Write(ctx, path, clip, video.Options{}); err != nil {
			log.Fatal(err)
		}
		back, err := video.Read(ctx, path, video.Options{FPS: 24})
		if err != nil {
			log.Fatal(err)
		}
		psnr, err := quality.PooledPSNR(clip, back)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %v, PSNR above 48 dB: %v\n", name, back, psnr > 48)
	}
	// Output:
	// frames: 8 frames 48x32 at 24 fps, PSNR above 48 dB: true
	// clip.y4m: 8 frames 48x32 at 24 fps, PSNR above 48 dB: true
}

// Windows cuts a long clip into overlapping model-sized chunks that cover every frame.
func ExampleWindows() {
	clip, _ := video.NewClip(33, 4, 4, 24)
	windows, _ := video.Windows(clip, 17, 1)
	for _, w := range windows {
		fmt.Println(w.Frames)
	}
	// Output:
	// 17
	// 17
}
