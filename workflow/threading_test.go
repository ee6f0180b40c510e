package workflow

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/intake"
)

// TestThreadingRealClients runs the threading rules over mails as real
// clients write them (mailbox/message/testdata): Outlook rewrites subjects ("RE:
// AW:") and carries long References, Apple Mail puts the client's own first
// mail in References, Gmail and Exchange auto-replies answer a director's mail.
func TestThreadingRealClients(t *testing.T) {
	t.Parallel()
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "mailbox", "message", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	withSubject := func(raw []byte, subject string) []byte {
		i := bytes.Index(raw, []byte("\nSubject:"))
		j := bytes.IndexByte(raw[i+1:], '\n')
		return append(append(append([]byte{}, raw[:i+1]...), "Subject: "+subject...), raw[i+1+j:]...)
	}
	tests := []struct {
		name  string
		raw   []byte
		known []string // Message-IDs the case knows
		want  bool
	}{
		{"outlook reply to a director's mail (In-Reply-To)", fixture("outlook.eml"), []string{"<4Tq6Jm1bKtz9sXr@mcoo.nl>"}, true},
		{"outlook, only the thread's first mail known (References)", fixture("outlook.eml"), []string{"<4Tq1Yh0c2Vz9sWn@mcoo.nl>"}, true},
		{"outlook, nothing known: RE: AW: subject alone never threads", fixture("outlook.eml"), nil, false},
		{"apple mail reply, the client's own first mail known", fixture("applemail-inline-image.eml"), []string{"<8E4C2B1A-5D3F-4A6E-9B7C-1F2E3D4C5B6A@icloud.com>"}, true},
		{"gmail vacation reply to a director's mail", fixture("vacation-gmail.eml"), []string{"<4TqD1p5NvWz9sAc@mcoo.nl>"}, true},
		{"exchange out-of-office to the bot's mail", fixture("outofoffice-exchange.eml"), []string{"<4TqC7n2LwSz9sZb@mcoo.nl>"}, true},
		{"gmail fresh mail with the case token", withSubject(fixture("gmail.eml"), "AW: [KL-2026-0001] Klacht aangifte"), nil, true},
		{"gmail fresh mail, token of a case that does not exist", withSubject(fixture("gmail.eml"), "[KL-2026-0999] Klacht"), nil, false},
		{"gmail fresh mail, no token", fixture("gmail.eml"), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, s, clock := newTestEngine(t)
			deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
			s.Update(func(tx Tx) error {
				for _, id := range tt.known {
					tx.IndexMessageID(id, "KL-2026-0001")
				}
				return nil
			})
			m := message.Parse(tt.raw)
			var got string
			s.View(func(tx Tx) error { got = intake.Thread(tx, m, false); return nil })
			if (got == "KL-2026-0001") != tt.want {
				t.Errorf("thread(%q, in-reply-to %v, references %v) = %q, want threaded %v", m.Subject, m.InReplyTo, m.References, got, tt.want)
			}
		})
	}
}
