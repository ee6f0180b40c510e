// Package complaint is klachtbot's domain: a case and everything the
// procedure tracks about it, its states and the changes between them, the
// messages that belong to it and its hash-chained audit trail.
//
// It is a leaf: it must not import any other package of klachtbot, nor
// storage, mail or IMAP libraries. storage keeps these types, workflow
// applies the rules to them.
package complaint

import (
	"errors"
	"time"
)

// ErrNotFound is wrapped by a store's error for a case or message that is not there.
var ErrNotFound = errors.New("not found")

// Case states.
const (
	StateTriage  = "triage" // doubtful: kept for a director's decision, no acknowledgement, no deadline yet
	StateOpen    = "open"
	StateWaiting = "waiting"
	StateClosed  = "closed"
)

// How a complaint reached the firm. The klachtenregeling names mail, phone
// and a conversation; a letter is typed in by a director like a call.
const (
	ChannelMail      = "mail"
	ChannelForwarded = "doorgestuurd" // a director forwarded the client's mail
	ChannelPhone     = "telefoon"
	ChannelMeeting   = "gesprek"
	ChannelLetter    = "brief"
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
	ID          string `json:"id"`
	State       string `json:"state"`
	Client      string `json:"client"`
	ClientName  string `json:"client_name,omitempty"`
	Director    string `json:"director"`
	Subject     string `json:"subject"`
	Language    string `json:"language"`
	Channel     string `json:"channel,omitempty"`     // "" is ChannelMail
	Recognition string `json:"recognition,omitempty"` // why it was judged a complaint, or doubtful
	// RecognisedTarget is who recognition found the grievance to be about
	// (firm, third-party, self, or "" for unknown); RecognisedProb the
	// model's probability that the mail is a complaint. Both are set only
	// for mail recognition judged.
	RecognisedTarget string     `json:"recognised_target,omitempty"`
	RecognisedProb   float64    `json:"recognised_prob,omitempty"`
	ReceivedAt       time.Time  `json:"received_at"`
	TargetAt         time.Time  `json:"target_at"`
	AcknowledgedAt   *time.Time `json:"acknowledged_at"`
	FirstResponseAt  *time.Time `json:"first_response_at"`
	ClosedAt         *time.Time `json:"closed_at"`

	Resolution   string     `json:"resolution,omitempty"` // #afgehandeld
	NotComplaint bool       `json:"not_complaint,omitempty"`
	Category     string     `json:"category,omitempty"`
	Measures     []string   `json:"measures,omitempty"` // against recurrence
	Consent      *Consent   `json:"consent,omitempty"`
	External     []External `json:"external,omitempty"` // documents shared with experts
	AnonymisedAt *time.Time `json:"anonymised_at,omitempty"`
	// Attention is what went wrong that someone must act on, e.g. the
	// acknowledgement could not be delivered.
	Attention string `json:"attention,omitempty"`
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
	SHA256      string    `json:"sha256,omitempty"`   // of the original bytes, hex
	// Unverified: it claims a director's address without proof. Kept as
	// evidence, but it does not claim its Message-ID, so the director's real
	// copy (in Sent) is still processed.
	Unverified bool `json:"unverified,omitempty"`
	Anonymised bool `json:"anonymised,omitempty"` // raw bytes and personal fields removed
}

// Quarantined is a mail that could not be read or ingested well enough to
// tell whether it is a complaint; it is kept raw for an operator to look at.
type Quarantined struct {
	Source     string    `json:"source"`
	ReceivedAt time.Time `json:"received_at"`
	Problems   []string  `json:"problems"`
}

// ChannelOf is the case's channel, ChannelMail for records that have none.
func (c *Case) ChannelOf() string {
	if c.Channel == "" {
		return ChannelMail
	}
	return c.Channel
}
