// Package outbox owns the mail the bot sends, from the queue to the SMTP
// server: the queued item, the worker that sends what is due with retries
// and backoff, and what a sent mail records on its case.
//
// It declares what it needs from a store (Tx) and from a sender (Sender):
// it must not import storage, mailbox or workflow. cmd wires them in.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Item states.
const (
	Queued  = "queued"
	Sending = "sending" // an attempt began; after a crash, its copy in a watched folder tells whether it went
	Sent    = "sent"
	Failed  = "failed"
)

// Item is a mail waiting to be sent, or the record of its sending.
type Item struct {
	ID          uint64           `json:"id"`
	CaseID      string           `json:"case_id"`
	Kind        string           `json:"kind"`
	Account     string           `json:"account"` // director address whose SMTP settings send it
	Mail        message.Outgoing `json:"mail"`
	State       string           `json:"state"`
	Attempts    int              `json:"attempts"`
	NextAttempt time.Time        `json:"next_attempt"`
	AttemptAt   time.Time        `json:"attempt_at,omitzero"` // when the last attempt began
	LastError   string           `json:"last_error,omitempty"`
	SentAt      *time.Time       `json:"sent_at,omitempty"`
}

// KindAck is the acknowledgement of a new case: sending it sets the case's acknowledged_at.
const KindAck = "ack"

// KindAlert is a mail about an incident (workflow/alert).
const KindAlert = "alert"

// Sender sends one mail with the SMTP settings of an account. An error
// with a method Temporary() bool that reports true is worth retrying.
type Sender interface {
	Send(ctx context.Context, account string, m *message.Outgoing) error
}

// Tx is what the outbox reads and writes in one store transaction.
type Tx interface {
	OutboxItem(id uint64) (*Item, error)
	PutOutbox(*Item) error
	Pending() ([]*Item, error)
	Case(id string) (*complaint.Case, error)
	PutCase(*complaint.Case) error
	AppendEvent(caseID string, ev *complaint.Event) error
}

// Store runs transactions.
type Store interface {
	Update(func(Tx) error) error
	View(func(Tx) error) error
}

// Bind makes a Store of a store whose transaction type T implements Tx.
func Bind[T Tx](update, view func(func(T) error) error) Store { return boundStore[T]{update, view} }

type boundStore[T Tx] struct{ update, view func(func(T) error) error }

func (s boundStore[T]) Update(fn func(Tx) error) error {
	return s.update(func(t T) error { return fn(t) })
}
func (s boundStore[T]) View(fn func(Tx) error) error { return s.view(func(t T) error { return fn(t) }) }

// Clock gives the current time.
type Clock interface{ Now() time.Time }

// Settings of the retries; Defaults has the values used when a key is not configured.
type Settings struct {
	// RetryBase is the first retry delay after a temporary failure; it doubles
	// up to RetryMax. A mail still failing after GiveUpAfter is marked failed.
	RetryBase, RetryMax, GiveUpAfter time.Duration
	// ConfirmWait is how long an interrupted attempt waits for its copy.
	ConfirmWait time.Duration
}

// Defaults are the retry settings when none are configured.
var Defaults = Settings{RetryBase: time.Minute, RetryMax: time.Hour, GiveUpAfter: 72 * time.Hour, ConfirmWait: 2 * time.Minute}

// Worker sends queued mail: each attempt is recorded before it starts and its
// result after, so a crash never loses a mail. A crash between the server's
// acceptance and our record of it leaves the outcome unknown; every mail
// therefore reaches a watched mailbox too (the director it is sent for: To,
// or Bcc), and an interrupted mail counts as sent when that copy shows up.
// Only when none arrives within ConfirmWait is it sent again.
type Worker struct {
	Store  Store
	Sender Sender
	Clock  Clock
	Log    *slog.Logger
	Wake   <-chan struct{}
	// Failed is told of a mail given up on (refused for good, or failing
	// past GiveUpAfter), after that is recorded.
	Failed func(item *Item, reason string)
	// Observe, when set, is told the result of every attempt (nil: sent).
	Observe func(item *Item, err error)
	// Fallback are the accounts an alert tries, in turn, when its own
	// fails: an alert about a broken account must not depend on it.
	Fallback []string
	Settings

	mu sync.Mutex // one flush at a time: the worker and tick must not both send an item
}

