package workflow

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

const doubtfulText = "De factuur is hoger dan afgesproken. Ik ga hier niet zomaar mee akkoord."

var complaintsFolder = Source{Director: "marco@mcoo.nl", Folder: "Klachten", Kind: FolderComplaints}

func kinds(items []*outbox.Item) []string {
	var k []string
	for _, it := range items {
		k = append(k, string(it.Kind))
	}
	return k
}

// A doubtful mail is held; moving it into the complaints folder opens it.
func TestTriageAcceptedByMove(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		raw := mail("Kees <kees@klant.test>", "Factuur", doubtfulText)
		received := clock.Now().Add(-time.Hour)
		m := deliver(t, e, inbox, raw, received)
		c, evs, pending := loadCase(t, s, "KL-2026-0001")
		if c == nil || c.State != complaint.StateTriage || !c.TargetAt.IsZero() || c.Recognition == "" {
			t.Fatalf("held mail: %+v", c)
		}
		if strings.Join(kinds(pending), " ") != "triage" || pending[0].Mail.InReplyTo != m.MessageID || pending[0].Mail.To[0] != "marco@mcoo.nl" {
			t.Fatalf("outbox after holding: %v", kinds(pending))
		}
		if strings.Join(evs, " ") != "received triage mail-queued" {
			t.Errorf("events %v", evs)
		}
		clock.Add(2 * time.Hour)
		deliver(t, e, complaintsFolder, raw, received)
		c, _, pending = loadCase(t, s, "KL-2026-0001")
		if c.State != complaint.StateOpen || !c.TargetAt.Equal(e.k.Target(received)) {
			t.Errorf("moved into the complaints folder: %+v", c)
		}
		if k := kinds(pending); strings.Join(k, " ") != "triage ack" || pending[1].Mail.InReplyTo != m.MessageID {
			t.Errorf("outbox after the move: %v", k)
		}
	})
}

// #geen-klacht erases a held mail; the number stays, closed, out of the figures.
func TestTriageDismissed(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	m := deliver(t, e, inbox, mail("Kees <kees@klant.test>", "Factuur", doubtfulText), clock.Now())
	deliver(t, e, sent, commandMail("KL-2026-0001", "#geen-klacht"), clock.Now())
	c, evs, pending := loadCase(t, s, "KL-2026-0001")
	if c.State != complaint.StateClosed || !c.NotComplaint || c.Client != "" || c.Subject != "" || c.AnonymisedAt == nil {
		t.Errorf("dismissed: %+v", c)
	}
	// The question quoted the mail: it goes too; the director's confirmation stays.
	if k := kinds(pending); strings.Join(k, " ") != "confirmation" {
		t.Errorf("outbox: %v", k)
	}
	s.View(func(tx Tx) error {
		if tx.CaseByMessageID(m.MessageID) != "" {
			t.Error("the dismissed mail still threads")
		}
		msgs, _ := tx.Messages(c.ID)
		for _, x := range msgs {
			if _, err := tx.Raw(c.ID, x.Seq); !errors.Is(err, complaint.ErrNotFound) || x.From != "" {
				t.Errorf("message %d kept: %+v", x.Seq, x)
			}
		}
		evs, _ := tx.Events(c.ID)
		if broken := complaint.VerifyChain(c.ID, evs); broken != nil {
			t.Errorf("chain: %v", broken)
		}
		return nil
	})
	if !strings.Contains(strings.Join(evs, " "), "anonymised") {
		t.Errorf("events %v", evs)
	}
}

// The director is reminded once after one working day; the digest lists it first.
func TestTriageReminderAndDigest(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t) // Tuesday 24 November 2026
	deliver(t, e, inbox, mail("Kees <kees@klant.test>", "Factuur", doubtfulText), clock.Now())
	for _, when := range []string{"2026-11-25 09:00", "2026-11-26 00:30", "2026-11-27 10:00"} {
		if _, err := e.RunDue(at(when)); err != nil {
			t.Fatal(err)
		}
	}
	_, _, pending := loadCase(t, s, "KL-2026-0001")
	var reminders int
	for _, it := range pending {
		if it.Kind == "reminder" {
			reminders++
		}
	}
	if reminders != 1 {
		t.Errorf("%d reminders, want one after the first working day: %v", reminders, kinds(pending))
	}
	var cases []*complaint.Case
	s.View(func(tx Tx) (err error) { cases, err = tx.Cases(); return err })
	d := e.jobs.DigestFor("Marco", cases, time.Time{}, at("2026-11-27 08:00"))
	if d.Triage.Total() != 1 || d.Open.Total()+d.New.Total()+d.AwaitingConsent.Total() != 0 {
		t.Errorf("digest: triage %d, open %d, new %d, consent %d", d.Triage.Total(), d.Open.Total(), d.New.Total(), d.AwaitingConsent.Total())
	}
}

// A phone complaint without an address opens a case and mails nobody but the director.
func TestComplaintByPhoneWithoutAddress(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	raw := mail("Marco <marco@mcoo.nl>", "Onbereikbaar", "#nieuwe-klacht telefoon Piet de Boer\n\nPiet belde: niemand neemt op.", "To: klachten@mcoo.nl")
	deliver(t, e, sent, raw, clock.Now())
	c, evs, pending := loadCase(t, s, "KL-2026-0001")
	if c == nil || c.Channel != complaint.ChannelPhone || c.ClientName != "Piet de Boer" || c.Client != "" || c.State != complaint.StateOpen {
		t.Fatalf("case %+v", c)
	}
	if strings.Join(evs, " ") != "received ack-suppressed mail-queued" || strings.Join(kinds(pending), " ") != "confirmation" {
		t.Errorf("events %v, outbox %v", evs, kinds(pending))
	}
}

// #overzicht, the digest's link for the cases it left out, answers with the
// director's open cases and changes nothing.
func TestOverview(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht over de aangifte", plainComplaint), clock.Now())
	deliver(t, e, sent, mail("Marco <marco@mcoo.nl>", "Overzicht", "#overzicht", "To: klachten@mcoo.nl"), clock.Now())
	var answer *outbox.Item
	_, pending := snapshot(t, s)
	for _, p := range pending {
		if p.Kind == "no-case" {
			answer = p
		}
	}
	if answer == nil || answer.Mail.Subject != "Uw open klachten" || !strings.Contains(answer.Mail.Text, "U heeft één open klacht:") ||
		!strings.Contains(answer.Mail.Text, "KL-2026-0001") || strings.Contains(answer.Mail.Text, "niets gewijzigd") {
		t.Errorf("answer to #overzicht: %+v", answer)
	}
}

// A broken template override stops the start: a configuration error, not a
// mail that fails later.
func TestBrokenOverrideStopsTheStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notice.nl.tmpl"), []byte(`{{define "subject"}}x{{end}}{{define "text"}}{{.Klant}}{{end}}`), 0o644)
	cfg := testConfig()
	cfg.TemplatesDir = dir
	_, err := NewEngine(newMemStore(), &testClock{}, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "notice.nl.tmpl") || !strings.Contains(err.Error(), "Klant") {
		t.Errorf("engine started with a broken override: %v", err)
	}
}
