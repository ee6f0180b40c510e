package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// hangGuard is how long a test waits for an event before it gives up: long
// enough for a loaded machine, never what a passing run waits.
const hangGuard = 2 * time.Minute

func hasAck(id string) func([]*parsedMail) bool {
	return func(l []*parsedMail) bool { return len(acksFor(l, id)) > 0 }
}

func TestE2EComplaintAcknowledged(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		sent := time.Now()
		raw, id := compose(`"Jan Jansen" <jan@klant.test>`, "marco@mcoo.nl", "Klacht over mijn aangifte",
			"Geachte heer,\n\nIk ben zeer ontevreden: jullie hebben mijn aangifte te laat ingediend en nu heb ik een boete gekregen.\n\nJan")
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, raw)

		got := st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement", hasAck(id))
		ack := acksFor(got, id)[0]
		t.Logf("acknowledgement arrived %v after delivery", time.Since(sent).Round(time.Millisecond))

		cases := b.cases()
		if len(cases) != 1 {
			t.Fatalf("cases = %+v, want one", cases)
		}
		c := cases[0]
		if !strings.HasPrefix(c.ID, fmt.Sprintf("KL-%d-", c.ReceivedAt.Year())) || c.State != "open" ||
			c.Client != "jan@klant.test" || c.Director != "marco@mcoo.nl" || c.Subject != "Klacht over mijn aangifte" {
			t.Errorf("case = %+v", c)
		}
		// 14 days after the receipt, on the last working day on or before it.
		if want := calendar.New(workflow.Defaults().Settings).Target(c.ReceivedAt); !c.TargetAt.Equal(want) {
			t.Errorf("target %v is not 14 days after received %v (on a working day: %v)", c.TargetAt, c.ReceivedAt, want)
		}
		if c.AcknowledgedAt == nil {
			t.Error("acknowledged_at not set after the acknowledgement was sent")
		}

		checks := map[string]string{
			"From":                     "marco@mcoo.nl",
			"To":                       "jan@klant.test",
			"Auto-Submitted":           "auto-replied",
			"X-Auto-Response-Suppress": "All",
			"Subject":                  "[" + c.ID + "]",
			"References":               id,
		}
		for h, want := range checks {
			if v := ack.get(h); !strings.Contains(v, want) {
				t.Errorf("acknowledgement %s: %q, want it to contain %q", h, v, want)
			}
		}
		ams, _ := time.LoadLocation("Europe/Amsterdam")
		for _, want := range []string{c.ID, templates.DateNL(c.TargetAt.In(ams)), "Beste Jan Jansen", "akkoord"} {
			if !strings.Contains(ack.body, want) {
				t.Errorf("acknowledgement body lacks %q:\n%s", want, ack.body)
			}
		}

		// The acknowledgement is on the case as it was sent.
		d := b.show(c.ID)
		if len(d.Messages) != 2 || d.Messages[0].MessageID != id || d.Messages[0].Role != "client" ||
			d.Messages[1].MessageID != ack.get("Message-Id") || d.Messages[1].Role != "bot" {
			t.Errorf("messages = %+v", d.Messages)
		}
		var kinds []string
		for _, e := range d.Events {
			kinds = append(kinds, string(e.Kind))
		}
		if want := []string{"received", "ack-queued", "mail-sent"}; !slices.Equal(kinds, want) {
			t.Errorf("events = %v, want %v", kinds, want)
		}

		// A follow-up in the thread joins the case and gets no second acknowledgement.
		reply, replyID := compose("jan@klant.test", "marco@mcoo.nl", "Re: "+ack.get("Subject"),
			"Aanvulling: het ging om de aangifte over 2025.", "In-Reply-To: "+ack.get("Message-Id"),
			"References: "+id+" "+ack.get("Message-Id"))
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, reply)
		waitCase(t, b, c.ID, func(d dossier.Detail) bool { return len(d.Messages) == 3 })
		d = b.show(c.ID)
		if d.Messages[2].MessageID != replyID || d.Messages[2].Role != "client" {
			t.Errorf("follow-up recorded as %+v", d.Messages[2])
		}
		time.Sleep(time.Second)
		if n := len(st.messages(t, catchall, "INBOX")); n != 1 {
			t.Errorf("client has %d mails after the follow-up, want only the one acknowledgement", n)
		}
		if len(b.cases()) != 1 {
			t.Error("follow-up opened a new case")
		}
	})
}

