package workflow

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
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
	e.jobHealth("jobs", err, now)
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
	if c.State == complaint.StateClosed {
		return nil, nil
	}
	if c.State == complaint.StateTriage {
		return e.triageJobs(tx, c, now)
	}
	var done []string
	d := e.cal.Deadlines(c)
	days := e.cal.DaysLeft(d.Target, now)
	target := templates.DateNL(d.Target)
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
			fmt.Sprintf("Op deze klacht is nog niet gereageerd; de eerste reactie was uiterlijk %s verwacht.", templates.DateNL(d.FirstResponseDue.Add(-time.Minute))),
			"Neem contact op met de cliënt. Uw antwoord wordt vastgelegd zodra het in uw map Verzonden staat.")
		if err != nil {
			return nil, err
		}
	}
	// One warning per target: a new target set by a director warns again.
	if !now.Before(d.Warn) && now.Before(d.Target) {
		err := run("warning/"+c.ID+"/"+d.Target.Format("2006-01-02"), "warning", fmt.Sprintf("Nog %d dagen voor de streefdatum", days), []string{c.Director},
			fmt.Sprintf("Deze klacht moet uiterlijk %s zijn afgehandeld; nog %d dag(en).", target, days),
			fmt.Sprintf("Stand: %s; ontvangen %s; eerste reactie: %s.", complaint.StateNL(c.State), templates.DateNL(c.ReceivedAt.In(e.cfg.Location)), dateOrNot(c.FirstResponseAt, e.cfg.Location)),
			"Afgehandeld? Stuur #afgehandeld <oplossing>. Meer tijd nodig? Stuur #nieuwe-termijn <datum> <reden>; de cliënt krijgt dan bericht.")
		if err != nil {
			return nil, err
		}
	}
	// Escalation to both directors, once per working day, until closed.
	if !now.Before(d.Target) && e.cal.IsWorkday(now) {
		err := run("escalation/"+c.ID+"/"+now.In(e.cfg.Location).Format("2006-01-02"), "escalation", "Streefdatum verstreken", e.DirectorAddresses(),
			fmt.Sprintf("Deze klacht had uiterlijk %s afgehandeld moeten zijn (%d dag(en) geleden) en staat nog open.", target, -days),
			fmt.Sprintf("Behandelend directeur: %s. Stand: %s.", c.Director, complaint.StateNL(c.State)),
			"Dit bericht komt elke werkdag tot de klacht is afgehandeld (#afgehandeld) of een nieuwe termijn is afgesproken (#nieuwe-termijn <datum> <reden>).")
		if err != nil {
			return nil, err
		}
	}
	return done, nil
}

func dateOrNot(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "nog niet"
	}
	return templates.DateNL(t.In(loc))
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
	item, err := e.notice(c, "reminder", []string{c.Director}, "Herinnering: klacht of niet?", []string{
		fmt.Sprintf("Deze mail van %s, ontvangen op %s, wacht op uw beslissing: is het een klacht?", person(c.ClientName, c.Client), templates.DateNL(c.ReceivedAt.In(e.cfg.Location))),
		"Waarom twijfel: " + c.Recognition + ".",
		"Antwoord met #klacht of #geen-klacht. Tot dan krijgt de cliënt geen ontvangstbevestiging.",
	}, now)
	if err != nil {
		return nil, err
	}
	if len(msgs) > 0 {
		threadUnder(item, msgs[0].MessageID, nil)
	}
	return []string{slot}, e.enqueue(tx, item, "triage reminder to "+c.Director)
}

// noticeAt queues a notice as of now (which tick may set ahead of the clock).
func (e *Engine) noticeAt(tx Tx, c *complaint.Case, kind string, to []string, title string, lines []string, now time.Time) error {
	item, err := e.notice(c, kind, to, title, lines, now)
	if err != nil {
		return err
	}
	return e.enqueue(tx, item, title+" to "+strings.Join(to, ", "))
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
// time, or at start-up later that day when the service was down then.
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

// DigestRow is one case in a digest: no message bodies, for confidentiality.
type DigestRow struct {
	ID, Client, Director, Subject, State string
	Received, Target                     time.Time
	DaysLeft                             int
	Overdue, Closed                      bool
}

// DigestData is what the digest templates render.
type DigestData struct {
	Director                                            string
	Date                                                time.Time
	Triage, New, Open, Waiting, AwaitingConsent, Closed []DigestRow
	Attention                                           []*alert.Incident // open incidents, first
	Seal                                                string            // the record's fingerprint (dossier.Seal), for `verify --against`
}

// DigestFor assembles the digest as of now: new since since, open by days
// left (overdue first), waiting for the client, awaiting consent, closed in
// the last 7 days.
func (e *Engine) DigestFor(director string, cases []*complaint.Case, since, now time.Time) DigestData {
	data := DigestData{Director: director, Date: now.In(e.cfg.Location)}
	for _, c := range cases {
		if c.NotComplaint {
			continue
		}
		if c.State == complaint.StateTriage {
			data.Triage = append(data.Triage, DigestRow{ID: c.ID, Client: c.Client, Director: c.Director, Subject: c.Subject,
				State: complaint.StateNL(c.State), Received: c.ReceivedAt.In(e.cfg.Location)})
			continue
		}
		d := e.cal.Deadlines(c)
		row := DigestRow{ID: c.ID, Client: c.Client, Director: c.Director, Subject: c.Subject, State: complaint.StateNL(c.State),
			Received: c.ReceivedAt.In(e.cfg.Location), Target: d.Target, DaysLeft: e.cal.DaysLeft(d.Target, now)}
		row.Closed = c.State == complaint.StateClosed
		row.Overdue = !row.Closed && !now.Before(d.Target)
		if c.ReceivedAt.After(since) && !c.ReceivedAt.After(now) {
			data.New = append(data.New, row)
		}
		switch c.State {
		case complaint.StateOpen:
			data.Open = append(data.Open, row)
		case complaint.StateWaiting:
			data.Waiting = append(data.Waiting, row)
		case complaint.StateClosed:
			if c.ClosedAt != nil && now.Sub(*c.ClosedAt) < 7*24*time.Hour {
				data.Closed = append(data.Closed, row)
			}
		}
		if c.State != complaint.StateClosed && c.Consent == nil {
			data.AwaitingConsent = append(data.AwaitingConsent, row)
		}
	}
	sort.SliceStable(data.Open, func(i, j int) bool { return data.Open[i].DaysLeft < data.Open[j].DaysLeft })
	return data
}

func (e *Engine) digest(d Director, cases []*complaint.Case, incidents []*alert.Incident, seal string, since, now time.Time) (*outbox.Item, error) {
	data := e.DigestFor(d.Name, cases, since, now)
	data.Attention, data.Seal = incidents, seal
	subject, text, err := templates.Mail("digest", "nl", data)
	if err != nil {
		return nil, err
	}
	html, err := templates.DigestHTML(data)
	if err != nil {
		return nil, err
	}
	return e.botMail("digest", "", d.Address, []string{d.Address}, subject, text, html, now), nil
}
