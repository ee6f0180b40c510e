package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/storage"
)

// Sender sends one mail with the SMTP settings of an account.
type Sender interface {
	Send(ctx context.Context, account string, m *mailbox.Outgoing) error
}

// Outbox sends queued mail: each attempt is recorded before it starts and its
// result after, so a crash never loses a mail. A crash between the server's
// acceptance and our record of it leaves the outcome unknown; every mail
// therefore reaches a watched mailbox too (the director it is sent for: To,
// or Bcc), and an interrupted mail counts as sent when that copy shows up.
// Only when none arrives within ConfirmWait is it sent again.
type Outbox struct {
	Store  *storage.Store
	Sender Sender
	Clock  Clock
	Log    *slog.Logger
	Wake   <-chan struct{}
	// RetryBase is the first retry delay after a temporary failure; it doubles
	// up to RetryMax. A mail still failing after GiveUpAfter is marked failed.
	RetryBase, RetryMax, GiveUpAfter time.Duration
	// ConfirmWait is how long an interrupted attempt waits for its copy.
	ConfirmWait time.Duration

	mu sync.Mutex // one flush at a time: the worker and tick must not both send an item
}

// Run sends due mail until ctx is cancelled.
func (o *Outbox) Run(ctx context.Context) error {
	for {
		next, err := o.Flush(ctx)
		if err != nil {
			o.Log.Error("outbox", "err", err)
			next = o.Clock.Now().Add(o.RetryBase)
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(o.Clock.Now()), 0)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-o.Wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Flush sends every due item once and returns when the next one is due (zero: none pending).
func (o *Outbox) Flush(ctx context.Context) (next time.Time, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var pending []*storage.OutboxItem
	if err := o.Store.View(func(tx *storage.Tx) (err error) {
		pending, err = tx.Pending()
		return err
	}); err != nil {
		return time.Time{}, fmt.Errorf("list outbox: %w", err)
	}
	for _, item := range pending {
		if ctx.Err() != nil {
			return time.Time{}, nil
		}
		due := item.NextAttempt
		if item.State == storage.OutboxSending {
			due = item.AttemptAt.Add(o.ConfirmWait)
		}
		if due.After(o.Clock.Now()) {
			if next.IsZero() || due.Before(next) {
				next = due
			}
			continue
		}
		retryAt, err := o.send(ctx, item.ID)
		if err != nil {
			return time.Time{}, err
		}
		if !retryAt.IsZero() && (next.IsZero() || retryAt.Before(next)) {
			next = retryAt
		}
	}
	return next, nil
}

var errDone = errors.New("already done")

// send makes one attempt at one item; it returns when to retry (zero: done).
func (o *Outbox) send(ctx context.Context, id uint64) (time.Time, error) {
	var item *storage.OutboxItem
	err := o.Store.Update(func(tx *storage.Tx) (err error) {
		if item, err = tx.OutboxItem(id); err != nil {
			return err
		}
		if item.State != storage.OutboxQueued && item.State != storage.OutboxSending {
			return errDone
		}
		if item.State == storage.OutboxSending {
			o.Log.Warn("resending mail: its earlier attempt was interrupted and no copy arrived",
				"outbox", id, "case", item.CaseID, "attempt_at", item.AttemptAt)
		}
		item.State = storage.OutboxSending
		item.AttemptAt = o.Clock.Now()
		item.Attempts++
		return tx.PutOutbox(item)
	})
	if errors.Is(err, errDone) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("begin outbox %d: %w", id, err)
	}
	log := o.Log.With("outbox", id, "case", item.CaseID, "kind", item.Kind, "to", item.Mail.To, "attempt", item.Attempts)
	sendErr := o.Sender.Send(ctx, item.Account, outgoing(&item.Mail))
	now := o.Clock.Now()
	if sendErr == nil {
		log.Info("mail sent", "message_id", item.Mail.MessageID)
		err = o.Store.Update(func(tx *storage.Tx) error {
			// The copy may have been seen first; that recorded it already.
			if cur, err := tx.OutboxItem(id); err != nil || cur.State == storage.OutboxSent {
				return err
			}
			return markSent(tx, item, now, "")
		})
		if err != nil {
			return time.Time{}, fmt.Errorf("record outbox %d result: %w", id, err)
		}
		return time.Time{}, nil
	}
	var retryAt time.Time
	var temp *mailbox.TemporaryError
	ev := &storage.Event{At: now.UTC(), Actor: "klachtbot", MessageID: item.Mail.MessageID}
	if errors.As(sendErr, &temp) && now.Sub(item.Mail.Date) < o.GiveUpAfter {
		delay := o.RetryBase << min(item.Attempts-1, 20)
		if delay > o.RetryMax || delay <= 0 {
			delay = o.RetryMax
		}
		retryAt = now.Add(delay)
		item.State, item.NextAttempt = storage.OutboxQueued, retryAt
		ev.Kind = EvMailRetry
		log.Warn("mail not sent, will retry", "err", sendErr, "retry_at", retryAt)
	} else {
		item.State = storage.OutboxFailed
		ev.Kind = EvMailFailed
		log.Error("mail failed", "err", sendErr)
	}
	item.LastError = sendErr.Error()
	ev.Detail = item.Kind + ": " + item.LastError
	err = o.Store.Update(func(tx *storage.Tx) error {
		if err := tx.PutOutbox(item); err != nil || item.CaseID == "" {
			return err
		}
		return tx.AppendEvent(item.CaseID, ev)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("record outbox %d result: %w", id, err)
	}
	return retryAt, nil
}

// markSent records that a mail went out: the server took it, or (how) its copy arrived.
func markSent(tx *storage.Tx, item *storage.OutboxItem, now time.Time, how string) error {
	item.State, item.SentAt, item.LastError = storage.OutboxSent, &now, ""
	if err := tx.PutOutbox(item); err != nil || item.CaseID == "" {
		return err
	}
	if item.Kind == "ack" {
		c, err := tx.Case(item.CaseID)
		if err != nil {
			return err
		}
		c.AcknowledgedAt = &now
		if err := tx.PutCase(c); err != nil {
			return err
		}
	}
	return tx.AppendEvent(item.CaseID, &storage.Event{At: now.UTC(), Kind: EvMailSent, Actor: "klachtbot",
		MessageID: item.Mail.MessageID, Detail: item.Kind + " to " + strings.Join(item.Mail.To, ", ") + how})
}

func outgoing(m *storage.Mail) *mailbox.Outgoing {
	return &mailbox.Outgoing{
		From: m.From, FromName: m.FromName, To: m.To, Bcc: m.Bcc, Subject: m.Subject,
		MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		Date: m.Date, Headers: m.Headers, Text: m.Text, HTML: m.HTML,
	}
}
