// Package templates holds the embedded text of every mail the bot writes,
// in Dutch and English, and the HTML of the digest, the case file's timeline
// and the evaluation report, and renders them from the data it is given.
// That includes the words of every notice to directors (reminders,
// warnings, escalations, questions, refusals, confirmations:
// notices.nl.tmpl, Set.Notice) and of every incident the alerts tell and
// the digest lists (incidents.nl.tmpl, Set.Incident, Set.Resolved,
// Set.Attention): callers pass data, never sentences.
//
// The firm's own voice (its name, the directors' signatures, phone number,
// the klachtenregeling's address) comes from Firm; a templates directory may
// override any embedded file by name (Set, New).
//
// It owns wording and layout, no rules: it must not import workflow,
// storage or the mail edge.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"
)

//go:embed mail/*.tmpl html/*.html
var files embed.FS

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

var weekdaysNL = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}

// DateNL writes a date out in Dutch: "8 december 2026".
func DateNL(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
}

// DayNL writes a date with its weekday: "dinsdag 8 december 2026", as a
// promise to a client reads best.
func DayNL(t time.Time) string { return weekdaysNL[t.Weekday()] + " " + DateNL(t) }

// DateEN writes a date out in English: "8 December 2026".
func DateEN(t time.Time) string {
	return t.Format("2 January 2006")
}

// DayEN writes a date with its weekday: "Tuesday 8 December 2026".
func DayEN(t time.Time) string { return t.Format("Monday 2 January 2006") }

// list joins names the way a sentence does: "Marco en Hans", "A, B and C".
func list(and string) func([]string) string {
	return func(names []string) string {
		if len(names) < 2 {
			return strings.Join(names, "")
		}
		return strings.Join(names[:len(names)-1], ", ") + " " + and + " " + names[len(names)-1]
	}
}

// Names lists every template file a templates directory may override.
func Names() []string {
	var names []string
	for _, dir := range []string{"mail", "html"} {
		entries, _ := fs.ReadDir(files, dir) // embedded: cannot fail
		for _, e := range entries {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Set is the firm's templates: the embedded ones, any overridden by a file
// of the same name in the templates directory, rendered with the firm's
// details.
type Set struct {
	firm Firm
	mail map[string]*template.Template // by file name, "ack.nl.tmpl"
	html map[string]*htmltemplate.Template
}

var defaultSet = func() *Set {
	s, err := New(Firm{}, "")
	if err != nil {
		panic(err)
	}
	return s
}()

// Default is the embedded templates with the default firm.
func Default() *Set { return defaultSet }

// New parses the embedded templates, replacing each that dir holds a file
// of the same name for ("" for none), and renders every one of them with
// sample data, so a broken override is found at start and not when a mail
// is due. A file in dir that overrides nothing is an error too: a typo in a
// name would otherwise be ignored.
func New(firm Firm, dir string) (*Set, error) {
	firm = firm.withDefaults()
	s := &Set{firm: firm, mail: map[string]*template.Template{}, html: map[string]*htmltemplate.Template{}}
	known := map[string]bool{}
	for _, name := range Names() {
		known[name] = true
		src, origin, err := source(name, dir)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, ".html") {
			t, err := htmltemplate.New(name).Funcs(htmltemplate.FuncMap(s.funcs())).Parse(src)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", origin, err)
			}
			s.html[name] = t
		} else {
			t, err := template.New(name).Funcs(s.funcs()).Parse(src)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", origin, err)
			}
			s.mail[name] = t
		}
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("templates_dir: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() && !known[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
				return nil, fmt.Errorf("templates_dir: %s overrides no template (known: %s)", filepath.Join(dir, e.Name()), strings.Join(Names(), ", "))
			}
		}
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// source is a template's text: the override in dir, else the embedded one.
func source(name, dir string) (src, origin string, err error) {
	if dir != "" {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err == nil {
			return string(b), p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("templates_dir: %w", err)
		}
	}
	sub := "mail"
	if strings.HasSuffix(name, ".html") {
		sub = "html"
	}
	b, err := files.ReadFile(path.Join(sub, name))
	return string(b), name, err
}

// check renders every template with its sample data.
func (s *Set) check() error {
	for name, data := range samples() {
		var err error
		if strings.HasSuffix(name, ".html") {
			err = s.html[name].Execute(&bytes.Buffer{}, data)
		} else {
			parts := strings.Split(name, ".") // "ack.nl.tmpl"
			_, _, err = s.render(parts[0], parts[1], data)
		}
		if err != nil {
			return fmt.Errorf("template %s does not render: %w", name, err)
		}
	}
	return s.checkFamilies()
}

// Source gives the firm's templates; workflow.Voice, the configuration's
// [firm] and templates_dir, is one.
type Source interface{ Templates() (*Set, error) }

// Pick is the set of the first source given, else the embedded one: for
// renderers called with the configuration or without.
func Pick(src []Source) (*Set, error) {
	if len(src) == 0 || src[0] == nil {
		return defaultSet, nil
	}
	return src[0].Templates()
}

// Firm is the firm's details the templates use.
func (s *Set) Firm() Firm { return s.firm }

// Mail renders a mail template: name is e.g. "ack", lang "nl" or "en". The
// subject is folded to one line; the text ends in one newline. Dutch is the
// firm's language, so an English text carries the Dutch one below it.
func (s *Set) Mail(name, lang string, data any) (subject, text string, err error) {
	subject, text, err = s.render(name, lang, data)
	if err != nil || lang == "nl" {
		return subject, text, err
	}
	_, nl, err := s.render(name, "nl", data)
	if err != nil {
		return "", "", err
	}
	return subject, text + "\n" + strings.Repeat("-", 72) + "\n\n" + nl, nil
}

// Mail renders a mail with the embedded templates and the default firm.
func Mail(name, lang string, data any) (subject, text string, err error) {
	return defaultSet.Mail(name, lang, data)
}

func (s *Set) render(name, lang string, data any) (subject, text string, err error) {
	file := name + "." + lang + ".tmpl"
	t := s.mail[file]
	if t == nil {
		return "", "", fmt.Errorf("template %s: not found", file)
	}
	var sb, tb bytes.Buffer
	if err := t.ExecuteTemplate(&sb, "subject", data); err != nil {
		return "", "", fmt.Errorf("render %s subject: %w", file, err)
	}
	if err := t.ExecuteTemplate(&tb, "text", data); err != nil {
		return "", "", fmt.Errorf("render %s text: %w", file, err)
	}
	return strings.Join(strings.Fields(sb.String()), " "), strings.TrimSpace(tb.String()) + "\n", nil
}

// renderHTML renders one page of html/.
func (s *Set) renderHTML(name string, data any) (string, error) {
	var b bytes.Buffer
	if err := s.html[name].Execute(&b, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return b.String(), nil
}
