package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// postfixDSN is a delivery report as Postfix writes it, about msgid.
func postfixDSN(msgid, rcpt, status, action string) string {
	return fmt.Sprintf(`From: MAILER-DAEMON@mx.mcoo.nl (Mail Delivery System)
To: marco@mcoo.nl
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Return-Path: <>
Message-ID: <20261124140400.%s.%s@mx.mcoo.nl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.mcoo.nl

Final-Recipient: rfc822; %s
Original-Recipient: rfc822;%s
Action: %s
Status: %s
Diagnostic-Code: smtp; 550 %s <%s>: Recipient address rejected: User unknown

--B
Content-Type: text/rfc822-headers

From: Marco - Mijn Cijfers Op Orde <marco@mcoo.nl>
To: %s
Subject: Ontvangstbevestiging van uw klacht [KL-2026-0001]
Message-ID: %s
X-Klachtbot-Case: KL-2026-0001

--B--
`, status, strings.NewReplacer("@", ".", "<", "", ">", "").Replace(msgid), rcpt, rcpt, action, status, status, rcpt, rcpt, msgid)
}

func TestBounceOfAcknowledgement(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		deliver(t, e, inbox, mail("jan@klant.test", "Klacht", "Ik ben ontevreden: mijn aangifte is te laat en ik kreeg een boete."), clock.Now())
		_, _, pending := loadCase(t, s, "KL-2026-0001")
		ack := pending[0]
		s.Update(func(tx Tx) error { ack.State = "sent"; return tx.PutOutbox(ack) })

		// A delay changes nothing.
		deliver(t, e, inbox, postfixDSN(ack.Mail.MessageID, "jan@klant.test", "4.4.1", "delayed"), clock.Now())
		c, evs, pending := loadCase(t, s, "KL-2026-0001")
		if evs[len(evs)-1] != string(complaint.EvMailDelayed) || c.Attention != "" || len(pending) != 0 {
			t.Errorf("after a delay: %v %+v", evs, c)
		}
		// The acknowledgement came back for good.
		now := clock.Now()
		s.Update(func(tx Tx) error { c, _ := tx.Case("KL-2026-0001"); c.AcknowledgedAt = &now; return tx.PutCase(c) })
		deliver(t, e, inbox, postfixDSN(ack.Mail.MessageID, "jan@klant.test", "5.1.1", "failed"), clock.Now())
		c, evs, pending = loadCase(t, s, "KL-2026-0001")
		if c.AcknowledgedAt != nil || !strings.Contains(c.Attention, "5.1.1") || !strings.Contains(strings.Join(evs, " "), string(complaint.EvAckBounced)) {
			t.Errorf("after the bounce: %v %+v", evs, c)
		}
		if k := kinds(pending); strings.Join(k, " ") != "alert" || !strings.Contains(pending[0].Mail.Subject, "ontvangstbevestiging van KL-2026-0001 kwam terug") {
			t.Errorf("outbox %v", k)
		}
		// A report about nothing the bot sent is kept as evidence.
		deliver(t, e, inbox, strings.ReplaceAll(postfixDSN("<other@klant.test>", "x@klant.test", "5.1.1", "failed"), "KL-2026-0001", "KL-2026-0099"), clock.Now())
		s.View(func(tx Tx) error {
			if n := tx.QuarantineCount(); n != 1 {
				t.Errorf("quarantined %d, want the unmatched report", n)
			}
			return nil
		})
	})
}
