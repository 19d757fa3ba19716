package video

import (
	"fmt"
	"math"
	"time"
)

// Default limits and settings; Options fields left at their zero value take these.
const (
	// DefaultMaxSide bounds width and height: 8192 is the largest frame side H.264 level 6.2
	// allows (ITU-T H.264 Table A-1, 139264 macroblocks, 8192x4320).
	DefaultMaxSide = 8192
	// DefaultMaxFrames bounds the frames read into one Clip (an hour at 27.7 fps).
	DefaultMaxFrames = 100_000
	// DefaultMaxBytes bounds the decoded RGB bytes of one Clip.
	DefaultMaxBytes = int64(2) << 30
	// DefaultFPS is the frame rate assumed when a file carries none (PNG sequences, Y4M
	// files with F0:0).
	DefaultFPS = 24.0
	// DefaultPattern names the frames of a PNG sequence inside a folder.
	DefaultPattern = "frame_%06d.png"
	// DefaultCRF is the x264 constant rate factor used when Options.CRF is 0. 18 is x264's
	// usual "visually lossless" point (x264 --fullhelp: "crf 18 to 28 is a sane range").
	DefaultCRF = 18
	// CRFLossless asks x264 for crf 0 (lossless in the YUV 4:2:0 domain); 0 itself means
	// DefaultCRF.
	CRFLossless = -1
	// DefaultPreset is the x264 speed/size preset.
	DefaultPreset = "medium"
	// DefaultProbeTimeout bounds one ffprobe run. ffprobe reads only headers and answers in
	// well under a second for a local file; a probe that takes this long is stuck.
	DefaultProbeTimeout = 30 * time.Second
)

// Limits bound what a reader accepts, so hostile or broken input cannot make it allocate
// without bound. Dimensions are checked from headers before any frame buffer is allocated;
// frame count and total bytes are checked as frames arrive. Zero fields take the defaults.
type Limits struct {
	MaxWidth  int   // largest frame width accepted (default DefaultMaxSide)
	MaxHeight int   // largest frame height accepted (default DefaultMaxSide)
	MaxFrames int   // most frames ReadAll keeps (default DefaultMaxFrames)
	MaxBytes  int64 // most decoded RGB bytes ReadAll keeps (default DefaultMaxBytes)
}

func (l Limits) withDefaults() Limits {
	if l.MaxWidth <= 0 {
		l.MaxWidth = DefaultMaxSide
	}
	if l.MaxHeight <= 0 {
		l.MaxHeight = DefaultMaxSide
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = DefaultMaxFrames
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// checkSize reports whether a width x height frame is acceptable.
func (l Limits) checkSize(path, format string, width, height int) error {
	l = l.withDefaults()
	switch {
	case width <= 0 || height <= 0:
		return &FormatError{Path: path, Format: format, Err: ErrMalformed,
			Reason: fmt.Sprintf("frame size %dx%d", width, height)}
	case width > l.MaxWidth || height > l.MaxHeight:
		return &FormatError{Path: path, Format: format, Err: ErrLimit,
			Reason: fmt.Sprintf("frame size %dx%d exceeds the limit %dx%d", width, height, l.MaxWidth, l.MaxHeight)}
	}
	return nil
}

// checkCount reports whether holding frames frames of frameBytes bytes each is acceptable.
func (l Limits) checkCount(path, format string, frames, frameBytes int) error {
	l = l.withDefaults()
	if frames > l.MaxFrames {
		return &FormatError{Path: path, Format: format, Err: ErrLimit,
			Reason: fmt.Sprintf("more than %d frames", l.MaxFrames)}
	}
	if int64(frames) > l.MaxBytes/int64(frameBytes) {
		return &FormatError{Path: path, Format: format, Err: ErrLimit,
			Reason: fmt.Sprintf("%d frames of %d bytes exceed the limit of %d bytes", frames, frameBytes, l.MaxBytes)}
	}
	return nil
}

// ColorRange selects how Y'CbCr code values map to RGB (ITU-R BT.601-7 section 2.5.3 for
// limited range; JFIF 1.02 / ITU-T T.871 for full range).
type ColorRange int

const (
	// RangeFull uses all 256 code values for Y', Cb and Cr (JPEG/JFIF convention).
	RangeFull ColorRange = iota
	// RangeLimited puts Y' in 16..235 and Cb, Cr in 16..240 ("TV" or "MPEG" range).
	RangeLimited
)

func (r ColorRange) String() string {
	if r == RangeLimited {
		return "limited"
	}
	return "full"
}

// Options configure reading and writing. The zero value is ready to use.
type Options struct {
	Limits

	// FPS is the frame rate given to clips read from files that carry none (PNG sequences,
	// Y4M with F0:0). Default DefaultFPS.
	FPS float64
	// Pattern is the printf pattern (one integer verb) of PNG frame files inside a folder.
	// Default DefaultPattern.
	Pattern string

	// CRF is the x264 constant rate factor, 1..51; 0 means DefaultCRF, CRFLossless means 0.
	CRF int
	// Preset is the x264 preset (ultrafast ... veryslow). Default DefaultPreset.
	Preset string
	// PadOdd makes H.264 writing pad an odd width or height by repeating the last column or
	// row, instead of failing with ErrOddSize.
	PadOdd bool

	// Y4MChroma is the chroma layout written to Y4M files. Default Chroma444.
	Y4MChroma Chroma
	// Y4MRange is the colour range written to Y4M files (recorded in the header as
	// XCOLORRANGE). Default RangeFull.
	Y4MRange ColorRange

	// GIFColors is the palette size for GIF writing, 2..256. Default 256.
	GIFColors int
	// GIFNoDither turns Floyd-Steinberg dithering off (nearest palette colour instead).
	GIFNoDither bool
	// GIFDelta writes every GIF frame after the first as only the rectangle of pixels whose
	// palette index changed, with unchanged pixels transparent (GIF89a positioned frames,
	// disposal none), and merges the delays of repeated frames. Clips with a static camera and
	// background become several times smaller; with GIFNoDither an unchanged pixel always keeps
	// its index. One palette entry is the transparent one, so at most 255 colours are used.
	GIFDelta bool

	// FFmpeg and FFprobe are the tool binaries; default "ffmpeg" and "ffprobe" on PATH.
	FFmpeg  string
	FFprobe string
	// ProbeTimeout bounds each ffprobe run; ffprobe is killed after it. Default
	// DefaultProbeTimeout. (ffmpeg runs as long as the video needs; cancel the context to stop
	// it.)
	ProbeTimeout time.Duration
}

func (o Options) probeTimeout() time.Duration {
	if o.ProbeTimeout > 0 {
		return o.ProbeTimeout
	}
	return DefaultProbeTimeout
}

func (o Options) fps() float64 {
	if o.FPS > 0 && !math.IsInf(o.FPS, 0) {
		return o.FPS
	}
	return DefaultFPS
}

func (o Options) pattern() string {
	if o.Pattern == "" {
		return DefaultPattern
	}
	return o.Pattern
}
