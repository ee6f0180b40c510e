// Package alert is what went wrong that a person must act on: an incident
// (a mailbox the bot cannot read, a mail it could not deliver, a bounce, mail
// it had to quarantine, a limit reached, a job that failed), told once in
// Dutch (what happened, what it means for clients, what to do), repeated at
// most daily while it lasts, and closed with one short mail.
//
// It is a leaf: it must not import any other package of klachtbot.
package alert

import "time"

// Kind is what an incident is about, stored as its name ("mailbox").
type Kind string

// Kinds of incident.
const (
	KindMailbox       Kind = "mailbox"       // a watched folder cannot be read
	KindSending       Kind = "sending"       // an account cannot send: its mail waits
	KindUndeliverable Kind = "undeliverable" // a mail the bot sent was refused, or kept failing
	KindBounce        Kind = "bounce"        // a mail the bot sent came back
	KindQuarantine    Kind = "quarantine"    // mail kept raw because it could not be read or ingested
	KindRateLimit     Kind = "rate-limit"    // acknowledgements held back by a limit
	KindJob           Kind = "job"           // a scheduled job failed
)

// Incident is one thing that went wrong, from its start to its end. Its Key
// makes it one incident however often it is reported.
type Incident struct {
	Key     string `json:"key"` // "mailbox/marco@mcoo.nl/INBOX", "mail/17", ...
	Kind    Kind   `json:"kind"`
	Case    string `json:"case,omitempty"`
	Title   string `json:"title"`   // one line, Dutch
	What    string `json:"what"`    // what happened
	Meaning string `json:"meaning"` // what it means for clients
	Todo    string `json:"todo"`    // what to do
	// Cause, of an account that cannot send, is the failure its mail waits
	// behind (outbox.Cause); Accounts are the directors whose mail goes
	// through that account.
	Cause    string   `json:"cause,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
	// Waiting is how many mails wait behind Cause, counted when the
	// incident is read for status; it is not stored.
	Waiting int `json:"waiting,omitempty"`
	// Lasting incidents (a mailbox that cannot be read) end when the cause
	// is gone; one-off ones (a bounce) are told once and closed at once.
	Lasting    bool       `json:"lasting"`
	Since      time.Time  `json:"since"`
	LastAlert  time.Time  `json:"last_alert"`
	Reports    int        `json:"reports"` // how often it was told
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// Open reports whether the incident still needs attention.
func (i *Incident) Open() bool { return i.ResolvedAt == nil }

// Due reports whether an open incident should be told again at now.
func (i *Incident) Due(now time.Time, repeat time.Duration) bool {
	return i.Open() && !now.Before(i.LastAlert.Add(repeat))
}
