package intake

import (
	"fmt"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/dsn"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// A delivery report about a mail the bot sent is matched to that mail: by
// the Message-ID or X-Klachtbot-Case in the returned part, then by the
// report's own threading. It is kept on the case. A bounced acknowledgement
// clears acknowledged_at and alerts: the client must be reached another way.
// A delay changes nothing. A report that matches nothing is kept in the
// quarantine as evidence.

func (in *incoming) bounced(b *dsn.Bounce) (bool, error) {
	k := in.k
	item, caseID, err := in.bounceMatch(b)
	if err != nil {
		return false, err
	}
	if caseID == "" {
		in.Log.Warn("delivery report matches no mail the bot sent: quarantined", "reporter", b.Reporter)
		q := &complaint.Quarantined{Source: in.Rec.Source, ReceivedAt: in.Rec.ReceivedAt,
			Problems: []string{"delivery report that matches no mail the bot sent (" + bounceReason(b) + ")"}}
		if err := in.Tx.Quarantine(q, in.Raw); err != nil {
			return false, err
		}
		return true, k.Alerts.Quarantined(in.Tx, q)
	}
	c, err := in.Tx.Case(caseID)
	if err != nil {
		return false, err
	}
	in.Rec.Role = complaint.RoleOther
	if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
		return false, fmt.Errorf("store delivery report: %w", err)
	}
	reason, sentID := bounceReason(b), b.MessageID
	if item != nil {
		sentID = item.Mail.MessageID
	}
	in.Log = in.Log.With("case", c.ID, "bounced", sentID)
	failed := b.Action == "failed" // also a 4.x.x the server gave up on (4.4.7)
	if in.observe != nil {
		in.observe.Bounced(failed)
	}
	if !failed {
		in.Log.Info("delay report recorded")
		return false, k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvMailDelayed, Actor: "klachtbot", Detail: reason})
	}
	kind, inc := complaint.EvMailBounced, alert.Incident{Key: "bounce/" + sentID, Kind: alert.KindBounce, Case: c.ID}
	name, data := "bounce", templates.IncidentBounce{Case: c.ID, Reason: reason}
	if item != nil && item.Kind == outbox.KindAck {
		kind, name = complaint.EvAckBounced, "bounce-ack"
		data.To = strings.Join(item.Mail.To, ", ")
		c.AcknowledgedAt = nil
		if c.Attention, err = k.Mail.Tpl.Note("attention-ack-bounced", templates.NoteReason{Reason: reason}); err != nil {
			return false, err
		}
	}
	in.Log.Warn("mail bounced", "reason", reason)
	if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: kind, Actor: "klachtbot", Detail: reason}); err != nil {
		return false, err
	}
	if err := in.Tx.PutCase(c); err != nil {
		return false, err
	}
	return true, k.Alerts.RaiseNamed(in.Tx, inc, name, data, k.Clock.Now())
}

// bounceMatch finds the mail a report is about: the outbox item (when the
// store still has it) and its case.
func (in *incoming) bounceMatch(b *dsn.Bounce) (*outbox.Item, string, error) {
	if b.MessageID != "" {
		item, err := in.Tx.OutboxByMessageID(b.MessageID)
		if err != nil {
			return nil, "", err
		}
		if item != nil && item.CaseID != "" {
			return item, item.CaseID, nil
		}
	}
	if id, err := complaint.ParseID(b.Case); err == nil {
		if _, err := in.Tx.Case(id); err == nil {
			return nil, id, nil
		}
	}
	for _, refs := range [][]string{b.InReplyTo, b.References, b.ReportInReplyTo, b.ReportReferences} {
		for _, ref := range refs {
			if id := in.Tx.CaseByMessageID(ref); id != "" {
				item, err := in.Tx.OutboxByMessageID(ref)
				if err != nil || item == nil || item.CaseID != id {
					item = nil
				}
				return item, id, nil
			}
		}
	}
	return nil, "", nil
}

// bounceReason says why delivery failed, for the record and the alert.
func bounceReason(b *dsn.Bounce) string {
	var parts []string
	for _, r := range b.Recipients {
		p := strings.TrimSpace(r.Addr + " " + r.Status)
		if r.Diagnostic != "" {
			p += ": " + r.Diagnostic
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return b.Action
	}
	return strings.Join(parts, "; ")
}
