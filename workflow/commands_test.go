package workflow

import (
	"os"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

func TestAuthority(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.AuthServID = "mx.mcoo.nl"
	sent := Source{Director: "hans@mcoo.nl", Folder: "Sent", Kind: FolderSent}
	tests := []struct {
		name string
		src  Source
		raw  string
		want string
	}{
		{"in Sent", sent, "From: hans@mcoo.nl\r\n\r\nx", "hans@mcoo.nl"},
		{"bare From", inbox, "From: hans@mcoo.nl\r\n\r\nx", ""},
		{"dkim pass", inbox, "Authentication-Results: mx.mcoo.nl; dkim=pass header.d=mcoo.nl\r\nFrom: hans@mcoo.nl\r\n\r\nx", "hans@mcoo.nl"},
		{"spf pass", inbox, "Authentication-Results: mx.mcoo.nl; spf=pass smtp.mailfrom=hans@mcoo.nl\r\nFrom: hans@mcoo.nl\r\n\r\nx", "hans@mcoo.nl"},
		{"other server's result", inbox, "Authentication-Results: evil.test; dkim=pass header.d=mcoo.nl\r\nFrom: hans@mcoo.nl\r\n\r\nx", ""},
		{"dkim fail", inbox, "Authentication-Results: mx.mcoo.nl; dkim=fail header.d=mcoo.nl; spf=softfail smtp.mailfrom=hans@mcoo.nl\r\nFrom: hans@mcoo.nl\r\n\r\nx", ""},
		{"pass for another domain", inbox, "Authentication-Results: mx.mcoo.nl; dkim=pass header.d=klant.test\r\nFrom: hans@mcoo.nl\r\n\r\nx", ""},
		{"client", inbox, "Authentication-Results: mx.mcoo.nl; dkim=pass header.d=klant.test\r\nFrom: jan@klant.test\r\n\r\nx", ""},
	}
	for _, tt := range tests {
		m := message.Parse([]byte(tt.raw))
		if got, _ := cfg.Authority(tt.src, m); got != tt.want {
			t.Errorf("%s: authority %q, want %q", tt.name, got, tt.want)
		}
	}
}

// commandMail is a director's command mail as found in their Sent folder.
func commandMail(id, body string, headers ...string) string {
	return mail("Marco <marco@mcoo.nl>", "["+id+"] opdracht", body, append([]string{"To: klachten@mcoo.nl"}, headers...)...)
}

var sent = Source{Director: "marco@mcoo.nl", Folder: "Sent", Kind: FolderSent}

func loadCase(t *testing.T, s Store, id string) (*complaint.Case, []string, []*outbox.Item) {
	t.Helper()
	var c *complaint.Case
	var kinds []string
	var pending []*outbox.Item
	s.View(func(tx Tx) error {
		c, _ = tx.Case(id)
		evs, _ := tx.Events(id)
		for _, e := range evs {
			kinds = append(kinds, string(e.Kind))
		}
		pending, _ = tx.Pending()
		return nil
	})
	return c, kinds, pending
}

func TestCommandsFlow(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		e.cfg.ConfirmCommands = false // TestCommandConfirmed
		first := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
		const id = "KL-2026-0001"

		// #extern without consent: refused, the director is told.
		deliver(t, e, sent, commandMail(id, "#extern NBA\n#categorie Termijnen"), clock.Now()) // stored lower-case
		c, kinds, pending := loadCase(t, s, id)
		if want := "received ack-queued message command-refused mail-queued command"; len(c.External) != 0 || c.Category != "termijnen" || strings.Join(kinds, " ") != want {
			t.Errorf("after #extern without consent: %+v %v", c, kinds)
		}
		if last := pending[len(pending)-1]; last.Kind != "notice" || last.Mail.To[0] != "marco@mcoo.nl" || !strings.Contains(last.Mail.Text, "geen toestemming") {
			t.Errorf("refusal notice: %+v", last.Mail)
		}

		// The client consents by mail; then #extern is recorded.
		consent := deliver(t, e, inbox, mail("jan@klant.test", "Re: ["+id+"]", "Akkoord.\n\n> Antwoord met akkoord", "In-Reply-To: "+ackOf(t, s, id), "References: "+first.MessageID), clock.Now())
		c, _, _ = loadCase(t, s, id)
		if c.Consent == nil || !c.Consent.Given || c.Consent.Evidence != consent.MessageID || c.Consent.By != "jan@klant.test" {
			t.Fatalf("consent: %+v", c.Consent)
		}
		deliver(t, e, sent, commandMail(id, "#extern NBA klachtencommissie\n#maatregel Eerder klaarzetten"), clock.Now())
		c, _, _ = loadCase(t, s, id)
		if len(c.External) != 1 || c.External[0].Party != "NBA klachtencommissie" || c.External[0].By != "marco@mcoo.nl" || len(c.Measures) != 1 {
			t.Errorf("after consent: %+v", c)
		}

		// A line not understood changes nothing at all, and the director is told.
		_, before, _ := loadCase(t, s, id)
		deliver(t, e, sent, commandMail(id, "#afgehandeld Opgelost\n#sluit"), clock.Now())
		c, kinds, pending = loadCase(t, s, id)
		if c.State != complaint.StateOpen || kinds[len(before)+1] != string(complaint.EvCommandRejected) {
			t.Errorf("bad command changed the case: %s %v", c.State, kinds[len(before):])
		}
		if last := pending[len(pending)-1]; !strings.Contains(last.Mail.Text, "#sluit") || !strings.Contains(last.Mail.Text, "#afgehandeld <oplossing>") {
			t.Errorf("rejection notice:\n%s", last.Mail.Text)
		}

		// #wacht-op-klant, the client's answer re-opens the attention.
		deliver(t, e, sent, commandMail(id, "#wacht-op-klant"), clock.Now())
		if c, _, _ = loadCase(t, s, id); c.State != complaint.StateWaiting {
			t.Errorf("state %s, want waiting", c.State)
		}
		deliver(t, e, inbox, mail("jan@klant.test", "Re: ["+id+"] info", "Hierbij de gevraagde stukken.", "In-Reply-To: "+ackOf(t, s, id)), clock.Now())
		if c, _, _ = loadCase(t, s, id); c.State != complaint.StateOpen {
			t.Errorf("state %s after the client's answer, want open", c.State)
		}

		// Close; a client reply re-opens and both directors are told.
		deliver(t, e, sent, commandMail(id, "#afgehandeld Boete vergoed"), clock.Now())
		if c, _, _ = loadCase(t, s, id); c.State != complaint.StateClosed || c.Resolution != "Boete vergoed" || c.ClosedAt == nil {
			t.Fatalf("after #afgehandeld: %+v", c)
		}
		deliver(t, e, inbox, mail("jan@klant.test", "Re: ["+id+"]", "Toch nog een vraag.", "References: "+ackOf(t, s, id)), clock.Now())
		c, _, pending = loadCase(t, s, id)
		if c.State != complaint.StateOpen || c.ClosedAt != nil {
			t.Errorf("client reply did not re-open: %+v", c)
		}
		if last := pending[len(pending)-1]; len(last.Mail.To) != 2 || !strings.Contains(last.Mail.Subject, "heropend") {
			t.Errorf("re-open notice: %+v", last.Mail)
		}

		// #geen-klacht closes and marks the case out of the statistics.
		deliver(t, e, sent, commandMail(id, "#geen-klacht"), clock.Now())
		if c, _, _ = loadCase(t, s, id); c.State != complaint.StateClosed || !c.NotComplaint {
			t.Errorf("after #geen-klacht: %+v", c)
		}
	})
}

