package main

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// doubtfulMail is a client's mail that recognition must put to a director:
// unhappy about a fee, but not clearly a complaint about the firm.
const doubtfulMail = "Goedemiddag,\n\nIk zag de factuur voor de jaarrekening. De factuur is hoger dan afgesproken. " +
	"Ik ga hier niet zomaar mee akkoord.\n\nGroet,\nKees Bakker"

// caseWith waits for a case whose subject contains s.
func caseWith(t *testing.T, b *bot, s string) dossier.Summary {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for {
		for _, c := range b.cases() {
			if strings.Contains(c.Subject, s) {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no case with subject %q: %+v", s, b.cases())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestE2ETriage: a doubtful mail is held and put to the director; #klacht
// opens it and acknowledges the client once, counted from the receipt;
// #geen-klacht dismisses another and keeps nothing of it.
func TestE2ETriage(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		raw, mailID := compose("Kees Bakker <kees@klant.test>", "marco@mcoo.nl", "Factuur jaarrekening", doubtfulMail)
		st.send(t, "kees@klant.test", []string{"marco@mcoo.nl"}, raw)
		question := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the triage question", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Klacht of niet?")) == 1
		})
		q := mailsWith(question, "Klacht of niet?")[0]
		c := caseWith(t, b, "Factuur jaarrekening")
		if c.State != "triage" || c.AcknowledgedAt != nil || c.Recognition == "" {
			t.Fatalf("held mail: %+v", c)
		}
		if q.get("In-Reply-To") != mailID || !strings.Contains(q.body, "> Ik zag de factuur") || !strings.Contains(q.body, "#klacht") ||
			!strings.Contains(q.get("Subject"), c.ID) {
			t.Errorf("triage question:\n%s\n%s", q.get("Subject"), q.body)
		}
		if n := len(st.messages(t, catchall, "INBOX")); n != 0 {
			t.Fatalf("the client got %d mails before a director decided", n)
		}

		// The director answers: #klacht.
		answer, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "Re: "+q.get("Subject"), "#klacht\n\nMarco",
			"In-Reply-To: "+q.get("Message-Id"))
		st.appendTo(t, "marco@mcoo.nl", "Sent", answer)
		st.waitFor(t, catchall, "INBOX", hangGuard, "the acknowledgement", hasAck(mailID))
		waitCase(t, b, c.ID, func(d dossier.Detail) bool { return d.State == "open" && d.AcknowledgedAt != nil })
		d := b.show(c.ID)
		if want := calendar.New(workflow.Defaults().Settings).Target(d.ReceivedAt); !d.TargetAt.Equal(want) {
			t.Errorf("target %v, want 14 days after the receipt %v", d.TargetAt, d.ReceivedAt)
		}
		// The director is told it was done, threaded to their answer.
		st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the confirmation", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Uitgevoerd")) == 1
		})

		// A second doubtful mail, dismissed: nothing of it stays.
		// (in other words: the first, judged a complaint, taught recognition that mail like it is one)
		raw2, mail2 := compose("Kees Bakker <kees@klant.test>", "marco@mcoo.nl", "Tweede factuur",
			"Goedemiddag,\n\nDe tweede factuur van dit kwartaal is ook hoger dan ik had verwacht. Dat vind ik jammer. Kunnen we daar even over bellen?\n\nGroet,\nKees Bakker")
		st.send(t, "kees@klant.test", []string{"marco@mcoo.nl"}, raw2)
		question = st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the second question", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Klacht of niet?")) == 2
		})
		q2 := mailsWith(mailsWith(question, "Klacht of niet?"), "Tweede factuur")[0]
		c2 := caseWith(t, b, "Tweede factuur")
		answer, _ = compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "Re: "+q2.get("Subject"), "#geen-klacht",
			"In-Reply-To: "+q2.get("Message-Id"))
		st.appendTo(t, "marco@mcoo.nl", "Sent", answer)
		waitCase(t, b, c2.ID, func(d dossier.Detail) bool { return d.State == "closed" })
		d = b.show(c2.ID)
		if d.Client != "" || d.Subject != "" {
			t.Errorf("dismissed mail keeps its client or subject: %+v", d.Summary)
		}
		for _, m := range d.Messages {
			if m.From != "" || m.Subject != "" || m.MessageID != "" {
				t.Errorf("dismissed mail kept: %+v", m)
			}
		}
		if strings.Contains(string(b.cli("show", c2.ID, "--json")), "kees@klant.test") {
			t.Error("the dismissed mail's sender is still on record")
		}
		if acks := acksFor(st.waitFor(t, catchall, "INBOX", time.Second, "", func([]*parsedMail) bool { return true }), mail2); len(acks) != 0 {
			t.Error("a dismissed mail was acknowledged")
		}
	})
}

