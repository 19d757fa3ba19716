package web_test

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"

	"github.com/wfm-platform/wfm/serve/web"
)

// The page is three files; a server mounts them (package serve serves index.html at / and the
// others under /static/).
func Example() {
	names, err := fs.Glob(web.FS, "*")
	if err != nil {
		panic(err)
	}
	fmt.Println(names)

	static := http.StripPrefix("/static/", http.FileServer(http.FS(web.FS)))
	rec := httptest.NewRecorder()
	static.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/app.js", nil))
	fmt.Println(rec.Code, rec.Body.Len() > 0)
	// Output:
	// [app.js index.html style.css]
	// 200 true
}
