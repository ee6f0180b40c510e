package workflow

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Retention: the professional rules require the records to be kept, privacy
// law requires them not to be kept for ever. A case closed longer ago than
// the retention period is anonymised: what names or describes people goes,
// what the evaluation counts stays (case number, dates, director, state,
// category, measures), so past years' figures do not change.

// PurgeReport says what retention anonymised, or would.
type PurgeReport struct {
	Cutoff     time.Time `json:"cutoff"`
	DryRun     bool      `json:"dry_run"`
	Cases      []string  `json:"cases"`
	Quarantine int       `json:"quarantine"` // unreadable mails deleted
}

// Purge anonymises every case closed before now minus the retention period.
func (e *Engine) Purge(now time.Time, dryRun bool) (*PurgeReport, error) {
	r := &PurgeReport{Cutoff: now.AddDate(-e.cfg.RetentionYears, 0, 0).UTC(), DryRun: dryRun, Cases: []string{}}
	run := e.store.Update
	if dryRun {
		run = e.store.View
	}
	err := run(func(tx Tx) error {
		cases, err := tx.Cases()
		if err != nil {
			return err
		}
		for _, c := range cases {
			if c.State != complaint.StateClosed || c.ClosedAt == nil || !c.ClosedAt.Before(r.Cutoff) || c.AnonymisedAt != nil {
				continue
			}
			r.Cases = append(r.Cases, c.ID)
			if dryRun {
				continue
			}
			if err := e.k.Anonymise(tx, c, now, fmt.Sprintf("anonymised: closed more than %d years ago", e.cfg.RetentionYears)); err != nil {
				return fmt.Errorf("anonymise %s: %w", c.ID, err)
			}
		}
		if dryRun {
			return nil
		}
		if r.Quarantine, err = tx.PurgeQuarantine(r.Cutoff); err != nil {
			return err
		}
		if len(r.Cases) > 0 || r.Quarantine > 0 {
			return tx.MarkCompact() // the next start rewrites the file without the removed data
		}
		return nil
	})
	if err != nil {
		err = fmt.Errorf("retention: %w", err)
	}
	if !dryRun {
		e.Alerts.Job("retention", err, now)
	}
	if err != nil {
		return nil, err
	}
	if len(r.Cases) > 0 && !dryRun {
		e.log.Info("retention: cases anonymised", "cases", r.Cases, "cutoff", r.Cutoff)
	}
	return r, nil
}

// WriteText says in one line what retention anonymised, or would.
func (r *PurgeReport) WriteText(out io.Writer, loc *time.Location) error {
	verb, list := "anonymised", ""
	if r.DryRun {
		verb = "would anonymise"
	}
	if len(r.Cases) > 0 {
		list = ": " + strings.Join(r.Cases, ", ")
	}
	_, err := fmt.Fprintf(out, "retention: closed before %s: %s %d case(s)%s\n", r.Cutoff.In(loc).Format("2006-01-02"), verb, len(r.Cases), list)
	return err
}
