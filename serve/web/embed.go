// Package web holds the page that `wfm serve` serves at / and /static/: plain HTML, CSS and
// JavaScript embedded in the binary, with no build step and nothing fetched from elsewhere, so
// it works offline. The page talks only to the server's /v1 API (see package serve) and links
// the benchmark reports it lists (GET /v1/reports, served under /reports/).
//
// Files: index.html (the page, served at /), app.js and style.css (served at /static/app.js
// and /static/style.css).
package web

import "embed"

// FS holds index.html, app.js and style.css at its root.
//
//go:embed index.html app.js style.css
var FS embed.FS
