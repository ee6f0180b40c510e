// Package outbox owns the mail the bot sends, from the queue to the SMTP
// server: the queued item, the worker that sends what is due with retries
// and backoff, and what a sent mail records on its case.
//
// It declares what it needs from a store (Tx) and from a sender (Sender):
// it must not import storage, mailbox or workflow (of mailbox only the
// leaves message and mailerr, the kinds of failure it decides by). cmd
// wires them in.
package outbox

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// State is where an item is on its way out, stored as its name ("queued").
type State string

// Item states.
const (
	Queued  State = "queued"
	Sending State = "sending" // an attempt began; after a crash, its copy in a watched folder tells whether it went
	Sent    State = "sent"
	Failed  State = "failed"
)

// Kind is what a mail is, stored as its name ("ack"); an event's detail
// names it too ("ack to jan@klant.test").
type Kind string

// Kinds of mail.
const (
	// KindAck is the acknowledgement of a new case: sending it sets the case's acknowledged_at.
	KindAck Kind = "ack"
	// KindAlert is a mail about an incident (workflow/alert).
	KindAlert Kind = "alert"

	// From a director to the client, or to a staff member.
	KindNewTerm Kind = "new-term" // a new target date, to the client
	KindClosing Kind = "closing"  // the closing mail with the question whether the client is satisfied
	KindConsult Kind = "consult"  // a staff member is asked for their side

	// From the bot to directors.
	KindNotice       Kind = "notice"       // something a director should know about a case
	KindReminder     Kind = "reminder"     // no answer yet (to the client, to the triage question, from a staff member)
	KindWarning      Kind = "warning"      // the target date is near
	KindEscalation   Kind = "escalation"   // the target date has passed
	KindConfirmation Kind = "confirmation" // a director's command was carried out
	KindTriage       Kind = "triage"       // a held mail: complaint or not?
	KindDigest       Kind = "digest"       // the daily overview
	KindNoCase       Kind = "no-case"      // an answer to a director's mail without a case number
)

// Kinds lists every kind of mail.
var Kinds = []Kind{KindAck, KindAlert, KindNewTerm, KindClosing, KindConsult, KindNotice, KindReminder,
	KindWarning, KindEscalation, KindConfirmation, KindTriage, KindDigest, KindNoCase}

// Item is a mail waiting to be sent, or the record of its sending.
type Item struct {
	ID          uint64           `json:"id"`
	CaseID      string           `json:"case_id"`
	Kind        Kind             `json:"kind"`
	Account     string           `json:"account"` // director address whose SMTP settings send it
	Mail        message.Outgoing `json:"mail"`
	State       State            `json:"state"`
	Attempts    int              `json:"attempts"`
	NextAttempt time.Time        `json:"next_attempt"`
	AttemptAt   time.Time        `json:"attempt_at,omitzero"` // when the last attempt began
	LastError   string           `json:"last_error,omitempty"`
	LastKind    string           `json:"last_kind,omitempty"` // of LastError (mailerr.Kind)
	// Cause is the account failure the mail waits behind ("<account> <kind>",
	// as Cause gives it), while it does; an incident names the same.
	Cause string `json:"cause,omitempty"`
	// Incident is the key of the incident an alert tells of.
	Incident string     `json:"incident,omitempty"`
	SentAt   *time.Time `json:"sent_at,omitempty"`
	// Once sent, the text goes (Slim): the mail's bytes are on its case,
	// and what a digest vouched for is its seal.
	BodySum string `json:"body_sum,omitempty"` // sha256 of the text and HTML as queued, hex
	Seal    string `json:"seal,omitempty"`     // a digest's seal line
}

// Slim drops the text of a sent mail from its outbox record: a case's mail
// is kept byte for byte on the case; a digest keeps the seal it carried
// and a digest of its text, not the text (it is in the director's mailbox).
func (it *Item) Slim() {
	if it.Mail.Text == "" && it.Mail.HTML == "" {
		return
	}
	sum := sha256.Sum256([]byte(it.Mail.Text + "\x00" + it.Mail.HTML))
	it.BodySum = hex.EncodeToString(sum[:])
	for line := range strings.Lines(it.Mail.Text) {
		if strings.HasPrefix(line, "Zegel:") {
			it.Seal = strings.TrimSpace(line)
		}
	}
	it.Mail.Text, it.Mail.HTML = "", ""
}

// Sender sends one mail with the SMTP settings of an account. Its errors
// carry their kind (mailbox/mailerr): only Refused gives a mail up before
// GiveUpAfter.
type Sender interface {
	Send(ctx context.Context, account string, m *message.Outgoing) error
}

