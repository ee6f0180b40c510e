package templates

// ReportHTML renders the evaluation report: one self-contained page (inline
// CSS and SVG, no scripts) that prints on A4. html/template escapes what
// directors wrote (categories, measures); the charts arrive as template.HTML
// and escape their own labels.
func (s *Set) ReportHTML(data any) (string, error) { return s.renderHTML("report.html", data) }

// ReportHTML renders the report with the embedded templates.
func ReportHTML(data any) (string, error) { return defaultSet.ReportHTML(data) }
