package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

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
		// A new name each run: the Dovecot stack keeps folders between tests.
		complaints := fmt.Sprintf("Klachten %d", time.Now().UnixNano())
		cfg = strings.Replace(cfg, "  inbox = \"INBOX\"\n", "  inbox = \"INBOX\"\n  complaints_folder = \""+complaints+"\"\n", 1)
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
			"imap marco@mcoo.nl: folder " + complaints + " (does not exist yet: created at start) ok",
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
		for _, f := range []string{"marco@mcoo.nl/Sent", director + "/" + sentName, "marco@mcoo.nl/" + complaints} {
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

// TestE2ESentCopyProbe: `check --probe-sent` finds out which servers file sent mail in
// Sent by sending each director a probe: the Dovecot stack does for Ingrid
// (MAILSTACK_SENT_COPY), not for Marco, who keeps Bcc copies under "auto"
// and fails the check under "server".
func TestE2ESentCopyProbe(t *testing.T) {
	st, why := dovecotStack(t)
	if st == nil || !strings.Contains(" "+st.env["MAILSTACK_SENT_COPY"]+" ", " ingrid@mcoo.nl ") {
		if os.Getenv("KLACHTBOT_REQUIRE_MAILSTACK") != "" {
			t.Fatal("needs the Dovecot stack with MAILSTACK_SENT_COPY=ingrid@mcoo.nl: ", why)
		}
		t.Skip(why)
	}
	for _, mode := range []string{"auto", "server"} {
		path := checkConfig(t, st, func(cfg string) string {
			cfg = strings.ReplaceAll(cfg, "hans@mcoo.nl", "ingrid@mcoo.nl")
			return strings.Replace(cfg, `sent_copy = "bcc"`, `sent_copy = "`+mode+`"`, 1)
		})
		out, _, err := checkRun(t, path, password, "--probe-sent")
		ingrid := checkLines(out, "sent copy ingrid@mcoo.nl: copy of sent mail in Sent (the server files sent mail in \"Sent\") ok")
		marco := checkLines(out, "sent copy marco@mcoo.nl")
		if len(ingrid) != 1 || len(marco) != 1 {
			t.Fatalf("%s: check output:\n%s", mode, out)
		}
		switch mode {
		case "auto":
			if err != nil || !strings.Contains(marco[0], "Bcc copies are used) ok") {
				t.Errorf("auto: %v, %s", err, marco[0])
			}
		case "server":
			if err == nil || !strings.Contains(marco[0], `FAIL`) || !strings.Contains(marco[0], `sent_copy = "bcc"`) {
				t.Errorf("server: %v, %s", err, marco[0])
			}
		}
	}
}
