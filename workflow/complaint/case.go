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

// State is where a case is in the procedure. It changes only through the
// methods of Case in state.go.
type State string

// Case states.
const (
	StateTriage  State = "triage" // doubtful: kept for a director's decision, no acknowledgement, no deadline yet
	StateOpen    State = "open"
	StateWaiting State = "waiting"
	StateClosed  State = "closed"
)

// Channel is how a complaint reached the firm. The klachtenregeling names
// mail, phone and a conversation; a letter is typed in by a director like a
// call.
type Channel string

// Channels.
const (
	ChannelMail      Channel = "mail"
	ChannelForwarded Channel = "doorgestuurd" // a director forwarded the client's mail
	ChannelPhone     Channel = "telefoon"
	ChannelMeeting   Channel = "gesprek"
	ChannelLetter    Channel = "brief"
)

// Role is who wrote a message of a case.
type Role string

// Message roles.
const (
	RoleClient   Role = "client"
	RoleDirector Role = "director"
	RoleBot      Role = "bot"
	RoleStaff    Role = "staff" // one of the firm's people, answering a director's question (#betrokkene)
	RoleOther    Role = "other"
)

// Case is one complaint and everything the procedure tracks about it.
type Case struct {
	ID          string  `json:"id"`
	State       State   `json:"state"`
	Client      string  `json:"client"`
	ClientName  string  `json:"client_name,omitempty"`
	Director    string  `json:"director"`
	Subject     string  `json:"subject"`
	Language    string  `json:"language"`
	Channel     Channel `json:"channel,omitempty"`     // "" is ChannelMail
	Recognition string  `json:"recognition,omitempty"` // why it was judged a complaint, or doubtful
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

	Resolution   string   `json:"resolution,omitempty"` // #afgehandeld
	NotComplaint bool     `json:"not_complaint,omitempty"`
	Category     string   `json:"category,omitempty"`
	Measures     []string `json:"measures,omitempty"` // against recurrence
	// MeasuresAt is when each of Measures was recorded; records of older
	// versions have none (MeasureList falls back).
	MeasuresAt   []time.Time `json:"measures_at,omitempty"`
	Consent      *Consent    `json:"consent,omitempty"`
	External     []External  `json:"external,omitempty"` // documents shared with experts
	AnonymisedAt *time.Time  `json:"anonymised_at,omitempty"`
	// Consultations are the firm's people asked for their side (#betrokkene).
	Consultations []Consultation `json:"consultations,omitempty"`
	// Satisfaction is the closing question to the client and its answer.
	Satisfaction *Satisfaction `json:"satisfaction,omitempty"`
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
	Party  string    `json:"party"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Shared string    `json:"shared,omitempty"` // what was shared, as the director wrote it
	// Confidentiality is the expert's signed statement (#geheimhouding).
	Confidentiality *Confidentiality `json:"confidentiality,omitempty"`
}

// Confidentiality is an expert's signed confidentiality statement, kept on
// the case: the director's mail it came attached to is stored byte for byte.
type Confidentiality struct {
	At       time.Time `json:"at"`
	By       string    `json:"by"`
	Evidence string    `json:"evidence"`         // Message-ID of the mail the statement is attached to
	File     string    `json:"file"`             // the attachment's name
	SHA256   string    `json:"sha256,omitempty"` // of the attachment's bytes, hex
}

// Consultation is one of the firm's people asked for their side of a
// complaint (#betrokkene): the mail they got, and their answer.
type Consultation struct {
	Name       string     `json:"name"`
	Address    string     `json:"address"`
	Question   string     `json:"question,omitempty"`
	At         time.Time  `json:"at"`
	By         string     `json:"by"`         // the director who asked
	MessageID  string     `json:"message_id"` // of the mail to the staff member: her answer replies to it
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	Answer     string     `json:"answer,omitempty"` // Message-ID of her reply
}

// Satisfaction is the question on closing whether the client is satisfied
// with how the complaint was handled, and the answer.
type Satisfaction struct {
	AskedAt   time.Time `json:"asked_at"`
	AskedBy   string    `json:"asked_by"`   // the director who closed the case
	MessageID string    `json:"message_id"` // of the closing mail: the client's answer replies to it
	// Satisfied is the answer; nil while there is none.
	Satisfied  *bool      `json:"satisfied"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	By         string     `json:"by,omitempty"`       // the client, or the director who recorded it (#tevreden)
	Evidence   string     `json:"evidence,omitempty"` // Message-ID of the client's answer
	// NoAnswer: ten working days passed without one.
	NoAnswer bool `json:"no_answer,omitempty"`
	// Upheld is when a director recorded that the firm stands by its
	// solution after a "nee" (#oplossing-handhaven), and UpheldBy who.
	Upheld   *time.Time `json:"upheld,omitempty"`
	UpheldBy string     `json:"upheld_by,omitempty"`
	Reason   string     `json:"reason,omitempty"` // the director's word on upholding it
	// ReopenedAt: a director re-opened the case after the answer (#heropend).
	ReopenedAt *time.Time `json:"reopened_at,omitempty"`
}