// Dialer is a Sender that also sends several mails of one account over one
// connection, and tells the bytes it sent.
type Dialer interface {
	Dial(ctx context.Context, account string) (message.Conn, error)
}

// PerConn bounds the mails sent over one connection: servers limit them
// (Postfix: smtpd_recipient_limit per message, but also session limits),
// and a long session holds a slot of theirs.
const PerConn = 50

// Tx is what the outbox reads and writes in one store transaction.
type Tx interface {
	OutboxItem(id uint64) (*Item, error)
	PutOutbox(*Item) error
	Pending() ([]*Item, error)
	Case(id string) (*complaint.Case, error)
	PutCase(*complaint.Case) error
	AppendEvent(caseID string, ev *complaint.Event) error
	AddMessage(caseID string, m *complaint.Message, raw []byte) error
}

// Store runs transactions.
type Store interface {
	Update(func(Tx) error) error
	View(func(Tx) error) error
}

// Bind makes a Store of a store whose transaction type T implements Tx,
// e.g. outbox.Bind(st.Update, st.View) for a *storage.Store.
func Bind[T Tx](update, view func(func(T) error) error) Store {
	return BindAs(update, view, func(t T) Tx { return t })
}

// BindAs binds a store whose transaction type is T to the transaction
// interface I that T implements, as says how (func(t T) I { return t }): the
// one adapter behind Bind and workflow.Bind.
func BindAs[T, I any](update, view func(func(T) error) error, as func(T) I) Bound[T, I] {
	return Bound[T, I]{update, view, as}
}

// Bound is a store bound to a transaction interface I (BindAs).
type Bound[T, I any] struct {
	update, view func(func(T) error) error
	as           func(T) I
}

// Update runs fn in a transaction that writes everything or nothing.
func (s Bound[T, I]) Update(fn func(I) error) error {
	return s.update(func(t T) error { return fn(s.as(t)) })
}

// View runs fn in a read-only transaction.
func (s Bound[T, I]) View(fn func(I) error) error {
	return s.view(func(t T) error { return fn(s.as(t)) })
}

// Clock gives the current time; the domain never reads the system clock
// itself. workflow.Clock is this type.
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
	// past GiveUpAfter), after that is recorded. Never of an alert: a
	// failed alert must not raise an alert of its own.
	Failed func(item *Item, reason string)
	// Sending is told, after each attempt with an account, whether the
	// account could send: nil, or the account's failure (mailerr kinds
	// that Account() reports). Mail waits behind such a failure; whoever
	// is told makes one incident of it, however many mails meet it.
	Sending func(account string, failure error)
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

// Flush sends every due item once and returns when the next one is due
// (zero: none pending). Mails of one account due in a row go over one
// connection (at most PerConn) when the Sender is a Dialer, and their
// attempts and results are recorded in one transaction each: a crash in
// between leaves them "sending", for their copies to confirm.
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
	later := func(at time.Time) {
		if !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	var due []*Item
	for _, item := range pending {
		at := item.NextAttempt
		if item.State == Sending {
			at = item.AttemptAt.Add(o.ConfirmWait)
		}
		if at.After(o.Clock.Now()) {
			later(at)
			continue
		}
		due = append(due, item)
	}
	dialer, _ := o.Sender.(Dialer)
	if dialer != nil {
		// One account's mails together, each account's in their order.
		order := map[string]int{}
		for _, it := range due {
			if _, ok := order[it.Account]; !ok {
				order[it.Account] = len(order)
			}
		}
		slices.SortStableFunc(due, func(a, b *Item) int { return cmp.Compare(order[a.Account], order[b.Account]) })
	}
	for len(due) > 0 {
		if ctx.Err() != nil {
			return time.Time{}, nil
		}
		// A run: the next mails of one account, over one connection. An
		// alert goes alone: it may have to try other accounts.
		alone := dialer == nil || due[0].Kind == KindAlert
		n := 1
		for !alone && n < len(due) && n < PerConn &&
			due[n].Account == due[0].Account && due[n].Kind != KindAlert {
			n++
		}
		ids := make([]uint64, n)
		for i, item := range due[:n] {
			ids[i] = item.ID
		}
		due = due[n:]
		var retryAt time.Time
		if alone {
			retryAt, err = o.send(ctx, ids[0])
		} else {
			retryAt, err = o.sendRun(ctx, dialer, ids)
		}
		if err != nil {
			return time.Time{}, err
		}
		later(retryAt)
	}
	return next, nil
}

