package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"io"
	"math"
	"time"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/video"
)

// Document is one self-contained HTML report: every image and animation is embedded as a
// base64 data URI, so the file can be mailed, committed or opened offline on its own.
type Document struct {
	Title     string
	Summary   []string // paragraphs under the title
	Generated time.Time
	Sections  []*Section
}

// Section is a titled part of a report holding text, tables, figures and animations in order.
type Section struct {
	Title  string
	Blocks []Block
}

// Block is one element of a section: Text, *Table, *Figure or Figures.
type Block interface{ block() }

// Text is a paragraph.
type Text string

// Table is a table of text cells; Head is its header row. Note, when set, is printed under it.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
	Note    string
}

// Figure is an embedded image: PNG, GIF (animations) or JPEG bytes with their MIME type.
type Figure struct {
	Caption string
	MIME    string
	Data    []byte
	Width   int // display width in CSS pixels; 0 keeps the natural size
	// Pixelated scales the image with nearest-neighbour sampling (small video frames).
	Pixelated bool
}

// Figures lays several figures out in a row that wraps.
type Figures []*Figure

func (Text) block()    {}
func (*Table) block()  {}
func (*Figure) block() {}
func (Figures) block() {}

// Add appends blocks to a section and returns it.
func (s *Section) Add(b ...Block) *Section {
	s.Blocks = append(s.Blocks, b...)
	return s
}

// NewSection appends a section to the document and returns it.
func (d *Document) NewSection(title string) *Section {
	s := &Section{Title: title}
	d.Sections = append(d.Sections, s)
	return s
}

// PNG encodes an image as an embedded figure.
func PNG(caption string, img image.Image) (*Figure, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("report: encode %q: %w", caption, err)
	}
	return &Figure{Caption: caption, MIME: "image/png", Data: b.Bytes()}, nil
}

// GIF encodes a clip as an embedded looping animation, shown scale times its size with
// nearest-neighbour sampling. It is video's GIF writer with delta frames and no dithering
// (video.Options GIFDelta and GIFNoDither): the synthetic scenes have static cameras and
// backgrounds, so frames that hold only what changed make the page several times smaller.
func GIF(caption string, c *video.Clip, scale int) (*Figure, error) {
	var b bytes.Buffer
	if err := video.EncodeGIF(&b, c, video.Options{GIFDelta: true, GIFNoDither: true}); err != nil {
		return nil, fmt.Errorf("report: animation %q: %w", caption, err)
	}
	return &Figure{Caption: caption, MIME: "image/gif", Data: b.Bytes(), Width: c.Width * max(1, scale), Pixelated: true}, nil
}

// Num formats a metric for a table: digits decimals, "-" for NaN, "inf" for +Inf.
func Num(v float64, digits int) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return fmt.Sprintf("%.*f", digits, v)
}

// Render writes the document as HTML.
func (d *Document) Render(w io.Writer) error {
	return page.Execute(w, d)
}

// Write renders the document to path atomically.
func (d *Document) Write(path string) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return d.Render(w) })
	if err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	return nil
}

// srcAttr is the src attribute of an embedded figure. The MIME type comes from this package's
// constructors and base64 has no quote or markup characters, so the attribute is safe as is
// (passing it as a URL would make html/template escape every '+').
func srcAttr(f *Figure) template.HTMLAttr {
	switch f.MIME {
	case "image/png", "image/gif", "image/jpeg":
	default:
		return ""
	}
	return template.HTMLAttr(`src="data:` + f.MIME + ";base64," + base64.StdEncoding.EncodeToString(f.Data) + `"`)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"src": srcAttr,
	"kind": func(b Block) string {
		switch b.(type) {
		case Text:
			return "text"
		case *Table:
			return "table"
		case *Figure:
			return "figure"
		case Figures:
			return "figures"
		}
		return ""
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.3em; }
figure { display: inline-block; margin: 0.5em 1em 0.5em 0; vertical-align: top; }
figcaption { font-size: 0.85em; color: #555; max-width: 40em; }
img.px { image-rendering: pixelated; }
.note { font-size: 0.85em; color: #555; }
.meta { color: #666; font-size: 0.9em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with date .Generated}}<p class="meta">Generated {{.}}</p>{{end}}
{{range .Summary}}<p>{{.}}</p>
{{end}}
{{range .Sections}}<h2>{{.Title}}</h2>
{{range .Blocks}}{{$k := kind .}}{{if eq $k "text"}}<p>{{.}}</p>
{{else if eq $k "table"}}<table>{{with .Caption}}<caption>{{.}}</caption>{{end}}
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody></table>{{with .Note}}<p class="note">{{.}}</p>{{end}}
{{else if eq $k "figure"}}{{template "fig" .}}
{{else if eq $k "figures"}}<div>{{range .}}{{template "fig" .}}{{end}}</div>
{{end}}{{end}}{{end}}
</body>
</html>
{{define "fig"}}<figure><img {{src .}}{{if .Width}} width="{{.Width}}"{{end}}{{if .Pixelated}} class="px"{{end}} alt="{{.Caption}}">{{with .Caption}}<figcaption>{{.}}</figcaption>{{end}}</figure>{{end}}
`))