// TestE2EComplaintByPhone: #nieuwe-klacht registers a complaint taken by
// phone; with an address the client gets a written confirmation as a new
// conversation, without one nobody is mailed.
func TestE2EComplaintByPhone(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		note, noteID := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "Boete door te late btw-aangifte",
			"#nieuwe-klacht telefoon Jan Jansen <jan@klant.test>\n\nJan belde boos op: de btw-aangifte is te laat ingediend en hij kreeg een boete van 68 euro.")
		st.appendTo(t, "marco@mcoo.nl", "Sent", note)
		c := caseWith(t, b, "Boete door te late btw-aangifte")
		if c.Channel != "telefoon" || c.Client != "jan@klant.test" || c.Director != "marco@mcoo.nl" || c.State != "open" {
			t.Errorf("phone complaint: %+v", c)
		}
		mails := st.waitFor(t, catchall, "INBOX", hangGuard, "the written confirmation", func(l []*parsedMail) bool {
			return len(mailsWith(l, c.ID)) == 1
		})
		conf := mailsWith(mails, c.ID)[0]
		if conf.get("In-Reply-To") != "" || !strings.Contains(conf.body, "telefonisch") || !strings.Contains(conf.get("From"), "marco@mcoo.nl") {
			t.Errorf("written confirmation:\n%s\n%s", conf.get("From"), conf.body)
		}
		waitCase(t, b, c.ID, func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })
		st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the director's confirmation", func(l []*parsedMail) bool {
			for _, m := range l {
				if m.get("In-Reply-To") == noteID && strings.Contains(m.body, c.ID) {
					return true
				}
			}
			return false
		})

		note, _ = compose("Hans <hans@mcoo.nl>", "klachten@mcoo.nl", "Klacht in gesprek: onbereikbaar",
			"#nieuwe-klacht gesprek Piet de Boer\n\nPiet vertelde op kantoor dat hij drie weken niemand kon bereiken.")
		st.appendTo(t, "hans@mcoo.nl", "Sent", note)
		c2 := caseWith(t, b, "Klacht in gesprek")
		d := b.show(c2.ID)
		if d.Channel != "gesprek" || d.Client != "" || !slices.Contains(eventKinds(d), "ack-suppressed") {
			t.Errorf("complaint without an address: %+v %v", d.Summary, eventKinds(d))
		}
		if got := st.waitFor(t, catchall, "INBOX", time.Second, "", func([]*parsedMail) bool { return true }); len(got) != 1 {
			t.Errorf("the client mailbox holds %d mails, want only Jan's confirmation", len(got))
		}
	})
}

