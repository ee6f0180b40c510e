package templates

import (
	"io"
)

// Timeline renders timeline.html of a case export: a self-contained,
// printable Dutch page. data is the exporter's page model.
func (s *Set) Timeline(w io.Writer, data any) error {
	return s.html["timeline.html"].Execute(w, data)
}

// Timeline renders a case file's timeline with the embedded templates.
func Timeline(w io.Writer, data any) error { return defaultSet.Timeline(w, data) }
