// Package casework is what every step of the procedure does to a case
// inside one store transaction: record an event on its audit trail, keep a
// mail with the digest of its bytes, open and register a case, acknowledge
// it within the limits, queue the bot's mail about it (composed by
// compose, threaded into the case's conversation, on the audit trail), and
// erase what it holds about people.
//
// Its Clerk is shared by intake (one incoming mail), commands (a
// director's command mail), the jobs and the alerts. It declares the Tx the
// rules read and write through, which storage implements. It must not
// import storage, the mail edge (mailbox's IMAP and SMTP), or the packages
// that use it (intake, commands, the engine).
package casework

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/alerts"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/learning"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/policy"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Tx is what the rules read and write in one store transaction. storage's
// bbolt transaction implements it; so can an in-memory store in a test.
type Tx interface {
	outbox.Tx

	Meta(key string) string
	SetMeta(key, value string) error
	Checkpoint(folder string) (message.Checkpoint, error)
	SetCheckpoint(folder string, cp message.Checkpoint) error
	JobRun(slot string) *time.Time
	SetJobRun(slot string, at time.Time) error

	NextCaseID(year int) (string, error)
	RaiseCaseSeq(year int, n uint64) error // the next number of the year is above n
	Cases() ([]*complaint.Case, error)
	// CasesSince lists, by number, the cases not closed and those closed at
	// or after closedAfter: what jobs and status need, without reading
	// years of closed cases.
	CasesSince(closedAfter time.Time) ([]*complaint.Case, error)
	CaseByMessageID(msgid string) string
	IndexMessageID(msgid, caseID string) error
	AddMessage(caseID string, m *complaint.Message, raw []byte) error
	Messages(caseID string) ([]*complaint.Message, error)
	Raw(caseID string, seq uint64) ([]byte, error)
	Events(caseID string) ([]*complaint.Event, error)

	Enqueue(*outbox.Item) error
	OutboxByMessageID(msgid string) (*outbox.Item, error)
	AcksSince(addr string, since time.Time) (int, error)
	RecordAck(addr string, at, keepAfter time.Time) error

	// The directors' decisions recognition learns from (hashed features
	// and a label, never text), in the order they were made.
	Learned() ([]recognize.Learned, error)
	AddLearned(recognize.Learned) error
	ResetLearned() (int, error)

	Incident(key string) (*alert.Incident, error)
	PutIncident(*alert.Incident) error
	OpenIncidents() ([]*alert.Incident, error)

	Quarantine(q *complaint.Quarantined, raw []byte) error
	QuarantineCount() int

	// Retention's primitives: workflow decides what goes (retention.go).
	ReplaceMessage(caseID string, m *complaint.Message) error
	DeleteRaw(caseID string) error
	UnindexMessageID(msgid string) error
	OutboxOf(caseID string) ([]*outbox.Item, error)
	DeleteOutbox(*outbox.Item) error
	ReplaceEvent(caseID string, ev *complaint.Event) error
	PurgeQuarantine(cutoff time.Time) (int, error)
	MarkCompact() error
}

// Clock gives the current time; the domain never reads the system clock itself.
type Clock = outbox.Clock

// Observer is told what the rules did, for monitoring.
type Observer interface {
	Ingested(took time.Duration)
	Bounced(permanent bool)
}

// Clerk does the casework of one engine: its configuration, clock,
// calendar, composer, alert desk and learner.
type Clerk struct {
	Cfg     *policy.Config
	Clock   Clock
	Cal     *calendar.Calendar
	Mail    *compose.Composer
	Alerts  *alerts.Desk[Tx]
	Learner *learning.Learner
	Log     *slog.Logger
	queued  atomic.Bool // mail was queued since TakeQueued
}

// TakeQueued reports whether mail was queued since it was last asked, so
// that the outbox is woken after the transaction.
func (k *Clerk) TakeQueued() bool { return k.queued.Swap(false) }

// Record appends the event of a state change, if there was one.
func (k *Clerk) Record(tx Tx, c *complaint.Case, change *complaint.Event, actor, msgid string) error {
	if change == nil {
		return nil
	}
	return k.Event(tx, c.ID, complaint.Event{Kind: change.Kind, Actor: actor, MessageID: msgid, Detail: change.Detail})
}

// Event appends ev to the case's audit trail, as of now.
func (k *Clerk) Event(tx Tx, caseID string, ev complaint.Event) error {
	ev.At = k.Clock.Now().UTC()
	return tx.AppendEvent(caseID, &ev)
}

// EventFor appends ev about a stored mail: the chain vouches for its
// original bytes (rec.SHA256, set by Keep).
func (k *Clerk) EventFor(tx Tx, caseID string, rec *complaint.Message, ev complaint.Event) error {
	ev.MessageID, ev.RawSum = rec.MessageID, rec.SHA256
	return k.Event(tx, caseID, ev)
}

// Keep stores a mail of a case with the digest of its original bytes.
func Keep(tx Tx, caseID string, rec *complaint.Message, raw []byte) error {
	sum := sha256.Sum256(raw)
	rec.SHA256 = hex.EncodeToString(sum[:])
	return tx.AddMessage(caseID, rec, raw)
}

// DirectorAddresses are the directors' addresses, in configured order.
func (k *Clerk) DirectorAddresses() []string {
	var to []string
	for _, d := range k.Cfg.Directors {
		to = append(to, d.Address)
	}
	return to
}

// allAcks is the key under which every acknowledgement is counted.
const allAcks = "*"

// Mail is one incoming mail while it is ingested, inside its transaction:
// what every step of its intake reads, instead of a row of parameters.
type Mail struct {
	Tx  Tx
	Src policy.Source
	M   *message.Message
	Rec *complaint.Message // its record, stored when it joins a case
	Raw []byte             // its bytes as fetched
	Log *slog.Logger       // with the folder, uid and Message-ID; a step adds the case
}
