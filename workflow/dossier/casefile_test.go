package dossier

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/templates/browser"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

var update = flag.Bool("update", false, "rewrite golden files")

// caseFile is a case with old events (English details, before the codes)
// and new ones (codes), long addresses and message IDs.
func caseFile() *Dossier {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	at := time.Date(2026, 11, 24, 14, 3, 0, 0, ams)
	c := &complaint.Case{ID: "KL-2026-0007", State: complaint.StateClosed, Client: "sanne.devries.administratie.en.belastingen@voorbeeld-van-een-lang-domein.nl",
		ClientName: "Sanne de Vries", Director: "marco@mcoo.nl", Subject: "Boete door te late btw-aangifte over het derde kwartaal",
		ReceivedAt: at.UTC(), TargetAt: at.AddDate(0, 0, 14).UTC(), Resolution: "Boete vergoed en excuses aangeboden"}
	id := "<CAF=x7Y2mq9QzL0bXvW1kP3s8Jd4hR5nT6uV7wX8yZ9aB0cD1eF2gH3iJ4kL5mN6oP7qR8s@mail.gmail.com>"
	raw := []byte("From: Sanne de Vries <" + c.Client + ">\r\nTo: marco@mcoo.nl\r\nSubject: " + c.Subject + "\r\nMessage-ID: " + id + "\r\n\r\nIk ben ontevreden.\r\n")
	msgs := []Message{
		{Message: complaint.Message{Seq: 1, MessageID: id, From: c.Client, FromName: c.ClientName, Role: complaint.RoleClient, Subject: c.Subject, ReceivedAt: c.ReceivedAt}, Raw: raw},
		{Message: complaint.Message{Seq: 2, MessageID: "<r1@mcoo.nl>", From: "marco@mcoo.nl", Role: complaint.RoleDirector,
			Subject: "Re: " + c.Subject, ReceivedAt: c.ReceivedAt.Add(time.Hour)}, Raw: []byte("From: marco@mcoo.nl\r\nSubject: Re\r\n\r\nIk bel u.\r\n")},
	}
	evs := []*complaint.Event{
		{Kind: complaint.EvReceived, Actor: c.Client, MessageID: id, Detail: "marco@mcoo.nl/INBOX uid 1/7"},
		{Kind: complaint.EvAckQueued, Actor: "klachtbot", Detail: "to " + c.Client},
		{Kind: complaint.EvOtherMessage, Actor: "marco@mcoo.nl", Detail: "director's note: marco@mcoo.nl/Sent uid 2/9"},
		{Kind: complaint.EvConsent, Actor: c.Client, Detail: "consent given by the client's reply"},
		{Kind: complaint.EvStateChanged, Actor: "marco@mcoo.nl", Detail: "open -> waiting"},
		{Kind: complaint.EvStateChanged, Actor: c.Client, Detail: complaint.Detail(complaint.DetState, "from", string(complaint.StateWaiting), "to", string(complaint.StateOpen), "why", complaint.WhyClientAnswered)},
		{Kind: complaint.EvMailQueued, Actor: "klachtbot", Detail: complaint.Detail(complaint.DetQueued, "kind", "reminder", "title", "Herinnering: nog geen reactie aan de cliënt", "to", "marco@mcoo.nl")},
		{Kind: complaint.EvCommand, Actor: "marco@mcoo.nl", Detail: "#afgehandeld Boete vergoed en excuses aangeboden"},
		{Kind: complaint.EvStateChanged, Actor: "marco@mcoo.nl", Detail: complaint.Detail(complaint.DetState, "from", string(complaint.StateOpen), "to", string(complaint.StateClosed))},
	}
	prev := ""
	for i, ev := range evs {
		ev.At = c.ReceivedAt.Add(time.Duration(i) * time.Hour)
		ev.Link(uint64(i+1), prev)
		prev = ev.Hash
	}
	return &Dossier{Case: c, Messages: msgs, Events: evs}
}

