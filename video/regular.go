package video

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wfm-platform/wfm/internal/regfile"
)

// Only regular files are read as videos. Opening a named pipe (FIFO) blocks until something
// writes to it, a device may never end, and ffprobe given either waits forever; a folder named
// like a video is a mistake. So every reader checks the file first and refuses anything else
// with ErrNotRegular, naming the file and what it is; Go readers open files without blocking
// (see openFlags) and check the opened file again, so a file swapped for a pipe between the
// check and the open is refused too.

// videoExts are the extensions of video files: a folder with one of them is refused rather
// than read as a PNG sequence.
var videoExts = map[string]bool{".mp4": true, ".m4v": true, ".mov": true, ".mkv": true, ".webm": true,
	".avi": true, ".ts": true, ".mpg": true, ".mpeg": true, ".y4m": true, ".gif": true, ".png": true}

func notRegular(path, format string, m fs.FileMode) *FormatError {
	return &FormatError{Path: path, Format: format, Err: ErrNotRegular,
		Reason: regfile.DescribeMode(m) + "; only regular files are read as videos"}
}

// checkRegular reports an error unless path (after symbolic links) is a regular file this
// process can open for reading: a file it may not read is an error wrapping fs.ErrPermission
// (not ErrMalformed, as the external tool it is handed to would report it).
func checkRegular(path, format string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fileError(path, format, "open", err)
	}
	if !st.Mode().IsRegular() {
		return notRegular(path, format, st.Mode())
	}
	f, err := openRegular(path, format)
	if err != nil {
		return err
	}
	return f.Close()
}

// openRegular opens path for reading without blocking on a pipe, and returns it only if it
// is a regular file.
func openRegular(path, format string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, fileError(path, format, "open", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fileError(path, format, "open", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, format, st.Mode())
	}
	return f, nil
}

// formatOf names the reader Open would choose for path, for errors.
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".y4m":
		return "y4m"
	case ".png":
		return "png"
	case ".gif":
		return "gif"
	}
	return "ffmpeg"
}
