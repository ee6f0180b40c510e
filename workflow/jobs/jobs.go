// Package jobs watches the procedure's promises: the reminder, warning and
// escalation of a case's deadlines, the reminder of a mail held for a
// decision, the reminders of a staff member's answer, the end of the wait
// for the client's answer to the closing question, and each director's
// daily digest. Every job is a function of an injected now and claims its
// slot in the store in the same transaction that queues its mail, so
// running it twice, or late, sends nothing twice.
//
// It reads and writes through the transaction it declares (Tx), writes its
// mail with workflow/compose and queues it through the rules (Rules). The
// words of its notices and of what a case needs a director for are
// templates' (notices.nl.tmpl, incidents.nl.tmpl): it passes data, dates as
// time.Time in the firm's zone. It
// must not import workflow itself, storage, mailbox (but its message types)
// or their libraries.
package jobs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Working days of the procedure past the receipt.
const (
	ConsultRemindStaff    = 2  // a reminder to the staff member
	ConsultRemindDirector = 4  // then the director is told
	SatisfactionWait      = 10 // no answer to the closing question: recorded as none
	StatementWait         = 5  // an #extern without a signed statement needs attention
)

// Tx is what the jobs read and write in one transaction.
type Tx interface {
	dossier.Reader
	Meta(key string) string
	SetMeta(key, value string) error
	JobRun(slot string) *time.Time
	SetJobRun(slot string, at time.Time) error
	CasesSince(closedAfter time.Time) ([]*complaint.Case, error)
	PutCase(*complaint.Case) error
	OpenIncidents() ([]*alert.Incident, error)
	PutIncident(*alert.Incident) error
}

// Rules is what the jobs ask of the rules, in the caller's transaction T:
// to queue a notice in a case's conversation, a mail of a case with its
// record on the audit trail (Enqueue) or without (Queue), to record an
// event, and what the client wrote.
type Rules[T Tx] interface {
	Notice(tx T, c *complaint.Case, kind outbox.Kind, to []string, title string, lines []string, now time.Time) error
	Enqueue(tx T, item *outbox.Item, title string, params ...string) error
	Queue(tx T, item *outbox.Item) error
	Event(tx T, caseID string, ev complaint.Event) error
	ClientWords(tx T, c *complaint.Case) ([]string, error)
}

// Jobs runs what is due.
type Jobs[T Tx] struct {
	Cal         *calendar.Calendar
	Mail        *compose.Composer
	Rules       Rules[T]
	Loc         *time.Location
	Directors   []compose.Director
	Schedule    string                  // cron spec of the daily digest, in Loc
	DigestLimit int                     // cases a digest section lists in full (0: templates.DefaultDigestLimit)
	Actions     templates.DigestActions // the digest's one-click commands
}

// Due runs in tx every job due at now whose slot has not run yet, and
// reports what it queued.
func (j *Jobs[T]) Due(tx T, now time.Time) ([]string, error) {
	// Closed cases matter to the digest only while recently closed or
	// new since a director's last digest.
	closedAfter := now.Add(-7 * 24 * time.Hour)
	for _, d := range j.Directors {
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
		return nil, err
	}
	var done []string
	for _, c := range cases {
		d, err := j.deadlineJobs(tx, c, now)
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", c.ID, err)
		}
		done = append(done, d...)
	}
	d, err := j.digestJobs(tx, cases, now)
	return append(done, d...), err
}

func (j *Jobs[T]) director(addr string) *compose.Director {
	for i := range j.Directors {
		if strings.EqualFold(j.Directors[i].Address, addr) {
			return &j.Directors[i]
		}
	}
	return nil
}

func (j *Jobs[T]) directorAddresses() []string {
	var to []string
	for _, d := range j.Directors {
		to = append(to, d.Address)
	}
	return to
}

// claim takes a job slot; false when it was taken before.
func claim(tx Tx, slot string, now time.Time) (bool, error) {
	if tx.JobRun(slot) != nil {
		return false, nil
	}
	return true, tx.SetJobRun(slot, now)
}

