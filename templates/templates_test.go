package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestDates(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t             time.Time
		nl, en, dayNL string
	}{
		{time.Date(2026, 12, 8, 9, 0, 0, 0, ams), "8 december 2026", "8 December 2026", "dinsdag 8 december 2026"},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, ams), "1 maart 2027", "1 March 2027", "maandag 1 maart 2027"},
		{time.Date(2027, 5, 31, 23, 59, 0, 0, ams), "31 mei 2027", "31 May 2027", "maandag 31 mei 2027"},
	}
	for _, tt := range tests {
		if got := DateNL(tt.t); got != tt.nl {
			t.Errorf("DateNL(%v) = %q, want %q", tt.t, got, tt.nl)
		}
		if got := DateEN(tt.t); got != tt.en {
			t.Errorf("DateEN(%v) = %q, want %q", tt.t, got, tt.en)
		}
		if got := DayNL(tt.t); got != tt.dayNL {
			t.Errorf("DayNL(%v) = %q, want %q", tt.t, got, tt.dayNL)
		}
	}
}

func TestDutchCounts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		got, want string
	}{
		{CountNL(1, "dag", "dagen"), "één dag"},
		{CountNL(4, "dag", "dagen"), "vier dagen"},
		{CountNL(0, "klacht", "klachten"), "nul klachten"},
		{CountNL(9975, "klacht", "klachten"), "9.975 klachten"},
		{CountNL(1250000, "klacht", "klachten"), "1.250.000 klachten"},
		{DaysLeftNL(13), "nog dertien dagen"},
		{DaysLeftNL(1), "morgen"},
		{DaysLeftNL(0), "vandaag"},
		{DaysLeftNL(-1), "één dag te laat"},
		{DaysLeftNL(-23), "23 dagen te laat"},
		{AgoNL(1), "gisteren"},
		{AgoNL(3), "drie dagen geleden"},
		{Mailto("klachten@mcoo.nl", "[KL-2026-0001]", "#afgehandeld "), "mailto:klachten@mcoo.nl?subject=%5BKL-2026-0001%5D&body=%23afgehandeld%20"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// testFirm is a firm that fills in everything [firm] offers.
var testFirm = Firm{Name: "Mijn Cijfers Op Orde B.V.", Phone: "020 123 45 67", ComplaintsURL: "https://www.mcoo.nl/klachtenregeling",
	ReplyTo: "klachten@mcoo.nl", Signatures: map[string][]string{"marco@mcoo.nl": {"Marco de Vries"}}}

// Every mail, in every language it is written in, as the client or
// director reads it: with the embedded defaults and with a full [firm].
func TestMailGolden(t *testing.T) {
	t.Parallel()
	full, err := New(testFirm, "")
	if err != nil {
		t.Fatal(err)
	}
	s := samples()
	phone := s["ack.nl.tmpl"].(Ack)
	phone.Channel, phone.ClientName = "telefoon", ""
	reminder := s["consult.nl.tmpl"].(Consult)
	reminder.Reminder = true
	for _, tt := range []struct {
		golden, name, lang string
		set                *Set
		data               any
	}{
		{"ack.nl.golden", "ack", "nl", Default(), s["ack.nl.tmpl"]},
		{"ack.en.golden", "ack", "en", Default(), s["ack.en.tmpl"]},
		{"ack-phone.nl.golden", "ack", "nl", Default(), phone},
		{"ack-phone.en.golden", "ack", "en", Default(), phone},
		{"ack-firm.nl.golden", "ack", "nl", full, s["ack.nl.tmpl"]},
		{"ack-firm.en.golden", "ack", "en", full, s["ack.en.tmpl"]},
		{"newterm.nl.golden", "newterm", "nl", full, s["newterm.nl.tmpl"]},
		{"newterm.en.golden", "newterm", "en", full, s["newterm.en.tmpl"]},
		{"notice.nl.golden", "notice", "nl", Default(), s["notice.nl.tmpl"]},
		{"nocase.nl.golden", "nocase", "nl", Default(), s["nocase.nl.tmpl"]},
		{"consult.nl.golden", "consult", "nl", full, s["consult.nl.tmpl"]},
		{"consult-reminder.nl.golden", "consult", "nl", full, reminder},
		{"closing.nl.golden", "closing", "nl", full, s["closing.nl.tmpl"]},
		{"closing.en.golden", "closing", "en", full, s["closing.en.tmpl"]},
		{"overview.nl.golden", "nocase", "nl", Default(), NoCase{Overview: true, Open: s["nocase.nl.tmpl"].(NoCase).Open}},
		{"alert.nl.golden", "alert", "nl", Default(), s["alert.nl.tmpl"]},
		{"digest.nl.golden", "digest", "nl", Default(), s["digest.nl.tmpl"]},
	} {
		subject, text, err := tt.set.Mail(tt.name, tt.lang, tt.data)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tt.golden, "Subject: "+subject+"\n\n"+text)
		// What reads as machine-made must not come back.
		for _, bad := range []string{"dag(en)", "regel(s)", "klachtbot show", "Board of", " dg ", "(-"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s contains %q", tt.golden, bad)
			}
		}
	}
	html, err := Default().DigestHTML(SampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "digest.html.golden", html)
}

