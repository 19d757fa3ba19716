package worldgen

import (
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // ReadInput accepts JPEG images
	_ "image/png"  // and PNG images
	"os"
	"path/filepath"
	"strings"

	"github.com/wfm-platform/wfm/video"
)

// ReadInput reads the frames to continue (Request.Input): an image (.png, .jpg, .jpeg) as a
// one-frame clip at fps (0: DefaultFPS), anything else (a video, a PNG pattern with %d) through
// package video at fps (0: the file's own rate). The generated video's rate is Request.FPS,
// whatever the input's.
func ReadInput(ctx context.Context, path string, fps float64) (*video.Clip, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".jpg", ".jpeg":
		if !strings.Contains(path, "%") {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			img, _, err := image.Decode(f)
			if err != nil {
				return nil, fmt.Errorf("worldgen: decode %s: %w", path, err)
			}
			if fps == 0 {
				fps = DefaultFPS
			}
			return video.FromImages([]image.Image{img}, fps)
		}
	}
	return video.Read(ctx, path, video.Options{FPS: fps})
}
