package workflow

import (
	"time"

	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/alerts"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The Engine's alert desk (workflow/alerts) is wired here: it queues
// through the rules' queue, so an alert about a case is on its audit trail.

// newDesk is the alert desk of e.
func newDesk(e *Engine) *alerts.Desk[Tx] {
	d := &alerts.Desk[Tx]{Store: e.store, Clock: e.k.Clock, Mail: e.k.Mail, Log: e.log, Loc: e.cfg.Location,
		Wake: e.wake, Name: e.cfg.DirectorName, Directors: e.k.DirectorAddresses(),
		To: e.cfg.AlertsTo, After: e.cfg.AlertsAfter, Repeat: e.cfg.AlertsRepeat,
		Queue: func(tx Tx, item *outbox.Item, title string) error {
			if item.CaseID == "" {
				return e.k.Queue(tx, item)
			}
			return e.k.Enqueue(tx, item, title)
		}}
	return d
}

// FolderHealth returns what a folder's watcher reports after each attempt:
// nil when it is reading, else why not (alerts.Desk.FolderHealth).
func (e *Engine) FolderHealth(src Source) func(error) {
	return e.Alerts.FolderHealth(alerts.Folder{Key: src.Key(), Director: src.Director, Name: src.FolderName(), Secret: src.Secret})
}

// Health is the state of the procedure as monitoring sees it.
type Health struct {
	Outbox       int       // mails queued or being sent
	OldestQueued time.Time // when the oldest of them was queued (zero: none)
	Quarantined  int
	Open         int // complaints not closed (held mail not counted)
	Overdue      int // of those, past their target
	Incidents    int // open incidents: something needs a person
	SendingDown  int // of those, accounts that cannot send (one per account and cause)
	Waiting      int // mails waiting behind such an account's failure
}

// Health reads the procedure's state as of now.
func (e *Engine) Health(now time.Time) (h Health, err error) {
	err = e.store.View(func(tx Tx) error {
		pending, err := tx.Pending()
		if err != nil {
			return err
		}
		h.Outbox = len(pending)
		for _, it := range pending {
			if it.Cause != "" {
				h.Waiting++
			}
			if h.OldestQueued.IsZero() || it.Mail.Date.Before(h.OldestQueued) {
				h.OldestQueued = it.Mail.Date
			}
		}
		h.Quarantined = tx.QuarantineCount()
		cases, err := tx.CasesSince(now)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if c.State == complaint.StateClosed || c.State == complaint.StateTriage {
				continue
			}
			h.Open++
			if !now.Before(e.k.Cal.Deadlines(c).Target) {
				h.Overdue++
			}
		}
		open, err := tx.OpenIncidents()
		h.Incidents = len(open)
		for _, inc := range open {
			if inc.Kind == alert.KindSending {
				h.SendingDown++
			}
		}
		return err
	})
	return h, err
}