// The acknowledgement carries what the procedure promises, and the firm's
// own details when [firm] gives them.
func TestAckPromises(t *testing.T) {
	t.Parallel()
	full, err := New(testFirm, "")
	if err != nil {
		t.Fatal(err)
	}
	data := samples()["ack.nl.tmpl"].(Ack)
	for _, lang := range []string{"nl", "en"} {
		_, text, err := full.Mail("ack", lang, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"KL-2026-0007", "dinsdag 8 december 2026", "akkoord", "Jan Jansen", "Marco de Vries",
			"020 123 45 67", "https://www.mcoo.nl/klachtenregeling", "Mijn Cijfers Op Orde B.V."} {
			if !strings.Contains(text, s) {
				t.Errorf("%s acknowledgement lacks %q", lang, s)
			}
		}
	}
	if _, _, err := Mail("nope", "nl", data); err == nil {
		t.Error("unknown template rendered without error")
	}
}

// A templates directory overrides embedded files by name; a broken override
// is an error at start, not a failed mail.
func TestOverrides(t *testing.T) {
	t.Parallel()
	write := func(files map[string]string) string {
		dir := t.TempDir()
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	good := write(map[string]string{"notice.nl.tmpl": `{{define "subject"}}{{.Title}} [{{.CaseID}}]{{end}}{{define "text"}}Eigen tekst van {{firm.Name}}{{end}}`})
	s, err := New(Firm{Name: "Boekhouders Samen B.V."}, good)
	if err != nil {
		t.Fatal(err)
	}
	if _, text, err := s.Mail("notice", "nl", samples()["notice.nl.tmpl"]); err != nil || text != "Eigen tekst van Boekhouders Samen B.V.\n" {
		t.Errorf("override not used: %q, %v", text, err)
	}
	if _, text, _ := s.Mail("ack", "nl", samples()["ack.nl.tmpl"]); !strings.Contains(text, "Directie Boekhouders Samen B.V.") {
		t.Errorf("embedded ack without the firm's name:\n%s", text)
	}
	for name, files := range map[string]map[string]string{
		"syntax error":       {"ack.nl.tmpl": `{{define "text"}}{{if}}{{end}}`},
		"unknown field":      {"ack.nl.tmpl": `{{define "subject"}}x{{end}}{{define "text"}}{{.Nonsense}}{{end}}`},
		"overrides nothing":  {"ack.dk.tmpl": `x`},
		"broken digest html": {"digest.html": `{{.Director.Name}}`},
	} {
		if _, err := New(Firm{}, write(files)); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, err := New(Firm{}, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing templates_dir was accepted")
	}
}
