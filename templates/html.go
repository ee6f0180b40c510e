package templates

import (
	"embed"
	"html/template"
	"io"
)

//go:embed html/*.html
var htmlFiles embed.FS

// html/template, not text/template: subjects, names and details on the page
// are written by clients and must be escaped.
var timelinePage = template.Must(template.ParseFS(htmlFiles, "html/timeline.html"))

// Timeline renders timeline.html of a case export: a self-contained,
// printable Dutch page. data is the exporter's page model.
func Timeline(w io.Writer, data any) error {
	return timelinePage.Execute(w, data)
}
