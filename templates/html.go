package templates

import (
	"bytes"
	"embed"
	"html/template"
	"io"
)

//go:embed html/*.html
var htmlFiles embed.FS

// htmlPage parses one page of html/. html/template, not text/template: what
// clients and directors wrote (subjects, names, categories) must be escaped.
func htmlPage(name string, funcs template.FuncMap) *template.Template {
	return template.Must(template.New(name).Funcs(funcs).ParseFS(htmlFiles, "html/"+name))
}

func renderString(t *template.Template, data any) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

var timelinePage = htmlPage("timeline.html", nil)

// Timeline renders timeline.html of a case export: a self-contained,
// printable Dutch page. data is the exporter's page model.
func Timeline(w io.Writer, data any) error {
	return timelinePage.Execute(w, data)
}