func (j *Jobs[T]) deadlineJobs(tx T, c *complaint.Case, now time.Time) ([]string, error) {
	if c.State == complaint.StateTriage {
		return j.triageJobs(tx, c, now)
	}
	done, err := j.procedureJobs(tx, c, now)
	if err != nil || c.State == complaint.StateClosed {
		return done, err
	}
	d := j.Cal.Deadlines(c)
	days := j.Cal.DaysLeft(d.Target, now)
	// run sends the notice named name (templates/mail/notices.nl.tmpl) once per slot.
	run := func(slot string, kind outbox.Kind, name string, to []string, data any) error {
		ok, err := claim(tx, slot, now)
		if !ok || err != nil {
			return err
		}
		done = append(done, slot)
		return j.notice(tx, c, kind, to, name, data, now)
	}
	waiting, state := c.State == complaint.StateWaiting, complaint.StateNL(c.State)

	if c.FirstResponseAt == nil && !now.Before(d.FirstResponseDue) {
		err := run("reminder/"+c.ID, outbox.KindReminder, "reminder", []string{c.Director},
			templates.NoticeReminder{Due: d.FirstResponseDue.Add(-time.Minute)})
		if err != nil {
			return nil, err
		}
	}
	// One warning per target: a new target set by a director warns again.
	if !now.Before(d.Warn) && now.Before(d.Target) {
		data := templates.NoticeWarning{Target: d.Target, Received: c.ReceivedAt.In(j.Loc), DaysLeft: days, Waiting: waiting, State: state}
		if c.FirstResponseAt != nil {
			data.FirstResponse = c.FirstResponseAt.In(j.Loc)
		}
		if err := run("warning/"+c.ID+"/"+d.Target.Format("2006-01-02"), "warning", "warning", []string{c.Director}, data); err != nil {
			return nil, err
		}
	}
	// Escalation to both directors, once per working day, until closed.
	if !now.Before(d.Target) && j.Cal.IsWorkday(now) {
		err := run("escalation/"+c.ID+"/"+now.In(j.Loc).Format("2006-01-02"), "escalation", "escalation", j.directorAddresses(),
			templates.NoticeEscalation{Target: d.Target, DaysOver: -days, Director: j.directorName(c.Director), Waiting: waiting, State: state})
		if err != nil {
			return nil, err
		}
	}
	return done, nil
}

// notice queues the notice named name (templates/mail/notices.nl.tmpl),
// its words rendered from data, through the rules.
func (j *Jobs[T]) notice(tx T, c *complaint.Case, kind outbox.Kind, to []string, name string, data any, now time.Time) error {
	title, lines, err := j.Mail.Tpl.Notice(name, data)
	if err != nil {
		return err
	}
	return j.Rules.Notice(tx, c, kind, to, title, lines, now)
}

