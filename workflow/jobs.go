package workflow

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Jobs watch the procedure's promises. Every job is a function of an
// injected now and claims its slot in the store in the same transaction
// that queues its mail, so running it twice, or late, sends nothing twice.

// RunDue runs every job due at now whose slot has not run yet, and reports
// what it queued.
func (e *Engine) RunDue(now time.Time) ([]string, error) {
	var done []string
	err := e.store.Update(func(tx Tx) error {
		// Closed cases matter to the digest only while recently closed or
		// new since a director's last digest.
		closedAfter := now.Add(-7 * 24 * time.Hour)
		for _, d := range e.cfg.Directors {
			last, err := time.Parse(time.RFC3339Nano, tx.Meta("last_digest/"+d.Address))
			if err != nil {
				last = time.Time{}
			}
			if last.Before(closedAfter) {
				closedAfter = last
			}
		}
		cases, err := tx.CasesSince(closedAfter)
		if err != nil {
			return err
		}
		for _, c := range cases {
			d, err := e.deadlineJobs(tx, c, now)
			if err != nil {
				return fmt.Errorf("case %s: %w", c.ID, err)
			}
			done = append(done, d...)
		}
		d, err := e.digestJobs(tx, cases, now)
		done = append(done, d...)
		return err
	})
	if err != nil {
		err = fmt.Errorf("run jobs as of %s: %w", now.Format(time.RFC3339), err)
	}
	e.Alerts.Job("jobs", err, now)
	if err != nil {
		return nil, err
	}
	if len(done) > 0 {
		e.wake()
	}
	return done, nil
}

// claim takes a job slot; false when it was taken before.
func claim(tx Tx, slot string, now time.Time) (bool, error) {
	if tx.JobRun(slot) != nil {
		return false, nil
	}
	return true, tx.SetJobRun(slot, now)
}

func (e *Engine) deadlineJobs(tx Tx, c *complaint.Case, now time.Time) ([]string, error) {
	if c.State == complaint.StateTriage {
		return e.triageJobs(tx, c, now)
	}
	done, err := e.procedureJobs(tx, c, now)
	if err != nil || c.State == complaint.StateClosed {
		return done, err
	}
	d := e.cal.Deadlines(c)
	days := e.cal.DaysLeft(d.Target, now)
	run := func(slot, kind, title string, to []string, lines ...string) error {
		ok, err := claim(tx, slot, now)
		if !ok || err != nil {
			return err
		}
		done = append(done, slot)
		return e.noticeAt(tx, c, kind, to, title, lines, now)
	}

	if c.FirstResponseAt == nil && !now.Before(d.FirstResponseDue) {
		err := run("reminder/"+c.ID, "reminder", "Herinnering: nog geen reactie aan de cliënt", []string{c.Director},
			fmt.Sprintf("De eerste reactie aan de cliënt had uiterlijk op %s moeten uitgaan; de cliënt heeft nog niets van ons gehoord.", templates.DayNL(d.FirstResponseDue.Add(-time.Minute))),
			"Neemt u contact op met de cliënt? Uw antwoord wordt vastgelegd zodra het in uw map Verzonden staat.")
		if err != nil {
			return nil, err
		}
	}
	// One warning per target: a new target set by a director warns again.
	if !now.Before(d.Warn) && now.Before(d.Target) {
		err := run("warning/"+c.ID+"/"+d.Target.Format("2006-01-02"), "warning", "Streefdatum "+inDays(days), []string{c.Director},
			fmt.Sprintf("Deze klacht moet uiterlijk op %s zijn afgehandeld, %s.", templates.DayNL(d.Target), inDays(days)),
			fmt.Sprintf("De klacht kwam binnen op %s en staat %s; %s.", templates.DateNL(c.ReceivedAt.In(e.cfg.Location)), stateSentence(c.State), e.firstResponse(c)),
			"Afgehandeld? Stuur #afgehandeld met de oplossing. Meer tijd nodig? Stuur #nieuwe-termijn met de datum en de reden; de cliënt krijgt dan bericht.")
		if err != nil {
			return nil, err
		}
	}
	// Escalation to both directors, once per working day, until closed.
	if !now.Before(d.Target) && e.cal.IsWorkday(now) {
		err := run("escalation/"+c.ID+"/"+now.In(e.cfg.Location).Format("2006-01-02"), "escalation", "Streefdatum verstreken", e.DirectorAddresses(),
			fmt.Sprintf("De streefdatum van deze klacht was %s (%s); de klacht is nog niet afgehandeld.", templates.DayNL(d.Target), templates.AgoNL(-days)),
			e.directorName(c.Director)+" behandelt deze klacht. "+stillSentence(c.State),
			"U krijgt dit bericht elke werkdag, totdat de klacht is afgehandeld (#afgehandeld) of er een nieuwe termijn is afgesproken (#nieuwe-termijn met de datum en de reden).")
		if err != nil {
			return nil, err
		}
	}
	return done, nil
}