func waitCase(t *testing.T, b *bot, id string, cond func(dossier.Detail) bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond(b.show(id)) {
		if time.Now().After(deadline) {
			t.Fatalf("case %s did not reach the expected state: %+v", id, b.show(id))
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func TestE2EEnglishComplaint(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		startBot(t, st.config(t, t.TempDir(), ""))
		raw, id := compose("Ann Smith <ann@klant.test>", "hans@mcoo.nl", "Complaint about my tax return",
			"Dear Hans,\n\nI am not happy with your firm: you filed my tax return too late and I have received a fine. I expect you to pay it.\n\nAnn")
		st.send(t, "ann@klant.test", []string{"hans@mcoo.nl"}, raw)
		ack := acksFor(st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement", hasAck(id)), id)[0]
		if !strings.Contains(ack.get("From"), "hans@mcoo.nl") {
			t.Errorf("acknowledgement from %q, want the director written to", ack.get("From"))
		}
		for _, want := range []string{"Dear Ann Smith", "We aim to resolve your complaint by", "Beste Ann Smith"} {
			if !strings.Contains(ack.body, want) {
				t.Errorf("English acknowledgement lacks %q:\n%s", want, ack.body)
			}
		}
	})
}

// TestE2ENoAcknowledgement: automatic mail never gets an automatic answer, and
// mail that is not a complaint opens no case. A last, real complaint shows the
// bot had read everything before.
func TestE2ENoAcknowledgement(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		type mail struct {
			name, from, envFrom, subject string
			headers                      []string
		}
		mails := []mail{
			{"out-of-office", "piet@klant.test", "piet@klant.test", "Automatisch antwoord: klacht", []string{"Auto-Submitted: auto-replied"}},
			{"exchange out-of-office", "kees@klant.test", "kees@klant.test", "Afwezig: uw klacht", []string{"X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: kees@klant.test"}},
			{"bounce", "MAILER-DAEMON@klant.test", "", "Undelivered Mail Returned to Sender (klacht)", nil},
			{"list", "nieuws@lijst.test", "nieuws@lijst.test", "Nieuwsbrief: klachtenregeling in de praktijk", []string{"List-Id: <nieuws.lijst.test>", "List-Unsubscribe: <mailto:uit@lijst.test>", "Precedence: list"}},
			{"no-reply", "noreply@bank.test", "noreply@bank.test", "Uw klacht is ontvangen", nil},
			{"ordinary", "lisa@klant.test", "lisa@klant.test", "Vraag over mijn factuur", nil},
		}
		for _, m := range mails {
			raw, _ := compose(m.from, "marco@mcoo.nl", m.subject, "Dit bericht gaat over een klacht.", m.headers...)
			if m.name == "no-reply" {
				raw, _ = compose(m.from, "marco@mcoo.nl", m.subject, plainComplaint)
			}
			if m.name == "ordinary" {
				raw, _ = compose(m.from, "marco@mcoo.nl", m.subject, "Kunt u mij de factuur van oktober nog eens sturen?")
			}
			st.send(t, m.envFrom, []string{"marco@mcoo.nl"}, raw)
		}
		raw, id := compose("sanne@klant.test", "marco@mcoo.nl", "Klacht", plainComplaint)
		st.send(t, "sanne@klant.test", []string{"marco@mcoo.nl"}, raw)
		got := st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement of the last complaint", hasAck(id))
		if len(got) != 1 {
			for _, g := range got {
				t.Errorf("unexpected mail to a client: To %s, Subject %s", g.get("To"), g.get("Subject"))
			}
		}
		cases := b.cases()
		if len(cases) != 2 {
			t.Errorf("cases = %+v; want the no-reply complaint (stored, not acknowledged) and the last one", cases)
		}
		for _, c := range cases {
			if c.Client == "noreply@bank.test" {
				d := b.show(c.ID)
				if e := d.Events[len(d.Events)-1]; e.Kind != "ack-suppressed" || !strings.Contains(e.Detail.String(), "no-reply") {
					t.Errorf("no-reply case events: %+v", d.Events)
				}
			}
		}
	})
}

