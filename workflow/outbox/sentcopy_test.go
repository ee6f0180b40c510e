package outbox_test

import (
	"testing"

	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Which copy proves a send, per sent_copy, before and after the server's
// own copy of the bot's mail has been seen for an account.
func TestSentCopy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode                 outbox.SentCopy
		valid                bool
		unseen, seen, learns bool
	}{
		{"bcc", true, false, false, false},
		{"server", true, true, true, false},
		{"auto", true, false, true, true},
		{"", false, false, false, false},
		{"Bcc", false, false, false, false},
	} {
		if got := tt.mode.Valid(); got != tt.valid {
			t.Errorf("%q.Valid() = %v", tt.mode, got)
		}
		if got := tt.mode.ServerProves(false); got != tt.unseen {
			t.Errorf("%q.ServerProves(not seen) = %v", tt.mode, got)
		}
		if got := tt.mode.ServerProves(true); got != tt.seen {
			t.Errorf("%q.ServerProves(seen) = %v", tt.mode, got)
		}
		if got := tt.mode.Learns(); got != tt.learns {
			t.Errorf("%q.Learns() = %v", tt.mode, got)
		}
	}
	// The strings config.example.toml and workflow.Defaults use.
	if outbox.SentCopyBcc != "bcc" || outbox.SentCopyServer != "server" || outbox.SentCopyAuto != "auto" {
		t.Error("sent_copy values changed: existing configurations would not read")
	}
}
