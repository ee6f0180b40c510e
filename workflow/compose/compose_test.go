package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// A copy of the bot's own mail found after a restore is told apart by the
// kind its Message-ID carries; a stranger's Message-ID has none.
func TestKindOfMessageID(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"ack", "term", "closing", "consult", "notice"} {
		id := MessageID("KL-2026-0007", kind, "marco@mcoo.nl")
		if got := KindOf(id); got != kind {
			t.Errorf("KindOf(%s) = %q, want %q", id, got, kind)
		}
		if !strings.HasSuffix(id, "@mcoo.nl>") {
			t.Errorf("%s is not in the sender's domain", id)
		}
	}
	for _, id := range []string{"<CAKx.ack@mail.gmail.com>", "<abc@example.nl>", ""} {
		if got := KindOf(id); got != "" {
			t.Errorf("KindOf(%s) = %q, want none", id, got)
		}
	}
}

// A notice answers the mail that opened its case and names at most ten of
// the case's mails, however long the case grows.
func TestThreadCase(t *testing.T) {
	t.Parallel()
	var msgs []*complaint.Message
	for i := range 30 {
		msgs = append(msgs, &complaint.Message{MessageID: fmt.Sprintf("<m%d@klant.test>", i)})
	}
	item := &outbox.Item{}
	ThreadCase(item, msgs)
	if item.Mail.InReplyTo != "<m0@klant.test>" || len(item.Mail.References) != 10 || item.Mail.References[9] != "<m29@klant.test>" {
		t.Errorf("In-Reply-To %s, References %v", item.Mail.InReplyTo, item.Mail.References)
	}
	reply := &outbox.Item{}
	ThreadUnder(reply, "<cmd@mcoo.nl>", []string{"<a@x>"})
	ThreadCase(reply, msgs)
	if reply.Mail.InReplyTo != "<cmd@mcoo.nl>" {
		t.Errorf("a reply to a particular mail was rethreaded: %s", reply.Mail.InReplyTo)
	}
}
