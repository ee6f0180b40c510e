package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/cmd/internal/config"
	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// mailsWith counts the mails in a folder whose subject contains s.
func mailsWith(l []*parsedMail, s string) []*parsedMail {
	var out []*parsedMail
	for _, m := range l {
		if subject, _ := m.header.Subject(); strings.Contains(subject, s) { // decoded: "cliënt" is an encoded word
			out = append(out, m)
		}
	}
	return out
}

// TestE2EJobs travels in time with tick --now, beside the running service.
func TestE2EJobs(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		path := st.config(t, t.TempDir(), "")
		b := startBot(t, path)
		id, complaintID, _ := openCase(t, st, b, "jan@klant.test", "marco@mcoo.nl")
		c := b.cases()[0]
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		cal := calendar.New(cfg.Workflow().Settings)
		d := cal.Deadlines(&complaint.Case{ReceivedAt: c.ReceivedAt, TargetAt: c.TargetAt})
		loc := cfg.Loc

		tick := func(at time.Time) string {
			t.Helper()
			return string(b.cli("tick", "--now", at.Format(time.RFC3339)))
		}
		// count waits until folder has n mails whose subject contains s, then
		// gives a little time for an unexpected extra one.
		count := func(user, s string, n int) {
			t.Helper()
			st.waitFor(t, user, "INBOX", hangGuard, fmt.Sprintf("%d× %q", n, s), func(l []*parsedMail) bool { return len(mailsWith(l, s)) >= n })
			time.Sleep(300 * time.Millisecond)
			if got := len(mailsWith(st.waitFor(t, user, "INBOX", time.Second, "", func([]*parsedMail) bool { return true }), s)); got != n {
				t.Errorf("%s has %d× %q, want %d", user, got, s, n)
			}
		}

		// Reminder: no director response after 3 working days.
		tick(d.FirstResponseDue.Add(-time.Minute))
		tick(d.FirstResponseDue.Add(time.Minute))
		tick(d.FirstResponseDue.Add(2 * time.Hour))
		count("marco@mcoo.nl", "Herinnering", 1)

		// Warning at target - 4 days (day 10), once.
		tick(d.Warn.Add(time.Minute))
		tick(d.Warn.Add(time.Hour))
		count("marco@mcoo.nl", "Streefdatum over", 1) // "over vier dagen", or three when the warning tick passes midnight

		// Escalation to both directors after the target, again the next working day, never twice a day.
		day := d.Target.Add(time.Minute)
		for !cal.IsWorkday(day) {
			day = day.AddDate(0, 0, 1)
		}
		tick(day)
		tick(day.Add(time.Hour))
		next := day.AddDate(0, 0, 1)
		for !cal.IsWorkday(next) {
			next = next.AddDate(0, 0, 1)
		}
		tick(next)
		for _, dir := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
			count(dir, "Streefdatum verstreken", 2)
		}
		// Threaded under their case: a reply to the client's complaint, the
		// case number in the subject; and no mail library advertised.
		marco := st.messages2(t, "marco@mcoo.nl")
		for _, subject := range []string{"Herinnering", "Streefdatum verstreken"} {
			for _, n := range mailsWith(marco, subject) {
				if n.get("In-Reply-To") != complaintID || !strings.Contains(n.get("References"), complaintID) || !strings.Contains(n.get("Subject"), id) {
					t.Errorf("%q not threaded under %s: In-Reply-To %q, References %q", n.get("Subject"), id, n.get("In-Reply-To"), n.get("References"))
				}
				if ua := n.get("User-Agent") + n.get("X-Mailer"); ua != "" {
					t.Errorf("%q advertises %q", n.get("Subject"), ua)
				}
			}
		}

		// Every tick after 08:00 on a working day sent that day's digest, once.
		digestsSoFar := len(mailsWith(st.messages2(t, "hans@mcoo.nl"), "overzicht"))
		// Digest at 08:00 the next working day: once per director, the case marked overdue.
		y, m, dd := next.In(loc).AddDate(0, 0, 1).Date()
		eight := time.Date(y, m, dd, 8, 0, 0, 0, loc)
		for !cal.IsWorkday(eight) {
			eight = eight.AddDate(0, 0, 1)
		}
		tick(eight.Add(-time.Minute))
		tick(eight)
		tick(eight.Add(30 * time.Minute))
		for _, dir := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
			count(dir, "overzicht", digestsSoFar+1)
		}
		digests := mailsWith(st.messages2(t, "hans@mcoo.nl"), "overzicht")
		if body := digests[len(digests)-1].body; !strings.Contains(body, id) || !strings.Contains(body, "te laat") || !strings.Contains(body, `class="overdue"`) {
			t.Errorf("digest does not list the case as overdue:\n%s", body)
		}

		// The service is down at 08:00 the next working day and started at 11:00:
		// that day's digest goes out once.
		b.stop()
		day2 := eight.AddDate(0, 0, 1)
		for !cal.IsWorkday(day2) {
			day2 = day2.AddDate(0, 0, 1)
		}
		out := tick(day2.Add(3 * time.Hour)) // no service: tick works on the database itself
		if !strings.Contains(out, "digest/") {
			t.Errorf("catch-up tick ran %s", out)
		}
		tick(day2.Add(3*time.Hour + time.Minute))
		for _, dir := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
			count(dir, "overzicht", digestsSoFar+2)
		}
		b.start()
		// Every mail a job sent is on the case's audit trail.
		var queued int
		for _, e := range b.show(id).Events {
			if e.Kind == "mail-queued" {
				queued++
			}
		}
		inbox := st.messages2(t, "marco@mcoo.nl")
		sent := len(mailsWith(inbox, "Herinnering")) + len(mailsWith(inbox, "Streefdatum over")) + len(mailsWith(inbox, "Streefdatum verstreken"))
		if queued != sent || sent < 4 {
			t.Errorf("%d job mails on the audit trail, %d received", queued, sent)
		}
	})
}

