package video

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestUnreadableFileIsNotMalformed (issue 17 item 9): a video this process may not read is
// reported as a permission error naming it, by every reader, never as malformed data (which
// curate files as corrupt). Root reads any file, so the test needs another user.
func TestUnreadableFileIsNotMalformed(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may read a file of mode 000")
	}
	dir := t.TempDir()
	for _, name := range []string{"a.mp4", "a.y4m", "a.gif", "a.png"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("data"), 0o000); err != nil {
			t.Fatal(err)
		}
		_, err := Read(context.Background(), path, Options{})
		var fe *FormatError
		if !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrMalformed) || !errors.As(err, &fe) || fe.Path != path {
			t.Errorf("Read %s: %v, want a *FormatError naming it wrapping fs.ErrPermission", name, err)
		}
		if name == "a.mp4" {
			if _, err := Probe(context.Background(), path, Options{}); !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrMalformed) {
				t.Errorf("Probe %s: %v, want fs.ErrPermission", name, err)
			}
		}
	}
}
