package compose

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
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

// A named notice carries its title in the subject and its lines in the
// case's frame; a name that is no notice is an error, not an empty mail.
func TestNoticeNamed(t *testing.T) {
	t.Parallel()
	k := &Composer{Tpl: templates.Default(), Loc: time.UTC, Bot: "klachten@mcoo.nl"}
	c := &complaint.Case{ID: "KL-2026-0007", Subject: "Klacht over mijn aangifte", Client: "jan@example.nl", Director: "marco@mcoo.nl"}
	item, title, err := k.NoticeNamed(c, "notice", []string{"marco@mcoo.nl"}, "consent",
		templates.NoticeConsent{Given: false, Received: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if title != "Toestemming geweigerd" || !strings.HasPrefix(item.Mail.Subject, "Toestemming geweigerd [KL-2026-0007]") {
		t.Errorf("title %q, subject %q", title, item.Mail.Subject)
	}
	if !strings.Contains(item.Mail.Text, "toestemming geweigerd om stukken") || !strings.Contains(item.Mail.Text, "25 november 2026;") {
		t.Errorf("text:\n%s", item.Mail.Text)
	}
	if _, _, err := k.NoticeNamed(c, "notice", nil, "toestemming", templates.NoticeConsent{}, time.Now()); err == nil {
		t.Error("an unknown notice was composed")
	}
}

// The repeat of an alert says how often it comes, as configured
// (alerts_repeat), not always "elke dag"; the first telling does not.
func TestAlertRepeat(t *testing.T) {
	t.Parallel()
	k := &Composer{Tpl: templates.Default(), Loc: time.UTC}
	inc := &alert.Incident{Title: "de geplande taak deadlines mislukt", What: "De taak is mislukt.", Meaning: "Niets.", Todo: "Kijk in het log.",
		Since: time.Date(2026, 11, 24, 14, 3, 0, 0, time.UTC)}
	for _, tt := range []struct {
		repeat bool
		every  time.Duration
		want   string
	}{
		{true, time.Hour, "U krijgt dit bericht elk uur zolang"},
		{true, 4 * time.Hour, "U krijgt dit bericht elke vier uur zolang"},
		{true, 24 * time.Hour, "U krijgt dit bericht elke dag zolang"},
		{true, 48 * time.Hour, "U krijgt dit bericht elke twee dagen zolang"},
		{false, 4 * time.Hour, ""},
	} {
		item, err := k.Alert(inc, tt.repeat, tt.every, "", "marco@mcoo.nl", []string{"marco@mcoo.nl"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "" && strings.Contains(item.Mail.Text, "U krijgt dit bericht") || tt.want != "" && !strings.Contains(item.Mail.Text, tt.want) {
			t.Errorf("repeat %v every %v: want %q in\n%s", tt.repeat, tt.every, tt.want, item.Mail.Text)
		}
	}
}
