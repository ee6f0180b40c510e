package dsn

import (
	"github.com/mcoo/klachtbot/mailbox/message"
	"os"
	"testing"
)

func FuzzParseBounce(f *testing.F) {
	for _, file := range bounceFixtures(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(""))
	f.Add([]byte(mkDSN("Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; <A@B>\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: 550 5.7.1 x", botHeader)))
	f.Add([]byte("From: MAILER-DAEMON@x\nSubject: failure notice\n\n<a@b>:\n550 x\n\n--- Below this line is a copy of the message.\n\n  Message-ID: <c@d>\n"))
	f.Add([]byte("From: postmaster@x\nContent-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\nboundary=\"c\"\n\nFinal-Recipient: rfc822; a@b\n--b--\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := message.Parse(raw)
		// parseBounce, not ParseBounce: that one recovers from panics.
		b, ok := parseBounce(m, raw)
		if !ok {
			if b != nil {
				t.Fatalf("ok = false with %+v", b)
			}
			return
		}
		checkBounceInvariants(t, b)
		if len(b.Recipients) > maxBounceRecipients {
			t.Fatalf("%d recipients", len(b.Recipients))
		}
		again, ok := ParseBounce(message.Parse(raw), raw)
		if !ok || string(bounceGolden(again, ok)) != string(bounceGolden(b, true)) {
			t.Fatalf("not deterministic:\n%s\nthen\n%s", bounceGolden(b, true), bounceGolden(again, ok))
		}
	})
}
