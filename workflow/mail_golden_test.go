package workflow

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/outbox"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Every mail a case brings, as its reader gets it: the acknowledgement, the
// notices to the director (reminder, warning, escalation, consent, "niet
// begrepen", the confirmation, re-open) and the new term to the client, in
// testdata/mail. Reviewed as a client and a director would read them.
func TestMailsGolden(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	clock.t = at("2026-11-23 10:00") // a Monday
	first := deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Boete door te late aangifte", "Ik ben ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen."), clock.Now())
	const id = "KL-2026-0001"
	runDue(t, e, "2026-11-27 00:30") // reminder
	runDue(t, e, "2026-12-03 10:00") // warning
	clock.t = at("2026-12-03 11:00")
	deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Re: ["+id+"]", "Akkoord.\n\n> Antwoord met akkoord", "In-Reply-To: "+ackOf(t, s, id), "References: "+first.MessageID), clock.Now())
	deliver(t, e, sent, commandMail(id, "#afgehandld Boete vergoed"), clock.Now())
	runDue(t, e, "2026-12-07 10:00") // escalation
	clock.t = at("2026-12-07 11:00")
	deliver(t, e, sent, commandMail(id, "#nieuwe-termijn 2026-12-18 Wij wachten op stukken van de Belastingdienst."), clock.Now())
	clock.t = at("2026-12-10 11:00")
	deliver(t, e, sent, commandMail(id, "#afgehandeld Boete vergoed en excuses aangeboden"), clock.Now())
	clock.t = at("2026-12-11 09:00")
	deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Re: ["+id+"]", "Toch nog een vraag over de boete.", "In-Reply-To: "+ackOf(t, s, id)), clock.Now())

	_, pending := snapshot(t, s)
	seen := map[string]int{}
	var kinds []string
	for _, it := range pending {
		if it.Kind == "digest" {
			continue // its seal differs every run; templates has the digest's golden files
		}
		name := string(it.Kind)
		if it.Kind == "notice" {
			name = "notice-" + noticeName(it)
		}
		if seen[name]++; seen[name] > 1 {
			name += fmt.Sprint("-", seen[name])
		}
		kinds = append(kinds, name)
		goldenMail(t, name, it)
	}
	t.Logf("mails: %s", strings.Join(kinds, " "))
	for _, want := range []string{"ack", "reminder", "warning", "notice-consent", "notice-not-understood", "confirmation", "escalation", "new-term", "notice-reopened"} {
		if seen[want] == 0 {
			t.Errorf("no %s among %v", want, kinds)
		}
	}
}

// noticeName names a notice by what it is about.
func noticeName(it *outbox.Item) string {
	switch {
	case strings.HasPrefix(it.Mail.Subject, "Toestemming"):
		return "consent"
	case strings.HasPrefix(it.Mail.Subject, "Opdracht niet begrepen"):
		return "not-understood"
	case strings.HasPrefix(it.Mail.Subject, "Klacht heropend"):
		return "reopened"
	}
	return strings.ToLower(strings.Fields(it.Mail.Subject)[0])
}

// render is a mail as its reader sees it: who, what, which conversation.
func render(it *outbox.Item) string {
	m := it.Mail
	thread := "new conversation"
	if m.InReplyTo != "" {
		thread = "reply in the case's conversation"
	}
	return fmt.Sprintf("From: %s <%s>\nTo: %s\nSubject: %s\n(%s)\n\n%s", m.FromName, m.From, strings.Join(m.To, ", "), m.Subject, thread, m.Text)
}