// The case file reads in Dutch, old events too, and without sideways
// scrolling from 360 px up (Chromium; screenshots to $KLACHTBOT_TEST_OUT).
func TestCaseFileReadsInDutch(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "export")
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	d := caseFile()
	if b := complaint.VerifyChain(d.Case.ID, d.Events); b != nil {
		t.Fatalf("fixture chain: %v", b)
	}
	if err := Export(d, dir, ams, d.Case.ReceivedAt.Add(240*time.Hour), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, timelineHTML))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	// The page as reviewed; hashes differ every run (each event has its own salt).
	golden := regexp.MustCompile(`hash <code>[0-9a-f]{16}…</code>`).ReplaceAllString(html, "hash <code>…</code>")
	path := filepath.Join("testdata", "timeline.html.golden")
	if *update {
		if err := os.WriteFile(path, []byte(golden), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(path); err != nil || string(want) != golden {
		t.Errorf("timeline.html differs from %s (%v); go test -update rewrites it", path, err)
	}
	for _, english := range []string{"director&#39;s note", "consent given", "open -&gt; ", "-&gt; closed", ">to sanne", "@state?", "@queued?"} {
		if strings.Contains(html, english) {
			t.Errorf("the case file says %q", english)
		}
	}
	for _, dutch := range []string{"interne notitie van de directeur", "toestemming gegeven in het antwoord van de cliënt", "van open naar wacht op cliënt",
		"van wacht op cliënt naar open: de cliënt antwoordde", "van open naar afgehandeld", "Audittrail: intact", "Mijn Cijfers Op Orde B.V."} {
		if !strings.Contains(html, dutch) {
			t.Errorf("the case file lacks %q", dutch)
		}
	}
	bin := browser.Chromium(t)
	out := browser.Out(t)
	for _, width := range []int{360, 700, 1000} {
		shot := filepath.Join(out, "casefile-"+strconv.Itoa(width)+".png")
		scroll, inner := browser.Overflow(t, bin, html, width, shot)
		if inner != width || scroll > inner {
			t.Errorf("at %d px the case file is %d px wide (viewport %d): it scrolls sideways", width, scroll, inner)
		}
		t.Logf("%d px: scrollWidth %d, viewport %d; %s", width, scroll, inner, shot)
	}
}

type firmTemplates struct{ set *templates.Set }

func (f firmTemplates) Templates() (*templates.Set, error) { return f.set, nil }

// The case file speaks with the firm's voice: its name from [firm], and a
// timeline.html in templates_dir replaces the embedded one.
func TestCaseFileOfTheFirm(t *testing.T) {
	t.Parallel()
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	d := caseFile()
	set, err := templates.New(templates.Firm{Name: "Boekhouders Samen B.V."}, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if err := Export(d, dir, ams, d.Case.ReceivedAt, &bytes.Buffer{}, firmTemplates{set}); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(filepath.Join(dir, timelineHTML))
	if !strings.Contains(string(page), "Boekhouders Samen B.V.") || strings.Contains(string(page), "Mijn Cijfers") {
		t.Error("the case file does not carry the firm's name")
	}
	over := t.TempDir()
	os.WriteFile(filepath.Join(over, "timeline.html"), []byte(`<p>Dossier {{.ID}} van {{firm.Name}}</p>`), 0o644)
	if set, err = templates.New(templates.Firm{Name: "Boekhouders Samen B.V."}, over); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "export")
	if err := Export(d, dir, ams, d.Case.ReceivedAt, &bytes.Buffer{}, firmTemplates{set}); err != nil {
		t.Fatal(err)
	}
	if page, _ := os.ReadFile(filepath.Join(dir, timelineHTML)); string(page) != "<p>Dossier KL-2026-0007 van Boekhouders Samen B.V.</p>" {
		t.Errorf("override not used: %q", page)
	}
}

// TestShowReadsInDutch: `show` prints the case file's facts with its Dutch
// labels, states, roles and event names (golden: testdata/show.golden).
func TestShowReadsInDutch(t *testing.T) {
	t.Parallel()
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	f := caseFile()
	d := &Detail{Summary: summaryOf(f.Case)}
	d.Recognition = "klacht: \"ontevreden\"; niet over een derde"
	for _, m := range f.Messages {
		d.Messages = append(d.Messages, MessageView{m.MessageID, m.From, m.Role, m.Subject, m.ReceivedAt, m.Problems})
	}
	for _, e := range f.Events {
		d.Events = append(d.Events, EventView{e.At, e.Kind, e.Actor, e.MessageID, complaint.ParseDetails(e.Detail)})
	}
	var out bytes.Buffer
	if err := d.WriteText(&out, ams); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "show.golden")
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("show differs from %s (go test -update to rewrite):\n%s", path, out.String())
	}
	for _, english := range []string{"state:", "client:", "received:", "Messages:", "Events:", "state-changed", "mail-queued", "director\t"} {
		if strings.Contains(out.String(), english) {
			t.Errorf("show has the English %q", english)
		}
	}
}