func TestE2EBothDirectorsOneCase(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		raw, id := compose("joost@klant.test", "marco@mcoo.nl, hans@mcoo.nl", "Klacht over de jaarrekening",
			plainComplaint)
		st.send(t, "joost@klant.test", []string{"marco@mcoo.nl", "hans@mcoo.nl"}, raw)
		st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement", hasAck(id))
		// Both mailboxes got their copy; give the second watcher time to read it.
		for _, u := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
			st.waitFor(t, u, "INBOX", hangGuard, "the complaint", func(l []*parsedMail) bool {
				for _, m := range l {
					if m.get("Message-Id") == id {
						return true
					}
				}
				return false
			})
		}
		time.Sleep(2 * time.Second)
		if got := st.messages(t, catchall, "INBOX"); len(got) != 1 {
			t.Errorf("client got %d mails, want one acknowledgement", len(got))
		}
		if cases := b.cases(); len(cases) != 1 {
			t.Errorf("cases = %+v, want one", cases)
		}
	})
}

// TestE2EDirectorReplyInSent: a director's answer, saved in Sent by their
// mail client, is recorded as the first response.
func TestE2EDirectorReplyInSent(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		raw, id := compose("eva@klant.test", "hans@mcoo.nl", "Klacht", plainComplaint)
		st.send(t, "eva@klant.test", []string{"hans@mcoo.nl"}, raw)
		st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement", hasAck(id))
		c := b.cases()[0]
		answer, answerID := compose("Hans <hans@mcoo.nl>", "eva@klant.test", "Re: Klacht",
			"Beste Eva, dank voor uw bericht. Ik bel u morgen.", "In-Reply-To: "+id, "References: "+id)
		st.appendTo(t, "hans@mcoo.nl", "Sent", answer)
		waitCase(t, b, c.ID, func(d dossier.Detail) bool { return d.FirstResponseAt != nil })
		d := b.show(c.ID)
		msgs := correspondence(d)
		last := msgs[len(msgs)-1]
		if last.MessageID != answerID || last.Role != "director" {
			t.Errorf("director reply recorded as %+v", last)
		}
	})
}

// TestE2ECrashDuringBurst: kill -9 while 30 complaints come in; after a
// restart every one is acknowledged, and none twice. What proves that an
// interrupted mail went out is, with sent_copy = "bcc", the director's Bcc
// copy in their INBOX; with "server", the copy the mail server files in
// their Sent folder (the Dovecot stack does that for Ingrid, as Microsoft
// 365 and Gmail do for everyone); with "auto", the Bcc until the first such
// server copy has been seen.
func TestE2ECrashDuringBurst(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		t.Run("bcc", func(t *testing.T) { crashBurst(t, st, "marco@mcoo.nl", "bcc") })
		if st.embedded != nil {
			return // the embedded server files no copies of sent mail
		}
		if !strings.Contains(" "+st.env["MAILSTACK_SENT_COPY"]+" ", " ingrid@mcoo.nl ") {
			t.Fatal("the Dovecot stack needs MAILSTACK_SENT_COPY=ingrid@mcoo.nl (.ci/run sets it)")
		}
		t.Run("server", func(t *testing.T) { crashBurst(t, st, "ingrid@mcoo.nl", "server") })
		t.Run("auto", func(t *testing.T) { crashBurst(t, st, "ingrid@mcoo.nl", "auto") })
	})
}

