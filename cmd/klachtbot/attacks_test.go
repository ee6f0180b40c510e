package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2EAttacks: what a stranger, or the world's mail robots, can send
// does not move a case, aim the firm's mail at a victim, or forge a row.
func TestE2EAttacks(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), fmt.Sprintf("authserv_id = \"mx.mcoo.nl\"\ntrusted_hops = %d\n", st.hops)))
		id, complaintID, ack := openCase(t, st, b, "klant2@klant.test", "marco@mcoo.nl")

		// A forged client: From and case number, no answer to the bot's mail.
		raw, _ := compose("Klant Twee <klant2@klant.test>", "marco@mcoo.nl", "Re: ["+id+"]", "akkoord")
		st.send(t, "vreemde@elders.test", []string{"marco@mcoo.nl"}, raw)
		st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the director's question", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Mail van de cliënt niet bevestigd")) == 1
		})
		if d := b.show(id); slices.Contains(eventKinds(d), "consent") {
			t.Errorf("forged consent recorded: %v", eventKinds(d))
		}

		// Forged Authentication-Results from the trusted authserv-id, written by the sender.
		raw, _ = compose("Hans <hans@mcoo.nl>", "marco@mcoo.nl", "["+id+"] opdracht", "#afgehandeld opgelost",
			"Authentication-Results: mx.mcoo.nl; dkim=pass header.d=mcoo.nl; spf=pass smtp.mailfrom=hans@mcoo.nl")
		st.send(t, "vreemde@elders.test", []string{"marco@mcoo.nl"}, raw)
		waitCase(t, b, id, func(d dossier.Detail) bool { return slices.Contains(eventKinds(d), "command-refused") })
		if d := b.show(id); d.State != "open" {
			t.Errorf("forged Authentication-Results closed the case")
		}

		// The client's out-of-office on a closed case changes nothing.
		cmd, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "["+id+"]", "#afgehandeld Excuses aangeboden")
		st.appendTo(t, "marco@mcoo.nl", "Sent", cmd)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.State == "closed" })
		ooo, _ := compose("klant2@klant.test", "marco@mcoo.nl", "Automatisch antwoord: "+ack.get("Subject"), "Ik ben afwezig tot maandag.",
			"Auto-Submitted: auto-replied", "In-Reply-To: "+ack.get("Message-Id"), "References: "+complaintID+" "+ack.get("Message-Id"))
		st.send(t, "klant2@klant.test", []string{"marco@mcoo.nl"}, ooo)
		icloud, _ := compose("klant2@klant.test", "marco@mcoo.nl", "Auto reply: "+ack.get("Subject"), "I am away.",
			"X-Apple-Action: VACATION", "In-Reply-To: "+ack.get("Message-Id"))
		st.send(t, "klant2@klant.test", []string{"marco@mcoo.nl"}, icloud)
		waitCase(t, b, id, func(d dossier.Detail) bool { return len(correspondence(d)) >= 5 })
		if d := b.show(id); d.State != "closed" {
			t.Errorf("an out-of-office re-opened the case: %v", eventKinds(d))
		}

		// Backscatter: Reply-To outside the sender's domain is not where the acknowledgement goes.
		var spamIDs []string
		for i := range 3 {
			raw, mid := compose(fmt.Sprintf("a%d@spam.test", i), "marco@mcoo.nl", "Klacht koop nu goedkope pillen op www.spam.test met korting en gratis verzending",
				plainComplaint, "Reply-To: victim@victim.test")
			st.send(t, fmt.Sprintf("a%d@spam.test", i), []string{"marco@mcoo.nl"}, raw)
			spamIDs = append(spamIDs, mid)
		}
		acks := st.waitFor(t, catchall, "INBOX", hangGuard, "the acknowledgements", func(l []*parsedMail) bool {
			for _, mid := range spamIDs {
				if len(acksFor(l, mid)) == 0 {
					return false
				}
			}
			return true
		})
		for _, mid := range spamIDs {
			a := acksFor(acks, mid)[0]
			if strings.Contains(a.get("To"), "victim") || strings.Contains(a.get("Subject"), "gratis verzending") {
				t.Errorf("acknowledgement To %s, Subject %s", a.get("To"), a.get("Subject"))
			}
		}

		// A reused Message-ID is another mail, with a case of its own.
		reuse := strings.Replace(string(mustCompose("kees@klant.test", "Dubbel gefactureerd", "Ik ben ontevreden: jullie hebben dubbel gefactureerd, ik wil het geld terug.")),
			"Message-ID: ", "X-Was: ", 1)
		reuse = "Message-ID: " + complaintID + "\r\n" + reuse
		st.send(t, "kees@klant.test", []string{"marco@mcoo.nl"}, []byte(reuse))
		caseWith(t, b, "Dubbel gefactureerd")

		// A list owner's notice is a machine's mail: no case, no acknowledgement.
		raw, listID := compose("nieuws-owner@lists.test", "marco@mcoo.nl", "Post to nieuws denied: klacht",
			"Your message to nieuws was denied: Ik ben ontevreden en dien een klacht in.")
		st.send(t, "nieuws-owner@lists.test", []string{"marco@mcoo.nl"}, raw)

		// Commands below an Outlook underscore rule are quoted, not given.
		id2, _, _ := openCase(t, st, b, "klant3@klant.test", "marco@mcoo.nl")
		quoted, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "["+id2+"]", "Zie hieronder.\n\n________________________________\n#afgehandeld opgelost")
		st.appendTo(t, "marco@mcoo.nl", "Sent", quoted)

		// A subject in raw KOI8-R bytes reads as Cyrillic.
		koi8 := "From: ivan@klant.test\r\nTo: marco@mcoo.nl\r\nSubject: \xf0\xd2\xcf\xc2\xcc\xc5\xcd\xc1 klacht\r\nMessage-ID: <koi8@klant.test>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\nIk ben ontevreden over jullie, de aangifte is te laat ingediend en ik wil de boete vergoed.\r\n"
		// Appended: Postfix will not hand raw 8-bit headers to Dovecot's LMTP (no SMTPUTF8).
		st.appendTo(t, "marco@mcoo.nl", "INBOX", []byte(koi8))
		caseWith(t, b, "Проблема klacht")
		if d := b.show(id2); d.State != "open" {
			t.Errorf("a quoted command closed %s", id2)
		}
		if len(acksFor(st.waitFor(t, catchall, "INBOX", time.Second, "", func([]*parsedMail) bool { return true }), listID)) != 0 {
			t.Error("a list owner's notice was acknowledged")
		}

		// Control characters in a subject forge no row and no terminal escape.
		raw, _ = compose("evil@klant.test", "marco@mcoo.nl", "=?utf-8?q?Klacht=0D=0AKL-2026-9999__open__=1B[2J_nep?=",
			plainComplaint)
		st.send(t, "evil@klant.test", []string{"marco@mcoo.nl"}, raw)
		caseWith(t, b, "nep")
		out := string(b.cli("cases"))
		if strings.ContainsAny(out, "\x1b\r") || strings.Contains(out, "\nKL-2026-9999") {
			t.Errorf("cases output carries a forged row or an escape:\n%q", out)
		}
	})
}

func mustCompose(from, subject, body string) []byte {
	raw, _ := compose(from, "marco@mcoo.nl", subject, body)
	return raw
}
