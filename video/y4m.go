package video

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// YUV4MPEG2 ("Y4M") is the uncompressed stream format of the mjpegtools project, read and
// written by ffmpeg, x264 and most codec test harnesses. Layout (mjpegtools yuv4mpeg(5) man
// page; ffmpeg libavformat/yuv4mpegdec.c for the extensions):
//
//	"YUV4MPEG2" { " " TAG } "\n"         stream header; TAG = letter + value:
//	                                      W<width> H<height> F<num>:<den> I<p|t|b|m|?>
//	                                      A<num>:<den> C<chroma> X<extension>
//	{ "FRAME" { " " TAG } "\n" planes }   planes: Y (W*H), then Cb and Cr (subsampled)
//
// This package reads and writes 8-bit 4:2:0 (C420jpeg, C420mpeg2, C420paldv, C420), 4:2:2,
// 4:4:4 and mono. The colour range comes from the XCOLORRANGE=FULL|LIMITED extension that
// ffmpeg writes; without it the stream is taken to be limited range, as ffmpeg does.
// Interlacing and pixel aspect are accepted and ignored.

const (
	y4mMagic     = "YUV4MPEG2"
	y4mFrame     = "FRAME"
	y4mMaxLine   = 4096    // longest stream or frame header line accepted
	y4mReadChunk = 1 << 20 // frame data is read (and its buffer grown) this much at a time
)

// Chroma is a Y4M chroma layout, spelled as in the C tag.
type Chroma string

// Chroma layouts this package reads. Writing supports Chroma420jpeg, Chroma422, Chroma444
// and ChromaMono.
const (
	Chroma420jpeg  Chroma = "420jpeg"
	Chroma420mpeg2 Chroma = "420mpeg2"
	Chroma420paldv Chroma = "420paldv"
	Chroma420      Chroma = "420"
	Chroma422      Chroma = "422"
	Chroma444      Chroma = "444"
	ChromaMono     Chroma = "mono"
)

// subsampling returns the horizontal and vertical chroma subsampling factors, with mono
// reported as (0, 0), and false for layouts this package does not handle.
func (c Chroma) subsampling() (sx, sy int, ok bool) {
	switch c {
	case Chroma420jpeg, Chroma420mpeg2, Chroma420paldv, Chroma420:
		return 2, 2, true
	case Chroma422:
		return 2, 1, true
	case Chroma444:
		return 1, 1, true
	case ChromaMono:
		return 0, 0, true
	}
	return 0, 0, false
}

// Y4MHeader is the part of a Y4M stream header this package uses.
type Y4MHeader struct {
	Width, Height  int
	FPSNum, FPSDen int // frame rate as a ratio; 0:0 when unknown
	Chroma         Chroma
	Range          ColorRange
}

// planeSizes returns the byte sizes of the luma plane and of each chroma plane.
func (h Y4MHeader) planeSizes() (luma, chroma int) {
	sx, sy, _ := h.Chroma.subsampling()
	if sx == 0 {
		return h.Width * h.Height, 0
	}
	return h.Width * h.Height, ((h.Width + sx - 1) / sx) * ((h.Height + sy - 1) / sy)
}

// Y4MReader decodes a Y4M stream frame by frame. Memory use is bounded by one frame (and
// the frame buffer only grows as data actually arrives, so a header that lies about the size
// costs nothing).
type Y4MReader struct {
	r      *bufio.Reader
	closer io.Closer
	path   string
	hdr    Y4MHeader
	fps    float64
	mat    *yuvMatrix
	yuv    []uint8
	rgb    []uint8
	frames int
	err    error
}