// inDays says when a target falls: "over vier dagen", "morgen", "vandaag".
func inDays(days int) string {
	switch days {
	case 0:
		return "vandaag"
	case 1:
		return "morgen"
	}
	return "over " + templates.CountNL(days, "dag", "dagen")
}

// stateSentence is a case's state as the end of "de klacht staat ...".
func stateSentence(state complaint.State) string {
	switch state {
	case complaint.StateWaiting:
		return "op wacht tot de cliënt reageert"
	case complaint.StateClosed:
		return "als afgehandeld"
	}
	return complaint.StateNL(state)
}

// stillSentence says where an overdue case stands, as a sentence.
func stillSentence(state complaint.State) string {
	if state == complaint.StateWaiting {
		return "Er wordt nog gewacht op een reactie van de cliënt."
	}
	return "De klacht staat nog " + stateSentence(state) + "."
}

// firstResponse says whether the client has heard from the firm.
func (e *Engine) firstResponse(c *complaint.Case) string {
	if c.FirstResponseAt == nil {
		return "de cliënt heeft nog geen reactie gehad"
	}
	return "de eerste reactie aan de cliënt ging uit op " + templates.DateNL(c.FirstResponseAt.In(e.cfg.Location))
}

// triageJobs reminds the director of a mail held for their decision, once,
// after one working day.
func (e *Engine) triageJobs(tx Tx, c *complaint.Case, now time.Time) ([]string, error) {
	if now.Before(e.cal.AfterWorkdays(c.ReceivedAt, 1)) {
		return nil, nil
	}
	slot := "triage-reminder/" + c.ID
	if ok, err := claim(tx, slot, now); !ok || err != nil {
		return nil, err
	}
	msgs, err := tx.Messages(c.ID)
	if err != nil {
		return nil, err
	}
	item, err := e.mail.Notice(c, "reminder", []string{c.Director}, "Herinnering: klacht of niet?", []string{
		fmt.Sprintf("Deze mail van %s, ontvangen op %s, wacht op uw beslissing: is het een klacht?", person(c.ClientName, c.Client), templates.DateNL(c.ReceivedAt.In(e.cfg.Location))),
		"Waarom twijfel: " + c.Recognition + ".",
		"Antwoord met #klacht of #geen-klacht. Tot dan krijgt de cliënt geen ontvangstbevestiging.",
	}, now)
	if err != nil {
		return nil, err
	}
	if len(msgs) > 0 {
		compose.ThreadUnder(item, msgs[0].MessageID, nil)
	}
	return []string{slot}, e.enqueue(tx, item, "Herinnering: klacht of niet?")
}

// lastSlot is the latest time the schedule fired at or before now, within a
// week (zero when none).
func lastSlot(s cron.Schedule, now time.Time) time.Time {
	var last time.Time
	// Next returns the zero time for a schedule that never fires (30 February).
	for t := s.Next(now.AddDate(0, 0, -7)); !t.IsZero() && !t.After(now); t = s.Next(t) {
		last = t
	}
	return last
}