func TestForgedDirectorCommand(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	const id = "KL-2026-0001"
	// A client sends a mail claiming to be Marco: it reaches Marco's INBOX.
	forged := commandMail(id, "#afgehandeld opgelost")
	m := deliver(t, e, inbox, forged, clock.Now())
	c, kinds, _ := loadCase(t, s, id)
	if c.State != complaint.StateOpen || kinds[len(kinds)-1] != string(complaint.EvCommandRefused) {
		t.Fatalf("forged command: state %s, events %v", c.State, kinds)
	}
	s.View(func(tx Tx) error {
		msgs, _ := tx.Messages(id)
		if last := msgs[len(msgs)-1]; !last.Unverified || last.Role != complaint.RoleOther || last.MessageID != m.MessageID {
			t.Errorf("forged mail kept as %+v", last)
		}
		return nil
	})
	// Marco's real mail with the same Message-ID, found in his Sent folder, counts.
	deliver(t, e, sent, forged, clock.Now())
	if c, _, _ = loadCase(t, s, id); c.State != complaint.StateClosed {
		t.Errorf("the director's own copy did not close the case: %s", c.State)
	}
}

func TestCommandsNeedTokenAndBotAddress(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	first := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	// A reply to the client that happens to contain a "#" line is not a command mail.
	deliver(t, e, sent, mail("marco@mcoo.nl", "Re: [KL-2026-0001] Klacht", "#afgehandeld zie hieronder", "To: jan@klant.test", "In-Reply-To: "+first.MessageID), clock.Now())
	// Nor is a mail to the bot without the token.
	deliver(t, e, sent, mail("marco@mcoo.nl", "opdracht", "#afgehandeld x", "To: klachten@mcoo.nl", "In-Reply-To: "+first.MessageID), clock.Now())
	c, _, _ := loadCase(t, s, "KL-2026-0001")
	if c.State != complaint.StateOpen {
		t.Errorf("state %s, want open", c.State)
	}
	if c.FirstResponseAt == nil {
		t.Error("the reply to the client did not count as first response")
	}
	// Bcc to the bot on a reply to the client: both a response and commands.
	deliver(t, e, sent, mail("marco@mcoo.nl", "Re: [KL-2026-0001] Klacht", "Kunt u de brief sturen?\n#wacht-op-klant", "To: jan@klant.test", "Bcc: klachten@mcoo.nl"), clock.Now())
	if c, _, _ = loadCase(t, s, "KL-2026-0001"); c.State != complaint.StateWaiting {
		t.Errorf("state %s, want waiting", c.State)
	}
}

