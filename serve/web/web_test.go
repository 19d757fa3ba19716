package web

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func readAsset(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestAssetsSelfContained checks what the browser test (serve.TestBrowserPage) needs a browser
// for only in part, here without one: the page loads nothing from elsewhere, runs no inline
// script or handler, and its script never turns strings into markup or code.
func TestAssetsSelfContained(t *testing.T) {
	page := readAsset(t, "index.html")
	script := readAsset(t, "app.js")
	style := readAsset(t, "style.css")

	// Every src and href is the server's own path, a fragment, or the empty data: icon.
	for _, m := range regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if u := m[1]; (!strings.HasPrefix(u, "/") && u != "#" && u != "data:,") || strings.HasPrefix(u, "//") {
			t.Errorf("index.html loads %q: want a path on the server", u)
		}
	}
	for name, text := range map[string]string{"app.js": script, "style.css": style} {
		if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/`).FindString(text); m != "" {
			t.Errorf("%s refers to %q: the page must work offline", name, m)
		}
	}
	if m := regexp.MustCompile(`(?i)@import|url\(\s*['"]?(https?:|//)`).FindString(style); m != "" {
		t.Errorf("style.css imports %q", m)
	}
	if m := regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`).FindString(page); m != "" {
		t.Errorf("index.html has an inline event handler: %s", m)
	}
	if m := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]`).FindString(page); m != "" {
		t.Errorf("index.html has an inline script: %s", m)
	}
	for _, sink := range []string{".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setTimeout('", `setTimeout("`} {
		if strings.Contains(script, sink) {
			t.Errorf("app.js uses %s: server data must reach the page as text", sink)
		}
	}
}

// TestScriptElementsExist checks that every element app.js looks up by id ($('id')) is in
// index.html, and that every form control has a label.
func TestScriptElementsExist(t *testing.T) {
	page := readAsset(t, "index.html")
	script := readAsset(t, "app.js")
	var ids []string
	for _, m := range regexp.MustCompile(`\bid="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if slices.Contains(ids, m[1]) {
			t.Errorf("index.html: id %q appears twice", m[1])
		}
		ids = append(ids, m[1])
	}
	used := regexp.MustCompile(`\$\('([^']+)'\)`).FindAllStringSubmatch(script, -1)
	if len(used) < 20 {
		t.Fatalf("found only %d element lookups in app.js: has the $('id') helper changed?", len(used))
	}
	for _, m := range used {
		if !slices.Contains(ids, m[1]) {
			t.Errorf("app.js uses element #%s, which index.html lacks", m[1])
		}
	}
	// A control is labelled by <label for=ID>, by a <label> around it, or by aria-label.
	labelFor := map[string]bool{}
	for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		labelFor[m[1]] = true
	}
	wrapped := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?s)<label>[^<]*<(?:input|select|textarea)[^>]*\bid="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		wrapped[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`<(input|select|textarea|progress)\b[^>]*>`).FindAllStringSubmatch(page, -1) {
		tag := m[0]
		id := regexp.MustCompile(`\bid="([^"]+)"`).FindStringSubmatch(tag)
		if id == nil {
			t.Errorf("index.html: %s has no id", tag)
			continue
		}
		if !labelFor[id[1]] && !wrapped[id[1]] && !strings.Contains(tag, "aria-label=") {
			t.Errorf("index.html: #%s has no label", id[1])
		}
	}
}
