package video

import (
	"errors"
	"io/fs"
	"strings"
)

// Kinds of failure. A *FormatError wraps one of them (or an underlying I/O error), so callers
// can branch with errors.Is without parsing messages.
var (
	// ErrMalformed: the data is not a valid file of the format it claims (a text file named
	// .mp4, a Y4M header with a bad field, a PNG that does not decode).
	ErrMalformed = errors.New("malformed data")
	// ErrTruncated: the stream ended inside a header or a frame, or before the frame count the
	// container declared.
	ErrTruncated = errors.New("truncated stream")
	// ErrNoFrames: the file or folder holds no video frames (or no video stream at all).
	ErrNoFrames = errors.New("no video frames")
	// ErrLimit: a frame size, frame count or total size exceeds the configured Limits.
	ErrLimit = errors.New("limit exceeded")
	// ErrUnsupported: valid data that this package does not handle (a Y4M colour space such
	// as 420p10, an output extension with no codec).
	ErrUnsupported = errors.New("unsupported")
	// ErrOddSize: H.264 with 4:2:0 chroma needs even width and height.
	ErrOddSize = errors.New("odd frame size")
	// ErrTool: ffmpeg or ffprobe could not be started or failed for a reason that is not
	// about the input data (see the captured log), or ffprobe gave no answer within
	// Options.ProbeTimeout (then the error also wraps context.DeadlineExceeded).
	ErrTool = errors.New("external tool failed")
	// ErrNotRegular: the path is not a regular file (a named pipe, a device, a socket, or a
	// folder named like a video file); it is refused before anything opens or probes it.
	ErrNotRegular = errors.New("not a regular file")
)

// FormatError reports a problem with one video file, folder or stream. Path names it (a file
// name, a PNG pattern, or a caller-supplied name for an in-memory stream), Format is the codec
// path that met the problem ("y4m", "png", "gif", "ffmpeg"), Reason says what went wrong in
// words, Err is the kind (one of the Err* values above) or the underlying error, and Log holds
// the last lines that ffmpeg or ffprobe wrote to stderr, when a tool was involved.
type FormatError struct {
	Path   string
	Format string
	Reason string
	Err    error
	Log    string
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("video: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Format != "" {
		b.WriteString(e.Format)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Log != "" {
		b.WriteString("\n")
		b.WriteString(e.Log)
	}
	return b.String()
}

func (e *FormatError) Unwrap() error { return e.Err }

// fileError wraps an I/O error in a FormatError. An *fs.PathError is unwrapped first, since
// its message would repeat the path; errors.Is(err, fs.ErrNotExist) still holds.
func fileError(path, format, reason string, err error) *FormatError {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &FormatError{Path: path, Format: format, Reason: reason, Err: err}
}