// digestJobs sends each director the day's digest once: at the scheduled
// time, or at start-up later that day when the service was down then (but
// not on the day of the first start, when the slot came before it).
func (e *Engine) digestJobs(tx Tx, cases []*complaint.Case, now time.Time) ([]string, error) {
	sched, err := cron.ParseStandard(e.cfg.Digest)
	if err != nil {
		return nil, fmt.Errorf("digest schedule: %w", err)
	}
	local := now.In(e.cfg.Location)
	slot := lastSlot(sched, local)
	if slot.IsZero() || !sameDay(slot, local) {
		return nil, nil
	}
	// Catch-up is for a digest missed while the bot was installed: a new
	// database does not send the one that fell due before it existed.
	if first, err := time.Parse(time.RFC3339Nano, tx.Meta("first_start")); err == nil && slot.Before(first) {
		return nil, nil
	}
	// Every tick of the day after the digests went: no seal to compute.
	due := false
	for _, d := range e.cfg.Directors {
		due = due || tx.JobRun("digest/"+d.Address+"/"+slot.Format("2006-01-02")) == nil
	}
	if !due {
		return nil, nil
	}
	incidents, err := tx.OpenIncidents()
	if err != nil {
		return nil, err
	}
	seal, err := dossier.SealAt(tx, now)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	var done []string
	for _, d := range e.cfg.Directors {
		key := "digest/" + d.Address + "/" + slot.Format("2006-01-02")
		ok, err := claim(tx, key, now)
		if err != nil || !ok {
			return done, err
		}
		since := time.Time{}
		if v := tx.Meta("last_digest/" + d.Address); v != "" {
			since, _ = time.Parse(time.RFC3339Nano, v)
		}
		item, err := e.digest(d, cases, incidents, seal.Line(), since, now)
		if err != nil {
			return done, err
		}
		if err := e.queue(tx, item); err != nil {
			return done, fmt.Errorf("queue digest: %w", err)
		}
		if err := tx.SetMeta("last_digest/"+d.Address, now.UTC().Format(time.RFC3339Nano)); err != nil {
			return done, err
		}
		done = append(done, key)
	}
	// A one-off incident (a bounce, a refused mail) has been told and is now
	// in a digest: it needs no more attention from the bot.
	if len(done) > 0 {
		for _, inc := range incidents {
			if !inc.Lasting {
				at := now.UTC()
				inc.ResolvedAt = &at
				if err := tx.PutIncident(inc); err != nil {
					return done, err
				}
			}
		}
	}
	return done, nil
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// DigestFor assembles the digest for a director as of now: mail waiting
// for a decision, new since since, open by days left (overdue first),
// waiting for the client, awaiting consent, closed in the last 7 days.
// Each section lists its most urgent cases up to DigestLimit and counts the
// rest, so the digest has a bounded size whatever the number of cases.
func (e *Engine) DigestFor(director string, cases []*complaint.Case, since, now time.Time) templates.Digest {
	data := templates.Digest{Director: director, Date: now.In(e.cfg.Location), BotAddress: e.cfg.Firm.ReplyTo}
	var triage, fresh, open, waiting, consent, closed []templates.DigestRow
	closedAt := map[string]time.Time{}
	for _, c := range cases {
		if c.NotComplaint {
			continue
		}
		if c.State == complaint.StateTriage {
			triage = append(triage, templates.DigestRow{ID: c.ID, Client: compose.ClientName(c), Director: e.directorName(c.Director),
				Subject: digestSubject(c.Subject), State: complaint.StateNL(c.State), Received: c.ReceivedAt.In(e.cfg.Location)})
			continue
		}
		d := e.cal.Deadlines(c)
		row := templates.DigestRow{ID: c.ID, Client: compose.ClientName(c), Director: e.directorName(c.Director), Subject: digestSubject(c.Subject),
			State: complaint.StateNL(c.State), Received: c.ReceivedAt.In(e.cfg.Location), Target: d.Target, DaysLeft: e.cal.DaysLeft(d.Target, now)}
		row.Closed = c.State == complaint.StateClosed
		row.Overdue = !row.Closed && !now.Before(d.Target)
		row.Notes = e.caseNotes(c)
		data.Attention = append(data.Attention, e.caseAttention(c, now)...)
		if c.ReceivedAt.After(since) && !c.ReceivedAt.After(now) {
			fresh = append(fresh, row)
		}
		switch c.State {
		case complaint.StateOpen:
			open = append(open, row)
		case complaint.StateWaiting:
			waiting = append(waiting, row)
		case complaint.StateClosed:
			if c.ClosedAt != nil && now.Sub(*c.ClosedAt) < 7*24*time.Hour {
				closedAt[c.ID] = *c.ClosedAt
				closed = append(closed, row)
			}
		}
		if c.State != complaint.StateClosed && c.Consent == nil {
			consent = append(consent, row)
		}
	}
	limit := e.digestLimit()
	urgent := func(a, b templates.DigestRow) int {
		return cmp.Or(cmp.Compare(a.DaysLeft, b.DaysLeft), strings.Compare(a.ID, b.ID))
	}
	oldest := func(a, b templates.DigestRow) int {
		return cmp.Or(a.Received.Compare(b.Received), strings.Compare(a.ID, b.ID))
	}
	data.Triage = section(triage, oldest, limit)
	data.New = section(fresh, urgent, limit)
	data.Open = section(open, urgent, limit)
	data.Waiting = section(waiting, urgent, limit)
	data.AwaitingConsent = section(consent, urgent, limit)
	data.Closed = section(closed, func(a, b templates.DigestRow) int { return closedAt[b.ID].Compare(closedAt[a.ID]) }, limit)
	return data
}

// digestLimit is how many cases a digest section lists in full.
func (e *Engine) digestLimit() int {
	if e.cfg.DigestLimit <= 0 {
		return Defaults().DigestLimit
	}
	return e.cfg.DigestLimit
}

// section sorts rows most urgent first and keeps limit of them in full.
func section(rows []templates.DigestRow, order func(a, b templates.DigestRow) int, limit int) templates.Section {
	slices.SortStableFunc(rows, order)
	if len(rows) <= limit {
		return templates.Section{Rows: rows}
	}
	return templates.Section{Rows: rows[:limit:limit], More: len(rows) - limit}
}

// digestSubject is a client's subject as the digest shows it: one line, at
// most 100 characters (the digest's size must not depend on what clients write).
func digestSubject(s string) string { return compose.Clip(s, 100) }

// directorName is a director's first name as configured, else the address.
func (e *Engine) directorName(addr string) string {
	if d := e.cfg.director(addr); d != nil && d.Name != "" {
		return d.Name
	}
	return addr
}

func (e *Engine) digest(d Director, cases []*complaint.Case, incidents []*alert.Incident, seal string, since, now time.Time) (*outbox.Item, error) {
	data := e.DigestFor(d.Name, cases, since, now)
	limit := min(e.digestLimit(), 10)        // incidents say more than a row
	if n := len(data.Attention); n > limit { // the cases' own, from DigestFor
		data.Attention, data.AttentionMore = data.Attention[:limit], n-limit
	}
	for i, inc := range incidents {
		if len(data.Attention) == limit {
			data.AttentionMore += len(incidents) - i
			break
		}
		data.Attention = append(data.Attention, templates.Attention{Title: inc.Title, Meaning: inc.Meaning, Todo: inc.Todo, Case: inc.Case, Since: inc.Since.In(e.cfg.Location)})
	}
	data.Seal = seal
	return e.mail.Digest(compose.Director(d), data, now)
}
