package storage

import "time"

// Case states.
const (
	StateOpen    = "open"
	StateWaiting = "waiting"
	StateClosed  = "closed"
)

// Message roles.
const (
	RoleClient   = "client"
	RoleDirector = "director"
	RoleBot      = "bot"
	RoleOther    = "other"
)

// Case is one complaint and everything the procedure tracks about it.
type Case struct {
	ID              string     `json:"id"`
	State           string     `json:"state"`
	Client          string     `json:"client"`
	ClientName      string     `json:"client_name,omitempty"`
	Director        string     `json:"director"`
	Subject         string     `json:"subject"`
	Language        string     `json:"language"`
	ReceivedAt      time.Time  `json:"received_at"`
	TargetAt        time.Time  `json:"target_at"`
	AcknowledgedAt  *time.Time `json:"acknowledged_at"`
	FirstResponseAt *time.Time `json:"first_response_at"`
	ClosedAt        *time.Time `json:"closed_at"`

	Resolution   string     `json:"resolution,omitempty"` // #afgehandeld
	NotComplaint bool       `json:"not_complaint,omitempty"`
	Category     string     `json:"category,omitempty"`
	Measures     []string   `json:"measures,omitempty"` // against recurrence
	Consent      *Consent   `json:"consent,omitempty"`
	External     []External `json:"external,omitempty"` // documents shared with experts
	AnonymisedAt *time.Time `json:"anonymised_at,omitempty"`
}

// Consent is the client's answer to sharing documents with external experts.
type Consent struct {
	Given    bool      `json:"given"`
	At       time.Time `json:"at"`
	By       string    `json:"by"`                 // the client, or the director who recorded it
	Evidence string    `json:"evidence,omitempty"` // Message-ID of the mail it was given in
}

// External records documents shared with an external body.
type External struct {
	Party string    `json:"party"`
	At    time.Time `json:"at"`
	By    string    `json:"by"`
}

// Message is the record of one mail that belongs to a case. The raw bytes
// are stored beside it, byte for byte as fetched.
type Message struct {
	Seq         uint64    `json:"seq"`
	MessageID   string    `json:"message_id"`
	From        string    `json:"from"`
	FromName    string    `json:"from_name,omitempty"`
	Role        string    `json:"role"`
	Subject     string    `json:"subject"`
	ReceivedAt  time.Time `json:"received_at"`
	Source      string    `json:"source,omitempty"` // mailbox, folder and UID it was found at
	Attachments []string  `json:"attachments,omitempty"`
	Problems    []string  `json:"problems,omitempty"` // non-empty: flagged malformed
	// Unverified: it claims a director's address without proof. Kept as
	// evidence, but it does not claim its Message-ID, so the director's real
	// copy (in Sent) is still processed.
	Unverified bool `json:"unverified,omitempty"`
	Anonymised bool `json:"anonymised,omitempty"` // raw bytes and personal fields removed
}

// Event is one entry of a case's append-only, hash-chained audit trail.
//
// The chain covers salted digests of the fields that may name a person
// (actor, message ID, detail), not the fields themselves: retention erases
// those fields and the salt, and the chain still verifies while the digests
// reveal nothing. See EventHash and Seal.
type Event struct {
	Seq       uint64    `json:"seq"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Actor     string    `json:"actor"`
	MessageID string    `json:"message_id,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Salt      string    `json:"salt,omitempty"` // gone once erased
	Sums      [3]string `json:"sums"`           // digests of actor, message_id, detail
	Erased    bool      `json:"erased,omitempty"`
	Prev      string    `json:"prev"`
	Hash      string    `json:"hash"`
}

// Outbox states.
const (
	OutboxQueued  = "queued"
	OutboxSending = "sending" // an attempt began; after a crash, its copy in a watched folder tells whether it went
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// Mail is an outgoing message as queued; it is rendered the same way on every attempt.
type Mail struct {
	From       string            `json:"from"`
	FromName   string            `json:"from_name,omitempty"`
	To         []string          `json:"to"`
	Bcc        []string          `json:"bcc,omitempty"` // the copy that confirms delivery
	Subject    string            `json:"subject"`
	MessageID  string            `json:"message_id"` // with angle brackets
	InReplyTo  string            `json:"in_reply_to,omitempty"`
	References []string          `json:"references,omitempty"`
	Date       time.Time         `json:"date"`
	Headers    map[string]string `json:"headers,omitempty"`
	Text       string            `json:"text"`
	HTML       string            `json:"html,omitempty"`
}

// OutboxItem is a mail waiting to be sent, or the record of its sending.
type OutboxItem struct {
	ID          uint64     `json:"id"`
	CaseID      string     `json:"case_id"`
	Kind        string     `json:"kind"`
	Account     string     `json:"account"` // director address whose SMTP settings send it
	Mail        Mail       `json:"mail"`
	State       string     `json:"state"`
	Attempts    int        `json:"attempts"`
	NextAttempt time.Time  `json:"next_attempt"`
	AttemptAt   time.Time  `json:"attempt_at,omitzero"` // when the last attempt began
	LastError   string     `json:"last_error,omitempty"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
}

// Checkpoint is how far a watcher got in one IMAP folder.
type Checkpoint struct {
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"`
}

// Quarantined is a mail that could not be parsed well enough to tell whether
// it is a complaint; it is kept raw for an operator to look at.
type Quarantined struct {
	Source     string    `json:"source"`
	ReceivedAt time.Time `json:"received_at"`
	Problems   []string  `json:"problems"`
}
