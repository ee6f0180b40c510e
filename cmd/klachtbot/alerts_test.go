package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2EAlerts: a director's password that stops working and a missing
// complaints folder reach the directors within [alerts] after, status says
// so and exits 1, and the password's alert ends with one mail once it is
// fixed and the service restarted.
func TestE2EAlerts(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		config := st.config(t, t.TempDir(), "[alerts]\nafter = \"1s\"\n")
		raw, err := os.ReadFile(config)
		if err != nil {
			t.Fatal(err)
		}
		// Marco's mailbox with a password of its own, wrong for now; Hans
		// with a complaints folder that does not exist.
		cfg := strings.Replace(string(raw), `password_env = "KB_TEST_PASSWORD"
  inbox = "INBOX"`, `password_env = "KB_MARCO_PASSWORD"
  inbox = "INBOX"`, 1)
		i := strings.LastIndex(cfg, "  sent = \"Sent\"\n")
		// A new name each run: the Dovecot stack keeps folders between tests.
		missing := fmt.Sprintf("Ontbreekt%d", time.Now().UnixNano()%1e6)
		cfg = cfg[:i] + "  sent = \"Sent\"\n  complaints_folder = \"" + missing + "\"\n  create_complaints_folder = false\n" + cfg[i+len("  sent = \"Sent\"\n"):]
		if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("KB_MARCO_PASSWORD", "fout")
		b := startBotWhen(t, config, func([]mailbox.WatcherStatus) bool { return true })
		alerts := st.waitFor(t, "hans@mcoo.nl", "INBOX", hangGuard, "the alerts", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Aandacht nodig: het wachtwoord van Marco werkt niet meer")) == 1 &&
				len(mailsWith(l, "Aandacht nodig: de map "+missing+" van Hans bestaat niet")) == 1
		})
		pw := mailsWith(alerts, "wachtwoord")[0]
		if !strings.Contains(pw.body, "KB_MARCO_PASSWORD") || !strings.Contains(pw.body, "herstart") || !strings.Contains(pw.body, "niet geregistreerd") {
			t.Errorf("password alert:\n%s", pw.body)
		}
		out, err := runStatus(b)
		if err == nil || !strings.Contains(out, "ALERTING: 2 incident(s)") {
			t.Errorf("status while alerting (%v):\n%s", err, out)
		}

		// One alert per incident, however often the watcher retries.
		time.Sleep(3 * time.Second)
		if n := len(mailsWith(st.waitFor(t, "hans@mcoo.nl", "INBOX", time.Second, "", func([]*parsedMail) bool { return true }), "Aandacht nodig")); n != 2 {
			t.Errorf("%d alert mails, want 2", n)
		}

		b.stop()
		t.Setenv("KB_MARCO_PASSWORD", password)
		b.start()
		st.waitFor(t, "hans@mcoo.nl", "INBOX", hangGuard, "the resolved mail", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Opgelost: het wachtwoord van Marco werkt niet meer")) == 1
		})
	})
}

// runStatus runs `klachtbot status`, which exits 1 while anything is alerting.
func runStatus(b *bot) (string, error) {
	cmd := exec.Command(binPath, "status", "--config", b.config)
	cmd.Env = append(os.Environ(), "KB_TEST_PASSWORD="+password)
	out, err := cmd.Output()
	return string(out), err
}

// TestE2EUndeliverableAcknowledgement: an acknowledgement the server refuses
// for good flags its case and alerts the directors.
func TestE2EUndeliverableAcknowledgement(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		st.refuseUnknownClient()
		b := startBot(t, st.config(t, t.TempDir(), ""))
		raw, _ := compose("Onbekend <"+unknownClient+">", "marco@mcoo.nl", "Klacht over de loonstroken",
			plainComplaint)
		st.send(t, unknownClient, []string{"marco@mcoo.nl"}, raw)
		alerts := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the alert", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Aandacht nodig: mail aan "+unknownClient+" niet bezorgd")) == 1
		})
		a := mailsWith(alerts, "niet bezorgd")[0]
		if !strings.Contains(a.body, "ontvangstbevestiging") || !strings.Contains(a.body, "5.1.1") {
			t.Errorf("alert:\n%s", a.body)
		}
		c := caseWith(t, b, "Klacht over de loonstroken")
		waitCase(t, b, c.ID, func(d dossier.Detail) bool { return d.Attention != "" })
		if d := b.show(c.ID); d.AcknowledgedAt != nil || !strings.Contains(d.Attention, "niet bezorgd") {
			t.Errorf("case after the refusal: %+v", d.Summary)
		}
	})
}

// TestE2EBouncedAcknowledgement: a Postfix delivery report about an
// acknowledgement is recorded on its case, clears acknowledged_at and alerts.
func TestE2EBouncedAcknowledgement(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		id, _, ack := openCase(t, st, b, "verhuisd@klant.test", "marco@mcoo.nl")
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })
		dsn := strings.ReplaceAll(fmt.Sprintf(`From: MAILER-DAEMON@mx.klant.test (Mail Delivery System)
To: marco@mcoo.nl
Subject: Undelivered Mail Returned to Sender
Date: %s
Auto-Submitted: auto-replied
Message-ID: <20261124.bounce1@mx.klant.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.klant.test.
I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.klant.test
Arrival-Date: %s

Final-Recipient: rfc822; verhuisd@klant.test
Original-Recipient: rfc822;verhuisd@klant.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <verhuisd@klant.test>: Recipient address rejected: User unknown in virtual mailbox table

--B
Content-Type: text/rfc822-headers

From: %s
To: verhuisd@klant.test
Subject: %s
Message-ID: %s
X-Klachtbot-Case: %s

--B--
`, time.Now().Format(time.RFC1123Z), time.Now().Format(time.RFC1123Z), ack.get("From"), ack.get("Subject"), ack.get("Message-Id"), id), "\n", "\r\n")
		st.send(t, "", []string{"marco@mcoo.nl"}, []byte(dsn))
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.AcknowledgedAt == nil })
		d := b.show(id)
		if !slices.Contains(eventKinds(d), "ack-bounced") || !strings.Contains(d.Attention, "5.1.1") {
			t.Errorf("after the bounce: %+v %v", d.Summary, eventKinds(d))
		}
		st.waitFor(t, "hans@mcoo.nl", "INBOX", hangGuard, "the alert", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Aandacht nodig: ontvangstbevestiging van "+id+" kwam terug")) == 1
		})
	})
}
