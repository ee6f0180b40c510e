package workflow

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// runDue runs the jobs at a local time and returns the slots that ran, by kind.
func runDue(t *testing.T, e *Engine, when string) map[string][]string {
	t.Helper()
	done, err := e.RunDue(at(when))
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string][]string{}
	for _, slot := range done {
		kind, rest, _ := strings.Cut(slot, "/")
		byKind[kind] = append(byKind[kind], rest)
	}
	return byKind
}

func queued(t *testing.T, s Store, kind string) []*outbox.Item {
	var out []*outbox.Item
	_, pending := snapshot(t, s)
	for _, p := range pending {
		if string(p.Kind) == kind {
			out = append(out, p)
		}
	}
	return out
}

func TestDeadlineJobs(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	clock.t = at("2026-11-23 10:00") // a Monday
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	const id = "KL-2026-0001"

	steps := []struct {
		when                          string
		reminder, warning, escalation int
	}{
		{"2026-11-26 23:00", 0, 0, 0}, // 3 working days not yet over
		{"2026-11-27 00:30", 1, 0, 0}, // reminder: no response after 3 working days
		{"2026-11-27 09:00", 0, 0, 0}, // once
		{"2026-12-03 09:59", 0, 0, 0},
		{"2026-12-03 10:00", 0, 1, 0}, // day 10: target - 4 days
		{"2026-12-04 10:00", 0, 0, 0}, // once per case
		{"2026-12-07 10:00", 0, 0, 1}, // day 14: target passed
		{"2026-12-07 16:00", 0, 0, 0}, // not twice on one day
		{"2026-12-08 08:00", 0, 0, 1}, // again the next working day
		{"2026-12-12 10:00", 0, 0, 0}, // Saturday
		{"2026-12-14 10:00", 0, 0, 1}, // Monday
	}
	for _, st := range steps {
		got := runDue(t, e, st.when)
		if len(got["reminder"]) != st.reminder || len(got["warning"]) != st.warning || len(got["escalation"]) != st.escalation {
			t.Errorf("%s: ran %v, want reminder %d warning %d escalation %d", st.when, got, st.reminder, st.warning, st.escalation)
		}
	}
	rem := queued(t, s, "reminder")
	if len(rem) != 1 || rem[0].Mail.To[0] != "marco@mcoo.nl" || !strings.Contains(rem[0].Mail.Text, id) {
		t.Errorf("reminder: %+v", rem)
	}
	esc := queued(t, s, "escalation")
	if len(esc) != 3 || len(esc[0].Mail.To) != 2 {
		t.Errorf("escalations: %d, to %v", len(esc), esc[0].Mail.To)
	}
	warn := queued(t, s, "warning")
	if len(warn) != 1 || !strings.Contains(warn[0].Mail.Subject, "Streefdatum over vier dagen") {
		t.Errorf("warning: %+v", warn[0].Mail.Subject)
	}
	// Every mail a job sent is on the case's audit trail.
	_, kinds, _ := loadCase(t, s, id)
	if n := strings.Count(strings.Join(kinds, " "), string(complaint.EvMailQueued)); n != 5 {
		t.Errorf("%d mail-queued events, want 5: %v", n, kinds)
	}

	// A new target stops the escalation, tells the client, and warns again before it.
	clock.t = at("2026-12-14 11:00")
	deliver(t, e, sent, commandMail(id, "#nieuwe-termijn 2026-12-23 Wachten op stukken van de Belastingdienst"), clock.Now())
	c, _, _ := loadCase(t, s, id)
	if !c.TargetAt.Equal(at("2026-12-23 17:00")) {
		t.Errorf("new target %v", c.TargetAt.In(ams))
	}
	term := queued(t, s, "new-term")
	if len(term) != 1 || term[0].Mail.To[0] != "jan@klant.test" || !strings.Contains(term[0].Mail.Text, "23 december 2026") ||
		!strings.Contains(term[0].Mail.Text, "Wachten op stukken") || term[0].Mail.InReplyTo == "" {
		t.Errorf("client not told of the new term: %+v", term)
	}
	if got := runDue(t, e, "2026-12-15 10:00"); len(got["escalation"]) != 0 {
		t.Errorf("escalated after a new target: %v", got)
	}
	if got := runDue(t, e, "2026-12-19 17:00"); len(got["warning"]) != 1 {
		t.Errorf("no warning before the new target: %v", got)
	}
	// Closed: nothing more.
	deliver(t, e, sent, commandMail(id, "#afgehandeld Opgelost"), clock.Now())
	if got := runDue(t, e, "2026-12-28 10:00"); len(got["escalation"])+len(got["reminder"]) != 0 {
		t.Errorf("jobs ran for a closed case: %v", got)
	}
}

