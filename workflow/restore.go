package workflow

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// After a restore from a backup, the watchers read again the mail that
// arrived after it. The copies of what the bot sent meanwhile (every mail
// it sends reaches a watched folder, carrying X-Klachtbot-Case) are read
// first (mailbox.Watcher.Prescan): no case number below theirs is given out
// again, a complaint they acknowledged gets its old number back and no
// second acknowledgement, and a mail still queued in the restored outbox
// counts as sent.

// Copies implements mailbox.CopyHandler.
func (h *FolderHandler) Copies(msgs []*message.Message) error {
	return h.e.store.Update(func(tx Tx) error {
		for _, m := range msgs {
			if err := h.e.copyFound(tx, m, h.src); err != nil {
				return fmt.Errorf("copy %s: %w", m.MessageID, err)
			}
		}
		return nil
	})
}

// restoredAck is what the copy of an acknowledgement says, kept until the
// mail it answers is read again: "case-id message-id sent-at".
const restoredAck = "restored-ack/"

func (e *Engine) copyFound(tx Tx, m *message.Message, src Source) error {
	num, err := complaint.ParseNumber(m.Case)
	if err != nil || !e.cfg.own(m.From.Addr) {
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
			e.log.Info("queued mail found sent by its copy", "outbox", item.ID, "case", id)
			return outbox.MarkSent(tx, item, e.clock.Now(), " (its copy in "+src.Key()+" shows it went out before a restore)", nil)
		}
		return nil
	}
	// An acknowledgement this store does not know: sent after the backup.
	if compose.KindOf(m.MessageID) == "ack" && len(m.InReplyTo) > 0 {
		sent := m.Date
		if sent.IsZero() {
			sent = e.clock.Now()
		}
		return tx.SetMeta(restoredAck+m.InReplyTo[0], id+" "+m.MessageID+" "+sent.UTC().Format(time.RFC3339))
	}
	return nil
}

// restoredCase is the case number and acknowledgement a complaint had
// before a restore; ok is false for mail the bot never answered.
func restoredCase(tx Tx, msgid string) (id, ackID string, ackAt time.Time, ok bool) {
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
func (e *Engine) reopenRestored(tx Tx, c *complaint.Case, m *message.Message, id, ackID string, ackAt time.Time, log *slog.Logger) error {
	c.ID, c.AcknowledgedAt = id, &ackAt
	if err := tx.IndexMessageID(ackID, id); err != nil {
		return err
	}
	if err := tx.SetMeta(restoredAck+m.MessageID, ""); err != nil {
		return err
	}
	log.Info("complaint read again after a restore: its number and acknowledgement kept", "case", id, "ack", ackID)
	return e.event(tx, id, complaint.EvAckSuppressed, "klachtbot", ackID, "acknowledged before a restore from a backup (its copy was found); not sent again")
}
