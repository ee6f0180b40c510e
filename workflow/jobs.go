package workflow

import (
	"fmt"
	"time"

	"github.com/mcoo/klachtbot/workflow/commands"
	"github.com/mcoo/klachtbot/workflow/jobs"
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
	return &jobs.Jobs[Tx]{Cal: e.k.Cal, Mail: e.k.Mail, Rules: e.k, Loc: e.cfg.Location,
		Directors: e.k.Mail.Directors, Schedule: e.cfg.Digest, DigestLimit: e.cfg.DigestLimit, Actions: commands.DigestActions()}
}