// NewY4MReader reads the stream header from r. name identifies the stream in errors; fps is
// the frame rate reported when the header has none (0 means DefaultFPS). Frame sizes beyond
// lim are rejected before any frame buffer is allocated.
func NewY4MReader(r io.Reader, name string, lim Limits, fps float64) (*Y4MReader, error) {
	yr := &Y4MReader{r: bufio.NewReaderSize(r, y4mMaxLine), path: name}
	line, err := yr.readLine()
	switch {
	case err == io.EOF:
		return nil, yr.fail(ErrTruncated, "empty stream")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, yr.fail(ErrTruncated, "stream header: %v", err)
	case err != nil:
		return nil, err
	}
	h, err := parseY4MHeader(line)
	if err != nil {
		return nil, yr.fail(err, "stream header")
	}
	if err := lim.checkSize(name, "y4m", h.Width, h.Height); err != nil {
		return nil, err
	}
	yr.hdr = h
	yr.mat = matrixFor(h.Range)
	yr.fps = Options{FPS: fps}.fps()
	if h.FPSNum > 0 && h.FPSDen > 0 {
		yr.fps = float64(h.FPSNum) / float64(h.FPSDen)
	}
	return yr, nil
}

// fail builds a FormatError for this stream; kind is one of the Err* kinds.
func (r *Y4MReader) fail(kind error, format string, args ...any) *FormatError {
	return &FormatError{Path: r.path, Format: "y4m", Reason: fmt.Sprintf(format, args...), Err: kind}
}

// readLine returns the next header line without its newline. A stream that ends before the
// newline gives an error wrapping io.ErrUnexpectedEOF (io.EOF when nothing was left).
func (r *Y4MReader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	switch {
	case err == nil:
		return line[:len(line)-1], nil
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, r.fail(ErrMalformed, "header line longer than %d bytes", y4mMaxLine)
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, io.EOF
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%w after %d bytes of a header line", io.ErrUnexpectedEOF, len(line))
	}
	return nil, r.fail(err, "read")
}

// parseY4MHeader parses a stream header line (without the newline). Errors wrap ErrMalformed
// or ErrUnsupported.
func parseY4MHeader(line []byte) (Y4MHeader, error) {
	h := Y4MHeader{Chroma: Chroma420jpeg, Range: RangeLimited}
	fields := strings.Split(string(line), " ")
	if fields[0] != y4mMagic {
		return h, fmt.Errorf("%w: no %s signature", ErrMalformed, y4mMagic)
	}
	for _, f := range fields[1:] {
		if f == "" {
			continue // tolerate doubled spaces
		}
		var err error
		switch v := f[1:]; f[0] {
		case 'W':
			h.Width, err = parseDim(v)
		case 'H':
			h.Height, err = parseDim(v)
		case 'F':
			h.FPSNum, h.FPSDen, err = parseRatio(v)
		case 'A':
			_, _, err = parseRatio(v)
		case 'C':
			h.Chroma = Chroma(v)
			if _, _, ok := h.Chroma.subsampling(); !ok {
				return h, fmt.Errorf("%w: colour space C%.20s", ErrUnsupported, v)
			}
		case 'X':
			switch v {
			case "COLORRANGE=FULL":
				h.Range = RangeFull
			case "COLORRANGE=LIMITED":
				h.Range = RangeLimited
			}
		}
		if err != nil {
			return h, fmt.Errorf("%w: field %.20q: %v", ErrMalformed, f, err)
		}
	}
	if h.Width == 0 || h.Height == 0 {
		return h, fmt.Errorf("%w: missing W or H", ErrMalformed)
	}
	return h, nil
}

// parseDim parses a positive decimal of at most 9 digits (so it cannot overflow).
func parseDim(s string) (int, error) {
	if len(s) == 0 || len(s) > 9 {
		return 0, errors.New("want 1 to 9 digits")
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, errors.New("not a decimal")
		}
	}
	n, _ := strconv.Atoi(s)
	if n == 0 {
		return 0, errors.New("zero")
	}
	return n, nil
}

// parseRatio parses "num:den" with non-negative decimals of at most 9 digits each.
func parseRatio(s string) (num, den int, err error) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, errors.New("want num:den")
	}
	if num, err = parseCount(a); err != nil {
		return 0, 0, err
	}
	if den, err = parseCount(b); err != nil {
		return 0, 0, err
	}
	return num, den, nil
}

func parseCount(s string) (int, error) {
	if s == "0" {
		return 0, nil
	}
	return parseDim(s)
}

// Header returns the parsed stream header.
func (r *Y4MReader) Header() Y4MHeader { return r.hdr }