func crashBurst(t *testing.T, st *mailStack, director, sentCopy string) {
	if st.embedded == nil {
		st.reset(t)
	}
	// 30 acknowledgements in a minute: above the default max_acks_per_hour.
	config := st.config(t, t.TempDir(), "[procedure]\nmax_acks_per_hour = 0\n")
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(raw), "sent_copy = \"bcc\"\n", "sent_copy = \""+sentCopy+"\"\n", 1)
	if director == "ingrid@mcoo.nl" {
		cfg = strings.ReplaceAll(cfg, "hans@mcoo.nl", director)
	}
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	b := startBot(t, config)
	learnt := 0
	if sentCopy == "auto" {
		// The first acknowledgement goes with a Bcc; once the server's copy of
		// it has been read in Sent, no more Bcc copies.
		openCase(t, st, b, "eerste@klant.test", director)
		deadline := time.Now().Add(hangGuard)
		for len(b.logLines("the mail server files sent mail in Sent")) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the server's copy in Sent was not noticed")
			}
			time.Sleep(50 * time.Millisecond)
		}
		learnt = 1
	}
	const n = 30
	ids := make([]string, n)
	raws := make([][]byte, n)
	for i := range n {
		raws[i], ids[i] = compose(fmt.Sprintf("klant%02d@klant.test", i), director, fmt.Sprintf("Klacht nummer %d", i), plainComplaint)
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range n {
			st.send(t, fmt.Sprintf("klant%02d@klant.test", i), []string{director}, raws[i])
			time.Sleep(10 * time.Millisecond) // a burst, not one instant
		}
	}()
	// Crash at a random moment in the middle of the work: after the k-th
	// acknowledgement has arrived, with mail still coming in and going out.
	k := 1 + rand.IntN(n/2)
	st.waitFor(t, catchall, "INBOX", hangGuard, fmt.Sprintf("%d acknowledgements", k), func(l []*parsedMail) bool { return len(l) >= learnt+k })
	b.kill()
	killedAt := len(st.messages(t, catchall, "INBOX"))
	<-sent
	t.Logf("killed after acknowledgement %d; %d of %d delivered at the kill", k, killedAt, n)
	b.start()
	st.waitFor(t, catchall, "INBOX", hangGuard, "all acknowledgements", func(l []*parsedMail) bool {
		for _, id := range ids {
			if len(acksFor(l, id)) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(time.Second) // anything doubled would have arrived by now
	got := st.waitFor(t, catchall, "INBOX", time.Second, "", func([]*parsedMail) bool { return true })
	for _, id := range ids {
		if k := len(acksFor(got, id)); k != 1 {
			t.Errorf("complaint %s acknowledged %d times", id, k)
		}
	}
	if cases := b.cases(); len(cases) != learnt+n {
		t.Errorf("%d cases, want %d", len(cases), n)
	}
	// The director's INBOX: the complaints, and the Bcc copies of their acknowledgements.
	copies := 0
	for _, m := range st.messages(t, director, "INBOX") {
		if strings.Contains(string(m), "X-Klachtbot-Case:") {
			copies++
		}
	}
	switch {
	case sentCopy == "bcc" && copies != n:
		t.Errorf("%d Bcc copies in the director's INBOX, want %d", copies, n)
	case sentCopy == "server" && copies != 0:
		t.Errorf("%d Bcc copies in the director's INBOX, want none: the server's copies in Sent are the proof", copies)
	case sentCopy == "auto" && copies != 1:
		t.Errorf("%d Bcc copies in the director's INBOX, want 1: the first, before the server's copy in Sent was seen", copies)
	}
	t.Logf("after the restart: %d interrupted mail(s) confirmed by their copy, %d resent; %d run(s) of mails over one connection; %d Bcc copies",
		len(b.logLines("confirmed sent by its copy")), len(b.logLines("resending mail")), len(b.logLines("mails sent over one connection")), copies)
}

// TestE2ETLSVerified: without the test CA, the bot refuses Dovecot's
// self-signed certificate instead of talking to it.
func TestE2ETLSVerified(t *testing.T) {
	st, why := dovecotStack(t)
	if st == nil {
		t.Skip(why)
	}
	dir := t.TempDir()
	path := st.config(t, dir, "")
	cfg, _ := os.ReadFile(path)
	var kept []string
	for _, line := range strings.Split(string(cfg), "\n") {
		if !strings.Contains(line, "ca_file") {
			kept = append(kept, line)
		}
	}
	os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o600)

	cmd := exec.Command(binPath, "run", "--config", path)
	cmd.Env = append(os.Environ(), "KB_TEST_PASSWORD="+password)
	log := &syncBuffer{}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	deadline := time.Now().Add(hangGuard)
	for {
		var s status.View
		// status exits 1 while alerting, with the status on stdout all the same.
		out, _ := exec.Command(binPath, "status", "--json", "--config", path).Output()
		if json.Unmarshal(out, &s) == nil && len(s.Watchers) > 0 {
			refused := 0
			for _, w := range s.Watchers {
				if w.Connected {
					t.Fatalf("watcher %s connected to a server with an untrusted certificate", w.Folder)
				}
				if strings.Contains(w.LastError, "certificate") {
					refused++
				}
			}
			if refused == len(s.Watchers) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no certificate error reported:\n%s", logTail(log.String()))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// correspondence is a case's mail without what the bot sent.
func correspondence(d dossier.Detail) []dossier.MessageView {
	var msgs []dossier.MessageView
	for _, m := range d.Messages {
		if m.Role != "bot" {
			msgs = append(msgs, m)
		}
	}
	return msgs
}
