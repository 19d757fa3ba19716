package video

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"strings"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// PNG sequences are the exact lossless RGB format: frame t of a clip is the file named by
// fmt.Sprintf(pattern, t), an 8-bit RGB PNG. Reading starts at index 0, or 1 when there is no
// frame 0, and stops at the first missing index. Grey, paletted and 16-bit PNGs are read too
// (16-bit samples keep their high byte; alpha is composited over black).

// pngSequenceReader reads the frames named by a list of files.
type pngSequenceReader struct {
	path   string // the pattern or file, for errors
	names  []string
	next   int
	width  int
	height int
	fps    float64
	rgb    []uint8
}

// checkPattern reports whether pattern formats one integer without a formatting error.
func checkPattern(pattern string) error {
	if s := fmt.Sprintf(pattern, 0); strings.Contains(s, "%!") || s == fmt.Sprintf(pattern, 1) {
		return &FormatError{Path: pattern, Format: "png", Err: ErrUnsupported,
			Reason: "file pattern must hold exactly one integer verb such as %06d"}
	}
	return nil
}

func openPNGSequence(pattern string, opts Options) (FrameReader, error) {
	if err := checkPattern(pattern); err != nil {
		return nil, err
	}
	lim := opts.Limits.withDefaults()
	start := 0
	if _, err := os.Stat(fmt.Sprintf(pattern, 0)); err != nil {
		start = 1
	}
	var names []string
	for i := start; ; i++ {
		name := fmt.Sprintf(pattern, i)
		st, err := os.Stat(name)
		if err != nil {
			break
		}
		if !st.Mode().IsRegular() {
			return nil, notRegular(name, "png", st.Mode())
		}
		if len(names) == lim.MaxFrames {
			return nil, &FormatError{Path: pattern, Format: "png", Err: ErrLimit,
				Reason: fmt.Sprintf("more than %d frames", lim.MaxFrames)}
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, &FormatError{Path: pattern, Format: "png", Err: ErrNoFrames,
			Reason: "no frame files (looked for indices 0 and 1)"}
	}
	return newPNGReader(pattern, names, opts)
}

func openPNGFile(path string, opts Options) (FrameReader, error) {
	return newPNGReader(path, []string{path}, opts)
}

func newPNGReader(path string, names []string, opts Options) (*pngSequenceReader, error) {
	cfg, err := pngConfig(names[0])
	if err != nil {
		return nil, err
	}
	if err := opts.Limits.checkSize(names[0], "png", cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	return &pngSequenceReader{path: path, names: names, width: cfg.Width, height: cfg.Height, fps: opts.fps()}, nil
}

func pngConfig(name string) (image.Config, error) {
	f, err := openRegular(name, "png")
	if err != nil {
		return image.Config{}, err
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return cfg, pngError(name, err)
	}
	return cfg, nil
}

// pngError classifies an image/png error.
func pngError(name string, err error) *FormatError {
	switch err.(type) {
	case png.FormatError:
		return &FormatError{Path: name, Format: "png", Reason: err.Error(), Err: ErrMalformed}
	case png.UnsupportedError:
		return &FormatError{Path: name, Format: "png", Reason: err.Error(), Err: ErrUnsupported}
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return &FormatError{Path: name, Format: "png", Reason: "decode", Err: ErrTruncated}
	}
	return fileError(name, "png", "decode", err)
}

func (r *pngSequenceReader) Info() Info {
	return Info{Path: r.path, Format: "png", Width: r.width, Height: r.height, FPS: r.fps, Frames: len(r.names)}
}

func (r *pngSequenceReader) Next() ([]uint8, error) {
	if r.next >= len(r.names) {
		return nil, io.EOF
	}
	name := r.names[r.next]
	// The size is checked from the header before the pixels are decoded.
	cfg, err := pngConfig(name)
	if err != nil {
		return nil, err
	}
	if cfg.Width != r.width || cfg.Height != r.height {
		return nil, &FormatError{Path: name, Format: "png", Err: ErrMalformed,
			Reason: fmt.Sprintf("frame is %dx%d, the first frame %dx%d", cfg.Width, cfg.Height, r.width, r.height)}
	}
	f, err := openRegular(name, "png")
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return nil, pngError(name, err)
	}
	if r.rgb == nil {
		r.rgb = make([]uint8, r.width*r.height*Channels)
	}
	imageToRGB(r.rgb, img)
	r.next++
	return r.rgb, nil
}

func (r *pngSequenceReader) Close() error { return nil }

// pngEncoder favours speed: PNG frames are intermediate files, and the compression level
// does not change the pixels.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// writePNGFile writes one packed RGB frame as an opaque RGB PNG.
func writePNGFile(name string, rgb []uint8, width, height int) error {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	rgbToRGBA(img.Pix, rgb)
	return writePNGImage(name, img)
}

func writePNGImage(name string, img *image.RGBA) error {
	err := atomicfile.Write(name, 0o644, func(w io.Writer) error { return pngEncoder.Encode(w, img) })
	if err != nil {
		return fileError(name, "png", "write", err)
	}
	return nil
}

// writePNGSequence writes frame t to fmt.Sprintf(pattern, t), then deletes the files that
// continue the sequence (left by an earlier, longer clip), so reading the pattern back gives
// exactly this clip.
func writePNGSequence(pattern string, clip *Clip) error {
	if err := checkPattern(pattern); err != nil {
		return err
	}
	imgs := make([]*image.RGBA, workerCount(clip.Frames))
	for i := range imgs {
		imgs[i] = image.NewRGBA(image.Rect(0, 0, clip.Width, clip.Height))
	}
	err := forFrames(clip.Frames, func(worker, t int) error {
		rgbToRGBA(imgs[worker].Pix, clip.Frame(t))
		return writePNGImage(fmt.Sprintf(pattern, t), imgs[worker])
	})
	if err != nil {
		return err
	}
	for t := clip.Frames; ; t++ {
		name := fmt.Sprintf(pattern, t)
		if err := os.Remove(name); err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return fileError(name, "png", "remove stale frame", err)
		}
	}
}