// Info describes the stream; the frame count is unknown (-1) since Y4M does not store it.
func (r *Y4MReader) Info() Info {
	return Info{Path: r.path, Format: "y4m", Width: r.hdr.Width, Height: r.hdr.Height, FPS: r.fps, Frames: -1}
}

// NextYUV reads the next frame and returns its planes, valid until the next call. cb and cr
// are nil for mono. At the end of the stream it returns io.EOF; a frame cut short gives an
// error wrapping ErrTruncated.
func (r *Y4MReader) NextYUV() (y, cb, cr []uint8, err error) {
	if r.err != nil {
		return nil, nil, nil, r.err
	}
	y, cb, cr, err = r.nextYUV()
	if err != nil {
		r.err = err
	}
	return y, cb, cr, err
}

func (r *Y4MReader) nextYUV() (y, cb, cr []uint8, err error) {
	line, err := r.readLine()
	if err == io.EOF {
		if r.frames == 0 {
			return nil, nil, nil, r.fail(ErrNoFrames, "stream has a header and no frames")
		}
		return nil, nil, nil, io.EOF
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil, nil, r.fail(ErrTruncated, "frame %d header: %v", r.frames, err)
		}
		return nil, nil, nil, err
	}
	if !bytes.HasPrefix(line, []byte(y4mFrame)) || (len(line) > len(y4mFrame) && line[len(y4mFrame)] != ' ') {
		return nil, nil, nil, r.fail(ErrMalformed, "frame %d: header %.20q is not FRAME", r.frames, line)
	}
	luma, chroma := r.hdr.planeSizes()
	n := luma + 2*chroma
	if r.yuv, err = readGrowing(r.r, r.yuv, n); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, nil, nil, r.fail(ErrTruncated, "frame %d: got %d of %d bytes", r.frames, len(r.yuv), n)
		}
		return nil, nil, nil, r.fail(err, "frame %d", r.frames)
	}
	r.frames++
	y = r.yuv[:luma:luma]
	if chroma > 0 {
		cb = r.yuv[luma : luma+chroma : luma+chroma]
		cr = r.yuv[luma+chroma : n : n]
	}
	return y, cb, cr, nil
}

// readGrowing reads exactly n bytes into buf (reused when large enough). When buf must grow,
// it grows as data arrives, so a short stream never causes a large allocation. On a short
// read the returned slice holds what was read.
func readGrowing(r io.Reader, buf []byte, n int) ([]byte, error) {
	if cap(buf) >= n {
		buf = buf[:n]
		k, err := io.ReadFull(r, buf)
		return buf[:k], err
	}
	buf = buf[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), y4mReadChunk)
		buf = slices.Grow(buf, chunk)
		k, err := io.ReadFull(r, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+k]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// Next reads the next frame as packed RGB (Height*Width*3 bytes, valid until the next call).
func (r *Y4MReader) Next() ([]uint8, error) {
	y, cb, cr, err := r.NextYUV()
	if err != nil {
		return nil, err
	}
	if r.rgb == nil {
		r.rgb = make([]uint8, r.hdr.Width*r.hdr.Height*Channels)
	}
	sx, sy, _ := r.hdr.Chroma.subsampling()
	yuvToRGB(r.mat, y, cb, cr, r.hdr.Width, r.hdr.Height, sx, sy, r.rgb)
	return r.rgb, nil
}