// begin records that an attempt at each item starts; it returns the items
// still to send (one sent or failed meanwhile is left out).
func (o *Worker) begin(ids []uint64) ([]*Item, error) {
	var items []*Item
	err := o.Store.Update(func(tx Tx) error {
		items = items[:0]
		for _, id := range ids {
			item, err := tx.OutboxItem(id)
			if err != nil {
				return err
			}
			if item.State != Queued && item.State != Sending {
				continue
			}
			if item.State == Sending {
				o.Log.Warn("resending mail: its earlier attempt was interrupted and no copy arrived",
					"outbox", id, "case", item.CaseID, "attempt_at", item.AttemptAt)
			}
			item.State = Sending
			item.AttemptAt = o.Clock.Now()
			item.Attempts++
			if err := tx.PutOutbox(item); err != nil {
				return err
			}
			items = append(items, item)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("begin outbox %v: %w", ids, err)
	}
	return items, nil
}

// sendRun sends a run of one account's mails over one connection.
func (o *Worker) sendRun(ctx context.Context, dialer Dialer, ids []uint64) (time.Time, error) {
	items, err := o.begin(ids)
	if err != nil || len(items) == 0 {
		return time.Time{}, err
	}
	errs := make([]error, len(items))
	raws := make([][]byte, len(items))
	account := items[0].Account
	conn, err := dialer.Dial(ctx, account)
	sentOver := 0
	for i, item := range items {
		if err != nil {
			errs[i] = err // no connection: the rest waits for a retry
			continue
		}
		raws[i], errs[i] = conn.Send(ctx, &item.Mail)
		sentOver++
		if errs[i] != nil && mailerr.KindOf(errs[i]) != mailerr.Refused && i+1 < len(items) {
			// A 4xx or a broken connection: the next mail gets a new one.
			conn.Close()
			conn, err = dialer.Dial(ctx, account)
		}
	}
	o.tellSending(account, err, errs)
	if conn != nil {
		conn.Close()
	}
	if sentOver > 1 {
		o.Log.Info("mails sent over one connection", "account", account, "mails", sentOver)
	}
	return o.finish(items, errs, raws)
}

// send makes one attempt at one item with the Sender's Send (alerts try
// the fallback accounts); it returns when to retry (zero: done).
func (o *Worker) send(ctx context.Context, id uint64) (time.Time, error) {
	items, err := o.begin([]uint64{id})
	if err != nil || len(items) == 0 {
		return time.Time{}, err
	}
	item := items[0]
	log := o.Log.With("outbox", id, "case", item.CaseID, "kind", item.Kind)
	var raw []byte
	sendOne := func(account string) (err error) {
		defer func() { o.tellSending(account, nil, []error{err}) }()
		if d, ok := o.Sender.(Dialer); ok {
			conn, err := d.Dial(ctx, account)
			if err != nil {
				return err
			}
			defer conn.Close()
			raw, err = conn.Send(ctx, &item.Mail)
			return err
		}
		return o.Sender.Send(ctx, account, &item.Mail)
	}
	sendErr := sendOne(item.Account)
	for _, account := range o.Fallback {
		if sendErr == nil || item.Kind != KindAlert {
			break
		}
		if account != item.Account {
			log.Debug("alert not sent, trying another account", "err", sendErr, "account", account)
			sendErr = sendOne(account)
		}
	}
	return o.finish(items, []error{sendErr}, [][]byte{raw})
}

// tellSending tells Sending whether account could send: its failure when
// the dial failed (dialErr) or the attempts met one of the account's, nil
// when a mail went.
func (o *Worker) tellSending(account string, dialErr error, errs []error) {
	if o.Sending == nil {
		return
	}
	if dialErr != nil && mailerr.KindOf(dialErr).Account() {
		o.Sending(account, dialErr)
		return
	}
	var failure error
	for _, err := range errs {
		switch {
		case err == nil:
			o.Sending(account, nil)
			return
		case mailerr.KindOf(err).Account():
			failure = err
		}
	}
	if failure != nil {
		o.Sending(account, failure)
	}
}

// Cause names the account failure err is, "<account> <kind>", or "" when
// it is not the account's: the mails that meet it wait behind one cause.
func Cause(err error) string {
	e := mailerr.As(err)
	if e == nil || !e.Kind.Account() {
		return ""
	}
	return e.Account + " " + e.Kind.String()
}

// finish records the results of attempts in one transaction and returns
// when the earliest retry is due (zero: none).
func (o *Worker) finish(items []*Item, errs []error, raws [][]byte) (time.Time, error) {
	now := o.Clock.Now()
	var retryAt time.Time
	var failed []*Item
	events := make([]*complaint.Event, len(items))
	for i, item := range items {
		log := o.Log.With("outbox", item.ID, "case", item.CaseID, "kind", item.Kind, "to", item.Mail.To, "attempt", item.Attempts)
		sendErr := errs[i]
		if o.Observe != nil {
			o.Observe(item, sendErr)
		}
		if sendErr == nil {
			log.Info("mail sent", "message_id", item.Mail.MessageID)
			continue
		}
		ev := &complaint.Event{At: now.UTC(), Actor: "klachtbot", MessageID: item.Mail.MessageID}
		kind := mailerr.KindOf(sendErr)
		// The same kind of failure from the same cause is recorded once, not per attempt.
		again := item.LastKind != kind.String() || item.Cause != Cause(sendErr)
		item.LastError, item.LastKind, item.Cause = sendErr.Error(), kind.String(), Cause(sendErr)
		if kind != mailerr.Refused && now.Sub(item.Mail.Date) < o.GiveUpAfter {
			delay := o.RetryBase << min(item.Attempts-1, 20)
			if delay > o.RetryMax || delay <= 0 {
				delay = o.RetryMax
			}
			item.State, item.NextAttempt = Queued, now.Add(delay)
			if retryAt.IsZero() || item.NextAttempt.Before(retryAt) {
				retryAt = item.NextAttempt
			}
			if again {
				ev.Kind = complaint.EvMailRetry
			}
			if item.Cause != "" {
				// The account's failure: its incident tells of it, once per repeat.
				log.Debug("mail waits for its account", "err", sendErr, "retry_at", item.NextAttempt)
			} else {
				log.Warn("mail not sent, will retry", "err", sendErr, "retry_at", item.NextAttempt)
			}
		} else {
			item.State = Failed
			ev.Kind = complaint.EvMailFailed
			if item.Kind != KindAlert {
				failed = append(failed, item)
			}
			log.Error("mail failed", "err", sendErr, "kind_of_failure", kind.String())
		}
		ev.Detail = string(item.Kind) + ": " + item.LastError
		if ev.Kind != "" {
			events[i] = ev
		}
	}
	err := o.Store.Update(func(tx Tx) error {
		for i, item := range items {
			if errs[i] == nil {
				// The copy may have been seen first; that recorded it already.
				if cur, err := tx.OutboxItem(item.ID); err != nil || cur.State == Sent {
					if err != nil {
						return err
					}
					continue
				}
				if err := MarkSent(tx, item, now, "", raws[i]); err != nil {
					return err
				}
				continue
			}
			if err := tx.PutOutbox(item); err != nil {
				return err
			}
			if item.CaseID != "" && events[i] != nil {
				if err := tx.AppendEvent(item.CaseID, events[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("record outbox result: %w", err)
	}
	if o.Failed != nil {
		for _, item := range failed {
			o.Failed(item, item.LastError)
		}
	}
	return retryAt, nil
}

// MarkSent records that a mail went out: the server took it, or (how) its
// copy arrived in a watched folder. raw, when known, is the mail as it
// went out (or its copy): it is kept on the case, byte for byte, and its
// hash is in the chain. The outbox keeps only the record (Slim). A sent
// acknowledgement sets the case's acknowledged_at.
func MarkSent(tx Tx, item *Item, now time.Time, how string, raw []byte) error {
	item.State, item.SentAt, item.LastError, item.LastKind, item.Cause = Sent, &now, "", "", ""
	item.Slim()
	if err := tx.PutOutbox(item); err != nil || item.CaseID == "" {
		return err
	}
	c, err := tx.Case(item.CaseID)
	if err != nil {
		return err
	}
	if item.Kind == KindAck {
		c.AcknowledgedAt = &now
		if err := tx.PutCase(c); err != nil {
			return err
		}
	}
	ev := &complaint.Event{At: now.UTC(), Kind: complaint.EvMailSent, Actor: "klachtbot",
		MessageID: item.Mail.MessageID, Detail: string(item.Kind) + " to " + strings.Join(item.Mail.To, ", ") + how}
	// A mail found no complaint (#geen-klacht) or anonymised keeps nothing.
	if raw != nil && !c.NotComplaint && c.AnonymisedAt == nil {
		sum := sha256.Sum256(raw)
		source := "sent by klachtbot"
		if how != "" {
			source = "read back" + how
		}
		rec := &complaint.Message{MessageID: item.Mail.MessageID, From: item.Mail.From, FromName: item.Mail.FromName,
			Role: complaint.RoleBot, Subject: item.Mail.Subject, ReceivedAt: now.UTC(), Source: source, SHA256: hex.EncodeToString(sum[:])}
		if err := tx.AddMessage(item.CaseID, rec, raw); err != nil {
			return err
		}
		ev.RawSum = rec.SHA256
	}
	return tx.AppendEvent(item.CaseID, ev)
}