func TestFirstResponseStopsReminder(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	clock.t = at("2026-11-27 17:30") // late on a Friday
	m := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	if got := runDue(t, e, "2026-12-02 23:00"); len(got["reminder"]) != 0 {
		t.Errorf("reminder before Mon, Tue, Wed were over: %v", got)
	}
	deliver(t, e, sent, mail("marco@mcoo.nl", "Re: Klacht", "Ik bel u.", "To: jan@klant.test", "In-Reply-To: "+m.MessageID), clock.Now())
	if got := runDue(t, e, "2026-12-03 09:00"); len(got["reminder"]) != 0 {
		t.Errorf("reminder after the director responded: %v", got)
	}
	_ = s
}

func TestDigestOncePerDay(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngineAt(t, boltStore(t), at("2026-11-23 10:00"))
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())

	// Before 08:00 the last slot was yesterday's: a missed digest is not sent a day late.
	if got := runDue(t, e, "2026-11-24 07:59"); len(got["digest"]) != 0 {
		t.Errorf("before 08:00: %v", got)
	}
	if got := runDue(t, e, "2026-11-24 08:00"); len(got["digest"]) != 2 {
		t.Errorf("08:00: %v, want a digest to each director", got)
	}
	if got := runDue(t, e, "2026-11-24 08:15"); len(got["digest"]) != 0 {
		t.Errorf("a second digest the same day: %v", got)
	}
	// The service was down at 08:00 on the 25th: the start at 11:00 sends that day's digest, once.
	if got := runDue(t, e, "2026-11-25 11:00"); len(got["digest"]) != 2 {
		t.Errorf("catch-up at 11:00: %v", got)
	}
	if got := runDue(t, e, "2026-11-25 11:01"); len(got["digest"]) != 0 {
		t.Errorf("catch-up ran twice: %v", got)
	}
	if got := runDue(t, e, "2026-11-28 09:00"); len(got["digest"]) != 0 {
		t.Errorf("digest on a Saturday: %v", got)
	}
	digests := queued(t, s, "digest")
	d := digests[len(digests)-1]
	if !strings.Contains(d.Mail.Subject, "overzicht") || !strings.Contains(d.Mail.Text, "KL-2026-0001") || d.Mail.HTML == "" {
		t.Errorf("digest: %s\n%s", d.Mail.Subject, d.Mail.Text)
	}
	// Confidentiality: no message bodies in the digest.
	if strings.Contains(d.Mail.Text+d.Mail.HTML, "Ik heb een klacht") {
		t.Error("the digest contains a message body")
	}
}

// TestDigestFirstStart: a new database does not catch up the digest that fell
// due before it existed, whatever the hour or day of its first start; a
// database that existed at the slot and missed it catches up.
func TestDigestFirstStart(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, firstStart, run string
		want                  int
	}{
		{"Monday 09:30, first start at 09:30", "2026-12-07 09:30", "2026-12-07 09:30", 0},
		{"Monday 23:59, first start at 08:24", "2026-12-07 08:24", "2026-12-07 23:59", 0},
		{"first start at 07:59, run at 08:00", "2026-12-07 07:59", "2026-12-07 08:00", 2},
		{"first start at 07:00, down at 08:00, start at 11:00", "2026-12-07 07:00", "2026-12-07 11:00", 2},
		{"first start on Sunday, start on Monday 09:30", "2026-12-06 12:00", "2026-12-07 09:30", 2},
		{"first start on Saturday", "2026-12-05 10:00", "2026-12-05 10:00", 0},
		{"first start at 23:59 on 31 December", "2026-12-31 23:59", "2026-12-31 23:59", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, _, _ := newTestEngineAt(t, boltStore(t), at(tt.firstStart))
			if got := runDue(t, e, tt.run); len(got["digest"]) != tt.want {
				t.Errorf("digests at %s after a first start at %s: %v, want %d", tt.run, tt.firstStart, got["digest"], tt.want)
			}
		})
	}
}