// ackOf is the Message-ID of a case's acknowledgement: the client answers it.
func ackOf(t *testing.T, s Store, caseID string) string {
	t.Helper()
	var id string
	s.View(func(tx Tx) error {
		items, _ := tx.OutboxOf(caseID)
		for _, it := range items {
			if it.Kind == outbox.KindAck {
				id = it.Mail.MessageID
			}
		}
		return nil
	})
	if id == "" {
		t.Fatalf("%s has no acknowledgement", caseID)
	}
	return id
}

// Mail in the client's name that is not evidently theirs changes nothing:
// anyone who knows the address and the case number can write it. The
// client's out-of-office does not re-open a closed case either.
func TestForgedClientChangesNothing(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		deliver(t, e, inbox, mail("Klant Twee <klant2@klant.test>", "Klacht", "Ik ben ontevreden: de loonstroken zijn alweer fout."), clock.Now())
		const id = "KL-2026-0001"
		deliver(t, e, inbox, mail("Klant Twee <klant2@klant.test>", "Re: ["+id+"]", "akkoord"), clock.Now())
		c, _, pending := loadCase(t, s, id)
		if c.Consent != nil {
			t.Errorf("forged consent recorded: %+v", c.Consent)
		}
		if last := pending[len(pending)-1]; !strings.Contains(last.Mail.Subject, "niet bevestigd") || last.Mail.To[0] != "marco@mcoo.nl" {
			t.Errorf("director not asked: %v", kinds(pending))
		}
		deliver(t, e, sent, commandMail(id, "#afgehandeld Opgelost"), clock.Now())
		deliver(t, e, inbox, mail("Klant Twee <klant2@klant.test>", "Re: ["+id+"]", "Ik ben het er niet mee eens."), clock.Now())
		deliver(t, e, inbox, mail("Klant Twee <klant2@klant.test>", "Automatisch antwoord: Re: ["+id+"]", "Ik ben afwezig.",
			"Auto-Submitted: auto-replied", "In-Reply-To: "+ackOf(t, s, id)), clock.Now())
		deliver(t, e, inbox, mail("Klant Twee <klant2@klant.test>", "Auto reply: Re: ["+id+"]", "I am away.",
			"X-Apple-Action: VACATION", "In-Reply-To: "+ackOf(t, s, id)), clock.Now())
		c, evs, _ := loadCase(t, s, id)
		if c.State != complaint.StateClosed {
			t.Errorf("forged or automatic mail re-opened the case: %v", evs)
		}
		// A real answer to the acknowledgement does re-open it.
		deliver(t, e, inbox, mail("Klant Twee <klant2@klant.test>", "Re: ["+id+"]", "Toch niet opgelost.", "In-Reply-To: "+ackOf(t, s, id)), clock.Now())
		if c, _, _ = loadCase(t, s, id); c.State != complaint.StateOpen {
			t.Errorf("the client's own reply did not re-open: %s", c.State)
		}
	})
}

