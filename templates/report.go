package templates

var reportHTML = htmlPage("report.html", map[string]any{"dateNL": DateNL, "decimal": Decimal})

// ReportHTML renders the evaluation report: one self-contained page (inline
// CSS and SVG, no scripts) that prints on A4. html/template escapes what
// directors wrote (categories, measures); the charts arrive as template.HTML
// and escape their own labels.
func ReportHTML(data any) (string, error) { return renderString(reportHTML, data) }
