package mailbox

import (
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestPickSent(t *testing.T) {
	l := func(name string, attrs ...imap.MailboxAttr) *imap.ListData {
		return &imap.ListData{Mailbox: name, Attrs: attrs}
	}
	for _, tc := range []struct {
		name string
		list []*imap.ListData
		want string
	}{
		{"special-use wins over a name", []*imap.ListData{l("INBOX"), l("Sent", imap.MailboxAttrArchive), l("Verzonden items", imap.MailboxAttrSent)}, "Verzonden items"},
		{"Microsoft 365 in Dutch, no SPECIAL-USE", []*imap.ListData{l("INBOX"), l("Postvak UIT"), l("Verzonden items")}, "Verzonden items"},
		{"Gmail in Dutch", []*imap.ListData{l("INBOX"), l("[Gmail]", imap.MailboxAttrNoSelect), l("[Gmail]/Verzonden berichten")}, "[Gmail]/Verzonden berichten"},
		{"case differs", []*imap.ListData{l("INBOX"), l("SENT ITEMS")}, "SENT ITEMS"},
		{"a \\Sent that cannot be selected is passed over", []*imap.ListData{l("Old", imap.MailboxAttrSent, imap.MailboxAttrNoSelect), l("Sent Messages")}, "Sent Messages"},
	} {
		got, err := pickSent(tc.list)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	_, err := pickSent([]*imap.ListData{l("INBOX"), l("Archief")})
	if err == nil || !strings.Contains(err.Error(), "Archief") || !strings.Contains(err.Error(), `set sent = "NAME"`) {
		t.Errorf("no Sent folder: %v", err)
	}
}
