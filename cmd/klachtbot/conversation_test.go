package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// openCase delivers a complaint, waits for its acknowledgement and returns
// the case number, the complaint's Message-ID and the acknowledgement.
func openCase(t *testing.T, st *mailStack, b *bot, client, director string) (string, string, *parsedMail) {
	t.Helper()
	raw, id := compose(client, director, "Klacht over de aangifte", plainComplaint)
	st.send(t, client, []string{director}, raw)
	ack := acksFor(st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement", hasAck(id)), id)[0]
	for _, c := range b.cases() {
		if strings.Contains(ack.get("Subject"), c.ID) {
			return c.ID, id, ack
		}
	}
	t.Fatalf("no case for %s", ack.get("Subject"))
	return "", "", nil
}

func eventKinds(d dossier.Detail) []string {
	var k []string
	for _, e := range d.Events {
		k = append(k, string(e.Kind))
	}
	return k
}

func TestE2EConversation(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		id, complaintID, ack := openCase(t, st, b, "jan@klant.test", "marco@mcoo.nl")
		ackID := ack.get("Message-Id")

		// A fresh mail with only the token in an Outlook-style subject joins the case.
		raw, _ := compose("jan@klant.test", "marco@mcoo.nl", "AW: ["+id+"] aanvulling", "Ik stuur de brief nog.")
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, raw)
		// Apple Mail / Outlook style: no token, In-Reply-To missing, References rewritten and trimmed.
		raw, _ = compose("jan@klant.test", "marco@mcoo.nl", "Re: iets anders", "Nog een vraag.",
			"References: <thread-index-AdZ@outlook.test> "+ackID)
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, raw)
		// The client consents by replying to the acknowledgement.
		raw, consentID := compose("jan@klant.test", "marco@mcoo.nl", "Re: "+ack.get("Subject"),
			"Akkoord.\n\nOp 24 nov. 2026 om 14:03 schreef Marco <marco@mcoo.nl>:\n> ... antwoord dan met \"akkoord\" ...",
			"In-Reply-To: "+ackID, "References: "+complaintID+" "+ackID)
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, raw)
		waitCase(t, b, id, func(d dossier.Detail) bool { return len(correspondence(d)) == 4 })

		// The director answers the client from his mail client: the copy in Sent counts.
		reply, _ := compose("Marco <marco@mcoo.nl>", "jan@klant.test", "Re: Klacht over de aangifte",
			"Beste Jan, ik bel u morgen.", "In-Reply-To: "+complaintID, "References: "+complaintID)
		st.appendTo(t, "marco@mcoo.nl", "Sent", reply)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.FirstResponseAt != nil })

		// A client forges Marco's From: with a command: refused and recorded.
		forged, _ := compose("Marco <marco@mcoo.nl>", "marco@mcoo.nl", "["+id+"] opdracht", "#afgehandeld opgelost")
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, forged)
		waitCase(t, b, id, func(d dossier.Detail) bool { return slices.Contains(eventKinds(d), "command-refused") })

		// The client's consent is on record with its mail as evidence, so
		// #extern is accepted; then the case is closed, all from Sent.
		d := b.show(id)
		if d.State != "open" || d.ClosedAt != nil {
			t.Fatalf("forged command changed the case: %+v", d.Summary)
		}
		if !slices.Contains(eventKinds(d), "consent") {
			t.Errorf("client consent not recorded: %v", eventKinds(d))
		}
		var evidence string
		for _, e := range d.Events {
			if e.Kind == "consent" {
				evidence = e.MessageID
			}
		}
		if evidence != consentID {
			t.Errorf("consent evidence %s, want the client's mail %s", evidence, consentID)
		}
		cmd, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "["+id+"] opdrachten",
			"#extern NBA klachtencommissie\n#categorie termijnen\n#maatregel Aangiftes een week eerder klaarzetten\n#afgehandeld Boete vergoed")
		st.appendTo(t, "marco@mcoo.nl", "Sent", cmd)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.State == "closed" })
		d = b.show(id)
		if d.ClosedAt == nil {
			t.Error("closed_at not set")
		}
		// Events are listed in order, each with its kind.
		kinds := eventKinds(d)
		want := []string{"received", "ack-queued", "mail-sent"}
		if !slices.Equal(kinds[:3], want) {
			t.Errorf("first events %v, want %v", kinds[:3], want)
		}
		// The commands, then the one-line confirmation to the director.
		last := slices.Index(kinds, "state-changed")
		for i := range kinds {
			if kinds[i] == "state-changed" {
				last = i
			}
		}
		tail := kinds[max(last-5, 0):min(last+2, len(kinds))]
		if wantTail := []string{"message", "command", "command", "command", "command", "state-changed", "mail-queued"}; !slices.Equal(tail, wantTail) {
			t.Errorf("last events %v, want %v", tail, wantTail)
		}
		for i := 1; i < len(d.Events); i++ {
			if d.Events[i].At.Before(d.Events[i-1].At) {
				t.Errorf("events out of order at %d", i)
			}
		}
		// No second acknowledgement went to the client at any point: the
		// acknowledgement, then the closing mail with its question.
		st.waitFor(t, catchall, "INBOX", hangGuard, "closing mail", func(l []*parsedMail) bool { return len(mailsWith(l, "afgehandeld")) > 0 })
		time.Sleep(time.Second) // a wrong extra mail would show up by now
		clientMails := st.waitFor(t, catchall, "INBOX", time.Second, "", func([]*parsedMail) bool { return true })
		if len(clientMails) != 2 || len(mailsWith(clientMails, "Ontvangstbevestiging")) != 1 {
			t.Errorf("client received %d mails, want the acknowledgement and the closing mail", len(clientMails))
		}
	})
}