// Message is the record of one mail that belongs to a case. The raw bytes
// are stored beside it, byte for byte as fetched.
type Message struct {
	Seq         uint64    `json:"seq"`
	MessageID   string    `json:"message_id"`
	From        string    `json:"from"`
	FromName    string    `json:"from_name,omitempty"`
	Role        Role      `json:"role"`
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
func (c *Case) ChannelOf() Channel {
	if c.Channel == "" {
		return ChannelMail
	}
	return c.Channel
}

// Satisfied is the client's answer to the closing question: nil when it
// was not asked or not (yet) answered.
func (c *Case) Satisfied() *bool {
	if c.Satisfaction == nil {
		return nil
	}
	return c.Satisfaction.Satisfied
}

// AwaitsSatisfaction: the closing question was asked and the client has not
// answered it, and the ten working days for an answer have not passed.
func (c *Case) AwaitsSatisfaction() bool {
	s := c.Satisfaction
	return c.State == StateClosed && s != nil && s.Satisfied == nil && !s.NoAnswer
}

// Dissatisfied: the client said no to the closing question and no director
// has answered that yet (re-opened, or stood by the solution).
func (c *Case) Dissatisfied() bool {
	s := c.Satisfaction
	return c.State == StateClosed && s != nil && s.Satisfied != nil && !*s.Satisfied && s.Upheld == nil && s.ReopenedAt == nil
}

// Unsigned lists the experts documents went to whose confidentiality
// statement is not on the case.
func (c *Case) Unsigned() []External {
	var out []External
	for _, x := range c.External {
		if x.Confidentiality == nil {
			out = append(out, x)
		}
	}
	return out
}

// FollowUp reports whether the procedure still watches a closed case: the
// closing question waits for an answer, the client is not satisfied and no
// director has answered that, or an expert has not signed.
func (c *Case) FollowUp() bool {
	return c.AwaitsSatisfaction() || c.Dissatisfied() || !c.NotComplaint && len(c.Unsigned()) > 0
}

// Outstanding lists the consultations not answered yet.
func (c *Case) Outstanding() []Consultation {
	var out []Consultation
	for _, x := range c.Consultations {
		if x.AnsweredAt == nil {
			out = append(out, x)
		}
	}
	return out
}

// MeasureTaken is one measure against recurrence with when it was recorded.
type MeasureTaken struct {
	Text string
	At   time.Time
}

// MeasureList is the case's measures with their dates. A measure of an
// older record, which has no date, counts from when the case closed, else
// from its receipt.
func (c *Case) MeasureList() []MeasureTaken {
	var out []MeasureTaken
	for i, m := range c.Measures {
		at := c.ReceivedAt
		switch {
		case i < len(c.MeasuresAt):
			at = c.MeasuresAt[i]
		case c.ClosedAt != nil:
			at = *c.ClosedAt
		}
		out = append(out, MeasureTaken{Text: m, At: at})
	}
	return out
}

// AddMeasure records a measure against recurrence taken at at. Dates of
// measures of an older record are filled in first, so each keeps its own.
func (c *Case) AddMeasure(text string, at time.Time) {
	for _, m := range c.MeasureList()[len(c.MeasuresAt):] {
		c.MeasuresAt = append(c.MeasuresAt, m.At)
	}
	c.Measures, c.MeasuresAt = append(c.Measures, text), append(c.MeasuresAt, at)
}

// ReceivedBefore reports whether a complaint received at received, case id,
// came before a measure taken at at on case of: the complaint that led to
// the measure always does; others by the second (mail dates have no finer
// grain), and one in the same second counts as after.
func ReceivedBefore(id string, received time.Time, of string, at time.Time) bool {
	return id == of || received.Truncate(time.Second).Before(at.Truncate(time.Second))
}
