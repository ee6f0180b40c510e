package workflow

import (
	"fmt"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/jobs"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The jobs (workflow/jobs) run in one transaction per tick; what they
// queue goes through the rules' queue, on the case's audit trail.

// RunDue runs every job due at now whose slot has not run yet, and reports
// what it queued.
func (e *Engine) RunDue(now time.Time) ([]string, error) {
	var done []string
	err := e.store.Update(func(tx Tx) (err error) {
		done, err = e.jobs.Due(tx, now)
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

// newJobs is the jobs of e.
func newJobs(e *Engine) *jobs.Jobs[Tx] {
	return &jobs.Jobs[Tx]{Cal: e.cal, Mail: e.mail, Rules: jobRules{e}, Loc: e.cfg.Location,
		Directors: e.mail.Directors, Schedule: e.cfg.Digest, DigestLimit: e.cfg.DigestLimit, Actions: digestActions()}
}

// jobRules is what the jobs ask of the rules.
type jobRules struct{ e *Engine }

func (r jobRules) Notice(tx Tx, c *complaint.Case, kind outbox.Kind, to []string, title string, lines []string, now time.Time) error {
	return r.e.noticeAt(tx, c, kind, to, title, lines, now)
}
func (r jobRules) Enqueue(tx Tx, item *outbox.Item, title string) error {
	return r.e.enqueue(tx, item, title)
}
func (r jobRules) Queue(tx Tx, item *outbox.Item) error { return r.e.queue(tx, item) }
func (r jobRules) Event(tx Tx, caseID string, kind complaint.EventKind, actor, msgid, detail string) error {
	return r.e.event(tx, caseID, kind, actor, msgid, detail)
}
func (r jobRules) ClientWords(tx Tx, c *complaint.Case) ([]string, error) {
	return clientWords(tx, c)
}