func TestE2EExternWithoutConsent(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		id, _, _ := openCase(t, st, b, "eva@klant.test", "hans@mcoo.nl")
		cmd, _ := compose("Hans <hans@mcoo.nl>", "hans@mcoo.nl", "["+id+"] extern", "#extern Belastingadviseur X")
		st.appendTo(t, "hans@mcoo.nl", "Sent", cmd)
		// Hans is told, by mail in his INBOX, why nothing happened.
		notice := mailsWith(st.waitFor(t, "hans@mcoo.nl", "INBOX", hangGuard, "refusal notice", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Extern delen geweigerd")) > 0
		}), "Extern delen geweigerd")
		if body := notice[0].body; !strings.Contains(body, "#toestemming ja") {
			t.Errorf("notice does not say how to proceed:\n%s", body)
		}
		d := b.show(id)
		if !slices.Contains(eventKinds(d), "command-refused") {
			t.Errorf("events %v", eventKinds(d))
		}
		// The bot's own notice in Hans's INBOX is not a new complaint.
		time.Sleep(time.Second)
		if n := len(b.cases()); n != 1 {
			t.Errorf("%d cases, want 1", n)
		}
	})
}

func TestE2EReopenByClient(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		id, _, ack := openCase(t, st, b, "piet@klant.test", "marco@mcoo.nl")
		cmd, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "["+id+"]", "#afgehandeld Excuses aangeboden")
		st.appendTo(t, "marco@mcoo.nl", "Sent", cmd)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.State == "closed" })
		raw, _ := compose("piet@klant.test", "marco@mcoo.nl", "Re: "+ack.get("Subject"), "Ik ben het er niet mee eens.",
			"In-Reply-To: "+ack.get("Message-Id"))
		st.send(t, "piet@klant.test", []string{"marco@mcoo.nl"}, raw)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.State == "open" })
		// Both directors are told.
		for _, dir := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
			st.waitFor(t, dir, "INBOX", hangGuard, "re-open notice", func(l []*parsedMail) bool {
				return len(mailsWith(l, "Klacht heropend")) > 0
			})
		}
	})
}
