package serve

import (
	"bytes"
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/worldgen"
)

// FuzzParseVideoParams: any body parses to parameters within bounds, or to a RequestError; it
// never panics.
func FuzzParseVideoParams(f *testing.F) {
	for _, s := range []string{`{"prompt":"a ball","frames":9,"resolution":"32x32","steps":2,"seed":1}`,
		`{"prompt":"x","guidance":0,"negative_prompt":""}`, `{"prompt":"x","width":16,"height":16}`,
		`{"prompt":"x","resolution":"0x-1"}`, `{"prompt":"x","timeout_seconds":1e308}`, `[]`, `{`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseVideoParams(data)
		if err != nil {
			if !errors.Is(err, worldgen.ErrInvalid) {
				t.Fatalf("error not a request error: %v", err)
			}
			return
		}
		if p.Frames < 1 || p.Frames > maxFrames || p.Width < 1 || p.Height < 1 || p.Width > maxSide || p.Height > maxSide ||
			p.Steps < 1 || p.Steps > maxSteps || p.Seed == nil || p.NegativePrompt == nil || strings.TrimSpace(p.Prompt) == "" {
			t.Fatalf("accepted out of bounds: %+v", p)
		}
	})
}

// FuzzParseMultipartSubmission: any multipart body is accepted within the limits or refused.
func FuzzParseMultipartSubmission(f *testing.F) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.SetBoundary("BOUNDARY")
	mw.WriteField("request", `{"prompt":"a ball"}`)
	fw, _ := mw.CreateFormFile("input", "x.png")
	fw.Write([]byte("\x89PNG\r\n\x1a\n"))
	mw.Close()
	f.Add(b.Bytes())
	f.Add([]byte("--BOUNDARY\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{}\r\n--BOUNDARY--\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, up, err := parseMultipartSubmission(bytes.NewReader(data), "BOUNDARY", 1024, 2048)
		if err != nil {
			var tooBig *http.MaxBytesError
			if !errors.Is(err, worldgen.ErrInvalid) && !errors.As(err, &tooBig) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if p.Seed == nil || (up != nil && (len(up.data) == 0 || len(up.data) > 2048)) {
			t.Fatalf("accepted %+v with an upload of %v", p, up)
		}
	})
}

// FuzzParseAPIKeys: a keys file parses to valid keys or an error naming the file.
func FuzzParseAPIKeys(f *testing.F) {
	f.Add([]byte("# keys\nalice 0123456789abcdef0\n0123456789abcdef1\n"))
	f.Add([]byte("a b c\n"))
	f.Add([]byte("bob short\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseAPIKeys(data, "keys.txt")
		if err != nil {
			if !strings.Contains(err.Error(), "keys.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		a := newAuthenticator(keys)
		for _, k := range keys {
			if len(k.Token) < minTokenLen || k.Name == "" {
				t.Fatalf("accepted %+v", k)
			}
			if name, ok := a.check(k.Token); !ok || name != k.Name {
				t.Fatalf("key %s does not authenticate", k.Name)
			}
		}
	})
}

// FuzzUpload: any upload is sniffed and decoded within the limits, or refused as a
// RequestError; it never panics.
func FuzzUpload(f *testing.F) {
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Add([]byte("YUV4MPEG2 W2 H2 F1:1 C444\nFRAME\n012345678901"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		_, ext, err := sniffUpload(data)
		if err != nil {
			return
		}
		if needsFile(ext) {
			return // decoded by ffmpeg from a file: not fuzzed here
		}
		_, err = decodeMedia(context.Background(), data, ext, "input", uploadLimits, filepath.Join(dir, "x"+ext))
		if err != nil && !errors.Is(err, worldgen.ErrInvalid) {
			t.Fatalf("error not a request error: %v", err)
		}
	})
}

// FuzzValidID: only the form newID makes passes, so no id with a path separator or dot reaches
// a file name.
func FuzzValidID(f *testing.F) {
	f.Add("vid_0123456789abcdef0123456789abcdef")
	f.Add("vid_../../../../../../../../etc/pwd")
	f.Fuzz(func(t *testing.T, id string) {
		if ValidID(id) && (strings.ContainsAny(id, `/\.`) || filepath.Base(id) != id || len(id) != 36) {
			t.Fatalf("accepted %q", id)
		}
	})
}

// FuzzReportName: a /reports/ name passes only when it stays inside the folder (no "..", no
// absolute path, no backslash tricks on the way to a file name) and names no dotfile.
func FuzzReportName(f *testing.F) {
	for _, s := range []string{"serve.md", "sub/load.json", "../x", ".git/config", "a/../../b", "/etc/passwd", "a//b", "a/.env", `..\x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !reportName(name) {
			return
		}
		const root = "/reports-root"
		joined := filepath.Join(root, filepath.FromSlash(name))
		if !strings.HasPrefix(joined, root+string(filepath.Separator)) || strings.Contains(name, "/.") ||
			strings.HasPrefix(name, ".") || filepath.Clean(joined) != joined {
			t.Fatalf("accepted %q (%s)", name, joined)
		}
	})
}
