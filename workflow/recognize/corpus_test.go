package recognize

import (
	"os"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// loadEML reads a test mail and turns it into an Input. It is the only place
// the tests use the mail parser: ReplyToFirm is set when In-Reply-To or
// References names a message id of the firm (@mcoo.nl).
func loadEML(t testing.TB, path string) Input {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return inputOf(raw)
}

// inputOf parses a test mail.
func inputOf(raw []byte) Input {
	m := message.Parse(raw)
	in := Input{Subject: m.Subject, Text: m.Text}
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		if strings.HasSuffix(strings.ToLower(strings.Trim(id, "<> ")), "@mcoo.nl") {
			in.ReplyToFirm = true
		}
	}
	return in
}
