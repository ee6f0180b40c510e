package templates

import (
	"bytes"
	"embed"
	"html/template"
)

//go:embed html/report.html
var reportFS embed.FS

var reportHTML = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"dateNL":  DateNL,
	"decimal": Decimal,
}).ParseFS(reportFS, "html/report.html"))

// ReportHTML renders the evaluation report: one self-contained page (inline
// CSS and SVG, no scripts) that prints on A4. html/template escapes what
// directors wrote (categories, measures); the charts arrive as template.HTML
// and escape their own labels.
func ReportHTML(data any) (string, error) {
	var b bytes.Buffer
	if err := reportHTML.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
