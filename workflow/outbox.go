package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
// result after, so a crash neither loses a mail nor, outside the moment
// between the server's acceptance and our record of it, sends one twice.
type Outbox struct {
	Store  *storage.Store
	Sender Sender
	Clock  Clock
	Log    *slog.Logger
	Wake   <-chan struct{}
	// RetryBase is the first retry delay after a temporary failure; it doubles
	// up to RetryMax. A mail still failing after GiveUpAfter is marked failed.
	RetryBase, RetryMax, GiveUpAfter time.Duration

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
		if item.State == storage.OutboxQueued && item.NextAttempt.After(o.Clock.Now()) {
			if next.IsZero() || item.NextAttempt.Before(next) {
				next = item.NextAttempt
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
			// Interrupted mid-attempt: the server may or may not have taken it.
			// Sending again risks a duplicate (same Message-ID); not sending risks a loss.
			o.Log.Warn("resending mail whose earlier attempt was interrupted", "outbox", id, "case", item.CaseID)
		}
		item.State = storage.OutboxSending
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
	var retryAt time.Time
	var temp *mailbox.TemporaryError
	switch {
	case sendErr == nil:
		item.State = storage.OutboxSent
		item.SentAt = &now
		item.LastError = ""
		log.Info("mail sent", "message_id", item.Mail.MessageID)
	case errors.As(sendErr, &temp) && now.Sub(item.Mail.Date) < o.GiveUpAfter:
		delay := o.RetryBase << min(item.Attempts-1, 20)
		if delay > o.RetryMax || delay <= 0 {
			delay = o.RetryMax
		}
		retryAt = now.Add(delay)
		item.State = storage.OutboxQueued
		item.NextAttempt = retryAt
		item.LastError = sendErr.Error()
		log.Warn("mail not sent, will retry", "err", sendErr, "retry_at", retryAt)
	default:
		item.State = storage.OutboxFailed
		item.LastError = sendErr.Error()
		log.Error("mail failed", "err", sendErr)
	}
	err = o.Store.Update(func(tx *storage.Tx) error {
		if err := tx.PutOutbox(item); err != nil {
			return err
		}
		if item.CaseID == "" {
			return nil
		}
		ev := &storage.Event{At: now.UTC(), Actor: "klachtbot", MessageID: item.Mail.MessageID}
		switch item.State {
		case storage.OutboxSent:
			ev.Kind, ev.Detail = EvMailSent, item.Kind+" to "+fmt.Sprint(item.Mail.To)
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
		case storage.OutboxQueued:
			ev.Kind, ev.Detail = EvMailRetry, item.Kind+": "+item.LastError
		default:
			ev.Kind, ev.Detail = EvMailFailed, item.Kind+": "+item.LastError
		}
		return tx.AppendEvent(item.CaseID, ev)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("record outbox %d result: %w", id, err)
	}
	return retryAt, nil
}

func outgoing(m *storage.Mail) *mailbox.Outgoing {
	return &mailbox.Outgoing{
		From: m.From, FromName: m.FromName, To: m.To, Subject: m.Subject,
		MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		Date: m.Date, Headers: m.Headers, Text: m.Text, HTML: m.HTML,
	}
}
