package workflow

import (
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
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

// Store runs transactions: Update writes everything or nothing.
type Store interface {
	Update(func(Tx) error) error
	View(func(Tx) error) error
}

// Bind makes a Store of a store whose transaction type T implements Tx,
// e.g. workflow.Bind(st.Update, st.View) for a *storage.Store, with the
// outbox's adapter.
func Bind[T Tx](update, view func(func(T) error) error) Store {
	return outbox.BindAs(update, view, func(t T) Tx { return t })
}

// Clock gives the current time; the domain never reads the system clock itself.
type Clock = outbox.Clock
