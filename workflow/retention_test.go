package workflow

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/evaluation"
)

func TestRetention(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		// Three complaints in 2018; one closed then, one closed in 2020, one never.
		clock.t = at("2018-03-05 10:00")
		first := deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Klacht over Jan's aangifte", plainComplaint+" Mijn BSN is 123456789."), clock.Now())
		deliver(t, e, inbox, mail("piet@klant.test", "Klacht", otherComplaint), clock.Now())
		deliver(t, e, inbox, mail("kees@klant.test", "Klacht", plainComplaint), clock.Now())
		deliver(t, e, inbox, mail("jan@klant.test", "Re: [KL-2018-0001]", "Akkoord.", "In-Reply-To: "+ackOf(t, s, "KL-2018-0001")), clock.Now())
		clock.t = at("2018-03-12 10:00")
		deliver(t, e, sent, commandMail("KL-2018-0001", "#categorie termijnen\n#maatregel Eerder klaarzetten\n#afgehandeld Jan kreeg zijn boete vergoed"), clock.Now())
		clock.t = at("2020-06-01 10:00")
		deliver(t, e, sent, commandMail("KL-2018-0002", "#afgehandeld Opgelost"), clock.Now())

		clock.t = at("2025-04-01 03:00") // 7 years after the first closed, not after the second
		before, _, _ := loadCase(t, s, "KL-2018-0001")
		report := func() string {
			var cases []*complaint.Case
			s.View(func(tx Tx) (err error) { cases, err = tx.Cases(); return err })
			data, _ := json.Marshal(evaluation.Evaluate(calendar.New(testConfig().Settings), cases, at("2018-01-01 00:00"), at("2018-12-31 00:00"), clock.Now()))
			return string(data)
		}
		report2018 := report()
		dry, err := e.Purge(clock.Now(), true)
		if err != nil || strings.Join(dry.Cases, " ") != "KL-2018-0001" {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if c, _, _ := loadCase(t, s, "KL-2018-0001"); c.Client == "" {
			t.Fatal("a dry run changed the case")
		}
		r, err := e.Purge(clock.Now(), false)
		if err != nil || strings.Join(r.Cases, " ") != "KL-2018-0001" {
			t.Fatalf("purge: %+v %v", r, err)
		}
		if got := report(); got != report2018 {
			t.Errorf("the 2018 evaluation changed with the purge:\nbefore %s\nafter  %s", report2018, got)
		}
		// Again: nothing more to do.
		if r, _ := e.Purge(clock.Now(), false); len(r.Cases) != 0 {
			t.Errorf("second purge: %+v", r)
		}

		c, kinds, pending := loadCase(t, s, "KL-2018-0001")
		// What identifies people is gone ...
		if c.Client != "" || c.ClientName != "" || c.Subject != "" || c.Resolution != "" || c.Consent.By != "" || c.Consent.Evidence != "" || c.AnonymisedAt == nil {
			t.Errorf("case after purge: %+v", c)
		}
		// ... what the evaluation counts stays exactly.
		if c.ID != before.ID || !c.ReceivedAt.Equal(before.ReceivedAt) || !c.TargetAt.Equal(before.TargetAt) || !c.ClosedAt.Equal(*before.ClosedAt) ||
			(c.FirstResponseAt == nil) != (before.FirstResponseAt == nil) || c.Director != before.Director || c.State != before.State ||
			c.Category != "termijnen" || len(c.Measures) != 1 || !c.Consent.Given {
			t.Errorf("evaluation fields changed:\nbefore %+v\nafter  %+v", before, c)
		}
		if kinds[len(kinds)-1] != string(complaint.EvPurged) {
			t.Errorf("purge not on the audit trail: %v", kinds)
		}
		for _, p := range pending {
			if p.CaseID == c.ID {
				t.Errorf("outgoing mail of the case kept: %+v", p)
			}
		}
		s.View(func(tx Tx) error {
			evs, err := tx.Events(c.ID)
			if broken := complaint.VerifyChain(c.ID, evs); broken != nil || err != nil {
				t.Errorf("verify after purge: %v %v", broken, err)
			}
			msgs, _ := tx.Messages(c.ID)
			for _, m := range msgs {
				if m.From != "" || m.Subject != "" || m.MessageID != "" || !m.Anonymised {
					t.Errorf("message kept personal fields: %+v", m)
				}
				if _, err := tx.Raw(c.ID, m.Seq); !errors.Is(err, complaint.ErrNotFound) {
					t.Errorf("raw message %d kept: %v", m.Seq, err)
				}
			}
			if tx.CaseByMessageID(first.MessageID) != "" {
				t.Error("the complaint's Message-ID still threads")
			}
			for _, ev := range evs[:len(evs)-1] {
				if ev.Actor != "" || ev.Detail != "" || ev.MessageID != "" || !ev.Erased {
					t.Errorf("event kept personal fields: %+v", ev)
				}
			}
			// The others are untouched.
			for _, id := range []string{"KL-2018-0002", "KL-2018-0003"} {
				if o, _ := tx.Case(id); o.Client == "" || o.AnonymisedAt != nil {
					t.Errorf("%s anonymised too early: %+v", id, o)
				}
			}
			return nil
		})
	})
}

// The chain vouches for the stored originals: a changed or removed mail is
// found by verify.
func TestChainCoversOriginals(t *testing.T) {
	t.Parallel()
	ms := newMemStore()
	e, s, clock := newTestEngineOn(t, ms)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	verify := func() string {
		var r *dossier.Report
		s.View(func(tx Tx) (err error) { r, err = dossier.VerifyAll(tx.(dossier.Reader)); return err })
		if len(r.Broken) == 0 {
			return ""
		}
		return r.Broken[0].Reason
	}
	if got := verify(); got != "" {
		t.Fatalf("fresh store: %s", got)
	}
	ms.mu.Lock()
	ms.state.Raw["KL-2026-0001"][0] = []byte("From: jan@klant.test\r\n\r\nIk ben tevreden.")
	ms.mu.Unlock()
	if got := verify(); !strings.Contains(got, "message 1: the original does not match its digest") {
		t.Errorf("changed original: %q", got)
	}
}
