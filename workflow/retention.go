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
			if err := e.anonymise(tx, c, now, fmt.Sprintf("anonymised: closed more than %d years ago", e.cfg.RetentionYears)); err != nil {
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

// anonymise removes what a case holds about people: the raw messages and
// the personal fields of their records, their Message-IDs in the threading
// index, the case's outgoing mail (addresses and texts), the personal fields
// of its events (the chain stays intact, see complaint.Event.Erase) and of
// the case itself.
func (e *Engine) anonymise(tx Tx, c *complaint.Case, now time.Time, why string) error {
	msgs, err := tx.Messages(c.ID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := tx.UnindexMessageID(m.MessageID); err != nil {
			return err
		}
		kept := complaint.Message{Seq: m.Seq, Role: m.Role, ReceivedAt: m.ReceivedAt, Problems: m.Problems, Unverified: m.Unverified, Anonymised: true, SHA256: m.SHA256}
		if err := tx.ReplaceMessage(c.ID, &kept); err != nil {
			return err
		}
	}
	if err := tx.DeleteRaw(c.ID); err != nil {
		return err
	}
	items, err := tx.OutboxOf(c.ID)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	for _, item := range items {
		if err := tx.UnindexMessageID(item.Mail.MessageID); err != nil {
			return err
		}
		if err := tx.DeleteOutbox(item); err != nil {
			return err
		}
	}
	evs, err := tx.Events(c.ID)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		ev.Erase()
		if err := tx.ReplaceEvent(c.ID, ev); err != nil {
			return err
		}
	}
	c.Client, c.ClientName, c.Subject, c.Resolution = "", "", "", ""
	if c.Consent != nil {
		c.Consent.By, c.Consent.Evidence = "", ""
	}
	// The procedure's record past the receipt keeps what the evaluation
	// counts (when, whether answered, satisfied, signed), not who or what.
	for i := range c.Consultations {
		x := &c.Consultations[i]
		x.Name, x.Address, x.Question, x.MessageID, x.Answer = "", "", "", "", ""
	}
	if s := c.Satisfaction; s != nil {
		s.By, s.Evidence, s.MessageID, s.Reason = "", "", "", ""
	}
	for i := range c.External {
		c.External[i].Shared = ""
		if cf := c.External[i].Confidentiality; cf != nil {
			cf.Evidence, cf.File = "", ""
		}
	}
	at := now.UTC()
	c.AnonymisedAt = &at
	if err := tx.PutCase(c); err != nil {
		return err
	}
	return tx.AppendEvent(c.ID, &complaint.Event{At: at, Kind: complaint.EvPurged, Actor: "klachtbot", Detail: why})
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
