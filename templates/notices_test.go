package templates

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sortedNames are a family's names in order, for stable golden files.
func sortedNames(f family) []string {
	var names []string
	for n := range f.samples {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// machineMade is what reads as written by a program; it must not come back.
var machineMade = []string{"dag(en)", "regel(s)", "klachtbot show", "Board of", " dg ", "(-", "<nil>", "%!", "0001-01-01", "1 mails"}

func checkWording(t *testing.T, name, text string) {
	t.Helper()
	for _, bad := range machineMade {
		if bad == "klachtbot show" && strings.Contains(text, "(klachtbot show: ATTENTION)") {
			continue // given-up names the command on purpose
		}
		if strings.Contains(text, bad) {
			t.Errorf("%s contains %q", name, bad)
		}
	}
}

// Every notice to directors, as the director reads it: its title and lines
// from notices.nl.tmpl in the case's frame (notice.nl.tmpl), one golden
// file per name in testdata/notices.
func TestNoticesGolden(t *testing.T) {
	t.Parallel()
	for _, name := range sortedNames(notices) {
		title, lines, err := Default().Notice(name, notices.samples[name])
		if err != nil {
			t.Fatal(err)
		}
		subject, text, err := Default().Mail("notice", "nl", Notice{Title: title, CaseID: "KL-2026-0007",
			Subject: "Klacht over mijn aangifte", Client: "Jan Jansen", Lines: lines})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("notices", name+".golden"), "Subject: "+subject+"\n\n"+text)
		checkWording(t, name, text)
	}
	var all strings.Builder
	for _, name := range sortedNames(notes) {
		note, err := Default().Note(name, notes.samples[name])
		if err != nil {
			t.Fatal(err)
		}
		checkWording(t, name, note)
		fmt.Fprintf(&all, "%s: %s\n", name, note)
	}
	golden(t, filepath.Join("notices", "notes.golden"), all.String())
}

// Every incident as its alert mail says it (alert.nl.tmpl), what ends one,
// and what a case needs a director for in the digest, one golden file per
// name in testdata/incidents.
func TestIncidentsGolden(t *testing.T) {
	t.Parallel()
	for _, name := range sortedNames(incidents) {
		inc, err := Default().Incident(name, incidents.samples[name])
		if err != nil {
			t.Fatal(err)
		}
		subject, text, err := Default().Mail("alert", "nl", Alert{Title: inc.Title, What: inc.What, Meaning: inc.Meaning,
			Todo: inc.Todo, Since: "24 november 2026 om 14:03", Repeat: true, Every: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("incidents", name+".golden"), "Subject: "+subject+"\n\n"+text)
		checkWording(t, name, text)
	}
	for _, name := range sortedNames(resolutions) {
		how, err := Default().Resolved(name, resolutions.samples[name])
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("incidents", name+".golden"), how+"\n")
		checkWording(t, name, how)
	}
	for _, name := range sortedNames(attentions) {
		a, err := Default().Attention(name, attentions.samples[name])
		if err != nil {
			t.Fatal(err)
		}
		text := a.Title + "\n" + a.Meaning + "\n" + a.Todo + "\n"
		golden(t, filepath.Join("incidents", name+".golden"), text)
		checkWording(t, name, text)
	}
}

// The families' files and their registries agree: every notice or
// incident the files define has a sample (so New renders it and a golden
// file shows it), and a name nobody registered is not rendered.
func TestFamilyRegistry(t *testing.T) {
	t.Parallel()
	s := Default()
	for _, f := range []family{notices, incidents} {
		for _, tpl := range s.mail[f.file].Templates() {
			name, part, ok := strings.Cut(tpl.Name(), ".")
			if _, known := notes.samples[name]; !ok && !known && (strings.HasPrefix(name, "note-") || strings.HasPrefix(name, "attention-")) {
				t.Errorf("%s defines %s, which has no sample", f.file, name)
			}
			if !ok && strings.HasPrefix(name, "resolved-") {
				if _, known := resolutions.samples[name]; !known {
					t.Errorf("%s defines %s, which has no sample", f.file, name)
				}
			}
			if part != "title" {
				continue
			}
			_, n := notices.samples[name]
			_, i := incidents.samples[name]
			_, a := attentions.samples[name]
			if !n && !i && !a {
				t.Errorf("%s defines %s, which has no sample", f.file, tpl.Name())
			}
		}
	}
	if _, _, err := s.Notice("herinnering", NoticeReminder{}); err == nil {
		t.Error("an unknown notice rendered")
	}
	if _, _, err := s.Notice("reminder", NoticeWarning{}); err == nil {
		t.Error("a notice rendered with another notice's data")
	}
	if _, err := s.Incident("case-dissatisfied", AttentionDissatisfied{}); err == nil {
		t.Error("an attention item rendered as an incident")
	}
}

// The repeat of an alert says how often it comes, in words.
func TestEveryNL(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Hour:                 "elk uur",
		4 * time.Hour:             "elke vier uur",
		24 * time.Hour:            "elke dag",
		48 * time.Hour:            "elke twee dagen",
		36 * time.Hour:            "elke 36 uur",
		7 * 24 * time.Hour:        "elke week",
		14 * 24 * time.Hour:       "elke twee weken",
		90 * time.Minute:          "elke 90 minuten",
		time.Minute:               "elke minuut",
		30 * time.Second:          "elke 30 seconden",
		1500 * time.Millisecond:   "elke twee seconden",
		0:                         "steeds",
		10 * 24 * time.Hour:       "elke tien dagen",
		3*time.Hour + time.Second: "elke 10.801 seconden",
	} {
		if got := EveryNL(d); got != want {
			t.Errorf("EveryNL(%v) = %q, want %q", d, got, want)
		}
	}
}

