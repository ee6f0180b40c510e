package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2EFoldersFound: with sent = "auto" (the default) the bot finds each
// director's Sent folder by itself: on Dovecot by its SPECIAL-USE attribute,
// also where it is called "Verzonden items" and a folder named "Sent" is
// something else (the stack's MAILSTACK_SENT_ELSEWHERE user, Petra); on the
// embedded server, which has no SPECIAL-USE, by its name. A complaints
// folder that does not exist is created, and `check` says what it found.
func TestE2EFoldersFound(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		config := st.config(t, t.TempDir(), "")
		raw, err := os.ReadFile(config)
		if err != nil {
			t.Fatal(err)
		}
		cfg := strings.ReplaceAll(string(raw), "  sent = \"Sent\"\n", "")
		cfg = strings.Replace(cfg, "  inbox = \"INBOX\"\n", "  inbox = \"INBOX\"\n  complaints_folder = \"Klachten 2026\"\n", 1)
		director, sentName := "hans@mcoo.nl", "Sent"
		if st.embedded == nil {
			if !strings.Contains(" "+st.env["MAILSTACK_SENT_ELSEWHERE"]+" ", " petra@mcoo.nl ") {
				t.Fatal("the Dovecot stack needs MAILSTACK_SENT_ELSEWHERE=petra@mcoo.nl (.ci/run sets it)")
			}
			director, sentName = "petra@mcoo.nl", "Verzonden items"
			cfg = strings.ReplaceAll(cfg, "hans@mcoo.nl", director)
			cfg = strings.ReplaceAll(cfg, `name = "Hans"`, `name = "Petra"`)
			c := st.dial(t, director)
			c.Create(sentName, nil).Wait() // as Outlook does; already there on a second run
			c.Close()
		}
		if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}

		check := exec.Command(binPath, "check", "--config", config)
		check.Env = append(os.Environ(), "KB_TEST_PASSWORD="+password)
		out, err := check.CombinedOutput()
		for _, want := range []string{
			"imap marco@mcoo.nl: folder Sent (found \"Sent\") ok",
			"imap " + director + ": folder Sent (found \"" + sentName + "\") ok",
			"imap marco@mcoo.nl: folder Klachten 2026 (does not exist yet: created at start) ok",
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("check (%v) lacks %q:\n%s", err, want, out)
			}
		}

		b := startBot(t, config)
		var view status.View
		if err := json.Unmarshal(b.cli("status", "--json"), &view); err != nil {
			t.Fatal(err)
		}
		watched := map[string]bool{}
		for _, w := range view.Watchers {
			watched[w.Folder] = w.Connected
		}
		for _, f := range []string{"marco@mcoo.nl/Sent", director + "/" + sentName, "marco@mcoo.nl/Klachten 2026"} {
			if !watched[f] {
				t.Errorf("%s not watched: %v", f, watched)
			}
		}

		// The director's answer, saved by their mail client in the Sent
		// folder the bot found, joins the case.
		id, complaintID, ack := openCase(t, st, b, "jan@klant.test", director)
		reply, replyID := compose(director, "jan@klant.test", "Re: "+ack.get("Subject"),
			"Beste Jan,\n\nIk bel u morgen over uw aangifte.\n", "In-Reply-To: "+complaintID)
		st.appendTo(t, director, sentName, reply)
		waitCase(t, b, id, func(d dossier.Detail) bool {
			for _, m := range d.Messages {
				if m.MessageID == replyID && m.Role == "director" {
					return true
				}
			}
			return false
		})
	})
}
