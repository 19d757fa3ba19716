package serve

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReports: GET /v1/reports lists the reports folder's regular files (no dotfiles, no
// symbolic links, nothing outside it) behind the key check; /reports/NAME serves them
// sandboxed to anyone, and no request path reaches beyond the folder or a dotfile.
func TestReports(t *testing.T) {
	resetFake()
	releaseFake()
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	outside := filepath.Join(dir, "secret.txt")
	for name, data := range map[string]string{
		"serve.md":       "# serve\n",
		"sub/load.json":  `{"videos_per_min": 1}`,
		".hidden":        "dot",
		".git/config":    "dot folder",
		"sub/.env":       "dot in a folder",
		"../secret.txt":  "outside",
		"sub/a b&c.html": "<script>alert(1)</script>",
	} {
		p := filepath.Join(reports, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(reports, "link.txt")); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, Config{Models: []string{"fake:m"}, ReportsDir: reports,
		APIKeys: []APIKey{{Name: "alice", Token: testToken}}})
	var list ReportList
	if r := ts.do(t, "GET", "/v1/reports", "", nil, &list); r.StatusCode != 200 {
		t.Fatalf("list: %d", r.StatusCode)
	}
	var names []string
	for _, f := range list.Data {
		names = append(names, f.Name+"="+f.URL)
	}
	if got, want := strings.Join(names, " "), "serve.md=/reports/serve.md sub/a b&c.html=/reports/sub/a%20b&c.html sub/load.json=/reports/sub/load.json"; got != want {
		t.Fatalf("listed %q, want %q", got, want)
	}
	get := func(path string) (int, string, http.Header) {
		t.Helper()
		r, err := http.Get(ts.URL + path) // no key: the files are open, like the page
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b), r.Header
	}
	if code, _, _ := get("/v1/reports"); code != 401 {
		t.Fatalf("the list without a key: %d", code)
	}
	code, body, h := get("/reports/serve.md")
	if code != 200 || body != "# serve\n" || !strings.HasPrefix(h.Get("Content-Type"), "text/markdown") ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("serve.md: %d %q %v", code, body, h)
	}
	if code, _, h := get("/reports/sub/a%20b&c.html"); code != 200 || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("an HTML report: %d %v", code, h)
	}
	for _, p := range []string{"/reports/.hidden", "/reports/.git/config", "/reports/sub/.env", "/reports/link.txt",
		"/reports/../secret.txt", "/reports/%2e%2e/secret.txt", "/reports/sub/..%2f..%2fsecret.txt", "/reports/sub",
		"/reports/", "/reports/nothing.md"} {
		if code, body, _ := get(p); code == 200 || strings.Contains(body, "outside") || strings.Contains(body, "dot") {
			t.Errorf("GET %s: %d %q", p, code, body)
		}
	}
}

// TestNoReports: without a reports folder the list is empty and /reports/ is 404.
func TestNoReports(t *testing.T) {
	ts := startServer(t, Config{Models: []string{"fake:m"}})
	var list ReportList
	if r := ts.do(t, "GET", "/v1/reports", "", nil, &list); r.StatusCode != 200 || list.Data == nil || len(list.Data) != 0 {
		t.Fatalf("list: %d %+v", r.StatusCode, list)
	}
	if r := ts.do(t, "GET", "/reports/x.md", "", nil, nil); r.StatusCode != 404 {
		t.Fatalf("a report: %d", r.StatusCode)
	}
}