// Run sends due mail until ctx is cancelled.
func (o *Worker) Run(ctx context.Context) error {
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
func (o *Worker) Flush(ctx context.Context) (next time.Time, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var pending []*Item
	if err := o.Store.View(func(tx Tx) (err error) {
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
		if item.State == Sending {
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
func (o *Worker) send(ctx context.Context, id uint64) (time.Time, error) {
	var item *Item
	err := o.Store.Update(func(tx Tx) (err error) {
		if item, err = tx.OutboxItem(id); err != nil {
			return err
		}
		if item.State != Queued && item.State != Sending {
			return errDone
		}
		if item.State == Sending {
			o.Log.Warn("resending mail: its earlier attempt was interrupted and no copy arrived",
				"outbox", id, "case", item.CaseID, "attempt_at", item.AttemptAt)
		}
		item.State = Sending
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
	sendErr := o.Sender.Send(ctx, item.Account, &item.Mail)
	for _, account := range o.Fallback {
		if sendErr == nil || item.Kind != KindAlert {
			break
		}
		if account != item.Account {
			log.Warn("alert not sent, trying another account", "err", sendErr, "account", account)
			sendErr = o.Sender.Send(ctx, account, &item.Mail)
		}
	}
	now := o.Clock.Now()
	if o.Observe != nil {
		o.Observe(item, sendErr)
	}
	if sendErr == nil {
		log.Info("mail sent", "message_id", item.Mail.MessageID)
		err = o.Store.Update(func(tx Tx) error {
			// The copy may have been seen first; that recorded it already.
			if cur, err := tx.OutboxItem(id); err != nil || cur.State == Sent {
				return err
			}
			return MarkSent(tx, item, now, "")
		})
		if err != nil {
			return time.Time{}, fmt.Errorf("record outbox %d result: %w", id, err)
		}
		return time.Time{}, nil
	}
	var retryAt time.Time
	var temp interface{ Temporary() bool }
	ev := &complaint.Event{At: now.UTC(), Actor: "klachtbot", MessageID: item.Mail.MessageID}
	if errors.As(sendErr, &temp) && temp.Temporary() && now.Sub(item.Mail.Date) < o.GiveUpAfter {
		delay := o.RetryBase << min(item.Attempts-1, 20)
		if delay > o.RetryMax || delay <= 0 {
			delay = o.RetryMax
		}
		retryAt = now.Add(delay)
		item.State, item.NextAttempt = Queued, retryAt
		ev.Kind = complaint.EvMailRetry
		log.Warn("mail not sent, will retry", "err", sendErr, "retry_at", retryAt)
	} else {
		item.State = Failed
		ev.Kind = complaint.EvMailFailed
		log.Error("mail failed", "err", sendErr)
	}
	item.LastError = sendErr.Error()
	ev.Detail = item.Kind + ": " + item.LastError
	err = o.Store.Update(func(tx Tx) error {
		if err := tx.PutOutbox(item); err != nil || item.CaseID == "" {
			return err
		}
		return tx.AppendEvent(item.CaseID, ev)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("record outbox %d result: %w", id, err)
	}
	if item.State == Failed && o.Failed != nil {
		o.Failed(item, item.LastError)
	}
	return retryAt, nil
}

// MarkSent records that a mail went out: the server took it, or (how) its
// copy arrived in a watched folder. A sent acknowledgement sets the case's
// acknowledged_at.
func MarkSent(tx Tx, item *Item, now time.Time, how string) error {
	item.State, item.SentAt, item.LastError = Sent, &now, ""
	if err := tx.PutOutbox(item); err != nil || item.CaseID == "" {
		return err
	}
	if item.Kind == KindAck {
		c, err := tx.Case(item.CaseID)
		if err != nil {
			return err
		}
		c.AcknowledgedAt = &now
		if err := tx.PutCase(c); err != nil {
			return err
		}
	}
	return tx.AppendEvent(item.CaseID, &complaint.Event{At: now.UTC(), Kind: complaint.EvMailSent, Actor: "klachtbot",
		MessageID: item.Mail.MessageID, Detail: item.Kind + " to " + strings.Join(item.Mail.To, ", ") + how})
}
