package intake

import (
	"log/slog"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/policy"
)

// restoredAck is what the copy of an acknowledgement says, kept until the
// mail it answers is read again: "case-id message-id sent-at".
const restoredAck = "restored-ack/"

func CopyFound(k *casework.Clerk, tx casework.Tx, m *message.Message, src policy.Source) error {
	num, err := complaint.ParseNumber(m.Case)
	if err != nil || !k.Cfg.Own(m.From.Addr) {
		return nil // not one of ours
	}
	id := num.String()
	if err := tx.RaiseCaseSeq(num.Year, num.Seq); err != nil {
		return err
	}
	item, err := tx.OutboxByMessageID(m.MessageID)
	if err != nil {
		return err
	}
	if item != nil {
		if item.State == outbox.Queued || item.State == outbox.Sending {
			k.Log.Info("queued mail found sent by its copy", "outbox", item.ID, "case", id)
			return outbox.MarkSent(tx, item, k.Clock.Now(), " (its copy in "+src.Key()+" shows it went out before a restore)", nil)
		}
		return nil
	}
	// An acknowledgement this store does not know: sent after the backup.
	if compose.KindOf(m.MessageID) == string(outbox.KindAck) && len(m.InReplyTo) > 0 {
		sent := m.Date
		if sent.IsZero() {
			sent = k.Clock.Now()
		}
		return tx.SetMeta(restoredAck+m.InReplyTo[0], id+" "+m.MessageID+" "+sent.UTC().Format(time.RFC3339))
	}
	return nil
}

// restoredCase is the case number and acknowledgement a complaint had
// before a restore; ok is false for mail the bot never answered.
func restoredCase(tx casework.Tx, msgid string) (id, ackID string, ackAt time.Time, ok bool) {
	v := tx.Meta(restoredAck + msgid)
	f := strings.Fields(v)
	if len(f) != 3 {
		return "", "", time.Time{}, false
	}
	if _, err := tx.Case(f[0]); err == nil {
		return "", "", time.Time{}, false // the number is taken in this store after all
	}
	at, _ := time.Parse(time.RFC3339, f[2])
	return f[0], f[1], at, true
}

// reopenRestored opens a complaint read again after a restore under the
// number it had, recorded as acknowledged by the copy found; no second
// acknowledgement goes out.
func reopenRestored(k *casework.Clerk, tx casework.Tx, c *complaint.Case, m *message.Message, id, ackID string, ackAt time.Time, log *slog.Logger) error {
	c.ID, c.AcknowledgedAt = id, &ackAt
	if err := tx.IndexMessageID(ackID, id); err != nil {
		return err
	}
	if err := tx.SetMeta(restoredAck+m.MessageID, ""); err != nil {
		return err
	}
	log.Info("complaint read again after a restore: its number and acknowledgement kept", "case", id, "ack", ackID)
	return k.Event(tx, id, complaint.Event{Kind: complaint.EvAckSuppressed, Actor: "klachtbot", MessageID: ackID, Detail: "acknowledged before a restore from a backup (its copy was found); not sent again"})
}