// TestDigestHTML renders the digest for a fixture store to a file (to look
// at) and checks its structure.
func TestDigestHTML(t *testing.T) {
	t.Parallel()
	e, _, clock := newTestEngine(t)
	var cases []*complaint.Case
	mk := func(id string, state complaint.State, received, subject string) *complaint.Case {
		c := &complaint.Case{ID: id, State: state, Client: strings.ToLower(id) + "@klant.test", Director: "marco@mcoo.nl",
			Subject: subject, ReceivedAt: at(received).UTC()}
		cases = append(cases, c)
		return c
	}
	mk("KL-2026-0001", complaint.StateOpen, "2026-11-02 10:00", "Te late aangifte").ClientName = "Jan Jansen" // overdue
	mk("KL-2026-0002", complaint.StateOpen, "2026-11-20 10:00", "Factuur <b>onjuist</b> & te hoog")           // 10 days left, escaped
	mk("KL-2026-0003", complaint.StateWaiting, "2026-11-18 10:00", "Jaarrekening")                            // waiting
	closed := mk("KL-2026-0004", complaint.StateClosed, "2026-11-10 10:00", "Bereikbaarheid")
	closedAt := at("2026-11-23 15:00").UTC()
	closed.ClosedAt = &closedAt
	mk("KL-2026-0005", complaint.StateOpen, "2026-11-23 16:00", "Nieuwe klacht").Consent = &complaint.Consent{Given: true}
	clock.t = at("2026-11-24 08:00")
	data := e.jobs.DigestFor("Marco", cases, at("2026-11-23 08:00"), clock.Now())
	html, err := templates.DigestHTML(data)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "digest.html")
	if dir := os.Getenv("KLACHTBOT_TEST_OUT"); dir != "" {
		out = filepath.Join(dir, "digest.html")
	}
	os.WriteFile(out, []byte(html), 0o644)
	t.Logf("digest written to %s", out)

	section := func(id string) string {
		i := strings.Index(html, `<h2 id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no section %s", id)
		}
		rest := html[i+1:]
		if j := strings.Index(rest, "<h2"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	rows := regexp.MustCompile(`<tr class="[a-z]*"[^>]*><td class="id"[^>]*>(KL-[0-9-]+)</td>`)
	ids := func(sec string) string {
		var out []string
		for _, m := range rows.FindAllStringSubmatch(section(sec), -1) {
			out = append(out, m[1])
		}
		return strings.Join(out, " ")
	}
	for sec, want := range map[string]string{
		"new":     "KL-2026-0005",
		"open":    "KL-2026-0001 KL-2026-0002 KL-2026-0005", // overdue first, then by days left
		"waiting": "KL-2026-0003",
		"consent": "KL-2026-0001 KL-2026-0003 KL-2026-0002", // most urgent first
		"closed":  "KL-2026-0004",
	} {
		if got := ids(sec); got != want {
			t.Errorf("section %s rows %q, want %q", sec, got, want)
		}
	}
	if !regexp.MustCompile(`<tr class="overdue" bgcolor="#fde2e2"><td class="id"[^>]*>KL-2026-0001</td>`).MatchString(section("open")) {
		t.Error("overdue case not marked")
	}
	if strings.Count(html, `class="overdue"`) != 2 { // in "open" and in "consent"
		t.Errorf("overdue marked %d times, want 2", strings.Count(html, `class="overdue"`))
	}
	if !regexp.MustCompile(`<tr class=""><td class="id"[^>]*>KL-2026-0004</td>`).MatchString(section("closed")) {
		t.Error("a closed case is highlighted")
	}
	if strings.Contains(html, "<b>onjuist</b>") || !strings.Contains(html, "Factuur &lt;b&gt;onjuist&lt;/b&gt; &amp; te hoog") {
		t.Error("subject not escaped")
	}
	// Names, not addresses; one-click commands to the bot address for each case.
	if !strings.Contains(section("open"), "<b>Jan Jansen</b>") || strings.Contains(html, "marco@mcoo.nl") {
		t.Error("the digest names people by their address")
	}
	for _, cmd := range []string{"%23afgehandeld%20", "%23wacht-op-klant", "%23nieuwe-termijn%20"} {
		if want := "mailto:klachten@mcoo.nl?subject=%5BKL-2026-0002%5D&amp;body=" + cmd; !strings.Contains(section("open"), want) {
			t.Errorf("no one-click command %s in the open section (want %s)", cmd, want)
		}
	}
}

// A reminder and an escalation arrive threaded under their case: a reply to
// the client's mail, with the case number in the subject, so the director's
// mail client shows one conversation per case.
func TestNoticesThreadUnderTheirCase(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	clock.t = at("2026-11-23 10:00")
	m := deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Klacht", plainComplaint), clock.Now())
	runDue(t, e, "2026-11-27 00:30")
	runDue(t, e, "2026-12-07 10:00")
	for _, kind := range []string{"reminder", "escalation"} {
		items := queued(t, s, kind)
		if len(items) != 1 {
			t.Fatalf("%d %s notices, want 1", len(items), kind)
		}
		got := items[0].Mail
		if got.InReplyTo != m.MessageID || len(got.References) == 0 || got.References[0] != m.MessageID || !strings.Contains(got.Subject, "[KL-2026-0001]") {
			t.Errorf("%s not threaded under the case: In-Reply-To %q, References %v, subject %q", kind, got.InReplyTo, got.References, got.Subject)
		}
		// Written as the firm writes: names, dates and counts in words.
		for _, bad := range []string{"dag(en)", "marco@mcoo.nl", "jan@klant.test", "Behandelend"} {
			if strings.Contains(got.Text, bad) {
				t.Errorf("%s says %q:\n%s", kind, bad, got.Text)
			}
		}
	}
	if esc := queued(t, s, "escalation")[0].Mail.Text; !strings.Contains(esc, "De streefdatum van deze klacht was maandag 7 december 2026 (vandaag)") || !strings.Contains(esc, "Marco behandelt deze klacht. De klacht staat nog open.") {
		t.Errorf("escalation:\n%s", esc)
	}
}

// The acknowledgement promises a date the firm can keep: a complaint
// received on a Sunday names the Friday before the Sunday two weeks later,
// and one received before Christmas skips the holidays.
func TestAckNamesAWorkingDay(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ received, want string }{
		{"2026-11-29 11:00", "uiterlijk op vrijdag 11 december 2026"},
		{"2026-12-11 11:00", "uiterlijk op donderdag 24 december 2026"}, // 25 December: Eerste Kerstdag
	} {
		e, s, clock := newTestEngine(t)
		clock.t = at(tt.received)
		deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
		acks := queued(t, s, "ack")
		if len(acks) != 1 || !strings.Contains(acks[0].Mail.Text, tt.want) {
			t.Errorf("received %s: acknowledgement lacks %q: %+v", tt.received, tt.want, acks)
		}
	}
}

// A new term a director sets on a Saturday is promised to the client as the
// last working day before it.
func TestNewTermOnAWorkingDay(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngineAt(t, boltStore(t), at("2026-11-23 10:00"))
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	clock.t = at("2026-12-01 10:00")
	deliver(t, e, sent, commandMail("KL-2026-0001", "#nieuwe-termijn 26-12-2026 Wachten op stukken"), clock.Now())
	c, _, _ := loadCase(t, s, "KL-2026-0001")
	if !c.TargetAt.Equal(at("2026-12-24 17:00")) {
		t.Errorf("target %v, want Thursday 24 December (26 December is a Saturday and Tweede Kerstdag, 25 December Eerste Kerstdag)", c.TargetAt.In(ams))
	}
	if term := queued(t, s, "new-term"); len(term) != 1 || !strings.Contains(term[0].Mail.Text, "uiterlijk op donderdag 24 december 2026") {
		t.Errorf("client not told the working day: %+v", term)
	}
}