// Authentication-Results count only when the firm's server added them
// above its own Received headers; a copy that came with the message does not.
func TestAuthenticationResultsPosition(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.AuthServID, cfg.TrustedHops = "mx.mcoo.nl", 2
	ar := "Authentication-Results: mx.mcoo.nl; dkim=pass header.d=mcoo.nl\r\n"
	rcv := func(by string) string { return "Received: from x by " + by + "; Tue, 24 Nov 2026 14:03:00 +0100\r\n" }
	forged := message.Parse([]byte(rcv("dovecot") + rcv("postfix") + ar + "From: hans@mcoo.nl\r\n\r\nx"))
	if _, why := cfg.Authority(inbox, forged); !strings.Contains(why, "came with the message") {
		t.Errorf("the forged header is not on record: %q", why)
	}
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"added by the MTA under the LMTP hop", rcv("dovecot") + ar + rcv("postfix") + rcv("sender"), true},
		{"at the top", ar + rcv("dovecot") + rcv("postfix"), true},
		{"forged below the firm's hops", rcv("dovecot") + rcv("postfix") + ar + rcv("sender"), false},
	} {
		m := message.Parse([]byte(tt.head + "From: hans@mcoo.nl\r\n\r\n#afgehandeld"))
		if got := cfg.Authenticated(m, "mcoo.nl"); got != tt.want {
			t.Errorf("%s: authenticated %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestTrustedHopsPostfixLMTP: with Postfix delivering to Dovecot over LMTP,
// a milter's Authentication-Results stands between Dovecot's LMTP Received
// header and Postfix's own (testdata/headers/postfix-lmtp.eml, headers as that
// stack writes them). It counts with trusted_hops = 2 and not with 1.
func TestTrustedHopsPostfixLMTP(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/headers/postfix-lmtp.eml")
	if err != nil {
		t.Fatal(err)
	}
	m := message.Parse(raw)
	for hops, want := range map[int]bool{1: false, 2: true} {
		cfg := testConfig()
		cfg.AuthServID, cfg.TrustedHops = "mx.mcoo.nl", hops
		if got := cfg.Authenticated(m, "mcoo.nl"); got != want {
			t.Errorf("trusted_hops = %d: authenticated %v, want %v", hops, got, want)
		}
	}
}

// The client's answer to a director's own mail (found in Sent) is theirs too.
func TestClientAnswersDirector(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	first := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	const id = "KL-2026-0001"
	question := deliver(t, e, sent, mail("Marco <marco@mcoo.nl>", "Re: Klacht", "Kunt u de brief sturen?", "To: jan@klant.test", "In-Reply-To: "+first.MessageID), clock.Now())
	deliver(t, e, sent, commandMail(id, "#wacht-op-klant"), clock.Now())
	deliver(t, e, inbox, mail("jan@klant.test", "Re: Klacht", "Hierbij de brief.", "In-Reply-To: "+question.MessageID), clock.Now())
	if c, evs, _ := loadCase(t, s, id); c.State != complaint.StateOpen {
		t.Errorf("the client's answer to the director did not end waiting: %s %v", c.State, evs)
	}
}
