package video

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestUnreadableFileIsNotMalformed (issue 17 item 9): a video this process may not read is
// reported as a permission error naming it, by every reader, never as malformed data (which
// curate files as corrupt). Root reads any file, so the test needs another user.
func TestUnreadableFileIsNotMalformed(t *testing.T) {
	if os.Geteuid() == 0 {
		// Root reads any file: run this test again as the unprivileged user nobody, from a
		// copy of the test binary that user may execute.
		runAsNobody(t, "TestUnreadableFileIsNotMalformed")
		return
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

// runAsNobody runs test again in a child process as uid/gid 65534 (nobody) and fails if it
// fails there; it skips when the child cannot be started so (no such user semantics here).
func runAsNobody(t *testing.T, test string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	dir, err := os.MkdirTemp("", "wfm-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "video.test")
	if err := copyExecutable(self, bin); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil || os.Chmod(tmp, 0o777) != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		t.Logf("as nobody:\n%s", out)
	case errors.As(err, &exit):
		t.Fatalf("as nobody: %v\n%s", err, out)
	default:
		t.Skipf("cannot run the test as nobody: %v", err)
	}
}

func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