// TestE2EForwardedComplaint: a director forwards a client's complaint to the
// bot, inline or as an attachment: a case for the original sender, received
// when the client sent it, the client acknowledged from that director.
func TestE2EForwardedComplaint(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		// Three hours before the bot's clock: a forward's date after it is not believed.
		sent := botNow().Add(-3 * time.Hour).Truncate(time.Minute)

		inline := fmt.Sprintf("From: Marco <marco@mcoo.nl>\r\nTo: klachten@mcoo.nl\r\nSubject: FW: Loonstroken naar verkeerd adres\r\n"+
			"Date: %s\r\nMessage-ID: <fw-inline@mcoo.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Graag registreren.\r\n\r\n________________________________\r\nVan: Els Visser <els@klant.test>\r\n"+
			"Verzonden: %s\r\nAan: Marco <marco@mcoo.nl>\r\nOnderwerp: Loonstroken naar verkeerd adres\r\n\r\n"+
			"Marco,\r\n\r\nDe loonstroken van mijn personeel zijn naar het verkeerde adres gestuurd. Dat is een ernstige fout.\r\n\r\nEls\r\n",
			time.Now().Format(time.RFC1123Z), dutchOutlookDate(sent))
		st.appendTo(t, "marco@mcoo.nl", "Sent", []byte(inline))
		c := caseWith(t, b, "Loonstroken naar verkeerd adres")
		if c.Client != "els@klant.test" || c.Channel != "doorgestuurd" || !c.ReceivedAt.Equal(sent) {
			t.Errorf("inline forward: %+v (sent %v)", c, sent)
		}
		st.waitFor(t, catchall, "INBOX", hangGuard, "the acknowledgement to Els", func(l []*parsedMail) bool {
			return len(mailsWith(l, c.ID)) == 1
		})

		orig, origID := compose("Henk de Vries <henk@klant.test>", "hans@mcoo.nl", "Dubbel gefactureerd",
			"Hans,\n\nJullie hebben de maand oktober twee keer gefactureerd. Ik wil het geld terug.\n\nHenk")
		attached := "From: Hans <hans@mcoo.nl>\r\nTo: klachten@mcoo.nl\r\nSubject: Fwd: Dubbel gefactureerd\r\n" +
			"Date: " + time.Now().Format(time.RFC1123Z) + "\r\nMessage-ID: <fw-attached@mcoo.nl>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZie bijlage.\r\n" +
			"--b1\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString(orig) + "\r\n--b1--\r\n"
		st.appendTo(t, "hans@mcoo.nl", "Sent", []byte(attached))
		c2 := caseWith(t, b, "Dubbel gefactureerd")
		if c2.Client != "henk@klant.test" || c2.Director != "hans@mcoo.nl" {
			t.Errorf("attached forward: %+v", c2)
		}
		ack := acksFor(st.waitFor(t, catchall, "INBOX", hangGuard, "the acknowledgement to Henk", hasAck(origID)), origID)[0]
		if !strings.Contains(ack.get("From"), "hans@mcoo.nl") {
			t.Errorf("acknowledgement from %s, want the director who forwarded", ack.get("From"))
		}
		dir := t.TempDir() + "/dossier"
		b.cli("export", c2.ID, dir)
		if got := readFile(t, dir, "messages", "01-client.eml"); string(got) != string(orig) {
			t.Errorf("the attached original is not stored byte for byte:\n%s", got)
		}
	})
}

// dutchOutlookDate writes a date as Dutch Outlook does in a forward header.
func dutchOutlookDate(t time.Time) string {
	days := []string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
	months := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	t = t.In(ams)
	return fmt.Sprintf("%s %d %s %d %02d:%02d", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// TestE2ECommandWithoutCaseNumber: commands that name no case get an answer
// listing the director's open cases; a number without brackets works.
func TestE2ECommandWithoutCaseNumber(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		id, _, _ := openCase(t, st, b, "jan@klant.test", "marco@mcoo.nl")
		cmd, cmdID := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "opdracht", "#afgehandeld Opgelost")
		st.appendTo(t, "marco@mcoo.nl", "Sent", cmd)
		answers := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the answer", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Geen klachtnummer")) == 1
		})
		a := mailsWith(answers, "Geen klachtnummer")[0]
		if a.get("In-Reply-To") != cmdID || !strings.Contains(a.body, id) || !strings.Contains(a.body, "niets gewijzigd") {
			t.Errorf("answer:\n%s", a.body)
		}
		if d := b.show(id); d.State != "open" {
			t.Errorf("a command without a case number changed %s: %s", id, d.State)
		}
		cmd, _ = compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", strings.ToLower(id)+" afgehandeld", "#afgehandeld Opgelost")
		st.appendTo(t, "marco@mcoo.nl", "Sent", cmd)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.State == "closed" })
	})
}
