package serve

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/wfm-platform/wfm/serve/web"
)

// pagePolicy is the Content-Security-Policy of the page and its assets: its own scripts, styles
// and API only, media from blob: URLs (the videos it fetches with the key), no inline code, no
// framing.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' blob:; " +
	"img-src 'self' blob: data:; media-src 'self' blob:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// pageHandler serves the web page: index.html at /, the other files of web.FS under /static/;
// anything else is 404.
func pageHandler() http.Handler {
	assets := http.StripPrefix("/static/", http.FileServer(http.FS(web.FS)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, CodeInvalid, "method not allowed")
			return
		}
		w.Header().Set("Content-Security-Policy", pagePolicy)
		switch name, static := strings.CutPrefix(r.URL.Path, "/static/"); {
		case r.URL.Path == "/":
			data, err := fs.ReadFile(web.FS, "index.html")
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(data)
		case static && name != "" && name != "index.html" && !strings.Contains(name, "/"):
			assets.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}
