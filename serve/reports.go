package serve

import (
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// maxReports bounds the files GET /v1/reports lists.
const maxReports = 1000

// reportPolicy is the Content-Security-Policy of a served report: a sandbox (an opaque origin
// that cannot read the page's stored key or call the API as it), no scripts, its own images
// and inline styles only.
const reportPolicy = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"

// ReportFile is one file of the reports folder (Config.ReportsDir).
type ReportFile struct {
	// Name is the file's slash-separated path inside the folder; URL is where it is served
	// ("/reports/" + Name, path-escaped).
	Name       string    `json:"name"`
	URL        string    `json:"url"`
	Size       int64     `json:"size"`
	ModifiedAt time.Time `json:"modified_at"`
}

// ReportList is GET /v1/reports: the reports folder's regular files, by name (dotfiles and
// symbolic links left out; at most 1000).
type ReportList struct {
	Object string       `json:"object"` // "list"
	Data   []ReportFile `json:"data"`
}

// reportName checks a /reports/ request path: a valid io/fs path none of whose elements starts
// with a dot (no "..", no dotfiles).
func reportName(name string) bool {
	if !fs.ValidPath(name) || name == "." {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if strings.HasPrefix(el, ".") {
			return false
		}
	}
	return true
}

// listReports walks the reports folder.
func (s *Server) listReports() ([]ReportFile, error) {
	out := []ReportFile{}
	if s.reports == nil {
		return out, nil
	}
	fsys := s.reports.FS()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, ReportFile{Name: p, URL: "/reports/" + escapePath(p), Size: info.Size(), ModifiedAt: info.ModTime().UTC()})
		if len(out) == maxReports {
			return fs.SkipAll
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// escapePath escapes a slash-separated path element by element.
func escapePath(p string) string {
	els := strings.Split(p, "/")
	for i, el := range els {
		els[i] = url.PathEscape(el)
	}
	return strings.Join(els, "/")
}

func (s *Server) handleReports(w http.ResponseWriter, r *http.Request) {
	list, err := s.listReports()
	if err != nil {
		writeErr(w, fmt.Errorf("serve: list the reports: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, ReportList{Object: "list", Data: list})
}

// handleReport serves one file of the reports folder, read-only, through the folder's os.Root
// (no path leaves it, symbolic links included).
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.reports == nil || !reportName(name) {
		writeError(w, http.StatusNotFound, "not_found", "no such report")
		return
	}
	f, err := s.reports.Open(name)
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", "no such report")
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		writeError(w, http.StatusNotFound, "not_found", "no such report")
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	switch {
	case strings.HasSuffix(name, ".md"):
		ct = "text/markdown; charset=utf-8"
	case ct == "":
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Security-Policy", reportPolicy)
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// openReports opens Config.ReportsDir (nil when it is empty).
func openReports(dir string) (*os.Root, error) {
	if dir == "" {
		return nil, nil
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("serve: reports folder: %w", err)
	}
	return root, nil
}