// A notices.nl.tmpl in templates_dir replaces the embedded notices; one
// that lacks a notice, or names a field its data does not have, stops the
// start.
func TestNoticeOverrides(t *testing.T) {
	t.Parallel()
	embedded, err := files.ReadFile("mail/notices.nl.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	const was = `{{define "reminder.title"}}Herinnering: nog geen reactie aan de cliënt{{end}}`
	own := strings.Replace(string(embedded), was, `{{define "reminder.title"}}Eerste reactie te laat{{end}}`, 1)
	own = strings.Replace(own, "Neemt u contact op met de cliënt?", "Belt u de cliënt vandaag nog?", 1)
	s, err := New(Firm{}, write("notices.nl.tmpl", own))
	if err != nil {
		t.Fatal(err)
	}
	title, lines, err := s.Notice("reminder", notices.samples["reminder"])
	if err != nil || title != "Eerste reactie te laat" || !strings.HasPrefix(lines[1], "Belt u de cliënt vandaag nog?") {
		t.Errorf("override not used: %q %q %v", title, lines, err)
	}
	if title, _, _ := Default().Notice("reminder", notices.samples["reminder"]); title != "Herinnering: nog geen reactie aan de cliënt" {
		t.Errorf("the embedded notice changed with an override elsewhere: %q", title)
	}
	embeddedIncidents, err := files.ReadFile("mail/incidents.nl.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string][2]string{
		"a notice missing":        {"notices.nl.tmpl", strings.Replace(string(embedded), was, "", 1)},
		"unknown field":           {"notices.nl.tmpl", strings.Replace(string(embedded), "{{dayNL .Due}}", "{{dayNL .Deadline}}", 1)},
		"syntax error":            {"notices.nl.tmpl", string(embedded) + `{{define "x"}}{{if}}{{end}}`},
		"empty title":             {"notices.nl.tmpl", strings.Replace(string(embedded), was, `{{define "reminder.title"}} {{end}}`, 1)},
		"incident part missing":   {"incidents.nl.tmpl", strings.Replace(string(embeddedIncidents), `{{define "job.todo"}}`, `{{define "job.todoo"}}`, 1)},
		"incident unknown field":  {"incidents.nl.tmpl", strings.Replace(string(embeddedIncidents), "{{.Job}} loopt", "{{.Name}} loopt", 1)},
		"alert with a bad repeat": {"alert.nl.tmpl", `{{define "subject"}}x{{end}}{{define "text"}}{{if .Repeat}}{{everyNL .Interval}}{{end}}{{end}}`},
	} {
		if _, err := New(Firm{}, write(broken[0], broken[1])); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
