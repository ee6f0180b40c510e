package casework

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/learning"
)

// A new case: its number and target (newCase), its registration with the
// first mail (register), and the acknowledgement to the client within the
// limits (acknowledge).

// NewCase is a case received at received, with its target; id "" gives it
// the next number of its year.
func (k *Clerk) NewCase(tx Tx, id string, client message.Address, director, subject string, received time.Time) (*complaint.Case, error) {
	if id == "" {
		var err error
		if id, err = tx.NextCaseID(received.In(k.Cfg.Location).Year()); err != nil {
			return nil, fmt.Errorf("allocate case number: %w", err)
		}
	}
	return &complaint.Case{
		ID:         id,
		Client:     client.Addr,
		ClientName: client.Name,
		Director:   director,
		Subject:    subject,
		Language:   "nl",
		ReceivedAt: received.UTC(),
		TargetAt:   k.Target(received),
	}, nil
}

// Target is the date the procedure promises for a complaint received at received.
func (k *Clerk) Target(received time.Time) time.Time {
	return k.Cal.Target(received).UTC()
}

// Register stores a new case with its first message and records its receipt.
func (k *Clerk) Register(tx Tx, c *complaint.Case, rec *complaint.Message, raw []byte, actor, detail string) error {
	if rec.Role == "" {
		rec.Role = complaint.RoleClient
	}
	if err := tx.PutCase(c); err != nil {
		return err
	}
	if err := Keep(tx, c.ID, rec, raw); err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if err := k.EventFor(tx, c.ID, rec, complaint.Event{Kind: complaint.EvReceived, Actor: actor, Detail: detail}); err != nil {
		return err
	}
	if len(rec.Problems) > 0 {
		return k.EventFor(tx, c.ID, rec, complaint.Event{Kind: complaint.EvMalformed, Actor: "klachtbot", Detail: strings.Join(rec.Problems, "; ")})
	}
	return nil
}

// Acknowledge queues the acknowledgement of a case to its client, unless
// the mail must get no automatic answer or the client had enough today. m
// is the client's mail it answers; nil for a complaint made by phone, which
// is confirmed as a new conversation.
func (k *Clerk) Acknowledge(tx Tx, c *complaint.Case, m *message.Message, log *slog.Logger) (bool, error) {
	var reason, evidence string
	to := k.Cfg.AckRecipient(c, m)
	if m != nil {
		reason, evidence = k.Cfg.SuppressAck(m), m.MessageID
	} else if to == "" {
		reason = "no address to confirm the complaint to"
	}
	now := k.Clock.Now()
	if reason == "" {
		var err error
		if reason, err = k.ackLimits(tx, c, to, now); err != nil {
			return false, err
		}
	}
	if reason != "" {
		log.Info("acknowledgement suppressed", "reason", reason)
		return false, k.Event(tx, c.ID, complaint.Event{Kind: complaint.EvAckSuppressed, Actor: "klachtbot", MessageID: evidence, Detail: reason})
	}
	dir := k.Cfg.Director(c.Director)
	if dir == nil {
		return false, fmt.Errorf("case %s: director %s is not configured", c.ID, c.Director)
	}
	item, err := k.Mail.Ack(c, compose.Director(*dir), m, to, now)
	if err != nil {
		return false, err
	}
	if err := k.Queue(tx, item); err != nil {
		return false, fmt.Errorf("queue acknowledgement: %w", err)
	}
	// The limits count the address the acknowledgement goes to, and all of them.
	if err := tx.RecordAck(to, now, now.Add(-24*time.Hour)); err != nil {
		return false, err
	}
	if err := tx.RecordAck(allAcks, now, now.Add(-time.Hour)); err != nil {
		return false, err
	}
	return true, k.Event(tx, c.ID, complaint.Event{Kind: complaint.EvAckQueued, Actor: "klachtbot", MessageID: item.Mail.MessageID, Detail: complaint.Detail(complaint.DetAckTo, "to", strings.Join(item.Mail.To, ", "))})
}

// ackLimits says why no acknowledgement may go to to now ("" when it may),
// and alerts when a limit holds one back: at most MaxAcksPerDay to one
// address in 24 hours, at most MaxAcksPerHour from the firm in an hour (a
// flood of forged complaints must not make the firm a spammer).
func (k *Clerk) ackLimits(tx Tx, c *complaint.Case, to string, now time.Time) (string, error) {
	n, err := tx.AcksSince(to, now.Add(-24*time.Hour))
	if err != nil {
		return "", err
	}
	if n >= k.Cfg.MaxAcksPerDay {
		return fmt.Sprintf("%s already acknowledged %d times in 24 hours", to, n), k.Alerts.RaiseNamed(tx, alert.Incident{
			Key: "rate-limit/" + to + "/" + now.In(k.Cfg.Location).Format("2006-01-02"), Kind: alert.KindRateLimit, Case: c.ID},
			"ack-limit", templates.IncidentAckLimit{To: to, Case: c.ID, Count: n}, now)
	}
	if k.Cfg.MaxAcksPerHour > 0 {
		n, err := tx.AcksSince(allAcks, now.Add(-time.Hour))
		if err != nil {
			return "", err
		}
		if n >= k.Cfg.MaxAcksPerHour {
			return fmt.Sprintf("held: %d acknowledgements in the last hour reach max_acks_per_hour", n), k.Alerts.RaiseNamed(tx, alert.Incident{
				Key: "ack-flood/" + now.In(k.Cfg.Location).Format("2006-01-02T15"), Kind: alert.KindRateLimit, Case: c.ID},
				"ack-flood", templates.IncidentAckFlood{Case: c.ID, Count: n}, now)
		}
	}
	return "", nil
}

// Accept makes a held mail a complaint and acknowledges it now, with the
// target counted from the original receipt.
func (k *Clerk) Accept(tx Tx, c *complaint.Case, who, msgid, source string, log *slog.Logger) (bool, error) {
	change := c.Accept()
	if change == nil {
		return false, nil
	}
	if err := k.Learner.Learn(tx, c, true, source, log); err != nil {
		return false, err
	}
	c.TargetAt = k.Target(c.ReceivedAt)
	if err := k.Record(tx, c, change, who, msgid); err != nil {
		return false, err
	}
	first, err := learning.FirstMail(tx, c)
	if err != nil {
		return false, err
	}
	log.Info("held mail accepted as a complaint", "case", c.ID, "by", who)
	return k.Acknowledge(tx, c, first, log)
}
