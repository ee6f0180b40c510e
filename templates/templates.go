// Package templates holds the embedded text of every mail the bot writes,
// in Dutch and English, and the HTML of the digest, the case file's timeline
// and the evaluation report, and renders them from the data it is given.
//
// It owns wording and layout, no rules: it must not import workflow,
// storage or the mail edge.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"time"
)

//go:embed mail/*.tmpl
var files embed.FS

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// DateNL writes a date out in Dutch: "8 december 2026".
func DateNL(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
}

// DateEN writes a date out in English: "8 December 2026".
func DateEN(t time.Time) string {
	return t.Format("2 January 2006")
}

// list joins names the way a sentence does: "Marco en Hans", "A, B and C".
func list(and string) func([]string) string {
	return func(names []string) string {
		if len(names) < 2 {
			return strings.Join(names, "")
		}
		return strings.Join(names[:len(names)-1], ", ") + " " + and + " " + names[len(names)-1]
	}
}

var funcs = template.FuncMap{"dateNL": DateNL, "dateEN": DateEN, "listNL": list("en"), "listEN": list("and")}

// sets holds one template set per file, because every file defines its own
// "subject" and "text" blocks.
var sets = func() map[string]*template.Template {
	names, err := fs.Glob(files, "mail/*.tmpl")
	if err != nil {
		panic(err)
	}
	m := make(map[string]*template.Template, len(names))
	for _, name := range names {
		m[path.Base(name)] = template.Must(template.New(path.Base(name)).Funcs(funcs).ParseFS(files, name))
	}
	return m
}()

// Mail renders a mail template: name is e.g. "ack", lang "nl" or "en". The
// subject is folded to one line; the text ends in one newline. Dutch is the
// firm's language, so an English text carries the Dutch one below it.
func Mail(name, lang string, data any) (subject, text string, err error) {
	subject, text, err = render(name, lang, data)
	if err != nil || lang == "nl" {
		return subject, text, err
	}
	_, nl, err := render(name, "nl", data)
	if err != nil {
		return "", "", err
	}
	return subject, text + "\n" + strings.Repeat("-", 72) + "\n\n" + nl, nil
}

func render(name, lang string, data any) (subject, text string, err error) {
	file := name + "." + lang + ".tmpl"
	t := sets[file]
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