// triageJobs reminds the director of a mail held for their decision, once,
// after one working day.
func (j *Jobs[T]) triageJobs(tx T, c *complaint.Case, now time.Time) ([]string, error) {
	if now.Before(j.Cal.AfterWorkdays(c.ReceivedAt, 1)) {
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
	item, title, err := j.Mail.NoticeNamed(c, outbox.KindReminder, []string{c.Director}, "triage-reminder", templates.NoticeTriageReminder{
		Why: c.Recognition, From: compose.Person(c.ClientName, c.Client), Received: c.ReceivedAt.In(j.Loc)}, now)
	if err != nil {
		return nil, err
	}
	if len(msgs) > 0 {
		compose.ThreadUnder(item, msgs[0].MessageID, nil)
	}
	return []string{slot}, j.Rules.Enqueue(tx, item, title)
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
func (j *Jobs[T]) digestJobs(tx T, cases []*complaint.Case, now time.Time) ([]string, error) {
	sched, err := cron.ParseStandard(j.Schedule)
	if err != nil {
		return nil, fmt.Errorf("digest schedule: %w", err)
	}
	local := now.In(j.Loc)
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
	for _, d := range j.Directors {
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
	for _, d := range j.Directors {
		key := "digest/" + d.Address + "/" + slot.Format("2006-01-02")
		ok, err := claim(tx, key, now)
		if err != nil || !ok {
			return done, err
		}
		since := time.Time{}
		if v := tx.Meta("last_digest/" + d.Address); v != "" {
			since, _ = time.Parse(time.RFC3339Nano, v)
		}
		item, err := j.Digest(d, cases, incidents, seal.Line(), since, now)
		if err != nil {
			return done, err
		}
		if err := j.Rules.Queue(tx, item); err != nil {
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
func (j *Jobs[T]) DigestFor(director string, cases []*complaint.Case, since, now time.Time) templates.Digest {
	data := templates.Digest{Director: director, Date: now.In(j.Loc), BotAddress: j.Mail.ReplyTo, Actions: j.Actions}
	var triage, fresh, open, waiting, consent, closed []templates.DigestRow
	closedAt := map[string]time.Time{}
	for _, c := range cases {
		if c.NotComplaint {
			continue
		}
		if c.State == complaint.StateTriage {
			triage = append(triage, templates.DigestRow{ID: c.ID, Client: compose.ClientName(c), Director: j.directorName(c.Director),
				Subject: digestSubject(c.Subject), State: complaint.StateNL(c.State), Received: c.ReceivedAt.In(j.Loc)})
			continue
		}
		d := j.Cal.Deadlines(c)
		row := templates.DigestRow{ID: c.ID, Client: compose.ClientName(c), Director: j.directorName(c.Director), Subject: digestSubject(c.Subject),
			State: complaint.StateNL(c.State), Received: c.ReceivedAt.In(j.Loc), Target: d.Target, DaysLeft: j.Cal.DaysLeft(d.Target, now)}
		row.Closed = c.State == complaint.StateClosed
		row.Overdue = !row.Closed && !now.Before(d.Target)
		row.Notes = j.caseNotes(c)
		data.Attention = append(data.Attention, j.caseAttention(c, now)...)
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
	limit := j.digestLimit()
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
func (j *Jobs[T]) digestLimit() int {
	if j.DigestLimit <= 0 {
		return templates.DefaultDigestLimit
	}
	return j.DigestLimit
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
func (j *Jobs[T]) directorName(addr string) string {
	if d := j.director(addr); d != nil && d.Name != "" {
		return d.Name
	}
	return addr
}

func (j *Jobs[T]) Digest(d compose.Director, cases []*complaint.Case, incidents []*alert.Incident, seal string, since, now time.Time) (*outbox.Item, error) {
	data := j.DigestFor(d.Name, cases, since, now)
	limit := min(j.digestLimit(), 10)        // incidents say more than a row
	if n := len(data.Attention); n > limit { // the cases' own, from DigestFor
		data.Attention, data.AttentionMore = data.Attention[:limit], n-limit
	}
	for i, inc := range incidents {
		if len(data.Attention) == limit {
			data.AttentionMore += len(incidents) - i
			break
		}
		data.Attention = append(data.Attention, templates.Attention{Title: inc.Title, Meaning: inc.Meaning, Todo: inc.Todo, Case: inc.Case, Since: inc.Since.In(j.Loc)})
	}
	data.Seal = seal
	return j.Mail.Digest(d, data, now)
}

// procedureJobs are the jobs of the procedure past the receipt: reminders
// about an unanswered consultation (to the staff member after two working
// days, to the director after four) and, on a closed case, the end of the
// wait for an answer to the closing question.
func (j *Jobs[T]) procedureJobs(tx T, c *complaint.Case, now time.Time) ([]string, error) {
	var done []string
	if c.State == complaint.StateClosed {
		s := c.Satisfaction
		if !c.AwaitsSatisfaction() || now.Before(j.Cal.AfterWorkdays(s.AskedAt, SatisfactionWait)) {
			return nil, nil
		}
		s.NoAnswer = true
		if err := j.Rules.Event(tx, c.ID, complaint.Event{Kind: complaint.EvSatisfaction, Actor: "klachtbot", MessageID: s.MessageID, Detail: complaint.Detail(complaint.DetSatisfied, "answer", "none")}); err != nil {
			return nil, err
		}
		return []string{"satisfaction/" + c.ID}, tx.PutCase(c)
	}
	for i, con := range c.Consultations {
		if con.AnsweredAt != nil {
			continue
		}
		slot := fmt.Sprintf("consult-reminder/%s/%d", c.ID, i)
		if !now.Before(j.Cal.AfterWorkdays(con.At, ConsultRemindStaff)) && tx.JobRun(slot) == nil {
			dir := j.director(con.By)
			if dir == nil {
				continue // a director who left: the digest still shows it
			}
			words, err := j.Rules.ClientWords(tx, c)
			if err != nil {
				return nil, err
			}
			item, err := j.Mail.Consult(c, *dir, con, words, j.Cal.AfterWorkdays(con.At, ConsultRemindStaff), true, now)
			if err != nil {
				return nil, err
			}
			if err := tx.SetJobRun(slot, now); err != nil {
				return nil, err
			}
			if err := j.Rules.Enqueue(tx, item, ""); err != nil {
				return nil, err
			}
			done = append(done, slot)
		}
		slot = fmt.Sprintf("consult-late/%s/%d", c.ID, i)
		if !now.Before(j.Cal.AfterWorkdays(con.At, ConsultRemindDirector)) {
			ok, err := claim(tx, slot, now)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			done = append(done, slot)
			err = j.notice(tx, c, outbox.KindReminder, []string{con.By}, "consult-late", templates.NoticeConsultLate{
				Staff: templates.Person{Name: con.Name, Address: con.Address}, Asked: con.At.In(j.Loc)}, now)
			if err != nil {
				return nil, err
			}
		}
	}
	return done, nil
}

// caseNotes say what a case waits for, under its row in the digest.
func (j *Jobs[T]) caseNotes(c *complaint.Case) []string {
	var notes []string
	for _, con := range c.Outstanding() {
		notes = append(notes, j.note("note-consult-waiting", templates.NoteConsult{Staff: templates.Person{Name: con.Name}, Asked: con.At.In(j.Loc)}))
	}
	if s := c.Satisfaction; c.State == complaint.StateClosed && s != nil {
		name := "note-satisfaction-asked"
		switch {
		case s.Satisfied != nil && *s.Satisfied:
			name = "note-satisfied"
		case s.Satisfied != nil:
			name = "note-dissatisfied"
		case s.NoAnswer:
			name = "note-satisfaction-unanswered"
		}
		notes = append(notes, j.note(name, templates.NoteNone{}))
	}
	return notes
}

// note renders a phrase under a digest row, with the embedded words should
// an override fail on these data (as attention does).
func (j *Jobs[T]) note(name string, data any) string {
	n, err := j.Mail.Tpl.Note(name, data)
	if err != nil {
		n, _ = templates.Default().Note(name, data) // golden-tested: it renders
	}
	return n
}

// caseAttention is what a case needs a director for, under "Aandacht nodig"
// in the digest (templates/mail/incidents.nl.tmpl, "case-..."): a client
// who is not satisfied, an expert who has not signed for confidentiality
// after five working days.
func (j *Jobs[T]) caseAttention(c *complaint.Case, now time.Time) []templates.Attention {
	if c.NotComplaint {
		return nil
	}
	var out []templates.Attention
	if c.Dissatisfied() {
		since := c.Satisfaction.AskedAt
		if c.Satisfaction.AnsweredAt != nil {
			since = *c.Satisfaction.AnsweredAt
		}
		a := j.attention("case-dissatisfied", templates.AttentionDissatisfied{Client: compose.ClientName(c)})
		a.Case, a.Since = c.ID, since.In(j.Loc)
		out = append(out, a)
	}
	for _, x := range c.Unsigned() {
		if now.Before(j.Cal.AfterWorkdays(x.At, StatementWait)) {
			continue
		}
		a := j.attention("case-unsigned", templates.AttentionUnsigned{Party: compose.Clip(x.Party, 60)})
		a.Case, a.Since = c.ID, x.At.In(j.Loc)
		out = append(out, a)
	}
	return out
}

// attention renders an attention item with the firm's templates. They were
// rendered at start with data of the same type; should an override still
// fail on these data, the embedded words say it: the digest goes all the
// same.
func (j *Jobs[T]) attention(name string, data any) templates.Attention {
	a, err := j.Mail.Tpl.Attention(name, data)
	if err != nil {
		a, _ = templates.Default().Attention(name, data) // golden-tested: it renders
	}
	return a
}
