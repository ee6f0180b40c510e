package templates

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Families are many short texts in one file, each under a name, as one
// mail template is one file: the notices to directors (notices.nl.tmpl)
// and the incidents with what ends them and what a case needs a director
// for (incidents.nl.tmpl). A name has one define per part: "warning.title"
// and "warning" for a notice, "job.title", "job.what", "job.meaning" and
// "job.todo" for an incident. A templates directory overrides a family's
// file as a whole, like any other file; every name is rendered with its
// sample at start (New), so an override that lacks one, or names a field
// its data does not have, stops the start.

// family is a file of named texts and the parts each name defines ("" is
// the define named name itself).
type family struct {
	file    string
	parts   []string
	samples map[string]any // every name, with data of the type it is rendered with
}

var (
	notices = family{"notices.nl.tmpl", []string{"title", ""}, noticeSamples()}
	// Incidents are told in alert mail (alert.nl.tmpl) and the digest, and stored as rendered.
	incidents   = family{"incidents.nl.tmpl", []string{"title", "what", "meaning", "todo"}, incidentSamples()}
	resolutions = family{"incidents.nl.tmpl", []string{""}, resolutionSamples()}
	attentions  = family{"incidents.nl.tmpl", []string{"title", "meaning", "todo"}, attentionSamples()}
	// Notes are the short phrases a notice or a case carries: what a
	// command did, in the director's confirmation ("note-..."), and what a
	// case needs (its Attention, "attention-...").
	notes = family{"notices.nl.tmpl", []string{""}, noteSamples()}
)

// part renders one define of name in f: data must be of the type of
// name's sample, which New rendered, so a field it names exists.
func (s *Set) part(f family, name, part string, data any) (string, error) {
	sample, ok := f.samples[name]
	if !ok {
		return "", fmt.Errorf("template %s: no text named %q", f.file, name)
	}
	if got, want := reflect.TypeOf(data), reflect.TypeOf(sample); got != want {
		return "", fmt.Errorf("template %s: %s is rendered with %v, not %v", f.file, name, want, got)
	}
	def := name
	if part != "" {
		def += "." + part
	}
	t := s.mail[f.file].Lookup(def)
	if t == nil {
		return "", fmt.Errorf("template %s: %s defines no %q", f.file, f.file, def)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render %s %s: %w", f.file, def, err)
	}
	return b.String(), nil
}

// paragraph folds a text to one line: a title, or a part of an incident
// that a template may wrap over several.
func paragraph(s string) string { return strings.Join(strings.Fields(s), " ") }

// Notice renders the notice to directors named name (notices.nl.tmpl):
// its title, one line, and the lines of its body, which notice.nl.tmpl
// frames with the case. data is the notice's own type (NoticeWarning for
// "warning"); an unknown name is an error.
func (s *Set) Notice(name string, data any) (title string, lines []string, err error) {
	title, err = s.part(notices, name, "title", data)
	if err != nil {
		return "", nil, err
	}
	body, err := s.part(notices, name, "", data)
	if err != nil {
		return "", nil, err
	}
	if title = paragraph(title); title == "" {
		return "", nil, fmt.Errorf("template %s: notice %s has no title", notices.file, name)
	}
	body = strings.Trim(body, "\n")
	if strings.TrimSpace(body) == "" {
		return "", nil, fmt.Errorf("template %s: notice %s says nothing", notices.file, name)
	}
	for _, l := range strings.Split(body, "\n") {
		lines = append(lines, strings.TrimRight(l, " \t"))
	}
	return title, lines, nil
}

// Note renders the phrase named name (notices.nl.tmpl, "note-..." and
// "attention-..."): one line, without a full stop, for a sentence the
// caller builds.
func (s *Set) Note(name string, data any) (string, error) {
	text, err := s.part(notes, name, "", data)
	if err != nil {
		return "", err
	}
	if text = paragraph(text); text == "" {
		return "", fmt.Errorf("template %s: %s is empty", notes.file, name)
	}
	return text, nil
}

// IncidentText is what an incident says, each part one line.
type IncidentText struct {
	Title   string // what went wrong, lower case: it follows "Aandacht nodig: "
	What    string // what happened
	Meaning string // what it means for clients
	Todo    string // what to do
}

// Incident renders the incident named name (incidents.nl.tmpl); data is
// its own type (IncidentJob for "job").
func (s *Set) Incident(name string, data any) (IncidentText, error) {
	var t IncidentText
	for _, p := range []struct {
		part string
		to   *string
	}{{"title", &t.Title}, {"what", &t.What}, {"meaning", &t.Meaning}, {"todo", &t.Todo}} {
		text, err := s.part(incidents, name, p.part, data)
		if err != nil {
			return IncidentText{}, err
		}
		if *p.to = paragraph(text); *p.to == "" {
			return IncidentText{}, fmt.Errorf("template %s: %s.%s is empty", incidents.file, name, p.part)
		}
	}
	return t, nil
}

// Resolved renders what the mail that ends an incident says happened
// (incidents.nl.tmpl, "resolved-..."): one line.
func (s *Set) Resolved(name string, data any) (string, error) {
	text, err := s.part(resolutions, name, "", data)
	if err != nil {
		return "", err
	}
	if text = paragraph(text); text == "" {
		return "", fmt.Errorf("template %s: %s is empty", resolutions.file, name)
	}
	return text, nil
}

// Attention renders what a case needs a director for, under "Aandacht
// nodig" in the digest (incidents.nl.tmpl, "case-..."): its Title, Meaning
// and Todo; the caller sets Case and Since.
func (s *Set) Attention(name string, data any) (Attention, error) {
	var a Attention
	for _, p := range []struct {
		part string
		to   *string
	}{{"title", &a.Title}, {"meaning", &a.Meaning}, {"todo", &a.Todo}} {
		text, err := s.part(attentions, name, p.part, data)
		if err != nil {
			return Attention{}, err
		}
		if *p.to = paragraph(text); *p.to == "" {
			return Attention{}, fmt.Errorf("template %s: %s.%s is empty", attentions.file, name, p.part)
		}
	}
	return a, nil
}

// checkFamilies renders every name of every family with its sample.
func (s *Set) checkFamilies() error {
	check := func(f family, render func(name string, data any) error) error {
		for name, data := range f.samples {
			if err := render(name, data); err != nil {
				return fmt.Errorf("template %s does not render: %w", f.file, err)
			}
		}
		return nil
	}
	return errors.Join(
		check(notices, func(n string, d any) error { _, _, err := s.Notice(n, d); return err }),
		check(incidents, func(n string, d any) error { _, err := s.Incident(n, d); return err }),
		check(resolutions, func(n string, d any) error { _, err := s.Resolved(n, d); return err }),
		check(attentions, func(n string, d any) error { _, err := s.Attention(n, d); return err }),
		check(notes, func(n string, d any) error { _, err := s.Note(n, d); return err }))
}