// Close closes the underlying file when the reader was made by Open.
func (r *Y4MReader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

// Y4MWriter encodes frames into a Y4M stream.
type Y4MWriter struct {
	w   *bufio.Writer
	hdr Y4MHeader
	mat *yuvMatrix
	yuv []uint8
}

// NewY4MWriter writes the stream header for h to w. The chroma layout must be one of
// Chroma420jpeg, Chroma422, Chroma444, ChromaMono (an empty Chroma means Chroma444), and the
// frame rate ratio must be positive.
func NewY4MWriter(w io.Writer, h Y4MHeader) (*Y4MWriter, error) {
	if h.Chroma == "" {
		h.Chroma = Chroma444
	}
	switch h.Chroma {
	case Chroma420jpeg, Chroma422, Chroma444, ChromaMono:
	default:
		return nil, fmt.Errorf("video: y4m: cannot write chroma layout %q", h.Chroma)
	}
	if h.Width <= 0 || h.Height <= 0 || h.FPSNum <= 0 || h.FPSDen <= 0 {
		return nil, fmt.Errorf("video: y4m: bad header %dx%d at %d:%d fps", h.Width, h.Height, h.FPSNum, h.FPSDen)
	}
	yw := &Y4MWriter{w: bufio.NewWriterSize(w, 1<<16), hdr: h, mat: matrixFor(h.Range)}
	_, err := fmt.Fprintf(yw.w, "%s W%d H%d F%d:%d Ip A1:1 C%s XCOLORRANGE=%s\n", y4mMagic,
		h.Width, h.Height, h.FPSNum, h.FPSDen, h.Chroma, strings.ToUpper(h.Range.String()))
	return yw, err
}

// WriteYUV writes one frame from its planes, which must have the sizes the header implies
// (cb and cr empty for mono).
func (w *Y4MWriter) WriteYUV(y, cb, cr []uint8) error {
	luma, chroma := w.hdr.planeSizes()
	if len(y) != luma || len(cb) != chroma || len(cr) != chroma {
		return fmt.Errorf("video: y4m: planes of %d, %d, %d bytes, want %d, %d, %d", len(y), len(cb), len(cr), luma, chroma, chroma)
	}
	if _, err := w.w.WriteString(y4mFrame + "\n"); err != nil {
		return err
	}
	for _, p := range [][]uint8{y, cb, cr} {
		if _, err := w.w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// WriteRGB converts one packed RGB frame (Height*Width*3 bytes) and writes it.
func (w *Y4MWriter) WriteRGB(rgb []uint8) error {
	h := w.hdr
	if len(rgb) != h.Width*h.Height*Channels {
		return fmt.Errorf("video: y4m: frame of %d bytes, want %d", len(rgb), h.Width*h.Height*Channels)
	}
	luma, chroma := h.planeSizes()
	if w.yuv == nil {
		w.yuv = make([]uint8, luma+2*chroma)
	}
	y := w.yuv[:luma]
	var cb, cr []uint8
	if chroma > 0 {
		cb, cr = w.yuv[luma:luma+chroma], w.yuv[luma+chroma:]
	}
	sx, sy, _ := h.Chroma.subsampling()
	rgbToYUV(w.mat, rgb, h.Width, h.Height, sx, sy, y, cb, cr)
	return w.WriteYUV(y, cb, cr)
}

// Flush writes any buffered data to the underlying writer.
func (w *Y4MWriter) Flush() error { return w.w.Flush() }

// EncodeY4M writes clip to w as Y4M with opts.Y4MChroma and opts.Y4MRange.
func EncodeY4M(w io.Writer, clip *Clip, opts Options) error {
	if err := clip.Validate(); err != nil {
		return err
	}
	num, den := fpsRatio(clip.FPS)
	yw, err := NewY4MWriter(w, Y4MHeader{Width: clip.Width, Height: clip.Height, FPSNum: num, FPSDen: den,
		Chroma: opts.Y4MChroma, Range: opts.Y4MRange})
	if err != nil {
		return err
	}
	for t := range clip.Frames {
		if err := yw.WriteRGB(clip.Frame(t)); err != nil {
			return err
		}
	}
	return yw.Flush()
}

// DecodeY4M reads a whole Y4M stream into a clip; name identifies it in errors.
func DecodeY4M(r io.Reader, name string, opts Options) (*Clip, error) {
	yr, err := NewY4MReader(r, name, opts.Limits, opts.FPS)
	if err != nil {
		return nil, err
	}
	return ReadAll(yr, opts.Limits)
}

func openY4M(path string, opts Options) (*Y4MReader, error) {
	f, err := openRegular(path, "y4m")
	if err != nil {
		return nil, err
	}
	r, err := NewY4MReader(f, path, opts.Limits, opts.FPS)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

func writeY4M(path string, clip *Clip, opts Options) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeY4M(w, clip, opts) })
	if err != nil {
		return fileError(path, "y4m", "write", err)
	}
	return nil
}
