package casework

import (
	"fmt"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Anonymise removes what a case holds about people: the raw messages and
// the personal fields of their records, their Message-IDs in the threading
// index, the case's outgoing mail (addresses and texts), the personal fields
// of its events (the chain stays intact, see complaint.Event.Erase) and of
// the case itself.
func (k *Clerk) Anonymise(tx Tx, c *complaint.Case, now time.Time, why string) error {
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