// messages2 parses every mail of a user's INBOX.
func (st *mailStack) messages2(t *testing.T, user string) []*parsedMail {
	var out []*parsedMail
	for _, raw := range st.messages(t, user, "INBOX") {
		out = append(out, parseMail(t, raw))
	}
	return out
}

// TestE2EFirstStartDigest: a new database started at 09:30 on a working day
// sends no digest that day (the 08:00 run fell before it existed); the
// same database, down at 08:00 the next working day and started at 11:00,
// catches that day's digest up, once.
func TestE2EFirstStartDigest(t *testing.T) {
	st := embeddedStack(t)
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	path := st.config(t, t.TempDir(), "")
	runAt := func(at time.Time) *bot {
		t.Helper()
		// This test's own clock, instead of the run's (setBotClock).
		t.Setenv("KLACHTBOT_TEST_CLOCK_OFFSET", time.Until(at).String())
		return startBot(t, path)
	}
	b := runAt(time.Date(2026, 12, 7, 9, 30, 0, 0, ams)) // a Monday
	b.waitLog("klachtbot running")                       // logged after the jobs due at start ran
	var res tickResult
	if err := json.Unmarshal(b.cli("tick", "--json"), &res); err != nil {
		t.Fatal(err)
	}
	if ran := append(b.logLines("jobs ran"), res.Ran...); len(ran) > 0 {
		t.Errorf("the first start at 09:30 ran %v", ran)
	}
	for _, who := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
		if n := len(mailsWith(st.messages2(t, who), "Dagelijks overzicht")); n > 0 {
			t.Errorf("%s got %d digest(s) on the first start", who, n)
		}
	}
	b.stop()

	b = runAt(time.Date(2026, 12, 8, 11, 0, 0, 0, ams))
	for _, who := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
		st.waitFor(t, who, "INBOX", hangGuard, "the digest caught up", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Dagelijks overzicht")) > 0
		})
	}
	b.cli("tick") // sends what it queues before it returns
	for _, who := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
		if n := len(mailsWith(st.messages2(t, who), "Dagelijks overzicht")); n != 1 {
			t.Errorf("%s got %d digests on 8 December, want 1", who, n)
		}
	}
}

// TestE2EScheduleSettings: [schedule] digest and deadlines set when the
// service runs those jobs (status shows the next run of each).
func TestE2EScheduleSettings(t *testing.T) {
	st := embeddedStack(t)
	b := startBot(t, st.config(t, t.TempDir(), "[schedule]\ndigest = \"30 7 * * 1-5\"\ndeadlines = \"15 */2 * * *\"\n"))
	var s status.View
	if err := json.Unmarshal(b.cli("status", "--json"), &s); err != nil {
		t.Fatal(err)
	}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	next := map[string]time.Time{}
	for _, j := range s.NextJobs {
		next[j.Job] = j.Next.In(ams)
	}
	if d := next["digest"]; d.Hour() != 7 || d.Minute() != 30 || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		t.Errorf("next digest at %v, want 07:30 on a working day", d)
	}
	if d := next["deadlines"]; d.Minute() != 15 || d.Hour()%2 != 0 {
		t.Errorf("next deadline check at %v, want a quarter past an even hour", d)
	}
}
