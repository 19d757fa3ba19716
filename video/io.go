package video

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Info describes a video source before its frames are read.
type Info struct {
	Path   string  // file, folder or pattern read
	Format string  // "y4m", "png", "gif" or "ffmpeg"
	Width  int     // frame width in pixels
	Height int     // frame height in pixels
	FPS    float64 // frames per second
	Frames int     // frame count the container declares; -1 when it declares none
}

// FrameReader yields the frames of a video one at a time, so a long video can be processed
// with one frame in memory.
type FrameReader interface {
	// Info describes the source.
	Info() Info
	// Next returns the next frame as packed RGB (Height*Width*3 bytes), valid until the next
	// call, or io.EOF after the last frame. Errors are *FormatError.
	Next() ([]uint8, error)
	// Close releases the file or stops the decoder process. It is safe to call more than once.
	Close() error
}

// prealloc bounds how much ReadAll allocates up front from a declared frame count; beyond it
// the clip grows as frames actually arrive.
const prealloc = 64 << 20

// ReadAll reads the remaining frames of r into a clip, stopping with an ErrLimit error when
// lim is exceeded. It does not close r.
func ReadAll(r FrameReader, lim Limits) (*Clip, error) {
	lim = lim.withDefaults()
	info := r.Info()
	frameBytes := info.Width * info.Height * Channels
	if frameBytes <= 0 {
		return nil, &FormatError{Path: info.Path, Format: info.Format, Err: ErrMalformed,
			Reason: fmt.Sprintf("frame size %dx%d", info.Width, info.Height)}
	}
	var pix []uint8
	if info.Frames > 0 {
		n := max(1, min(info.Frames, lim.MaxFrames, prealloc/frameBytes))
		pix = make([]uint8, 0, n*frameBytes)
	}
	frames := 0
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := lim.checkCount(info.Path, info.Format, frames+1, frameBytes); err != nil {
			return nil, err
		}
		pix = append(pix, f...)
		frames++
	}
	if frames == 0 {
		return nil, &FormatError{Path: info.Path, Format: info.Format, Reason: "no frames", Err: ErrNoFrames}
	}
	return &Clip{Frames: frames, Height: info.Height, Width: info.Width, FPS: info.FPS, Pix: pix}, nil
}

// Open starts reading the video at path, choosing the decoder from the path:
//   - an existing folder: a PNG sequence named by opts.Pattern inside it;
//   - a name ending in .png with a printf verb (frames/img_%04d.png): a PNG sequence;
//   - a single .png file: a one-frame clip;
//   - .y4m: the pure-Go Y4M decoder;
//   - .gif: the pure-Go GIF decoder (frames are composited in memory first);
//   - anything else: ffmpeg (see FFmpegReader), which needs ffmpeg and ffprobe.
//
// A path that exists and is not a regular file (a named pipe, a device, a socket, a folder
// named like a video file) is refused with ErrNotRegular before anything reads it.
//
// ctx only matters for ffmpeg: cancelling it kills the decoder.
func Open(ctx context.Context, path string, opts Options) (FrameReader, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		if videoExts[strings.ToLower(filepath.Ext(path))] {
			return nil, notRegular(path, formatOf(path), st.Mode())
		}
		return openPNGSequence(filepath.Join(path, opts.pattern()), opts)
	} else if err == nil && !st.Mode().IsRegular() {
		return nil, notRegular(path, formatOf(path), st.Mode())
	}
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case ext == ".png" && strings.Contains(filepath.Base(path), "%"):
		return openPNGSequence(path, opts)
	case ext == ".png":
		return openPNGFile(path, opts)
	case ext == ".y4m":
		return openY4M(path, opts)
	case ext == ".gif":
		return openGIF(path, opts)
	}
	return OpenFFmpeg(ctx, path, opts)
}

// Read reads the whole video at path (see Open for the formats) within opts.Limits.
func Read(ctx context.Context, path string, opts Options) (*Clip, error) {
	r, err := Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	clip, err := ReadAll(r, opts.Limits)
	if cerr := r.Close(); err == nil && cerr != nil {
		return nil, cerr
	}
	return clip, err
}

// Write writes clip to path, choosing the encoder from the extension:
//   - .y4m: Y4M with opts.Y4MChroma and opts.Y4MRange;
//   - .gif: animated GIF (see EncodeGIF);
//   - .png with a printf verb (out/frame_%06d.png): a PNG sequence; a .png name without a verb
//     takes a one-frame clip only;
//   - no extension: a folder (created if needed) of PNG frames named by opts.Pattern;
//   - .mp4, .m4v, .mov, .mkv: H.264 through ffmpeg (see WriteFFmpeg).
//
// Every file is written atomically: readers never see a partial file.
func Write(ctx context.Context, path string, clip *Clip, opts Options) error {
	if err := clip.Validate(); err != nil {
		return &FormatError{Path: path, Reason: "invalid clip", Err: err}
	}
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case ext == ".y4m":
		return writeY4M(path, clip, opts)
	case ext == ".gif":
		return writeGIF(path, clip, opts)
	case ext == ".png" && strings.Contains(filepath.Base(path), "%"):
		return writePNGSequence(path, clip)
	case ext == ".png":
		if clip.Frames != 1 {
			return &FormatError{Path: path, Format: "png", Err: ErrUnsupported,
				Reason: fmt.Sprintf("a %d-frame clip needs a frame pattern such as frame_%%06d.png", clip.Frames)}
		}
		return writePNGFile(path, clip.Frame(0), clip.Width, clip.Height)
	case ext == "":
		if err := os.MkdirAll(path, 0o755); err != nil {
			return fileError(path, "png", "create folder", err)
		}
		return writePNGSequence(filepath.Join(path, opts.pattern()), clip)
	case ffmpegMuxers[ext] != "":
		return WriteFFmpeg(ctx, path, clip, opts)
	}
	return &FormatError{Path: path, Err: ErrUnsupported, Reason: "no encoder for this extension"}
}
